//go:build amd64 && !purego

package cookie

import (
	"testing"

	"golang.org/x/sys/cpu"
)

// TestInvalidByteUsesAVX2 checks that invalidByte takes the AVX2 path for
// values of a block or more exactly when the CPU has AVX2, so that the
// tests of this package exercise the assembly wherever CI runs on such a
// machine, and that a CPU without it never runs it.
func TestInvalidByteUsesAVX2(t *testing.T) {
	if useAVX2 != cpu.X86.HasAVX2 {
		t.Fatalf("useAVX2 = %v; want %v, whether the CPU has AVX2", useAVX2, cpu.X86.HasAVX2)
	}
	if !cpu.X86.HasAVX2 {
		t.Log("no AVX2 on this CPU: invalidByteGo checks everything, as with -tags purego")
	}
	tests := []struct {
		n    int
		want bool
	}{
		{0, false},
		{vectorBlock - 1, false},
		{vectorBlock, cpu.X86.HasAVX2},
		{11 * 1024, cpu.X86.HasAVX2},
	}
	for _, tt := range tests {
		if got := vectorPath(tt.n); got != tt.want {
			t.Errorf("vectorPath(%d) = %v; want %v", tt.n, got, tt.want)
		}
	}
}
