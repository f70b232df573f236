package keyring

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// MaxFileSize bounds a keyring document; a real one is under a few KiB.
const MaxFileSize = 1 << 20

// FileVersion is the version of the keyring document this package reads and
// writes.
const FileVersion = 1

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

type fileKey struct {
	ID        string    `json:"id"`
	Secret    string    `json:"secret"`
	Created   time.Time `json:"created"`
	Activates time.Time `json:"activates"`
}

type fileRing struct {
	Version      int        `json:"version"`
	Keys         []fileKey  `json:"keys"`
	RevokeBefore *time.Time `json:"revoke_before,omitempty"`
}

// Parse reads a keyring document:
//
//	{
//	  "version": 1,
//	  "keys": [
//	    {"id": "Xq3v9a", "secret": "<32 bytes, base64url>", "created": "2026-11-23T07:00:00Z", "activates": "2026-11-23T08:00:00Z"}
//	  ],
//	  "revoke_before": "2026-11-23T07:30:00Z"
//	}
//
// Secrets are 32 bytes in unpadded base64url (43 characters); times are
// RFC 3339; revoke_before is optional. Parse is strict: unknown or duplicate
// members, trailing data, another version, and everything [New] refuses are
// errors wrapping [ErrInvalidRing]; member names are case-sensitive. It
// never returns a partial ring, and its errors hold no key material.
func Parse(data []byte) (*Ring, error) {
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%w: document larger than %d bytes", ErrInvalidRing, MaxFileSize)
	}
	if err := checkDuplicates(data); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidRing, err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f fileRing
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidRing, jsonError(err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: data after the document", ErrInvalidRing)
	}
	if f.Version != FileVersion {
		return nil, fmt.Errorf("%w: version %d, want %d", ErrInvalidRing, f.Version, FileVersion)
	}
	keys := make([]Key, len(f.Keys))
	for i, fk := range f.Keys {
		// The length check comes first: the decoder skips CR and LF, so a
		// secret with line breaks would decode too (one key, many spellings).
		if len(fk.Secret) != secretB64Len {
			return nil, fmt.Errorf("%w: %s: the secret must be %d bytes in unpadded base64url (%d characters)", ErrInvalidRing, keyName(i, fk.ID), SecretSize, secretB64Len)
		}
		raw, err := base64.RawURLEncoding.Strict().DecodeString(fk.Secret)
		if err != nil || len(raw) != SecretSize {
			return nil, fmt.Errorf("%w: %s: the secret must be %d bytes in unpadded base64url (%d characters)", ErrInvalidRing, keyName(i, fk.ID), SecretSize, secretB64Len)
		}
		s, err := NewSecret(raw)
		clear(raw)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrInvalidRing, keyName(i, fk.ID), err)
		}
		keys[i] = Key{ID: fk.ID, Secret: s, Created: fk.Created, Activates: fk.Activates}
	}
	var revoke time.Time
	if f.RevokeBefore != nil {
		if f.RevokeBefore.IsZero() {
			return nil, fmt.Errorf("%w: revoke_before is the zero time", ErrInvalidRing)
		}
		if !inFileRange(*f.RevokeBefore) {
			return nil, fmt.Errorf("%w: revoke_before is outside the years 0001 to 9999 (UTC)", ErrInvalidRing)
		}
		revoke = *f.RevokeBefore
	}
	return New(keys, revoke)
}

// secretB64Len is the length of a secret in unpadded base64url.
var secretB64Len = base64.RawURLEncoding.EncodedLen(SecretSize)

// keyName names the i-th key of a document in an error: by its id if that
// is valid, else by its index (an invalid id may be a misplaced secret).
func keyName(i int, id string) string {
	if ValidID(id) {
		return fmt.Sprintf("key %q", id)
	}
	return fmt.Sprintf("key %d", i)
}

// memberNames are the member names of a keyring document, at any level.
var memberNames = map[string]bool{
	"version": true, "keys": true, "revoke_before": true,
	"id": true, "secret": true, "created": true, "activates": true,
}

// jsonError strips what encoding/json quotes of the input: a syntax or type
// error could otherwise echo part of a secret.
func jsonError(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("JSON syntax error at byte %d", se.Offset)
	case errors.As(err, &te):
		return fmt.Sprintf("member %q has the wrong type", te.Field)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "truncated document"
	case strings.HasPrefix(err.Error(), "json: unknown field"):
		return strings.TrimPrefix(err.Error(), "json: ")
	default:
		var pe *time.ParseError
		if errors.As(err, &pe) {
			return "a time is not in RFC 3339 format"
		}
		return "malformed document"
	}
}

