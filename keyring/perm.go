package keyring

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"strings"
)

// ErrPermissions is wrapped by the error of [CheckFileMode], and so of
// [LoadFile] and [Watch], for a keyring file that others could read or
// change.
var ErrPermissions = errors.New("keyring: keyring file permissions are unsafe")

// rootUID is the user id of root, which may share a file with its group.
const rootUID = 0

// kubernetesFix is the line of a refusal that tells a Kubernetes user what
// to change: the kubelet's own default mode, 0644, is world-readable.
const kubernetesFix = "on Kubernetes, mount the Secret with defaultMode: 0440 and set the pod's securityContext.fsGroup (the default, 0644, lets every user read it)"

// CheckFileMode returns nil if the keyring file at path, as fi describes
// it, may be loaded, and otherwise an error wrapping [ErrPermissions] that
// names the mode, the owner and the fix. fi must describe the file itself,
// not a symbolic link to it (os.Stat, or Stat of the open file).
//
// The rule is PostgreSQL's for its private key file: the file must be
// owned by the process's user with no access for group or others (0600,
// 0400), or owned by root with at most read access for its group (0640,
// 0440), which is how a Kubernetes Secret volume with fsGroup and a
// root-managed secret file arrive. Unlike PostgreSQL, a process running as
// root also accepts a file of another user with no group or other access:
// root rotating a server's keyring with tokengen keeps the file's owner
// ([Save]). Anything readable by others (Kubernetes' default, 0644) or
// writable by group or others is refused. Windows has no such modes: there
// every file passes.
func CheckFileMode(path string, fi fs.FileInfo) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	return checkFileMode(path, fi, os.Geteuid())
}

// checkFileMode is [CheckFileMode] for a process of user self.
func checkFileMode(path string, fi fs.FileInfo, self int) error {
	perm := fi.Mode().Perm()
	owner, ok := fileOwner(fi)
	if !ok {
		owner = self // no Unix owner to check: only the mode counts
	}
	switch {
	case owner == rootUID && perm&0o037 == 0:
		return nil // root's file; its group may read it
	case (owner == self || self == rootUID) && perm&0o077 == 0:
		return nil // private to its owner
	}
	return fmt.Errorf("%w: %s has mode %04o and owner uid %d: %s; fix: %s; %s",
		ErrPermissions, path, perm, owner, modeProblem(perm, owner, self), modeFix(path, owner, self), kubernetesFix)
}

// savedMode returns the mode [Save] gives the file that replaces one
// described by old: old's own mode if the rule accepts it for its owner
// and the owner may read it (0600, 0400, and root's 0640 or 0440, so that
// a rotation by root does not lock out the group's server), else 0600.
func savedMode(old fs.FileInfo) fs.FileMode {
	perm := old.Mode().Perm()
	owner, ok := fileOwner(old)
	if !ok || perm&0o400 == 0 {
		return 0o600
	}
	if err := checkFileMode("", old, owner); err != nil {
		return 0o600
	}
	return perm
}

// modeProblem says who, besides the intended reader, can get at a file of
// mode perm and owner that [checkFileMode] refused for a process of user
// self.
func modeProblem(perm fs.FileMode, owner, self int) string {
	var who []string
	if perm&0o007 != 0 {
		who = append(who, "every user may "+access(perm))
	}
	if perm&0o070 != 0 && (owner != rootUID || perm&0o030 != 0) {
		who = append(who, "its group may "+access(perm>>3))
	}
	if owner != self && owner != rootUID && self != rootUID {
		who = append(who, fmt.Sprintf("it belongs to uid %d, not to this process's user (uid %d) or root", owner, self))
	}
	return strings.Join(who, ", ")
}

// access names the rights of the low three bits of perm.
func access(perm fs.FileMode) string {
	var rights []string
	for _, r := range []struct {
		bit  fs.FileMode
		name string
	}{{4, "read"}, {2, "change"}, {1, "execute"}} {
		if perm&r.bit != 0 {
			rights = append(rights, r.name)
		}
	}
	return strings.Join(rights, " and ") + " it"
}

// modeFix says how to make a refused file loadable by a process of user
// self.
func modeFix(path string, owner, self int) string {
	switch {
	case owner == rootUID:
		return "chmod 600 " + path + ", or chmod 640 " + path + " to let only its group read it"
	case owner == self || self == rootUID:
		return "chmod 600 " + path + " (a group-readable file must be owned by root)"
	default:
		return fmt.Sprintf("chown %d %s && chmod 600 %s, or chown root %s && chmod 640 %s", self, path, path, path, path)
	}
}
