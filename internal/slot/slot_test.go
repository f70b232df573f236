package slot

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/sessionless/sessionless/cookie"
	"github.com/sessionless/sessionless/keyring"
	"github.com/sessionless/sessionless/token"
)

// TestReason checks the one mapping of read and open errors to reasons.
func TestReason(t *testing.T) {
	now := time.Now()
	ring, err := keyring.New([]keyring.Key{keyring.GenerateKey(now.Add(-time.Hour), now.Add(-time.Hour))}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := token.New[int](ring, token.Config{Purpose: "test"})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := c.Seal(token.Params{IssuedAt: now.Add(-time.Hour), Expiry: now.Add(-30 * time.Minute)}, 1)
	if err != nil {
		t.Fatal(err)
	}
	_, expired := c.Open(raw, now)
	_, garbage := c.Open("garbage", now)
	for _, tt := range []struct {
		name string
		err  error
		want token.Reason
		kid  bool
	}{
		{"duplicate cookie", fmt.Errorf("read: %w", cookie.ErrAmbiguous), token.ReasonDuplicate, false},
		{"malformed cookie", fmt.Errorf("read: %w", cookie.ErrMalformed), token.ReasonMalformed, false},
		{"any other error", errors.New("x"), token.ReasonMalformed, false},
		{"not a token", garbage, token.ReasonMalformed, false},
		{"expired", expired, token.ReasonExpired, true},
	} {
		if got := Reason(tt.err); got != tt.want {
			t.Errorf("%s: Reason = %q; want %q", tt.name, got, tt.want)
		}
		if got := KeyID(tt.err); (got != "") != tt.kid {
			t.Errorf("%s: KeyID = %q; want one: %v", tt.name, got, tt.kid)
		}
	}
}
