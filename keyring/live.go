package keyring

import "sync/atomic"

// Source gives the current ring. A *[Ring] is a Source that never changes;
// a *[Live] is one that is swapped by reloads.
type Source interface {
	Current() *Ring
}

// Live holds the current ring of a server and swaps it atomically: readers
// see the old ring or the new one, never a mix. A Live is safe for
// concurrent use.
type Live struct {
	cur atomic.Pointer[Ring]
}

// NewLive returns a Live holding r.
func NewLive(r *Ring) *Live {
	if r == nil {
		panic("keyring: NewLive with a nil ring")
	}
	l := &Live{}
	l.cur.Store(r)
	return l
}

// Current returns the current ring.
func (l *Live) Current() *Ring { return l.cur.Load() }

// Store makes r the current ring: Current returns r from now on.
func (l *Live) Store(r *Ring) {
	if r == nil {
		panic("keyring: Store of a nil ring")
	}
	l.cur.Store(r)
}
