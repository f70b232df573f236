package cookie

import (
	"fmt"
	"strings"
	"testing"
)

// tokenOctets returns n bytes of a sealed token's alphabet (base64url and
// the dots of JWE compact), all cookie-octets.
func tokenOctets(n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."
	var b strings.Builder
	b.Grow(n)
	for i := range n {
		b.WriteByte(alphabet[(i*7+i/64)%len(alphabet)])
	}
	return b.String()
}

// BenchmarkInvalidByte checks a token value followed by the "; " that ends
// it in a Cookie header, as headerScanner.value does: the sizes of a small
// token, a typical one, a cookie chunk and an 11 KB chunked value.
func BenchmarkInvalidByte(b *testing.B) {
	for _, n := range []int{100, 900, 4096, 11 * 1024} {
		v := tokenOctets(n) + "; lang=en"
		b.Run(fmt.Sprintf("%dB", n), func(b *testing.B) {
			b.SetBytes(int64(n))
			b.ReportAllocs()
			for b.Loop() {
				if i := invalidByte(v); i != n {
					b.Fatalf("invalidByte = %d; want %d", i, n)
				}
			}
		})
	}
}
