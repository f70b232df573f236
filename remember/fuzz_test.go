package remember_test

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sessionless/sessionless/remember"
)

// FuzzLoad sends Load any Cookie header: valid tokens, their chunks,
// duplicates and mutations of them, and garbage. Whatever it is, Load
// does not panic; the state is one of the three levels; a known visitor is
// Alice, the only user whose tokens the ring ever sealed, with the times
// of her login; an authenticated visitor has an auth token; and every
// cookie Load sets is one of the Manager's, each at most once (receive
// checks that, and Cache-Control and Vary on any response that sets one).
func FuzzLoad(f *testing.F) {
	e := newEnv(f, remember.Config[User]{})
	// Nothing kept per input: a fuzzing run makes millions.
	e.cfg.OnReject, e.cfg.Logger = nil, slog.New(slog.DiscardHandler)
	e.m = e.manager(e.clock.Now)
	auth, rem := e.mint(alice, t0)
	_, big := e.mint(User{ID: 1, Name: "Alice", Email: "alice@example.com", Version: 1, Bio: strings.Repeat("b", 6000)}, t0)
	seeds := []string{
		"",
		authName + "=" + auth,
		rememberName + "=" + rem,
		authName + "=" + auth + "; " + rememberName + "=" + rem,
		authName + "=" + auth + "; " + authName + "=" + auth,
		authName + "=" + rem,
		rememberName + "=" + auth,
		authName + "=" + auth[:len(auth)/2],
		authName + `="` + auth + `"`,
		rememberName + "=" + big,
		"theme=dark; " + authName + "=" + auth + "; lang=en",
		authName + "=" + strings.Repeat("A", 5000),
		"=;=;;",
	}
	for _, s := range seeds {
		f.Add(s, int64(0))
	}
	f.Add(authName+"="+auth, int64(20*time.Minute))
	f.Add(authName+"="+auth, int64(13*time.Hour))
	f.Add(rememberName+"="+rem, int64(31*24*time.Hour))
	f.Fuzz(func(t *testing.T, header string, elapsed int64) {
		if elapsed < 0 || elapsed > int64(400*24*time.Hour) {
			elapsed = 0
		}
		e.t = t
		e.clock.Set(t0.Add(time.Duration(elapsed)))
		st, set := e.loadHeader(header)
		switch st.Level {
		case remember.Anonymous:
			if st.Data != (User{}) {
				t.Errorf("anonymous with data %+v", st.Data)
			}
		case remember.Remembered, remember.Authenticated:
			want := alice
			if st.Data.Bio != "" {
				want.Bio = strings.Repeat("b", 6000)
			}
			if diff := cmp.Diff(want, st.Data); diff != "" {
				t.Errorf("%v visitor's data (-want +got):\n%s", st.Level, diff)
			}
		default:
			t.Fatalf("level %v", st.Level)
		}
		if st.Level == remember.Authenticated && !st.Auth.AuthTime.Equal(t0) {
			t.Errorf("authenticated with claims %+v; want an auth token of a login at %v", st.Auth, t0)
		}
		for name := range set {
			if !strings.HasPrefix(name, authName) && !strings.HasPrefix(name, rememberName) && !strings.HasPrefix(name, freshName) {
				t.Errorf("Load set the cookie %q, which is not the Manager's", name)
			}
		}
	})
}
