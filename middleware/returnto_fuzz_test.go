package middleware_test

import (
	"strings"
	"testing"

	"github.com/sessionless/sessionless/middleware"
)

// FuzzSafeReturnTo checks that whatever SafeReturnTo is given, it returns "/"
// or the input unchanged, and only an input that stays on the site
// (checkReturnTo).
func FuzzSafeReturnTo(f *testing.F) {
	// Every row of the table: accepted paths, and the refused schemes,
	// scheme-relative URLs, userinfo, control characters, escaped separators,
	// dot-segments, non-ASCII and overlong inputs (docs/attacks.md G1, G2, G4, G5).
	for _, tt := range safeReturnToTests {
		f.Add(tt.in)
	}
	// Just at and over the length bound, ending in a byte that matters.
	f.Add("/" + strings.Repeat("a", 2046) + "%")
	f.Add("/" + strings.Repeat("a", 2045) + "%2F")
	f.Add("/" + strings.Repeat("a", 2047) + "/")
	// Whitespace browsers strip at the ends of a Location value, and the
	// other characters they ignore inside it.
	f.Add(" //evil.com ")
	f.Add("\x00/\x0b/evil.com")
	f.Add("/\x0c/evil.com")
	// Scheme-relative after the path is cut at '?' or '#'.
	f.Add("/?//evil.com")
	f.Add("/#//evil.com")
	// Dot-segments next to the delimiters that end a segment.
	f.Add("/.?")
	f.Add("/%2e#")
	f.Add("/a/.%2E/")
	// Escapes at the very end, and escapes of '%' itself.
	f.Add("/a%2")
	f.Add("/%252F%252Fevil.com")
	// A port and IPv6 literal, which only mean something after "//".
	f.Add("/:443")
	f.Add("/[::1]:80/")

	f.Fuzz(func(t *testing.T, in string) {
		checkReturnTo(t, in, middleware.SafeReturnTo(in))
	})
}
