//go:build !amd64 || purego

package cookie

// useAVX2 is false where there is no assembly (or the purego build tag
// asks for none): invalidByte runs invalidByteGo only.
const useAVX2 = false

// invalidByteAVX2 is never called when useAVX2 is false; it exists so that
// invalidByte and the tests build everywhere.
func invalidByteAVX2(v string) int { return invalidByteGo(v) }
