package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"

	"github.com/sessionless/sessionless/keyring"
)

// stdioPath is the -keyring value that names the standard streams: the
// keyring is read from stdin and, by a command that changes it, written to
// stdout. This is how a keyring kept in a secret store (a Kubernetes
// Secret) is rotated through a pipe, without a file.
const stdioPath = "-"

// keyringFlags are the flags that name and load the keyring file.
type keyringFlags struct {
	path          string
	allowReadable bool
	getenv        func(string) string
}

// stdio reports whether the keyring comes from stdin (and goes to stdout).
func (k *keyringFlags) stdio() bool { return k.path == stdioPath }

// load reads the keyring named by k: the file, or stdin.
func (c *cli) load(k *keyringFlags) (*keyring.Ring, error) {
	if k.stdio() {
		return c.loadStdin()
	}
	r, err := keyring.LoadFile(k.path, keyring.LoadOptions{InsecureAllowReadable: k.allowReadable})
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, withHint(fmt.Errorf("keyring file %s does not exist", k.path), "create one with: tokengen init -keyring "+k.path)
	case errors.Is(err, keyring.ErrPermissions):
		return nil, withHint(err, "-insecure-allow-readable loads it anyway, with a warning")
	case err != nil:
		return nil, err
	}
	if fi, err := os.Stat(k.path); err == nil {
		if err := keyring.CheckFileMode(k.path, fi); err != nil {
			c.warnf("loaded anyway (-insecure-allow-readable): %v", err)
		}
	}
	return r, nil
}

// loadStdin reads the keyring document from stdin. A terminal is refused:
// the keyring comes through a pipe, never typed or pasted (it would stay in
// the terminal's scrollback).
func (c *cli) loadStdin() (*keyring.Ring, error) {
	if isTerminal(c.stdin) {
		return nil, withHint(errors.New("-keyring - reads the keyring from stdin, which is a terminal"), "pipe the keyring in, such as: kubectl get secret NAME -o jsonpath='{.data.keys\\.json}' | base64 -d | tokengen ... -keyring -")
	}
	data, err := io.ReadAll(io.LimitReader(c.stdin, keyring.MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading the keyring from stdin: %v", err)
	}
	defer clear(data)
	r, err := keyring.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("the keyring on stdin: %w", err)
	}
	return r, nil
}

// loadForUpdate is load for the commands that change the keyring: for a
// file, it holds the file's lock (lockFile) until unlock is called, after
// the save. Stdin needs no lock: the secret store that the pipe reads and
// writes is the one to serialize changes (see docs/kubernetes.md).
func (c *cli) loadForUpdate(k *keyringFlags) (r *keyring.Ring, unlock func(), err error) {
	if k.stdio() {
		r, err = c.loadStdin()
		return r, func() {}, err
	}
	unlock, err = lockFile(k.path)
	if err != nil {
		return nil, nil, err
	}
	r, err = c.load(k)
	if err != nil {
		unlock()
		return nil, nil, err
	}
	return r, unlock, nil
}

// save writes r where it was read from: it replaces the keyring file
// through [keyring.Save], which follows a symbolic link and keeps the
// file's owner (and its mode if the permission rule accepts it, else makes
// it 0600: then tokengen warns), or writes the document to stdout, and
// nothing else.
func (c *cli) save(k *keyringFlags, r *keyring.Ring) error {
	if k.stdio() {
		return c.writeStdout(r)
	}
	before, statErr := os.Stat(k.path)
	if err := keyring.Save(k.path, r); err != nil {
		return err
	}
	if statErr != nil {
		return nil
	}
	if after, err := os.Stat(k.path); err == nil && runtime.GOOS != "windows" {
		was, is := before.Mode().Perm(), after.Mode().Perm()
		if was != is && was&0o077 != 0 {
			c.warnf("%s was mode %04o and is now %04o: a server that reads it as its group or as another user can no longer load it", k.path, was, is)
		}
	}
	return nil
}

// writeStdout writes the keyring document to stdout. A terminal is
// refused: the document holds every secret.
func (c *cli) writeStdout(r *keyring.Ring) error {
	if isTerminal(c.stdout) {
		return withHint(errors.New("refusing to print the keyring, which holds its secrets, to a terminal"), "pipe it into the secret store, or redirect it to a private file")
	}
	doc, err := r.Marshal()
	if err != nil {
		return err
	}
	defer clear(doc)
	if _, err := c.stdout.Write(doc); err != nil {
		return fmt.Errorf("writing the keyring to stdout: %v", err)
	}
	return nil
}
