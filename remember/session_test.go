package remember_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sessionless/sessionless/remember"
	"github.com/sessionless/sessionless/token"
)

// TestLoginCookies checks the login response (E1, E7): both cookies
// __Host-, Secure, HttpOnly, Path=/, no Domain, SameSite=Lax; the auth cookie
// a browser-session cookie, the remember cookie Max-Age of 30 days; the raw
// header lines; Cache-Control and Vary.
func TestLoginCookies(t *testing.T) {
	t.Parallel()
	e := newEnv(t, remember.Config[User]{})
	rec := httptest.NewRecorder()
	st, err := e.m.Login(rec, httptest.NewRequest(http.MethodPost, "https://example.com/login", nil), alice, true)
	if err != nil {
		t.Fatalf("Login: %v", err)
	}
	h := rec.Result().Header
	lines := h.Values("Set-Cookie")
	wantLines := []*regexp.Regexp{
		regexp.MustCompile(`^__Host-auth=[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+){4}; Path=/; HttpOnly; Secure; SameSite=Lax$`),
		regexp.MustCompile(`^__Host-remember=[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+){4}; Path=/; Max-Age=2592000; HttpOnly; Secure; SameSite=Lax$`),
	}
	if len(lines) != len(wantLines) {
		t.Fatalf("Login wrote %d Set-Cookie lines; want %d", len(lines), len(wantLines))
	}
	for i, re := range wantLines {
		if !re.MatchString(lines[i]) {
			t.Errorf("Set-Cookie[%d] = %.60q…; want it to match %s", i, lines[i], re)
		}
	}
	if got := h.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control = %q; want no-store", got)
	}
	if got := h.Get("Vary"); got != "Cookie" {
		t.Errorf("Vary = %q; want Cookie", got)
	}

	set := receive(t, rec)
	for _, name := range []string{authName, rememberName} {
		c := set[name]
		if c == nil {
			t.Fatalf("no %s cookie", name)
		}
		if !strings.HasPrefix(c.Name, "__Host-") || !c.Secure || !c.HttpOnly || c.Path != "/" || c.Domain != "" || c.SameSite != http.SameSiteLaxMode {
			t.Errorf("cookie %q: Secure=%v HttpOnly=%v Path=%q Domain=%q SameSite=%v; want Secure, HttpOnly, /, no Domain, Lax", name, c.Secure, c.HttpOnly, c.Path, c.Domain, c.SameSite)
		}
	}
	if c := set[authName]; c.MaxAge != 0 || c.RawExpires != "" {
		t.Errorf("auth cookie Max-Age=%d Expires=%q; want neither (browser-session cookie)", c.MaxAge, c.RawExpires)
	}
	if c := set[rememberName]; c.MaxAge != 30*24*60*60 || c.RawExpires != "" {
		t.Errorf("remember cookie Max-Age=%d Expires=%q; want Max-Age=%d and no Expires", c.MaxAge, c.RawExpires, 30*24*60*60)
	}

	kid := primaryID(t, e.live.Current(), t0)
	want := &remember.State[User]{
		Level:    remember.Authenticated,
		Data:     alice,
		Auth:     token.Claims{KeyID: kid, IssuedAt: t0, Expiry: t0.Add(30 * time.Minute), AuthTime: t0},
		Remember: token.Claims{KeyID: kid, IssuedAt: t0, Expiry: t0.Add(30 * 24 * time.Hour)},
	}
	if diff := cmp.Diff(want, st, cmpTime, ignoreIDs); diff != "" {
		t.Errorf("Login() state mismatch (-want +got):\n%s", diff)
	}
	if st.Auth.ID.IsZero() || st.Remember.ID.IsZero() || st.Auth.ID == st.Remember.ID {
		t.Errorf("Login() ids: auth %v, remember %v; want two different non-zero ids", st.Auth.ID, st.Remember.ID)
	}
	// The claims Login returns are those of the tokens it wrote.
	if tok := open[User](t, e.live, remember.PurposeAuth, set[authName].Value, t0); tok.ID != st.Auth.ID {
		t.Errorf("auth cookie jti = %v; want %v", tok.ID, st.Auth.ID)
	}
	if tok := open[User](t, e.live, remember.PurposeRemember, set[rememberName].Value, t0); tok.ID != st.Remember.ID {
		t.Errorf("remember cookie jti = %v; want %v", tok.ID, st.Remember.ID)
	}
}

