//go:build unix

package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// lockWait is how long a command waits for another tokengen to finish
// changing the same keyring file.
var lockWait = 10 * time.Second

// lockFile takes the lock of the keyring file at path for a
// read-modify-write: an exclusive flock(2) on path+".lock" beside the file
// (the file itself is replaced by each write, so it cannot carry the lock).
// Two operators rotating at the same moment then both get their key; the
// second reads the file the first wrote. The lock file stays (empty, mode
// 0600); the kernel drops the lock when the process ends, however it ends.
func lockFile(path string) (unlock func(), err error) {
	if p, err := filepath.EvalSymlinks(path); err == nil {
		path = p // the file Save replaces, whatever link names it
	}
	f, err := os.OpenFile(path+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("locking the keyring file: %w", err)
	}
	deadline := time.Now().Add(lockWait)
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() { f.Close() }, nil // closing releases the lock
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) || time.Now().After(deadline) {
			f.Close()
			if errors.Is(err, syscall.EWOULDBLOCK) {
				return nil, withHint(fmt.Errorf("another tokengen has been changing %s for %v", path, lockWait), "wait for it to finish and run this command again")
			}
			return nil, fmt.Errorf("locking the keyring file: %w", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
