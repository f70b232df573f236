package token

import (
	"sync"
	"time"
	"unsafe"
)

// DefaultCacheSize is the number of opened tokens a codec remembers when
// [Config.CacheSize] is zero.
const DefaultCacheSize = 1024

// openCache remembers the tokens a codec opened under one ring, so that a
// repeat request with a byte-identical token skips the cryptography: the
// base64 decoding, the unwrap, the per-token AES key schedule and GCM. It
// belongs to one keySet, so it empties when the ring changes (a new key,
// a retired one, a new revoke_before). Only authentic tokens whose claims
// passed are stored; a hit checks the times again and decodes the data
// afresh from the stored JSON, so no two requests share a Data.
//
// It holds at most max entries, each a copy of the token and of the
// data's JSON, both at most the codec's MaxLength:
// max × (2 × MaxLength + about 200) bytes in all. A full cache forgets a
// random entry.
type openCache struct {
	mu  sync.Mutex
	m   map[string]*opened
	max int
}

// opened is a token the codec opened: its key, claims and data's JSON.
type opened struct {
	k    *key
	cl   Claims
	data []byte // read-only
}

func newOpenCache(max int) *openCache {
	if max <= 0 {
		return nil
	}
	return &openCache{m: make(map[string]*opened, min(max, 64)), max: max}
}

// get returns the entry of raw, or nil. It is nil-safe.
func (oc *openCache) get(raw string) *opened {
	if oc == nil {
		return nil
	}
	oc.mu.Lock()
	e := oc.m[raw]
	oc.mu.Unlock()
	return e
}

// put stores what raw opened to, copying raw and data: raw is often a
// slice of the request's whole Cookie header, which a key that aliased it
// would keep alive (up to the server's header limit per entry). Both
// copies share one allocation, which nothing writes after the copy: the
// key is a string view of its first bytes, data the rest.
func (oc *openCache) put(raw string, k *key, cl Claims, data []byte) {
	if oc == nil {
		return
	}
	buf := make([]byte, len(raw)+len(data))
	copy(buf, raw)
	copy(buf[len(raw):], data)
	stored := unsafe.String(unsafe.SliceData(buf), len(raw)) // buf is never written again
	e := &opened{k: k, cl: cl, data: buf[len(raw):len(buf):len(buf)]}
	oc.mu.Lock()
	defer oc.mu.Unlock()
	if len(oc.m) >= oc.max {
		for old := range oc.m { // a random one: map iteration starts anywhere
			delete(oc.m, old)
			break
		}
	}
	oc.m[stored] = e
}

// drop forgets raw, once it no longer opens (expired).
func (oc *openCache) drop(raw string) {
	oc.mu.Lock()
	delete(oc.m, raw)
	oc.mu.Unlock()
}

// fromCache answers Open from the cache if raw is there: the claims are
// checked against now as on a miss, and the data is decoded into a new T.
func (c *Codec[T]) fromCache(keys *keySet, raw string, now time.Time) (*Token[T], error, bool) {
	e := keys.opened.get(raw)
	if e == nil {
		return nil, nil, false
	}
	if err := c.checkTimes(keys, e.k, e.cl, now); err != nil {
		if ReasonOf(err) == ReasonExpired {
			keys.opened.drop(raw)
		}
		return nil, err, true
	}
	t, ok := newToken[T](e.cl, e.data)
	if !ok { // it decoded before: never happens
		e.k.use.reject(ReasonBadClaims)
		return nil, errBadClaims, true
	}
	e.k.use.open()
	return t, nil, true
}
