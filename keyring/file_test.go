package keyring_test

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sessionless/sessionless/internal/testci"
	"github.com/sessionless/sessionless/keyring"
)

// dirNames returns the names in dir, sorted.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	slices.Sort(out)
	return out
}

func perm(t *testing.T, path string) fs.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

// isRoot reports whether permission checks do not apply to this process.
func isRoot() bool { return os.Geteuid() == 0 }

func TestCreate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "keyring.json")
	r := timeline(t)
	if err := keyring.Create(path, r); err != nil {
		t.Fatalf("Create = %v", err)
	}
	if p := perm(t, path); p != 0o600 {
		t.Errorf("Create made a file of mode %04o; want 0600", p)
	}
	back, err := keyring.LoadFile(path, keyring.LoadOptions{})
	if err != nil {
		t.Fatalf("LoadFile = %v", err)
	}
	if diff := ringDiff(r, back); diff != "" {
		t.Errorf("LoadFile(Create(r)) differs (-before +after):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"keyring.json"}, dirNames(t, dir)); diff != "" {
		t.Errorf("files after Create (-want +got):\n%s", diff)
	}

	// A second Create refuses, and leaves the file and the folder as they were.
	before, _ := os.ReadFile(path)
	other := mustNew(t, time.Time{}, key(t, "other", 9, t0))
	err = keyring.Create(path, other)
	if !errors.Is(err, fs.ErrExist) {
		t.Errorf("Create over an existing file = %v; want an error matching fs.ErrExist", err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Errorf("Create over an existing file changed it")
	}
	if diff := cmp.Diff([]string{"keyring.json"}, dirNames(t, dir)); diff != "" {
		t.Errorf("files after a refused Create (-want +got):\n%s", diff)
	}
}

func TestCreateRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		setup func(t *testing.T, path string)
	}{
		{"existing empty file", func(t *testing.T, path string) { os.WriteFile(path, nil, 0o600) }},
		{"existing directory", func(t *testing.T, path string) { os.Mkdir(path, 0o700) }},
		{"dangling symlink", func(t *testing.T, path string) { os.Symlink(filepath.Join(filepath.Dir(path), "nowhere"), path) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := filepath.Join(dir, "keyring.json")
			tt.setup(t, path)
			before := dirNames(t, dir)
			if err := keyring.Create(path, timeline(t)); !errors.Is(err, fs.ErrExist) {
				t.Errorf("Create = %v; want an error matching fs.ErrExist", err)
			}
			if diff := cmp.Diff(before, dirNames(t, dir)); diff != "" {
				t.Errorf("files after a refused Create (-before +after):\n%s", diff)
			}
		})
	}
}

