//go:build unix

package keyring

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"syscall"
	"testing"
	"time"
)

// statInfo is an fs.FileInfo whose Sys is a Stat_t of a chosen owner: the
// seam that lets a test that runs as root check files of any owner.
type statInfo struct {
	mode fs.FileMode
	sys  any
}

func (s statInfo) Name() string       { return "keys.json" }
func (s statInfo) Size() int64        { return 0 }
func (s statInfo) Mode() fs.FileMode  { return s.mode }
func (s statInfo) ModTime() time.Time { return time.Time{} }
func (s statInfo) IsDir() bool        { return false }
func (s statInfo) Sys() any           { return s.sys }

func ownedBy(uid int, mode fs.FileMode) statInfo {
	return statInfo{mode: mode, sys: &syscall.Stat_t{Uid: uint32(uid), Gid: 2000}}
}

// TestCheckFileModeOwners is docs/attacks.md C11: the rule for every owner
// a file can have (the process's user, root, another user) and every kind
// of mode, for a process of user 1000 and for a process of root.
func TestCheckFileModeOwners(t *testing.T) {
	t.Parallel()
	const self, other = 1000, 4242
	tests := []struct {
		mode fs.FileMode
		// Whether a process of user 1000 loads the file if it is owned by
		// user 1000, by root, by user 4242; and whether a process of root
		// loads it if it is owned by root, by user 4242.
		self, root, other, rootRoot, rootOther bool
	}{
		{0o600, true, true, false, true, true},
		{0o400, true, true, false, true, true},
		{0o700, true, true, false, true, true},
		{0o000, true, true, false, true, true},
		{0o640, false, true, false, true, false}, // a Kubernetes Secret with fsGroup
		{0o440, false, true, false, true, false}, // the same, defaultMode: 0440
		{0o740, false, true, false, true, false},
		{0o040, false, true, false, true, false},
		{0o644, false, false, false, false, false}, // Kubernetes' default
		{0o444, false, false, false, false, false},
		{0o604, false, false, false, false, false},
		{0o660, false, false, false, false, false},
		{0o620, false, false, false, false, false},
		{0o650, false, false, false, false, false},
		{0o610, false, false, false, false, false},
		{0o602, false, false, false, false, false},
		{0o601, false, false, false, false, false},
		{0o606, false, false, false, false, false},
		{0o666, false, false, false, false, false},
		{0o777, false, false, false, false, false},
	}
	for _, tt := range tests {
		for _, c := range []struct {
			process, owner int
			want           bool
		}{
			{self, self, tt.self},
			{self, rootUID, tt.root},
			{self, other, tt.other},
			{rootUID, rootUID, tt.rootRoot},
			{rootUID, other, tt.rootOther},
		} {
			name := fmt.Sprintf("%04o owned by %d, process %d", tt.mode, c.owner, c.process)
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				const path = "/etc/app/keys.json"
				err := checkFileMode(path, ownedBy(c.owner, tt.mode), c.process)
				if c.want {
					if err != nil {
						t.Fatalf("refused: %v", err)
					}
					return
				}
				if !errors.Is(err, ErrPermissions) {
					t.Fatalf("= %v; want an error wrapping ErrPermissions", err)
				}
				msg := err.Error()
				for _, want := range []string{path, fmt.Sprintf("mode %04o", tt.mode), fmt.Sprintf("uid %d", c.owner), "fix: ch", "defaultMode: 0440", "fsGroup"} {
					if !strings.Contains(msg, want) {
						t.Errorf("the error %q does not say %q", msg, want)
					}
				}
			})
		}
	}
}

// TestCheckFileModeMessages checks that a refusal says what is wrong and
// what to run.
func TestCheckFileModeMessages(t *testing.T) {
	t.Parallel()
	const path = "keys.json"
	tests := []struct {
		name         string
		fi           fs.FileInfo
		process      int
		problem, fix string
	}{
		{"world-readable", ownedBy(0, 0o644), 1000, "every user may read it", "chmod 600 keys.json, or chmod 640 keys.json"},
		{"group-writable root file", ownedBy(0, 0o660), 1000, "its group may read and change it", "chmod 600 keys.json, or chmod 640 keys.json to let only its group read it"},
		{"group-readable own file", ownedBy(1000, 0o640), 1000, "its group may read it", "chmod 600 keys.json (a group-readable file must be owned by root)"},
		{"world-executable", ownedBy(1000, 0o601), 1000, "every user may execute it", "chmod 600 keys.json"},
		{"another user's file", ownedBy(4242, 0o600), 1000, "it belongs to uid 4242, not to this process's user (uid 1000) or root", "chown 1000 keys.json && chmod 600 keys.json, or chown root keys.json && chmod 640 keys.json"},
		{"another user's readable file", ownedBy(4242, 0o644), 1000, "every user may read it, its group may read it, it belongs to uid 4242", "chown 1000"},
		{"no owner known", statInfo{mode: 0o640}, 1000, "its group may read it", "chmod 600 keys.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := checkFileMode(path, tt.fi, tt.process)
			if err == nil {
				t.Fatal("accepted")
			}
			for _, want := range []string{tt.problem, "fix: " + tt.fix, kubernetesFix} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("the error %q does not say %q", err, want)
				}
			}
		})
	}
	// A file with no Unix owner is judged by its mode alone.
	if err := checkFileMode(path, statInfo{mode: 0o600}, 1000); err != nil {
		t.Errorf("a 0600 file with no owner = %v; want nil", err)
	}
}

// TestSavedMode checks which modes Save keeps: those the rule accepts for
// the file's owner, if the owner may read the file.
func TestSavedMode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		fi   fs.FileInfo
		want fs.FileMode
	}{
		{ownedBy(1000, 0o600), 0o600},
		{ownedBy(1000, 0o400), 0o400},
		{ownedBy(1000, 0o700), 0o700},
		{ownedBy(0, 0o640), 0o640}, // root-managed, read by the server's group
		{ownedBy(0, 0o440), 0o440}, // the same, read-only
		{ownedBy(1000, 0o640), 0o600},
		{ownedBy(1000, 0o644), 0o600},
		{ownedBy(0, 0o644), 0o600},
		{ownedBy(0, 0o660), 0o600},
		{ownedBy(1000, 0o200), 0o600}, // the owner could not read it
		{ownedBy(1000, 0o000), 0o600},
		{statInfo{mode: 0o400}, 0o600}, // no owner known
	}
	for _, tt := range tests {
		if got := savedMode(tt.fi); got != tt.want {
			t.Errorf("savedMode(%04o owned by %v) = %04o; want %04o", tt.fi.Mode(), tt.fi.Sys(), got, tt.want)
		}
	}
}
