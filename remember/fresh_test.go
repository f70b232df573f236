package remember_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sessionless/sessionless/remember"
	"github.com/sessionless/sessionless/token"
)

// fresh runs Load and then Fresh for b's next request, on one response,
// as a middleware does, and stores the response's cookies.
func (e *env) fresh(b *browser, window time.Duration, sliding bool) (bool, *remember.State[User], map[string]*http.Cookie) {
	e.t.Helper()
	rec := httptest.NewRecorder()
	r := b.request()
	st := ptr(e.m.Load(rec, r))
	ok := e.m.Fresh(rec, r, st, remember.Window{Duration: window, Sliding: sliding})
	return ok, st, b.receive(rec)
}

// loginThenFresh logs b in (session only) and, a minute later, begins a
// request that runs Load and a sliding Fresh(win) on one response, as a
// sudo route does in the request that starts its window (the password
// was just entered, no fresh cookie yet). It returns them for the rest of
// that request.
func (e *env) loginThenFresh(b *browser, win time.Duration) (*httptest.ResponseRecorder, *http.Request, *remember.State[User]) {
	e.t.Helper()
	e.login(b, alice, false)
	e.clock.Set(t0.Add(time.Minute))
	rec := httptest.NewRecorder()
	r := b.request()
	st := ptr(e.m.Load(rec, r))
	if !e.m.Fresh(rec, r, st, remember.Sliding(win)) {
		e.t.Fatal("Fresh(sliding) within the password window = false; want true")
	}
	return rec, r, st
}

// TestFreshFixed checks the fixed window (Laravel's password.confirm): true
// within the window from the password entry, false after it, and never a
// cookie.
func TestFreshFixed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		cfg    remember.Config[User]
		window time.Duration
		after  time.Duration
		want   bool
	}{
		{"within the window", remember.Config[User]{}, 15 * time.Minute, 10 * time.Minute, true},
		{"at the end of the window", remember.Config[User]{}, 15 * time.Minute, 15 * time.Minute, true},
		{"after the window", remember.Config[User]{}, 15 * time.Minute, 15*time.Minute + time.Second, false},
		{"after the window, however active", remember.Config[User]{}, 5 * time.Minute, 20 * time.Minute, false},
		{"window 0 is FreshWindow, within", remember.Config[User]{FreshWindow: 5 * time.Minute}, 0, 4 * time.Minute, true},
		{"window 0 is FreshWindow, after", remember.Config[User]{FreshWindow: 5 * time.Minute}, 0, 6 * time.Minute, false},
		{"window 0 is 15 minutes by default", remember.Config[User]{}, 0, 14 * time.Minute, true},
		{"negative window is FreshWindow", remember.Config[User]{FreshWindow: 5 * time.Minute}, -time.Hour, 6 * time.Minute, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, tt.cfg)
			b := e.browser()
			e.login(b, alice, true)
			for step := time.Duration(0); step < tt.after; step += 4 * time.Minute {
				e.clock.Set(t0.Add(step))
				e.load(b) // activity keeps the auth token alive
			}
			e.clock.Set(t0.Add(tt.after))
			got, st, set := e.fresh(b, tt.window, false)
			if st.Level != remember.Authenticated {
				t.Fatalf("Load() level = %v; want %v", st.Level, remember.Authenticated)
			}
			if got != tt.want {
				t.Errorf("Fresh(%v, fixed) at auth_time+%v = %v; want %v", tt.window, tt.after, got, tt.want)
			}
			if set[freshName] != nil {
				t.Errorf("Fresh(fixed) wrote the fresh cookie; want nothing")
			}
		})
	}
}

// TestFreshNotAuthenticated checks that remembered and anonymous visitors
// are never fresh, in either mode, and get no fresh cookie.
func TestFreshNotAuthenticated(t *testing.T) {
	t.Parallel()
	e := newEnv(t, remember.Config[User]{})
	remembered := e.browser()
	e.login(remembered, alice, true)
	remembered.Restart()
	for _, tt := range []struct {
		name string
		b    *browser
	}{{"remembered", remembered}, {"anonymous", e.browser()}} {
		for _, sliding := range []bool{false, true} {
			got, _, set := e.fresh(tt.b, time.Hour, sliding)
			if got || len(set) != 0 {
				t.Errorf("%s: Fresh(1h, sliding=%v) = %v, set %v; want false, nothing", tt.name, sliding, got, setNames(set))
			}
		}
	}
	if e.m.Fresh(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil), nil, remember.Sliding(0)) {
		t.Errorf("Fresh(nil State) = true; want false")
	}
}

