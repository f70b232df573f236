package keyring_test

import (
	"encoding/json"
	"expvar"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sessionless/sessionless/keyring"
)

// derived returns the key id derived for purpose in the current ring of src.
func derived(t *testing.T, src keyring.Source, purpose, id string) *keyring.DerivedKey {
	t.Helper()
	p, err := src.Current().Purpose(purpose)
	if err != nil {
		t.Fatal(err)
	}
	d := p.Lookup(id)
	if d == nil {
		t.Fatalf("Lookup(%q) = nil", id)
	}
	return d
}

func times(n int, f func()) {
	for range n {
		f()
	}
}

func TestStatsZero(t *testing.T) {
	t.Parallel()
	r := mustNew(t, time.Time{}, key(t, "k1", 1, t0), key(t, "k2", 2, t0.Add(time.Hour)))
	want := keyring.Stats{
		Keys: []keyring.KeyStats{
			{ID: "k1", InRing: true, Rejected: map[string]uint64{}},
			{ID: "k2", InRing: true, Rejected: map[string]uint64{}},
		},
		Rejected: map[string]uint64{},
	}
	if diff := cmp.Diff(want, r.Stats()); diff != "" {
		t.Errorf("Stats() of a new ring (-want +got):\n%s", diff)
	}
}

func TestStats(t *testing.T) {
	t.Parallel()
	r := mustNew(t, time.Time{}, key(t, "k1", 1, t0), key(t, "k2", 2, t0.Add(time.Hour)))
	k1 := derived(t, r, "auth", "k1")
	times(3, k1.RecordSeal)
	times(2, k1.RecordOpen)
	k1.RecordReject("bad tag")
	derived(t, r, "remember", "k1").RecordSeal() // counted per key, whatever the purpose
	derived(t, r, "auth", "k2").RecordOpen()
	derived(t, r, "auth", "k2").RecordReject("expired")
	derived(t, r, "auth", "k2").RecordReject("expired")
	p, _ := r.Purpose("auth")
	times(2, func() { p.RecordReject("malformed") })
	p.RecordReject("unknown key")

	want := keyring.Stats{
		Keys: []keyring.KeyStats{
			{ID: "k1", InRing: true, Sealed: 4, Opened: 2, Rejected: map[string]uint64{"bad tag": 1}},
			{ID: "k2", InRing: true, Opened: 1, Rejected: map[string]uint64{"expired": 2}},
		},
		Rejected: map[string]uint64{"malformed": 2, "unknown key": 1},
	}
	if diff := cmp.Diff(want, r.Stats()); diff != "" {
		t.Errorf("Stats() (-want +got):\n%s", diff)
	}
	var back keyring.Stats
	if err := json.Unmarshal([]byte(r.Stats().String()), &back); err != nil {
		t.Fatalf("Stats().String() is not JSON: %v", err)
	}
	if diff := cmp.Diff(want, back); diff != "" {
		t.Errorf("Stats().String() (-want +got):\n%s", diff)
	}
}

// TestStatsAcrossStores checks that a Live keeps counting across reloads,
// and shows a dropped key as no longer in the ring.
func TestStatsAcrossStores(t *testing.T) {
	t.Parallel()
	l := keyring.NewLive(mustNew(t, time.Time{}, key(t, "k1", 1, t0), key(t, "k2", 2, t0.Add(time.Hour))))
	derived(t, l, "auth", "k1").RecordSeal()
	derived(t, l, "auth", "k2").RecordOpen()

	// A ring parsed afresh (its own figures) without k2, with k3.
	l.Store(mustNew(t, time.Time{}, key(t, "k1", 1, t0), key(t, "k3", 3, t0.Add(2*time.Hour))))
	derived(t, l, "auth", "k1").RecordSeal()
	derived(t, l, "auth", "k3").RecordOpen()

	// A ring rotated from the current one, without k1.
	n, err := l.Current().Retire("k1", t0.Add(3*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	l.Store(n)
	derived(t, l, "auth", "k3").RecordSeal()

	want := keyring.Stats{
		Keys: []keyring.KeyStats{
			{ID: "k1", InRing: false, Sealed: 2, Rejected: map[string]uint64{}},
			{ID: "k2", InRing: false, Opened: 1, Rejected: map[string]uint64{}},
			{ID: "k3", InRing: true, Sealed: 1, Opened: 1, Rejected: map[string]uint64{}},
		},
		Rejected: map[string]uint64{},
	}
	if diff := cmp.Diff(want, l.Stats()); diff != "" {
		t.Errorf("Live.Stats() (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, l.Current().Stats()); diff != "" {
		t.Errorf("Live.Current().Stats() (-want +got):\n%s", diff)
	}
}

var publishSeq atomic.Int64

// expvarName returns a name no other test (or -count run) has published:
// expvar cannot unpublish.
func expvarName(t *testing.T) string {
	return fmt.Sprintf("keyring_test_%s_%d", t.Name(), publishSeq.Add(1))
}

func TestPublish(t *testing.T) {
	t.Parallel()
	l := keyring.NewLive(timeline(t))
	derived(t, l, "auth", "a").RecordSeal()
	name := expvarName(t)
	if err := l.Publish(name); err != nil {
		t.Fatalf("Publish(%q) = %v", name, err)
	}
	v := expvar.Get(name)
	if v == nil {
		t.Fatalf("expvar.Get(%q) = nil after Publish", name)
	}
	derived(t, l, "auth", "a").RecordOpen() // the variable is live, not a copy
	var got keyring.Stats
	if err := json.Unmarshal([]byte(v.String()), &got); err != nil {
		t.Fatalf("expvar %q is not JSON: %v\n%s", name, err, v.String())
	}
	if diff := cmp.Diff(l.Stats(), got); diff != "" {
		t.Errorf("expvar %q (-Stats() +expvar):\n%s", name, diff)
	}
	if got.Keys[0].Sealed != 1 || got.Keys[0].Opened != 1 {
		t.Errorf("expvar %q: key %q sealed %d, opened %d; want 1, 1", name, got.Keys[0].ID, got.Keys[0].Sealed, got.Keys[0].Opened)
	}
	if strings.Contains(v.String(), secretB64(1)) {
		t.Errorf("expvar holds a secret")
	}

	// A second Publish of the name is an error, not a panic.
	for _, other := range []*keyring.Live{l, keyring.NewLive(timeline(t))} {
		if err := other.Publish(name); err == nil {
			t.Errorf("a second Publish(%q) = nil; want an error", name)
		}
	}
}
