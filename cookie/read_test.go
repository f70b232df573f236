package cookie_test

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/sessionless/sessionless/cookie"
)

// netHTTPRead is Read written plainly over net/http's own parsing of the
// Cookie header, one lookup per name: the reference that the tests hold
// Read's one scan to, error texts included. maxChunks is the Config's.
func netHTTPRead(c *cookie.Cookie, maxChunks int, r *http.Request) (string, error) {
	ref := reference{name: c.Name(), all: r.Cookies()}
	base := ref.named(ref.name)
	switch {
	case len(base) == 0:
		return "", ref.absent()
	case len(base) > 1:
		return "", fmt.Errorf("%w: %q sent %d times", cookie.ErrAmbiguous, ref.name, len(base))
	}
	v := base[0].Value
	switch {
	case base[0].Quoted:
		return "", ref.malformed(ref.name, "quoted value")
	case v == "":
		return "", ref.absent()
	case strings.HasPrefix(v, "chunks-"):
		digits := strings.TrimPrefix(v, "chunks-")
		n, err := strconv.Atoi(digits)
		if err != nil || digits[0] < '1' || digits[0] > '9' || len(digits) > 2 || n < 2 || n > maxChunks {
			return "", ref.malformed(ref.name, "bad chunk marker")
		}
		return ref.join(n, c.MaxValueLen())
	case len(v) > c.MaxValueLen():
		return "", ref.malformed(ref.name, "value too long")
	case !octets(v):
		return "", ref.malformed(ref.name, "value holds a byte that is not a cookie-octet")
	}
	if ch := ref.firstChunk(1); ch != "" {
		return "", ref.malformed(ch, "chunk of an unchunked value")
	}
	return v, nil
}

// reference holds netHTTPRead's request: the cookie's name, and every
// cookie net/http reads.
type reference struct {
	name string
	all  []*http.Cookie
}

func (ref reference) named(name string) []*http.Cookie {
	var out []*http.Cookie
	for _, c := range ref.all {
		if c.Name == name {
			out = append(out, c)
		}
	}
	return out
}

func (ref reference) chunk(i int) string { return ref.name + "." + strconv.Itoa(i) }

// firstChunk returns the name of the lowest chunk from from on, or "".
func (ref reference) firstChunk(from int) string {
	for i := from; i <= cookie.MaxChunksLimit; i++ {
		if len(ref.named(ref.chunk(i))) > 0 {
			return ref.chunk(i)
		}
	}
	return ""
}

func (ref reference) absent() error {
	if ch := ref.firstChunk(1); ch != "" {
		return ref.malformed(ch, "chunk without its base cookie")
	}
	return cookie.ErrNotFound
}

func (reference) malformed(name, why string) error {
	return fmt.Errorf("%w: %q: %s", cookie.ErrMalformed, name, why)
}

func (ref reference) join(n, maxLen int) (string, error) {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		cs := ref.named(ref.chunk(i))
		switch {
		case len(cs) == 0:
			return "", ref.malformed(ref.chunk(i), "chunk missing")
		case len(cs) > 1:
			return "", fmt.Errorf("%w: %q sent %d times", cookie.ErrAmbiguous, ref.chunk(i), len(cs))
		case cs[0].Quoted:
			return "", ref.malformed(ref.chunk(i), "quoted value")
		case cs[0].Value == "":
			return "", ref.malformed(ref.chunk(i), "empty chunk")
		case !octets(cs[0].Value):
			return "", ref.malformed(ref.chunk(i), "value holds a byte that is not a cookie-octet")
		}
		b.WriteString(cs[0].Value)
	}
	if ch := ref.firstChunk(n + 1); ch != "" {
		return "", ref.malformed(ch, "chunk beyond the marker's count")
	}
	if b.Len() > maxLen {
		return "", ref.malformed(ref.name, "value too long")
	}
	if strings.HasPrefix(b.String(), "chunks-") {
		return "", ref.malformed(ref.name, "value begins with the chunk marker")
	}
	return b.String(), nil
}

