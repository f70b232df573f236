package middleware_test

import (
	"fmt"
	"math/rand/v2"
	"net/url"
	"strings"
	"testing"

	"github.com/sessionless/sessionless/middleware"
)

// safeReturnToTests are the SafeReturnTo cases; FuzzSafeReturnTo seeds its
// corpus with every input. An empty want means the input is accepted as is.
var safeReturnToTests = []struct {
	name string
	in   string
	want string
}{
	// Accepted: same-site absolute paths, returned unchanged.
	{name: "G1/account", in: "/account"},
	{name: "G1/path query fragment", in: "/a/b?x=1#f"},
	{name: "root", in: "/"},
	{name: "trailing slash", in: "/a/b/"},
	{name: "empty query", in: "/?"},
	{name: "query only", in: "/?x=1&y=2"},
	{name: "fragment only", in: "/#top"},
	{name: "escaped space", in: "/a%20b"},
	{name: "escaped UTF-8", in: "/caf%C3%A9"},
	{name: "escaped UTF-8 lower-case hex", in: "/caf%c3%a9"},
	{name: "escaped percent", in: "/100%25"},
	{name: "escaped dot inside a name", in: "/a%2Eb/%2e%2e%2e"},
	{name: "dots inside names", in: "/.well-known/a.b/..c/c../.../x.."},
	{name: "empty segment", in: "/a//b"},
	{name: "sub-delims", in: "/a!$&'()*+,;=b"},
	{name: "unreserved", in: "/AZaz09-._~"},
	// Bytes browsers leave unescaped in queries, so real request URIs hold them.
	{name: "braces brackets pipe caret backtick", in: "/s?q={a|b}[0]^`"},
	{name: "escaped slashes in query", in: "/login?return_to=%2F%2Fevil.com"},
	{name: "slashes in query", in: "/a?next=//evil.com"},
	{name: "backslash escape in query", in: "/a?x=%5C%5Cevil.com"},
	{name: "escaped control in query", in: "/a?text=line%0D%0Aline"},
	{name: "dot segments in query", in: "/a?x=/../..//evil.com"},
	{name: "slashes in fragment", in: "/a#//evil.com"},
	{name: "question marks in query and fragment", in: "/a?b?c#d?e/f"},
	// A colon or an at sign after the first '/' is part of a path on this
	// site: the browser resolves "/@evil.com" to https://good.example/@evil.com.
	{name: "colon in path", in: "/a:b"},
	{name: "scheme-like segment", in: "/javascript:alert(1)"},
	{name: "at sign in path", in: "/@evil.com"},
	{name: "userinfo-like path", in: "/good@evil.com/x"},
	{name: "max length", in: "/" + strings.Repeat("a", 2047)},

	// Refused: not a path.
	{name: "empty", in: "", want: "/"},
	{name: "relative", in: "account", want: "/"},
	{name: "dot relative", in: "./account", want: "/"},
	{name: "dot-dot relative", in: "../account", want: "/"},
	{name: "query relative", in: "?x=1", want: "/"},
	{name: "fragment relative", in: "#f", want: "/"},
	{name: "bare host", in: "evil.com", want: "/"},
	{name: "leading space", in: " /account", want: "/"},

	// Refused: scheme-relative, to another host.
	{name: "G2/double slash", in: "//evil.com", want: "/"},
	{name: "G2/slash backslash", in: `/\evil.com`, want: "/"},
	{name: "G2/double backslash", in: `\\evil.com`, want: "/"},
	{name: "triple slash", in: "///evil.com", want: "/"},
	{name: "slash backslash slash", in: `/\/evil.com`, want: "/"},
	{name: "backslash slash", in: `\/evil.com`, want: "/"},
	{name: "double slash path", in: "//evil.com/account", want: "/"},
	{name: "double slash only", in: "//", want: "/"},
	{name: "backslash in path", in: `/a\b`, want: "/"},
	{name: "backslash in query", in: `/a?x=\`, want: "/"},
	{name: "backslash in fragment", in: `/a#\`, want: "/"},

	// Refused: any scheme.
	{name: "G4/https", in: "https://evil.com", want: "/"},
	{name: "G4/http without slashes", in: "http:evil.com", want: "/"},
	{name: "G4/javascript", in: "javascript:alert(1)", want: "/"},
	{name: "G4/javascript upper-case", in: "JAVASCRIPT:alert(1)", want: "/"},
	{name: "G4/javascript mixed case", in: "JaVaScRiPt:alert(1)", want: "/"},
	{name: "G4/data", in: "data:text/html,<script>alert(1)</script>", want: "/"},
	{name: "G4/data base64", in: "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", want: "/"},
	{name: "G4/vbscript", in: "vbscript:msgbox(1)", want: "/"},
	{name: "G4/https backslashes", in: `https:\\evil.com`, want: "/"},
	{name: "G4/javascript after space", in: " javascript:alert(1)", want: "/"},
	{name: "G4/javascript after tab", in: "\tjavascript:alert(1)", want: "/"},
	{name: "G4/javascript after NUL", in: "\x00javascript:alert(1)", want: "/"},
	{name: "G4/https after control", in: "\x01https://evil.com", want: "/"},
	{name: "G4/javascript with tab inside", in: "java\tscript:alert(1)", want: "/"},
	{name: "G4/javascript with newline inside", in: "java\nscript:alert(1)", want: "/"},

	// Refused: userinfo.
	{name: "G5/userinfo", in: "http://good@evil.com", want: "/"},
	{name: "G5/userinfo with password", in: "https://good.example:x@evil.com/", want: "/"},
	{name: "G5/scheme-relative userinfo", in: "//good.example@evil.com", want: "/"},
	{name: "G5/backslash userinfo", in: `/\good.example@evil.com`, want: "/"},

	// Refused: control characters anywhere, including those browsers strip.
	{name: "tab makes double slash", in: "/\t/evil.com", want: "/"},
	{name: "CR makes double slash", in: "/\r/evil.com", want: "/"},
	{name: "LF makes double slash", in: "/\n/evil.com", want: "/"},
	{name: "tab then backslash", in: "/\t\\evil.com", want: "/"},
	{name: "leading tab", in: "\t//evil.com", want: "/"},
	{name: "NUL", in: "/a\x00b", want: "/"},
	{name: "unit separator", in: "/a\x1fb", want: "/"},
	{name: "DEL", in: "/a\x7fb", want: "/"},
	{name: "header injection", in: "/account\r\nSet-Cookie: x=y", want: "/"},
	{name: "trailing newline", in: "/account\n", want: "/"},
	{name: "control in query", in: "/a?x=\t", want: "/"},
	{name: "control in fragment", in: "/a#\x00", want: "/"},

	// Refused: bytes that are not URI characters.
	{name: "space", in: "/a b", want: "/"},
	{name: "trailing space", in: "/account ", want: "/"},
	{name: "double quote", in: `/a"b`, want: "/"},
	{name: "angle brackets", in: "/<script>", want: "/"},
	{name: "two fragments", in: "/a#b#c", want: "/"},

	// Refused: escapes that change meaning once decoded.
	{name: "escaped double slash", in: "/%2F%2Fevil.com", want: "/"},
	{name: "escaped double slash lower-case", in: "/%2f%2fevil.com", want: "/"},
	{name: "escaped slash later", in: "/a/%2F/b", want: "/"},
	{name: "escaped backslash", in: "/%5Cevil.com", want: "/"},
	{name: "escaped backslash lower-case", in: "/%5cevil.com", want: "/"},
	{name: "escaped NUL", in: "/a%00", want: "/"},
	{name: "escaped CRLF", in: "/a%0d%0aSet-Cookie:x=y", want: "/"},
	{name: "escaped tab double slash", in: "/%09/evil.com", want: "/"},
	{name: "escaped DEL", in: "/a%7F", want: "/"},

	// Refused: dot-segments, plain or escaped in any case.
	{name: "escaped dot-dot", in: "/%2e%2e/x", want: "/"},
	{name: "escaped dot-dot upper-case", in: "/%2E%2E/x", want: "/"},
	{name: "half-escaped dot-dot", in: "/.%2e/x", want: "/"},
	{name: "half-escaped dot-dot other half", in: "/%2E./x", want: "/"},
	{name: "escaped dot", in: "/a/%2e/b", want: "/"},
	{name: "escaped dot at end", in: "/a/%2E", want: "/"},
	{name: "escaped dot-dot before query", in: "/a/%2e%2e?x", want: "/"},
	{name: "dot-dot", in: "/..", want: "/"},
	{name: "dot", in: "/.", want: "/"},
	{name: "dot-dot inside", in: "/a/../b", want: "/"},
	{name: "dot inside", in: "/a/./b", want: "/"},
	{name: "dot-dot before fragment", in: "/a/..#f", want: "/"},
	{name: "dot-dot makes double slash", in: "/..//evil.com", want: "/"},
	{name: "dot makes double slash", in: "/.//evil.com", want: "/"},
	{name: "dot-dot after a segment makes double slash", in: "/a/..//evil.com", want: "/"},

	// Refused: malformed escapes.
	{name: "lone percent", in: "/%", want: "/"},
	{name: "short escape", in: "/%2", want: "/"},
	{name: "non-hex escape", in: "/%zz", want: "/"},
	{name: "non-hex escape in query", in: "/a?x=%G0", want: "/"},
	{name: "lone percent in query", in: "/search?q=100%", want: "/"},
	{name: "lone percent in fragment", in: "/#%", want: "/"},

	// Refused: non-ASCII and invalid UTF-8.
	{name: "UTF-8", in: "/café", want: "/"},
	{name: "division slash", in: "/\u2215evil.com", want: "/"},
	{name: "fullwidth solidus", in: "/\uff0fevil.com", want: "/"},
	{name: "fullwidth reverse solidus", in: "/\uff3cevil.com", want: "/"},
	{name: "ideographic full stop", in: "/x?y#evil\u3002com", want: "/"},
	{name: "invalid UTF-8", in: "/\xff", want: "/"},
	{name: "truncated UTF-8", in: "/\xc3", want: "/"},
	{name: "overlong UTF-8 slash", in: "/\xc0\xafevil.com", want: "/"},

	// Refused: overlong.
	{name: "one byte too long", in: "/" + strings.Repeat("a", 2048), want: "/"},
	{name: "64 KiB", in: "/" + strings.Repeat("a/", 32<<10), want: "/"},
}

func TestSafeReturnTo(t *testing.T) {
	t.Parallel()
	for _, tt := range safeReturnToTests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			want := tt.want
			if want == "" {
				want = tt.in
			}
			if got := middleware.SafeReturnTo(tt.in); got != want {
				t.Errorf("SafeReturnTo(%q) = %q; want %q", tt.in, got, want)
			}
		})
	}
}

