package cookie

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// refInvalidByte is invalidByte one byte at a time, straight from the
// cookieOctet table.
func refInvalidByte(v string) int {
	for i := 0; i < len(v); i++ {
		if !cookieOctet[v[i]] {
			return i
		}
	}
	return -1
}

// octetImpl is one way to find a value's first byte that is not a
// cookie-octet, for values of at least min bytes.
type octetImpl struct {
	name string
	min  int
	find func(string) int
}

// octetImpls are the implementations this machine can run: invalidByte as
// it dispatches, its Go loop, and its AVX2 loop when the CPU has AVX2.
func octetImpls() []octetImpl {
	impls := []octetImpl{
		{"invalidByte", 0, invalidByte},
		{"invalidByteGo", 0, invalidByteGo},
	}
	if useAVX2 {
		impls = append(impls, octetImpl{"invalidByteAVX2", vectorBlock, invalidByteAVX2})
	}
	return impls
}

// validOctets returns n cookie-octets that cycle through every one, so that
// each lane of a block sees the edges 0x21 and 0x7E and the neighbours of
// the four excluded printable bytes.
func validOctets(n int) []byte {
	var octets []byte
	for b, ok := range cookieOctet {
		if ok {
			octets = append(octets, byte(b))
		}
	}
	v := make([]byte, n)
	for i := range v {
		v[i] = octets[i%len(octets)]
	}
	return v
}

// checkOctets holds every implementation to refInvalidByte on v.
func checkOctets(t *testing.T, v string) {
	t.Helper()
	want := refInvalidByte(v)
	for _, impl := range octetImpls() {
		if len(v) < impl.min {
			continue
		}
		if got := impl.find(v); got != want {
			t.Fatalf("%s(%q) = %d; want %d", impl.name, v, got, want)
		}
	}
}

// TestInvalidByteEveryByte replaces, in valid values of 0 to 130 bytes
// (four 32-byte blocks and a tail), each byte by each of the 256 values,
// and compares every implementation with the byte-by-byte reference: the
// AVX2 path is held to the Go loop in every lane of the 64-byte loop, the
// single block and the overlapping last block.
func TestInvalidByteEveryByte(t *testing.T) {
	t.Parallel()
	impls := octetImpls()
	for n := 0; n <= 130; n++ {
		base := validOctets(n)
		// entry 0 is base itself; entry 1+p*256+b is base with byte p
		// replaced by b.
		want := []int{refInvalidByte(string(base))}
		got := make([][]int, len(impls))
		for k, impl := range impls {
			if n >= impl.min {
				got[k] = []int{impl.find(string(base))}
			}
		}
		v := make([]byte, n)
		for p := range n {
			for b := range 256 {
				copy(v, base)
				v[p] = byte(b)
				s := string(v)
				want = append(want, refInvalidByte(s))
				for k, impl := range impls {
					if n >= impl.min {
						got[k] = append(got[k], impl.find(s))
					}
				}
			}
		}
		for k, impl := range impls {
			if n < impl.min {
				continue
			}
			if !slices.Equal(got[k], want) { // cmp.Diff is slow on 33,000 results
				t.Fatalf("%s on %d bytes (-want +got):\n%s", impl.name, n, cmp.Diff(want, got[k]))
			}
		}
	}
}

// invalidSamples are bytes that are not cookie-octets, one of each kind
// the AVX2 compares tell apart.
var invalidSamples = []byte{0x00, 0x20, '"', ',', ';', '\\', 0x7f, 0x80, 0xff}

// TestInvalidByteBlockBoundaries puts a byte that is not a cookie-octet
// next to every 32-byte block boundary of long values, and where the last
// (overlapping) block begins.
func TestInvalidByteBlockBoundaries(t *testing.T) {
	t.Parallel()
	for _, n := range []int{32, 63, 64, 65, 95, 96, 97, 900, 4095, 4096, 4097, 11*1024 + 17} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			t.Parallel()
			base := validOctets(n)
			checkOctets(t, string(base))
			var positions []int
			for k := 0; k <= n; k += vectorBlock {
				positions = append(positions, k-1, k, k+1)
			}
			positions = append(positions, n-vectorBlock-1, n-vectorBlock, n-vectorBlock+1, n-1)
			v := make([]byte, n)
			for _, p := range positions {
				if p < 0 || p >= n {
					continue
				}
				for _, b := range invalidSamples {
					copy(v, base)
					v[p] = b
					checkOctets(t, string(v))
				}
			}
		})
	}
}

// TestInvalidByteFirstOfTwo puts two bytes that are not cookie-octets in
// a value: the first must be found wherever the second is, in the same
// block, the other block of a 64-byte pair, or a later one.
func TestInvalidByteFirstOfTwo(t *testing.T) {
	t.Parallel()
	const n = 130
	base := validOctets(n)
	v := make([]byte, n)
	for p := range n {
		for q := range n {
			copy(v, base)
			v[p], v[q] = ';', 0x80
			checkOctets(t, string(v))
		}
	}
}

// TestInvalidByteTokens checks the values the package reads: token values
// that end at the ';' of the next cookie, or at the end of the header.
func TestInvalidByteTokens(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		v    string
		want int
	}{
		{"empty", "", -1},
		{"short token", tokenOctets(20), -1},
		{"token", tokenOctets(900), -1},
		{"token then cookie", tokenOctets(900) + "; lang=en", 900},
		{"chunk then cookie", tokenOctets(4000) + ";__Host-auth.1=x", 4000},
		{"quoted token", `"` + tokenOctets(100) + `"`, 0},
		{"space in token", tokenOctets(50) + " " + tokenOctets(50), 50},
		{"UTF-8 in token", tokenOctets(70) + "é", 70},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, impl := range octetImpls() {
				if len(tt.v) < impl.min {
					continue
				}
				if got := impl.find(tt.v); got != tt.want {
					t.Errorf("%s = %d; want %d", impl.name, got, tt.want)
				}
			}
		})
	}
}

// FuzzInvalidByte holds invalidByte (and so, on AVX2 machines, its
// assembly) to the byte-by-byte reference.
func FuzzInvalidByte(f *testing.F) {
	f.Add(tokenOctets(100) + "; a=b")
	f.Add(strings.Repeat("x", 64) + "\x80")
	f.Add("a\\b")
	f.Fuzz(func(t *testing.T, v string) {
		checkOctets(t, v)
	})
}
