package token

import (
	"cmp"
	"encoding/json"
	"expvar"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/sessionless/sessionless/keyring"
)

// Usage is a [keyring.Source] that counts, per key id, the tokens that the
// codecs built on it seal, open and refuse (by reason): the figures that
// tell an operator when an old key is no longer used (its Opened count
// stops growing). Wrap the application's Source once and build every
// codec (or remember.Manager) on the Usage; codecs built on the plain
// Source count nothing and pay nothing for it.
//
// The figures belong to the Usage, not to a ring, so they carry over every
// ring a [keyring.Live] swaps in. A Usage is safe for concurrent use;
// counting is an atomic add, and refusing garbage allocates nothing.
type Usage struct {
	src          keyring.Source
	keys         sync.Map // key id → *keyUsage
	unattributed counters // refusals before a key was identified
}

// NewUsage returns a Usage that counts the tokens sealed and opened under
// the rings of src.
func NewUsage(src keyring.Source) *Usage {
	if src == nil {
		panic("token: NewUsage of a nil Source")
	}
	return &Usage{src: src}
}

// Current returns the current ring of the wrapped Source.
func (u *Usage) Current() *keyring.Ring { return u.src.Current() }

// keyUsage counts the tokens of one key id.
type keyUsage struct {
	sealed, opened atomic.Uint64
	rejected       counters
}

// key returns the counters of the key id, or nil if u is nil.
func (u *Usage) key(id string) *keyUsage {
	if u == nil {
		return nil
	}
	if v, ok := u.keys.Load(id); ok {
		return v.(*keyUsage)
	}
	v, _ := u.keys.LoadOrStore(id, new(keyUsage))
	return v.(*keyUsage)
}

func (u *Usage) reject(r Reason) {
	if u != nil {
		u.unattributed.add(r)
	}
}

func (k *keyUsage) seal() {
	if k != nil {
		k.sealed.Add(1)
	}
}

func (k *keyUsage) open() {
	if k != nil {
		k.opened.Add(1)
	}
}

func (k *keyUsage) reject(r Reason) {
	if k != nil {
		k.rejected.add(r)
	}
}

// counters is a set of counters by reason: a copy-on-write map, so that
// counting is one atomic load, a map lookup and one atomic add (a sync.Map
// would box the key).
type counters struct {
	m  atomic.Pointer[map[Reason]*atomic.Uint64]
	mu sync.Mutex // serialises adding a reason
}

func (c *counters) add(r Reason) {
	if m := c.m.Load(); m != nil {
		if v := (*m)[r]; v != nil {
			v.Add(1)
			return
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	n := make(map[Reason]*atomic.Uint64, 8)
	if old := c.m.Load(); old != nil {
		for k, v := range *old {
			n[k] = v
		}
	}
	if n[r] == nil {
		n[r] = new(atomic.Uint64)
	}
	n[r].Add(1)
	c.m.Store(&n)
}

func (c *counters) snapshot() map[Reason]uint64 {
	out := map[Reason]uint64{}
	if m := c.m.Load(); m != nil {
		for k, v := range *m {
			out[k] = v.Load()
		}
	}
	return out
}

// UsageStats is a snapshot of a [Usage]: how many tokens each key sealed
// and opened, and how many naming it were refused, by reason.
type UsageStats struct {
	// Keys has one entry per key id counted since the Usage was made or in
	// the current ring, ordered by id.
	Keys []KeyUsage `json:"keys"`
	// Rejected counts tokens refused before any key was identified, by
	// reason (malformed, unknown_key).
	Rejected map[Reason]uint64 `json:"rejected"`
}

// KeyUsage is the usage of one key id.
type KeyUsage struct {
	ID       string            `json:"id"`
	InRing   bool              `json:"in_ring"` // the key is in the current ring
	Sealed   uint64            `json:"sealed"`
	Opened   uint64            `json:"opened"`
	Rejected map[Reason]uint64 `json:"rejected"` // by reason: bad_tag, expired, ...
}

// Stats returns a snapshot of the figures.
func (u *Usage) Stats() UsageStats {
	r := u.Current()
	s := UsageStats{Rejected: u.unattributed.snapshot()}
	seen := map[string]bool{}
	u.keys.Range(func(k, v any) bool {
		id, ku := k.(string), v.(*keyUsage)
		seen[id] = true
		_, in := r.Key(id)
		s.Keys = append(s.Keys, KeyUsage{ID: id, InRing: in, Sealed: ku.sealed.Load(), Opened: ku.opened.Load(), Rejected: ku.rejected.snapshot()})
		return true
	})
	for _, k := range r.Keys() {
		if !seen[k.ID] {
			s.Keys = append(s.Keys, KeyUsage{ID: k.ID, InRing: true, Rejected: map[Reason]uint64{}})
		}
	}
	slices.SortFunc(s.Keys, func(a, b KeyUsage) int { return cmp.Compare(a.ID, b.ID) })
	return s
}

// String returns the figures as JSON, as expvar shows them.
func (s UsageStats) String() string {
	b, _ := json.Marshal(s)
	return string(b)
}

var publishMu sync.Mutex

// Publish makes the figures visible through the standard library's expvar
// (at /debug/vars when expvar's handler is served) under name, as the JSON
// of [UsageStats]. It fails if name is already published.
func (u *Usage) Publish(name string) error {
	publishMu.Lock()
	defer publishMu.Unlock()
	if expvar.Get(name) != nil {
		return fmt.Errorf("token: expvar %q is already published", name)
	}
	expvar.Publish(name, expvar.Func(func() any { return u.Stats() }))
	return nil
}
