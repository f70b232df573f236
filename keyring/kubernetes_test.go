//go:build unix

package keyring_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sessionless/sessionless/keyring"
	"github.com/sessionless/sessionless/token"
)

// secretVolume is a folder laid out as the kubelet's atomic writer lays out
// a Kubernetes Secret volume: each version of the Secret in a folder of its
// own named after the time (..2026_11_28_21_00_00.123), a symbolic link
// ..data to the current one, and the file the pod reads a symbolic link
// through it (keys.json -> ..data/keys.json). An update writes a new
// folder, points a new link ..data_tmp at it, renames that over ..data (the
// one atomic step) and removes the old folder.
type secretVolume struct {
	dir      string
	versions int
}

// secretFile is the name of the keyring in the Secret.
const secretFile = "keys.json"

// path is the file a server is told to load.
func (v *secretVolume) path() string { return filepath.Join(v.dir, secretFile) }

// kubeletMode is the mode of the Secret's file with defaultMode 0440 and
// fsGroup: root's file, readable by the pod's group. A test that does not
// run as root owns its files, so it gets 0400, the mode the rule accepts
// for the process's own file.
func kubeletMode() fs.FileMode {
	if isRoot() {
		return 0o440
	}
	return 0o400
}

// publish delivers a new version of the Secret whose keyring file holds
// content with the given mode, as the kubelet does.
func (v *secretVolume) publish(t *testing.T, content []byte, mode fs.FileMode) {
	t.Helper()
	v.versions++
	version := fmt.Sprintf("..2026_11_28_21_00_%02d.%d", v.versions, 1000+v.versions)
	dir := filepath.Join(v.dir, version)
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, secretFile)
	if err := os.WriteFile(file, content, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(file, mode); err != nil {
		t.Fatal(err)
	}
	v.swap(t, version)
}

// swap points ..data at version atomically, makes the user-visible link the
// first time, and removes the version ..data pointed at before.
func (v *secretVolume) swap(t *testing.T, version string) {
	t.Helper()
	data, tmp := filepath.Join(v.dir, "..data"), filepath.Join(v.dir, "..data_tmp")
	old, _ := os.Readlink(data)
	if err := os.Symlink(version, tmp); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, data); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(v.path()); errors.Is(err, fs.ErrNotExist) {
		if err := os.Symlink(filepath.Join("..data", secretFile), v.path()); err != nil {
			t.Fatal(err)
		}
	}
	if old != "" {
		if err := os.RemoveAll(filepath.Join(v.dir, old)); err != nil {
			t.Fatal(err)
		}
	}
}

// traffic seals and opens tokens under src from goroutines until stop is
// called (or the test ends), which returns the number of tokens opened. Every token must
// open: the rings the test swaps in keep the keys of the one before. In a
// synctest bubble each goroutine pauses 10 ms between tokens, so that the
// bubble's clock can move.
func traffic(t *testing.T, src keyring.Source, goroutines int) (stop func() int64) {
	t.Helper()
	c, err := token.New[string](src, token.Config{Purpose: "auth"})
	if err != nil {
		t.Fatal(err)
	}
	var done atomic.Bool
	var opened atomic.Int64
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			var earlier string // sealed at the previous step, perhaps under the ring before
			for !done.Load() {
				now := time.Now()
				tok, err := c.Seal(token.Params{IssuedAt: now, Expiry: now.Add(time.Hour)}, "visitor")
				if err != nil {
					t.Errorf("Seal = %v", err)
					return
				}
				for _, raw := range []string{tok, earlier} {
					if raw == "" {
						continue
					}
					if _, err := c.Open(raw, now); err != nil {
						t.Errorf("Open = %v", err)
						return
					}
					opened.Add(1)
				}
				earlier = tok
				time.Sleep(10 * time.Millisecond)
			}
		})
	}
	stop = func() int64 {
		done.Store(true)
		wg.Wait()
		return opened.Load()
	}
	t.Cleanup(func() { stop() }) // also when the test fails halfway
	return stop
}

