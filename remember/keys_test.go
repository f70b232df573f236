package remember_test

import (
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sessionless/sessionless/remember"
	"github.com/sessionless/sessionless/token"
)

// TestC4ResealUnderPrimary rotates the keyring under a live session: tokens
// sealed under the older, still-live key are re-sealed under the new
// primary on the next Load, in one Set-Cookie per cookie; once the old key
// is dropped, copies of the old tokens give no session.
func TestC4ResealUnderPrimary(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		after    time.Duration // since login, when the request comes
		wantExp  time.Duration // of the re-sealed auth token, since login
		wantSet  []string
		wantAuth bool
	}{
		// The new key activates 5 minutes after login.
		{"before the new key activates, nothing", 4 * time.Minute, 30 * time.Minute, nil, false},
		{"re-sealed, renewal not due", 6 * time.Minute, 36 * time.Minute, []string{authName}, true},
		{"re-sealed and renewed in one Set-Cookie", 16 * time.Minute, 46 * time.Minute, []string{authName}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, remember.Config[User]{})
			oldID := primaryID(t, e.live.Current(), t0)
			b := e.browser()
			login, _ := e.login(b, alice, true)
			ring, res, err := e.live.Current().Rotate(t0, 5*time.Minute, 30*24*time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			e.live.Store(ring)
			copied := b.clone()

			e.clock.Advance(tt.after)
			now := e.clock.Now()
			st, set := e.load(b)
			if diff := cmp.Diff(tt.wantSet, setNames(set)); diff != "" {
				t.Fatalf("Load() set (-want +got):\n%s", diff)
			}
			wantKey := oldID
			if tt.wantAuth {
				wantKey = res.Added.ID
			}
			if st.Level != remember.Authenticated || st.Auth.KeyID != wantKey || !st.Remember.ID.IsZero() {
				t.Errorf("Load() = level %v, auth key %q, remember %v; want %v, %q, unopened", st.Level, st.Auth.KeyID, st.Remember.ID, remember.Authenticated, wantKey)
			}
			if want := t0.Add(tt.wantExp); !st.Auth.Expiry.Equal(want) || !st.Auth.AuthTime.Equal(t0) {
				t.Errorf("Load().Auth expiry %v, auth_time %v; want %v, %v", st.Auth.Expiry, st.Auth.AuthTime, want, t0)
			}
			if !tt.wantAuth {
				return
			}
			if c := set[authName]; c.MaxAge != 0 || c.RawExpires != "" {
				t.Errorf("re-sealed auth cookie Max-Age=%d Expires=%q; want a browser-session cookie", c.MaxAge, c.RawExpires)
			}
			auth := open[User](t, e.live, remember.PurposeAuth, set[authName].Value, now)
			if diff := cmp.Diff(st.Auth, auth.Claims, cmpTime); diff != "" {
				t.Errorf("token written vs State (-state +cookie):\n%s", diff)
			}
			if auth.ID == login.Auth.ID {
				t.Errorf("the re-sealed auth token kept its id; want a new one")
			}
			if st, set := e.load(b); len(set) != 0 || st.Level != remember.Authenticated {
				t.Errorf("next Load() = %v, set %v; want %v, nothing", st.Level, setNames(set), remember.Authenticated)
			}

			// The remember token is re-sealed once it is read: when the
			// visitor is only remembered (after a browser restart). It
			// keeps its expiry, so its cookie's Max-Age is the time left.
			remembered := b.clone()
			remembered.Restart()
			st, set = e.load(remembered)
			if diff := cmp.Diff([]string{rememberName}, setNames(set)); diff != "" {
				t.Fatalf("remembered Load() set (-want +got):\n%s", diff)
			}
			remEnd := t0.Add(30 * 24 * time.Hour)
			if st.Level != remember.Remembered || st.Remember.KeyID != wantKey || !st.Remember.Expiry.Equal(remEnd) {
				t.Errorf("remembered Load() = %v, key %q, expiry %v; want %v, %q, %v", st.Level, st.Remember.KeyID, st.Remember.Expiry, remember.Remembered, wantKey, remEnd)
			}
			if c := set[rememberName]; c.MaxAge != int(remEnd.Sub(now)/time.Second) {
				t.Errorf("re-sealed remember cookie Max-Age = %d; want %d", c.MaxAge, int(remEnd.Sub(now)/time.Second))
			}
			rem := open[User](t, e.live, remember.PurposeRemember, set[rememberName].Value, now)
			if diff := cmp.Diff(st.Remember, rem.Claims, cmpTime); diff != "" || rem.ID == login.Remember.ID {
				t.Errorf("re-sealed remember token vs State (-state +cookie):\n%s (old id kept: %v)", diff, rem.ID == login.Remember.ID)
			}

			// C3: the old key is dropped; the copied tokens stop opening.
			dropped, err := e.live.Current().Retire(oldID, now)
			if err != nil {
				t.Fatal(err)
			}
			e.live.Store(dropped)
			if st, set := e.load(copied); st.Level != remember.Anonymous || len(set) != 2 {
				t.Errorf("old tokens after the drop: Load() = %v, set %v; want %v, both deleted", st.Level, setNames(set), remember.Anonymous)
			}
			for _, r := range e.rej.take() {
				if r.Reason != token.ReasonUnknownKey {
					t.Errorf("rejection %+v; want %q", r, token.ReasonUnknownKey)
				}
			}
			if st, _ := e.load(b); st.Level != remember.Authenticated {
				t.Errorf("re-sealed tokens after the drop: Load() level = %v; want %v", st.Level, remember.Authenticated)
			}
		})
	}
}

