package bench

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"reflect"
	"testing"

	"github.com/sessionless/sessionless/internal/keywrap"
	"github.com/sessionless/sessionless/token"
)

// sizeImpls are the implementations of the payload-size sweep. The token
// codec and securecookie are given room for the largest session: what a
// codec costs is measured here, whether a cookie holds it is
// BenchmarkRequest's question.
func sizeImpls(tb testing.TB, f *fixture) []impl[Visitor] {
	return []impl[Visitor]{
		newSessionless[Visitor](tb, f, token.MaxLengthLimit),
		newSecureCookie[Visitor](tb, f, 0),
		newFloor[Visitor](tb, f),
	}
}

// BenchmarkSealSize is Seal at each session size: SealSize/<size>/<impl>.
func BenchmarkSealSize(b *testing.B) {
	f := newFixture(b)
	for _, sz := range sizes {
		v := newVisitor(0, sz.bytes)
		for _, im := range sizeImpls(b, f) {
			b.Run(sz.name+"/"+im.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := im.seal(v); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkOpenSize is Open at each session size: OpenSize/<size>/<impl>.
// Like every Open benchmark it opens openTokens different tokens in turn
// (here of the same visitor), so that it measures a whole Open: see
// benchOpen.
func BenchmarkOpenSize(b *testing.B) {
	f := newFixture(b)
	for _, sz := range sizes {
		for _, im := range sizeImpls(b, f) {
			b.Run(sz.name+"/"+im.name, func(b *testing.B) {
				benchOpen(b, im, []Visitor{newVisitor(0, sz.bytes)})
			})
		}
	}
}

// BenchmarkOpenMany is Open of manyVisitors different visitors' tokens in
// turn, at 200B: OpenMany/<impl>. Against OpenSize/200B, where every token
// holds the same visitor, it shows what the decoder's string cache saves
// when the same visitor comes back.
func BenchmarkOpenMany(b *testing.B) {
	f := newFixture(b)
	vs := make([]Visitor, manyVisitors)
	for i := range vs {
		vs[i] = newVisitor(i, sizes[0].bytes)
	}
	for _, im := range sizeImpls(b, f) {
		b.Run(im.name, func(b *testing.B) { benchOpen(b, im, vs) })
	}
}

// openTokens is how many different tokens an Open benchmark opens in turn:
// four times the token codec's default cache of opened tokens
// (token.Config.CacheSize, 1 024), which forgets a random entry when full,
// so that it answers about e⁻⁴ ≈ 2 % of them and the benchmark measures a
// whole Open (with the cache's miss), as the other impls do it. A cookie
// that comes back byte for byte, which the cache answers, is
// BenchmarkRequest's "one".
const openTokens = 4096

// benchOpen opens, in turn, openTokens tokens sealed from vs (each visitor
// sealed as often as it takes), or one per visitor if vs is longer.
func benchOpen[T any](b *testing.B, im impl[T], vs []T) {
	toks := make([]string, max(openTokens, len(vs)))
	for i := range toks {
		var err error
		if toks[i], err = im.seal(vs[i%len(vs)]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := im.open(toks[i]); err != nil {
			b.Fatal(err)
		}
		if i++; i == len(toks) {
			i = 0
		}
	}
}

// BenchmarkTokenKey is what the fresh content key of every token v1 costs
// Open, with the library's own key unwrap (internal/keywrap): TokenKey/<step>.
// unwrap is RFC 3394 under the cached KEK (6 rounds × 4 64-bit blocks of
// the 32-byte key = 24 AES block decryptions), aes the content key's AES
// key schedule, aes-gcm that and the GCM set-up, all the three in a row.
// Seal pays the same with a wrap instead of the unwrap.
func BenchmarkTokenKey(b *testing.B) {
	f := newFixture(b)
	kek, err := aes.NewCipher(f.kek)
	if err != nil {
		b.Fatal(err)
	}
	var cek, dst [keywrap.KeySize]byte
	var wrapped [keywrap.WrappedSize]byte
	var scratch [keywrap.ScratchSize]byte
	rand.Read(cek[:])
	keywrap.Wrap(kek, wrapped[:], cek[:], scratch[:])
	unwrap := func() error { return okErr(keywrap.Unwrap(kek, dst[:], wrapped[:], scratch[:])) }
	gcm := func() error {
		c, err := aes.NewCipher(dst[:])
		if err != nil {
			return err
		}
		_, err = cipher.NewGCM(c)
		return err
	}
	steps := []struct {
		name string
		run  func() error
	}{
		{"unwrap", unwrap},
		{"aes", func() error { _, err := aes.NewCipher(dst[:]); return err }},
		{"aes-gcm", gcm},
		{"all", func() error {
			if err := unwrap(); err != nil {
				return err
			}
			return gcm()
		}},
	}
	for _, st := range steps {
		b.Run(st.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := st.run(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func okErr(ok bool) error {
	if !ok {
		return errRejected
	}
	return nil
}

// TestSizeSweep checks that every implementation of the sweep opens what
// it sealed at every size, and that the floor's tokens open with
// sessionless and the other way round: they do the same work.
func TestSizeSweep(t *testing.T) {
	f := newFixture(t)
	all := sizeImpls(t, f)
	byName := map[string]impl[Visitor]{}
	for _, im := range all {
		byName[im.name] = im
	}
	for _, sz := range sizes {
		v := newVisitor(1, sz.bytes)
		for _, im := range all {
			tok, err := im.seal(v)
			if err != nil {
				t.Fatalf("%s/%s: seal: %v", sz.name, im.name, err)
			}
			openers := []impl[Visitor]{im}
			switch im.name {
			case "sessionless":
				openers = append(openers, byName["floor"])
			case "floor":
				openers = append(openers, byName["sessionless"])
			}
			for _, op := range openers {
				got, err := op.open(tok)
				if err != nil || !reflect.DeepEqual(got, v) {
					t.Errorf("%s: %s opens the token of %s as %+v, %v; want the visitor", sz.name, op.name, im.name, got.Name, err)
				}
			}
		}
	}
}
