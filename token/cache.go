package token

import (
	"strings"
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
// data's JSON, both at most the codec's MaxLength, in one allocation:
// max × (2 × MaxLength + about 200) bytes in all. A full cache forgets a
// random entry.
type openCache struct {
	mu sync.Mutex
	// m holds the entries by the token's encoded tag (the last tagLen
	// bytes, a string view of the entry's own copy): a short key that
	// costs little to hash, where the token may be several kilobytes.
	// A hit also compares the whole token.
	m   map[string]opened
	max int
}

// opened is a token the codec opened: the token, its key, claims and
// data's JSON. raw and data share one allocation that nothing writes
// after the copy, so a decoder may alias data. The claims are kept as the
// token holds them (whole seconds), so that an entry stays under the 128
// bytes above which a map allocates each value on its own.
type opened struct {
	raw            string
	k              *key
	id             ID
	iat, exp, auth int64 // auth is 0 without auth_time
	data           []byte
}

// newOpened returns the entry of raw, which opened under k to cl and data.
func newOpened(raw string, k *key, cl Claims, data []byte) opened {
	e := opened{raw: raw, k: k, id: cl.ID, iat: cl.IssuedAt.Unix(), exp: cl.Expiry.Unix(), data: data}
	if !cl.AuthTime.IsZero() {
		e.auth = cl.AuthTime.Unix()
	}
	return e
}

// claims returns the entry's claims, as Open read them.
func (e *opened) claims() Claims {
	cl := Claims{ID: e.id, KeyID: e.k.id, IssuedAt: time.Unix(e.iat, 0), Expiry: time.Unix(e.exp, 0)}
	if e.auth != 0 {
		cl.AuthTime = time.Unix(e.auth, 0)
	}
	return cl
}

func newOpenCache(max int) *openCache {
	if max <= 0 {
		return nil
	}
	return &openCache{m: make(map[string]opened, min(max, 64)), max: max}
}

// tagOf returns the encoded tag of the token raw (shape checked it).
func tagOf(raw string) string { return raw[len(raw)-tagLen:] }

// get returns the entry of raw, if there is one. It is nil-safe.
func (oc *openCache) get(raw string) (opened, bool) {
	if oc == nil {
		return opened{}, false
	}
	oc.mu.Lock()
	e, ok := oc.m[tagOf(raw)]
	oc.mu.Unlock()
	// Not constant time, and need not be: the entry's token is authentic
	// and the caller holds one with the same tag, so it is either the
	// same token or a forgery that a full Open refuses anyway.
	return e, ok && e.raw == raw
}

// keep returns a copy of data that nothing will write, for a decoder that
// aliases its input; with store, the copy shares one allocation with a copy
// of raw, ready for put. raw is often a slice of the request's whole
// Cookie header or of a pooled buffer, which an entry must not alias.
func keep(raw string, data []byte, store bool) (rawCopy string, dataCopy []byte) {
	if !store {
		// append allocates without zeroing first what it then overwrites
		// (kilobytes, on every request of a large session).
		kept := append([]byte(nil), data...)
		return "", kept[:len(kept):len(kept)]
	}
	// One allocation, not zeroed either (strings.Builder), that nothing
	// writes once built: data is a read-only view of its end.
	var b strings.Builder
	b.Grow(len(raw) + len(data))
	b.WriteString(raw)
	b.Write(data)
	both := b.String()
	rest := both[len(raw):]
	return both[:len(raw)], unsafe.Slice(unsafe.StringData(rest), len(rest))
}

// put stores what raw opened to; raw and data must come from keep.
func (oc *openCache) put(raw string, k *key, cl Claims, data []byte) {
	oc.mu.Lock()
	defer oc.mu.Unlock()
	if len(oc.m) >= oc.max {
		for old := range oc.m { // a random one: map iteration starts anywhere
			delete(oc.m, old)
			break
		}
	}
	oc.m[tagOf(raw)] = newOpened(raw, k, cl, data)
}

// drop forgets raw, once it no longer opens (expired).
func (oc *openCache) drop(raw string) {
	oc.mu.Lock()
	if e, ok := oc.m[tagOf(raw)]; ok && e.raw == raw {
		delete(oc.m, tagOf(raw))
	}
	oc.mu.Unlock()
}

// fromCache answers Open from the cache if raw is there (hit): the claims
// are checked against now as on a miss, and the data is decoded into a new
// value, in dst or, if dst is nil, in a new Token. A refusal allocates
// nothing.
func (c *Codec[T]) fromCache(keys *keySet, raw string, now time.Time, dst *Token[T]) (t *Token[T], err error, hit bool) {
	e, ok := keys.opened.get(raw)
	if !ok {
		return nil, nil, false
	}
	cl := e.claims()
	if err := c.checkTimes(keys, e.k, cl, now); err != nil {
		if ReasonOf(err) == ReasonExpired {
			keys.opened.drop(raw)
		}
		return nil, err, true
	}
	if dst == nil {
		dst = new(Token[T])
	}
	if !c.decodeData(e.data, true, &dst.Data) { // it decoded before: never happens
		var zero T
		dst.Data = zero
		e.k.use.reject(ReasonBadClaims)
		return nil, errBadClaims, true
	}
	dst.Claims = cl
	e.k.use.open()
	return dst, nil, true
}