// TestFreshSliding walks the sliding window (GitHub's sudo mode): each true
// call keeps it alive beyond the password window, the fresh cookie is
// written only when none exists or more than half of the window is used,
// and a gap longer than the window ends it.
func TestFreshSliding(t *testing.T) {
	t.Parallel()
	const window = 10 * time.Minute
	e := newEnv(t, remember.Config[User]{})
	b := e.browser()
	e.login(b, alice, true)
	steps := []struct {
		name      string
		at        time.Duration // since login
		want      bool
		wantWrite bool
		wantExp   time.Duration // of the fresh token, since login, if written
		wantSet   []string      // when not simply the fresh cookie
	}{
		{"first sensitive request writes the cookie", 2 * time.Minute, true, true, 12 * time.Minute, nil},
		{"less than half used, nothing written", 4 * time.Minute, true, false, 0, nil},
		{"more than half used, re-sealed", 8 * time.Minute, true, true, 18 * time.Minute, nil},
		{"beyond the password window, kept alive", 15 * time.Minute, true, true, 25 * time.Minute, nil},
		{"still alive, auth renewed too", 24 * time.Minute, true, true, 34 * time.Minute, []string{authName, freshName}},
		{"a gap longer than the window and the leeway ends it", 35*time.Minute + time.Second, false, false, 0, []string{"-" + freshName}},
	}
	for _, s := range steps {
		e.clock.Set(t0.Add(s.at))
		got, st, set := e.fresh(b, window, true)
		if got != s.want {
			t.Errorf("%s: Fresh(%v, sliding) at +%v = %v; want %v", s.name, window, s.at, got, s.want)
		}
		wantSet := s.wantSet
		if wantSet == nil && s.wantWrite {
			wantSet = []string{freshName}
		}
		if diff := cmp.Diff(wantSet, setNames(set)); diff != "" {
			t.Errorf("%s: set (-want +got):\n%s", s.name, diff)
		}
		if !s.wantWrite {
			continue
		}
		c := set[freshName]
		if c.MaxAge != 0 || c.RawExpires != "" || !c.Secure || !c.HttpOnly || c.Path != "/" {
			t.Errorf("%s: fresh cookie %+v; want a Secure HttpOnly browser-session cookie at /", s.name, c)
		}
		tok := open[string](t, e.live, remember.PurposeFresh, c.Value, e.clock.Now())
		if want := t0.Add(s.wantExp); !tok.Expiry.Equal(want) || tok.Data != st.Auth.ID.String() {
			t.Errorf("%s: fresh token exp %v, data %q; want %v, the auth token's id %q", s.name, tok.Expiry, tok.Data, want, st.Auth.ID)
		}
		if tok.Expiry.After(st.Auth.Expiry) {
			t.Errorf("%s: fresh token exp %v after the auth token's %v", s.name, tok.Expiry, st.Auth.Expiry)
		}
	}
	rejs := e.rej.take()
	if len(rejs) != 1 || rejs[0].Cookie != freshName || rejs[0].Reason != token.ReasonExpired {
		t.Errorf("rejections %+v; want one, the expired fresh cookie", rejs)
	}
}

// TestFreshNeverOutlivesAuth checks that the fresh token ends with the auth
// token when the auth token ends first.
func TestFreshNeverOutlivesAuth(t *testing.T) {
	t.Parallel()
	e := newEnv(t, remember.Config[User]{AuthIdle: 10 * time.Minute, AuthLifetime: 20 * time.Minute})
	b := e.browser()
	e.login(b, alice, false)
	for _, at := range []time.Duration{time.Minute, 6 * time.Minute, 12 * time.Minute, 18 * time.Minute} {
		e.clock.Set(t0.Add(at))
		ok, st, set := e.fresh(b, time.Hour, true)
		if !ok {
			t.Fatalf("Fresh(1h, sliding) at +%v = false; want true", at)
		}
		if c := set[freshName]; c != nil {
			tok := open[string](t, e.live, remember.PurposeFresh, c.Value, e.clock.Now())
			if !tok.Expiry.Equal(st.Auth.Expiry) {
				t.Errorf("at +%v: fresh token exp %v; want the auth token's %v", at, tok.Expiry, st.Auth.Expiry)
			}
		}
	}
	// The absolute end: the auth token is gone, and freshness with it.
	e.clock.Set(t0.Add(21*time.Minute + time.Second))
	if ok, st, _ := e.fresh(b, time.Hour, true); ok || st.Level != remember.Anonymous {
		t.Errorf("after the absolute end: Fresh() = %v, level %v; want false, %v", ok, st.Level, remember.Anonymous)
	}
}