// TestLoginWithoutRemember checks that Login without "remember me" writes
// the auth cookie only.
func TestLoginWithoutRemember(t *testing.T) {
	t.Parallel()
	e := newEnv(t, remember.Config[User]{})
	b := e.browser()
	st, set := e.login(b, alice, false)
	if diff := cmp.Diff([]string{authName}, setNames(set)); diff != "" {
		t.Errorf("Login(remember=false) set (-want +got):\n%s", diff)
	}
	if st.RememberMe() {
		t.Errorf("Login(remember=false).RememberMe() = true; want false")
	}
	b.Restart()
	if st, _ := e.load(b); st.Level != remember.Anonymous {
		t.Errorf("after Restart, Load() level = %v; want %v", st.Level, remember.Anonymous)
	}
}

// TestLevels checks the three levels and where State.Data and
// State.Remember come from.
func TestLevels(t *testing.T) {
	t.Parallel()
	e := newEnv(t, remember.Config[User]{})
	kid := primaryID(t, e.live.Current(), t0)
	bobAuth, _ := e.mint(bob, t0)
	_, aliceRem := e.mint(alice, t0)

	tests := []struct {
		name   string
		header string
		want   *remember.State[User]
	}{
		{"anonymous, no cookies", "", &remember.State[User]{}},
		{"remembered, remember cookie only", rememberName + "=" + aliceRem, &remember.State[User]{
			Level:    remember.Remembered,
			Data:     alice,
			Remember: token.Claims{KeyID: kid, IssuedAt: t0, Expiry: t0.Add(30 * 24 * time.Hour)},
		}},
		{"authenticated, auth cookie only", authName + "=" + bobAuth, &remember.State[User]{
			Level: remember.Authenticated,
			Data:  bob,
			Auth:  token.Claims{KeyID: kid, IssuedAt: t0, Expiry: t0.Add(30 * time.Minute), AuthTime: t0},
		}},
		{"authenticated, data from the auth token when both are present; the remember token is not opened", authName + "=" + bobAuth + "; " + rememberName + "=" + aliceRem, &remember.State[User]{
			Level: remember.Authenticated,
			Data:  bob,
			Auth:  token.Claims{KeyID: kid, IssuedAt: t0, Expiry: t0.Add(30 * time.Minute), AuthTime: t0},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, set := e.loadHeader(tt.header)
			if diff := cmp.Diff(tt.want, st, cmpTime, ignoreIDs); diff != "" {
				t.Errorf("Load() state mismatch (-want +got):\n%s", diff)
			}
			if len(set) != 0 {
				t.Errorf("Load() set %v; want nothing", setNames(set))
			}
			if got, want := st.Known(), tt.want.Level != remember.Anonymous; got != want {
				t.Errorf("Known() = %v; want %v", got, want)
			}
			if got, want := st.Authenticated(), tt.want.Level == remember.Authenticated; got != want {
				t.Errorf("Authenticated() = %v; want %v", got, want)
			}
			// RememberMe tells the truth for an authenticated visitor too,
			// opening the remember token only now that it is asked.
			if got, want := st.RememberMe(), strings.Contains(tt.header, rememberName+"="); got != want {
				t.Errorf("RememberMe() = %v; want %v", got, want)
			}
			wantAge := time.Duration(-1)
			if st.Authenticated() {
				wantAge = 5 * time.Minute
			}
			if got := st.AuthAge(t0.Add(5 * time.Minute)); got != wantAge {
				t.Errorf("AuthAge(t0+5m) = %v; want %v", got, wantAge)
			}
		})
	}
	if got := e.rej.take(); len(got) != 0 {
		t.Errorf("rejections %+v; want none", got)
	}
}