// octets reports whether v holds RFC 6265 cookie-octets only.
func octets(v string) bool {
	for _, b := range []byte(v) {
		if b < 0x21 || b > 0x7e || strings.IndexByte(`",;\`, b) >= 0 {
			return false
		}
	}
	return true
}

// checkRead compares Read with netHTTPRead on r: the value, the error's
// text and its sentinel.
func checkRead(t *testing.T, c *cookie.Cookie, maxChunks int, r *http.Request) (string, error) {
	t.Helper()
	got, err := c.Read(r)
	want, wantErr := netHTTPRead(c, maxChunks, r)
	if got != want || fmt.Sprint(err) != fmt.Sprint(wantErr) {
		t.Fatalf("Read(%.200q) = %.100q, %v; net/http's reading %.100q, %v", r.Header["Cookie"], got, err, want, wantErr)
	}
	for _, sentinel := range []error{cookie.ErrNotFound, cookie.ErrAmbiguous, cookie.ErrMalformed} {
		if errors.Is(err, sentinel) != errors.Is(wantErr, sentinel) {
			t.Fatalf("Read(%.200q) = %v; net/http's reading %v", r.Header["Cookie"], err, wantErr)
		}
	}
	// ReadAppend is Read, appended to what the buffer held.
	const held = "held;"
	buf, appendErr := c.ReadAppend(append(make([]byte, 0, 8), held...), r)
	if string(buf) != held+got || fmt.Sprint(appendErr) != fmt.Sprint(err) {
		t.Fatalf("ReadAppend(%q, %.200q) = %.100q, %v; want %.100q, %v", held, r.Header["Cookie"], buf, appendErr, held+got, err)
	}
	return got, err
}

// TestReadScan covers the paths of Read's one scan: a chunk before or after
// its base, on one line or several, duplicated, with a bad byte or quoted,
// values that end in spaces (read as net/http reads them), and net/http's
// bound on the number of cookies crossed by a chunked request. Each case is
// also held to netHTTPRead.
func TestReadScan(t *testing.T) {
	t.Parallel()
	c := mustNew(t, cookie.Config{Name: authName})
	tests := []struct {
		name    string
		lines   []string
		want    string
		wantErr error
		why     string // in the error's text
	}{
		{"chunk before its base", []string{"__Host-auth.1=abc; __Host-auth=chunks-2; __Host-auth.2=def"}, "abcdef", nil, ""},
		{"chunks after their base, a line each", []string{"__Host-auth=chunks-2", "__Host-auth.1=abc", "__Host-auth.2=def"}, "abcdef", nil, ""},
		{"chunks before their base, a line each", []string{"__Host-auth.2=def", "__Host-auth.1=abc", "__Host-auth=chunks-2"}, "abcdef", nil, ""},
		{"lines empty, blank and ending in ';'", []string{"", "theme=dark; __Host-auth.1=abc;", " \t ", ";__Host-auth=chunks-2 ; __Host-auth.2=def\t"}, "abcdef", nil, ""},
		{"spaces before ';'", []string{"__Host-auth.1=abc  ; __Host-auth.2=def\t; __Host-auth=chunks-2 "}, "abcdef", nil, ""},
		{"'=' in a chunk", []string{"__Host-auth=chunks-2; __Host-auth.1=a=b; __Host-auth.2=c"}, "a=bc", nil, ""},
		{"unchunked value among lines", []string{"a=1", "__Host-auth=abc ;b=2", "c"}, "abc", nil, ""},

		{"chunk twice on two lines", []string{"__Host-auth=chunks-2; __Host-auth.1=a", "__Host-auth.1=a; __Host-auth.2=b"}, "", cookie.ErrAmbiguous, `"__Host-auth.1" sent 2 times`},
		{"chunk beyond the count twice", []string{"__Host-auth=chunks-2; __Host-auth.3=c; __Host-auth.1=a; __Host-auth.2=b; __Host-auth.3=c"}, "", cookie.ErrMalformed, `"__Host-auth.3": chunk beyond the marker's count`},
		{"lowest chunk beyond the count", []string{"__Host-auth.4=d; __Host-auth=chunks-2; __Host-auth.3=c; __Host-auth.1=a; __Host-auth.2=b"}, "", cookie.ErrMalformed, `"__Host-auth.3": chunk beyond`},
		{"chunk of an unchunked value twice", []string{"__Host-auth.2=x; __Host-auth=abc; __Host-auth.2=y"}, "", cookie.ErrMalformed, `"__Host-auth.2": chunk of an unchunked value`},
		{"chunks without their base", []string{"__Host-auth.3=x", "__Host-auth.2=y"}, "", cookie.ErrMalformed, `"__Host-auth.2": chunk without its base cookie`},
		{"chunk twice, one net/http drops", []string{`__Host-auth=chunks-2; __Host-auth.1=a; __Host-auth.1=a"b; __Host-auth.2=b`}, "ab", nil, ""},

		{"comma in a chunk", []string{"__Host-auth=chunks-2; __Host-auth.1=a,b; __Host-auth.2=c"}, "", cookie.ErrMalformed, `"__Host-auth.1": value holds a byte`},
		{"space inside the last chunk", []string{"__Host-auth=chunks-2; __Host-auth.1=ab; __Host-auth.2=c d"}, "", cookie.ErrMalformed, `"__Host-auth.2": value holds a byte`},
		{"space before a chunk's value", []string{"__Host-auth=chunks-2; __Host-auth.1= ab; __Host-auth.2=c"}, "", cookie.ErrMalformed, `"__Host-auth.1": value holds a byte`},
		{"backslash in a chunk", []string{`__Host-auth=chunks-2; __Host-auth.1=a\b; __Host-auth.2=c`}, "", cookie.ErrMalformed, `"__Host-auth.1": chunk missing`},
		{"DEL in a chunk", []string{"__Host-auth=chunks-2; __Host-auth.1=ab; __Host-auth.2=c\x7f"}, "", cookie.ErrMalformed, `"__Host-auth.2": chunk missing`},
		{"non-ASCII in a chunk", []string{"__Host-auth=chunks-2; __Host-auth.1=ab; __Host-auth.2=é"}, "", cookie.ErrMalformed, `"__Host-auth.2": chunk missing`},
		{"chunk without '='", []string{"__Host-auth=chunks-2; __Host-auth.1; __Host-auth.2=b"}, "", cookie.ErrMalformed, `"__Host-auth.1": empty chunk`},

		{"quoted last chunk", []string{`__Host-auth=chunks-2; __Host-auth.1=abc; __Host-auth.2="def"`}, "", cookie.ErrMalformed, `"__Host-auth.2": quoted value`},
		{"quoted empty chunk", []string{`__Host-auth=chunks-2; __Host-auth.1=""; __Host-auth.2=def`}, "", cookie.ErrMalformed, `"__Host-auth.1": quoted value`},
		{"quoted chunk with a space", []string{`__Host-auth=chunks-2; __Host-auth.1="a b"; __Host-auth.2=def`}, "", cookie.ErrMalformed, `"__Host-auth.1": quoted value`},
		{"quoted chunk of an unchunked value", []string{`__Host-auth=abc`, `__Host-auth.1="x"`}, "", cookie.ErrMalformed, `"__Host-auth.1": chunk of an unchunked value`},

		// net/http's bound on the cookies of a request (CVE-2025-58186):
		// past it the request carries no session, wherever it is crossed.
		{"3000 cookies", []string{strings.Repeat("a=b; ", 2997) + twoChunks}, "abcdef", nil, ""},
		{"3001 cookies", []string{strings.Repeat("a=b; ", 2998) + twoChunks}, "", cookie.ErrNotFound, ""},
		{"3000 over lines", []string{strings.Repeat("a=b; ", 1500), twoChunks, strings.Repeat("a=b; ", 1495)}, "abcdef", nil, ""},
		{"crossed by an empty line", []string{strings.Repeat("a=b; ", 2997) + twoChunks, ""}, "", cookie.ErrNotFound, ""},
		{"crossed after the chunks", []string{twoChunks + strings.Repeat(";", 2998)}, "", cookie.ErrNotFound, ""},
		{"crossed between the chunks", []string{"__Host-auth=chunks-2; __Host-auth.1=abc" + strings.Repeat(";", 2999) + "__Host-auth.2=def"}, "", cookie.ErrNotFound, ""},
		{"crossed before the chunks", []string{strings.Repeat(";", 2998) + twoChunks}, "", cookie.ErrNotFound, ""},
		{"crossed in a chunk's value", []string{"__Host-auth=chunks-2; __Host-auth.1=abc; __Host-auth.2=d " + strings.Repeat(";", 2998)}, "", cookie.ErrNotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := checkRead(t, c, cookie.DefaultMaxChunks, request(tt.lines...))
			if got != tt.want || !errors.Is(err, tt.wantErr) || !strings.Contains(fmt.Sprint(err), tt.why) {
				t.Errorf("Read(%.200q) = %q, %v; want %q, %v (%s)", tt.lines, got, err, tt.want, tt.wantErr, tt.why)
			}
		})
	}
}

