package keyring_test

import (
	"bytes"
	"errors"
	"regexp"
	"testing"

	"github.com/sessionless/sessionless/keyring"
)

// longIDRun matches what could be a secret (43 characters of base64url) or
// a large part of one. Errors may quote ids (at most 32 characters) and
// member names, never anything that long from the input.
var longIDRun = regexp.MustCompile(`[A-Za-z0-9_-]{33,}`)

// FuzzParse checks that Parse never panics, that its errors wrap
// ErrInvalidRing and echo no key-sized run of the input, and that every
// ring it accepts survives Marshal and Parse unchanged.
func FuzzParse(f *testing.F) {
	// A valid document, as docs/keyring-format.md describes it, and as Marshal writes it.
	f.Add([]byte(validDoc))
	f.Add(must(mustParse(f, validDoc).Marshal()))
	f.Add([]byte(doc(keyS("k1", allFF))))
	// Each invalid document of TestParseInvalid, but the huge ones (the
	// size limit is checked first; large seeds only slow the fuzzer).
	for _, tt := range invalidDocs {
		if len(tt.doc) <= 64<<10 {
			f.Add([]byte(tt.doc))
		}
	}
	// The valid document cut at every length.
	for i := range len(validDoc) {
		f.Add([]byte(validDoc[:i]))
	}
	// Bit-flipped copies: one flip in every tenth byte.
	for i := 0; i < len(validDoc); i += 10 {
		b := []byte(validDoc)
		b[i] ^= 1 << (i % 7)
		f.Add(b)
	}

	f.Fuzz(func(t *testing.T, data []byte) {
		in := bytes.Clone(data)
		r, err := keyring.Parse(data)
		if !bytes.Equal(in, data) {
			t.Fatalf("Parse changed its input")
		}
		if err != nil {
			if r != nil {
				t.Fatalf("Parse = %v and a ring; want no ring with an error", err)
			}
			if !errors.Is(err, keyring.ErrInvalidRing) {
				t.Fatalf("Parse = %v; want an error wrapping ErrInvalidRing", err)
			}
			if m := longIDRun.FindString(err.Error()); m != "" && bytes.Contains(data, []byte(m)) {
				t.Fatalf("Parse error %q echoes %q from the input", err, m)
			}
			return
		}
		out, err := r.Marshal()
		if err != nil {
			t.Fatalf("Marshal of a parsed ring = %v", err)
		}
		back, err := keyring.Parse(out)
		if err != nil {
			t.Fatalf("Parse(Marshal(Parse(%q))) = %v\n%s", data, err, out)
		}
		if diff := ringDiff(r, back); diff != "" {
			t.Fatalf("Parse(Marshal(r)) differs from r (-r +back):\n%s", diff)
		}
		again, err := back.Marshal()
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("Marshal is not stable: %v\n%s\n%s", err, out, again)
		}
	})
}
