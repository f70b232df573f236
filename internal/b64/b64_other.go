//go:build !amd64 || purego

package b64

// hasBlocks is false: without the AVX2 loop, encoding/base64 decodes
// everything.
const hasBlocks = false

func decodeBlocks(dst, src *byte, n int) int { panic("b64: no block decoder") }
