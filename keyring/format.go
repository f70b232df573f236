package keyring

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// MaxFileSize bounds a keyring document; a real one is under a few KiB.
const MaxFileSize = 1 << 20

// FileVersion is the version of the keyring document this package reads and
// writes.
const FileVersion = 1

// fileKey and fileRing are the keyring document. Their member names are
// matched exactly ([Parse]).
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

// strictDecoding refuses a member the document does not define. Member
// names match case-sensitively and a name given twice is an error, as
// go-json-experiment does by default: encoding/json would let "Secret",
// "SECRET" or "ſecret" fill "secret", and the last of two "secret"s win.
var strictDecoding = jsonv2.RejectUnknownMembers(true)

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
	dec := jsontext.NewDecoder(bytes.NewReader(data))
	var f fileRing
	if err := jsonv2.UnmarshalDecode(dec, &f, strictDecoding); err != nil {
		return nil, fmt.Errorf("%w: %s", ErrInvalidRing, decodeError(err))
	}
	if dec.PeekKind() != jsontext.KindInvalid || !errors.Is(dec.SkipValue(), io.EOF) {
		return nil, fmt.Errorf("%w: data after the document", ErrInvalidRing)
	}
	if f.Version != FileVersion {
		return nil, fmt.Errorf("%w: version %d, want %d", ErrInvalidRing, f.Version, FileVersion)
	}
	keys := make([]Key, len(f.Keys))
	for i, fk := range f.Keys {
		k, err := fk.key(i)
		if err != nil {
			return nil, err
		}
		keys[i] = k
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

// key returns the i-th key of a document, its secret decoded; [New]
// checks the rest.
func (fk fileKey) key(i int) (Key, error) {
	// The length check comes first: the decoder skips CR and LF, so a
	// secret with line breaks would decode too (one key, many spellings).
	if len(fk.Secret) != secretB64Len {
		return Key{}, fmt.Errorf("%w: %s: the secret must be %d bytes in unpadded base64url (%d characters)", ErrInvalidRing, keyName(i, fk.ID), SecretSize, secretB64Len)
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(fk.Secret)
	if err != nil || len(raw) != SecretSize {
		return Key{}, fmt.Errorf("%w: %s: the secret must be %d bytes in unpadded base64url (%d characters)", ErrInvalidRing, keyName(i, fk.ID), SecretSize, secretB64Len)
	}
	s, err := NewSecret(raw)
	clear(raw)
	if err != nil {
		return Key{}, fmt.Errorf("%w: %s: %v", ErrInvalidRing, keyName(i, fk.ID), err)
	}
	return Key{ID: fk.ID, Secret: s, Created: fk.Created, Activates: fk.Activates}, nil
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

// decodeError describes an error of the strict decoder without what the
// decoder quotes of the input (a character, a member name, a value), any
// of which could be part of a secret. A member is named only if the
// document defines it: an unknown name could be misplaced key material.
func decodeError(err error) string {
	var syn *jsontext.SyntacticError
	var sem *jsonv2.SemanticError
	var pe *time.ParseError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "truncated document"
	case errors.Is(err, jsonv2.ErrUnknownName):
		return "unknown member (names are case-sensitive)"
	case errors.As(err, &syn) && errors.Is(err, jsontext.ErrDuplicateName):
		return fmt.Sprintf("member %s appears twice", memberName(syn.JSONPointer))
	case errors.As(err, &syn):
		// The offset of the bad byte, counted from 0.
		return fmt.Sprintf("JSON syntax error at byte %d", syn.ByteOffset)
	case errors.As(err, &pe):
		return "a time is not in RFC 3339 format"
	case errors.As(err, &sem):
		return fmt.Sprintf("%s has the wrong type", memberName(sem.JSONPointer))
	}
	return "malformed document"
}

// memberName names the member at p for an error. The decoder reaches a
// member only if the document defines its name (an unknown one is an error
// first), so the name is one of the document's own; it is still quoted only
// if it looks like one, never if it could be a secret.
func memberName(p jsontext.Pointer) string {
	if p == "" {
		return "the document"
	}
	name := p.LastToken()
	if i, err := strconv.Atoi(name); err == nil {
		return fmt.Sprintf("key %d", i)
	}
	if len(name) > 16 || strings.Trim(name, "abcdefghijklmnopqrstuvwxyz_") != "" {
		return "a member"
	}
	return fmt.Sprintf("member %q", name)
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
