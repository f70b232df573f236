package remember_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sessionless/sessionless/keyring"
	"github.com/sessionless/sessionless/remember"
	"github.com/sessionless/sessionless/token"
)

// TestUpdate checks that Update re-seals the payload of every token the
// visitor holds and keeps everything else: auth_time, the absolute end,
// the remember expiry, "remember me" on or off, and freshness.
func TestUpdate(t *testing.T) {
	t.Parallel()
	renamed := alice
	renamed.Name = "Alicia"
	for _, tt := range []struct {
		name      string
		remember  bool
		restart   bool // only remembered
		wantLevel remember.Level
		wantSet   []string
	}{
		{"authenticated with remember me", true, false, remember.Authenticated, []string{authName, rememberName}},
		{"authenticated without remember me", false, false, remember.Authenticated, []string{authName}},
		{"only remembered", true, true, remember.Remembered, []string{rememberName}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, remember.Config[User]{})
			b := e.browser()
			login, _ := e.login(b, alice, tt.remember)
			if tt.restart {
				b.Restart()
			}
			e.clock.Set(t0.Add(10 * time.Minute))
			rec := httptest.NewRecorder()
			r := b.request()
			st := ptr(e.m.Load(rec, r))
			if err := e.m.Update(rec, r, st, renamed); err != nil {
				t.Fatalf("Update: %v", err)
			}
			set := b.receive(rec)
			if diff := cmp.Diff(tt.wantSet, setNames(set)); diff != "" {
				t.Errorf("Update set (-want +got):\n%s", diff)
			}
			if st.Data != renamed || st.Level != tt.wantLevel {
				t.Errorf("the State after Update = %v %+v; want %v, the new data", st.Level, st.Data, tt.wantLevel)
			}
			next, _ := e.load(b)
			if next.Data != renamed || next.Level != tt.wantLevel || next.RememberMe() != tt.remember {
				t.Errorf("the next request: %v %+v, remember me %v; want %v, the new data, %v", next.Level, next.Data, next.RememberMe(), tt.wantLevel, tt.remember)
			}
			if tt.wantLevel == remember.Authenticated {
				if !next.Auth.AuthTime.Equal(login.Auth.AuthTime) {
					t.Errorf("auth_time %v; want the login's %v", next.Auth.AuthTime, login.Auth.AuthTime)
				}
				if e.m.Fresh(nil, r, next, remember.Fixed(5*time.Minute)) {
					t.Error("fresh after Update; want the 10-minute-old password entry to count")
				}
			}
			if c := set[rememberName]; c != nil {
				tok := open[User](t, e.live, remember.PurposeRemember, c.Value, e.clock.Now())
				if !tok.Expiry.Equal(login.Remember.Expiry) || c.MaxAge != int(login.Remember.Expiry.Sub(e.clock.Now())/time.Second) {
					t.Errorf("remember token exp %v, Max-Age %d; want the login's %v", tok.Expiry, c.MaxAge, login.Remember.Expiry)
				}
			}
		})
	}
}

// TestUpdateKeepsAbsoluteEnd: an update near the absolute end does not
// extend the session.
func TestUpdateKeepsAbsoluteEnd(t *testing.T) {
	t.Parallel()
	e := newEnv(t, remember.Config[User]{AuthIdle: 10 * time.Minute, AuthLifetime: time.Hour})
	b := e.browser()
	e.login(b, alice, false)
	for at := 5 * time.Minute; at < 55*time.Minute; at += 5 * time.Minute {
		e.clock.Set(t0.Add(at))
		e.load(b)
	}
	rec := httptest.NewRecorder()
	r := b.request()
	st := ptr(e.m.Load(rec, r))
	if err := e.m.Update(rec, r, st, bob); err != nil {
		t.Fatal(err)
	}
	if !st.Auth.Expiry.Equal(t0.Add(time.Hour)) {
		t.Errorf("after Update near the end: exp %v; want the absolute end %v", st.Auth.Expiry, t0.Add(time.Hour))
	}
}

