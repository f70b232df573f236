//go:build unix

package main

import (
	"bytes"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"
)

// TestConcurrentRotate: operators who rotate the same keyring at the same
// moment (here 6 processes of the binary) each get their key; without
// the lock, the last rename would win and drop the others' keys.
func TestConcurrentRotate(t *testing.T) {
	t.Parallel()
	if binPath == "" {
		t.Skip("the binary is not built when fuzzing")
	}
	e := newEnv(t)
	check(t, "init", e.cmd("init"), 0, re(`created .*\n`), "")
	const n = 6
	var wg sync.WaitGroup
	outs := make([]string, n)
	for i := range n {
		wg.Go(func() {
			cmd := exec.Command(binPath, "rotate", "-keyring", e.path, "-activate-in", "1h")
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Run(); err != nil {
				t.Errorf("rotate %d: %v\n%s", i, err, out.String())
			}
			outs[i] = out.String()
		})
	}
	wg.Wait()
	r := e.checkFile()
	if got := r.Len(); got != n+1 {
		t.Errorf("after %d concurrent rotations the ring has %d keys; want %d\noutputs: %q", n, got, n+1, outs)
	}
}

// TestLockHeld: a command that changes the file waits for another that
// holds the lock, and fails clearly (exit 1, file unchanged) when that
// one does not finish; reading commands do not wait.
func TestLockHeld(t *testing.T) {
	// Not parallel: it shortens lockWait for every command.
	defer func(d time.Duration) { lockWait = d }(lockWait)
	lockWait = time.Millisecond // no real wait: the lock is held throughout
	e := newEnv(t)
	e.now = t0
	e.fixture()
	before := e.readFile()
	unlock, err := lockFile(e.path)
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"rotate"}, {"promote", "-kid", "pending"}, {"retire", "-kid", "old"}, {"revoke"},
	} {
		check(t, args[0]+" while locked", e.cmd(args[0], args[1:]...), 1, "",
			re(`tokengen: error: another tokengen has been changing .*keyring.json for 1ms\ntokengen: hint: wait for it to finish and run this command again\n`))
	}
	if !bytes.Equal(e.readFile(), before) {
		t.Errorf("the file changed while another command held the lock")
	}
	check(t, "list while locked", e.cmd("list"), 0, re(`ID .*`), "")

	// A lock released within the wait is taken.
	lockWait = 10 * time.Second
	time.AfterFunc(30*time.Millisecond, unlock) // after the first try, within the wait
	check(t, "rotate after unlock", e.cmd("rotate"), 0, re(`added key .*`), "")
	if _, err := os.Stat(e.path + ".lock"); err != nil {
		t.Errorf("lock file: %v", err)
	}
}

// TestLockFileUnusable: a lock file that cannot be opened (here a folder
// in its place) stops a changing command with exit 1 and the reason,
// before the keyring file is touched.
func TestLockFileUnusable(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.now = t0
	e.fixture()
	before := e.readFile()
	if err := os.Mkdir(e.path+".lock", 0o700); err != nil {
		t.Fatal(err)
	}
	check(t, "rotate", e.cmd("rotate"), 1, "", re(`tokengen: error: locking the keyring file: open .*keyring.json.lock: is a directory\n`))
	if !bytes.Equal(e.readFile(), before) {
		t.Errorf("the file changed although its lock could not be taken")
	}
}
