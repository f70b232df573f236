package remember_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sessionless/sessionless/remember"
	"github.com/sessionless/sessionless/token"
)

// versions is the per-user session version an application keeps in its
// database: bumped on a password change or "log out everywhere".
type versions struct {
	mu sync.Mutex
	v  map[int64]int
}

func (vs *versions) bump(id int64) {
	vs.mu.Lock()
	defer vs.mu.Unlock()
	vs.v[id]++
}

func (vs *versions) current(id int64) int {
	vs.mu.Lock()
	defer vs.mu.Unlock()
	return vs.v[id]
}

var errStaleSession = errors.New("app: session version is out of date")

// validate is the Config.Validate of the session-version scheme.
func (vs *versions) validate(_ context.Context, u User, _ token.Claims) error {
	if u.Version != vs.current(u.ID) {
		return errStaleSession
	}
	return nil
}

// TestValidateError checks that a token the hook refuses gives no session,
// is deleted and reported as invalidated, and that the hook sees the
// token's data and claims.
func TestValidateError(t *testing.T) {
	t.Parallel()
	type call struct {
		Data   User
		Claims token.Claims
	}
	var calls []call
	e := newEnv(t, remember.Config[User]{
		Validate: func(_ context.Context, u User, c token.Claims) error {
			calls = append(calls, call{u, c})
			if u.ID == bob.ID {
				return errStaleSession
			}
			return nil
		},
	})
	b := e.browser()
	login, _ := e.login(b, alice, true)
	if st, _ := e.load(b); st.Level != remember.Authenticated {
		t.Fatalf("alice: Load() level = %v; want %v", st.Level, remember.Authenticated)
	}
	want := []call{{alice, login.Auth}} // an authenticated request does not open the remember token
	if diff := cmp.Diff(want, calls, cmpTime); diff != "" {
		t.Errorf("Validate calls (-want +got):\n%s", diff)
	}

	bb := e.browser()
	e.login(bb, bob, true) // Login does not validate: the application just checked the password
	st, set := e.load(bb)
	if st.Level != remember.Anonymous {
		t.Errorf("bob: Load() level = %v; want %v", st.Level, remember.Anonymous)
	}
	if diff := cmp.Diff([]string{"-" + authName, "-" + rememberName}, setNames(set)); diff != "" {
		t.Errorf("bob: Load() set (-want +got):\n%s", diff)
	}
	rejs := e.rej.take()
	if len(rejs) != 2 {
		t.Fatalf("rejections %+v; want 2", rejs)
	}
	for _, r := range rejs {
		if r.Reason != token.ReasonInvalidated || !errors.Is(r.Err, errStaleSession) || r.KeyID == "" {
			t.Errorf("rejection %+v; want %q wrapping the hook's error, with the key id", r, token.ReasonInvalidated)
		}
	}

	// Reauthenticate, through Peek, sees the refusal too.
	bb = e.browser()
	e.login(bb, bob, true)
	if _, err := e.m.Reauthenticate(httptest.NewRecorder(), bb.request()); !errors.Is(err, remember.ErrNotKnown) {
		t.Errorf("Reauthenticate(bob) = %v; want ErrNotKnown", err)
	}
}

