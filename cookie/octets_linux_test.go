//go:build linux

package cookie

import (
	"testing"
	"unsafe"

	"github.com/sessionless/sessionless/internal/testci"
)

// TestInvalidByteStaysInBounds runs every implementation (the assembly
// among them on a CPU with AVX2) on values that begin just after, or end
// just before, a page the process may not read: a load outside the value
// would crash the test.
func TestInvalidByteStaysInBounds(t *testing.T) {
	usable := testci.GuardedPage(t)
	page := len(usable)
	copy(usable, validOctets(page))
	for n := 1; n <= 200; n++ {
		for _, v := range [][]byte{usable[:n], usable[page-n:]} {
			checkOctets(t, unsafe.String(&v[0], n))
		}
	}
}
