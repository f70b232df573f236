//go:build linux

package fleet

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// keyFile is the keyring's name in the Secret volume, as the deployment
// guide (docs/) mounts it.
const keyFile = "keys.json"

// secretVolume is a folder laid out as the kubelet lays out a Kubernetes
// Secret volume (its atomic writer): each version of the data in a folder
// of its own named after the time, "..data" a symlink to the current one,
// and the file a symlink through it:
//
//	keys.json -> ..data/keys.json
//	..data    -> ..2026_11_28_21_00_00.123456789
//	..2026_11_28_21_00_00.123456789/keys.json   (mode and owner as mounted)
//
// An update writes a new folder, points a new symlink at it and renames
// that over ..data (the one atomic step), then removes the old folder. The
// servers watch dir/keys.json (docs/attacks.md C12).
type secretVolume struct {
	dir     string
	mount   mount
	current string // the folder ..data points at, "" before the first publish
}

// mount is how the key file is served to the servers.
type mount struct {
	mode     os.FileMode
	uid, gid int                 // the file's owner; -1 leaves the test's
	cred     *syscall.Credential // the servers' user; nil runs them as the test's
	desc     string
}

// The Kubernetes example's ids (a Pod's securityContext: runAsUser 1000,
// runAsGroup 3000, fsGroup 2000).
const (
	runAsUser  = 1000
	runAsGroup = 3000
	fsGroup    = 2000
)

// kubernetesMount is a Secret volume with defaultMode 0440 and an fsGroup:
// the file owned by root, readable by the group the (non-root) servers
// are in. It needs the test to run as root, to make a root-owned file and
// start the servers as another user; otherwise the file is the test's
// user's, mode 0400, and the servers run as that user.
func kubernetesMount() mount {
	if os.Geteuid() != 0 {
		return mount{mode: 0o400, uid: -1, gid: -1,
			desc: "mode 0400, owned by the servers' user (the test does not run as root, so it cannot serve a root-owned file to another user)"}
	}
	return mount{mode: 0o440, uid: 0, gid: fsGroup,
		cred: &syscall.Credential{Uid: runAsUser, Gid: runAsGroup, Groups: []uint32{fsGroup}},
		desc: fmt.Sprintf("mode 0440, owned by root:%d, servers running as uid %d gid %d with supplementary group %d (a Secret volume with defaultMode 0440 and fsGroup %d)", fsGroup, runAsUser, runAsGroup, fsGroup, fsGroup)}
}

// path is the file the servers are given.
func (v *secretVolume) path() string { return filepath.Join(v.dir, keyFile) }

// publish makes data the volume's content, as the kubelet does when the
// Secret changes.
func (v *secretVolume) publish(data []byte) error {
	name := ".." + time.Now().UTC().Format("2006_01_02_15_04_05.000000000")
	dir := filepath.Join(v.dir, name)
	if err := os.Mkdir(dir, 0o755); err != nil {
		return err
	}
	file := filepath.Join(dir, keyFile)
	if err := os.WriteFile(file, data, 0o600); err != nil {
		return err
	}
	if v.mount.uid >= 0 {
		if err := os.Chown(file, v.mount.uid, v.mount.gid); err != nil {
			return err
		}
	}
	if err := os.Chmod(file, v.mount.mode); err != nil {
		return err
	}
	tmp := filepath.Join(v.dir, "..data_tmp")
	if err := os.Symlink(name, tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(v.dir, "..data")); err != nil {
		return err
	}
	if v.current == "" {
		if err := os.Symlink(filepath.Join("..data", keyFile), v.path()); err != nil {
			return err
		}
	} else if err := os.RemoveAll(filepath.Join(v.dir, v.current)); err != nil {
		return err
	}
	v.current = name
	return nil
}