// TestLevelString checks Level's names, and a nil State.
func TestLevelString(t *testing.T) {
	t.Parallel()
	for l, want := range map[remember.Level]string{remember.Anonymous: "anonymous", remember.Remembered: "remembered", remember.Authenticated: "authenticated", 42: "anonymous"} {
		if got := l.String(); got != want {
			t.Errorf("Level(%d).String() = %q; want %q", int(l), got, want)
		}
	}
	var st *remember.State[User]
	if st.Known() || st.Authenticated() || st.RememberMe() || st.AuthAge(t0) != -1 {
		t.Errorf("nil State: Known, Authenticated, Remembered, AuthAge = %v, %v, %v, %v; want false, false, false, -1", st.Known(), st.Authenticated(), st.RememberMe(), st.AuthAge(t0))
	}
}

// TestBrowserRestart walks login → restart → remembered.
func TestBrowserRestart(t *testing.T) {
	t.Parallel()
	e := newEnv(t, remember.Config[User]{})
	b := e.browser()
	if st, set := e.load(b); st.Level != remember.Anonymous || len(set) != 0 {
		t.Errorf("before login, Load() level = %v, set %v; want %v, nothing", st.Level, setNames(set), remember.Anonymous)
	}
	e.login(b, alice, true)
	if st, _ := e.load(b); st.Level != remember.Authenticated {
		t.Errorf("after login, Load() level = %v; want %v", st.Level, remember.Authenticated)
	}
	b.Restart()
	if diff := cmp.Diff([]string{rememberName}, b.names()); diff != "" {
		t.Errorf("cookies after Restart (-want +got):\n%s", diff)
	}
	st, set := e.load(b)
	if st.Level != remember.Remembered || st.Data != alice || !st.Auth.ID.IsZero() || !st.RememberMe() {
		t.Errorf("after Restart, Load() = level %v, data %+v, auth %v, remembered %v; want %v, alice, no auth, remembered", st.Level, st.Data, st.Auth.ID, st.RememberMe(), remember.Remembered)
	}
	if len(set) != 0 {
		t.Errorf("after Restart, Load() set %v; want nothing", setNames(set))
	}
}

// TestF1RememberNeverMintsAuth checks that a remember token only
// recognises: across many requests and a month of time, a visitor with a
// remember cookie alone stays Remembered and gets no auth cookie (F1).
func TestF1RememberNeverMintsAuth(t *testing.T) {
	t.Parallel()
	e := newEnv(t, remember.Config[User]{})
	b := e.browser()
	e.login(b, alice, true)
	b.Restart()
	for i := range 720 { // every hour for 30 days, less the last hour
		if i > 0 {
			e.clock.Advance(time.Hour)
		}
		st, set := e.load(b)
		if st.Level != remember.Remembered {
			t.Fatalf("request %d at %v: Load() level = %v; want %v", i, e.clock.Now(), st.Level, remember.Remembered)
		}
		if len(set) != 0 {
			t.Fatalf("request %d: Load() set %v; want nothing", i, setNames(set))
		}
	}
	// Past the remember lifetime the browser drops the cookie.
	e.clock.Set(t0.Add(30 * 24 * time.Hour))
	if st, _ := e.load(b); st.Level != remember.Anonymous {
		t.Errorf("after 30 days, Load() level = %v; want %v", st.Level, remember.Anonymous)
	}
}

