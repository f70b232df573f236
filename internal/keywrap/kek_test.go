package keywrap

import (
	"bytes"
	"fmt"
	"testing"
)

func TestKEK(t *testing.T) {
	for _, n := range []int{0, 16, 31, 33} {
		if k, err := NewKEK(make([]byte, n)); k != nil || err == nil {
			t.Errorf("NewKEK of %d bytes = %v, %v; want an error", n, k, err)
		}
	}
	key := bytes.Repeat([]byte{7}, 32)
	k, err := NewKEK(key)
	if err != nil {
		t.Fatal(err)
	}
	cek := bytes.Repeat([]byte{9}, KeySize)
	wrapped, got, scratch := make([]byte, WrappedSize), make([]byte, KeySize), make([]byte, ScratchSize)
	k.Wrap(wrapped, cek, scratch)
	if !k.Unwrap(got, wrapped, scratch) || !bytes.Equal(got, cek) {
		t.Errorf("Unwrap(Wrap(cek)) = %x; want %x", got, cek)
	}
	wrapped[0] ^= 1
	if k.Unwrap(got, wrapped, scratch) {
		t.Errorf("Unwrap of a changed key succeeded")
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%x", "%s"} {
		out := fmt.Sprintf(verb, k) + fmt.Sprintf(verb, struct{ K *KEK }{k})
		if !bytes.Contains([]byte(out), []byte("REDACTED")) || bytes.Contains([]byte(out), []byte("0707")) {
			t.Errorf("Sprintf(%q) = %q; want the redaction only", verb, out)
		}
	}
}