// TestFreshMismatch checks that a fresh cookie of another authentication
// (an earlier login) does not count, and is reported and replaced.
func TestFreshMismatch(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		at      time.Duration
		want    bool
		wantSet []string
	}{
		{"outside the new password window: false, deleted", 20 * time.Minute, false, []string{"-" + freshName, authName}}, // auth renewed too
		{"inside the new password window: true, replaced", 5 * time.Minute, true, []string{freshName}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, remember.Config[User]{})
			b := e.browser()
			e.login(b, alice, true)
			e.clock.Set(t0.Add(time.Minute))
			if ok, _, _ := e.fresh(b, time.Hour, true); !ok {
				t.Fatalf("Fresh() after login = false; want true")
			}
			old := b.jar[freshName]
			e.clock.Set(t0.Add(2 * time.Minute))
			_, set := e.login(b, alice, true) // a new authentication
			if diff := cmp.Diff([]string{"-" + freshName, authName, rememberName}, setNames(set)); diff != "" {
				t.Errorf("Login set (-want +got); want the fresh cookie deleted:\n%s", diff)
			}
			b.jar[freshName] = old // planted back
			e.clock.Set(t0.Add(tt.at))
			ok, _, set := e.fresh(b, 10*time.Minute, true)
			if ok != tt.want {
				t.Errorf("Fresh(10m, sliding) with an earlier login's fresh cookie = %v; want %v", ok, tt.want)
			}
			if diff := cmp.Diff(tt.wantSet, setNames(set)); diff != "" {
				t.Errorf("set (-want +got):\n%s", diff)
			}
			rejs := e.rej.take()
			if len(rejs) != 1 || rejs[0].Reason != token.ReasonMismatch || rejs[0].Cookie != freshName {
				t.Errorf("rejections %+v; want one %q for %s", rejs, token.ReasonMismatch, freshName)
			}
		})
	}
}

// TestFreshBadCookie checks that a bad fresh cookie is deleted and
// reported, and gives no freshness.
func TestFreshBadCookie(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		value  func(e *env, fresh, auth string) string // the Cookie header part
		reason token.Reason
	}{
		{"tampered", func(_ *env, f, _ string) string { return freshName + "=" + flip(f, part(f, 3)) }, token.ReasonBadTag},
		{"E3 duplicate", func(_ *env, f, _ string) string { return freshName + "=" + f + "; " + freshName + "=" + f }, token.ReasonDuplicate},
		{"garbage", func(*env, string, string) string { return freshName + "=garbage" }, token.ReasonMalformed},
		{"quoted", func(_ *env, f, _ string) string { return freshName + `="` + f + `"` }, token.ReasonMalformed},
		{"C9 auth token in the fresh cookie", func(_ *env, _, a string) string { return freshName + "=" + a }, token.ReasonWrongPurpose},
		{"C1 another keyring", func(*env, string, string) string {
			o := newEnv(t, remember.Config[User]{})
			b := o.browser()
			o.login(b, alice, false)
			o.fresh(b, 0, true)
			return freshName + "=" + b.jar[freshName].value
		}, token.ReasonUnknownKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, remember.Config[User]{})
			b := e.browser()
			e.login(b, alice, false)
			e.fresh(b, time.Hour, true)
			e.clock.Set(t0.Add(20 * time.Minute)) // outside the password window
			auth := b.jar[authName].value
			header := authName + "=" + auth + "; " + tt.value(e, b.jar[freshName].value, auth)
			r := httptest.NewRequest(http.MethodGet, "https://example.com/", nil)
			r.Header.Set("Cookie", header)
			rec := httptest.NewRecorder()
			st := ptr(e.m.Load(rec, r))
			if e.m.Fresh(rec, r, st, remember.Sliding(10*time.Minute)) {
				t.Errorf("Fresh() = true; want false")
			}
			set := receive(t, rec)
			if c := set[freshName]; c == nil || c.MaxAge >= 0 {
				t.Errorf("set %v; want the fresh cookie deleted", setNames(set))
			}
			rejs := e.rej.take()
			if len(rejs) != 1 || rejs[0].Reason != tt.reason || rejs[0].Cookie != freshName {
				t.Errorf("rejections %+v; want one %q for %s", rejs, tt.reason, freshName)
			}
			noSecrets(t, "log", e.logs.String(), cookieValues(header)...)
			noSecrets(t, "OnReject", e.rej.text(), cookieValues(header)...)
		})
	}
}