// TestF3LoginReplacesPlantedCookies checks that Login overwrites cookies
// that were there before (fixation, F3).
func TestF3LoginReplacesPlantedCookies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		remember    bool
		plant       func(e *env) map[string]string
		wantSet     []string
		wantCookies []string
	}{
		{
			name:     "valid cookies of another user",
			remember: true,
			plant: func(e *env) map[string]string {
				a, r := e.mint(bob, t0.Add(-time.Minute))
				return map[string]string{authName: a, rememberName: r}
			},
			wantSet:     []string{authName, rememberName},
			wantCookies: []string{authName, rememberName},
		},
		{
			name:     "garbage and a stray chunk",
			remember: true,
			plant: func(*env) map[string]string {
				return map[string]string{authName: "garbage", authName + ".3": "x", rememberName: "junk", freshName: "stale"}
			},
			wantSet:     []string{"-" + authName + ".3", "-" + freshName, authName, rememberName},
			wantCookies: []string{authName, rememberName},
		},
		{
			name:     "without remember, a planted remember cookie is deleted",
			remember: false,
			plant: func(e *env) map[string]string {
				a, r := e.mint(bob, t0.Add(-time.Minute))
				return map[string]string{authName: a, rememberName: r}
			},
			wantSet:     []string{"-" + rememberName, authName},
			wantCookies: []string{authName},
		},
		{
			name:     "without remember, a garbage remember cookie is deleted",
			remember: false,
			plant: func(*env) map[string]string {
				return map[string]string{rememberName: "garbage"}
			},
			wantSet:     []string{"-" + rememberName, authName},
			wantCookies: []string{authName},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, remember.Config[User]{})
			b := e.browser()
			for name, v := range tt.plant(e) {
				b.jar[name] = stored{value: v, session: true}
			}
			st, set := e.login(b, alice, tt.remember)
			if diff := cmp.Diff(tt.wantSet, setNames(set)); diff != "" {
				t.Errorf("Login() set (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantCookies, b.names()); diff != "" {
				t.Errorf("cookies after Login (-want +got):\n%s", diff)
			}
			if st.Data != alice {
				t.Errorf("Login().Data = %+v; want alice", st.Data)
			}
			if st.RememberMe() != tt.remember {
				t.Errorf("Login().RememberMe() = %v; want %v", st.RememberMe(), tt.remember)
			}
			st, _ = e.load(b)
			if st.Level != remember.Authenticated || st.Data != alice {
				t.Errorf("Load() = level %v, data %+v; want %v, alice", st.Level, st.Data, remember.Authenticated)
			}
			b.Restart()
			if st, _ = e.load(b); st.RememberMe() != tt.remember {
				t.Errorf("after a restart: RememberMe() = %v; want %v", st.RememberMe(), tt.remember)
			}
		})
	}
}

