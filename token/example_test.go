package token_test

import (
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/sessionless/sessionless/keyring"
	"github.com/sessionless/sessionless/token"
)

// A fixed keyring for the examples. A real one comes from a file
// (keyring.LoadFile, keyring.Watch) or keyring.FromEnv; never commit keys.
const exampleKeyring = `{
  "version": 1,
  "keys": [
    {"id": "k2026a", "secret": "3q2-7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE", "created": "2026-11-01T00:00:00Z", "activates": "2026-11-01T01:00:00Z"}
  ]
}`

func Example() {
	ring, err := keyring.Parse([]byte(exampleKeyring))
	if err != nil {
		log.Fatal(err)
	}
	type Session struct {
		UserID int64  `json:"uid"`
		Name   string `json:"name"`
	}
	codec, err := token.New[Session](ring, token.Config{Purpose: "auth"})
	if err != nil {
		log.Fatal(err)
	}

	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	tok, err := codec.Seal(token.Params{IssuedAt: now, Expiry: now.Add(30 * time.Minute), AuthTime: now}, Session{UserID: 42, Name: "Alice"})
	if err != nil {
		log.Fatal(err)
	}

	t, err := codec.Open(tok, now.Add(10*time.Minute))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(t.Data.Name, t.KeyID, t.Expiry.UTC().Format(time.RFC3339))

	_, err = codec.Open(tok, now.Add(time.Hour))
	fmt.Println(errors.Is(err, token.ErrExpired))
	// Output:
	// Alice k2026a 2026-11-23T08:30:00Z
	// true
}

func ExampleCodec_Open() {
	ring, _ := keyring.Parse([]byte(exampleKeyring))
	codec, _ := token.New[string](ring, token.Config{Purpose: "email-verify"})
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)

	for _, raw := range []string{"", "not a token", "eyJhbGciOiJub25lIn0.e30."} {
		_, err := codec.Open(raw, now)
		// Every failure before authentication is the same opaque error;
		// ReasonOf is for the operator's logs, never for the visitor.
		fmt.Println(errors.Is(err, token.ErrInvalid), token.ReasonOf(err))
	}
	// Output:
	// true malformed
	// true malformed
	// true malformed
}

func ExampleCodec_Seal() {
	ring, _ := keyring.Parse([]byte(exampleKeyring))
	auth, _ := token.New[int64](ring, token.Config{Purpose: "auth"})
	remember, _ := token.New[int64](ring, token.Config{Purpose: "remember"})
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)

	tok, _ := remember.Seal(token.Params{IssuedAt: now, Expiry: now.Add(30 * 24 * time.Hour)}, 42)

	// A token sealed for one purpose never opens for another.
	_, err := auth.Open(tok, now)
	fmt.Println(err)
	t, _ := remember.Open(tok, now)
	fmt.Println(t.Data)
	// Output:
	// token: invalid (bad_tag)
	// 42
}

// The key-usage figures: build the codecs on a Usage, and publish it with
// expvar (Publish) or read it (Stats). Once an old key's Opened count
// stops growing, nothing depends on it any more.
func ExampleUsage() {
	ring, err := keyring.Parse([]byte(exampleKeyring))
	if err != nil {
		log.Fatal(err)
	}
	usage := token.NewUsage(ring) // or a *keyring.Live, *keyring.Watcher
	codec, err := token.New[int](usage, token.Config{Purpose: "remember"})
	if err != nil {
		log.Fatal(err)
	}
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	tok, _ := codec.Seal(token.Params{IssuedAt: now, Expiry: now.Add(time.Hour)}, 42)
	codec.Open(tok, now)
	codec.Open(tok, now.Add(2*time.Hour))
	codec.Open("not a token", now)

	for _, k := range usage.Stats().Keys {
		fmt.Printf("%s: sealed %d, opened %d, refused %v\n", k.ID, k.Sealed, k.Opened, k.Rejected)
	}
	fmt.Println("refused before a key was known:", usage.Stats().Rejected)
	// Output:
	// k2026a: sealed 1, opened 1, refused map[expired:1]
	// refused before a key was known: map[malformed:1]
}

// A codec that also knows the purposes a token of the wrong cookie may
// have tells "wrong purpose" from "tampered".
func ExampleConfig_otherPurposes() {
	ring, err := keyring.Parse([]byte(exampleKeyring))
	if err != nil {
		log.Fatal(err)
	}
	remember, _ := token.New[int](ring, token.Config{Purpose: "remember"})
	auth, _ := token.New[int](ring, token.Config{Purpose: "auth", OtherPurposes: []string{"remember"}})
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	tok, _ := remember.Seal(token.Params{IssuedAt: now, Expiry: now.Add(time.Hour)}, 42)

	_, err = auth.Open(tok, now)
	var wp *token.WrongPurposeError
	fmt.Println(errors.Is(err, token.ErrInvalid), token.ReasonOf(err), errors.As(err, &wp) && wp.Purpose == "remember")
	// Output:
	// true wrong_purpose true
}