// TestFreshPerRouteWindow checks that the fresh cookie a route with a long
// window keeps alive does not make a route with a shorter window fresh
// once that shorter window (and the leeway) has passed since the cookie was
// written. The cookie is written only when more than half of a window is
// used, so the shorter route counts from the last write, not the last
// request: it may ask for the password a little early, never late.
func TestFreshPerRouteWindow(t *testing.T) {
	t.Parallel()
	e := newEnv(t, remember.Config[User]{AuthIdle: 2 * time.Hour}) // no cap by the auth token
	b := e.browser()
	e.login(b, alice, false)
	steps := []struct {
		name      string
		at        time.Duration
		window    time.Duration
		want      bool
		wantWrite bool
	}{
		{"1h route writes the cookie", time.Minute, time.Hour, true, true},
		{"10m route 19 minutes after the write", 20 * time.Minute, 10 * time.Minute, false, false},
		{"1h route, less than half used", 25 * time.Minute, time.Hour, true, false},
		{"10m route, still 24 minutes after the write", 25 * time.Minute, 10 * time.Minute, false, false},
		{"1h route, more than half used, re-sealed", 35 * time.Minute, time.Hour, true, true},
		{"10m route 5 minutes after the write", 40 * time.Minute, 10 * time.Minute, true, false},
		{"10m route at its window and leeway", 46 * time.Minute, 10 * time.Minute, true, false},
		{"10m route just after", 46*time.Minute + time.Second, 10 * time.Minute, false, false},
	}
	for _, s := range steps {
		e.clock.Set(t0.Add(s.at))
		ok, _, set := e.fresh(b, s.window, true)
		if ok != s.want || (set[freshName] != nil) != s.wantWrite {
			t.Errorf("%s: Fresh(%v, sliding) at +%v = %v, set %v; want %v, fresh cookie written %v", s.name, s.window, s.at, ok, setNames(set), s.want, s.wantWrite)
		}
	}
	if got := e.rej.take(); len(got) != 0 {
		t.Errorf("rejections %+v; want none", got)
	}
}

// TestFreshDeletedByLoginAndReauthenticate checks that a new password entry
// clears the fresh cookie of the previous one.
func TestFreshDeletedByLoginAndReauthenticate(t *testing.T) {
	t.Parallel()
	e := newEnv(t, remember.Config[User]{})
	b := e.browser()
	e.login(b, alice, true)
	e.fresh(b, 0, true)
	rec := httptest.NewRecorder()
	if _, err := e.m.Reauthenticate(rec, b.request()); err != nil {
		t.Fatalf("Reauthenticate: %v", err)
	}
	if diff := cmp.Diff([]string{"-" + freshName, authName}, setNames(b.receive(rec))); diff != "" {
		t.Errorf("Reauthenticate set (-want +got):\n%s", diff)
	}
	e.fresh(b, 0, true)
	if _, set := e.login(b, bob, false); set[freshName] == nil || set[freshName].MaxAge >= 0 {
		t.Errorf("Login set %v; want the fresh cookie deleted", setNames(set))
	}
}

// TestFreshWithoutWriter checks Fresh after the header is written (a nil
// ResponseWriter, a Peek state): it answers and writes nothing.
func TestFreshWithoutWriter(t *testing.T) {
	t.Parallel()
	e := newEnv(t, remember.Config[User]{})
	b := e.browser()
	e.login(b, alice, false)
	r := b.request()
	if !e.m.Fresh(nil, r, ptr(e.m.Load(nil, r)), remember.Sliding(0)) {
		t.Errorf("Fresh(nil writer) right after login = false; want true")
	}
	e.clock.Set(t0.Add(20 * time.Minute))
	r = b.request()
	r.AddCookie(&http.Cookie{Name: freshName, Value: "garbage"})
	if e.m.Fresh(nil, r, ptr(e.m.Load(nil, r)), remember.Sliding(0)) {
		t.Errorf("Fresh(nil writer) after the window = true; want false")
	}
	if got := e.rej.take(); len(got) != 0 {
		t.Errorf("rejections %+v; want none without a writer", got)
	}
}

