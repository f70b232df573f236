package keyring

import (
	"cmp"
	"encoding/json"
	"expvar"
	"fmt"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
)

// usage counts, per key id, the tokens sealed, opened and refused. It is
// shared by the successive rings of a [Live], so the figures survive reloads.
type usage struct {
	keys         sync.Map // id → *keyUsage
	unattributed counters
}

type keyUsage struct {
	sealed, opened atomic.Uint64
	rejected       counters
}

// counters is a set of counters by reason: a copy-on-write map, so that
// counting is one atomic load, a map lookup and one atomic add, and
// refusing garbage allocates nothing (a sync.Map would box the key).
type counters struct {
	m  atomic.Pointer[map[string]*atomic.Uint64]
	mu sync.Mutex // serialises adding a reason
}

func (c *counters) add(reason string) {
	if m := c.m.Load(); m != nil {
		if v := (*m)[reason]; v != nil {
			v.Add(1)
			return
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.m.Load()
	n := make(map[string]*atomic.Uint64, 8)
	if old != nil {
		for k, v := range *old {
			n[k] = v
		}
	}
	v := n[reason]
	if v == nil {
		v = new(atomic.Uint64)
		n[reason] = v
	}
	v.Add(1)
	c.m.Store(&n)
}

func (c *counters) snapshot() map[string]uint64 {
	out := map[string]uint64{}
	if m := c.m.Load(); m != nil {
		for k, v := range *m {
			out[k] = v.Load()
		}
	}
	return out
}

func newUsage() *usage { return &usage{} }

func (u *usage) key(id string) *keyUsage {
	if v, ok := u.keys.Load(id); ok {
		return v.(*keyUsage)
	}
	v, _ := u.keys.LoadOrStore(id, new(keyUsage))
	return v.(*keyUsage)
}

func (k *keyUsage) reject(reason string)     { k.rejected.add(reason) }
func (u *usage) rejectUnattributed(r string) { u.unattributed.add(r) }

// Stats is a snapshot of the key-usage figures: how many tokens each key
// sealed and opened and how many naming it were refused, by reason. An
// operator drops an old key once its Opened count stops growing.
type Stats struct {
	// Keys has one entry per key id seen since the figures began, ordered
	// by id; InRing tells whether the key is still in the current ring.
	Keys []KeyStats `json:"keys"`
	// Rejected counts tokens refused before any key was identified, by
	// reason (malformed, unknown key).
	Rejected map[string]uint64 `json:"rejected"`
}

// KeyStats is the usage of one key.
type KeyStats struct {
	ID       string            `json:"id"`
	InRing   bool              `json:"in_ring"`
	Sealed   uint64            `json:"sealed"`
	Opened   uint64            `json:"opened"`
	Rejected map[string]uint64 `json:"rejected"`
}

func (u *usage) snapshot(r *Ring) Stats {
	s := Stats{Rejected: u.unattributed.snapshot()}
	seen := map[string]bool{}
	u.keys.Range(func(k, v any) bool {
		id, ku := k.(string), v.(*keyUsage)
		seen[id] = true
		_, in := r.byID[id]
		s.Keys = append(s.Keys, KeyStats{ID: id, InRing: in, Sealed: ku.sealed.Load(), Opened: ku.opened.Load(), Rejected: ku.rejected.snapshot()})
		return true
	})
	for _, id := range slices.Sorted(maps.Keys(r.byID)) {
		if !seen[id] {
			s.Keys = append(s.Keys, KeyStats{ID: id, InRing: true, Rejected: map[string]uint64{}})
		}
	}
	slices.SortFunc(s.Keys, func(a, b KeyStats) int { return cmp.Compare(a.ID, b.ID) })
	return s
}

// Stats returns a snapshot of the key-usage figures of tokens sealed and
// opened with this ring (and, for a ring of a [Live], with its predecessors).
func (r *Ring) Stats() Stats { return r.usage.snapshot(r) }

// publish registers a function under name with expvar.
func publish(name string, f func() Stats) error {
	if expvar.Get(name) != nil {
		return fmt.Errorf("keyring: expvar %q is already published", name)
	}
	expvar.Publish(name, expvar.Func(func() any { return f() }))
	return nil
}

// String returns the figures as JSON, as expvar shows them.
func (s Stats) String() string {
	b, _ := json.Marshal(s)
	return string(b)
}
