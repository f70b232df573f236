package token_test

import (
	"errors"
	"sync"
	"testing"
	"time"
	"unsafe"

	"github.com/google/go-cmp/cmp"

	"github.com/sessionless/sessionless/keyring"
	"github.com/sessionless/sessionless/token"
)

// TestCacheHit: a repeat Open of a byte-identical token gives equal claims
// and data, never the same Data, and still counts.
func TestCacheHit(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	use := token.NewUsage(f.ring)
	c := newCodec[User](t, use, "auth")
	tok := seal(t, c, t0)
	first, err := c.Open(tok, t0)
	if err != nil {
		t.Fatal(err)
	}
	first.Data.Roles[0] = "admin" // a handler changing its State
	first.Data.Name = "Mallory"
	for i := range 3 {
		got, err := c.Open(tok, t0.Add(time.Duration(i)*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(alice, got.Data); diff != "" {
			t.Errorf("Open %d after a change to the first Data (-want +got):\n%s", i+2, diff)
		}
		if got.Claims != first.Claims {
			t.Errorf("Open %d: claims %+v; want %+v", i+2, got.Claims, first.Claims)
		}
	}
	for _, k := range use.Stats().Keys {
		if k.ID == f.primID && k.Opened != 4 {
			t.Errorf("key %s opened %d tokens; want 4 (hits count)", k.ID, k.Opened)
		}
	}
}

// TestCacheTimes: a hit checks exp and iat at its own time.
func TestCacheTimes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := newCodec[User](t, f.ring, "auth")
	tok := seal(t, c, t0) // exp = t0 + 1h
	if _, err := c.Open(tok, t0); err != nil {
		t.Fatal(err)
	}
	exp := t0.Add(time.Hour)
	for _, tt := range []struct {
		now  time.Time
		want error
	}{
		{t0.Add(-token.DefaultLeeway - time.Second), token.ErrNotYetValid},
		{exp.Add(token.DefaultLeeway), token.ErrExpired},
		{exp.Add(token.DefaultLeeway - time.Second), nil}, // still opens (it left the cache at expiry)
	} {
		if _, err := c.Open(tok, tt.now); !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
			t.Errorf("Open at %v = %v; want %v", tt.now, err, tt.want)
		}
	}
}

// TestCacheRingChange: the cache empties when the ring changes, so a
// revocation or a retired key takes effect at once.
func TestCacheRingChange(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	live := keyring.NewLive(f.ring)
	c := newCodec[User](t, live, "auth")
	tok := seal(t, c, t0)
	if _, err := c.Open(tok, t0); err != nil {
		t.Fatal(err)
	}
	revoked, err := f.ring.WithRevokeBefore(t0.Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	live.Store(revoked)
	if _, err := c.Open(tok, t0); !errors.Is(err, token.ErrRevoked) {
		t.Errorf("Open after revoke_before = %v; want ErrRevoked", err)
	}
	live.Store(f.ring)
	if _, err := c.Open(tok, t0); err != nil {
		t.Fatalf("Open under the first ring again = %v", err)
	}
	retired, err := f.ring.Retire(f.primID, t0)
	if err != nil {
		t.Fatal(err)
	}
	live.Store(retired)
	if _, err := c.Open(tok, t0); token.ReasonOf(err) != token.ReasonUnknownKey {
		t.Errorf("Open after the key was retired = %v; want unknown_key", err)
	}
}

// TestCacheOff: CacheSize < 0 opens as before, every time.
func TestCacheOff(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c, err := token.New[User](f.ring, token.Config{Purpose: "auth", CacheSize: -1})
	if err != nil {
		t.Fatal(err)
	}
	tok := seal(t, c, t0)
	for range 2 {
		got, err := c.Open(tok, t0)
		if err != nil || got.Data.Name != alice.Name {
			t.Fatalf("Open = %v, %v", got, err)
		}
	}
}

// TestCacheConcurrent: goroutines open the same and different tokens and
// change their Data (run with -race): none sees another's change.
func TestCacheConcurrent(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c, err := token.New[User](f.ring, token.Config{Purpose: "auth", CacheSize: 4})
	if err != nil {
		t.Fatal(err)
	}
	toks := make([]string, 8)
	for i := range toks {
		toks[i] = seal(t, c, t0)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				got, err := c.Open(toks[(g+i)%len(toks)], t0)
				if err != nil {
					t.Error(err)
					return
				}
				if got.Data.Roles[0] != alice.Roles[0] {
					t.Errorf("Data.Roles = %q: another request's change", got.Data.Roles)
					return
				}
				got.Data.Roles[0] = "changed"
			}
		})
	}
	wg.Wait()
}

// TestOpenKeepsNothingOfRaw: neither the token Open returns nor the cache
// keeps any part of the string Open was given, which remember makes a view
// of a pooled buffer: overwriting it changes nothing opened before or
// after.
func TestOpenKeepsNothingOfRaw(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := newCodec[User](t, f.ring, "auth")
	tok := seal(t, c, t0)
	var opened []*token.Token[User]
	for range 3 { // a miss that stores, then hits
		buf := []byte(tok)
		got, err := c.Open(unsafe.String(&buf[0], len(buf)), t0)
		if err != nil {
			t.Fatal(err)
		}
		clear(buf)
		opened = append(opened, got)
	}
	got, err := c.Open(tok, t0)
	if err != nil {
		t.Fatal(err)
	}
	for i, o := range append(opened, got) {
		if diff := cmp.Diff(alice, o.Data); diff != "" {
			t.Errorf("Open %d, after its token's buffer was overwritten (-want +got):\n%s", i+1, diff)
		}
		if o.Claims != got.Claims {
			t.Errorf("Open %d: claims %+v; want %+v", i+1, o.Claims, got.Claims)
		}
	}
}

// TestOpenInto: OpenInto fills the caller's Token as Open returns one, from
// the cache or not, and after any refusal leaves it holding nothing, even
// when it held a token before.
func TestOpenInto(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := newCodec[User](t, f.ring, "auth")
	tok := seal(t, c, t0)
	want, err := c.Open(tok, t0)
	if err != nil {
		t.Fatal(err)
	}
	tampered := tok[:len(tok)-1] + map[bool]string{true: "A", false: "B"}[tok[len(tok)-1] != 'A']
	for _, tt := range []struct {
		name string
		raw  string
		now  time.Time
		want error
	}{
		{"opens (a cache hit)", tok, t0, nil},
		{"expired", tok, t0.Add(2 * time.Hour), token.ErrExpired},
		{"tampered", tampered, t0, token.ErrInvalid},
		{"garbage", "x", t0, token.ErrInvalid},
	} {
		dst := *want // a token from before
		dst.Data.Roles = append([]string(nil), want.Data.Roles...)
		err := c.OpenInto(&dst, tt.raw, tt.now)
		switch {
		case !errors.Is(err, tt.want) || (tt.want == nil && err != nil):
			t.Errorf("%s: OpenInto = %v; want %v", tt.name, err, tt.want)
		case err == nil:
			if diff := cmp.Diff(*want, dst); diff != "" {
				t.Errorf("%s: OpenInto gave (-Open's +OpenInto's):\n%s", tt.name, diff)
			}
		default:
			if diff := cmp.Diff(token.Token[User]{}, dst); diff != "" {
				t.Errorf("%s: after a refusal the Token holds (-want +got):\n%s", tt.name, diff)
			}
		}
	}
}