func TestSave(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "keyring.json")

	// Save creates a missing file.
	r1 := timeline(t)
	if err := keyring.Save(path, r1); err != nil {
		t.Fatalf("Save to a new path = %v", err)
	}
	if p := perm(t, path); p != 0o600 {
		t.Errorf("Save made a file of mode %04o; want 0600", p)
	}

	// Save replaces a file of another mode with a 0600 one.
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	r2, _, err := r1.Rotate(t0.Add(10*time.Hour), time.Hour, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if err := keyring.Save(path, r2); err != nil {
		t.Fatalf("Save over a file = %v", err)
	}
	if p := perm(t, path); p != 0o600 {
		t.Errorf("Save over a 0644 file left mode %04o; want 0600", p)
	}
	back, err := keyring.LoadFile(path, keyring.LoadOptions{})
	if err != nil {
		t.Fatalf("LoadFile after Save = %v", err)
	}
	if diff := ringDiff(r2, back); diff != "" {
		t.Errorf("LoadFile(Save(r)) differs (-saved +loaded):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"keyring.json"}, dirNames(t, dir)); diff != "" {
		t.Errorf("files after Save (-want +got):\n%s", diff)
	}

	// Save keeps a mode the rule accepts: 0400, and root's 0640 (a server
	// reads it as the group; rotating must not lock it out).
	kept := []fs.FileMode{0o400}
	if isRoot() {
		kept = append(kept, 0o640, 0o440)
	}
	for _, mode := range kept {
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		if err := keyring.Save(path, r1); err != nil {
			t.Fatalf("Save over a %04o file = %v", mode, err)
		}
		if p := perm(t, path); p != mode {
			t.Errorf("Save over a %04o file made it %04o; want it kept", mode, p)
		}
	}
}

// TestSaveRelativePath changes the working directory: it cannot run in
// parallel.
func TestSaveRelativePath(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	r := timeline(t)
	if err := keyring.Save("rel.json", r); err != nil {
		t.Fatalf("Save(rel.json) = %v", err)
	}
	if err := keyring.Create("new.json", r); err != nil {
		t.Fatalf("Create(new.json) = %v", err)
	}
	for _, p := range []string{"rel.json", "new.json"} {
		if _, err := keyring.LoadFile(p, keyring.LoadOptions{}); err != nil {
			t.Errorf("LoadFile(%s) = %v", p, err)
		}
	}
	if diff := cmp.Diff([]string{"new.json", "rel.json"}, dirNames(t, dir)); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
}

// TestWriteFailuresLeaveNothing checks that a failed Save or Create leaves
// no temporary file behind.
func TestWriteFailuresLeaveNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		needsUser bool // root bypasses permissions: as root, the case runs as nobody
		setup     func(t *testing.T, dir string) (path string)
	}{
		{"folder missing", false, func(t *testing.T, dir string) string { return filepath.Join(dir, "no", "keyring.json") }},
		{"path is a directory", false, func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "keyring.json")
			os.Mkdir(p, 0o700)
			os.WriteFile(filepath.Join(p, "x"), nil, 0o600) // a non-empty directory cannot be renamed over
			return p
		}},
		{"folder not writable", true, func(t *testing.T, dir string) string {
			sub := filepath.Join(dir, "ro")
			os.Mkdir(sub, 0o700)
			os.WriteFile(filepath.Join(sub, "keyring.json"), []byte("old"), 0o600)
			os.Chmod(sub, 0o500)
			t.Cleanup(func() { os.Chmod(sub, 0o700) })
			return filepath.Join(sub, "keyring.json")
		}},
	}
	for _, tt := range tests {
		for _, op := range []struct {
			name string
			f    func(string, *keyring.Ring) error
		}{{"Save", keyring.Save}, {"Create", keyring.Create}} {
			t.Run(tt.name+"/"+op.name, func(t *testing.T) {
				t.Parallel()
				if tt.needsUser && isRoot() {
					// Root writes to any folder whatever its mode: the
					// case runs as nobody.
					testci.RunUnprivileged(t, t.Name())
					return
				}
				dir := t.TempDir()
				path := tt.setup(t, dir)
				before := listTree(t, dir)
				if err := op.f(path, timeline(t)); err == nil {
					t.Fatalf("%s(%s) succeeded; want an error", op.name, path)
				}
				if diff := cmp.Diff(before, listTree(t, dir)); diff != "" {
					t.Errorf("files after a failed %s (-before +after):\n%s", op.name, diff)
				}
			})
		}
	}
}

// listTree returns every path under dir with its size.
func listTree(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if !d.IsDir() {
			fi, _ := d.Info()
			out = append(out, fmt.Sprintf("%s %d bytes", strings.TrimPrefix(p, dir), fi.Size()))
		} else {
			out = append(out, strings.TrimPrefix(p, dir)+"/")
		}
		return nil
	})
	return out
}