// TestSlidingRenewal checks when the auth token is renewed, and that it
// stops opening once the idle window (and the leeway) has passed (D3).
func TestSlidingRenewal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		after     time.Duration // since login
		wantLevel remember.Level
		wantSet   []string
		wantExp   time.Duration // auth expiry since login, if authenticated
		wantRej   []token.Reason
	}{
		{"before half the idle window, nothing written", 15 * time.Minute, remember.Authenticated, nil, 30 * time.Minute, nil},
		{"after half the idle window, renewed", 15*time.Minute + time.Second, remember.Authenticated, []string{authName}, 45*time.Minute + time.Second, nil},
		{"a second before the idle end plus leeway, accepted and renewed", 31*time.Minute - time.Second, remember.Authenticated, []string{authName}, 61*time.Minute - time.Second, nil},
		{"D3 at the idle end plus leeway, refused (RFC 7519 §4.1.4); remembered", 31 * time.Minute, remember.Remembered, []string{"-" + authName}, 0, []token.Reason{token.ReasonExpired}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, remember.Config[User]{})
			b := e.browser()
			login, _ := e.login(b, alice, true)
			e.clock.Advance(tt.after)
			st, set := e.load(b)
			if st.Level != tt.wantLevel {
				t.Errorf("Load() level = %v; want %v", st.Level, tt.wantLevel)
			}
			if diff := cmp.Diff(tt.wantSet, setNames(set)); diff != "" {
				t.Errorf("Load() set (-want +got):\n%s", diff)
			}
			var reasons []token.Reason
			for _, r := range e.rej.take() {
				if r.Cookie != authName {
					t.Errorf("rejected cookie %q; want %q", r.Cookie, authName)
				}
				reasons = append(reasons, r.Reason)
			}
			if diff := cmp.Diff(tt.wantRej, reasons); diff != "" {
				t.Errorf("rejections (-want +got):\n%s", diff)
			}
			if st.Level != remember.Authenticated {
				if st.Data != alice {
					t.Errorf("Load().Data = %+v; want alice (from the remember token)", st.Data)
				}
				return
			}
			if !st.Auth.AuthTime.Equal(t0) {
				t.Errorf("Load().Auth.AuthTime = %v; want %v (renewal keeps it)", st.Auth.AuthTime, t0)
			}
			if want := t0.Add(tt.wantExp); !st.Auth.Expiry.Equal(want) {
				t.Errorf("Load().Auth.Expiry = %v; want %v", st.Auth.Expiry, want)
			}
			if c := set[authName]; c != nil {
				if c.MaxAge != 0 || c.RawExpires != "" {
					t.Errorf("renewed auth cookie Max-Age=%d Expires=%q; want a browser-session cookie", c.MaxAge, c.RawExpires)
				}
				tok := open[User](t, e.live, remember.PurposeAuth, c.Value, e.clock.Now())
				if tok.ID == login.Auth.ID || tok.ID != st.Auth.ID || !tok.AuthTime.Equal(t0) || !tok.Expiry.Equal(st.Auth.Expiry) {
					t.Errorf("renewed token: jti %v (login %v, state %v), auth_time %v, exp %v; want a new jti, the state's, auth_time %v, exp %v", tok.ID, login.Auth.ID, st.Auth.ID, tok.AuthTime, tok.Expiry, t0, st.Auth.Expiry)
				}
			}
		})
	}
}

// TestD4AbsoluteLifetime makes 1 000 requests, each inside the idle window
// and each renewing the auth token: the session lasts exactly until
// auth_time + AuthLifetime (plus the leeway) and never later.
func TestD4AbsoluteLifetime(t *testing.T) {
	t.Parallel()
	const (
		idle = 10 * time.Minute
		step = 6 * time.Minute // more than half the idle window: every request renews
		life = 90 * time.Hour  // 900 steps
	)
	e := newEnv(t, remember.Config[User]{AuthIdle: idle, AuthLifetime: life})
	b := e.browser()
	e.login(b, alice, true)
	end := t0.Add(life)
	renewals := 0
	for i := 1; i <= 1000; i++ {
		e.clock.Set(t0.Add(time.Duration(i) * step))
		now := e.clock.Now()
		st, set := e.load(b)
		if now.After(end.Add(remember.DefaultLeeway)) {
			if st.Level == remember.Authenticated {
				t.Fatalf("request %d at auth_time+%v: Load() level = %v; want %v after the absolute end", i, now.Sub(t0), st.Level, remember.Remembered)
			}
			if st.Level != remember.Remembered {
				t.Fatalf("request %d: Load() level = %v; want %v", i, st.Level, remember.Remembered)
			}
			continue
		}
		if st.Level != remember.Authenticated {
			t.Fatalf("request %d at auth_time+%v: Load() level = %v; want %v", i, now.Sub(t0), st.Level, remember.Authenticated)
		}
		wantExp := now.Add(idle)
		if wantExp.After(end) {
			wantExp = end
		}
		if st.Auth.Expiry.After(end) || !st.Auth.AuthTime.Equal(t0) {
			t.Fatalf("request %d: Auth.Expiry %v, AuthTime %v; want at most %v, and %v", i, st.Auth.Expiry, st.Auth.AuthTime, end, t0)
		}
		if set[authName] != nil {
			renewals++
			if !st.Auth.Expiry.Equal(wantExp) {
				t.Fatalf("request %d: renewed Auth.Expiry = %v; want %v", i, st.Auth.Expiry, wantExp)
			}
		}
	}
	// Renewed on every request up to the one that reached the cap: when
	// now+idle passes the end, the expiry is already the end.
	if want := int((life - idle) / step); renewals < want {
		t.Errorf("%d renewals; want at least %d", renewals, want)
	}
	if e.rej.take() == nil {
		t.Errorf("no rejection after the absolute end; want the expired auth token reported")
	}
}

