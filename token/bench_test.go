package token_test

import (
	"crypto/rand"
	"strings"
	"testing"
	"time"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/sessionless/sessionless/token"
)

// jsonUnmarshal decodes as Open decodes the data (go-json-experiment/json),
// for the allocation budget "the payload's own decode + 6".
func jsonUnmarshal(b []byte, v any) error { return jsonv2.Unmarshal(b, v) }

func randomBase64URL(n int) []byte {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[b[i]&63]
	}
	return b
}

func BenchmarkSeal(b *testing.B) {
	f := newFixture(b)
	c := newCodec[User](b, f.ring, "auth")
	p := params(t0, 30*time.Minute)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Seal(p, alice); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpen opens the same token again and again: from the second
// time on, a cache hit.
func BenchmarkOpen(b *testing.B) {
	f := newFixture(b)
	c := newCodec[User](b, f.ring, "auth")
	tok := seal(b, c, t0)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Open(tok, t0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpenNoCache is BenchmarkOpen without the cache: every Open
// does the whole work.
func BenchmarkOpenNoCache(b *testing.B) {
	f := newFixture(b)
	c, err := token.New[User](f.ring, token.Config{Purpose: "auth", CacheSize: -1})
	if err != nil {
		b.Fatal(err)
	}
	tok := seal(b, c, t0)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Open(tok, t0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpenMiss opens 2 048 distinct tokens in turn with the default
// cache of 1 024: every Open misses, and stores its token in the place of
// another.
func BenchmarkOpenMiss(b *testing.B) {
	f := newFixture(b)
	c := newCodec[User](b, f.ring, "auth")
	toks := make([]string, 2*token.DefaultCacheSize)
	for i := range toks {
		toks[i] = seal(b, c, t0)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := c.Open(toks[i%len(toks)], t0); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkReject is docs/attacks.md J1: what refusing costs.
func BenchmarkReject(b *testing.B) {
	f := newFixture(b)
	c := newCodec[User](b, f.ring, "auth")
	good := seal(b, c, t0)
	p := parts(good)
	binary := make([]byte, 4096)
	rand.Read(binary)
	badTag := strings.Join([]string{p[0], p[1], p[2], p[3], flip(p[4])}, ".")
	cases := []struct{ name, raw string }{
		{"garbage-4KiB", string(randomBase64URL(4096))},
		{"garbage-4KiB-binary", string(binary)},
		{"oversized-64KiB", strings.Repeat("A", 64<<10)},
		{"bad-tag", badTag},
		{"unknown-kid", forge(b, make([]byte, 32), header("nobody"), claimsJSON(t0))},
		{"expired", good},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			now := t0
			if tc.name == "expired" {
				now = t0.Add(48 * time.Hour)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Open(tc.raw, now); err == nil {
					b.Fatal("accepted")
				}
			}
		})
	}
}

// sizedUser is a payload of about size bytes of JSON: the test user and
// notes, the shape visitor data takes.
type sizedUser struct {
	User
	Notes []string `json:"notes"`
}

func payloadOf(size int) sizedUser {
	u := sizedUser{User: alice}
	for n := 130; n < size; n += 40 {
		u.Notes = append(u.Notes, strings.Repeat("n", 36))
	}
	return u
}

var benchSizes = []struct {
	name string
	size int
}{{"200B", 200}, {"1KB", 1 << 10}, {"3KB", 3 << 10}, {"8KB", 8 << 10}}

// BenchmarkSealSize and BenchmarkOpenSize sweep the payload size up to
// the 8 KB of data that chunked cookies carry; OpenSize without the cache.
func BenchmarkSealSize(b *testing.B) {
	f := newFixture(b)
	for _, s := range benchSizes {
		b.Run(s.name, func(b *testing.B) {
			c, err := token.New[sizedUser](f.ring, token.Config{Purpose: "auth", MaxLength: token.MaxLengthLimit})
			if err != nil {
				b.Fatal(err)
			}
			data, p := payloadOf(s.size), params(t0, 30*time.Minute)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Seal(p, data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkOpenSize(b *testing.B) {
	f := newFixture(b)
	for _, s := range benchSizes {
		b.Run(s.name, func(b *testing.B) {
			c, err := token.New[sizedUser](f.ring, token.Config{Purpose: "auth", MaxLength: token.MaxLengthLimit, CacheSize: -1})
			if err != nil {
				b.Fatal(err)
			}
			tok, err := c.Seal(params(t0, 30*time.Minute), payloadOf(s.size))
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Open(tok, t0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
