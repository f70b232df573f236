//go:build linux

package fleet

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSecretVolumeLayout checks the test's own kubelet: after each publish
// the file reads the new content through ..data, ..data names the newest
// timestamped folder, and the folder before it is gone.
func TestSecretVolumeLayout(t *testing.T) {
	v := &secretVolume{dir: t.TempDir(), mount: mount{mode: 0o400, uid: -1, gid: -1}}
	for _, content := range []string{"first\n", "second\n", "third\n"} {
		if err := v.publish([]byte(content)); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(v.path())
		if err != nil || string(got) != content {
			t.Fatalf("after publishing %q: %s reads %q, %v", content, v.path(), got, err)
		}
		if link, err := os.Readlink(v.path()); err != nil || link != filepath.Join("..data", keyFile) {
			t.Errorf("%s -> %q, %v; want ..data/%s", keyFile, link, err, keyFile)
		}
		if link, err := os.Readlink(filepath.Join(v.dir, "..data")); err != nil || link != v.current {
			t.Errorf("..data -> %q, %v; want %q", link, err, v.current)
		}
		fi, err := os.Stat(v.path())
		if err != nil || fi.Mode().Perm() != 0o400 {
			t.Errorf("the file's mode: %v, %v; want 0400", fi.Mode(), err)
		}
		entries, err := os.ReadDir(v.dir)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		want := []string{v.current, "..data", keyFile}
		if !strings.HasPrefix(v.current, "..20") || !cmp.Equal(names, want) {
			t.Errorf("the volume holds %q; want %q (one timestamped folder)", names, want)
		}
	}
}
