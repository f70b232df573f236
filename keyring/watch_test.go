package keyring_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sessionless/sessionless/internal/testci"
	"github.com/sessionless/sessionless/keyring"
)

// timelineFile creates a keyring file of the timeline ring in a new folder
// and returns its path and the ring.
func timelineFile(t *testing.T) (string, *keyring.Ring) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "keyring.json")
	r := timeline(t)
	if err := keyring.Create(path, r); err != nil {
		t.Fatal(err)
	}
	return path, r
}

// pass lets d of a synctest bubble's time pass, then waits until every
// goroutine of the bubble is blocked: a watcher has done its polls.
func pass(d time.Duration) {
	time.Sleep(d)
	synctest.Wait()
}

// holds reports whether the current ring of src has the key id.
func holds(src keyring.Source, id string) bool {
	_, ok := src.Current().Key(id)
	return ok
}

// watchLog records the callbacks of a Watcher.
type watchLog struct {
	mu      sync.Mutex
	reloads []*keyring.Ring
	errs    []error
}

func (w *watchLog) config(interval time.Duration) keyring.WatchConfig {
	return keyring.WatchConfig{
		Interval: interval,
		OnReload: func(r *keyring.Ring) { w.mu.Lock(); w.reloads = append(w.reloads, r); w.mu.Unlock() },
		OnError:  func(err error) { w.mu.Lock(); w.errs = append(w.errs, err); w.mu.Unlock() },
	}
}

func (w *watchLog) counts() (reloads, errs int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.reloads), len(w.errs)
}

// lastErr returns the error OnError was last given, or nil.
func (w *watchLog) lastErr() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.errs) == 0 {
		return nil
	}
	return w.errs[len(w.errs)-1]
}

