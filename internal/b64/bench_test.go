package b64

import (
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkDecode compares Decode with encoding/base64 on texts of a small
// token, and of a token's 1 KB, 8 KB and 16 KB bodies.
func BenchmarkDecode(b *testing.B) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, n := range []int{200, 1 << 10, 8 << 10, 16 << 10} {
		s := encoded(r, n)
		dst := make([]byte, n)
		b.Run(fmt.Sprintf("b64/%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(s)))
			for b.Loop() {
				if !Decode(dst, s) {
					b.Fatal("Decode failed")
				}
			}
		})
		src := []byte(s)
		b.Run(fmt.Sprintf("encoding-base64/%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(s)))
			for b.Loop() {
				if _, err := base64.RawURLEncoding.Strict().Decode(dst, src); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEncode compares AppendEncode with encoding/base64 on the same
// sizes, into a buffer with room.
func BenchmarkEncode(b *testing.B) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, n := range []int{200, 1 << 10, 8 << 10, 16 << 10} {
		src := []byte(randomBytes(r, n))
		dst := make([]byte, 0, EncodedLen(n))
		b.Run(fmt.Sprintf("b64/%d", n), func(b *testing.B) {
			b.SetBytes(int64(n))
			for b.Loop() {
				dst = AppendEncode(dst[:0], src)
			}
		})
		b.Run(fmt.Sprintf("encoding-base64/%d", n), func(b *testing.B) {
			b.SetBytes(int64(n))
			for b.Loop() {
				dst = base64.RawURLEncoding.AppendEncode(dst[:0], src)
			}
		})
	}
}
