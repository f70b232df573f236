//go:build amd64 && !purego

package cookie

import "golang.org/x/sys/cpu"

// useAVX2 reports whether invalidByte checks 32 bytes per instruction with
// invalidByteAVX2.
var useAVX2 = cpu.X86.HasAVX2

// invalidByteAVX2 is invalidByte for len(v) >= 32 (shorter values make it
// read before v): it compares 32 bytes at a time with AVX2 instructions
// and branches once per 64 bytes (octets_amd64.s).
//
//go:noescape
func invalidByteAVX2(v string) int
