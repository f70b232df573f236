package keyring_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sessionless/sessionless/keyring"
)

// timeline is a ring of three keys: "a" activates at t0, "b" two hours
// later, "c" five hours later.
func timeline(t testing.TB) *keyring.Ring {
	return mustNew(t, time.Time{},
		key(t, "c", 3, t0.Add(5*time.Hour)),
		key(t, "a", 1, t0),
		key(t, "b", 2, t0.Add(2*time.Hour)))
}

func TestPrimary(t *testing.T) {
	t.Parallel()
	r := timeline(t)
	tests := []struct {
		name string
		now  time.Time
		want string // "" for ErrNoPrimary
	}{
		{"before every key", t0.Add(-time.Second), ""},
		{"a nanosecond before the first", t0.Add(-time.Nanosecond), ""},
		{"at the first activation", t0, "a"},
		{"just before the second", t0.Add(2*time.Hour - time.Nanosecond), "a"},
		{"at the second activation", t0.Add(2 * time.Hour), "b"},
		{"between the second and third", t0.Add(4 * time.Hour), "b"},
		{"at the third activation", t0.Add(5 * time.Hour), "c"},
		{"long after", t0.Add(1000 * time.Hour), "c"},
		{"in another zone", t0.Add(2 * time.Hour).In(time.FixedZone("X", -7*3600)), "b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			k, err := r.Primary(tt.now)
			dk := purposeKey(r, "auth", "", tt.now)
			if tt.want == "" {
				if !errors.Is(err, keyring.ErrNoPrimary) || dk != nil {
					t.Errorf("Primary(%v) = %q, %v; derived primary %v; want ErrNoPrimary", tt.now, k.ID, err, dk)
				}
				return
			}
			if err != nil || k.ID != tt.want {
				t.Errorf("Primary(%v) = %q, %v; want %q", tt.now, k.ID, err, tt.want)
			}
			if dk == nil || dk.ID != tt.want {
				t.Errorf("derived primary at %v = %v; want %q", tt.now, dk, tt.want)
			}
		})
	}
}

// TestPendingKeyOpens checks that a key activating in the future is not
// primary, but is found, so tokens of servers that activated it open.
func TestPendingKeyOpens(t *testing.T) {
	t.Parallel()
	r := timeline(t)
	now := t0.Add(time.Hour)
	if k, err := r.Primary(now); err != nil || k.ID != "a" {
		t.Fatalf("Primary(%v) = %q, %v; want a", now, k.ID, err)
	}
	for _, id := range []string{"b", "c"} {
		if k, ok := r.Key(id); !ok || k.ID != id {
			t.Errorf("Key(%q) = %v, %v; want the pending key", id, k.ID, ok)
		}
		for _, purpose := range []string{"auth", "remember"} {
			if d := purposeKey(r, purpose, id, now); d == nil {
				t.Errorf("PurposeKeys(%q) has no %q; want the pending key", purpose, id)
			}
		}
	}
	if _, ok := r.Key("zz"); ok {
		t.Errorf(`Key("zz") found a key; want none`)
	}
	if d := purposeKey(r, "auth", "zz", now); d != nil {
		t.Errorf(`PurposeKeys has "zz" = %v; want none`, d)
	}
}

