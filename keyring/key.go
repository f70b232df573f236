package keyring

import (
	"crypto/rand"
	"encoding/base64"
	"strconv"
	"strings"
	"time"
)

// MaxIDLen is the longest key id: ids match [A-Za-z0-9_-]{1,32}.
const MaxIDLen = 32

// Key is one master key and its lifecycle times.
type Key struct {
	// ID names the key in every token it seals (the JWE "kid"); it matches
	// [A-Za-z0-9_-]{1,32} and is unique in its ring.
	ID string
	// Secret is the master key.
	Secret Secret
	// Created is when the key was made.
	Created time.Time
	// Activates is when the key may become primary. Before it, the key
	// already opens tokens (so servers that activated it earlier are
	// understood) but seals none.
	Activates time.Time
}

// GenerateKey returns a new key with a random id and secret, created at now
// and activating at activates.
func GenerateKey(now, activates time.Time) Key {
	var id [6]byte
	rand.Read(id[:])
	return Key{
		ID:        base64.RawURLEncoding.EncodeToString(id[:]),
		Secret:    GenerateSecret(),
		Created:   now.UTC().Truncate(time.Second),
		Activates: activates.UTC().Truncate(time.Second),
	}
}

// ValidID reports whether id is a valid key id: 1 to 32 characters of
// [A-Za-z0-9_-].
func ValidID(id string) bool { return validName(id, MaxIDLen, "_-") }

// validName reports whether s is 1 to maxLen ASCII letters, digits and
// bytes of punct: the shape of key ids and purpose names.
func validName(s string, maxLen int, punct string) bool {
	if len(s) == 0 || len(s) > maxLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte(punct, c) >= 0) {
			return false
		}
	}
	return true
}

// truncate shortens s for an error message.
func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// quoteID quotes id for an error message if it is a valid id, which is
// never secret. Anything else might be key material typed in the wrong
// place, and is not shown.
func quoteID(id string) string {
	if ValidID(id) {
		return strconv.Quote(id)
	}
	return "(invalid id not shown)"
}

// inFileRange reports whether t can be written in the keyring file:
// RFC 3339 in UTC has four-digit years.
func inFileRange(t time.Time) bool {
	y := t.UTC().Year()
	return 1 <= y && y <= 9999
}