// TestSafeReturnToNoAlloc locks in that a path accepted without escapes, ':'
// or '@' is returned without a copy or a call to net/url, and that refusing
// does not allocate either.
func TestSafeReturnToNoAlloc(t *testing.T) {
	for _, in := range []string{"/account", "/a/b?x=1#f", "//evil.com", "https://evil.com", "/a%2F"} {
		if n := testing.AllocsPerRun(100, func() { middleware.SafeReturnTo(in) }); n != 0 {
			t.Errorf("SafeReturnTo(%q) allocates %v times; want 0", in, n)
		}
	}
}

// TestSafeReturnToProperty checks checkReturnTo on the table's inputs, their
// truncations, insertions and substitutions of bytes that matter to URL
// parsers, and random strings.
func TestSafeReturnToProperty(t *testing.T) {
	t.Parallel()
	var total, accepted int
	check := func(in string) {
		total++
		got := middleware.SafeReturnTo(in)
		if got != "/" {
			accepted++
		}
		checkReturnTo(t, in, got)
	}

	interesting := []string{
		"/", `\`, "\t", "\n", "\r", "\x00", "\x1f", "\x7f", " ", "%", "%2e", "%2E",
		"%2f", "%5C", "%0a", ".", "..", ":", "@", "?", "#", "\x80", "\xff", "é",
		"//", `/\`, "http:", "javascript:", "//evil.com", "@evil.com",
	}
	for _, tt := range safeReturnToTests {
		in := tt.in
		check(in)
		for i := 0; i <= len(in); i++ {
			if i > 64 && i < len(in)-8 {
				continue // the middle of the long inputs adds nothing new
			}
			check(in[:i])
			check(in[i:])
			check(in + in[:i])
			for _, s := range interesting {
				check(in[:i] + s + in[i:])
				check(s + in[i:])
				if i < len(in) {
					check(in[:i] + s + in[i+1:])
				}
			}
			if i < len(in) {
				for bit := range 8 {
					b := []byte(in)
					b[i] ^= 1 << bit
					check(string(b))
				}
			}
		}
	}

	// Random strings, mostly over the bytes that matter, with a fixed seed
	// so that a failure can be reproduced.
	rng := rand.New(rand.NewChaCha8([32]byte([]byte("sessionless SafeReturnTo propert"))))
	const alphabet = "/\\/.%%2eEfF5cC0:@?##ab-~ \t\r\n\x00\x7f\x80\xff"
	b := make([]byte, 0, 32)
	for range 300_000 {
		b = b[:0]
		if rng.IntN(4) != 0 {
			b = append(b, '/')
		}
		for range rng.IntN(16) {
			b = append(b, alphabet[rng.IntN(len(alphabet))])
		}
		check(string(b))
	}
	for range 50_000 {
		b = b[:0]
		for range rng.IntN(32) {
			b = append(b, byte(rng.Uint32()))
		}
		check(string(b))
	}

	t.Logf("%d inputs, %d accepted", total, accepted)
	if accepted < total/20 {
		t.Errorf("only %d of %d inputs accepted; the generator no longer exercises the accepting path", accepted, total)
	}
}

var goodBase = func() *url.URL {
	u, err := url.Parse("https://good.example/base")
	if err != nil {
		panic(err)
	}
	return u
}()

// checkReturnTo fails t unless got, the result of SafeReturnTo(in), is "/" or
// in itself, and is a path that stays on the site: no scheme, host or user for
// net/url, nothing a browser drops or reads as '/', and resolved against
// https://good.example/base it stays on good.example.
func checkReturnTo(t testing.TB, in, got string) {
	t.Helper()
	if got == "/" {
		return
	}
	fail := func(why string) {
		t.Helper()
		t.Fatalf("SafeReturnTo(%q) = %q; want %q or the input: %s", in, got, "/", why)
	}
	if got != in {
		fail("result is not the input")
	}
	if len(got) > 2048 {
		fail("longer than 2048 bytes")
	}
	if !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") || strings.HasPrefix(got, `/\`) {
		fail("not a path starting with exactly one '/'")
	}
	for i := 0; i < len(got); i++ {
		if c := got[i]; c < 0x20 || c == 0x7f || c == '\\' || c >= 0x80 {
			fail(fmt.Sprintf("byte %#x at %d", c, i))
		}
	}
	u, err := url.Parse(got)
	if err != nil {
		fail(err.Error())
	}
	if u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		fail(fmt.Sprintf("net/url reads scheme %q, host %q, user %v, opaque %q", u.Scheme, u.Host, u.User, u.Opaque))
	}
	if strings.HasPrefix(u.Path, "//") || strings.ContainsFunc(u.Path, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }) {
		fail(fmt.Sprintf("decoded path %q", u.Path))
	}
	for seg := range strings.SplitSeq(u.Path, "/") {
		if seg == "." || seg == ".." {
			fail(fmt.Sprintf("decoded path %q has a dot-segment", u.Path))
		}
	}
	r := goodBase.ResolveReference(u)
	if r.Scheme != "https" || r.Host != "good.example" || r.User != nil || strings.HasPrefix(r.Path, "//") {
		fail(fmt.Sprintf("resolves to %q", r))
	}
	// What the browser sees after following the redirect, parsed again.
	again, err := url.Parse(r.String())
	if err != nil || again.Scheme != "https" || again.Host != "good.example" || again.User != nil {
		fail(fmt.Sprintf("resolves to %q, which parses as %v, %v", r, again, err))
	}
}

func ExampleSafeReturnTo() {
	for _, returnTo := range []string{
		"/account",
		"/a/b?x=1#f",
		"//evil.com",
		`/\evil.com`,
		"https://evil.com",
		"/\t/evil.com",
		"/%2F%2Fevil.com",
	} {
		fmt.Printf("%-20q → %q\n", returnTo, middleware.SafeReturnTo(returnTo))
	}

	// Building a link to the login page from the request URI.
	requestURI := "/orders?page=2"
	fmt.Println("/login?return_to=" + url.QueryEscape(middleware.SafeReturnTo(requestURI)))

	// Output:
	// "/account"           → "/account"
	// "/a/b?x=1#f"         → "/a/b?x=1#f"
	// "//evil.com"         → "/"
	// "/\\evil.com"        → "/"
	// "https://evil.com"   → "/"
	// "/\t/evil.com"       → "/"
	// "/%2F%2Fevil.com"    → "/"
	// /login?return_to=%2Forders%3Fpage%3D2
}

func BenchmarkSafeReturnTo(b *testing.B) {
	for _, bb := range []struct{ name, in string }{
		{"accept/path", "/account"},
		{"accept/query fragment", "/a/b?x=1#f"},
		{"accept/long path", "/orders/2024/06/invoices?page=2&sort=date&dir=desc#top"},
		{"accept/escapes", "/caf%C3%A9/a%20b"},
		{"refuse/scheme-relative", "//evil.com"},
		{"refuse/javascript", "javascript:alert(1)"},
		{"refuse/escaped slashes", "/%2F%2Fevil.com"},
		{"refuse/4KiB", "/" + strings.Repeat("a", 4095)},
	} {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				middleware.SafeReturnTo(bb.in)
			}
		})
	}
}