// TestUpdateFailsBeforeWriting: too large, anonymous, no active key:
// an error and nothing written, the State unchanged.
func TestUpdateFailsBeforeWriting(t *testing.T) {
	t.Parallel()
	e := newEnv(t, remember.Config[User]{MaxChunks: 1})
	b := e.browser()
	e.login(b, alice, true)
	big := alice
	big.Bio = strings.Repeat("b", 5000)
	rec := httptest.NewRecorder()
	r := b.request()
	st := ptr(e.m.Load(rec, r))
	if err := e.m.Update(rec, r, st, big); err == nil {
		t.Error("Update of a 5000-byte payload with MaxChunks 1 succeeded")
	}
	if len(rec.Header()) != 0 || st.Data != alice {
		t.Errorf("a failed Update wrote %v, State data %+v; want nothing, alice", rec.Header(), st.Data)
	}
	anon := ptr(e.m.Load(nil, httptest.NewRequest(http.MethodGet, "/", nil)))
	if err := e.m.Update(rec, r, anon, bob); !errors.Is(err, remember.ErrNotKnown) {
		t.Errorf("Update(anonymous) = %v; want ErrNotKnown", err)
	}
	// No active key: a ring whose only key activates later.
	late, err := keyring.New([]keyring.Key{keyring.GenerateKey(t0.Add(time.Hour), t0.Add(time.Hour))}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	ring := e.live.Current()
	e.live.Store(late)
	defer e.live.Store(ring)
	rec = httptest.NewRecorder()
	if err := e.m.Update(rec, r, st, bob); !errors.Is(err, keyring.ErrNoPrimary) {
		t.Errorf("Update without an active key = %v; want ErrNoPrimary", err)
	}
	if len(rec.Header()) != 0 {
		t.Errorf("wrote %v", rec.Header())
	}
}

// UserV1 and UserV2 are one payload type in two versions of an
// application: V2 gained a field. During a rolling deploy servers of both
// versions serve the same visitors.
type (
	UserV1 struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	}
	UserV2 struct {
		ID    int64  `json:"id"`
		Name  string `json:"name"`
		Email string `json:"email"`
	}
)

// TestRollingDeploy: a payload type that gains or loses a field between
// two versions loses no session, in both directions.
func TestRollingDeploy(t *testing.T) {
	t.Parallel()
	ring := keyring.NewLive(newRing(t))
	now := func() time.Time { return t0 }
	v1, err := remember.New(ring, remember.Config[UserV1]{Clock: now})
	if err != nil {
		t.Fatal(err)
	}
	v2, err := remember.New(ring, remember.Config[UserV2]{Clock: now})
	if err != nil {
		t.Fatal(err)
	}
	login := func(login func(w http.ResponseWriter, r *http.Request)) *http.Request {
		rec := httptest.NewRecorder()
		login(rec, httptest.NewRequest(http.MethodPost, "https://example.com/login", nil))
		r := httptest.NewRequest(http.MethodGet, "https://example.com/", nil)
		for _, c := range rec.Result().Cookies() {
			r.AddCookie(c)
		}
		return r
	}
	// Gains a field: a V1 login opens on a V2 server, Email empty.
	r := login(func(w http.ResponseWriter, r *http.Request) {
		must(v1.Login(w, r, UserV1{ID: 1, Name: "Alice"}, remember.RememberMe))
	})
	if st := v2.Load(httptest.NewRecorder(), r); st.Level != remember.Authenticated || st.Data != (UserV2{ID: 1, Name: "Alice"}) {
		t.Errorf("a V1 token on V2: %v %+v; want authenticated Alice", st.Level, st.Data)
	}
	// Loses a field: a V2 login opens on a V1 server, Email ignored.
	r = login(func(w http.ResponseWriter, r *http.Request) {
		must(v2.Login(w, r, UserV2{ID: 1, Name: "Alice", Email: "a@example.com"}, remember.RememberMe))
	})
	if st := v1.Load(httptest.NewRecorder(), r); st.Level != remember.Authenticated || st.Data != (UserV1{ID: 1, Name: "Alice"}) {
		t.Errorf("a V2 token on V1: %v %+v; want authenticated Alice", st.Level, st.Data)
	}
}

// TestHookPanics documents the choice for a panic in Validate or OnReject:
// it is the application's bug and propagates to the caller, as a panic in
// a handler does (net/http's server recovers it per connection and logs
// it), with nothing written for that cookie.
func TestHookPanics(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		cfg  remember.Config[User]
		bad  bool // send a bad cookie, for OnReject
	}{
		{"Validate", remember.Config[User]{Validate: func(context.Context, User, token.Claims) error { panic("validate") }}, false},
		{"OnReject", remember.Config[User]{OnReject: func(context.Context, remember.Rejection) { panic("onreject") }}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, remember.Config[User]{})
			b := e.browser()
			e.login(b, alice, false)
			cfg := tt.cfg
			cfg.Clock = e.clock.Now
			m, err := remember.New(e.live, cfg)
			if err != nil {
				t.Fatal(err)
			}
			r := b.request()
			if tt.bad {
				r = httptest.NewRequest(http.MethodGet, "/", nil)
				r.Header.Set("Cookie", authName+"=garbage")
			}
			rec := httptest.NewRecorder()
			defer func() {
				if recover() == nil {
					t.Errorf("a panic in %s did not propagate", tt.name)
				}
				if got := rec.Header().Values("Set-Cookie"); tt.name == "Validate" && len(got) != 0 {
					t.Errorf("wrote %q before the panic", got)
				}
			}()
			m.Load(rec, r)
		})
	}
}