// TestC4NoResealAtAbsoluteEnd checks that an auth token of an older key
// that has reached auth_time + AuthLifetime (accepted within the leeway) is
// not re-sealed, which would need an expiry in the past.
func TestC4NoResealAtAbsoluteEnd(t *testing.T) {
	t.Parallel()
	e := newEnv(t, remember.Config[User]{AuthIdle: time.Hour, AuthLifetime: time.Hour})
	b := e.browser()
	e.login(b, alice, true)
	ring, _, err := e.live.Current().Rotate(t0, 50*time.Minute, 30*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	e.live.Store(ring)
	e.clock.Set(t0.Add(time.Hour + 30*time.Second))
	st, set := e.load(b)
	if st.Level != remember.Authenticated {
		t.Errorf("Load() level = %v; want %v (within the leeway)", st.Level, remember.Authenticated)
	}
	if len(set) != 0 {
		t.Errorf("Load() set %v; want nothing", setNames(set))
	}
}

// TestC6NewerKeyNotResealed checks that a token sealed under a key that is
// pending here but already primary on another server (its clock ahead) is
// accepted and not re-sealed under this server's older primary.
func TestC6NewerKeyNotResealed(t *testing.T) {
	t.Parallel()
	e := newEnv(t, remember.Config[User]{})
	ring, res, err := e.live.Current().Rotate(t0, time.Minute, 30*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	e.live.Store(ring)
	ahead := e.manager(func() time.Time { return t0.Add(time.Minute) }) // the new key is primary there
	rec := httptest.NewRecorder()
	if _, err := ahead.Login(rec, httptest.NewRequest(http.MethodPost, "https://example.com/login", nil), alice, true); err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	b.receive(rec)
	e.clock.Set(t0.Add(30 * time.Second)) // pending here; the iat is within the leeway
	st, set := e.load(b)
	if st.Level != remember.Authenticated || st.Auth.KeyID != res.Added.ID {
		t.Errorf("Load() = %v, key %q; want %v, %q", st.Level, st.Auth.KeyID, remember.Authenticated, res.Added.ID)
	}
	if len(set) != 0 {
		t.Errorf("Load() set %v; want nothing (the token's key is newer than this server's primary)", setNames(set))
	}
}

// TestC7LoadWhileRotating runs Load from 32 goroutines while another swaps
// the keyring between two rings that both open the session (run with -race).
func TestC7LoadWhileRotating(t *testing.T) {
	t.Parallel()
	e := newEnv(t, remember.Config[User]{})
	b := e.browser()
	e.login(b, alice, true)
	r1 := e.live.Current()
	r2, _, err := r1.Rotate(t0, 0, 30*24*time.Hour) // new primary: tokens of r1 get re-sealed
	if err != nil {
		t.Fatal(err)
	}
	m := e.manager(func() time.Time { return t0.Add(time.Minute) })
	req := b.request()

	done := make(chan struct{})
	swapped := make(chan int)
	go func() {
		n := 0
		for {
			select {
			case <-done:
				swapped <- n
				return
			default:
			}
			if n%2 == 0 {
				e.live.Store(r2)
			} else {
				e.live.Store(r1)
			}
			n++
			runtime.Gosched()
		}
	}()
	errs := make(chan string, 32)
	ready := make(chan struct{})
	for range 32 {
		go func() {
			<-ready
			for range 20 {
				rec := httptest.NewRecorder()
				st := ptr(m.Load(rec, req.Clone(req.Context())))
				if st.Level != remember.Authenticated || st.Data != alice {
					errs <- "Load() = " + st.Level.String()
					return
				}
				if _, err := receiveQuiet(rec); err != "" {
					errs <- err
					return
				}
			}
			errs <- ""
		}()
	}
	close(ready)
	for range 32 {
		if msg := <-errs; msg != "" {
			t.Error(msg)
		}
	}
	close(done)
	if n := <-swapped; n == 0 {
		t.Logf("the ring was never swapped during the loads")
	}
	if got := e.rej.take(); len(got) != 0 {
		t.Errorf("rejections %+v; want none", got)
	}
}

// receiveQuiet checks a response from a goroutine other than the test's:
// at most one Set-Cookie per name.
func receiveQuiet(rec *httptest.ResponseRecorder) (int, string) {
	seen := map[string]bool{}
	for _, line := range rec.Result().Header.Values("Set-Cookie") {
		c, err := http.ParseSetCookie(line)
		if err != nil {
			return 0, err.Error()
		}
		if seen[c.Name] {
			return 0, "two Set-Cookie lines for " + c.Name
		}
		seen[c.Name] = true
	}
	return len(seen), ""
}
