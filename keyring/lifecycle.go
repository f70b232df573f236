package keyring

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// Stage is where a key is in its lifecycle at a given time: pending,
// primary, live, then droppable.
type Stage string

const (
	// StagePending keys open tokens but do not seal yet: their activation time
	// is in the future.
	StagePending Stage = "pending"
	// StagePrimary is the key that seals.
	StagePrimary Stage = "primary"
	// StageLive keys were superseded but still open tokens that may not have
	// expired yet.
	StageLive Stage = "live"
	// StageDroppable keys were superseded longer ago than the longest token
	// lifetime: no unexpired token can need them, and [Ring.Rotate] drops
	// them.
	StageDroppable Stage = "droppable"
)

// KeyStatus is one key's id, times and lifecycle stage, without its
// secret. Its JSON form is what tokengen's list -json prints.
type KeyStatus struct {
	ID         string    `json:"id"`
	Created    time.Time `json:"created"`
	Activates  time.Time `json:"activates"`
	Stage      Stage     `json:"state"`
	Superseded time.Time `json:"superseded,omitzero"` // when its successor activated
}

// Lifecycle returns every key's status at now, oldest first, given the
// longest lifetime of any token (maxTokenAge) sealed under the ring.
func (r *Ring) Lifecycle(now time.Time, maxTokenAge time.Duration) []KeyStatus {
	p := r.primaryIndex(now)
	out := make([]KeyStatus, len(r.keys))
	for i, k := range r.keys {
		s := KeyStatus{ID: k.ID, Created: k.Created, Activates: k.Activates}
		switch {
		case p < 0 || i > p:
			s.Stage = StagePending
		case i == p:
			s.Stage = StagePrimary
		default:
			s.Superseded = r.keys[i+1].Activates
			if now.Sub(s.Superseded) > maxTokenAge {
				s.Stage = StageDroppable
			} else {
				s.Stage = StageLive
			}
		}
		out[i] = s
	}
	return out
}

// RotateResult tells what [Ring.Rotate] did.
type RotateResult struct {
	Added   KeyStatus // the new key
	Dropped []string  // ids of the keys dropped
}

// Rotate returns a ring with a new key that activates at now+activateIn
// (a positive delay rounded up to the second, so never sooner; a zero one
// down, so at once; and no sooner than any key already active then, which
// it follows in order, so that it is the primary from that time on),
// without the keys that were already droppable at now (see [StageDroppable]).
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
	for _, s := range r.Lifecycle(now, maxTokenAge) {
		if s.Stage == StageDroppable {
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
	res.Added = KeyStatus{ID: k.ID, Created: k.Created, Activates: k.Activates, Stage: StagePending}
	if !k.Activates.After(now) {
		res.Added.Stage = StagePrimary
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
// Use it after a leak, when the propagation delay of a staged rotation
// cannot be waited for. Promoting the primary key returns r; promoting a superseded key is an
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
