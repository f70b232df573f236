package token_test

// go-jose is the reference implementation: it must open every token we
// seal, and we must open what it seals, whatever the order of the header
// members.

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/google/go-cmp/cmp"

	"github.com/sessionless/sessionless/token"
)

func TestGoJoseOpensOurs(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, purpose := range []string{"auth", "remember", "email-verify"} {
		t.Run(purpose, func(t *testing.T) {
			t.Parallel()
			c := newCodec[User](t, f.ring, purpose)
			tok, err := c.Seal(params(t0, time.Hour), alice)
			if err != nil {
				t.Fatal(err)
			}
			obj, err := jose.ParseEncryptedCompact(tok, []jose.KeyAlgorithm{jose.A256KW}, []jose.ContentEncryption{jose.A256GCM})
			if err != nil {
				t.Fatalf("go-jose ParseEncryptedCompact: %v", err)
			}
			if obj.Header.KeyID != f.primID || obj.Header.Algorithm != string(jose.A256KW) {
				t.Errorf("go-jose header = kid %q alg %q; want kid %q alg A256KW", obj.Header.KeyID, obj.Header.Algorithm, f.primID)
			}
			// The protected header has exactly alg, enc, kid in this order.
			h, err := enc.DecodeString(parts(tok)[0])
			if err != nil {
				t.Fatal(err)
			}
			if want := header(f.primID); string(h) != want {
				t.Errorf("header = %s; want %s", h, want)
			}
			pt, err := obj.Decrypt(kek(t, f.ring, f.primID, purpose))
			if err != nil {
				t.Fatalf("go-jose Decrypt: %v", err)
			}
			var claims struct {
				JTI      string `json:"jti"`
				IAT      int64  `json:"iat"`
				EXP      int64  `json:"exp"`
				AuthTime int64  `json:"auth_time"`
				Data     User   `json:"data"`
			}
			dec := json.NewDecoder(bytesReader(pt))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&claims); err != nil {
				t.Fatalf("plaintext %s: %v", pt, err)
			}
			if raw, err := enc.DecodeString(claims.JTI); err != nil || len(raw) != 16 {
				t.Errorf("jti %q is not 16 bytes of base64url", claims.JTI)
			}
			if claims.IAT != t0.Unix() || claims.EXP != t0.Add(time.Hour).Unix() || claims.AuthTime != t0.Unix() {
				t.Errorf("claims = %+v; want iat %d exp %d auth_time %d", claims, t0.Unix(), t0.Add(time.Hour).Unix(), t0.Unix())
			}
			if diff := cmp.Diff(alice, claims.Data); diff != "" {
				t.Errorf("data (-want +got):\n%s", diff)
			}
			// Another purpose's key does not open it.
			if _, err := obj.Decrypt(kek(t, f.ring, f.primID, purpose+"x")); err == nil {
				t.Error("go-jose opened the token with another purpose's key")
			}
		})
	}
}

func TestWeOpenGoJose(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := newCodec[User](t, f.ring, "auth")
	k := kek(t, f.ring, f.primID, "auth")
	goJoseSeal := func(t *testing.T, opts *jose.EncrypterOptions) string {
		t.Helper()
		e, err := jose.NewEncrypter(jose.A256GCM, jose.Recipient{Algorithm: jose.A256KW, Key: k, KeyID: f.primID}, opts)
		if err != nil {
			t.Fatal(err)
		}
		obj, err := e.Encrypt(claimsJSON(t0))
		if err != nil {
			t.Fatal(err)
		}
		tok, err := obj.CompactSerialize()
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	t.Run("plain", func(t *testing.T) {
		t.Parallel()
		got, err := c.Open(goJoseSeal(t, nil), t0)
		if err != nil {
			t.Fatalf("Open(go-jose token) = %v", err)
		}
		if got.KeyID != f.primID || got.Data.Email != alice.Email {
			t.Errorf("Open(go-jose token) = %+v", got)
		}
	})
	t.Run("typ header refused", func(t *testing.T) {
		t.Parallel()
		_, err := c.Open(goJoseSeal(t, (&jose.EncrypterOptions{}).WithType("JWT")), t0)
		wantInvalid(t, "typ", err, token.ReasonMalformed)
	})
	t.Run("cty header refused", func(t *testing.T) {
		t.Parallel()
		_, err := c.Open(goJoseSeal(t, (&jose.EncrypterOptions{}).WithContentType("JWT")), t0)
		wantInvalid(t, "cty", err, token.ReasonMalformed)
	})
	t.Run("B4/zip DEF refused", func(t *testing.T) {
		t.Parallel()
		_, err := c.Open(goJoseSeal(t, &jose.EncrypterOptions{Compression: jose.DEFLATE}), t0)
		wantInvalid(t, "zip", err, token.ReasonMalformed)
	})
	t.Run("dir refused", func(t *testing.T) {
		t.Parallel()
		e, err := jose.NewEncrypter(jose.A256GCM, jose.Recipient{Algorithm: jose.DIRECT, Key: k, KeyID: f.primID}, nil)
		if err != nil {
			t.Fatal(err)
		}
		obj, _ := e.Encrypt(claimsJSON(t0))
		tok, _ := obj.CompactSerialize()
		_, err = c.Open(tok, t0)
		wantInvalid(t, "dir", err, token.ReasonMalformed)
	})
}

// TestHeaderOrderBothWays: tokens whose header members come in every
// order are opened by go-jose and by us alike.
func TestHeaderOrderBothWays(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := newCodec[User](t, f.ring, "auth")
	k := kek(t, f.ring, f.primID, "auth")
	m := map[string]string{"alg": `"alg":"A256KW"`, "enc": `"enc":"A256GCM"`, "kid": `"kid":"` + f.primID + `"`}
	orders := [][3]string{
		{"alg", "enc", "kid"}, {"alg", "kid", "enc"}, {"enc", "alg", "kid"},
		{"enc", "kid", "alg"}, {"kid", "alg", "enc"}, {"kid", "enc", "alg"},
	}
	for _, o := range orders {
		h := "{" + m[o[0]] + "," + m[o[1]] + "," + m[o[2]] + "}"
		t.Run(h, func(t *testing.T) {
			t.Parallel()
			tok := forge(t, k, h, claimsJSON(t0))
			obj, err := jose.ParseEncryptedCompact(tok, []jose.KeyAlgorithm{jose.A256KW}, []jose.ContentEncryption{jose.A256GCM})
			if err != nil {
				t.Fatalf("go-jose parse: %v", err)
			}
			if _, err := obj.Decrypt(k); err != nil {
				t.Fatalf("go-jose Decrypt: %v", err)
			}
			if _, err := c.Open(tok, t0); err != nil {
				t.Fatalf("Open: %v", err)
			}
		})
	}
}

// TestStricterThanGoJose documents the inputs go-jose accepts on its own
// and the shape check refuses (docs/attacks.md, "Observed on go-jose v4.1.8").
func TestStricterThanGoJose(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := newCodec[User](t, f.ring, "auth")
	good := seal(t, c, t0)
	p := parts(good)
	for _, tt := range []struct{ name, raw string }{
		{"newline inside a segment", p[0] + "." + p[1] + "." + p[2] + "." + p[3][:4] + "\n" + p[3][4:] + "." + p[4]},
	} {
		_, err := c.Open(tt.raw, t0)
		if !errors.Is(err, token.ErrInvalid) {
			t.Errorf("%s: Open = %v; want ErrInvalid", tt.name, err)
		}
	}
}
