package jsondec

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestSkipPlain holds the word-at-a-time scans to their byte-at-a-time
// definitions: every byte value at every position of a word, after and
// before other special bytes, and random buffers.
func TestSkipPlain(t *testing.T) {
	naivePlain := func(b []byte, i int) int {
		for i < len(b) && plain[b[i]] {
			i++
		}
		return i
	}
	naiveQuote := func(b []byte, i int) int {
		for i < len(b) && b[i] != '"' && b[i] != '\\' {
			i++
		}
		return i
	}
	check := func(b []byte) {
		t.Helper()
		for start := range min(len(b), 9) {
			if got, want := skipPlain(b, start), naivePlain(b, start); got != want {
				t.Fatalf("skipPlain(%q, %d) = %d, want %d", b, start, got, want)
			}
			if got, want := skipToQuoteOrEscape(b, start), naiveQuote(b, start); got != want {
				t.Fatalf("skipToQuoteOrEscape(%q, %d) = %d, want %d", b, start, got, want)
			}
		}
	}
	for c := range 256 {
		for pos := range 17 {
			for _, later := range []byte{'a', '"', '\\', 0x00, 0x1f, 0x80, 0xff} {
				b := []byte("abcdefghijklmnopqrstuvwx")
				b[pos] = byte(c)
				b[pos+3] = later
				check(b)
			}
		}
	}
	r := rand.New(rand.NewPCG(5, 6))
	for range 20000 {
		b := make([]byte, r.IntN(40))
		for i := range b {
			b[i] = byte(0x20 + r.IntN(0x60))
			if r.IntN(16) == 0 {
				b[i] = byte(r.IntN(256))
			}
		}
		check(b)
	}
}

// TestUnicodeEscapes decodes every \uXXXX escape, alone and in a pair
// after each high surrogate's first and last, as jsonv2 does (or not at
// all).
func TestUnicodeEscapes(t *testing.T) {
	for r := range 0x10000 {
		lone := r >= 0xD800 && r < 0xE000
		check[string](t, fmt.Sprintf(`"\u%04x"`, r), !lone)
		check[string](t, fmt.Sprintf(`"x\u%04Xy"`, r), !lone)
		for _, hi := range []int{0xD800, 0xDBFF} {
			low := r >= 0xDC00 && r < 0xE000
			check[string](t, fmt.Sprintf(`"\u%04x\u%04x"`, hi, r), low)
		}
	}
}

// TestLeadingDigits holds the word-at-a-time digit parser to its
// byte-at-a-time definition: every byte value after every run of digits,
// and random words.
func TestLeadingDigits(t *testing.T) {
	naive := func(b []byte) (n int, m uint64) {
		for n < len(b) && '0' <= b[n] && b[n] <= '9' {
			m = m*10 + uint64(b[n]-'0')
			n++
		}
		return n, m
	}
	check := func(b []byte) {
		t.Helper()
		n, m := leadingDigits(binary.LittleEndian.Uint64(b))
		if wantN, wantM := naive(b); n != wantN || m != wantM {
			t.Fatalf("leadingDigits(%q) = %d, %d; want %d, %d", b, n, m, wantN, wantM)
		}
	}
	for c := range 256 {
		for pos := 1; pos < 8; pos++ {
			for _, later := range []byte{'0', '9', '/', ':', 0x00, 0x80, 0xff} {
				b := []byte("98765432")
				b[pos] = byte(c)
				if pos < 7 {
					b[7] = later
				}
				check(b)
			}
		}
	}
	r := rand.New(rand.NewPCG(7, 8))
	for range 20000 {
		b := make([]byte, 8)
		for i := range b {
			b[i] = byte('0' + r.IntN(10))
			if r.IntN(6) == 0 {
				b[i] = byte(r.IntN(256))
			}
		}
		b[0] = byte('1' + r.IntN(9))
		check(b)
	}
}
