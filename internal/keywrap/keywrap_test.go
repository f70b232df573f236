package keywrap

import (
	"bytes"
	"crypto/aes"
	"crypto/rand"
	"encoding/hex"
	"testing"

	josecipher "github.com/go-jose/go-jose/v4/cipher"
)

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRFC3394 is the vector of RFC 3394 §4.6: 256 bits of key data wrapped
// with a 256-bit KEK.
func TestRFC3394(t *testing.T) {
	t.Parallel()
	kek := unhex(t, "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F")
	data := unhex(t, "00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F")
	want := unhex(t, "28C9F404C4B810F4CBCCB35CFB87F8263F5786E2D80ED326CBC7F0E71A99F43BFB988B9B7A02DD21")
	block, err := aes.NewCipher(kek)
	if err != nil {
		t.Fatal(err)
	}
	got := make([]byte, WrappedSize)
	Wrap(block, got, data, make([]byte, ScratchSize))
	if !bytes.Equal(got, want) {
		t.Fatalf("Wrap = %X; want %X", got, want)
	}
	back := make([]byte, KeySize)
	if !Unwrap(block, back, got, make([]byte, ScratchSize)) {
		t.Fatal("Unwrap of the RFC vector failed")
	}
	if !bytes.Equal(back, data) {
		t.Fatalf("Unwrap = %X; want %X", back, data)
	}
}

// TestAgainstGoJose checks both directions against go-jose's general
// implementation, the reference, on random keys.
func TestAgainstGoJose(t *testing.T) {
	t.Parallel()
	scratch := make([]byte, ScratchSize)
	for i := 0; i < 200; i++ {
		kek := make([]byte, 32)
		cek := make([]byte, KeySize)
		rand.Read(kek)
		rand.Read(cek)
		block, _ := aes.NewCipher(kek)

		ours := make([]byte, WrappedSize)
		Wrap(block, ours, cek, scratch)
		theirs, err := josecipher.KeyWrap(block, cek)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(ours, theirs) {
			t.Fatalf("Wrap = %X; go-jose KeyWrap = %X", ours, theirs)
		}
		back, err := josecipher.KeyUnwrap(block, ours)
		if err != nil || !bytes.Equal(back, cek) {
			t.Fatalf("go-jose KeyUnwrap(ours) = %X, %v; want %X", back, err, cek)
		}
		got := make([]byte, KeySize)
		if !Unwrap(block, got, theirs, scratch) || !bytes.Equal(got, cek) {
			t.Fatalf("Unwrap(go-jose) = %X; want %X", got, cek)
		}
	}
}

// TestUnwrapTampered flips every bit of a wrapped key and requires failure
// with no key material left in dst.
func TestUnwrapTampered(t *testing.T) {
	t.Parallel()
	kek := make([]byte, 32)
	cek := make([]byte, KeySize)
	rand.Read(kek)
	rand.Read(cek)
	block, _ := aes.NewCipher(kek)
	scratch := make([]byte, ScratchSize)
	wrapped := make([]byte, WrappedSize)
	Wrap(block, wrapped, cek, scratch)
	dst := make([]byte, KeySize)
	for bit := 0; bit < WrappedSize*8; bit++ {
		w := bytes.Clone(wrapped)
		w[bit/8] ^= 1 << (bit % 8)
		if Unwrap(block, dst, w, scratch) {
			t.Fatalf("Unwrap accepted the wrapped key with bit %d flipped", bit)
		}
		if !bytes.Equal(dst, make([]byte, KeySize)) {
			t.Fatalf("Unwrap left data in dst after failing (bit %d)", bit)
		}
	}
	other, _ := aes.NewCipher(make([]byte, 32))
	if Unwrap(other, dst, wrapped, scratch) {
		t.Fatal("Unwrap accepted a key wrapped under another KEK")
	}
}

func TestWrongSizesPanic(t *testing.T) {
	t.Parallel()
	block, _ := aes.NewCipher(make([]byte, 32))
	for _, f := range []func(){
		func() { Wrap(block, make([]byte, 39), make([]byte, 32), make([]byte, 16)) },
		func() { Wrap(block, make([]byte, 40), make([]byte, 24), make([]byte, 16)) },
		func() { Unwrap(block, make([]byte, 32), make([]byte, 41), make([]byte, 16)) },
		func() { Unwrap(block, make([]byte, 32), make([]byte, 40), make([]byte, 8)) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("no panic for a wrong buffer size")
				}
			}()
			f()
		}()
	}
}

func TestNoAllocs(t *testing.T) {
	block, _ := aes.NewCipher(make([]byte, 32))
	dst, cek, scratch, out := make([]byte, WrappedSize), make([]byte, KeySize), make([]byte, ScratchSize), make([]byte, KeySize)
	if a := testing.AllocsPerRun(100, func() {
		Wrap(block, dst, cek, scratch)
		Unwrap(block, out, dst, scratch)
	}); a != 0 {
		t.Errorf("Wrap+Unwrap allocate %v times; want 0", a)
	}
}

func BenchmarkWrap(b *testing.B) {
	block, _ := aes.NewCipher(make([]byte, 32))
	dst, cek, scratch := make([]byte, WrappedSize), make([]byte, KeySize), make([]byte, ScratchSize)
	b.ReportAllocs()
	for b.Loop() {
		Wrap(block, dst, cek, scratch)
	}
}

func BenchmarkUnwrap(b *testing.B) {
	block, _ := aes.NewCipher(make([]byte, 32))
	w, cek, scratch := make([]byte, WrappedSize), make([]byte, KeySize), make([]byte, ScratchSize)
	Wrap(block, w, cek, scratch)
	b.ReportAllocs()
	for b.Loop() {
		Unwrap(block, cek, w, scratch)
	}
}
