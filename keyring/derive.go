package keyring

import (
	"crypto/hkdf"
	"crypto/sha256"
	"fmt"
	"slices"
	"time"

	"github.com/sessionless/sessionless/internal/keywrap"
)

// labelPrefix versions the HKDF label: a future format derives other keys.
const labelPrefix = "sessionless/v1/"

// maxPurposeLen bounds purpose names, which match [A-Za-z0-9._-]{1,64}.
const maxPurposeLen = 64

// ValidPurpose reports whether p is a valid purpose name: 1 to 64
// characters of [A-Za-z0-9._-].
func ValidPurpose(p string) bool { return validName(p, maxPurposeLen, "._-") }

func deriveKEK(s Secret, purpose string) []byte {
	k, err := hkdf.Key(sha256.New, s.bytes(), nil, labelPrefix+purpose, 32)
	if err != nil {
		panic("keyring: HKDF failed: " + err.Error()) // only for lengths over 255·32 bytes
	}
	return k
}

// PurposeKey is one master key derived for one purpose: the key
// encryption key (A256KW) that the token package seals and opens that
// purpose's tokens with. The KEK never prints.
type PurposeKey struct {
	ID        string       // the master key's id (the tokens' kid)
	Activates time.Time    // when the master key becomes primary
	KEK       *keywrap.KEK // the derived key, ready to wrap and unwrap
}

// PurposeKeys returns the ring's keys derived for purpose, in order of
// activation, oldest first: the last one not activating after a time is
// the primary then ([Ring.Primary]); every one opens tokens. They are
// derived on the first call for a purpose and kept in the ring.
func (r *Ring) PurposeKeys(purpose string) ([]PurposeKey, error) {
	if p, ok := r.purposes.Load(purpose); ok {
		return slices.Clone(p.([]PurposeKey)), nil
	}
	if !ValidPurpose(purpose) {
		return nil, fmt.Errorf("keyring: invalid purpose %q: want [A-Za-z0-9._-]{1,64}", truncate(purpose))
	}
	keys := make([]PurposeKey, len(r.keys))
	for i, k := range r.keys {
		kek := deriveKEK(k.Secret, purpose)
		w, err := keywrap.NewKEK(kek)
		clear(kek)
		if err != nil {
			panic("keyring: " + err.Error()) // 32 bytes is always a valid AES key
		}
		keys[i] = PurposeKey{ID: k.ID, Activates: k.Activates, KEK: w}
	}
	p, _ := r.purposes.LoadOrStore(purpose, keys)
	return slices.Clone(p.([]PurposeKey)), nil
}

// UnsafeExportPurposeKey returns the 32-byte A256KW key that the key id
// derives for purpose, for another JOSE implementation that must open or
// seal the same tokens. It is as secret as the master key; never log it.
func (r *Ring) UnsafeExportPurposeKey(id, purpose string) ([]byte, error) {
	k, ok := r.Key(id)
	if !ok {
		return nil, fmt.Errorf("%w %s", ErrUnknownKey, quoteID(id))
	}
	if !ValidPurpose(purpose) {
		return nil, fmt.Errorf("keyring: invalid purpose %q", truncate(purpose))
	}
	return deriveKEK(k.Secret, purpose), nil
}
