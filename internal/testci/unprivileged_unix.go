//go:build unix

package testci

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// Nobody is the unprivileged user and group RunUnprivileged runs tests
// as: Debian's nobody and nogroup.
const Nobody = 65534

// RunUnprivileged runs the test or subtest named name (a t.Name()) again,
// alone, in a copy of this test binary as user and group Nobody, and
// fails t unless it passed there. Root reads and writes whatever the
// modes say, so a test of what a permission refuses calls it when it
// runs as root (os.Geteuid() == 0) and goes on itself otherwise; the
// child, not root, takes the other branch.
//
// The copy lives in a folder of its own, owned by Nobody: the go
// command builds test binaries under a folder only root may enter. That
// folder is also the child's working directory and TMPDIR, so the test
// must not read testdata.
func RunUnprivileged(t *testing.T, name string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatalf("RunUnprivileged(%q) called as uid %d; only root switches users", name, os.Geteuid())
	}
	dir, err := os.MkdirTemp("", "testci-nobody-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chown(dir, Nobody, Nobody); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "test.bin")
	elems := strings.Split(name, "/")
	for i, e := range elems {
		elems[i] = "^" + regexp.QuoteMeta(e) + "$"
	}
	cmd := exec.Command(bin, "-test.run="+strings.Join(elems, "/"), "-test.v", "-test.count=1")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TMPDIR="+dir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: Nobody, Gid: Nobody}}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = copyAndStart(bin, cmd)
	if err == nil {
		err = cmd.Wait()
	}
	// -test.v prints "--- PASS: name" for the test and each parent.
	if err != nil || !strings.Contains(out.String(), "--- PASS: "+name+" ") || strings.Contains(out.String(), "--- SKIP") {
		t.Fatalf("%s as uid %d: %v; want it run and passed; its output:\n%s", name, Nobody, err, out.String())
	}
}

// forking keeps the copies of the test binary apart from the forks that
// start them: a child forked while another test's copy is still open for
// writing inherits that descriptor until it execs, and the exec of that
// copy then fails with "text file busy" (ETXTBSY).
var forking sync.Mutex

// copyAndStart copies the test binary to bin and starts cmd, which runs
// it, holding forking.
func copyAndStart(bin string, cmd *exec.Cmd) error {
	forking.Lock()
	defer forking.Unlock()
	if err := copyExecutable(bin); err != nil {
		return fmt.Errorf("copying the test binary: %w", err)
	}
	return cmd.Start()
}

// copyExecutable copies the running binary to path, mode 0755.
func copyExecutable(path string) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	src, err := os.Open(self)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}
