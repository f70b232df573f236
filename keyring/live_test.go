package keyring_test

import (
	"bytes"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sessionless/sessionless/keyring"
)

func TestLiveStore(t *testing.T) {
	t.Parallel()
	r1 := timeline(t)
	l := keyring.NewLive(r1)
	var _ keyring.Source = l
	if l.Current() != r1 {
		t.Fatalf("NewLive(r).Current() is not r")
	}

	// A ring of its own is swapped in as it is (issue 14.1: Store used to
	// rebuild it).
	r2 := mustNew(t, time.Time{}, key(t, "z", 9, t0))
	l.Store(r2)
	if l.Current() != r2 {
		t.Errorf("Current() after Store(r2) is not r2")
	}

	// A ring derived from the current one is stored as it is.
	r3, _, err := l.Current().Rotate(t0, time.Hour, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	l.Store(r3)
	if l.Current() != r3 {
		t.Errorf("Current() after Store(Current().Rotate()) is not that ring")
	}
	if r1.Len() != 3 {
		t.Errorf("Store changed an older ring")
	}
}

func TestLiveNilPanics(t *testing.T) {
	t.Parallel()
	for name, f := range map[string]func(){
		"NewLive(nil)": func() { keyring.NewLive(nil) },
		"Store(nil)":   func() { keyring.NewLive(timeline(t)).Store(nil) },
	} {
		func() {
			defer func() {
				msg, _ := recover().(string)
				if !strings.HasPrefix(msg, "keyring: ") {
					t.Errorf("%s panicked with %q; want a keyring: panic", name, msg)
				}
			}()
			f()
		}()
	}
}

// TestLiveConcurrent is docs/attacks.md C7: 64 goroutines seal and open while the
// ring is swapped 10 000 times. Run with -race.
func TestLiveConcurrent(t *testing.T) {
	t.Parallel()
	now := t0.Add(3 * time.Hour)
	// A few rings that share the key "shared", each with a key of its own.
	var rings []*keyring.Ring
	valid := map[string]bool{"shared": true}
	for i := range 8 {
		k := keyring.GenerateKey(t0, t0.Add(time.Duration(i)*time.Minute))
		valid[k.ID] = true
		rings = append(rings, mustNew(t, time.Time{}, key(t, "shared", 1, t0.Add(-time.Hour)), k))
	}
	l := keyring.NewLive(rings[0])

	const stores = 10000
	var stop atomic.Bool
	var ops atomic.Int64
	var wg, running sync.WaitGroup
	running.Add(64)
	for g := range 64 {
		wg.Go(func() {
			first := true
			defer func() {
				if first { // returned on an error before its first operation
					running.Done()
				}
			}()
			cek := make([]byte, 32)
			cek[0] = byte(g)
			wrapped, got, scratch := make([]byte, 40), make([]byte, 32), make([]byte, 16)
			for !stop.Load() {
				r := l.Current()
				k := purposeKey(r, "auth", "", now)
				if k == nil || !valid[k.ID] {
					t.Errorf("no valid primary in %v", r)
					return
				}
				k.KEK.Wrap(wrapped, cek, scratch)
				// Open with whatever ring is current now: the old or a new one.
				if d := purposeKey(l.Current(), "auth", k.ID, now); d != nil {
					if !d.KEK.Unwrap(got, wrapped, scratch) || !bytes.Equal(got, cek) {
						t.Errorf("Unwrap under %q failed", k.ID)
						return
					}
				}
				// The ring the key came from always opens it.
				if !purposeKey(r, "auth", k.ID, now).KEK.Unwrap(got, wrapped, scratch) {
					t.Errorf("the sealing ring cannot open its own token")
					return
				}
				ops.Add(1)
				if first {
					running.Done() // the swaps start once every goroutine works
					first = false
				}
			}
		})
	}
	running.Wait()
	for i := range stores {
		l.Store(rings[i%len(rings)])
	}
	stop.Store(true)
	wg.Wait()
	if ops.Load() == 0 {
		t.Errorf("no operation ran while the ring was swapped")
	}
}
