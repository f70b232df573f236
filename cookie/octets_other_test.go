//go:build !amd64 || purego

package cookie

import "testing"

// TestInvalidByteGoOnly checks that without the assembly (another
// architecture, or the purego tag) every value goes to invalidByteGo.
func TestInvalidByteGoOnly(t *testing.T) {
	for _, n := range []int{0, vectorBlock, 11 * 1024} {
		if vectorPath(n) {
			t.Errorf("vectorPath(%d) = true without assembly", n)
		}
	}
}