// TestRenewalCappedAtAbsoluteEnd checks that renewal never extends past
// auth_time + AuthLifetime, and stops once it cannot extend.
func TestRenewalCappedAtAbsoluteEnd(t *testing.T) {
	t.Parallel()
	e := newEnv(t, remember.Config[User]{AuthLifetime: time.Hour})
	b := e.browser()
	e.login(b, alice, false)
	steps := []struct {
		at      time.Duration
		wantSet bool
		wantExp time.Duration
		level   remember.Level
	}{
		{16 * time.Minute, true, 46 * time.Minute, remember.Authenticated},
		{32 * time.Minute, true, 60 * time.Minute, remember.Authenticated}, // capped
		{50 * time.Minute, false, 60 * time.Minute, remember.Authenticated},
		{61*time.Minute - time.Second, false, 60 * time.Minute, remember.Authenticated}, // within the leeway
		{61 * time.Minute, true, 0, remember.Anonymous},                                 // at exp + leeway: deleted
	}
	for _, s := range steps {
		e.clock.Set(t0.Add(s.at))
		st, set := e.load(b)
		if st.Level != s.level {
			t.Errorf("at +%v: Load() level = %v; want %v", s.at, st.Level, s.level)
		}
		if got := set[authName] != nil; got != s.wantSet {
			t.Errorf("at +%v: auth cookie written = %v; want %v", s.at, got, s.wantSet)
		}
		if st.Authenticated() && !st.Auth.Expiry.Equal(t0.Add(s.wantExp)) {
			t.Errorf("at +%v: Auth.Expiry = %v; want %v", s.at, st.Auth.Expiry, t0.Add(s.wantExp))
		}
	}
}

