package token_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sessionless/sessionless/token"
)

// nested returns JSON arrays nested depth levels deep around 1.
func nested(depth int) string {
	return strings.Repeat("[", depth) + "1" + strings.Repeat("]", depth)
}

// nestedMap returns maps nested depth levels deep (the outermost counts).
func nestedMap(depth int) map[string]any {
	m := map[string]any{}
	for range depth - 1 {
		m = map[string]any{"a": m}
	}
	return m
}

type withDuration struct {
	TTL time.Duration `json:"ttl"`
}

type quotedBool struct {
	OK bool `json:"ok,string"`
}

// deep is a struct type nested 65 levels deep: no value of it can open.
type deep struct {
	A [1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1]int
}

// sealRefusal seals data with a fresh codec and returns Seal's error.
func sealRefusal[T any](t *testing.T, data T) error {
	t.Helper()
	c := newCodec[T](t, newFixture(t).ring, "auth")
	tok, err := c.Seal(params(t0, time.Hour), data)
	if err == nil {
		_, oerr := c.Open(tok, t0)
		t.Logf("Open of what Seal accepted: %v", oerr)
	} else if tok != "" {
		t.Errorf("Seal returned %q with its error", tok)
	}
	return err
}

// TestSealRefusesWhatOpenRefuses (issue 11.2): data Open would refuse for
// its shape is refused by Seal, with ErrData and no token; data just
// inside the bounds seals and opens.
func TestSealRefusesWhatOpenRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		seal func(*testing.T) error
	}{
		{"raw JSON 65 levels", func(t *testing.T) error { return sealRefusal(t, json.RawMessage(nested(65))) }},
		{"raw JSON 65 objects", func(t *testing.T) error {
			return sealRefusal(t, json.RawMessage(strings.Repeat(`{"a":`, 65)+"1"+strings.Repeat("}", 65)))
		}},
		{"map 65 levels", func(t *testing.T) error { return sealRefusal(t, nestedMap(65)) }},
		{"any 1000 levels", func(t *testing.T) error {
			var v any
			json.Unmarshal([]byte(nested(1000)), &v)
			return sealRefusal(t, v)
		}},
		{"struct type 65 levels", func(t *testing.T) error { return sealRefusal(t, deep{}) }},
		{"time.Duration", func(t *testing.T) error { return sealRefusal(t, withDuration{time.Second}) }},
		{"quoted bool", func(t *testing.T) error { return sealRefusal(t, quotedBool{true}) }},
		{"invalid UTF-8 in a field", func(t *testing.T) error { return sealRefusal(t, User{Name: "Al\xffce"}) }},
		{"invalid UTF-8 in a map key", func(t *testing.T) error { return sealRefusal(t, map[string]int{"\xc3": 1}) }},
		{"invalid UTF-8 in an interface", func(t *testing.T) error { return sealRefusal[any](t, []any{"ok", "\xed\xa0\x80"}) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if err := tt.seal(t); !errors.Is(err, token.ErrData) {
				t.Fatalf("Seal = %v; want ErrData", err)
			}
		})
	}
	t.Run("too long", func(t *testing.T) {
		t.Parallel()
		big := alice
		big.Name = strings.Repeat("x", token.DefaultMaxLength)
		if err := sealRefusal(t, big); !errors.Is(err, token.ErrTooLong) {
			t.Fatalf("Seal = %v; want ErrTooLong", err)
		}
	})
}

// TestSealDepthBound: 64 levels seal and open, for every kind of payload.
func TestSealDepthBound(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := params(t0, time.Hour)
	raw := newCodec[json.RawMessage](t, f.ring, "auth")
	in := json.RawMessage(nested(64))
	tok, err := raw.Seal(p, in)
	if err != nil {
		t.Fatal(err)
	}
	got, err := raw.Open(tok, t0)
	if err != nil || string(got.Data) != string(in) {
		t.Fatalf("Open = %s, %v; want %s", got.Data, err, in)
	}
	m := newCodec[map[string]any](t, f.ring, "auth")
	want := nestedMap(64)
	if tok, err = m.Seal(p, want); err != nil {
		t.Fatal(err)
	}
	gotm, err := m.Open(tok, t0)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, gotm.Data); diff != "" {
		t.Errorf("data (-want +got):\n%s", diff)
	}
}

// TestSealEmbedded: an embedded struct, which Seal does not check per
// value, comes back equal from Open.
func TestSealEmbedded(t *testing.T) {
	t.Parallel()
	type withNotes struct {
		User
		Notes []string `json:"notes,omitempty"`
	}
	c := newCodec[withNotes](t, newFixture(t).ring, "auth")
	for _, in := range []withNotes{{User: alice, Notes: []string{"a", "b"}}, {User: alice}, {}} {
		if diff := cmp.Diff(in, roundTrip(t, c, in).Data); diff != "" {
			t.Errorf("data (-want +got):\n%s", diff)
		}
	}
}

// TestDataEvolution: the data (not the claims) tolerates a payload type
// that gained or lost a field, as a rolling deploy meets: unknown members
// are ignored, missing ones keep their zero value.
func TestDataEvolution(t *testing.T) {
	t.Parallel()
	type v1 struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	}
	type v2 struct {
		ID    int64    `json:"id"`
		Name  string   `json:"name"`
		Theme string   `json:"theme"`
		Tags  []string `json:"tags"`
	}
	f := newFixture(t)
	old, neu := newCodec[v1](t, f.ring, "auth"), newCodec[v2](t, f.ring, "auth")
	tok, err := neu.Seal(params(t0, time.Hour), v2{ID: 7, Name: "Alice", Theme: "dark", Tags: []string{"a"}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := old.Open(tok, t0)
	if err != nil || got.Data != (v1{ID: 7, Name: "Alice"}) {
		t.Errorf("the old type opens the new data: %+v, %v; want {7 Alice}", got, err)
	}
	tok, err = old.Seal(params(t0, time.Hour), v1{ID: 8, Name: "Bob"})
	if err != nil {
		t.Fatal(err)
	}
	gotNew, err := neu.Open(tok, t0)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(v2{ID: 8, Name: "Bob"}, gotNew.Data); diff != "" {
		t.Errorf("the new type opens the old data (-want +got):\n%s", diff)
	}
}

// TestSealKeepsStrings: strings that are valid UTF-8 come back equal,
// including U+FFFD itself and the text of its escape.
func TestSealKeepsStrings(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"\uFFFD", `\ufffd`, `\\ufffd`, `a\ufffd\\ufffd\uFFFD`, "日本語 \u2028 <&>"} {
		c := newCodec[User](t, newFixture(t).ring, "auth")
		in := User{ID: 1, Name: name}
		if diff := cmp.Diff(in, roundTrip(t, c, in).Data); diff != "" {
			t.Errorf("Open of %q (-sealed +opened):\n%s", name, diff)
		}
	}
}
