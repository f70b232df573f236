//go:build amd64 && !purego

package b64

import "golang.org/x/sys/cpu"

// hasBlocks reports whether decodeBlocks and encodeBlocks run here: they
// need AVX2.
var hasBlocks = cpu.X86.HasAVX2

// decodeBlocks decodes n blocks of blockIn characters at src into n ×
// blockOut bytes at dst, and returns how many blocks it decoded: n, or the
// index of the first block holding a byte outside the alphabet (it writes
// nothing of that block). It reads and writes exactly those bytes.
//
//go:noescape
func decodeBlocks(dst, src *byte, n int) int

// encodeBlocks encodes n blocks of blockOut bytes at src into n × blockIn
// characters at dst. It reads 4 bytes beyond the last block (one 16-byte
// load per half), which the caller must have.
//
//go:noescape
func encodeBlocks(dst, src *byte, n int)
