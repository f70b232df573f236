//go:build linux

package b64

import (
	"encoding/base64"
	"testing"
	"unsafe"

	"github.com/sessionless/sessionless/internal/testci"
)

// TestStaysInBounds decodes and encodes inputs that begin just after, or
// end just before, a page the process may not read, and writes output that
// ends just before one: a load or store outside the input or output (the
// block loops among them, on a CPU with AVX2) would crash the test.
func TestStaysInBounds(t *testing.T) {
	usable := testci.GuardedPage(t)
	page := len(usable)
	for i := range usable {
		usable[i] = byte(i * 7)
	}
	text := base64.RawURLEncoding.EncodeToString(usable[:page/2])
	for n := 1; n <= 300; n++ {
		for _, in := range [][]byte{usable[:n], usable[page-n:]} {
			if got, want := string(AppendEncode(nil, in)), base64.RawURLEncoding.EncodeToString(in); got != want {
				t.Fatalf("AppendEncode of %d guarded bytes = %q; want %q", n, got, want)
			}
		}
		if n%4 == 1 {
			continue
		}
		// The text at the start and at the end of the usable page, decoded
		// into the end of it.
		for _, at := range []int{0, page - n} {
			src := usable[at : at+n]
			copy(src, text[:n])
			want, err := base64.RawURLEncoding.Strict().DecodeString(text[:n])
			if err != nil {
				continue // a text cut where its last bits are not zero
			}
			dst := make([]byte, len(want))
			if !Decode(dst, unsafe.String(&src[0], n)) || string(dst) != string(want) {
				t.Fatalf("Decode of %d guarded characters = %x; want %x", n, dst, want)
			}
			out := usable[page-len(want):]
			if !Decode(out, text[:n]) || string(out) != string(want) {
				t.Fatalf("Decode of %d characters into guarded output = %x; want %x", n, out, want)
			}
		}
	}
}
