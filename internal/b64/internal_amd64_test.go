//go:build amd64 && !purego

package b64

import (
	"testing"

	"golang.org/x/sys/cpu"
)

// TestBlocksInUse makes sure the tests above exercise the AVX2 loop on a
// machine that has AVX2 (CI's does), rather than only encoding/base64, and
// that a CPU without it never runs the loop.
func TestBlocksInUse(t *testing.T) {
	if hasBlocks != cpu.X86.HasAVX2 {
		t.Fatalf("block loop on = %v; want %v, whether the CPU has AVX2", hasBlocks, cpu.X86.HasAVX2)
	}
	if !hasBlocks {
		t.Log("no AVX2 on this CPU: encoding/base64 decodes everything, as with -tags purego")
		return
	}
	src := "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef" + "!" + "BCDEFGHIJKLMNOPQRSTUVWXYZabcdef"
	dst := make([]byte, 48)
	if got := decodeBlocks(&dst[0], &[]byte(src)[0], 2); got != 1 {
		t.Fatalf("decodeBlocks stopped after %d blocks; want 1 (the second holds '!')", got)
	}
	want := []byte{0x00, 0x10, 0x83, 0x10, 0x51, 0x87, 0x20, 0x92, 0x8b, 0x30, 0xd3, 0x8f, 0x41, 0x14, 0x93, 0x51, 0x55, 0x97, 0x61, 0x96, 0x9b, 0x71, 0xd7, 0x9f}
	if string(dst[:24]) != string(want) || string(dst[24:]) != string(make([]byte, 24)) {
		t.Fatalf("decodeBlocks wrote %x", dst)
	}
}