func TestLoadFile(t *testing.T) {
	t.Parallel()
	good := must(timeline(t).Marshal())
	tests := []struct {
		name    string
		content []byte
		mode    fs.FileMode
		opts    keyring.LoadOptions
		wantErr error // nil: loads
	}{
		{"mode 0600", good, 0o600, keyring.LoadOptions{}, nil},
		{"mode 0400", good, 0o400, keyring.LoadOptions{}, nil},
		{"mode 0700", good, 0o700, keyring.LoadOptions{}, nil},
		{"mode 0604", good, 0o604, keyring.LoadOptions{}, keyring.ErrPermissions},
		{"mode 0644", good, 0o644, keyring.LoadOptions{}, keyring.ErrPermissions},
		{"mode 0620", good, 0o620, keyring.LoadOptions{}, keyring.ErrPermissions},
		{"mode 0601", good, 0o601, keyring.LoadOptions{}, keyring.ErrPermissions},
		{"mode 0666", good, 0o666, keyring.LoadOptions{}, keyring.ErrPermissions},
		{"mode 0644 allowed", good, 0o644, keyring.LoadOptions{InsecureAllowReadable: true}, nil},
		{"mode 0666 allowed", good, 0o666, keyring.LoadOptions{InsecureAllowReadable: true}, nil},
		{"bad document", []byte(`{"version":1,"keys":[]}`), 0o600, keyring.LoadOptions{}, keyring.ErrInvalidRing},
		{"empty file", nil, 0o600, keyring.LoadOptions{}, keyring.ErrInvalidRing},
		{"secret in the wrong member", []byte(doc(rawKey(q(secretB64(5)), q("k1"), created, activates))), 0o600, keyring.LoadOptions{}, keyring.ErrInvalidRing},
		{"over 1 MiB", append(bytes.Clone(good), bytes.Repeat([]byte(" "), keyring.MaxFileSize)...), 0o600, keyring.LoadOptions{}, keyring.ErrInvalidRing},
		{"bad document readable", []byte("garbage"), 0o644, keyring.LoadOptions{}, keyring.ErrPermissions}, // the mode is checked before the content
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "keyring.json")
			if err := os.WriteFile(path, tt.content, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, tt.mode); err != nil {
				t.Fatal(err)
			}
			r, err := keyring.LoadFile(path, tt.opts)
			if tt.wantErr == nil {
				if err != nil || r == nil {
					t.Fatalf("LoadFile(%04o) = %v", tt.mode, err)
				}
				if diff := ringDiff(timeline(t), r); diff != "" {
					t.Errorf("LoadFile (-want +got):\n%s", diff)
				}
				return
			}
			if r != nil || !errors.Is(err, tt.wantErr) {
				t.Fatalf("LoadFile(%04o) = %v, %v; want nil, %v", tt.mode, r, err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("LoadFile error %q does not name the file", err)
			}
			checkNoSecret(t, "LoadFile error", err.Error(), secretBytes(5))
		})
	}
}

func TestLoadFileNotAFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.Chmod(dir, 0o700)
	if r, err := keyring.LoadFile(dir, keyring.LoadOptions{InsecureAllowReadable: true}); r != nil || err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("LoadFile(a directory) = %v, %v; want an error", r, err)
	}
	missing := filepath.Join(dir, "missing.json")
	if r, err := keyring.LoadFile(missing, keyring.LoadOptions{}); r != nil || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("LoadFile(missing) = %v, %v; want an error matching fs.ErrNotExist", r, err)
	}
	// A symlink is followed: the mode checked is the target's.
	target := filepath.Join(dir, "target.json")
	if err := keyring.Create(target, timeline(t)); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if _, err := keyring.LoadFile(link, keyring.LoadOptions{}); err != nil {
		t.Errorf("LoadFile(symlink to a 0600 file) = %v", err)
	}
}

