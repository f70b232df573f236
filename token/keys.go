package token

import (
	"time"

	"github.com/sessionless/sessionless/internal/keywrap"
	"github.com/sessionless/sessionless/keyring"
)

// keySet is one ring's keys derived for the codec's purpose, with their
// usage counters: built once per ring, so sealing and opening derive
// nothing.
type keySet struct {
	ring *keyring.Ring
	keys []key // in the ring's order: by activation, oldest first
	byID map[string]*key
	use  *Usage // where refusals of no key are counted; nil if not counted

	opened *openCache // the tokens opened under this ring; nil if off
}

// key is one derived key and its counters (nil if not counted).
type key struct {
	id        string
	activates time.Time
	kek       *keywrap.KEK
	use       *keyUsage
}

// keys returns the current ring's keys for the codec's purpose, derived
// once per ring.
func (c *Codec[T]) keys() (*keySet, error) {
	r := c.src.Current()
	if ks := c.cache.Load(); ks != nil && ks.ring == r {
		return ks, nil
	}
	ks, err := newKeySet(r, c.purpose, c.usage)
	if err != nil {
		return nil, err
	}
	ks.opened = newOpenCache(c.cacheSize)
	c.cache.Store(ks)
	return ks, nil
}

func newKeySet(r *keyring.Ring, purpose string, u *Usage) (*keySet, error) {
	pks, err := r.PurposeKeys(purpose)
	if err != nil {
		return nil, err
	}
	ks := &keySet{ring: r, keys: make([]key, len(pks)), byID: make(map[string]*key, len(pks)), use: u}
	for i, pk := range pks {
		ks.keys[i] = key{id: pk.ID, activates: pk.Activates, kek: pk.KEK, use: u.key(pk.ID)}
		ks.byID[pk.ID] = &ks.keys[i]
	}
	return ks, nil
}

// primary returns the key that seals at now, or keyring.ErrNoPrimary.
func (ks *keySet) primary(now time.Time) (*key, error) {
	for i := len(ks.keys) - 1; i >= 0; i-- {
		if !ks.keys[i].activates.After(now) {
			return &ks.keys[i], nil
		}
	}
	return nil, keyring.ErrNoPrimary
}

// otherPurposeKey returns the key id derived for another purpose, or nil.
// Only the failure path of Open calls it.
func (ks *keySet) otherPurposeKey(purpose, id string) *keywrap.KEK {
	pks, err := ks.ring.PurposeKeys(purpose)
	if err != nil {
		return nil
	}
	for _, pk := range pks {
		if pk.ID == id {
			return pk.KEK
		}
	}
	return nil
}
