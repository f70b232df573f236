package b64

import (
	"strings"
	"testing"
)

// FuzzDecode holds Decode to encoding/base64 (strict, unpadded base64url,
// refusing CR and LF) on any text, and AppendEncode to encoding/base64 on
// any bytes, whose encoding Decode must give back.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		"", "QQ", "QUI", "QUJD", strings.Repeat("AbC-_9", 12), strings.Repeat("QUJD", 8) + "/",
		strings.Repeat("z", 33), strings.Repeat("_-", 40) + "\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		check(t, s)
		// Any bytes, encoded, must be encoding/base64's text and decode
		// back to themselves.
		checkEncode(t, []byte(s))
		dst := make([]byte, len(s))
		if enc := AppendEncode(nil, []byte(s)); !Decode(dst, string(enc)) || string(dst) != s {
			t.Fatalf("Decode(AppendEncode(%q)) = %q", s, dst)
		}
	})
}
