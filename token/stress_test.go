package token_test

import (
	"crypto/aes"
	"crypto/cipher"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sessionless/sessionless/internal/keywrap"
	"github.com/sessionless/sessionless/keyring"
	"github.com/sessionless/sessionless/token"
)

// TestConcurrentSwap is docs/attacks.md C7: 64 goroutines seal and open while the
// ring is swapped 10 000 times. Both rings hold both keys (one has the
// second key pending, the other active), so every operation must succeed
// under whichever ring it saw: a half-built ring would show as an error.
func TestConcurrentSwap(t *testing.T) {
	t.Parallel()
	k1 := keyring.GenerateKey(t0.Add(-2*time.Hour), t0.Add(-2*time.Hour))
	k2 := keyring.GenerateKey(t0.Add(-time.Hour), t0.Add(time.Minute))
	k2active := k2
	k2active.Activates = t0.Add(-time.Minute)
	ringA := func() *keyring.Ring {
		r, err := keyring.New([]keyring.Key{k1, k2}, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	ringB := func() *keyring.Ring {
		r, err := keyring.New([]keyring.Key{k1, k2active}, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	live := keyring.NewLive(ringA())
	auth := newCodec[User](t, live, "auth")
	rem := newCodec[User](t, live, "remember")

	const swaps = 10000
	var done atomic.Bool
	var ops, failures atomic.Int64
	var wg sync.WaitGroup
	for g := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := auth
			if g%2 == 1 {
				c = rem
			}
			for !done.Load() {
				tok, err := c.Seal(params(t0, time.Hour), alice)
				if err != nil {
					failures.Add(1)
					t.Errorf("Seal during swaps: %v", err)
					return
				}
				got, err := c.Open(tok, t0)
				if err != nil || (got.KeyID != k1.ID && got.KeyID != k2.ID) || got.Data.Email != alice.Email {
					failures.Add(1)
					t.Errorf("Open during swaps = %v, %v", got, err)
					return
				}
				ops.Add(1)
				runtime.Gosched()
			}
		}()
	}
	for i := range swaps {
		if i%2 == 0 {
			live.Store(ringB())
		} else {
			live.Store(ringA())
		}
		if i%64 == 0 {
			runtime.Gosched()
		}
	}
	done.Store(true)
	wg.Wait()
	if failures.Load() != 0 || ops.Load() == 0 {
		t.Fatalf("%d operations, %d failures", ops.Load(), failures.Load())
	}
	t.Logf("%d seal+open pairs during %d swaps", ops.Load(), swaps)
}

// TestNoRepeats is docs/attacks.md C10: a million seals, no repeated IV, content
// key or jti. The content key and jti are read back by unwrapping and
// decrypting each token with the exported purpose key.
func TestNoRepeats(t *testing.T) {
	t.Parallel()
	n := 1_000_000
	if testing.Short() {
		n = 20_000
	}
	f := newFixture(t)
	c := newCodec[int](t, f.ring, "auth")
	kekBlock, err := aes.NewCipher(kek(t, f.ring, f.primID, "auth"))
	if err != nil {
		t.Fatal(err)
	}
	type seen struct {
		iv  map[[12]byte]struct{}
		cek map[[32]byte]struct{}
		jti map[token.ID]struct{}
	}
	workers := runtime.GOMAXPROCS(0)
	results := make([]seen, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := seen{make(map[[12]byte]struct{}, n/workers), make(map[[32]byte]struct{}, n/workers), make(map[token.ID]struct{}, n/workers)}
			scratch := make([]byte, keywrap.ScratchSize)
			var iv [12]byte
			var cek [32]byte
			ek := make([]byte, keywrap.WrappedSize)
			for i := w; i < n; i += workers {
				tok, err := c.Seal(params(t0, time.Hour), i)
				if err != nil {
					t.Error(err)
					return
				}
				p := parts(tok)
				if _, err := enc.Decode(ek, []byte(p[1])); err != nil {
					t.Error(err)
					return
				}
				enc.Decode(iv[:], []byte(p[2]))
				if !keywrap.Unwrap(kekBlock, cek[:], ek, scratch) {
					t.Error("unwrap failed")
					return
				}
				ct, _ := enc.DecodeString(p[3])
				tag, _ := enc.DecodeString(p[4])
				b, _ := aes.NewCipher(cek[:])
				gcm, _ := cipher.NewGCM(b)
				pt, err := gcm.Open(nil, iv[:], append(ct, tag...), []byte(p[0]))
				if err != nil {
					t.Error(err)
					return
				}
				var jti token.ID
				if _, err := enc.Decode(jti[:], pt[len(`{"jti":"`):len(`{"jti":"`)+22]); err != nil {
					t.Errorf("jti in %s: %v", pt, err)
					return
				}
				s.iv[iv] = struct{}{}
				s.cek[cek] = struct{}{}
				s.jti[jti] = struct{}{}
			}
			results[w] = s
		}()
	}
	wg.Wait()
	all := seen{map[[12]byte]struct{}{}, map[[32]byte]struct{}{}, map[token.ID]struct{}{}}
	for _, s := range results {
		for k := range s.iv {
			all.iv[k] = struct{}{}
		}
		for k := range s.cek {
			all.cek[k] = struct{}{}
		}
		for k := range s.jti {
			all.jti[k] = struct{}{}
		}
	}
	if len(all.iv) != n || len(all.cek) != n || len(all.jti) != n {
		t.Fatalf("%d seals: %d distinct IVs, %d distinct CEKs, %d distinct jtis; want %d of each", n, len(all.iv), len(all.cek), len(all.jti), n)
	}
}
