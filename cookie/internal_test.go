package cookie

import (
	"net/http"
	"testing"
)

func TestParseMarker(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in     string
		want   int
		wantOK bool
	}{
		{"chunks-1", 1, true},
		{"chunks-2", 2, true},
		{"chunks-10", 10, true},
		{"chunks-99", 99, true},
		{"chunks-100", 0, false},
		{"chunks-0", 0, false},
		{"chunks-02", 0, false},
		{"chunks-", 0, false},
		{"chunks-+2", 0, false},
		{"chunks--2", 0, false},
		{"chunks-2 ", 0, false},
		{"chunks-x", 0, false},
		{"Chunks-2", 0, false},
		{"chunks2", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, ok := parseMarker(tt.in)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("parseMarker(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

// TestIsToken checks the name syntax against net/http's, byte by byte.
func TestIsToken(t *testing.T) {
	t.Parallel()
	for b := 0; b < 256; b++ {
		s := string([]byte{byte(b)})
		want := (&http.Cookie{Name: s}).Valid() == nil
		if got := isToken(s); got != want {
			t.Errorf("isToken(%q) = %v; want %v as net/http", s, got, want)
		}
	}
	if isToken("") {
		t.Errorf("isToken(\"\") = true; want false")
	}
}

func TestHasListToken(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		values []string
		tok    string
		want   bool
	}{
		{"nil", nil, "Cookie", false},
		{"only", []string{"Cookie"}, "Cookie", true},
		{"other case", []string{"cookie"}, "Cookie", true},
		{"in a list", []string{"Accept-Encoding, Cookie, Origin"}, "Cookie", true},
		{"tabs", []string{"Origin,\tCookie\t"}, "Cookie", true},
		{"second line", []string{"Origin", "Cookie"}, "Cookie", true},
		{"prefix only", []string{"Cookies"}, "Cookie", false},
		{"directive", []string{"max-age=0, no-store"}, "no-store", true},
		{"directive with argument", []string{"no-store=1"}, "no-store", true},
		{"in an argument", []string{`private="no-store"`}, "no-store", false},
		{"empty elements", []string{",,, ,"}, "Cookie", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := hasListToken(tt.values, tt.tok); got != tt.want {
				t.Errorf("hasListToken(%q, %q) = %v; want %v", tt.values, tt.tok, got, tt.want)
			}
		})
	}
}
