package b64

import (
	"bytes"
	"encoding/base64"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// reference decodes s as this package must: encoding/base64's strict
// unpadded base64url, minus the CR and LF it skips.
func reference(s string) ([]byte, bool) {
	if strings.ContainsAny(s, "\r\n") {
		return nil, false
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	return b, err == nil
}

// check decodes s with Decode and fails t unless it agrees with reference.
func check(t *testing.T, s string) {
	t.Helper()
	want, wantOK := reference(s)
	got := make([]byte, DecodedLen(len(s)))
	ok := Decode(got, s)
	if ok != wantOK {
		t.Fatalf("Decode(%q) = %v; encoding/base64 says %v", s, ok, wantOK)
	}
	if ok {
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("Decode(%q) (-encoding/base64 +Decode):\n%s", s, diff)
		}
	}
}

// randomBytes returns n random bytes, as a string.
func randomBytes(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return string(b)
}

// encoded returns the encoding of n random bytes.
func encoded(r *rand.Rand, n int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(randomBytes(r, n)))
}

func TestDecodeLengths(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := 0; n <= 300; n++ {
		for range 4 {
			check(t, encoded(r, n))
		}
	}
	for _, n := range []int{1 << 10, 8 << 10, 16 << 10} {
		check(t, encoded(r, n))
	}
}

// TestDecodeEveryByteEverywhere replaces each character of a valid text,
// at every position of three blocks and the tail, by each of the 256 byte
// values: the block loop must refuse exactly the characters encoding/base64
// refuses, in any lane and position.
func TestDecodeEveryByteEverywhere(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{72, 75, 77} { // 96, 100 and 103 characters
		valid := []byte(encoded(r, n))
		for p := range valid {
			for v := range 256 {
				s := append([]byte(nil), valid...)
				s[p] = byte(v)
				check(t, string(s))
			}
		}
	}
}

// TestDecodeEveryValueEverywhere encodes texts whose 6-bit values cover
// 0–63 at every position of a block, so that every character's translation
// and packing is checked in every lane.
func TestDecodeEveryValueEverywhere(t *testing.T) {
	for shift := range 64 {
		check(t, rotatedAlphabet(shift, 2*blockIn))
	}
}

// rotatedAlphabet returns n characters of the base64url alphabet, in
// order from the shift-th, round and round: the text of the 6-bit values
// shift, shift+1, … (mod 64).
func rotatedAlphabet(shift, n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	var b strings.Builder
	for i := range n {
		b.WriteByte(alphabet[(i+shift)%64])
	}
	return b.String()
}

// TestDecodeRefuses lists what Decode must refuse, at the block loop's
// positions as well as in the tail.
func TestDecodeRefuses(t *testing.T) {
	valid := strings.Repeat("AbC-_9", 20) // 120 characters
	tests := []struct {
		name string
		s    string
	}{
		{"padding", valid[:118] + "=="},
		{"padding in a block", "====" + valid[4:]},
		{"slash", "/" + valid[1:]},
		{"plus", valid[:40] + "+" + valid[41:]},
		{"LF in a block", valid[:5] + "\n" + valid[6:]},
		{"CR in the tail", valid[:100] + "\r" + valid[101:]},
		{"LF at the end", valid[:119] + "\n"},
		{"one character over a quantum", valid[:117]},
		{"nonzero bits after the last byte", valid[:116] + "AB"}, // 'B' leaves a 1 bit
		{"NUL", valid[:31] + "\x00" + valid[32:]},
		{"high byte", valid[:63] + "\xff" + valid[64:]},
		{"space", valid[:64] + " " + valid[65:]},
		{"dot", valid[:96] + "." + valid[97:]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, ok := reference(tt.s); ok {
				t.Fatalf("the reference accepts %q: not a refusal test", tt.s)
			}
			check(t, tt.s)
		})
	}
}

func TestDecodeWrongDstLength(t *testing.T) {
	s := strings.Repeat("QUJD", 16)
	for _, n := range []int{0, DecodedLen(len(s)) - 1, DecodedLen(len(s)) + 1} {
		if Decode(make([]byte, n), s) {
			t.Errorf("Decode into %d bytes of %d characters = true", n, len(s))
		}
	}
}

// TestDecodeTouchesOnlyDst checks that the block loop writes nothing
// beyond dst (it stores 24 bytes per block, not a whole register).
func TestDecodeTouchesOnlyDst(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{24, 48, 240} {
		s := encoded(r, n)
		buf := make([]byte, n+64)
		for i := range buf {
			buf[i] = 0xA5
		}
		if !Decode(buf[:n:n], s) {
			t.Fatalf("Decode of %d bytes failed", n)
		}
		if bytes.Count(buf[n:], []byte{0xA5}) != len(buf)-n {
			t.Fatalf("Decode of %d bytes wrote past dst", n)
		}
	}
}

// checkEncode fails t unless AppendEncode of b, appended to a prefix,
// writes what encoding/base64 writes, and nothing beyond it.
func checkEncode(t *testing.T, b []byte) {
	t.Helper()
	want := "x." + base64.RawURLEncoding.EncodeToString(b)
	got := AppendEncode([]byte("x."), b)
	if string(got) != want {
		t.Fatalf("AppendEncode(%x) = %q; want %q", b, got, want)
	}
	if EncodedLen(len(b)) != len(got)-2 {
		t.Fatalf("EncodedLen(%d) = %d; want %d", len(b), EncodedLen(len(b)), len(got)-2)
	}
	// With room to spare: the same, and the spare bytes untouched.
	buf := bytes.Repeat([]byte{0xA5}, 2+len(want)+64)
	got = AppendEncode(buf[:2], b)
	if string(got[2:]) != want[2:] || &got[0] != &buf[0] {
		t.Fatalf("AppendEncode into spare capacity = %q; want %q in place", got[2:], want[2:])
	}
	if bytes.Count(buf[len(got):], []byte{0xA5}) != len(buf)-len(got) {
		t.Fatalf("AppendEncode of %d bytes wrote past its output", len(b))
	}
}

func TestAppendEncodeLengths(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for n := 0; n <= 300; n++ {
		for range 4 {
			checkEncode(t, []byte(randomBytes(r, n)))
		}
	}
	for _, n := range []int{1 << 10, 8 << 10, 16 << 10} {
		checkEncode(t, []byte(randomBytes(r, n)))
	}
}

// TestAppendEncodeEveryValueEverywhere encodes bytes whose 6-bit values
// are 0–63 at every position of a block (the decoding of a rotated
// alphabet), so that every value's character is checked in every lane.
func TestAppendEncodeEveryValueEverywhere(t *testing.T) {
	for shift := range 64 {
		text := rotatedAlphabet(shift, 4*blockIn)
		b, err := base64.RawURLEncoding.DecodeString(text)
		if err != nil {
			t.Fatal(err)
		}
		checkEncode(t, b)
		if got := string(AppendEncode(nil, b)); got != text {
			t.Fatalf("AppendEncode = %q; want %q", got, text)
		}
	}
}
