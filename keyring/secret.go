package keyring

import (
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
)

// SecretSize is the size of a master key: 256 bits.
const SecretSize = 32

const redacted = "keyring.Secret(REDACTED)"

// Secret is a 32-byte master key. Its zero value is not a valid key.
//
// A Secret cannot be compared with == (use [Secret.Equal], which runs in
// constant time) and never reveals its bytes through fmt, slog or
// encoding/json; the only way out is the keyring file ([Ring.Marshal]).
type Secret struct {
	_ [0]func() // incomparable: == on secrets would not be constant time
	// The key is two pointers away because fmt cannot call Format on a
	// Secret in an unexported field and prints its fields instead: an
	// array would show the key, a nested pointer only its address. (A bad
	// verb such as %s makes fmt follow one pointer, hence two.) The array
	// is never written after it is filled.
	h *secretHolder
}

type secretHolder struct{ k *[SecretSize]byte }

func newSecret() Secret { return Secret{h: &secretHolder{k: new([SecretSize]byte)}} }

var zeroSecret [SecretSize]byte

// bytes returns the key; the zero Secret reads as zeros. Never write to it.
func (s Secret) bytes() []byte {
	if s.h == nil {
		return zeroSecret[:]
	}
	return s.h.k[:]
}

// NewSecret returns a Secret holding a copy of b, which must be SecretSize
// bytes and not all zero.
func NewSecret(b []byte) (Secret, error) {
	if len(b) != SecretSize {
		return Secret{}, fmt.Errorf("keyring: a secret must be %d bytes, not %d", SecretSize, len(b))
	}
	s := newSecret()
	copy(s.h.k[:], b)
	if s.IsZero() {
		return Secret{}, errors.New("keyring: a secret must not be all zero")
	}
	return s, nil
}

// GenerateSecret returns a new Secret from crypto/rand.
func GenerateSecret() Secret {
	s := newSecret()
	rand.Read(s.h.k[:]) // crypto/rand.Read never fails (Go 1.24+); it crashes the program instead.
	return s
}

// IsZero reports whether s is the zero Secret, which is not a valid key.
func (s Secret) IsZero() bool {
	return subtle.ConstantTimeCompare(s.bytes(), zeroSecret[:]) == 1
}

// Equal reports whether s and o are the same key, in constant time.
func (s Secret) Equal(o Secret) bool {
	return subtle.ConstantTimeCompare(s.bytes(), o.bytes()) == 1
}

// String returns a redaction, never the key.
func (Secret) String() string { return redacted }

// GoString returns a redaction, never the key.
func (Secret) GoString() string { return redacted }

// Format writes a redaction for every verb, so %x, %v and %#v show no key.
func (Secret) Format(f fmt.State, _ rune) { f.Write([]byte(redacted)) }

// LogValue makes slog print a redaction.
func (Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalJSON refuses to encode the key, so a Secret never leaks into a log
// or an API response by accident. The keyring file is written by
// [Ring.Marshal].
func (Secret) MarshalJSON() ([]byte, error) {
	return nil, errors.New("keyring: refusing to encode a secret as JSON")
}

// MarshalText refuses to encode the key, like [Secret.MarshalJSON].
func (Secret) MarshalText() ([]byte, error) {
	return nil, errors.New("keyring: refusing to encode a secret as text")
}
