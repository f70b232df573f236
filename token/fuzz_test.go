package token_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/sessionless/sessionless/token"
)

// FuzzOpen feeds Open arbitrary strings. It must never panic, every error
// must be one of the documented ones, and whatever Open accepts, go-jose
// (the reference) must accept too, with the same plaintext claims.
func FuzzOpen(f *testing.F) {
	r := loadVectorRing(&testing.T{}, "keyring.json")
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	c, err := token.New[json.RawMessage](r, token.Config{Purpose: "auth"})
	if err != nil {
		f.Fatal(err)
	}
	// Seeds: every committed vector (valid, expired, wrong key, zip, dir, ...).
	files, _ := filepath.Glob(filepath.Join(vectorDir, "*.txt"))
	var good string
	for _, file := range files {
		b, _ := os.ReadFile(file)
		v, err := parseVector(filepath.Base(file), b)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(v.token)
		if v.file == "ok-auth-primary.txt" {
			good = v.token
		}
	}
	// Bit flips of a valid token, one in each part.
	p := parts(good)
	for i := range p {
		q := append([]string(nil), p...)
		b := []byte(q[i])
		b[len(b)/2] ^= 0x04
		q[i] = string(b)
		f.Add(strings.Join(q, "."))
	}
	// Truncations.
	for _, n := range []int{0, 1, len(p[0]), len(p[0]) + 1, len(good) / 2, len(good) - 23, len(good) - 1} {
		f.Add(good[:n])
	}
	// Foreign algorithms and headers (not encrypted under our key: they
	// exercise the header parser).
	for _, h := range []string{
		`{"alg":"none"}`,
		`{"alg":"dir","enc":"A256GCM","kid":"tv-primary"}`,
		`{"alg":"A256KW","enc":"A256GCM","kid":"tv-primary","zip":"DEF"}`,
		`{"alg":"PBES2-HS512+A256KW","enc":"A256GCM","p2c":99999999,"kid":"tv-primary"}`,
		`{"kid":"tv-primary","enc":"A256GCM","alg":"A256KW"}`,
		`{"alg":"A256KW","alg":"A256KW","enc":"A256GCM","kid":"tv-primary"}`,
	} {
		f.Add(enc.EncodeToString([]byte(h)) + "." + strings.Join(p[1:], "."))
	}
	f.Add(strings.Repeat(".", 1000))
	f.Add(`"` + good + `"`)

	k := kek(f, r, "tv-primary", "auth")
	f.Fuzz(func(t *testing.T, raw string) {
		got, err := c.Open(raw, now)
		if err != nil {
			if got != nil {
				t.Fatalf("Open returned a token with error %v", err)
			}
			if !errors.Is(err, token.ErrInvalid) && !errors.Is(err, token.ErrExpired) && !errors.Is(err, token.ErrNotYetValid) && !errors.Is(err, token.ErrRevoked) {
				t.Fatalf("Open error %v is none of the documented ones", err)
			}
			return
		}
		if got.KeyID != "tv-primary" {
			return // other keys: go-jose check below uses the primary's key
		}
		obj, err := jose.ParseEncryptedCompact(raw, []jose.KeyAlgorithm{jose.A256KW}, []jose.ContentEncryption{jose.A256GCM})
		if err != nil {
			t.Fatalf("Open accepted what go-jose cannot parse: %v", err)
		}
		if _, err := obj.Decrypt(k); err != nil {
			t.Fatalf("Open accepted what go-jose cannot decrypt: %v", err)
		}
	})
}

// FuzzSealOpen: whatever data Seal accepts, Open gives back equal, as raw
// JSON and as the values encoding/json decodes it to; what Open would
// refuse (too deep, too long), Seal refuses. Seal encodes with
// encoding/json and Open decodes with go-json-experiment/json, so this
// holds the two to the same language (lone surrogates, repeated names, odd
// numbers and escapes included).
func FuzzSealOpen(f *testing.F) {
	r := loadVectorRing(&testing.T{}, "keyring.json")
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	c, err := token.New[json.RawMessage](r, token.Config{Purpose: "auth", MaxLength: token.MaxLengthLimit})
	if err != nil {
		f.Fatal(err)
	}
	dyn, err := token.New[any](r, token.Config{Purpose: "auth", MaxLength: token.MaxLengthLimit})
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{nested(64), nested(65), `[{"a":` + nested(63) + `}]`, `{"id":1}`, `"\ud800"`, `{"a":1,"a":2}`, `[1e400]`, `-0.0`, `"\u0000<>&"`, "\"\xff\"", `null`, `{"":{}}`} {
		f.Add([]byte(s))
	}
	typed, err := token.New[User](r, token.Config{Purpose: "auth", MaxLength: token.MaxLengthLimit})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p := token.Params{IssuedAt: now, Expiry: now.Add(time.Hour)}
		// Any bytes as a Go string: sealed and given back equal, or refused
		// with ErrData for not being UTF-8 (encoding/json would replace it).
		in := User{Name: string(data)}
		if tok, err := typed.Seal(p, in); err != nil {
			if !errors.Is(err, token.ErrTooLong) && (!errors.Is(err, token.ErrData) || utf8.Valid(data)) {
				t.Fatalf("Seal(User{Name: %q}) = %v", data, err)
			}
		} else if got, err := typed.Open(tok, now); err != nil || got.Data.Name != in.Name {
			t.Fatalf("Seal(User{Name: %q}), Open = %+v, %v", data, got, err)
		}
		if !json.Valid(data) {
			return
		}
		tok, err := c.Seal(p, json.RawMessage(data))
		if err != nil {
			if !errors.Is(err, token.ErrData) && !errors.Is(err, token.ErrTooLong) {
				t.Fatalf("Seal(%q) = %v; want ErrData or ErrTooLong", data, err)
			}
			return
		}
		got, err := c.Open(tok, now)
		if err != nil {
			t.Fatalf("Seal(%q) gave a token that does not open: %v", data, err)
		}
		var a, b any
		if json.Unmarshal(data, &a) == nil && json.Unmarshal(got.Data, &b) == nil && !reflect.DeepEqual(a, b) {
			t.Fatalf("Seal(%q), Open = %q", data, got.Data)
		}
		// The same data as Go values.
		if tok, err = dyn.Seal(p, a); err != nil {
			t.Fatalf("Seal(%q) as raw JSON, but as %T: %v", data, a, err)
		}
		gotv, err := dyn.Open(tok, now)
		if err != nil {
			t.Fatalf("Seal(%q) as %T gave a token that does not open: %v", data, a, err)
		}
		if !reflect.DeepEqual(a, gotv.Data) {
			t.Fatalf("Seal(%v), Open = %v", a, gotv.Data)
		}
	})
}