// TestWatchReload is docs/attacks.md C8, driven by Reload: a bad file is refused,
// reported once, and the previous ring stays in use.
func TestWatchReload(t *testing.T) {
	t.Parallel()
	path, r1 := timelineFile(t)
	var log watchLog
	w, err := keyring.Watch(t.Context(), path, log.config(time.Hour)) // the test polls itself
	if err != nil {
		t.Fatalf("Watch = %v", err)
	}
	if diff := ringDiff(r1, w.Current()); diff != "" {
		t.Fatalf("Watch: Current() (-file +current):\n%s", diff)
	}
	if err := w.Reload(); !errors.Is(err, keyring.ErrUnchanged) {
		t.Errorf("Reload of an unchanged file = %v; want ErrUnchanged", err)
	}

	// A rotated ring is picked up.
	good := r1
	rotate := func() {
		t.Helper()
		n, _, err := good.Rotate(t0.Add(10*time.Hour), time.Hour, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if err := keyring.Save(path, n); err != nil {
			t.Fatal(err)
		}
		reloads, _ := log.counts()
		if err := w.Reload(); err != nil {
			t.Fatalf("Reload after Save = %v", err)
		}
		if diff := ringDiff(n, w.Current()); diff != "" {
			t.Fatalf("Current() after Reload (-file +current):\n%s", diff)
		}
		if got, _ := log.counts(); got != reloads+1 {
			t.Errorf("OnReload called %d times; want %d", got, reloads+1)
		}
		if log.reloads[len(log.reloads)-1] != w.Current() {
			t.Errorf("OnReload was not given the current ring")
		}
		good = n
	}
	rotate()

	doc := string(must(good.Marshal()))
	bad := []struct {
		name      string
		needsUser bool
		break_    func(t *testing.T)
		wantErr   error
	}{
		{"truncated file", false, func(t *testing.T) { writeFile(t, path, doc[:len(doc)/2]) }, keyring.ErrInvalidRing},
		{"cut to nothing", false, func(t *testing.T) { writeFile(t, path, "") }, keyring.ErrInvalidRing},
		{"empty ring", false, func(t *testing.T) { writeFile(t, path, `{"version":1,"keys":[]}`) }, keyring.ErrInvalidRing},
		{"garbage", false, func(t *testing.T) { writeFile(t, path, "\x00\xffgarbage") }, keyring.ErrInvalidRing},
		{"secret misplaced", false, func(t *testing.T) { writeFile(t, path, docWithMisplacedSecret) }, keyring.ErrInvalidRing},
		{"made readable", false, func(t *testing.T) { os.Chmod(path, 0o644) }, keyring.ErrPermissions},
		{"unreadable", true, func(t *testing.T) { os.Chmod(path, 0) }, fs.ErrPermission},
		{"removed", false, func(t *testing.T) { os.Remove(path) }, fs.ErrNotExist},
		{"replaced by a directory", false, func(t *testing.T) { os.Remove(path); os.Mkdir(path, 0o700) }, nil},
	}
	for _, tt := range bad {
		// Not parallel: the steps share the file.
		t.Run(tt.name, func(t *testing.T) {
			if tt.needsUser && isRoot() {
				// Root reads a file of mode 0000: the row runs as nobody.
				testci.RunUnprivileged(t, t.Name())
				return
			}
			before := w.Current()
			reloads, errs := log.counts()
			tt.break_(t)
			err := w.Reload()
			if err == nil || (tt.wantErr != nil && !errors.Is(err, tt.wantErr)) {
				t.Fatalf("Reload of a bad file = %v; want %v", err, tt.wantErr)
			}
			checkNoSecret(t, "Reload error", err.Error(), secretBytes(5))
			// Later polls of the same bad file report nothing new.
			for range 3 {
				if err := w.Reload(); err == nil {
					t.Fatalf("Reload of the same bad file = nil")
				}
			}
			if w.Current() != before {
				t.Errorf("a bad file replaced the ring")
			}
			r, e := log.counts()
			if r != reloads || e != errs+1 {
				t.Errorf("after 4 polls of a bad file: %d reloads, %d errors reported; want %d, %d (once per distinct error)", r-reloads, e-errs, 0, 1)
			}
			if last := log.errs[len(log.errs)-1]; last.Error() != err.Error() {
				t.Errorf("OnError got %v; Reload returned %v", last, err)
			}
			// Restoring a good file swaps again.
			os.Remove(path)
			rotate()
		})
	}
}

// docWithMisplacedSecret has secret 5 where the id belongs.
var docWithMisplacedSecret = doc(rawKey(q(secretB64(5)), q("k1"), created, activates))

// writeFile replaces the file at path atomically (a temporary file renamed
// over it), so a watcher polling meanwhile sees the old content or the new,
// never an empty or partial file.
func writeFile(t *testing.T, path, content string) {
	t.Helper()
	tmp := path + ".writing"
	if err := os.WriteFile(tmp, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

func TestWatchBadStart(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		content string // "" for no file
		mode    fs.FileMode
		wantErr error
	}{
		{"missing", "", 0, fs.ErrNotExist},
		{"garbage", "garbage", 0o600, keyring.ErrInvalidRing},
		{"empty ring", `{"version":1,"keys":[]}`, 0o600, keyring.ErrInvalidRing},
		{"truncated", validDoc[:100], 0o600, keyring.ErrInvalidRing},
		{"readable", validDoc, 0o644, keyring.ErrPermissions},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "keyring.json")
			if tt.content != "" {
				os.WriteFile(path, []byte(tt.content), 0o600)
				os.Chmod(path, tt.mode)
			}
			var log watchLog
			w, err := keyring.Watch(t.Context(), path, log.config(time.Millisecond))
			if w != nil || !errors.Is(err, tt.wantErr) {
				t.Errorf("Watch(%s) = %v, %v; want nil, %v", tt.name, w, err, tt.wantErr)
			}
		})
	}
}

// TestWatchPolls checks, in a synctest bubble, that the watching goroutine
// picks up a change within one interval by itself, reports a bad file once
// however often it polls it, and recovers.
func TestWatchPolls(t *testing.T) {
	t.Parallel()
	path, r1 := timelineFile(t)
	r2, res, _ := r1.Rotate(t0.Add(10*time.Hour), time.Hour, time.Hour)
	r3, res3, _ := r2.Rotate(t0.Add(20*time.Hour), time.Hour, time.Hour)
	synctest.Test(t, func(t *testing.T) {
		const interval = 10 * time.Millisecond
		var log watchLog
		w, err := keyring.Watch(t.Context(), path, log.config(interval))
		if err != nil {
			t.Fatal(err)
		}
		if err := keyring.Save(path, r2); err != nil {
			t.Fatal(err)
		}
		pass(interval)
		if !holds(w, res.Added.ID) {
			t.Fatalf("the rotated ring is not in use one interval after the save")
		}
		if n, _ := log.counts(); n != 1 {
			t.Errorf("OnReload called %d times; want 1", n)
		}

		before := w.Current()
		writeFile(t, path, "garbage")
		pass(5 * interval) // five polls of the bad file
		if _, n := log.counts(); n != 1 {
			t.Errorf("OnError called %d times for one bad file; want 1", n)
		}
		if w.Current() != before {
			t.Errorf("a bad file replaced the ring")
		}

		os.Remove(path)
		if err := keyring.Save(path, r3); err != nil {
			t.Fatal(err)
		}
		pass(interval)
		if !holds(w, res3.Added.ID) {
			t.Errorf("the ring saved after the bad file is not in use one interval later")
		}
	})
}

