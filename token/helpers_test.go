package token_test

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	josecipher "github.com/go-jose/go-jose/v4/cipher"

	"github.com/sessionless/sessionless/keyring"
	"github.com/sessionless/sessionless/token"
)

// User is the payload of the tests and benchmarks: 117 bytes of JSON.
type User struct {
	ID    int64    `json:"id"`
	Name  string   `json:"name"`
	Email string   `json:"email"`
	Phone string   `json:"phone"`
	Roles []string `json:"roles"`
}

var alice = User{ID: 1042, Name: "Alice Liddell", Email: "alice@example.com", Phone: "+44 20 7946 0958", Roles: []string{"member", "editor"}}

// t0 is the tests' "now": keys activated an hour before.
var t0 = time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)

// fixture is a ring with an old (live) key, the primary and a pending key.
type fixture struct {
	ring                  *keyring.Ring
	oldID, primID, pendID string
}

func newFixture(t testing.TB) fixture {
	t.Helper()
	old := keyring.GenerateKey(t0.Add(-72*time.Hour), t0.Add(-71*time.Hour))
	prim := keyring.GenerateKey(t0.Add(-2*time.Hour), t0.Add(-time.Hour))
	pend := keyring.GenerateKey(t0, t0.Add(time.Hour))
	r, err := keyring.New([]keyring.Key{old, prim, pend}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	return fixture{ring: r, oldID: old.ID, primID: prim.ID, pendID: pend.ID}
}

func newCodec[T any](t testing.TB, src keyring.Source, purpose string) *token.Codec[T] {
	t.Helper()
	c, err := token.New[T](src, token.Config{Purpose: purpose})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func params(now time.Time, ttl time.Duration) token.Params {
	return token.Params{IssuedAt: now, Expiry: now.Add(ttl), AuthTime: now}
}

func seal(t testing.TB, c *token.Codec[User], now time.Time) string {
	t.Helper()
	tok, err := c.Seal(params(now, time.Hour), alice)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func kek(t testing.TB, r *keyring.Ring, kid, purpose string) []byte {
	t.Helper()
	k, err := r.UnsafeExportPurposeKey(kid, purpose)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

var enc = base64.RawURLEncoding

// forge builds a JWE compact token by hand with any header and plaintext,
// correctly encrypted under kek (A256KW + A256GCM), so that a test shows a
// refusal comes from the check it is about and not from the tag.
func forge(t testing.TB, kek []byte, header string, plaintext []byte) string {
	t.Helper()
	cek := make([]byte, 32)
	iv := make([]byte, 12)
	rand.Read(cek)
	rand.Read(iv)
	block, err := aes.NewCipher(kek)
	if err != nil {
		t.Fatal(err)
	}
	ek, err := josecipher.KeyWrap(block, cek)
	if err != nil {
		t.Fatal(err)
	}
	cb, _ := aes.NewCipher(cek)
	gcm, _ := cipher.NewGCM(cb)
	h := enc.EncodeToString([]byte(header))
	ct := gcm.Seal(nil, iv, plaintext, []byte(h))
	return strings.Join([]string{h, enc.EncodeToString(ek), enc.EncodeToString(iv), enc.EncodeToString(ct[:len(ct)-16]), enc.EncodeToString(ct[len(ct)-16:])}, ".")
}

// claimsJSON is a valid plaintext issued at iat for an hour.
func claimsJSON(iat time.Time) []byte {
	b, _ := json.Marshal(map[string]any{
		"jti":  enc.EncodeToString(make([]byte, 16)),
		"iat":  iat.Unix(),
		"exp":  iat.Add(time.Hour).Unix(),
		"data": alice,
	})
	return b
}

func header(kid string) string {
	return `{"alg":"A256KW","enc":"A256GCM","kid":"` + kid + `"}`
}

// parts splits a token, for tests that rebuild one.
func parts(tok string) []string { return strings.Split(tok, ".") }

// otherTag returns tok with a different, still canonical tag: its
// next-to-last character (6 whole bits) changed.
func otherTag(tok string) string {
	c := "A"
	if tok[len(tok)-2] == 'A' {
		c = "B"
	}
	return tok[:len(tok)-2] + c + tok[len(tok)-1:]
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }

// roundTrip seals in with c for an hour from t0 and opens it at t0,
// failing the test on either error.
func roundTrip[T any](t testing.TB, c *token.Codec[T], in T) *token.Token[T] {
	t.Helper()
	tok, err := c.Seal(params(t0, time.Hour), in)
	if err != nil {
		t.Fatalf("Seal(%#v) = %v", in, err)
	}
	got, err := c.Open(tok, t0)
	if err != nil {
		t.Fatalf("Open of what Seal(%#v) made = %v", in, err)
	}
	return got
}