// TestReauthenticate checks F2: a new auth token with a new auth_time and
// jti, for a remembered or authenticated visitor; nobody else.
func TestReauthenticate(t *testing.T) {
	t.Parallel()
	t.Run("from remembered", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, remember.Config[User]{})
		b := e.browser()
		login, _ := e.login(b, alice, true)
		seen := []token.ID{login.Auth.ID}
		e.clock.Advance(16 * time.Minute)
		if st, _ := e.load(b); st.Auth.ID != login.Auth.ID {
			seen = append(seen, st.Auth.ID) // the renewal
		}
		b.Restart()
		e.clock.Advance(2 * time.Hour)
		rec := httptest.NewRecorder()
		st, err := e.m.Reauthenticate(rec, b.request())
		if err != nil {
			t.Fatalf("Reauthenticate: %v", err)
		}
		set := b.receive(rec)
		now := e.clock.Now()
		if st.Level != remember.Authenticated || !st.Auth.AuthTime.Equal(now) || !st.Auth.IssuedAt.Equal(now) || st.Data != alice {
			t.Errorf("Reauthenticate() = level %v, auth_time %v, iat %v, data %+v; want %v, %v, %v, alice", st.Level, st.Auth.AuthTime, st.Auth.IssuedAt, st.Data, remember.Authenticated, now, now)
		}
		if slices.Contains(seen, st.Auth.ID) || st.Auth.ID.IsZero() {
			t.Errorf("Reauthenticate() jti %v; want a new one (earlier: %v)", st.Auth.ID, seen)
		}
		if st.Remember.ID != login.Remember.ID {
			t.Errorf("Reauthenticate().Remember.ID = %v; want the login's %v", st.Remember.ID, login.Remember.ID)
		}
		if diff := cmp.Diff([]string{authName}, setNames(set)); diff != "" {
			t.Errorf("Reauthenticate() set (-want +got); the remember cookie must stay untouched:\n%s", diff)
		}
		got, _ := e.load(b)
		if got.Level != remember.Authenticated || got.Auth.ID != st.Auth.ID || !got.Auth.AuthTime.Equal(now) {
			t.Errorf("Load() after Reauthenticate = level %v, jti %v, auth_time %v; want %v, %v, %v", got.Level, got.Auth.ID, got.Auth.AuthTime, remember.Authenticated, st.Auth.ID, now)
		}
	})
	t.Run("from authenticated with an old auth_time", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, remember.Config[User]{})
		b := e.browser()
		login, _ := e.login(b, alice, false)
		e.clock.Advance(20 * time.Minute)
		e.load(b)
		e.clock.Advance(5 * time.Minute)
		rec := httptest.NewRecorder()
		st, err := e.m.Reauthenticate(rec, b.request())
		if err != nil {
			t.Fatalf("Reauthenticate: %v", err)
		}
		b.receive(rec)
		if want := t0.Add(25 * time.Minute); !st.Auth.AuthTime.Equal(want) || st.Auth.ID == login.Auth.ID {
			t.Errorf("Reauthenticate() auth_time %v, jti %v; want %v and not the login's %v", st.Auth.AuthTime, st.Auth.ID, want, login.Auth.ID)
		}
		if got, _ := e.load(b); !got.Auth.AuthTime.Equal(st.Auth.AuthTime) {
			t.Errorf("Load().Auth.AuthTime = %v; want %v", got.Auth.AuthTime, st.Auth.AuthTime)
		}
	})
	t.Run("anonymous", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, remember.Config[User]{})
		for _, h := range []string{"", authName + "=garbage; " + rememberName + "=junk"} {
			r := httptest.NewRequest(http.MethodPost, "https://example.com/reauth", nil)
			r.Header.Set("Cookie", h)
			rec := httptest.NewRecorder()
			st, err := e.m.Reauthenticate(rec, r)
			if !errors.Is(err, remember.ErrNotKnown) || st != nil {
				t.Errorf("Reauthenticate(Cookie: %q) = %v, %v; want nil, ErrNotKnown", h, st, err)
			}
			if len(rec.Header()) != 0 {
				t.Errorf("Reauthenticate(Cookie: %q) wrote header %v; want nothing", h, rec.Header())
			}
		}
	})
}

// TestE8Logout checks that Logout clears every cookie and chunk the
// request carries, with the attributes they were written with and
// Max-Age=0; after it, and a restart, the visitor is anonymous.
func TestE8Logout(t *testing.T) {
	t.Parallel()
	e := newEnv(t, remember.Config[User]{})
	b := e.browser()
	big := alice
	big.Bio = strings.Repeat("b", 9000) // tokens span several cookies
	_, set := e.login(b, big, true)
	if set[authName+".2"] == nil || set[rememberName+".2"] == nil {
		t.Fatalf("Login set %v; want both tokens in chunks", setNames(set))
	}
	st, _ := e.load(b)
	if st.Level != remember.Authenticated || st.Data.Bio != big.Bio {
		t.Fatalf("Load() of a chunked session = level %v, bio of %d bytes; want %v, %d", st.Level, len(st.Data.Bio), remember.Authenticated, len(big.Bio))
	}
	// A sliding fresh cookie too.
	rec := httptest.NewRecorder()
	r := b.request()
	if !e.m.Fresh(rec, r, ptr(e.m.Load(nil, r)), remember.Sliding(0)) {
		t.Fatalf("Fresh() right after login = false; want true")
	}
	b.receive(rec)
	before := b.names()

	rec = httptest.NewRecorder()
	e.m.Logout(rec, b.request())
	lines := rec.Result().Header.Values("Set-Cookie")
	set = b.receive(rec)
	var cleared []string
	for name, c := range set {
		cleared = append(cleared, name)
		if c.MaxAge >= 0 || c.Value != "" || c.Path != "/" || c.Domain != "" || !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
			t.Errorf("Logout cookie %q = %+v; want an empty value, Max-Age=0, Path=/, no Domain, Secure, HttpOnly, Lax", name, c)
		}
	}
	slices.Sort(cleared)
	if diff := cmp.Diff(before, cleared); diff != "" {
		t.Errorf("Logout cleared (-had +cleared):\n%s", diff)
	}
	re := regexp.MustCompile(`^__Host-(auth|remember|fresh)(\.[1-4])?=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax$`)
	for _, l := range lines {
		if !re.MatchString(l) {
			t.Errorf("Logout Set-Cookie %q; want it to match %s", l, re)
		}
	}
	if len(b.jar) != 0 {
		t.Errorf("cookies after Logout: %v; want none", b.names())
	}
	b.Restart()
	if st, set := e.load(b); st.Level != remember.Anonymous || len(set) != 0 {
		t.Errorf("after Logout and Restart, Load() = %v, set %v; want %v, nothing", st.Level, setNames(set), remember.Anonymous)
	}
}

