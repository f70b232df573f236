//go:build unix

package main

import (
	"os"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sessionless/sessionless/internal/testci"
)

// TestKeepOwner checks that a write by root keeps the file's owner, so a
// server running as that user can still read it.
func TestKeepOwner(t *testing.T) {
	t.Parallel()
	testci.NeedRoot(t, "give the file another owner") // CI runs as root
	e := newEnv(t)
	e.now = t0
	e.fixture()
	if err := os.Chown(e.path, 4242, 4343); err != nil {
		t.Fatal(err)
	}
	check(t, "rotate", e.cmd("rotate"), 0, re(`added key .*`), "")
	fi, err := os.Stat(e.path)
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	if diff := cmp.Diff([2]uint32{4242, 4343}, [2]uint32{st.Uid, st.Gid}); diff != "" {
		t.Errorf("owner and group (-want +got):\n%s", diff)
	}
	e.checkFile()
}