// TestPrimaryTies checks that of keys activating at the same time the last
// given is the primary, whatever their ids and creation times, and that the
// keyring file keeps that order.
func TestPrimaryTies(t *testing.T) {
	t.Parallel()
	keyAtT0 := func(id string, n int, createdOffset time.Duration) keyring.Key {
		return keyring.Key{ID: id, Secret: mustSecret(t, n), Created: t0.Add(createdOffset), Activates: t0}
	}
	tests := []struct {
		name string
		keys []keyring.Key
		want string
	}{
		{"earlier created, last", []keyring.Key{keyAtT0("a", 2, -time.Hour), keyAtT0("z", 1, -2*time.Hour)}, "z"},
		{"later created, last", []keyring.Key{keyAtT0("z", 1, -2*time.Hour), keyAtT0("a", 2, -time.Hour)}, "a"},
		{"same created, smaller id last", []keyring.Key{keyAtT0("b", 1, -time.Hour), keyAtT0("B", 3, -time.Hour), keyAtT0("a", 2, -time.Hour)}, "a"},
		{"after an earlier key", []keyring.Key{keyAtT0("y", 2, -time.Hour), key(t, "old", 4, t0.Add(-time.Hour)), keyAtT0("x", 1, -time.Hour)}, "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := mustNew(t, time.Time{}, tt.keys...)
			reread := mustParse(t, string(must(r.Marshal())))
			for _, r := range []*keyring.Ring{r, reread} {
				if k, err := r.Primary(t0); err != nil || k.ID != tt.want {
					t.Errorf("Primary with keys %v = %q, %v; want %q", ids(r.Keys()), k.ID, err, tt.want)
				}
				if d := purposeKey(r, "auth", "", t0); d == nil || d.ID != tt.want {
					t.Errorf("derived primary with keys %v = %v; want %q", ids(r.Keys()), d, tt.want)
				}
			}
		})
	}
}

func TestKeysOrder(t *testing.T) {
	t.Parallel()
	r := timeline(t)
	if diff := cmp.Diff([]string{"a", "b", "c"}, ids(r.Keys())); diff != "" {
		t.Errorf("Keys() ids (-want +got):\n%s", diff)
	}
	if r.Current() != r {
		t.Errorf("Current() of a Ring is not the ring")
	}
	var _ keyring.Source = r
}

func TestLifecycle(t *testing.T) {
	t.Parallel()
	r := timeline(t) // a at t0, b at t0+2h, c at t0+5h
	const maxAge = time.Hour
	tests := []struct {
		name string
		now  time.Time
		want []stageView
	}{
		{"all pending", t0.Add(-time.Second), []stageView{{"a", "pending"}, {"b", "pending"}, {"c", "pending"}}},
		{"first active", t0, []stageView{{"a", "primary"}, {"b", "pending"}, {"c", "pending"}}},
		{"second active", t0.Add(2 * time.Hour), []stageView{{"a", "live"}, {"b", "primary"}, {"c", "pending"}}},
		{"superseded exactly max age ago", t0.Add(3 * time.Hour), []stageView{{"a", "live"}, {"b", "primary"}, {"c", "pending"}}},
		{"superseded just over max age ago", t0.Add(3*time.Hour + time.Nanosecond), []stageView{{"a", "droppable"}, {"b", "primary"}, {"c", "pending"}}},
		{"third active", t0.Add(5 * time.Hour), []stageView{{"a", "droppable"}, {"b", "live"}, {"c", "primary"}}},
		{"both old droppable", t0.Add(6*time.Hour + time.Second), []stageView{{"a", "droppable"}, {"b", "droppable"}, {"c", "primary"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, stagesOf(r, tt.now, maxAge)); diff != "" {
				t.Errorf("Lifecycle(%v, %v) (-want +got):\n%s", tt.now, maxAge, diff)
			}
		})
	}

	// The full records, times included.
	want := []keyring.KeyStatus{
		{ID: "a", Created: t0.Add(-time.Hour), Activates: t0, Stage: keyring.StageDroppable, Superseded: t0.Add(2 * time.Hour)},
		{ID: "b", Created: t0.Add(time.Hour), Activates: t0.Add(2 * time.Hour), Stage: keyring.StageLive, Superseded: t0.Add(5 * time.Hour)},
		{ID: "c", Created: t0.Add(4 * time.Hour), Activates: t0.Add(5 * time.Hour), Stage: keyring.StagePrimary},
	}
	if diff := cmp.Diff(want, r.Lifecycle(t0.Add(5*time.Hour), maxAge)); diff != "" {
		t.Errorf("Lifecycle(t0+5h) (-want +got):\n%s", diff)
	}
}

