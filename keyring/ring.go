package keyring

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
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

const (
	// MaxIDLen is the longest key id: ids match [A-Za-z0-9_-]{1,32}.
	MaxIDLen = 32
	// MaxKeys bounds the keys of one ring; a staged rotation keeps two or
	// three.
	MaxKeys = 256
)

// Key is one master key and its lifecycle times.
type Key struct {
	// ID names the key in every token it seals (the JWE "kid"); it matches
	// [A-Za-z0-9_-]{1,32} and is unique in its ring.
	ID string
	// Secret is the master key.
	Secret Secret
	// Created is when the key was made.
	Created time.Time
	// Activates is when the key may become primary. Before it, the key
	// already opens tokens (so servers that activated it earlier are
	// understood) but seals none.
	Activates time.Time
}

// GenerateKey returns a new key with a random id and secret, created at now
// and activating at activates.
func GenerateKey(now, activates time.Time) Key {
	var id [6]byte
	rand.Read(id[:])
	return Key{
		ID:        base64.RawURLEncoding.EncodeToString(id[:]),
		Secret:    GenerateSecret(),
		Created:   now.UTC().Truncate(time.Second),
		Activates: activates.UTC().Truncate(time.Second),
	}
}

// ValidID reports whether id is a valid key id: 1 to 32 characters of
// [A-Za-z0-9_-].
func ValidID(id string) bool {
	if len(id) == 0 || len(id) > MaxIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// Ring is an immutable set of keys and an optional revocation time. It is
// safe for concurrent use. Methods that change a ring return a new one.
type Ring struct {
	keys         []Key // sorted by Activates, then Created, then ID
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

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// quoteID quotes id for an error message if it is a valid id, which is
// never secret. Anything else might be key material typed in the wrong
// place, and is not shown.
func quoteID(id string) string {
	if ValidID(id) {
		return strconv.Quote(id)
	}
	return "(invalid id not shown)"
}

// inFileRange reports whether t can be written in the keyring file:
// RFC 3339 in UTC has four-digit years.
func inFileRange(t time.Time) bool {
	y := t.UTC().Year()
	return 1 <= y && y <= 9999
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

// State is where a key is in its lifecycle at a given time.
type State string

const (
	// StatePending keys open tokens but do not seal yet: their activation time
	// is in the future.
	StatePending State = "pending"
	// StatePrimary is the key that seals.
	StatePrimary State = "primary"
	// StateLive keys were superseded but still open tokens that may not have
	// expired yet.
	StateLive State = "live"
	// StateDroppable keys were superseded longer ago than the longest token
	// lifetime: no unexpired token can need them, and [Ring.Rotate] drops
	// them.
	StateDroppable State = "droppable"
)

// KeyState is one key's id, times and state, without its secret.
type KeyState struct {
	ID         string    `json:"id"`
	Created    time.Time `json:"created"`
	Activates  time.Time `json:"activates"`
	State      State     `json:"state"`
	Superseded time.Time `json:"superseded,omitzero"` // when its successor activated
}

// States returns every key's state at now, oldest first, given the longest
// lifetime of any token (maxTokenAge) sealed under the ring.
func (r *Ring) States(now time.Time, maxTokenAge time.Duration) []KeyState {
	p := r.primaryIndex(now)
	out := make([]KeyState, len(r.keys))
	for i, k := range r.keys {
		s := KeyState{ID: k.ID, Created: k.Created, Activates: k.Activates}
		switch {
		case p < 0 || i > p:
			s.State = StatePending
		case i == p:
			s.State = StatePrimary
		default:
			s.Superseded = r.keys[i+1].Activates
			if now.Sub(s.Superseded) > maxTokenAge {
				s.State = StateDroppable
			} else {
				s.State = StateLive
			}
		}
		out[i] = s
	}
	return out
}

// RotateResult tells what [Ring.Rotate] did.
type RotateResult struct {
	Added   KeyState // the new key
	Dropped []string // ids of the keys dropped
}

// Rotate returns a ring with a new key that activates at now+activateIn
// (a positive delay rounded up to the second, so never sooner; a zero one
// down, so at once; and no sooner than any key already active then, which
// it follows in order, so that it is the primary from that time on),
// without the keys that were already droppable at now (see [StateDroppable]).
// The primary and pending keys are never dropped. activateIn should be
// longer than the time every server takes to load the new ring; a negative
// activateIn or a maxTokenAge of zero or less is an error.
func (r *Ring) Rotate(now time.Time, activateIn, maxTokenAge time.Duration) (*Ring, RotateResult, error) {
	if activateIn < 0 {
		return nil, RotateResult{}, errors.New("keyring: rotate: negative activation delay")
	}
	if maxTokenAge <= 0 {
		return nil, RotateResult{}, errors.New("keyring: rotate: the longest token lifetime must be positive")
	}
	var res RotateResult
	keys := make([]Key, 0, len(r.keys)+1)
	for _, s := range r.States(now, maxTokenAge) {
		if s.State == StateDroppable {
			res.Dropped = append(res.Dropped, s.ID)
			continue
		}
		k, _ := r.Key(s.ID)
		keys = append(keys, k)
	}
	var k Key
	at := r.activationAt(now.Add(activateIn), "", activateIn > 0)
	for {
		k = GenerateKey(now, at)
		if _, taken := r.byID[k.ID]; !taken {
			break
		}
	}
	k.Activates = at // not truncated: at may be the fraction of a key before

	keys = append(keys, k)
	n, err := New(keys, r.revokeBefore)
	if err != nil {
		return nil, RotateResult{}, err
	}
	res.Added = KeyState{ID: k.ID, Created: k.Created, Activates: k.Activates, State: StatePending}
	if !k.Activates.After(now) {
		res.Added.State = StatePrimary
	}
	return n, res, nil
}

// Retire returns a ring without the key id: the response to a leaked key.
// Tokens it sealed stop opening at once. Retire refuses to drop the only
// key, and to leave a ring whose every key is pending (nothing could seal):
// promote a pending key first ([Ring.Promote]).
func (r *Ring) Retire(id string, now time.Time) (*Ring, error) {
	if _, ok := r.byID[id]; !ok {
		return nil, fmt.Errorf("%w %s", ErrUnknownKey, quoteID(id))
	}
	if len(r.keys) == 1 {
		return nil, fmt.Errorf("keyring: refusing to retire %q, the only key", id)
	}
	keys := slices.DeleteFunc(slices.Clone(r.keys), func(k Key) bool { return k.ID == id })
	n, err := New(keys, r.revokeBefore)
	if err != nil {
		return nil, err
	}
	if n.primaryIndex(now) < 0 {
		return nil, fmt.Errorf("keyring: refusing to retire %q: no other key is active yet (promote one first)", id)
	}
	return n, nil
}

// Promote returns a ring in which the pending key id activates at now
// (rounded down to the second, or at the activation of the key that
// activated last if that was within the same second, after which it is
// put), so it becomes primary at once unless another key activates later.
// Use it after
// a leak, when the propagation delay of a staged rotation cannot be waited
// for. Promoting the primary key returns r; promoting a superseded key is an
// error ([ErrNotPending]).
func (r *Ring) Promote(id string, now time.Time) (*Ring, error) {
	i, ok := r.byID[id]
	if !ok {
		return nil, fmt.Errorf("%w %s", ErrUnknownKey, quoteID(id))
	}
	if !r.keys[i].Activates.After(now) {
		if p := r.primaryIndex(now); p == i {
			return r, nil
		}
		return nil, fmt.Errorf("%w: key %q was superseded", ErrNotPending, id)
	}
	// The promoted key goes last, so that it wins a tie with a key that
	// activated at the same time.
	k := r.keys[i]
	k.Activates = r.activationAt(now, id, false)
	keys := append(slices.Delete(slices.Clone(r.keys), i, i+1), k)
	return New(keys, r.revokeBefore)
}

// ErrNotPending is returned by [Ring.Promote] for a key that is neither
// pending nor the primary.
var ErrNotPending = errors.New("keyring: key is not pending")

// activationAt returns want as a whole second (rounded up, or down), or the
// activation of a key (but except) already active at want if that is later
// (within the second rounded down): a key added last that activates then
// is the primary from then on, winning the tie by order, and never pending
// for a moment after it was asked to activate at once.
func (r *Ring) activationAt(want time.Time, except string, up bool) time.Time {
	want = want.UTC()
	at := want.Truncate(time.Second)
	if up && at.Before(want) {
		at = at.Add(time.Second)
	}
	for _, k := range r.keys {
		if k.ID != except && !k.Activates.After(want) && k.Activates.After(at) {
			at = k.Activates.UTC()
		}
	}
	return at
}

// WithRevokeBefore returns a ring that refuses every token issued before t.
// A zero t removes the revocation. t must lie in the years 0001 to 9999
// (UTC), so that the ring can be saved.
func (r *Ring) WithRevokeBefore(t time.Time) (*Ring, error) {
	return New(r.keys, t)
}