// TestUpdateKeepsSudo: a sliding fresh window goes on across an Update,
// which replaces the auth token the fresh token is bound to.
func TestUpdateKeepsSudo(t *testing.T) {
	t.Parallel()
	e := newEnv(t, remember.Config[User]{})
	b := e.browser()
	e.login(b, alice, false)
	e.clock.Set(t0.Add(time.Minute))
	if ok, _, _ := e.fresh(b, 2*time.Minute, true); !ok {
		t.Fatal("Fresh within the password window = false")
	}
	e.clock.Set(t0.Add(2 * time.Minute))
	rec := httptest.NewRecorder()
	r := b.request()
	st := ptr(e.m.Load(rec, r))
	if err := e.m.Update(rec, r, st, bob); err != nil {
		t.Fatal(err)
	}
	wantSudoKept(t, e, b, rec, "Update")
}

// wantSudoKept checks that the response rec of an Update (what) set the
// auth token and a fresh token bound to it, so that b, past the password
// window, is still fresh as bob, with no cookie refused.
func wantSudoKept(t *testing.T, e *env, b *browser, rec *httptest.ResponseRecorder, what string) {
	t.Helper()
	if set := b.receive(rec); set[authName] == nil || set[freshName] == nil {
		t.Fatalf("%s set %v; want the auth token and the fresh token carried over", what, setNames(set))
	}
	e.clock.Set(t0.Add(2*time.Minute + 30*time.Second)) // past the password window
	if ok, st, _ := e.fresh(b, 2*time.Minute, true); !ok || st.Data != bob {
		t.Errorf("Fresh(2m, sliding) after %s = %v (data %+v); want true, bob", what, ok, st.Data)
	}
	if rejs := e.rej.take(); len(rejs) != 0 {
		t.Errorf("rejections %+v; want none", rejs)
	}
}

// TestUpdateAtTheEnd: a token that opens only within the leeway after its
// end (the auth token past auth_time + AuthLifetime, whose browser-session
// cookie the browser still sends; a remember token on a server whose clock
// is ahead) cannot be re-sealed without outliving its end. Update must
// not fail for it (an error there is a 500 from what the request
// carries): it updates the State, re-seals what can be, and leaves the
// ending token to end as it would have. docs/attacks.md D8.
func TestUpdateAtTheEnd(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		restart bool          // only remembered
		at      time.Duration // after the login
		level   remember.Level
		wantSet []string
	}{
		{"auth past its absolute end", false, time.Hour + 30*time.Second, remember.Authenticated, []string{rememberName}},
		{"remember past its expiry", true, 30*24*time.Hour + 30*time.Second, remember.Remembered, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, remember.Config[User]{AuthIdle: 10 * time.Minute, AuthLifetime: time.Hour})
			b := e.browser()
			e.login(b, alice, true)
			for at := 5 * time.Minute; at < 55*time.Minute && !tt.restart; at += 5 * time.Minute {
				e.clock.Set(t0.Add(at))
				e.load(b)
			}
			if tt.restart {
				b.Restart()
			}
			// What the browser sends at the end: read before the clock
			// moves past the cookies' Max-Age.
			e.clock.Set(t0.Add(tt.at - time.Minute))
			r := b.request()
			e.clock.Set(t0.Add(tt.at))
			rec := httptest.NewRecorder()
			st := ptr(e.m.Load(rec, r))
			if st.Level != tt.level {
				t.Fatalf("Load within the leeway: %v; want %v", st.Level, tt.level)
			}
			if err := e.m.Update(rec, r, st, bob); err != nil {
				t.Fatalf("Update at the end: %v", err)
			}
			if st.Data != bob || st.Level != tt.level {
				t.Errorf("State after Update: %v %+v; want %v bob", st.Level, st.Data, tt.level)
			}
			set := b.receive(rec)
			if diff := cmp.Diff(tt.wantSet, setNames(set)); diff != "" {
				t.Errorf("Update set (-want +got):\n%s", diff)
			}
			if c := set[authName]; c != nil {
				t.Errorf("Update wrote an auth token past the absolute end")
			}
			if c := set[rememberName]; c != nil {
				if tok := open[User](t, e.live, remember.PurposeRemember, c.Value, e.clock.Now()); !tok.Expiry.Equal(t0.Add(30 * 24 * time.Hour)) {
					t.Errorf("remember re-sealed to expire %v; want the login's", tok.Expiry)
				}
			}
		})
	}
}

// TestUpdateOnSudoRoute: a sliding sudo route that edits the profile
// (change the e-mail: RequireFresh, then Update) in the request that
// starts the window (the password was just entered, no fresh cookie yet).
// Fresh queues a fresh token bound to the auth token the request carried;
// Update replaces that auth token, so the queued fresh token must follow
// it, else the next sensitive request finds a fresh token of another
// authentication (reported as mismatch) and asks for the password again.
// docs/attacks.md F7.
func TestUpdateOnSudoRoute(t *testing.T) {
	t.Parallel()
	e := newEnv(t, remember.Config[User]{})
	b := e.browser()
	rec, r, st := e.loginThenFresh(b, 2*time.Minute)
	if err := e.m.Update(rec, r, st, bob); err != nil {
		t.Fatal(err)
	}
	wantSudoKept(t, e, b, rec, "the sudo route's Update")
}
