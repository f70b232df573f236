package testci

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// TestBufferWaitFor: WaitFor returns once a concurrent writer wrote what
// it waits for, and fails on its timeout or when done is closed.
func TestBufferWaitFor(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var b Buffer
		var wg sync.WaitGroup
		wg.Go(func() {
			for _, s := range []string{"starting\n", "listening on :1\n"} {
				time.Sleep(time.Second)
				b.Write([]byte(s))
			}
		})
		if err := b.WaitFor(time.Minute, nil, func(s string) bool { return strings.Contains(s, "listening") }); err != nil {
			t.Fatalf("WaitFor = %v; want nil", err)
		}
		wg.Wait()
		if got, want := b.String(), "starting\nlistening on :1\n"; got != want {
			t.Errorf("String() = %q; want %q", got, want)
		}
		never := func(string) bool { return false }
		if err := b.WaitFor(time.Second, nil, never); err == nil || errors.Is(err, ErrDone) {
			t.Errorf("WaitFor of what never comes = %v; want a timeout", err)
		}
		done := make(chan struct{})
		close(done)
		if err := b.WaitFor(time.Minute, done, never); !errors.Is(err, ErrDone) {
			t.Errorf("WaitFor after done = %v; want ErrDone", err)
		}
	})
}
