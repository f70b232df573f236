package token_test

import (
	"encoding/json"
	"expvar"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sessionless/sessionless/keyring"
	"github.com/sessionless/sessionless/token"
)

func noReasons() map[token.Reason]uint64 { return map[token.Reason]uint64{} }

// TestUsage: sealing and opening count per key id, whatever the purpose;
// refusals count by reason, under the key when one was identified.
func TestUsage(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	use := token.NewUsage(f.ring)
	if use.Current() != f.ring {
		t.Fatalf("Usage.Current() is not the wrapped source's ring")
	}
	want := token.UsageStats{
		Keys: []token.KeyUsage{
			{ID: f.oldID, InRing: true, Rejected: noReasons()},
			{ID: f.primID, InRing: true, Rejected: noReasons()},
			{ID: f.pendID, InRing: true, Rejected: noReasons()},
		},
		Rejected: noReasons(),
	}
	sortKeys(want.Keys)
	if diff := cmp.Diff(want, use.Stats()); diff != "" {
		t.Errorf("Stats() of a new Usage (-want +got):\n%s", diff)
	}

	auth, err := token.New[User](use, token.Config{Purpose: "auth", OtherPurposes: []string{"remember"}})
	if err != nil {
		t.Fatal(err)
	}
	rem := newCodec[User](t, use, "remember")
	tok := seal(t, auth, t0)
	seal(t, rem, t0) // counted per key, whatever the purpose
	auth.Open(tok, t0)
	auth.Open(tok, t0)
	auth.Open(tok, t0.Add(5*time.Hour))
	auth.Open(otherTag(tok), t0)
	auth.Open(seal(t, rem, t0), t0)
	auth.Open("garbage", t0)
	auth.Open(forge(t, make([]byte, 32), header("nobody"), claimsJSON(t0)), t0)
	newCodec[User](t, f.ring, "auth").Open(tok, t0) // not on the Usage: not counted

	for i := range want.Keys {
		if want.Keys[i].ID == f.primID {
			want.Keys[i] = token.KeyUsage{ID: f.primID, InRing: true, Sealed: 3, Opened: 2, Rejected: map[token.Reason]uint64{
				token.ReasonExpired: 1, token.ReasonBadTag: 1, token.ReasonWrongPurpose: 1,
			}}
		}
	}
	want.Rejected = map[token.Reason]uint64{token.ReasonMalformed: 1, token.ReasonUnknownKey: 1}
	got := use.Stats()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Stats() (-want +got):\n%s", diff)
	}
	var back token.UsageStats
	if err := json.Unmarshal([]byte(got.String()), &back); err != nil {
		t.Fatalf("Stats().String() is not JSON: %v", err)
	}
	if diff := cmp.Diff(want, back); diff != "" {
		t.Errorf("Stats().String() (-want +got):\n%s", diff)
	}
}

func sortKeys(k []token.KeyUsage) {
	slices.SortFunc(k, func(a, b token.KeyUsage) int { return strings.Compare(a.ID, b.ID) })
}

// TestUsageAcrossStores: the figures belong to the Usage, so they carry
// over the rings a Live swaps in (issue 14.1: Store no longer rebuilds the
// ring for them), and a dropped key shows as no longer in the ring.
func TestUsageAcrossStores(t *testing.T) {
	t.Parallel()
	k1 := keyring.GenerateKey(t0.Add(-2*time.Hour), t0.Add(-time.Hour))
	k2 := keyring.GenerateKey(t0.Add(-time.Hour), t0.Add(-time.Minute))
	r1 := mustRing(t, k1, k2)
	live := keyring.NewLive(r1)
	use := token.NewUsage(live)
	c := newCodec[User](t, use, "auth")
	tok2 := seal(t, c, t0) // under k2

	r2 := mustRing(t, k1) // a ring parsed afresh, without k2
	live.Store(r2)
	if live.Current() != r2 || use.Current() != r2 {
		t.Fatalf("after Store(r2), Current() is not r2")
	}
	seal(t, c, t0) // under k1
	if _, err := c.Open(tok2, t0); token.ReasonOf(err) != token.ReasonUnknownKey {
		t.Fatalf("Open of a token of the dropped key = %v; want unknown_key", err)
	}
	want := token.UsageStats{
		Keys: []token.KeyUsage{
			{ID: k1.ID, InRing: true, Sealed: 1, Rejected: noReasons()},
			{ID: k2.ID, InRing: false, Sealed: 1, Rejected: noReasons()},
		},
		Rejected: map[token.Reason]uint64{token.ReasonUnknownKey: 1},
	}
	sortKeys(want.Keys)
	if diff := cmp.Diff(want, use.Stats()); diff != "" {
		t.Errorf("Stats() (-want +got):\n%s", diff)
	}
}

func mustRing(t *testing.T, keys ...keyring.Key) *keyring.Ring {
	t.Helper()
	r, err := keyring.New(keys, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestUsageConcurrent counts from 16 goroutines while the ring is swapped
// (run with -race): no count is lost.
func TestUsageConcurrent(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	other := mustRing(t, f.ring.Keys()...)
	live := keyring.NewLive(f.ring)
	use := token.NewUsage(live)
	c := newCodec[User](t, use, "auth")
	const n, each = 16, 50
	var wg sync.WaitGroup
	var swaps atomic.Int64
	for range n {
		wg.Go(func() {
			for i := range each {
				tok := seal(t, c, t0)
				if _, err := c.Open(tok, t0); err != nil {
					t.Error(err)
				}
				if i%10 == 0 {
					live.Store([]*keyring.Ring{f.ring, other}[swaps.Add(1)%2])
				}
			}
		})
	}
	wg.Wait()
	for _, k := range use.Stats().Keys {
		if k.ID == f.primID && (k.Sealed != n*each || k.Opened != n*each) {
			t.Errorf("key %s sealed %d and opened %d; want %d each", k.ID, k.Sealed, k.Opened, n*each)
		}
	}
}

var publishSeq atomic.Int64

func TestUsagePublish(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	use := token.NewUsage(f.ring)
	c := newCodec[User](t, use, "auth")
	tok := seal(t, c, t0)
	name := fmt.Sprintf("token_test_%s_%d", t.Name(), publishSeq.Add(1)) // expvar cannot unpublish
	if err := use.Publish(name); err != nil {
		t.Fatalf("Publish(%q) = %v", name, err)
	}
	v := expvar.Get(name)
	if v == nil {
		t.Fatalf("expvar.Get(%q) = nil after Publish", name)
	}
	c.Open(tok, t0) // the variable is live, not a copy
	var got token.UsageStats
	if err := json.Unmarshal([]byte(v.String()), &got); err != nil {
		t.Fatalf("expvar %q is not JSON: %v\n%s", name, err, v.String())
	}
	if diff := cmp.Diff(use.Stats(), got); diff != "" {
		t.Errorf("expvar %q (-Stats() +expvar):\n%s", name, diff)
	}
	for _, k := range got.Keys {
		if k.ID == f.primID && (k.Sealed != 1 || k.Opened != 1) {
			t.Errorf("expvar %q: key %s sealed %d, opened %d; want 1, 1", name, k.ID, k.Sealed, k.Opened)
		}
	}
	if strings.Contains(v.String(), enc.EncodeToString(kek(t, f.ring, f.primID, "auth"))) {
		t.Errorf("expvar holds a key")
	}
	if err := token.NewUsage(f.ring).Publish(name); err == nil {
		t.Errorf("a second Publish(%q) = nil; want an error", name)
	}
}
