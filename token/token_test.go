package token_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sessionless/sessionless/keyring"
	"github.com/sessionless/sessionless/token"
)

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tests := []struct {
		name    string
		purpose string
		p       token.Params
	}{
		{"auth with auth_time", "auth", token.Params{IssuedAt: t0, Expiry: t0.Add(30 * time.Minute), AuthTime: t0.Add(-time.Minute)}},
		{"remember without auth_time", "remember", token.Params{IssuedAt: t0, Expiry: t0.Add(30 * 24 * time.Hour)}},
		{"one second", "email-verify", token.Params{IssuedAt: t0, Expiry: t0.Add(time.Second)}},
		{"sub-second times are truncated", "password.reset", token.Params{IssuedAt: t0.Add(900 * time.Millisecond), Expiry: t0.Add(time.Hour + 900*time.Millisecond)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := newCodec[User](t, f.ring, tt.purpose)
			tok, err := c.Seal(tt.p, alice)
			if err != nil {
				t.Fatalf("Seal: %v", err)
			}
			got, err := c.Open(tok, tt.p.IssuedAt)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			want := token.Claims{
				ID:       got.ID, // random
				KeyID:    f.primID,
				IssuedAt: time.Unix(tt.p.IssuedAt.Unix(), 0),
				Expiry:   time.Unix(tt.p.Expiry.Unix(), 0),
			}
			if !tt.p.AuthTime.IsZero() {
				want.AuthTime = time.Unix(tt.p.AuthTime.Unix(), 0)
			}
			if got.ID.IsZero() {
				t.Error("Open: zero jti")
			}
			if diff := cmp.Diff(want, got.Claims); diff != "" {
				t.Errorf("Open claims (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(alice, got.Data); diff != "" {
				t.Errorf("Open data (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPayloadTypes seals payloads of several kinds: the data is nested
// under "data" whatever its JSON shape, and cannot override a claim.
func TestPayloadTypes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := params(t0, time.Hour)
	t.Run("map that names claims", func(t *testing.T) {
		t.Parallel()
		c := newCodec[map[string]any](t, f.ring, "auth")
		in := map[string]any{"exp": float64(9999999999), "iat": float64(1), "jti": "x", "data": "y"}
		got := roundTrip(t, c, in)
		if diff := cmp.Diff(in, got.Data); diff != "" {
			t.Errorf("data (-want +got):\n%s", diff)
		}
		if got.Expiry.Unix() != t0.Add(time.Hour).Unix() {
			t.Errorf("Expiry = %v; the payload overrode the claim", got.Expiry)
		}
	})
	t.Run("string with quotes and braces", func(t *testing.T) {
		t.Parallel()
		c := newCodec[string](t, f.ring, "auth")
		in := `"}{,"exp":1,"\u2028 <script>`
		tok, err := c.Seal(p, in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.Open(tok, t0)
		if err != nil || got.Data != in {
			t.Fatalf("Open = %q, %v; want %q", got.Data, err, in)
		}
	})
	t.Run("raw JSON array", func(t *testing.T) {
		t.Parallel()
		c := newCodec[json.RawMessage](t, f.ring, "auth")
		in := json.RawMessage(`[1,{"a":[true,null,"]"]},-2.5e3]`)
		tok, err := c.Seal(p, in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.Open(tok, t0)
		if err != nil || string(got.Data) != string(in) {
			t.Fatalf("Open = %s, %v; want %s", got.Data, err, in)
		}
	})
	t.Run("nil pointer", func(t *testing.T) {
		t.Parallel()
		c := newCodec[*User](t, f.ring, "auth")
		tok, err := c.Seal(p, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.Open(tok, t0)
		if err != nil || got.Data != nil {
			t.Fatalf("Open = %v, %v; want nil, nil", got.Data, err)
		}
	})
	t.Run("unencodable", func(t *testing.T) {
		t.Parallel()
		c := newCodec[chan int](t, f.ring, "auth")
		if _, err := c.Seal(p, make(chan int)); err == nil {
			t.Fatal("Seal(chan) succeeded")
		}
	})
	t.Run("data of another type", func(t *testing.T) {
		t.Parallel()
		s := newCodec[string](t, f.ring, "auth")
		tok, err := s.Seal(p, "not a user")
		if err != nil {
			t.Fatal(err)
		}
		u := newCodec[User](t, f.ring, "auth")
		if _, err := u.Open(tok, t0); !errors.Is(err, token.ErrInvalid) || token.ReasonOf(err) != token.ReasonBadClaims {
			t.Fatalf("Open(string token as User) = %v; want ErrInvalid (bad_claims)", err)
		}
	})
}

func TestNew(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tests := []struct {
		name string
		src  keyring.Source
		cfg  token.Config
		ok   bool
	}{
		{"defaults", f.ring, token.Config{Purpose: "auth"}, true},
		{"all set", f.ring, token.Config{Purpose: "a.b_c-D9", MaxLength: 8192, Leeway: 5 * time.Second}, true},
		{"no leeway", f.ring, token.Config{Purpose: "auth", Leeway: -1}, true},
		{"no purpose", f.ring, token.Config{}, false},
		{"purpose with slash", f.ring, token.Config{Purpose: "a/b"}, false},
		{"purpose with space", f.ring, token.Config{Purpose: "a b"}, false},
		{"purpose too long", f.ring, token.Config{Purpose: strings.Repeat("p", 65)}, false},
		{"MaxLength too small", f.ring, token.Config{Purpose: "auth", MaxLength: 10}, false},
		{"MaxLength too large", f.ring, token.Config{Purpose: "auth", MaxLength: token.MaxLengthLimit + 1}, false},
		{"MaxLength negative", f.ring, token.Config{Purpose: "auth", MaxLength: -1}, false},
		{"Leeway too large", f.ring, token.Config{Purpose: "auth", Leeway: time.Hour}, false},
		{"nil source", nil, token.Config{Purpose: "auth"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := token.New[User](tt.src, tt.cfg)
			if (err == nil) != tt.ok {
				t.Fatalf("New(%+v) = %v; want ok=%v", tt.cfg, err, tt.ok)
			}
			if tt.ok && c.Purpose() != tt.cfg.Purpose {
				t.Errorf("Purpose() = %q; want %q", c.Purpose(), tt.cfg.Purpose)
			}
		})
	}
	c := newCodec[User](t, f.ring, "auth")
	if c.MaxLength() != token.DefaultMaxLength {
		t.Errorf("MaxLength() = %d; want the default %d", c.MaxLength(), token.DefaultMaxLength)
	}
}

func TestSealErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := newCodec[User](t, f.ring, "auth")
	tests := []struct {
		name string
		p    token.Params
	}{
		{"zero IssuedAt", token.Params{Expiry: t0}},
		{"zero Expiry", token.Params{IssuedAt: t0}},
		{"Expiry before IssuedAt", token.Params{IssuedAt: t0, Expiry: t0.Add(-time.Second)}},
		{"Expiry equal to IssuedAt", token.Params{IssuedAt: t0, Expiry: t0}},
		{"under a second", token.Params{IssuedAt: t0, Expiry: t0.Add(999 * time.Millisecond)}},
		{"AuthTime after IssuedAt", token.Params{IssuedAt: t0, Expiry: t0.Add(time.Hour), AuthTime: t0.Add(time.Second)}},
		{"before 1970", token.Params{IssuedAt: time.Unix(-5, 0), Expiry: t0}},
		{"after 9999", token.Params{IssuedAt: t0, Expiry: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if tok, err := c.Seal(tt.p, alice); err == nil {
				t.Fatalf("Seal(%+v) = %d bytes, nil; want an error", tt.p, len(tok))
			}
		})
	}
	t.Run("too long", func(t *testing.T) {
		t.Parallel()
		big := alice
		big.Name = strings.Repeat("x", token.DefaultMaxLength)
		if _, err := c.Seal(params(t0, time.Hour), big); err == nil {
			t.Fatal("Seal of a token over MaxLength succeeded")
		}
		// The same data fits a codec with a larger bound.
		c2, err := token.New[User](f.ring, token.Config{Purpose: "auth", MaxLength: 16384})
		if err != nil {
			t.Fatal(err)
		}
		tok, err := c2.Seal(params(t0, time.Hour), big)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c2.Open(tok, t0); err != nil {
			t.Fatalf("Open of a long token: %v", err)
		}
		if _, err := c.Open(tok, t0); !errors.Is(err, token.ErrInvalid) {
			t.Fatalf("Open over MaxLength = %v; want ErrInvalid", err)
		}
	})
	t.Run("no primary", func(t *testing.T) {
		t.Parallel()
		r, err := keyring.New([]keyring.Key{keyring.GenerateKey(t0, t0.Add(time.Hour))}, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		c := newCodec[User](t, r, "auth")
		if _, err := c.Seal(params(t0, time.Hour), alice); !errors.Is(err, keyring.ErrNoPrimary) {
			t.Fatalf("Seal with only a pending key = %v; want ErrNoPrimary", err)
		}
	})
}

// TestPrimaryAtIssuedAt: the key that seals is the primary at the token's
// IssuedAt, so a pending key takes over when its time comes, with no
// reload.
func TestPrimaryAtIssuedAt(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := newCodec[User](t, f.ring, "auth")
	for _, tt := range []struct {
		at   time.Time
		want string
	}{
		{t0, f.primID},
		{t0.Add(time.Hour - time.Second), f.primID},
		{t0.Add(time.Hour), f.pendID},
	} {
		got, err := c.Open(seal(t, c, tt.at), tt.at)
		if err != nil {
			t.Fatal(err)
		}
		if got.KeyID != tt.want {
			t.Errorf("sealed at %v under %q; want %q", tt.at, got.KeyID, tt.want)
		}
	}
}

// TestTimeChecks is docs/attacks.md D1, D2 and D7.
func TestTimeChecks(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := newCodec[User](t, f.ring, "auth")
	tok := seal(t, c, t0) // exp = t0 + 1h
	exp := t0.Add(time.Hour)
	lee := token.DefaultLeeway
	tests := []struct {
		name string
		now  time.Time
		want error
	}{
		{"D1/exp-1s", exp.Add(-time.Second), nil},
		{"D1/exp", exp, nil},
		{"D1/exp+leeway-1ns", exp.Add(lee - 1), nil},
		{"D1/exp+leeway", exp.Add(lee), token.ErrExpired}, // RFC 7519 §4.1.4: "on or after"
		{"D1/exp+leeway+1ns", exp.Add(lee + 1), token.ErrExpired},
		{"D1/exp+leeway+1s", exp.Add(lee + time.Second), token.ErrExpired},
		{"D2/iat-leeway", t0.Add(-lee), nil},
		{"D2/iat-leeway-1s", t0.Add(-lee - time.Second), token.ErrNotYetValid},
		{"D2/an hour early", t0.Add(-time.Hour), token.ErrNotYetValid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := c.Open(tok, tt.now)
			if !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Fatalf("Open at %v = %v; want %v", tt.now, err, tt.want)
			}
			if tt.want != nil {
				var te *token.TimeError
				if !errors.As(err, &te) || te.Claims.KeyID != f.primID || !te.Claims.Expiry.Equal(exp) {
					t.Errorf("error %v does not carry the claims: %+v", err, te)
				}
			}
		})
	}
	t.Run("no leeway", func(t *testing.T) {
		t.Parallel()
		c, err := token.New[User](f.ring, token.Config{Purpose: "auth", Leeway: -1})
		if err != nil {
			t.Fatal(err)
		}
		tok := seal(t, c, t0)
		if _, err := c.Open(tok, exp.Add(-1)); err != nil {
			t.Errorf("Open at exp-1ns = %v; want nil", err)
		}
		if _, err := c.Open(tok, exp); !errors.Is(err, token.ErrExpired) {
			t.Errorf("Open at exp = %v; want ErrExpired (RFC 7519 §4.1.4)", err)
		}
		if _, err := c.Open(tok, exp.Add(time.Second)); !errors.Is(err, token.ErrExpired) {
			t.Errorf("Open at exp+1s = %v; want ErrExpired", err)
		}
		if _, err := c.Open(tok, t0.Add(-time.Second)); !errors.Is(err, token.ErrNotYetValid) {
			t.Errorf("Open at iat-1s = %v; want ErrNotYetValid", err)
		}
	})
	t.Run("D7/revoke_before", func(t *testing.T) {
		t.Parallel()
		for _, tt := range []struct {
			name   string
			revoke time.Time
			want   error
		}{
			{"after iat", t0.Add(time.Second), token.ErrRevoked},
			{"within the iat second", t0.Add(500 * time.Millisecond), token.ErrRevoked},
			{"at iat", t0, nil},
			{"before iat", t0.Add(-time.Second), nil},
		} {
			r, err := f.ring.WithRevokeBefore(tt.revoke)
			if err != nil {
				t.Fatal(err)
			}
			c := newCodec[User](t, r, "auth")
			if _, err := c.Open(tok, t0); !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Errorf("%s: Open = %v; want %v", tt.name, err, tt.want)
			}
		}
	})
}

func TestReasonOf(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := newCodec[User](t, f.ring, "auth")
	rem := newCodec[User](t, f.ring, "remember")
	good := seal(t, c, t0)
	tests := []struct {
		name string
		raw  string
		now  time.Time
		want token.Reason
	}{
		{"ok", good, t0, token.ReasonNone},
		{"malformed", "garbage", t0, token.ReasonMalformed},
		{"unknown key", forge(t, make([]byte, 32), header("nope"), claimsJSON(t0)), t0, token.ReasonUnknownKey},
		{"bad tag", seal(t, rem, t0), t0, token.ReasonBadTag},
		{"bad claims", forge(t, kek(t, f.ring, f.primID, "auth"), header(f.primID), []byte(`{}`)), t0, token.ReasonBadClaims},
		{"expired", good, t0.Add(3 * time.Hour), token.ReasonExpired},
		{"not yet valid", good, t0.Add(-3 * time.Hour), token.ReasonNotYetValid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := c.Open(tt.raw, tt.now)
			if got := token.ReasonOf(err); got != tt.want {
				t.Errorf("ReasonOf(%v) = %q; want %q", err, got, tt.want)
			}
		})
	}
	if got := token.ReasonOf(errors.New("x")); got != token.ReasonOther {
		t.Errorf("ReasonOf(other) = %q; want %q", got, token.ReasonOther)
	}
	if got := token.ReasonOf(token.ErrInvalid); got != token.ReasonMalformed {
		t.Errorf("ReasonOf(ErrInvalid) = %q; want %q", got, token.ReasonMalformed)
	}
}
