//go:build unix

package keyring_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/sessionless/sessionless/internal/testci"
	"github.com/sessionless/sessionless/keyring"
)

// TestCheckFileModeRealFile is docs/attacks.md C11 on real files: the test's own
// (root's, when it runs as root, and then again in a process of user
// nobody, see testci.RunUnprivileged) and, as root, another user's. The
// combinations a test cannot make for real are in TestCheckFileModeOwners.
func TestCheckFileModeRealFile(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		mode      fs.FileMode
		owner     int  // -1: the test's user
		asRoot    bool // whether a root process loads it
		asNonRoot bool // whether a process of another user loads it
	}{
		{"own 0600", 0o600, -1, true, true},
		{"own 0440", 0o440, -1, true, false}, // root's own: a Kubernetes Secret with fsGroup
		{"own 0640", 0o640, -1, true, false},
		{"own 0644", 0o644, -1, false, false},
		{"other's 0600", 0o600, 4242, true, false},
		{"other's 0640", 0o640, 4242, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			want := tt.asNonRoot
			if isRoot() {
				want = tt.asRoot
				if tt.owner < 0 {
					// The row once more as a user who is not root, whose
					// own file it then is: the asNonRoot column.
					name := t.Name()
					t.Run("as_nobody", func(t *testing.T) { testci.RunUnprivileged(t, name) })
				}
			}
			if tt.owner >= 0 {
				testci.NeedRoot(t, "give the file another owner")
			}
			path := filepath.Join(t.TempDir(), "keys.json")
			if err := keyring.Create(path, timeline(t)); err != nil {
				t.Fatal(err)
			}
			if tt.owner >= 0 {
				if err := os.Chown(path, tt.owner, tt.owner); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.Chmod(path, tt.mode); err != nil {
				t.Fatal(err)
			}
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			err = keyring.CheckFileMode(path, fi)
			_, loadErr := keyring.LoadFile(path, keyring.LoadOptions{})
			switch {
			case want && (err != nil || loadErr != nil):
				t.Errorf("CheckFileMode = %v, LoadFile = %v; want both nil", err, loadErr)
			case !want && (!errors.Is(err, keyring.ErrPermissions) || !errors.Is(loadErr, keyring.ErrPermissions)):
				t.Errorf("CheckFileMode = %v, LoadFile = %v; want ErrPermissions from both", err, loadErr)
			}
			if _, err := keyring.LoadFile(path, keyring.LoadOptions{InsecureAllowReadable: true}); err != nil {
				t.Errorf("LoadFile with InsecureAllowReadable = %v", err)
			}
		})
	}
}
