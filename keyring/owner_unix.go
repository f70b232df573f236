//go:build unix

package keyring

import (
	"fmt"
	"os"
	"syscall"
)

// keepOwner gives tmp the owner and group of the file old describes. It
// fails only if the owner differs and cannot be set; a group that cannot be
// kept does not matter at mode 0600.
func keepOwner(tmp *os.File, old os.FileInfo) error {
	st, ok := old.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	fi, err := tmp.Stat()
	if err != nil {
		return err
	}
	cur, ok := fi.Sys().(*syscall.Stat_t)
	if !ok || cur.Uid == st.Uid && cur.Gid == st.Gid {
		return nil
	}
	if err := tmp.Chown(int(st.Uid), int(st.Gid)); err != nil {
		if err := tmp.Chown(int(st.Uid), -1); err != nil && cur.Uid != st.Uid {
			return fmt.Errorf("the file is owned by user %d, and user %d cannot give the new file that owner: run as user %d or root", st.Uid, cur.Uid, st.Uid)
		}
	}
	return nil
}

// fileOwner returns the user id of the file fi describes, if it has one.
func fileOwner(fi os.FileInfo) (int, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return int(st.Uid), true
}
