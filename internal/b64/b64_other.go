//go:build !amd64 || purego

package b64

// hasBlocks is false: without the AVX2 loops, encoding/base64 decodes and
// encodes everything.
const hasBlocks = false

func decodeBlocks(dst, src *byte, n int) int { panic("b64: no block decoder") }

func encodeBlocks(dst, src *byte, n int) { panic("b64: no block encoder") }
