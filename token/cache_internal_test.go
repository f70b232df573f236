package token

import (
	"strings"
	"testing"
	"unsafe"
)

// TestCacheBound: the cache never holds more than its size.
func TestCacheBound(t *testing.T) {
	oc := newOpenCache(3)
	k := &key{id: "k"}
	for i := range 10 {
		oc.put(string(rune('a'+i)), k, Claims{}, []byte(`{}`))
		if len(oc.m) > 3 {
			t.Fatalf("after %d puts the cache holds %d entries; want at most 3", i+1, len(oc.m))
		}
	}
	if oc.get("j") == nil {
		t.Errorf("the last token put is not in the cache")
	}
	if newOpenCache(0) != nil || newOpenCache(-1) != nil {
		t.Errorf("a cache of size 0 or less is not nil")
	}
	var off *openCache
	off.put("x", k, Claims{}, nil)
	if off.get("x") != nil {
		t.Errorf("a nil cache returned an entry")
	}
}

// TestCacheKeyCopied: an entry keeps a copy of the token, never the
// caller's string, which is often a slice of the request's whole Cookie
// header (a visitor could otherwise pin a megabyte of header per entry).
func TestCacheKeyCopied(t *testing.T) {
	oc := newOpenCache(4)
	header := "pad=" + strings.Repeat("x", 1<<16) + "; tok=TOKEN"
	raw := header[len(header)-len("TOKEN"):]
	oc.put(raw, &key{id: "k"}, Claims{}, []byte(`{}`))
	for stored := range oc.m {
		if unsafe.StringData(stored) == unsafe.StringData(raw) {
			t.Errorf("the cache's key aliases the caller's string (and so the whole header)")
		}
	}
	if oc.get(raw) == nil {
		t.Errorf("the token put is not in the cache")
	}
}
