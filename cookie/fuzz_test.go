package cookie_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sessionless/sessionless/cookie"
)

// fuzzConfig keeps the chunk bound low so that fuzzing reaches it.
var fuzzConfig = cookie.Config{Name: authName, MaxChunks: 3}

// header returns the Cookie header a browser would send after the
// Set-Cookie headers of a write of v to an empty jar.
func header(t testing.TB, c *cookie.Cookie, v string) string {
	t.Helper()
	rec := httptest.NewRecorder()
	if err := c.Write(rec, nil, v, 0); err != nil {
		t.Fatal(err)
	}
	j := jar{}
	j.apply(rec.Header())
	return j.request().Header.Get("Cookie")
}

// FuzzRead checks that Read never panics on any Cookie header, returns only
// its own errors, reads the header as netHTTPRead does (one Cookie line per
// line of h, and h as one line), and that whatever it returns survives
// another write and read unchanged.
func FuzzRead(f *testing.F) {
	c := mustNew(f, fuzzConfig)
	p := part(len(authName))
	chunked := header(f, c, value(2*p+10))

	// Valid: one cookie among others; a chunked value; chunks out of order.
	f.Add("theme=dark; __Host-auth=eyJhbGciOiJBMjU2S1ciLCJlbmMiOiJBMjU2R0NNIn0.a.b.c.d; lang=en")
	f.Add(chunked)
	f.Add("__Host-auth.2=def; __Host-auth=chunks-2; __Host-auth.1=abc")
	// The chunked header with a byte flipped in the marker, truncated, and
	// with a chunk dropped.
	f.Add(strings.Replace(chunked, "chunks-3", "chunks-4", 1))
	f.Add(strings.Replace(chunked, "chunks-3", "chunks-2", 1))
	f.Add(chunked[:len(chunked)/2])
	f.Add(strings.Replace(chunked, "__Host-auth.2=", "__Host-auth.9=", 1))
	// Ambiguous: the base or a chunk twice.
	f.Add("__Host-auth=a; __Host-auth=b")
	f.Add("__Host-auth=chunks-2; __Host-auth.1=a; __Host-auth.1=a; __Host-auth.2=b")
	// Quoted values, case variants, names near ours.
	f.Add(`__Host-auth="abc"`)
	f.Add(`__Host-auth=chunks-2; __Host-auth.1="a"; __Host-auth.2=b`)
	f.Add("__HOST-auth=x; __host-auth=y; __Host-auth.01=z; __Host-auth.11=w")
	// Bad markers and chunk sets.
	f.Add("__Host-auth=chunks-")
	f.Add("__Host-auth=chunks-02; __Host-auth.1=a; __Host-auth.2=b")
	f.Add("__Host-auth=chunks-2; __Host-auth.1=chunks; __Host-auth.2=-3")
	f.Add("__Host-auth=abc; __Host-auth.1=def")
	f.Add("__Host-auth.1=abc")
	// Garbage (E5).
	f.Add("=__Host-auth=x")
	f.Add(";;;")
	f.Add("=x; =; x")
	f.Add("__Host-auth=a b, c")
	f.Add("__Host-auth=\x00\xff\r\n")
	// Over net/http's 3000-cookie limit (CVE-2025-58186).
	f.Add(strings.Repeat("a=b;", 3000) + "__Host-auth=abc")
	f.Add(strings.Replace(chunked, "; ", strings.Repeat(";", 2998), 1))
	// Several lines; values that end in spaces or hold other bytes.
	f.Add("__Host-auth.2=def\n__Host-auth=chunks-2 \n\n __Host-auth.1=abc ; x")
	f.Add("__Host-auth=chunks-2; __Host-auth.1= abc; __Host-auth.2=a,b")
	f.Add(`__Host-auth=chunks-2; __Host-auth.1=a\b; __Host-auth.1=ab; __Host-auth.2="c"`)

	f.Fuzz(func(t *testing.T, h string) {
		r := httptest.NewRequest(http.MethodGet, "https://example.com/", nil)
		r.Header["Cookie"] = strings.Split(h, "\n")
		checkRead(t, c, fuzzConfig.MaxChunks, r)
		r.Header.Set("Cookie", h)
		v, err := checkRead(t, c, fuzzConfig.MaxChunks, r)
		if err != nil {
			if v != "" {
				t.Errorf("Read(%q) = %q, %v; want no value with an error", h, v, err)
			}
			if !errors.Is(err, cookie.ErrNotFound) && !errors.Is(err, cookie.ErrAmbiguous) && !errors.Is(err, cookie.ErrMalformed) {
				t.Errorf("Read(%q) = %v; want ErrNotFound, ErrAmbiguous or ErrMalformed", h, err)
			}
			return
		}
		// The browser holds what the request carried; write v over it.
		j := jar{}
		for _, ck := range r.Cookies() {
			j[ck.Name] = ck.Value
		}
		rec := httptest.NewRecorder()
		if err := c.Write(rec, r, v, 0); err != nil {
			t.Fatalf("Write(Read(%q)) = %v", h, err)
		}
		j.apply(rec.Header())
		if got, err := c.Read(j.request()); got != v || err != nil {
			t.Errorf("Read(Write(Read(%q))) = %q, %v; want %q", h, got, err, v)
		}
	})
}

// FuzzWrite checks that Write either refuses a value with its own errors and
// writes nothing, or writes cookies a browser keeps and Read returns the
// value unchanged.
func FuzzWrite(f *testing.F) {
	c := mustNew(f, fuzzConfig)
	p := part(len(authName))
	// Tokens of typical and boundary sizes.
	f.Add("eyJhbGciOiJBMjU2S1ciLCJlbmMiOiJBMjU2R0NNIn0.a.b.c.d")
	f.Add(value(single(len(authName))))
	f.Add(value(single(len(authName)) + 1))
	f.Add(value(3 * p))
	f.Add(value(3*p + 1))
	// Refused: empty, the marker, bytes outside cookie-octet.
	f.Add("")
	f.Add("chunks-2")
	f.Add("a b")
	f.Add("a;b\r\n")
	f.Add("é")

	f.Fuzz(func(t *testing.T, v string) {
		rec := httptest.NewRecorder()
		err := c.Write(rec, nil, v, 0)
		if err != nil {
			if !errors.Is(err, cookie.ErrInvalidValue) && !errors.Is(err, cookie.ErrTooLarge) {
				t.Errorf("Write(%q) = %v; want ErrInvalidValue or ErrTooLarge", v, err)
			}
			if len(rec.Header()) != 0 {
				t.Errorf("Write(%q) = %v but set headers", v, err)
			}
			return
		}
		for _, line := range rec.Header().Values("Set-Cookie") {
			if len(line) > 4096 {
				t.Errorf("Write(%d bytes) set a %d-byte Set-Cookie header", len(v), len(line))
			}
		}
		j := jar{}
		j.apply(rec.Header())
		if got, err := c.Read(j.request()); got != v || err != nil {
			t.Errorf("Read(Write(%q)) = %q, %v", v, got, err)
		}
	})
}
