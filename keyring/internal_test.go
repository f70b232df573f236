package keyring

// In-package tests of unexported helpers only; the API is tested from
// keyring_test.

import (
	"strings"
	"testing"
	"time"
)

func TestCheckDuplicates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want string // "" for no error
	}{
		{"empty", ``, ""},
		{"scalar", `1`, ""},
		{"flat", `{"version": 1, "keys": []}`, ""},
		{"same name at different levels", `{"keys": [{"keys": 1}, {"keys": 2}]}`, ""},
		{"same name in sibling objects", `{"keys": [{"id": "a"}, {"id": "b"}]}`, ""},
		{"values that look like names", `{"id": "id", "secret": ["id", "id"]}`, ""},
		{"nested arrays", `{"keys": [[[1, 2], [3]], {"id": [1]}]}`, ""},
		{"object after array closes", `{"keys": [1], "id": {"id": 1}, "secret": 2}`, ""},
		{"duplicate at top", `{"version": 1, "version": 2}`, `member "version" appears twice`},
		{"duplicate after a nested object", `{"keys": {"id": 1}, "id": 2, "keys": 3}`, `member "keys" appears twice`},
		{"duplicate in an array element", `{"keys": [{"id": 1}, {"id": 1, "id": 2}]}`, `member "id" appears twice`},
		{"unknown name", `{"x": 1}`, "unknown member"},
		{"case variant", `{"Id": 1}`, "unknown member"},
		{"depth 16", strings.Repeat("[", 16) + strings.Repeat("]", 16), ""},
		{"depth 17", strings.Repeat("[", 17) + strings.Repeat("]", 17), "nested too deeply"},
		{"syntax error", `{"id" 1}`, "syntax error"},
		{"truncated", `{"id": `, ""}, // left to the decoder, which Parse runs next
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := checkDuplicates([]byte(tt.in))
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("checkDuplicates(%q) = %v; want nil", tt.in, err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("checkDuplicates(%q) = %v; want an error about %q", tt.in, err, tt.want)
			}
		})
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
