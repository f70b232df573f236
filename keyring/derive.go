package keyring

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"fmt"
	"time"

	"github.com/sessionless/sessionless/internal/keywrap"
)

// labelPrefix versions the HKDF label: a future format derives other keys.
const labelPrefix = "sessionless/v1/"

// MaxPurposeLen bounds purpose names, which match [A-Za-z0-9._-]{1,64}.
const MaxPurposeLen = 64

// ValidPurpose reports whether p is a valid purpose name: 1 to 64
// characters of [A-Za-z0-9._-].
func ValidPurpose(p string) bool {
	if len(p) == 0 || len(p) > MaxPurposeLen {
		return false
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

func deriveKEK(s Secret, purpose string) []byte {
	k, err := hkdf.Key(sha256.New, s.bytes(), nil, labelPrefix+purpose, 32)
	if err != nil {
		panic("keyring: HKDF failed: " + err.Error()) // only for lengths over 255·32 bytes
	}
	return k
}

// Purpose is the ring's keys derived for one purpose: what the token package
// seals and opens with. It is built once per ring and purpose and cached.
type Purpose struct {
	ring *Ring
	name string
	keys []*DerivedKey // in the ring's order: by activation, oldest first
	byID map[string]*DerivedKey
}

// Purpose returns the ring's keys derived for the purpose name, deriving
// them on the first call and caching them in the ring.
func (r *Ring) Purpose(name string) (*Purpose, error) {
	if p, ok := r.purposes.Load(name); ok {
		return p.(*Purpose), nil
	}
	if !ValidPurpose(name) {
		return nil, fmt.Errorf("keyring: invalid purpose %q: want [A-Za-z0-9._-]{1,64}", truncate(name))
	}
	p := &Purpose{ring: r, name: name, keys: make([]*DerivedKey, len(r.keys)), byID: make(map[string]*DerivedKey, len(r.keys))}
	for i, k := range r.keys {
		kek := deriveKEK(k.Secret, name)
		block, err := aes.NewCipher(kek)
		clear(kek)
		if err != nil {
			panic("keyring: " + err.Error()) // 32 bytes is always a valid AES key
		}
		d := &DerivedKey{id: k.ID, activates: k.Activates, kek: block, usage: r.usage.key(k.ID)}
		p.keys[i] = d
		p.byID[k.ID] = d
	}
	actual, _ := r.purposes.LoadOrStore(name, p)
	return actual.(*Purpose), nil
}

// Ring returns the ring p was derived from.
func (p *Purpose) Ring() *Ring { return p.ring }

// Name returns the purpose name.
func (p *Purpose) Name() string { return p.name }

// Primary returns the derived key that seals at now, or [ErrNoPrimary].
func (p *Purpose) Primary(now time.Time) (*DerivedKey, error) {
	for i := len(p.keys) - 1; i >= 0; i-- {
		if !p.keys[i].activates.After(now) {
			return p.keys[i], nil
		}
	}
	return nil, ErrNoPrimary
}

// Lookup returns the derived key with the id, or nil. Every key of the ring
// opens tokens, pending ones included.
func (p *Purpose) Lookup(id string) *DerivedKey { return p.byID[id] }

// RecordReject counts a token refused before any key was identified
// (malformed, or naming an unknown key) under reason.
func (p *Purpose) RecordReject(reason string) { p.ring.usage.rejectUnattributed(reason) }

// DerivedKey is one master key derived for one purpose: an AES-256 key
// encryption key (A256KW). It never reveals the key.
type DerivedKey struct {
	id        string
	activates time.Time
	kek       cipher.Block
	usage     *keyUsage
}

// ID returns the id of the master key.
func (k *DerivedKey) ID() string { return k.id }

// Wrap wraps the 32-byte content key cek into the 40 bytes of dst with AES
// Key Wrap (RFC 3394). scratch is 16 bytes of working space, so that nothing
// is allocated.
func (k *DerivedKey) Wrap(dst, cek, scratch []byte) { keywrap.Wrap(k.kek, dst, cek, scratch) }

// Unwrap unwraps the 40 bytes of wrapped into the 32 bytes of dst and
// reports whether the integrity check passed. scratch is 16 bytes of
// working space.
func (k *DerivedKey) Unwrap(dst, wrapped, scratch []byte) bool {
	return keywrap.Unwrap(k.kek, dst, wrapped, scratch)
}

// RecordSeal counts a token sealed under the key.
func (k *DerivedKey) RecordSeal() { k.usage.sealed.Add(1) }

// RecordOpen counts a token opened under the key.
func (k *DerivedKey) RecordOpen() { k.usage.opened.Add(1) }

// RecordReject counts a token naming the key that was refused for reason.
func (k *DerivedKey) RecordReject(reason string) { k.usage.reject(reason) }

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
