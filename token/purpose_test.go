package token_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sessionless/sessionless/token"
)

// TestOtherPurposes: a token that fails authentication is tried under the
// codec's other purposes, and one authentic there is refused as
// wrong_purpose (still ErrInvalid, never opened).
func TestOtherPurposes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	auth, err := token.New[User](f.ring, token.Config{Purpose: "auth", OtherPurposes: []string{"fresh", "remember"}})
	if err != nil {
		t.Fatal(err)
	}
	plain := newCodec[User](t, f.ring, "auth")
	rem := newCodec[User](t, f.ring, "remember")
	remTok := seal(t, rem, t0)
	tests := []struct {
		name    string
		c       *token.Codec[User]
		tok     string
		now     time.Time
		want    token.Reason
		purpose string
	}{
		{"remember token in the auth codec", auth, remTok, t0, token.ReasonWrongPurpose, "remember"},
		{"expired remember token", auth, remTok, t0.Add(48 * time.Hour), token.ReasonWrongPurpose, "remember"},
		{"sealed by go-jose for remember", auth, forge(t, kek(t, f.ring, f.primID, "remember"), header(f.primID), claimsJSON(t0)), t0, token.ReasonWrongPurpose, "remember"},
		{"without OtherPurposes", plain, remTok, t0, token.ReasonBadTag, ""},
		{"tampered", auth, otherTag(remTok), t0, token.ReasonBadTag, ""},
		{"purpose not listed", auth, seal(t, newCodec[User](t, f.ring, "email"), t0), t0, token.ReasonBadTag, ""},
		{"own purpose opens", auth, seal(t, auth, t0), t0, token.ReasonNone, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := tt.c.Open(tt.tok, tt.now)
			if r := token.ReasonOf(err); r != tt.want {
				t.Fatalf("Open = %v (reason %q); want reason %q", err, r, tt.want)
			}
			if tt.want == token.ReasonNone {
				return
			}
			if got != nil || !errors.Is(err, token.ErrInvalid) {
				t.Errorf("Open = %v, %v; want nil and an error matching ErrInvalid", got, err)
			}
			var wp *token.WrongPurposeError
			if errors.As(err, &wp) != (tt.purpose != "") || (wp != nil && wp.Purpose != tt.purpose) {
				t.Errorf("error %v: WrongPurposeError %+v; want purpose %q", err, wp, tt.purpose)
			}
		})
	}
}

func TestOtherPurposesConfig(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, others := range [][]string{{"auth"}, {""}, {"no spaces"}, {"remember", "x/y"}} {
		if _, err := token.New[User](f.ring, token.Config{Purpose: "auth", OtherPurposes: others}); err == nil {
			t.Errorf("New with OtherPurposes %q succeeded", others)
		}
	}
	in := []string{"remember"}
	c, err := token.New[User](f.ring, token.Config{Purpose: "auth", OtherPurposes: in})
	if err != nil {
		t.Fatal(err)
	}
	in[0] = "fresh" // the codec keeps its own copy
	_, err = c.Open(seal(t, newCodec[User](t, f.ring, "remember"), t0), t0)
	var wp *token.WrongPurposeError
	if !errors.As(err, &wp) || cmp.Diff("remember", wp.Purpose) != "" {
		t.Errorf("Open = %v; want a WrongPurposeError for remember", err)
	}
}