// TestWatchStopsOnCancel checks, in a synctest bubble, that the watching
// goroutine stops when its context is cancelled: Test would fail if the
// goroutine outlived the bubble, and the file changed after the cancel is
// never loaded.
func TestWatchStopsOnCancel(t *testing.T) {
	t.Parallel()
	path, r1 := timelineFile(t)
	r2, res2, _ := r1.Rotate(t0.Add(10*time.Hour), time.Hour, time.Hour)
	r3, res3, _ := r2.Rotate(t0.Add(20*time.Hour), time.Hour, time.Hour)
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		var log watchLog
		w, err := keyring.Watch(ctx, path, log.config(time.Second))
		if err != nil {
			t.Fatal(err)
		}
		if err := keyring.Save(path, r2); err != nil {
			t.Fatal(err)
		}
		pass(1500 * time.Millisecond) // one poll, in the bubble's time
		if !holds(w, res2.Added.ID) {
			t.Fatalf("the watcher did not poll within its interval")
		}

		cancel()
		synctest.Wait() // the goroutine has returned or is blocked for good
		if err := keyring.Save(path, r3); err != nil {
			t.Fatal(err)
		}
		pass(time.Minute)
		if holds(w, res3.Added.ID) {
			t.Errorf("the watcher polled after its context was cancelled")
		}
		// Reload still works by hand.
		if err := w.Reload(); err != nil {
			t.Errorf("Reload after cancel = %v", err)
		}
		if !holds(w, res3.Added.ID) {
			t.Errorf("Reload after cancel did not load the file")
		}
	})
}

// TestWatchDefaultInterval checks that a zero Interval works (it is 2 s).
func TestWatchDefaultInterval(t *testing.T) {
	t.Parallel()
	path, r1 := timelineFile(t)
	r2, res2, _ := r1.Rotate(t0.Add(10*time.Hour), time.Hour, time.Hour)
	synctest.Test(t, func(t *testing.T) {
		w, err := keyring.Watch(t.Context(), path, keyring.WatchConfig{})
		if err != nil {
			t.Fatal(err)
		}
		if err := keyring.Save(path, r2); err != nil {
			t.Fatal(err)
		}
		pass(1900 * time.Millisecond)
		if holds(w, res2.Added.ID) {
			t.Errorf("the watcher polled before 2 s")
		}
		pass(200 * time.Millisecond)
		if !holds(w, res2.Added.ID) {
			t.Errorf("the watcher did not poll after 2 s")
		}
	})
}

// TestWatchCallbacksMayReload: the callbacks run outside the Watcher's
// lock, so a callback that calls back into the Watcher (Reload, Current)
// does not deadlock.
func TestWatchCallbacksMayReload(t *testing.T) {
	t.Parallel()
	path, r1 := timelineFile(t)
	var w *keyring.Watcher
	var inner []error
	cfg := keyring.WatchConfig{
		Interval: time.Hour, // the test reloads itself
		OnReload: func(r *keyring.Ring) {
			if r != w.Current() {
				t.Errorf("OnReload: ring is not Current()")
			}
			inner = append(inner, w.Reload())
		},
		OnError: func(error) { inner = append(inner, w.Reload()) },
	}
	w, err := keyring.Watch(t.Context(), path, cfg)
	if err != nil {
		t.Fatal(err)
	}
	n, _, err := r1.Rotate(t0.Add(10*time.Hour), time.Hour, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if err := keyring.Save(path, n); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 2)
	go func() { done <- w.Reload() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Reload after Save = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Reload with a callback that reloads did not return: deadlock")
	}
	writeFile(t, path, "garbage")
	go func() { done <- w.Reload() }()
	select {
	case err := <-done:
		if !errors.Is(err, keyring.ErrInvalidRing) {
			t.Fatalf("Reload of garbage = %v; want ErrInvalidRing", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Reload with an error callback that reloads did not return: deadlock")
	}
	// Each inner Reload saw the file its outer one had just read.
	if len(inner) != 2 || !errors.Is(inner[0], keyring.ErrUnchanged) || !errors.Is(inner[1], keyring.ErrUnchanged) {
		t.Errorf("inner Reloads = %v; want ErrUnchanged twice", inner)
	}
	if diff := ringDiff(n, w.Current()); diff != "" {
		t.Errorf("Current() after the bad file (-saved +current):\n%s", diff)
	}
}
