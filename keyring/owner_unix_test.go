//go:build unix

package keyring_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/sessionless/sessionless/internal/testci"
	"github.com/sessionless/sessionless/keyring"
)

// TestSaveThroughSymlink: Save replaces the file a link points to and
// leaves the link.
func TestSaveThroughSymlink(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	real := filepath.Join(dir, "real.json")
	link := filepath.Join(dir, "link.json")
	r := mustNew(t, time.Time{}, key(t, "k1", 1, t0))
	if err := keyring.Create(real, r); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	n, _, err := r.Rotate(t0, time.Hour, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if err := keyring.Save(link, n); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("Save replaced the link with a file: %v, %v", fi.Mode(), err)
	}
	got, err := keyring.LoadFile(real, keyring.LoadOptions{})
	if err != nil || got.Len() != 2 {
		t.Fatalf("the link's target after Save: %v keys, %v; want 2", got.Len(), err)
	}
}

// TestSaveKeepsOwner: a keyring owned by the server's user stays its own
// when root rotates it. Needs root to chown: skipped otherwise, and
// failed in CI (CI=true), which runs as root.
func TestSaveKeepsOwner(t *testing.T) {
	t.Parallel()
	testci.NeedRoot(t, "give the file another owner")
	path := filepath.Join(t.TempDir(), "keyring.json")
	r := mustNew(t, time.Time{}, key(t, "k1", 1, t0))
	if err := keyring.Create(path, r); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(path, 4242, 4343); err != nil {
		t.Fatal(err)
	}
	n, _, _ := r.Rotate(t0, time.Hour, time.Hour)
	if err := keyring.Save(path, n); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	if st.Uid != 4242 || st.Gid != 4343 || fi.Mode().Perm() != 0o600 {
		t.Errorf("after Save: owner %d:%d mode %04o; want 4242:4343 0600", st.Uid, st.Gid, fi.Mode().Perm())
	}
}
