package token

import (
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/sessionless/sessionless/keyring"
)

// fakeToken returns a string shaped enough for the cache (longer than a
// tag) whose tag is tag, padded to tagLen, after body.
func fakeToken(body, tag string) string {
	return body + "." + tag + strings.Repeat("t", tagLen-len(tag))
}

// putFake stores raw the way read does: through keep, then put.
func putFake(oc *openCache, raw string) {
	stored, data := keep(raw, []byte(`{}`), true)
	oc.put(stored, &key{id: "k"}, Claims{}, data)
}

// TestCacheBound: the cache never holds more than its size.
func TestCacheBound(t *testing.T) {
	oc := newOpenCache(3)
	for i := range 10 {
		putFake(oc, fakeToken("body", string(rune('a'+i))))
		if len(oc.m) > 3 {
			t.Fatalf("after %d puts the cache holds %d entries; want at most 3", i+1, len(oc.m))
		}
	}
	if _, ok := oc.get(fakeToken("body", "j")); !ok {
		t.Errorf("the last token put is not in the cache")
	}
	if newOpenCache(0) != nil || newOpenCache(-1) != nil {
		t.Errorf("a cache of size 0 or less is not nil")
	}
	var off *openCache
	if _, ok := off.get("x"); ok {
		t.Errorf("a nil cache returned an entry")
	}
}

// TestCacheKeyCopied: an entry keeps a copy of the token, never the
// caller's string, which is often a slice of the request's whole Cookie
// header (a visitor could otherwise pin a megabyte of header per entry).
func TestCacheKeyCopied(t *testing.T) {
	oc := newOpenCache(4)
	raw := fakeToken("TOKEN", "tag")
	header := "pad=" + strings.Repeat("x", 1<<16) + "; tok=" + raw
	raw = header[len(header)-len(raw):]
	putFake(oc, raw)
	header, raw = "", strings.Clone(raw)
	for tag, e := range oc.m {
		for _, s := range []string{tag, e.raw} {
			if unsafe.StringData(s) == unsafe.StringData(raw) {
				t.Errorf("the cache aliases the caller's string (and so the whole header)")
			}
		}
	}
	if _, ok := oc.get(raw); !ok {
		t.Errorf("the token put is not in the cache")
	}
}

// TestCacheSameTagOtherToken: the cache is keyed by the tag, but only the
// byte-identical token hits; drop forgets only that token.
func TestCacheSameTagOtherToken(t *testing.T) {
	oc := newOpenCache(4)
	raw := fakeToken("body", "tag")
	putFake(oc, raw)
	forged := fakeToken("bodX", "tag")
	if _, ok := oc.get(forged); ok {
		t.Errorf("a token with the same tag and another body hit the cache")
	}
	oc.drop(forged)
	if _, ok := oc.get(raw); !ok {
		t.Errorf("dropping another token with the same tag forgot the stored one")
	}
	oc.drop(raw)
	if _, ok := oc.get(raw); ok {
		t.Errorf("the dropped token is still in the cache")
	}
}

// TestKeepCopies: keep's copies share nothing with their sources, and the
// data copy cannot grow into anything else.
func TestKeepCopies(t *testing.T) {
	raw, data := "raw-token", []byte(`{"a":1}`)
	for _, store := range []bool{false, true} {
		r, d := keep(raw, data, store)
		data[0] = 'X'
		if string(d) != `{"a":1}` || cap(d) != len(d) {
			t.Errorf("keep(store %v) data = %q (cap %d); want a copy of its own", store, d, cap(d))
		}
		data[0] = '{'
		if want := map[bool]string{false: "", true: raw}[store]; r != want {
			t.Errorf("keep(store %v) raw = %q; want %q", store, r, want)
		}
	}
}

// TestCacheStoresOpened: through Open, a token enters the cache when it
// opens, and a hit gives a Data of its own.
func TestCacheStoresOpened(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	ring, err := keyring.New([]keyring.Key{keyring.GenerateKey(now.Add(-time.Hour), now.Add(-time.Hour))}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := New[struct{ Roles []string }](ring, Config{Purpose: "auth"})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := c.Seal(Params{IssuedAt: now, Expiry: now.Add(time.Hour)}, struct{ Roles []string }{[]string{"member"}})
	if err != nil {
		t.Fatal(err)
	}
	keys, _ := c.keys()
	for i, want := range []bool{true, true, true} {
		tok, err := c.Open(raw, now)
		if err != nil {
			t.Fatal(err)
		}
		if _, stored := keys.opened.get(raw); stored != want {
			t.Errorf("after Open %d the token is stored: %v; want %v", i+1, stored, want)
		}
		tok.Data.Roles[0] = "admin"
	}
	if tok, err := c.Open(raw, now); err != nil || tok.Data.Roles[0] != "member" {
		t.Errorf("Open from the cache = %+v, %v; want the roles sealed", tok, err)
	}
}

// TestCacheEntrySize: a map keeps a value of more than 128 bytes in an
// allocation of its own, which every put of a full cache would pay.
func TestCacheEntrySize(t *testing.T) {
	if n := unsafe.Sizeof(opened{}); n > 128 {
		t.Errorf("a cache entry is %d bytes; at most 128, or each put allocates", n)
	}
}
