package keyring

// In-package tests of unexported helpers only; the API is tested from
// keyring_test.

import (
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json/jsontext"
)

// TestMemberName checks how a decoding error names a member: by name only
// if it looks like one of the document's.
func TestMemberName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   jsontext.Pointer
		want string
	}{
		{"", "the document"},
		{"/version", `member "version"`},
		{"/keys/3", "key 3"},
		{"/keys/0/secret", `member "secret"`},
		{"/keys/0/revoke_before", `member "revoke_before"`},
		{"/Version", "a member"},
		{jsontext.Pointer("/" + strings.Repeat("a", 17)), "a member"},
		{"/keys/0/AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8", "a member"},
		{"/k~1e", "a member"},
	}
	for _, tt := range tests {
		if got := memberName(tt.in); got != tt.want {
			t.Errorf("memberName(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestQuoteID(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"k1", `"k1"`},
		{strings.Repeat("a", 32), `"` + strings.Repeat("a", 32) + `"`},
		{strings.Repeat("a", 33), "(invalid id not shown)"},
		{"a\nb", "(invalid id not shown)"},
		{"", "(invalid id not shown)"},
	}
	for _, tt := range tests {
		if got := quoteID(tt.in); got != tt.want {
			t.Errorf("quoteID(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestInFileRange(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   time.Time
		want bool
	}{
		{time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{time.Time{}, true}, // the zero time is refused elsewhere, with its own message
		{time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC), true},
		{time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{time.Date(9999, 12, 31, 23, 0, 0, 0, time.FixedZone("W", -3600*2)), false},
		{time.Date(1, 1, 1, 0, 30, 0, 0, time.FixedZone("E", 3600)), false},
		{time.Date(0, 6, 1, 0, 0, 0, 0, time.UTC), false},
	}
	for _, tt := range tests {
		if got := inFileRange(tt.in); got != tt.want {
			t.Errorf("inFileRange(%v) = %v; want %v", tt.in, got, tt.want)
		}
	}
}

func TestSecretBytesOfZero(t *testing.T) {
	t.Parallel()
	var s Secret
	if b := s.bytes(); len(b) != SecretSize || !s.IsZero() {
		t.Errorf("the zero Secret reads as %d bytes, IsZero %v; want %d zero bytes", len(b), s.IsZero(), SecretSize)
	}
}