// TestE9LoginTooLarge checks that a payload too large for the cookies is an
// error from Login, before any header is written.
func TestE9LoginTooLarge(t *testing.T) {
	t.Parallel()
	for _, rem := range []bool{false, true} {
		e := newEnv(t, remember.Config[User]{MaxChunks: 1})
		big := alice
		big.Bio = strings.Repeat("b", 5000)
		r := httptest.NewRequest(http.MethodPost, "https://example.com/login", nil)
		r.Header.Set("Cookie", rememberName+"=planted; "+freshName+"=planted")
		rec := httptest.NewRecorder()
		st, err := e.m.Login(rec, r, big, remember.Persistence(rem))
		if err == nil || st != nil {
			t.Errorf("Login(remember=%v) of a 5000-byte payload with MaxChunks 1 = %v, %v; want an error", rem, st, err)
		}
		if len(rec.Header()) != 0 {
			t.Errorf("Login(remember=%v) failed but wrote header %v; want nothing", rem, rec.Header())
		}
		// Just under the bound it works.
		small := alice
		small.Bio = strings.Repeat("b", 2000)
		if _, err := e.m.Login(httptest.NewRecorder(), r, small, remember.Persistence(rem)); err != nil {
			t.Errorf("Login(remember=%v) of a 2000-byte payload with MaxChunks 1 = %v; want it to fit", rem, err)
		}
	}
}

// TestPeekWritesNothing checks that Peek neither writes, reports nor logs,
// whatever the request carries.
func TestPeekWritesNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t, remember.Config[User]{})
	auth, rem := e.mint(alice, t0)
	_, oldRem := e.mint(alice, t0.Add(-40*24*time.Hour))
	// Rotate so that the tokens are under an older key and due for re-sealing.
	ring, _, err := e.live.Current().Rotate(t0, 0, 31*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	e.live.Store(ring)
	e.clock.Set(t0.Add(20 * time.Minute)) // renewal due
	tests := []struct {
		name, header string
		want         remember.Level
	}{
		{"renewal and re-sealing due", authName + "=" + auth + "; " + rememberName + "=" + rem, remember.Authenticated},
		{"bad auth cookie", authName + "=garbage; " + rememberName + "=" + rem, remember.Remembered},
		{"expired remember cookie", rememberName + "=" + oldRem, remember.Anonymous},
		{"duplicate", authName + "=" + auth + "; " + authName + "=" + auth, remember.Anonymous},
		{"empty", authName + "=", remember.Anonymous},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(http.MethodGet, "https://example.com/", nil)
		r.Header.Set("Cookie", tt.header)
		if st := e.m.Load(nil, r); st.Level != tt.want {
			t.Errorf("%s: Peek() level = %v; want %v", tt.name, st.Level, tt.want)
		}
		if got := r.Header.Get("Cookie"); got != tt.header {
			t.Errorf("%s: Peek changed the request's Cookie header", tt.name)
		}
	}
	if got := e.rej.take(); len(got) != 0 {
		t.Errorf("Peek reported %+v; want nothing", got)
	}
	if got := e.logs.String(); got != "" {
		t.Errorf("Peek logged %q; want nothing", got)
	}
}
