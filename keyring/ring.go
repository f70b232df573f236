package keyring

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"
)

var (
	// ErrNoPrimary is returned when a ring has no key whose activation time
	// has come, so nothing can be sealed.
	ErrNoPrimary = errors.New("keyring: no active key")
	// ErrInvalidRing is wrapped by every error about the contents of a ring
	// or keyring file: duplicate ids, repeated or malformed secrets, bad times.
	ErrInvalidRing = errors.New("keyring: invalid keyring")
	// ErrUnknownKey is returned by operations that name a key id the ring
	// does not have.
	ErrUnknownKey = errors.New("keyring: unknown key id")
)

// MaxKeys bounds the keys of one ring; a staged rotation keeps two or
// three.
const MaxKeys = 256

// Ring is an immutable set of keys and an optional revocation time. It is
// safe for concurrent use. Methods that change a ring return a new one.
type Ring struct {
	keys         []Key // sorted by Activates, ties in the order given
	byID         map[string]int
	revokeBefore time.Time

	purposes sync.Map // purpose name → []PurposeKey, derived on first use
}

// New returns a ring of the given keys, sorted by activation time; keys
// that activate at the same time stay in the order given, and the last of
// them is the primary. It validates every key and fails
// (wrapping [ErrInvalidRing]) on an empty set, more than [MaxKeys] keys, an
// invalid or duplicate id, a zero or repeated secret, or a zero time. A zero
// revokeBefore means no revocation.
func New(keys []Key, revokeBefore time.Time) (*Ring, error) {
	if len(keys) == 0 {
		return nil, fmt.Errorf("%w: no keys", ErrInvalidRing)
	}
	if len(keys) > MaxKeys {
		return nil, fmt.Errorf("%w: %d keys, more than %d", ErrInvalidRing, len(keys), MaxKeys)
	}
	if !revokeBefore.IsZero() && !inFileRange(revokeBefore) {
		return nil, fmt.Errorf("%w: revoke_before is outside the years 0001 to 9999 (UTC)", ErrInvalidRing)
	}
	r := &Ring{
		keys:         slices.Clone(keys),
		byID:         make(map[string]int, len(keys)),
		revokeBefore: revokeBefore,
	}
	for i, k := range r.keys {
		switch {
		case !ValidID(k.ID):
			// The id is not quoted: an invalid one may be a secret put in
			// the wrong member.
			return nil, fmt.Errorf("%w: key %d: the id does not match [A-Za-z0-9_-]{1,32}", ErrInvalidRing, i)
		case k.Secret.IsZero():
			return nil, fmt.Errorf("%w: key %q: the secret is missing or all zero", ErrInvalidRing, k.ID)
		case k.Created.IsZero():
			return nil, fmt.Errorf("%w: key %q: no created time", ErrInvalidRing, k.ID)
		case k.Activates.IsZero():
			return nil, fmt.Errorf("%w: key %q: no activates time", ErrInvalidRing, k.ID)
		case !inFileRange(k.Created), !inFileRange(k.Activates):
			return nil, fmt.Errorf("%w: key %q: a time is outside the years 0001 to 9999 (UTC)", ErrInvalidRing, k.ID)
		}
		if _, dup := r.byID[k.ID]; dup {
			return nil, fmt.Errorf("%w: duplicate key id %q", ErrInvalidRing, k.ID)
		}
		r.byID[k.ID] = i
		for _, o := range r.keys[:i] {
			if o.Secret.Equal(k.Secret) {
				return nil, fmt.Errorf("%w: keys %q and %q have the same secret", ErrInvalidRing, o.ID, k.ID)
			}
		}
	}
	// Keys that activate at the same time keep the order given, and the
	// last of them is the primary: the order of the file, which Marshal
	// writes and Parse reads back, so every server picks the same one.
	slices.SortStableFunc(r.keys, func(a, b Key) int { return a.Activates.Compare(b.Activates) })
	for i, k := range r.keys {
		r.byID[k.ID] = i
	}
	return r, nil
}

// String describes the ring by its key ids and revocation time; it never
// shows a secret.
func (r *Ring) String() string {
	if r == nil {
		return "keyring.Ring(nil)"
	}
	var b strings.Builder
	b.WriteString("keyring.Ring{keys: [")
	for i, k := range r.keys {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(k.ID)
	}
	b.WriteByte(']')
	if !r.revokeBefore.IsZero() {
		b.WriteString(", revoke_before: ")
		b.WriteString(r.revokeBefore.UTC().Format(time.RFC3339))
	}
	b.WriteByte('}')
	return b.String()
}

// Format writes [Ring.String] for every verb. Without it, fmt would print
// the unexported fields, secrets included, for %v, %+v and %#v.
func (r *Ring) Format(f fmt.State, _ rune) { io.WriteString(f, r.String()) }

// Current returns r itself, so a *Ring is a [Source] that never changes.
func (r *Ring) Current() *Ring { return r }

// Keys returns the keys in order of activation, oldest first (keys that
// activate at the same time in the order the ring was made with).
func (r *Ring) Keys() []Key { return slices.Clone(r.keys) }

// Len returns the number of keys.
func (r *Ring) Len() int { return len(r.keys) }

// Key returns the key with the given id.
func (r *Ring) Key(id string) (Key, bool) {
	i, ok := r.byID[id]
	if !ok {
		return Key{}, false
	}
	return r.keys[i], true
}

// RevokeBefore returns the time before which every token is refused, or the
// zero time.
func (r *Ring) RevokeBefore() time.Time { return r.revokeBefore }

// primaryIndex returns the index of the key with the latest activation time
// not after now (the last of a tie), or -1.
func (r *Ring) primaryIndex(now time.Time) int {
	for i := len(r.keys) - 1; i >= 0; i-- {
		if !r.keys[i].Activates.After(now) {
			return i
		}
	}
	return -1
}

// Primary returns the key that seals at now: the key with the latest
// activation time not after now, the last in order if several activated
// at that time. It returns [ErrNoPrimary] when every key
// is still pending.
func (r *Ring) Primary(now time.Time) (Key, error) {
	i := r.primaryIndex(now)
	if i < 0 {
		return Key{}, ErrNoPrimary
	}
	return r.keys[i], nil
}

// WithRevokeBefore returns a ring that refuses every token issued before t.
// A zero t removes the revocation. t must lie in the years 0001 to 9999
// (UTC), so that the ring can be saved.
func (r *Ring) WithRevokeBefore(t time.Time) (*Ring, error) {
	return New(r.keys, t)
}