// TestSaveConcurrentReader checks that Save is atomic: a reader that loads
// the file while it is replaced 200 times always finds a whole keyring.
func TestSaveConcurrentReader(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "keyring.json")
	const n = 200
	rings := make([]*keyring.Ring, n)
	byFirstID := map[string]int{}
	for i := range rings {
		rings[i] = mustNew(t, time.Time{}, keyring.GenerateKey(t0, t0), keyring.GenerateKey(t0, t0.Add(time.Duration(i)*time.Second)))
		byFirstID[rings[i].Keys()[0].ID] = i
	}
	if err := keyring.Create(path, rings[0]); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(done)
		for _, r := range rings[1:] {
			if err := keyring.Save(path, r); err != nil {
				t.Errorf("Save = %v", err)
				return
			}
		}
	})
	loads := 0
	wg.Go(func() {
		for {
			select {
			case <-done:
				return
			default:
			}
			r, err := keyring.LoadFile(path, keyring.LoadOptions{})
			if err != nil {
				t.Errorf("LoadFile during Save = %v", err)
				return
			}
			i, ok := byFirstID[r.Keys()[0].ID]
			if !ok {
				t.Errorf("LoadFile found a ring that was never saved")
				return
			}
			if diff := ringDiff(rings[i], r); diff != "" {
				t.Errorf("LoadFile found ring %d changed (-saved +loaded):\n%s", i, diff)
				return
			}
			loads++
		}
	})
	wg.Wait()
	if loads == 0 {
		t.Log("the reader never ran during the writes")
	}
	if diff := cmp.Diff([]string{"keyring.json"}, dirNames(t, filepath.Dir(path))); diff != "" {
		t.Errorf("files after 200 Saves (-want +got):\n%s", diff)
	}
}

// TestFromEnv sets environment variables: it cannot run in parallel.
func TestFromEnv(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "keyring.json")
	if err := keyring.Create(file, timeline(t)); err != nil {
		t.Fatal(err)
	}
	readable := filepath.Join(dir, "readable.json")
	os.WriteFile(readable, must(timeline(t).Marshal()), 0o600)
	os.Chmod(readable, 0o644)
	docStr := string(must(timeline(t).Marshal()))
	badDoc := doc(rawKey(q(secretB64(5)), q("k1"), created, activates))

	tests := []struct {
		name       string
		doc, file  string // "" leaves the variable unset
		opts       keyring.LoadOptions
		wantErr    error // nil: loads timeline
		wantErrMsg string
	}{
		{"document", docStr, "", keyring.LoadOptions{}, nil, ""},
		{"file", "", file, keyring.LoadOptions{}, nil, ""},
		{"both", docStr, file, keyring.LoadOptions{}, nil, "both"},
		{"neither", "", "", keyring.LoadOptions{}, keyring.ErrNoKeyring, ""},
		{"bad document", badDoc, "", keyring.LoadOptions{}, keyring.ErrInvalidRing, keyring.EnvKeyring},
		{"garbage document", "not json", "", keyring.LoadOptions{}, keyring.ErrInvalidRing, keyring.EnvKeyring},
		{"missing file", "", filepath.Join(dir, "missing.json"), keyring.LoadOptions{}, fs.ErrNotExist, ""},
		{"readable file", "", readable, keyring.LoadOptions{}, keyring.ErrPermissions, ""},
		{"readable file allowed", "", readable, keyring.LoadOptions{InsecureAllowReadable: true}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setenv(t, keyring.EnvKeyring, tt.doc)
			setenv(t, keyring.EnvKeyringFile, tt.file)
			r, err := keyring.FromEnv(tt.opts)
			if tt.wantErr == nil && tt.wantErrMsg == "" {
				if err != nil {
					t.Fatalf("FromEnv = %v", err)
				}
				if diff := ringDiff(timeline(t), r); diff != "" {
					t.Errorf("FromEnv (-want +got):\n%s", diff)
				}
				return
			}
			if r != nil || err == nil {
				t.Fatalf("FromEnv = %v, %v; want an error", r, err)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("FromEnv = %v; want an error matching %v", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantErrMsg) {
				t.Errorf("FromEnv = %v; want an error about %q", err, tt.wantErrMsg)
			}
			checkNoSecret(t, "FromEnv error", err.Error(), secretBytes(5))
		})
	}
}

// setenv sets (or, for "", unsets) an environment variable for the test.
func setenv(t *testing.T, k, v string) {
	t.Setenv(k, v) // restores the old value after the test
	if v == "" {
		os.Unsetenv(k)
	}
}
