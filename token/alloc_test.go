//go:build !race

// The race detector changes allocation counts, so this file is left out
// of -race builds rather than skipping there (a skipped test fails CI):
// .ci/run runs these tests in a step of their own without -race.

package token_test

import (
	"errors"
	"testing"
	"time"

	"github.com/sessionless/sessionless/token"
)

// TestAllocations holds the allocation budget of issue 2: Seal at most 8,
// Open at most the payload's own decoding + 6, garbage refused with at
// most 1 (none, in fact).
func TestAllocations(t *testing.T) {
	f := newFixture(t)
	c := newCodec[User](t, f.ring, "auth")
	tok := seal(t, c, t0)
	payload := []byte(`{"id":1042,"name":"Alice Liddell","email":"alice@example.com","phone":"+44 20 7946 0958","roles":["member","editor"]}`)
	decode := testing.AllocsPerRun(200, func() {
		var u User
		if err := jsonUnmarshal(payload, &u); err != nil {
			t.Fatal(err)
		}
	})
	sealAllocs := testing.AllocsPerRun(200, func() {
		if _, err := c.Seal(params(t0, time.Hour), alice); err != nil {
			t.Fatal(err)
		}
	})
	openAllocs := testing.AllocsPerRun(200, func() {
		if _, err := c.Open(tok, t0); err != nil {
			t.Fatal(err)
		}
	})
	garbage := string(randomBase64URL(4096))
	rejectAllocs := testing.AllocsPerRun(200, func() {
		if _, err := c.Open(garbage, t0); !errors.Is(err, token.ErrInvalid) {
			t.Fatal(err)
		}
	})
	t.Logf("allocations: seal %v, open %v (payload decode %v), reject garbage %v", sealAllocs, openAllocs, decode, rejectAllocs)
	if sealAllocs > 8 {
		t.Errorf("Seal allocates %v times; budget 8", sealAllocs)
	}
	if openAllocs > decode+6 {
		t.Errorf("Open allocates %v times; budget %v (payload decode) + 6", openAllocs, decode)
	}
	if rejectAllocs > 1 {
		t.Errorf("refusing 4 KiB of garbage allocates %v times; budget 1", rejectAllocs)
	}
}
