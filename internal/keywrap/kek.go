package keywrap

import (
	"crypto/aes"
	"crypto/cipher"
	"fmt"
	"io"
	"log/slog"
)

// KEK is an AES-256 key encryption key (A256KW) with its key schedule
// built once: the key the keyring derives per master key and purpose, with
// which the token package wraps and unwraps content keys. It never prints:
// every fmt verb and slog show a redaction.
type KEK struct{ block cipher.Block }

// NewKEK returns the KEK of a 32-byte key. The caller may clear key after.
func NewKEK(key []byte) (*KEK, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("keywrap: a KEK has 32 bytes, not %d", len(key))
	}
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return &KEK{block: b}, nil
}

// Wrap wraps the 32-byte content key cek into the 40 bytes of dst; scratch
// is ScratchSize bytes of working space, so that nothing is allocated.
func (k *KEK) Wrap(dst, cek, scratch []byte) { Wrap(k.block, dst, cek, scratch) }

// Unwrap unwraps the 40 bytes of wrapped into the 32 bytes of dst and
// reports whether the integrity check passed (dst is zeroed if not).
func (k *KEK) Unwrap(dst, wrapped, scratch []byte) bool {
	return Unwrap(k.block, dst, wrapped, scratch)
}

const redacted = "keywrap.KEK(REDACTED)"

// String returns a redaction.
func (k *KEK) String() string { return redacted }

// GoString returns a redaction.
func (k *KEK) GoString() string { return redacted }

// Format writes a redaction for every verb.
func (k *KEK) Format(f fmt.State, _ rune) { io.WriteString(f, redacted) }

// LogValue returns a redaction.
func (k *KEK) LogValue() slog.Value { return slog.StringValue(redacted) }