func TestRotate(t *testing.T) {
	t.Parallel()
	r := mustNew(t, t0.Add(-time.Minute), key(t, "a", 1, t0), key(t, "b", 2, t0.Add(2*time.Hour)))
	now := t0.Add(4 * time.Hour) // a was superseded 2 h ago
	before, _ := r.Marshal()

	n, res, err := r.Rotate(now, 30*time.Minute, time.Hour)
	if err != nil {
		t.Fatalf("Rotate = %v", err)
	}
	if diff := cmp.Diff([]string{"a"}, res.Dropped); diff != "" {
		t.Errorf("Rotate dropped (-want +got):\n%s", diff)
	}
	wantAdded := keyring.KeyStatus{ID: res.Added.ID, Created: now, Activates: now.Add(30 * time.Minute), Stage: keyring.StagePending}
	if diff := cmp.Diff(wantAdded, res.Added); diff != "" {
		t.Errorf("Rotate added (-want +got):\n%s", diff)
	}
	if !keyring.ValidID(res.Added.ID) || res.Added.ID == "b" {
		t.Errorf("Rotate added id %q; want a new valid id", res.Added.ID)
	}
	if diff := cmp.Diff([]string{"b", res.Added.ID}, ids(n.Keys())); diff != "" {
		t.Errorf("Rotate ring ids (-want +got):\n%s", diff)
	}
	if k, err := n.Primary(now); err != nil || k.ID != "b" {
		t.Errorf("Primary(now) after Rotate = %q, %v; want b (the new key is pending)", k.ID, err)
	}
	if k, err := n.Primary(now.Add(30 * time.Minute)); err != nil || k.ID != res.Added.ID {
		t.Errorf("Primary(now+30m) after Rotate = %q, %v; want the new key", k.ID, err)
	}
	if !n.RevokeBefore().Equal(r.RevokeBefore()) {
		t.Errorf("RevokeBefore after Rotate = %v; want %v", n.RevokeBefore(), r.RevokeBefore())
	}
	if k, _ := n.Key(res.Added.ID); k.Secret.IsZero() || k.Secret.Equal(mustSecret(t, 2)) {
		t.Errorf("the new key's secret is zero or reused")
	}
	// The ring rotated is unchanged.
	if after, _ := r.Marshal(); !bytes.Equal(before, after) {
		t.Errorf("Rotate changed the ring it was called on")
	}
}