// TestFreshOfAnotherVisitor is issue 11's first point: two visitors who
// log in within the same second hold fresh tokens that must not be
// interchangeable. A stolen auth cookie whose password entry is 30
// minutes old, sent with the attacker's own, live fresh cookie, must not
// open a sliding route.
func TestFreshOfAnotherVisitor(t *testing.T) {
	t.Parallel()
	e := newEnv(t, remember.Config[User]{})
	victim, attacker := e.browser(), e.browser()
	e.login(victim, alice, false)
	e.login(attacker, bob, false) // the same second
	for at := time.Minute; at <= 30*time.Minute; at += 4 * time.Minute {
		e.clock.Set(t0.Add(at))
		e.load(victim) // the victim stays active
		if ok, _, _ := e.fresh(attacker, 15*time.Minute, true); !ok {
			t.Fatalf("the attacker's own sudo session ended at +%v", at)
		}
	}
	e.clock.Set(t0.Add(30 * time.Minute))
	stolen := victim.clone()
	stolen.jar[freshName] = attacker.jar[freshName]
	ok, st, set := e.fresh(stolen, 15*time.Minute, true)
	if st.Data != alice {
		t.Fatalf("the stolen auth cookie opened as %+v; want alice", st.Data)
	}
	if ok {
		t.Errorf("Fresh(15m, sliding) with the victim's auth cookie and the attacker's fresh cookie = true; want false")
	}
	if set[freshName] == nil || set[freshName].MaxAge >= 0 {
		t.Errorf("set %v; want the foreign fresh cookie deleted", setNames(set))
	}
	if rejs := e.rej.take(); len(rejs) != 1 || rejs[0].Reason != token.ReasonMismatch {
		t.Errorf("rejections %+v; want one %q", rejs, token.ReasonMismatch)
	}
}

// TestFreshCarriedOverRenewal checks that the binding to the auth token
// follows the auth token when a request that does not ask for freshness
// renews it: the sliding window goes on.
func TestFreshCarriedOverRenewal(t *testing.T) {
	t.Parallel()
	e := newEnv(t, remember.Config[User]{})
	b := e.browser()
	e.login(b, alice, false)
	e.clock.Set(t0.Add(14 * time.Minute))
	if ok, _, _ := e.fresh(b, 15*time.Minute, true); !ok {
		t.Fatal("Fresh within the password window = false")
	}
	authBefore := b.jar[authName].value
	e.clock.Set(t0.Add(20 * time.Minute))
	st, set := e.load(b) // renews the auth token: a new id
	if b.jar[authName].value == authBefore || set[freshName] == nil {
		t.Fatalf("Load at +20m set %v; want the auth token renewed and the fresh token carried over", setNames(set))
	}
	tok := open[string](t, e.live, remember.PurposeFresh, set[freshName].Value, e.clock.Now())
	if tok.Data != st.Auth.ID.String() || !tok.Expiry.Equal(t0.Add(29*time.Minute)) {
		t.Errorf("carried-over fresh token data %q, exp %v; want %q, the same window's end %v", tok.Data, tok.Expiry, st.Auth.ID, t0.Add(29*time.Minute))
	}
	e.clock.Set(t0.Add(25 * time.Minute))
	if ok, _, _ := e.fresh(b, 15*time.Minute, true); !ok {
		t.Error("Fresh after the renewal, within the sliding window = false; want true")
	}
	if rejs := e.rej.take(); len(rejs) != 0 {
		t.Errorf("rejections %+v; want none", rejs)
	}
}

// TestFreshThenNewAuthentication checks that Fresh followed, in the same
// request, by Login or Reauthenticate leaves no fresh cookie bound to the
// authentication they replace: the response deletes the one Fresh wrote,
// and the next request is fresh from the new password entry, with nothing
// refused or reported.
func TestFreshThenNewAuthentication(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		auth func(e *env, rec *httptest.ResponseRecorder, r *http.Request) error
	}{
		{"Login", func(e *env, rec *httptest.ResponseRecorder, r *http.Request) error {
			_, err := e.m.Login(rec, r, alice, remember.SessionOnly)
			return err
		}},
		{"Reauthenticate", func(e *env, rec *httptest.ResponseRecorder, r *http.Request) error {
			_, err := e.m.Reauthenticate(rec, r)
			return err
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, remember.Config[User]{})
			b := e.browser()
			rec, r, _ := e.loginThenFresh(b, time.Hour)
			if err := tt.auth(e, rec, r); err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			if diff := cmp.Diff([]string{"-" + freshName, authName}, setNames(b.receive(rec))); diff != "" {
				t.Errorf("Fresh then %s set (-want +got); want the fresh cookie deleted:\n%s", tt.name, diff)
			}
			e.clock.Set(t0.Add(2 * time.Minute))
			if ok, _, _ := e.fresh(b, 10*time.Minute, true); !ok {
				t.Errorf("Fresh(sliding) on the next request = false; want true (a new password entry)")
			}
			if rejs := e.rej.take(); len(rejs) != 0 {
				t.Errorf("rejections %+v; want none", rejs)
			}
		})
	}
}