// checkDuplicates walks the document and fails on an object with the same
// member twice, which encoding/json would silently merge, and on a member
// name that is not exactly one of memberNames: encoding/json matches names
// case-insensitively (with Unicode folding: "Secret", "SECRET" and "ſecret"
// all fill "secret"), which would let two spellings of one member through.
// Unknown names are not echoed: they could be misplaced key material.
func checkDuplicates(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	type frame struct {
		obj     bool
		wantKey bool
		seen    map[string]bool
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return errors.New(jsonError(err))
		}
		if n := len(stack); n > 0 && stack[n-1].obj && stack[n-1].wantKey {
			top := stack[n-1]
			if tok == json.Delim('}') {
				stack = stack[:n-1]
			} else {
				k, _ := tok.(string)
				if !memberNames[k] {
					return errors.New("unknown member (names are case-sensitive)")
				}
				if top.seen[k] {
					return fmt.Errorf("member %q appears twice", k)
				}
				top.seen[k] = true
				top.wantKey = false
				continue
			}
		} else {
			switch tok {
			case json.Delim('{'), json.Delim('['):
				if len(stack) >= 16 {
					return errors.New("document nested too deeply")
				}
				stack = append(stack, &frame{obj: tok == json.Delim('{'), wantKey: true, seen: map[string]bool{}})
				continue
			case json.Delim(']'):
				stack = stack[:len(stack)-1]
			}
		}
		// A value is complete: the enclosing object wants its next key.
		if n := len(stack); n > 0 && stack[n-1].obj {
			stack[n-1].wantKey = true
		}
	}
}

// Marshal returns the ring as a keyring document (see [Parse]), keys in
// order of activation. The document holds every secret: write it only to a
// file of mode 0600 ([Save], [Create]).
func (r *Ring) Marshal() ([]byte, error) {
	f := fileRing{Version: FileVersion, Keys: make([]fileKey, len(r.keys))}
	for i, k := range r.keys {
		f.Keys[i] = fileKey{
			ID:        k.ID,
			Secret:    base64.RawURLEncoding.EncodeToString(k.Secret.bytes()),
			Created:   k.Created.UTC(),
			Activates: k.Activates.UTC(),
		}
	}
	if !r.revokeBefore.IsZero() {
		t := r.revokeBefore.UTC()
		f.RevokeBefore = &t
	}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
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
	data, err := r.Marshal()
	if err != nil {
		return err
	}
	defer clear(data)
	return writeAtomic(path, data, true)
}

// Save replaces the keyring file at path with r atomically: the new content
// is written to a temporary file in the same folder with mode 0600, synced,
// and renamed over path, so a concurrent reader sees the old file or the new
// one, never a part. If path is a symbolic link, the file it points to is
// replaced. The file keeps its owner and group; if the owner cannot be kept
// (Save runs as another user without the right to chown), Save fails and
// leaves the file as it was, rather than lock out the server that reads it.
func Save(path string, r *Ring) error {
	data, err := r.Marshal()
	if err != nil {
		return err
	}
	defer clear(data)
	return writeAtomic(path, data, false)
}

func writeAtomic(path string, data []byte, exclusive bool) (err error) {
	var old os.FileInfo
	if !exclusive {
		// Replace the file a symbolic link points to, not the link, and
		// keep the file's owner: a server running as that owner must
		// still read the new file of mode 0600.
		if p, err := filepath.EvalSymlinks(path); err == nil {
			path = p
		}
		old, _ = os.Stat(path)
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if exclusive {
		if _, err := os.Lstat(path); err == nil {
			return fmt.Errorf("keyring: %s: %w", path, fs.ErrExist)
		}
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*") // mode 0600
	if err != nil {
		return fmt.Errorf("keyring: %w", err)
	}
	name := tmp.Name()
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(name)
		}
	}()
	if err = tmp.Chmod(0o600); err != nil {
		return fmt.Errorf("keyring: %w", err)
	}
	if old != nil {
		if err = keepOwner(tmp, old); err != nil {
			return fmt.Errorf("keyring: %s: %w", path, err)
		}
	}
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("keyring: %w", err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("keyring: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("keyring: %w", err)
	}
	if exclusive {
		// A hard link fails if path exists, where a rename would replace it.
		if err = os.Link(name, path); err != nil {
			if errors.Is(err, fs.ErrExist) {
				err = fmt.Errorf("keyring: %s: %w", path, fs.ErrExist)
			} else {
				err = fmt.Errorf("keyring: %w", err)
			}
			return err
		}
		os.Remove(name)
	} else if err = os.Rename(name, path); err != nil {
		return fmt.Errorf("keyring: %w", err)
	}
	if d, derr := os.Open(dir); derr == nil {
		d.Sync() // make the rename durable; not supported everywhere
		d.Close()
	}
	return nil
}