func TestRotateKeeps(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		ring        *keyring.Ring
		now         time.Time
		wantDropped []string
		wantKept    []string
	}{
		{"nothing droppable", timeline(t), t0.Add(2*time.Hour + 30*time.Minute), nil, []string{"a", "b", "c"}},
		{"pending keys kept", timeline(t), t0.Add(4 * time.Hour), []string{"a"}, []string{"b", "c"}},
		{"primary kept however old", mustNew(t, time.Time{}, key(t, "a", 1, t0)), t0.Add(1000 * time.Hour), nil, []string{"a"}},
		{"all superseded keys dropped", timeline(t), t0.Add(100 * time.Hour), []string{"a", "b"}, []string{"c"}},
		{"only pending keys", timeline(t), t0.Add(-time.Hour), nil, []string{"a", "b", "c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			n, res, err := tt.ring.Rotate(tt.now, time.Hour, time.Hour)
			if err != nil {
				t.Fatalf("Rotate = %v", err)
			}
			if diff := cmp.Diff(tt.wantDropped, res.Dropped); diff != "" {
				t.Errorf("dropped (-want +got):\n%s", diff)
			}
			got := ids(n.Keys())
			want := append(slices.Clone(tt.wantKept), res.Added.ID)
			slices.Sort(got)
			slices.Sort(want)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ids after Rotate (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRotateImmediate(t *testing.T) {
	t.Parallel()
	r := mustNew(t, time.Time{}, key(t, "a", 1, t0))
	now := t0.Add(time.Hour)
	n, res, err := r.Rotate(now, 0, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if res.Added.Stage != keyring.StagePrimary {
		t.Errorf("Rotate with no delay: added stage %q; want primary", res.Added.Stage)
	}
	if k, _ := n.Primary(now); k.ID != res.Added.ID {
		t.Errorf("Primary after Rotate with no delay = %q; want the new key %q", k.ID, res.Added.ID)
	}
}

func TestRotateErrors(t *testing.T) {
	t.Parallel()
	r := timeline(t)
	tests := []struct {
		name           string
		delay, maxAge  time.Duration
		wantErrMessage string
	}{
		{"negative delay", -time.Second, time.Hour, "negative"},
		{"zero max age", time.Hour, 0, "positive"},
		{"negative max age", time.Hour, -time.Hour, "positive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			n, _, err := r.Rotate(t0, tt.delay, tt.maxAge)
			if n != nil || err == nil || !strings.Contains(err.Error(), tt.wantErrMessage) {
				t.Errorf("Rotate(t0, %v, %v) = %v, %v; want an error about %q", tt.delay, tt.maxAge, n, err, tt.wantErrMessage)
			}
		})
	}
}

// TestRotateFullRing checks that a rotation that would exceed MaxKeys is
// an error, not a ring that cannot be loaded again.
func TestRotateFullRing(t *testing.T) {
	t.Parallel()
	var keys []keyring.Key
	for i := range keyring.MaxKeys {
		keys = append(keys, keyring.GenerateKey(t0, t0.Add(time.Duration(i)*time.Second)))
	}
	r := mustNew(t, time.Time{}, keys...)
	if n, _, err := r.Rotate(t0.Add(time.Hour), time.Hour, 24*time.Hour); n != nil || !errors.Is(err, keyring.ErrInvalidRing) {
		t.Errorf("Rotate of a ring of %d live keys = %v, %v; want ErrInvalidRing", keyring.MaxKeys, n, err)
	}
}

// TestRotateTwice checks that two rotations in quick succession keep both
// new keys pending, and neither drops the other.
func TestRotateTwice(t *testing.T) {
	t.Parallel()
	r := mustNew(t, time.Time{}, key(t, "a", 1, t0))
	now := t0.Add(time.Hour)
	r1, res1, err := r.Rotate(now, time.Hour, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	r2, res2, err := r1.Rotate(now.Add(time.Second), time.Hour, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if res1.Added.ID == res2.Added.ID {
		t.Fatalf("two rotations added the same id %q", res1.Added.ID)
	}
	want := []stageView{{"a", "primary"}, {res1.Added.ID, "pending"}, {res2.Added.ID, "pending"}}
	if diff := cmp.Diff(want, stagesOf(r2, now.Add(2*time.Second), time.Hour)); diff != "" {
		t.Errorf("Lifecycle after two rotations (-want +got):\n%s", diff)
	}
	if len(res2.Dropped) != 0 {
		t.Errorf("second Rotate dropped %v; want nothing", res2.Dropped)
	}
	if k, _ := r2.Primary(now.Add(time.Hour + time.Second)); k.ID != res2.Added.ID {
		t.Errorf("Primary once both activated = %q; want the later key %q", k.ID, res2.Added.ID)
	}
}

func TestRetire(t *testing.T) {
	t.Parallel()
	now := t0.Add(3 * time.Hour) // a live, b primary, c pending
	r := timeline(t)
	tests := []struct {
		name        string
		ring        *keyring.Ring
		id          string
		wantIDs     []string
		wantPrimary string
		wantErr     string
		wantErrIs   error
	}{
		{"live key", r, "a", []string{"b", "c"}, "b", "", nil},
		{"primary falls back to the older key", r, "b", []string{"a", "c"}, "a", "", nil},
		{"pending key", r, "c", []string{"a", "b"}, "b", "", nil},
		{"unknown id", r, "zz", nil, "", "unknown key id", keyring.ErrUnknownKey},
		{"invalid id", r, "../" + secretB64(5), nil, "", "unknown key id", keyring.ErrUnknownKey},
		{"only key", mustNew(t, time.Time{}, key(t, "a", 1, t0)), "a", nil, "", "only key", nil},
		{"no active key left", mustNew(t, time.Time{}, key(t, "a", 1, t0), key(t, "p", 2, now.Add(time.Hour))), "a", nil, "", "promote", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			n, err := tt.ring.Retire(tt.id, now)
			if tt.wantErr != "" {
				if n != nil || err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Retire(%q) = %v, %v; want an error about %q", tt.id, n, err, tt.wantErr)
				}
				if tt.wantErrIs != nil && !errors.Is(err, tt.wantErrIs) {
					t.Errorf("Retire(%q) = %v; want an error matching %v", tt.id, err, tt.wantErrIs)
				}
				checkNoSecret(t, "Retire error", err.Error(), secretBytes(5))
				return
			}
			if err != nil {
				t.Fatalf("Retire(%q) = %v", tt.id, err)
			}
			if diff := cmp.Diff(tt.wantIDs, ids(n.Keys())); diff != "" {
				t.Errorf("Retire(%q) ids (-want +got):\n%s", tt.id, diff)
			}
			if k, err := n.Primary(now); err != nil || k.ID != tt.wantPrimary {
				t.Errorf("Primary after Retire(%q) = %q, %v; want %q", tt.id, k.ID, err, tt.wantPrimary)
			}
			if d := purposeKey(n, "auth", tt.id, now); d != nil {
				t.Errorf("PurposeKeys has %q after Retire: its tokens must stop opening", tt.id)
			}
		})
	}
	if r.Len() != 3 {
		t.Errorf("Retire changed the ring it was called on: %d keys", r.Len())
	}
}

func TestPromote(t *testing.T) {
	t.Parallel()
	now := t0.Add(3*time.Hour + 500*time.Millisecond) // a live, b primary, c pending
	r := timeline(t)

	n, err := r.Promote("c", now)
	if err != nil {
		t.Fatalf("Promote(c) = %v", err)
	}
	if k, err := n.Primary(now); err != nil || k.ID != "c" {
		t.Errorf("Primary after Promote(c) = %q, %v; want c", k.ID, err)
	}
	if k, _ := n.Key("c"); !k.Activates.Equal(t0.Add(3 * time.Hour)) {
		t.Errorf("Promote(c): Activates = %v; want now to the second, %v", k.Activates, t0.Add(3*time.Hour))
	}
	if k, _ := r.Key("c"); !k.Activates.Equal(t0.Add(5 * time.Hour)) {
		t.Errorf("Promote changed the ring it was called on")
	}

	// An active key keeps its activation time.
	n, err = r.Promote("b", now)
	if err != nil {
		t.Fatalf("Promote(b) = %v", err)
	}
	if diff := ringDiff(r, n); diff != "" {
		t.Errorf("Promote of the primary changed the ring (-before +after):\n%s", diff)
	}

	if n, err := r.Promote("zz", now); n != nil || !errors.Is(err, keyring.ErrUnknownKey) {
		t.Errorf("Promote(zz) = %v, %v; want ErrUnknownKey", n, err)
	}
}

func TestWithRevokeBefore(t *testing.T) {
	t.Parallel()
	r := timeline(t)
	at := t0.Add(90 * time.Minute)
	n := must(r.WithRevokeBefore(at))
	if !n.RevokeBefore().Equal(at) {
		t.Errorf("WithRevokeBefore(%v).RevokeBefore() = %v", at, n.RevokeBefore())
	}
	if !r.RevokeBefore().IsZero() {
		t.Errorf("WithRevokeBefore changed the ring it was called on: %v", r.RevokeBefore())
	}
	if diff := cmp.Diff(r.Keys(), n.Keys(), secretComparer); diff != "" {
		t.Errorf("WithRevokeBefore changed the keys (-before +after):\n%s", diff)
	}
	if z := must(n.WithRevokeBefore(time.Time{})); !z.RevokeBefore().IsZero() {
		t.Errorf("WithRevokeBefore(zero).RevokeBefore() = %v; want zero", z.RevokeBefore())
	}
	back := mustParse(t, string(must(n.Marshal())))
	if !back.RevokeBefore().Equal(at) {
		t.Errorf("RevokeBefore after a round trip = %v; want %v", back.RevokeBefore(), at)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestStagedRotationAcrossServers is docs/attacks.md C6: servers parse the same
// keyring document at different stages of a rotation; each opens what the
// other seals, so nobody is logged out.
func TestStagedRotationAcrossServers(t *testing.T) {
	t.Parallel()
	const delay, maxAge = time.Hour, 24 * time.Hour
	now := t0
	v1 := mustNew(t, time.Time{}, key(t, "a", 1, t0.Add(-48*time.Hour)))
	v2, res2, err := v1.Rotate(now, delay, maxAge) // a primary, n pending
	if err != nil {
		t.Fatal(err)
	}
	v3, err := v2.Promote(res2.Added.ID, now.Add(time.Minute)) // the operator activated n early
	if err != nil {
		t.Fatal(err)
	}
	later := now.Add(delay + time.Minute) // n active by time on every server
	// A rotation B has not loaded yet: harmless while its key is pending.
	// (Promoting it before B loads it would break B: that is what the
	// propagation delay is for.)
	v4, _, err := v2.Rotate(later, delay, maxAge)
	if err != nil {
		t.Fatal(err)
	}
	doc := func(r *keyring.Ring) *keyring.Ring { return mustParse(t, string(must(r.Marshal()))) }

	tests := []struct {
		name         string
		a, b         *keyring.Ring // the document each server parsed
		now          time.Time
		primA, primB string
	}{
		{"A activated the new key, B has it pending", doc(v3), doc(v2), now.Add(2 * time.Minute), res2.Added.ID, "a"},
		{"both activated it by time", doc(v2), doc(v2), later, res2.Added.ID, res2.Added.ID},
		{"A rotated again, B one step behind", doc(v4), doc(v2), later.Add(time.Minute), res2.Added.ID, res2.Added.ID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, purpose := range []string{"auth", "remember"} {
				ka := purposeKey(tt.a, purpose, "", tt.now)
				if ka == nil || ka.ID != tt.primA {
					t.Fatalf("A: primary = %v; want %q", ka, tt.primA)
				}
				kb := purposeKey(tt.b, purpose, "", tt.now)
				if kb == nil || kb.ID != tt.primB {
					t.Fatalf("B: primary = %v; want %q", kb, tt.primB)
				}
				for _, c := range []struct {
					from   string
					sealer *keyring.PurposeKey
					opener *keyring.Ring
				}{{"A", ka, tt.b}, {"B", kb, tt.a}} {
					o := purposeKey(c.opener, purpose, c.sealer.ID, tt.now)
					if o == nil {
						t.Fatalf("%s sealed %s under %q, which the other server does not know", c.from, purpose, c.sealer.ID)
					}
					cek := make([]byte, 32)
					rand.Read(cek)
					wrapped, got := make([]byte, 40), make([]byte, 32)
					c.sealer.KEK.Wrap(wrapped, cek, make([]byte, 16))
					if !o.KEK.Unwrap(got, wrapped, make([]byte, 16)) || !bytes.Equal(got, cek) {
						t.Errorf("%s sealed %s under %q; the other server cannot open it", c.from, purpose, c.sealer.ID)
					}
				}
			}
		})
	}
}

// TestRotateActivation: a rotated key activates no sooner than asked
// (rounded up to the second), and no sooner than every key already active,
// so it is the primary from its activation on: a tie is settled by order,
// never by the random ids, and a key asked to activate at once is never
// pending.
func TestRotateActivation(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name  string
		now   time.Time
		delay time.Duration
		want  time.Time
	}{
		{"whole second", t0.Add(3 * time.Hour), time.Hour, t0.Add(4 * time.Hour)},
		{"rounded up", t0.Add(3*time.Hour + 100*time.Millisecond), 400 * time.Millisecond, t0.Add(3*time.Hour + time.Second)},
		{"now, on a whole second", t0.Add(3 * time.Hour), 0, t0.Add(3 * time.Hour)},
		{"same second as the primary", t0.Add(2*time.Hour + 300*time.Millisecond), 0, t0.Add(2 * time.Hour)},
		{"at the primary's activation", t0.Add(2 * time.Hour), 0, t0.Add(2 * time.Hour)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for range 50 { // the ids are random: a tie must never depend on them
				n, res, err := timeline(t).Rotate(tt.now, tt.delay, 24*time.Hour)
				if err != nil {
					t.Fatal(err)
				}
				if !res.Added.Activates.Equal(tt.want) {
					t.Fatalf("Rotate(%v, %v): activates %v; want %v", tt.now, tt.delay, res.Added.Activates, tt.want)
				}
				if k, _ := n.Primary(tt.want); k.ID != res.Added.ID {
					t.Fatalf("Primary at the activation = %q; want the new key %q", k.ID, res.Added.ID)
				}
				if tt.delay == 0 && res.Added.Stage != keyring.StagePrimary {
					t.Fatalf("Rotate with no delay: the new key is %s; want primary", res.Added.Stage)
				}
				if k, _ := n.Primary(tt.want.Add(-time.Nanosecond)); k.ID == res.Added.ID {
					t.Fatalf("the new key is primary before its activation")
				}
			}
		})
	}
}

func TestPromoteSuperseded(t *testing.T) {
	t.Parallel()
	r := timeline(t)
	if n, err := r.Promote("a", t0.Add(3*time.Hour)); n != nil || !errors.Is(err, keyring.ErrNotPending) {
		t.Errorf("Promote(superseded a) = %v, %v; want ErrNotPending", n, err)
	}
	// A pending key promoted within the second its predecessor activated
	// becomes the primary at once, and stays it through the file.
	now := t0.Add(2*time.Hour + 200*time.Millisecond)
	n, err := r.Promote("c", now)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []*keyring.Ring{n, mustParse(t, string(must(n.Marshal())))} {
		if k, _ := n.Primary(now); k.ID != "c" {
			t.Errorf("Primary after Promote(c) in b's second = %q; want c", k.ID)
		}
	}
}

// TestRotateAtOnceAfterStaged is the operator's sequence of issue 14: a
// staged rotation, then, in the second its key activated, a rotation with
// no delay and the retirement of the key it replaced. The new key is the
// primary at once, even after a key whose activation was not a whole
// second, and the retirement is allowed.
func TestRotateAtOnceAfterStaged(t *testing.T) {
	t.Parallel()
	for _, staged := range []time.Time{t0.Add(time.Hour), t0.Add(time.Hour + 100*time.Millisecond)} {
		r := mustNew(t, time.Time{}, key(t, "a", 1, t0), key(t, "b", 2, staged))
		now := t0.Add(time.Hour + 278*time.Millisecond)
		n, res, err := r.Rotate(now, 0, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if res.Added.Stage != keyring.StagePrimary || res.Added.Activates.After(now) {
			t.Errorf("after b activating at %v: Rotate(0) added a %s key activating at %v; want primary at once", staged, res.Added.Stage, res.Added.Activates)
		}
		if k, _ := n.Primary(now); k.ID != res.Added.ID {
			t.Errorf("Primary = %q; want the new key %q", k.ID, res.Added.ID)
		}
		if _, err := n.Retire("b", now); err != nil {
			t.Errorf("Retire(b) right after = %v", err)
		}
	}
}
