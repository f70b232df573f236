//go:build amd64 && !purego

package cookie

import (
	"testing"

	"golang.org/x/sys/cpu"
)

// TestInvalidByteUsesAVX2 checks that invalidByte takes the AVX2 path for
// values of a block or more on a CPU that has AVX2, so that the tests above
// exercise the assembly wherever CI runs on such a machine.
func TestInvalidByteUsesAVX2(t *testing.T) {
	if !cpu.X86.HasAVX2 {
		t.Skip("this CPU has no AVX2: invalidByte runs invalidByteGo only")
	}
	tests := []struct {
		n    int
		want bool
	}{
		{0, false},
		{vectorBlock - 1, false},
		{vectorBlock, true},
		{11 * 1024, true},
	}
	for _, tt := range tests {
		if got := vectorPath(tt.n); got != tt.want {
			t.Errorf("vectorPath(%d) = %v on an AVX2 CPU; want %v", tt.n, got, tt.want)
		}
	}
}