// twoChunks is the Cookie header of a value in two chunks: three cookies.
const twoChunks = "__Host-auth=chunks-2; __Host-auth.1=abc; __Host-auth.2=def"

// TestReadManyCookiesGODEBUG checks that past net/http's default bound the
// GODEBUG setting httpcookiemaxnum decides, as it does for net/http.
func TestReadManyCookiesGODEBUG(t *testing.T) {
	c := mustNew(t, cookie.Config{Name: authName})
	r := request(strings.Repeat("a=b; ", 4000) + twoChunks)
	for _, tt := range []struct {
		godebug string
		want    string
		wantErr error
	}{
		{"httpcookiemaxnum=0", "abcdef", nil},
		{"httpcookiemaxnum=5000", "abcdef", nil},
		{"httpcookiemaxnum=4000", "", cookie.ErrNotFound},
	} {
		t.Run(tt.godebug, func(t *testing.T) {
			t.Setenv("GODEBUG", tt.godebug)
			got, err := checkRead(t, c, cookie.DefaultMaxChunks, r)
			if got != tt.want || !errors.Is(err, tt.wantErr) {
				t.Errorf("Read() = %q, %v; want %q, %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

// TestReadAllocs checks that Read allocates nothing for a value in one
// cookie, and only the joined value for a chunked one.
func TestReadAllocs(t *testing.T) {
	c := mustNew(t, cookie.Config{Name: authName})
	chunked := jarOf(t, cookie.Config{Name: authName}, 3*part(len(authName))).request()
	chunked.Header["Cookie"] = []string{"theme=dark; " + chunked.Header.Get("Cookie") + "; lang=en"}
	tests := []struct {
		name string
		r    *http.Request
		want float64
	}{
		{"one cookie", request("theme=dark; __Host-auth=" + value(200) + "; lang=en"), 0},
		{"three chunks", chunked, 1},
	}
	for _, tt := range tests {
		if got := testing.AllocsPerRun(100, func() {
			if _, err := c.Read(tt.r); err != nil {
				t.Fatal(err)
			}
		}); got != tt.want {
			t.Errorf("%s: Read allocates %v times; want %v", tt.name, got, tt.want)
		}
	}
}