// watchInterval is how often the watcher of TestWatchKubernetesSecret
// polls, in the bubble's time.
const watchInterval = time.Second

// watchedVolume is a Secret volume, the Watcher that follows it and the
// ring last delivered.
type watchedVolume struct {
	*secretVolume
	w    *keyring.Watcher
	log  watchLog
	ring *keyring.Ring
}

// rotate delivers the next ring, rotated to a key that is primary at once,
// and checks that it is in use within one interval.
func (v *watchedVolume) rotate(t *testing.T) {
	t.Helper()
	next, res, err := v.ring.Rotate(time.Now(), 0, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	reloads, _ := v.log.counts()
	v.publish(t, must(next.Marshal()), kubeletMode())
	pass(watchInterval)
	if k, err := v.w.Current().Primary(time.Now()); err != nil || k.ID != res.Added.ID {
		t.Fatalf("one interval after the update: primary %q, %v; want the new key %q", k.ID, err, res.Added.ID)
	}
	if n, _ := v.log.counts(); n != reloads+1 {
		t.Errorf("OnReload called %d times for one update; want 1", n-reloads)
	}
	v.ring = next
}

// TestWatchKubernetesSecret is docs/attacks.md C12: Watch follows a keyring
// delivered as a Kubernetes Secret volume through its updates, while
// tokens are sealed and opened: each good update is the current ring
// within one interval, and a dangling, torn, garbled or world-readable
// update keeps the ring in use and is reported once to OnError.
func TestWatchKubernetesSecret(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		v := &watchedVolume{secretVolume: &secretVolume{dir: t.TempDir()}}
		start := time.Now() // the bubble's clock
		v.ring = mustNew(t, time.Time{}, keyring.GenerateKey(start, start))
		v.publish(t, must(v.ring.Marshal()), kubeletMode())
		var err error
		if v.w, err = keyring.Watch(t.Context(), v.path(), v.log.config(watchInterval)); err != nil {
			t.Fatalf("Watch of a Secret volume = %v", err)
		}
		stop := traffic(t, v.w, 4)
		v.rotate(t)

		doc := must(v.ring.Marshal())
		bad := []struct {
			name    string
			deliver func(t *testing.T)
			wantErr error
		}{
			{"dangling ..data", func(t *testing.T) { v.swap(t, "..2026_11_28_21_59_59.1") }, fs.ErrNotExist},
			{"version without the file", func(t *testing.T) {
				os.Mkdir(filepath.Join(v.dir, "..2026_11_28_22_00_00.1"), 0o755)
				v.swap(t, "..2026_11_28_22_00_00.1")
			}, fs.ErrNotExist},
			{"torn file", func(t *testing.T) { v.publish(t, doc[:len(doc)/2], kubeletMode()) }, keyring.ErrInvalidRing},
			{"garbage", func(t *testing.T) { v.publish(t, []byte("\x00\xffgarbage"), kubeletMode()) }, keyring.ErrInvalidRing},
			{"empty file", func(t *testing.T) { v.publish(t, nil, kubeletMode()) }, keyring.ErrInvalidRing},
			{"Kubernetes' default mode", func(t *testing.T) { v.publish(t, doc, 0o644) }, keyring.ErrPermissions},
		}
		for _, tt := range bad { // no t.Run in a bubble
			before := v.w.Current()
			reloads, errs := v.log.counts()
			tt.deliver(t)
			pass(3 * watchInterval) // three polls of the bad version
			if v.w.Current() != before {
				t.Errorf("%s: a bad update replaced the ring", tt.name)
			}
			if r, e := v.log.counts(); r != reloads || e != errs+1 {
				t.Errorf("%s: %d reloads, %d errors reported; want 0, 1", tt.name, r-reloads, e-errs)
			} else if err := v.log.lastErr(); !errors.Is(err, tt.wantErr) {
				t.Errorf("%s: OnError got %v; want an error matching %v", tt.name, err, tt.wantErr)
			}
			v.rotate(t) // the next good update is taken
		}
		if n := stop(); n == 0 {
			t.Errorf("no token was opened while the Secret was updated")
		}
	})
}
