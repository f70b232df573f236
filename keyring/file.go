package keyring

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Environment variables read by [FromEnv].
const (
	EnvKeyring     = "SESSIONLESS_KEYRING"      // the keyring document itself
	EnvKeyringFile = "SESSIONLESS_KEYRING_FILE" // the path of a keyring file
)

var (
	// ErrNoKeyring is returned by [FromEnv] when neither variable is set.
	ErrNoKeyring = errors.New("keyring: neither " + EnvKeyring + " nor " + EnvKeyringFile + " is set")
)

// LoadOptions tunes how a keyring file is read. The zero value is the safe
// choice.
type LoadOptions struct {
	// InsecureAllowReadable loads a file whatever its owner and mode,
	// skipping [CheckFileMode]: a file others may read or change (such as
	// a Kubernetes Secret mounted with the default mode, 0644) is
	// otherwise refused with [ErrPermissions]. It is the escape hatch for
	// a platform that cannot deliver a private file; prefer fixing the
	// mode, which the refusal explains.
	InsecureAllowReadable bool
}

// LoadFile reads and parses the keyring file at path, following symbolic
// links. Unless opts.InsecureAllowReadable is set, a file that
// [CheckFileMode] refuses is refused with [ErrPermissions].
func LoadFile(path string, opts LoadOptions) (*Ring, error) {
	data, err := readFile(path, opts)
	if err != nil {
		return nil, err
	}
	r, err := Parse(data)
	clear(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return r, nil
}

func readFile(path string, opts LoadOptions) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("keyring: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("keyring: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("keyring: %s is not a regular file", path)
	}
	if !opts.InsecureAllowReadable {
		if err := CheckFileMode(path, fi); err != nil {
			return nil, err
		}
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("keyring: %w", err)
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%w: %s is larger than %d bytes", ErrInvalidRing, path, MaxFileSize)
	}
	return data, nil
}

// FromEnv loads the keyring from the environment: the document in
// SESSIONLESS_KEYRING, or the file named by SESSIONLESS_KEYRING_FILE. Both
// set is an error (which one was meant?); neither is [ErrNoKeyring].
func FromEnv(opts LoadOptions) (*Ring, error) {
	doc, file := os.Getenv(EnvKeyring), os.Getenv(EnvKeyringFile)
	switch {
	case doc != "" && file != "":
		return nil, fmt.Errorf("keyring: both %s and %s are set", EnvKeyring, EnvKeyringFile)
	case doc != "":
		r, err := Parse([]byte(doc))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", EnvKeyring, err)
		}
		return r, nil
	case file != "":
		return LoadFile(file, opts)
	}
	return nil, ErrNoKeyring
}

// Create writes r to a new file at path with mode 0600. It fails with an
// error matching fs.ErrExist if the file exists: a keyring is never
// overwritten by accident. The file appears whole or not at all.
func Create(path string, r *Ring) error {
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("keyring: %s: %w", path, fs.ErrExist)
	}
	tmp, err := writeTemp(path, r, nil)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	// A hard link fails if path exists (made since the check above), where
	// a rename would replace it.
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("keyring: %s: %w", path, fs.ErrExist)
		}
		return fmt.Errorf("keyring: %w", err)
	}
	syncDir(path)
	return nil
}

// Save replaces the keyring file at path with r atomically: the new content
// is written to a temporary file in the same folder, synced, and renamed
// over path, so a concurrent reader sees the old file or the new one, never
// a part. If path is a symbolic link, the file it points to is replaced.
// The file keeps its owner and group, and its mode if [CheckFileMode]
// accepts that for its owner (0600, 0400, root's 0640 or 0440); any other
// mode becomes 0600, as does a new file. If the owner cannot be kept (Save
// runs as another user without the right to chown), Save fails and leaves
// the file as it was, rather than lock out the server that reads it.
func Save(path string, r *Ring) error {
	if p, err := filepath.EvalSymlinks(path); err == nil {
		path = p // replace the file a link points to, not the link
	}
	old, _ := os.Stat(path)
	tmp, err := writeTemp(path, r, old)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("keyring: %w", err)
	}
	syncDir(path)
	return nil
}

// writeTemp writes r's document to a new file in the folder of path,
// synced and closed, and returns its name. The file has mode 0600, or, if
// old is not nil, old's owner and the mode of savedMode. On an error
// nothing is left behind.
func writeTemp(path string, r *Ring, old os.FileInfo) (name string, err error) {
	data, err := r.Marshal()
	if err != nil {
		return "", err
	}
	defer clear(data)
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*") // mode 0600
	if err != nil {
		return "", fmt.Errorf("keyring: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	mode := fs.FileMode(0o600)
	if old != nil {
		if err = keepOwner(tmp, old); err != nil {
			return "", fmt.Errorf("keyring: %s: %w", path, err)
		}
		mode = savedMode(old)
	}
	// After the chown, which may clear the mode's special bits.
	if err = tmp.Chmod(mode); err != nil {
		return "", fmt.Errorf("keyring: %w", err)
	}
	if _, err = tmp.Write(data); err != nil {
		return "", fmt.Errorf("keyring: %w", err)
	}
	if err = tmp.Sync(); err != nil {
		return "", fmt.Errorf("keyring: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return "", fmt.Errorf("keyring: %w", err)
	}
	return tmp.Name(), nil
}

// syncDir makes a new name in the folder of path durable, where the system
// supports it.
func syncDir(path string) {
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync()
		d.Close()
	}
}