// TestF6SessionVersion walks the session-version scheme: bumping a user's
// version (password change, "log out everywhere") refuses every older
// token of that user, auth and remember, on every browser, while other
// users are unaffected; a new login with the new version works.
func TestF6SessionVersion(t *testing.T) {
	t.Parallel()
	vs := &versions{v: map[int64]int{alice.ID: 1, bob.ID: 1}}
	e := newEnv(t, remember.Config[User]{Validate: vs.validate})
	laptop, phone, bobs := e.browser(), e.browser(), e.browser()
	e.login(laptop, alice, true)
	e.login(phone, alice, true)
	phone.Restart() // remembered only
	e.login(bobs, bob, true)
	oldLaptop := laptop.clone()

	e.clock.Advance(time.Minute)
	vs.bump(alice.ID) // alice changed her password on another device

	for _, b := range []*browser{laptop, phone} {
		st, set := e.load(b)
		if st.Level != remember.Anonymous {
			t.Errorf("alice after the bump: Load() level = %v; want %v", st.Level, remember.Anonymous)
		}
		for name, c := range set {
			if c.MaxAge >= 0 {
				t.Errorf("alice after the bump: cookie %q written; want deleted", name)
			}
		}
		if len(b.jar) != 0 {
			t.Errorf("alice after the bump: cookies %v left; want none", b.names())
		}
	}
	for _, r := range e.rej.take() {
		if r.Reason != token.ReasonInvalidated {
			t.Errorf("rejection %+v; want %q", r, token.ReasonInvalidated)
		}
	}
	if st, _ := e.load(oldLaptop); st.Level != remember.Anonymous {
		t.Errorf("copied cookies of alice after the bump: Load() level = %v; want %v", st.Level, remember.Anonymous)
	}
	if st, _ := e.load(bobs); st.Level != remember.Authenticated || st.Data != bob {
		t.Errorf("bob after alice's bump: Load() = %v, %+v; want %v, bob", st.Level, st.Data, remember.Authenticated)
	}

	again := alice
	again.Version = vs.current(alice.ID)
	e.login(laptop, again, true)
	if st, _ := e.load(laptop); st.Level != remember.Authenticated || st.Data.Version != 2 {
		t.Errorf("alice's new login: Load() = %v, version %d; want %v, 2", st.Level, st.Data.Version, remember.Authenticated)
	}
}

// TestF5ReplayAfterLogout shows what stateless sessions cannot do, and the
// answer. Without Validate, a copy of the cookies taken before Logout still
// opens after it, until each token expires (documented in the package
// docs); with a session version bumped at logout, the copy is refused.
func TestF5ReplayAfterLogout(t *testing.T) {
	t.Parallel()
	t.Run("without Validate the copy opens until expiry", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, remember.Config[User]{})
		b := e.browser()
		e.login(b, alice, true)
		stolen := b.clone()
		rec := httptest.NewRecorder()
		e.m.Logout(rec, b.request())
		b.receive(rec)
		if st, _ := e.load(b); st.Level != remember.Anonymous {
			t.Errorf("the logged-out browser: Load() level = %v; want %v", st.Level, remember.Anonymous)
		}
		if st, _ := e.load(stolen); st.Level != remember.Authenticated {
			t.Errorf("replayed copy right after Logout: Load() level = %v; want %v (accepted until expiry)", st.Level, remember.Authenticated)
		}
		stolen.Restart() // the auth cookie only lives until the idle timeout anyway
		e.clock.Advance(29 * 24 * time.Hour)
		if st, _ := e.load(stolen); st.Level != remember.Remembered {
			t.Errorf("replayed remember cookie after 29 days: Load() level = %v; want %v", st.Level, remember.Remembered)
		}
		e.clock.Set(t0.Add(30*24*time.Hour + 2*time.Minute))
		if st, _ := e.loadHeader(rememberName + "=" + stolen.jar[rememberName].value); st.Level != remember.Anonymous {
			t.Errorf("replayed remember token after its expiry: Load() level = %v; want %v", st.Level, remember.Anonymous)
		}
	})
	t.Run("with Validate and a version bumped at logout the copy is refused", func(t *testing.T) {
		t.Parallel()
		vs := &versions{v: map[int64]int{alice.ID: 1}}
		e := newEnv(t, remember.Config[User]{Validate: vs.validate})
		b := e.browser()
		e.login(b, alice, true)
		stolen := b.clone()
		rec := httptest.NewRecorder()
		r := b.request()
		if st := e.m.Load(rec, r); st.Known() {
			vs.bump(st.Data.ID) // the application's logout handler
		}
		e.m.Logout(rec, r)
		b.receive(rec)
		if st, _ := e.load(stolen); st.Level != remember.Anonymous {
			t.Errorf("replayed copy after Logout: Load() level = %v; want %v", st.Level, remember.Anonymous)
		}
	})
}
