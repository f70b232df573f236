package cookie_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/sessionless/sessionless/cookie"
)

const authName = "__Host-auth"

// single and part are the value capacities of one cookie and of one chunk for
// a name of length n under the default Path and no Domain, as documented:
// name and value within MaxCookieSize, and ".10" reserved in every chunk name.
func single(n int) int { return cookie.MaxCookieSize - n }
func part(n int) int   { return cookie.MaxCookieSize - n - len(".10") }

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

func mustNew(t testing.TB, cfg cookie.Config) *cookie.Cookie {
	t.Helper()
	c, err := cookie.New(cfg)
	if err != nil {
		t.Fatalf("New(%+v) = %v", cfg, err)
	}
	return c
}

// value returns a reproducible value of n base64url characters whose chunks
// all differ, so that a misordered join shows.
func value(n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."
	rng := rand.New(rand.NewPCG(uint64(n), 1))
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return string(b)
}

// request returns a request with one Cookie header per line.
func request(lines ...string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "https://example.com/", nil)
	for _, l := range lines {
		r.Header.Add("Cookie", l)
	}
	return r
}

// setCookies parses the Set-Cookie headers of h with net/http.
func setCookies(h http.Header) []*http.Cookie {
	return (&http.Response{Header: h}).Cookies()
}

// parseEach parses every Set-Cookie line of h with http.ParseSetCookie, which
// unlike readSetCookies keeps the raw line.
func parseEach(t *testing.T, h http.Header) []*http.Cookie {
	t.Helper()
	var out []*http.Cookie
	for _, line := range h.Values("Set-Cookie") {
		c, err := http.ParseSetCookie(line)
		if err != nil {
			t.Fatalf("ParseSetCookie(%q) = %v", line, err)
		}
		out = append(out, c)
	}
	return out
}

// jar models a browser's cookies for one host and Path=/.
type jar map[string]string

// apply stores and deletes what the Set-Cookie headers of h say.
func (j jar) apply(h http.Header) {
	for _, c := range setCookies(h) {
		if c.MaxAge < 0 {
			delete(j, c.Name)
		} else {
			j[c.Name] = c.Value
		}
	}
}

// request returns a request that carries j's cookies in one header.
func (j jar) request() *http.Request {
	r := httptest.NewRequest(http.MethodGet, "https://example.com/", nil)
	for _, name := range slices.Sorted(maps.Keys(j)) {
		r.AddCookie(&http.Cookie{Name: name, Value: j[name]})
	}
	return r
}

func (j jar) names() []string { return slices.Sorted(maps.Keys(j)) }

// chunkNames returns name, name.1, …, name.n.
func chunkNames(name string, n int) []string {
	out := []string{name}
	for i := 1; i <= n; i++ {
		out = append(out, fmt.Sprintf("%s.%d", name, i))
	}
	return out
}

func TestNewErrors(t *testing.T) { // E2
	t.Parallel()
	tests := []struct {
		name  string
		cfg   cookie.Config
		field string // the error must name it
	}{
		{"empty name", cookie.Config{}, "Name"},
		{"name with semicolon", cookie.Config{Name: "a;b"}, "Name"},
		{"name with CR", cookie.Config{Name: "a\rb"}, "Name"},
		{"name with LF", cookie.Config{Name: "a\nb"}, "Name"},
		{"name with CRLF injection", cookie.Config{Name: "a\r\nSet-Cookie: x"}, "Name"},
		{"name with space", cookie.Config{Name: "a b"}, "Name"},
		{"name with equals", cookie.Config{Name: "a=b"}, "Name"},
		{"name with comma", cookie.Config{Name: "a,b"}, "Name"},
		{"name with quote", cookie.Config{Name: `a"b`}, "Name"},
		{"name with tab", cookie.Config{Name: "a\tb"}, "Name"},
		{"name with NUL", cookie.Config{Name: "a\x00b"}, "Name"},
		{"name with UTF-8", cookie.Config{Name: "sessión"}, "Name"},
		{"name too long", cookie.Config{Name: strings.Repeat("n", 257)}, "Name"},
		{"__Host- with Domain", cookie.Config{Name: authName, Domain: "example.com"}, "Domain"},
		{"__Host- with other Path", cookie.Config{Name: authName, Path: "/app"}, "Path"},
		{"__host- lower case with other Path", cookie.Config{Name: "__host-auth", Path: "/app"}, "Path"},
		{"__HOST- upper case with Domain", cookie.Config{Name: "__HOST-auth", Domain: "example.com"}, "Domain"},
		{"path without slash", cookie.Config{Name: "s", Path: "app"}, "Path"},
		{"path with semicolon", cookie.Config{Name: "s", Path: "/a;Domain=evil.com"}, "Path"},
		{"path with CRLF", cookie.Config{Name: "s", Path: "/a\r\nb"}, "Path"},
		{"path too long", cookie.Config{Name: "s", Path: "/" + strings.Repeat("p", 1024)}, "Path"},
		{"domain with space", cookie.Config{Name: "s", Domain: "exa mple.com"}, "Domain"},
		{"domain with semicolon", cookie.Config{Name: "s", Domain: "example.com;Secure"}, "Domain"},
		{"domain IPv6", cookie.Config{Name: "s", Domain: "::1"}, "Domain"},
		{"domain too long", cookie.Config{Name: "s", Domain: strings.Repeat("a.", 127) + "com"}, "Domain"},
		{"SameSite None", cookie.Config{Name: authName, SameSite: http.SameSiteNoneMode}, "SameSite"},
		{"SameSite unknown", cookie.Config{Name: authName, SameSite: 99}, "SameSite"},
		{"MaxChunks negative", cookie.Config{Name: authName, MaxChunks: -1}, "MaxChunks"},
		{"MaxChunks over cap", cookie.Config{Name: authName, MaxChunks: cookie.MaxChunksLimit + 1}, "MaxChunks"},
		{"InsecureHTTP with __Host-", cookie.Config{Name: authName, InsecureHTTP: true, Logger: discard}, "InsecureHTTP"},
		{"InsecureHTTP with __Secure-", cookie.Config{Name: "__Secure-auth", InsecureHTTP: true, Logger: discard}, "InsecureHTTP"},
		{"InsecureHTTP with __secure- lower case", cookie.Config{Name: "__secure-auth", InsecureHTTP: true, Logger: discard}, "InsecureHTTP"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := cookie.New(tt.cfg)
			if !errors.Is(err, cookie.ErrConfig) {
				t.Fatalf("New(%+v) = %v, %v; want an error wrapping ErrConfig", tt.cfg, c, err)
			}
			if !strings.Contains(err.Error(), tt.field) {
				t.Errorf("New(%+v) = %q; want it to name %s", tt.cfg, err, tt.field)
			}
		})
	}
}

func TestNewValid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  cookie.Config
	}{
		{"defaults", cookie.Config{Name: authName}},
		{"remember", cookie.Config{Name: "__Host-remember"}},
		{"SameSiteDefaultMode", cookie.Config{Name: authName, SameSite: http.SameSiteDefaultMode}},
		{"Lax", cookie.Config{Name: authName, SameSite: http.SameSiteLaxMode}},
		{"Strict", cookie.Config{Name: authName, SameSite: http.SameSiteStrictMode}},
		{"__Host- with explicit root Path", cookie.Config{Name: authName, Path: "/"}},
		{"__Secure- with Domain and Path", cookie.Config{Name: "__Secure-auth", Domain: "example.com", Path: "/app"}},
		{"plain name with Domain", cookie.Config{Name: "session", Domain: ".example.com"}},
		{"IPv4 Domain", cookie.Config{Name: "session", Domain: "192.0.2.1"}},
		{"MaxChunks 1", cookie.Config{Name: authName, MaxChunks: 1}},
		{"MaxChunks cap", cookie.Config{Name: authName, MaxChunks: cookie.MaxChunksLimit}},
		{"InsecureHTTP plain name", cookie.Config{Name: "dev-auth", InsecureHTTP: true, Logger: discard}},
		{"longest name, path and domain", cookie.Config{
			Name:      strings.Repeat("n", 256),
			Path:      "/" + strings.Repeat("p", 1023),
			Domain:    longDomain(253),
			MaxChunks: cookie.MaxChunksLimit,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := cookie.New(tt.cfg)
			if err != nil {
				t.Fatalf("New(%+v) = %v; want no error", tt.cfg, err)
			}
			if got := c.Name(); got != tt.cfg.Name {
				t.Errorf("Name() = %q; want %q", got, tt.cfg.Name)
			}
			if c.MaxValueLen() <= 0 {
				t.Errorf("MaxValueLen() = %d; want > 0", c.MaxValueLen())
			}
		})
	}
}

// longDomain returns a valid domain name of exactly n bytes.
func longDomain(n int) string {
	var b strings.Builder
	for b.Len()+len("example.com") < n {
		label := min(60, n-len("example.com")-b.Len()-1)
		b.WriteString(strings.Repeat("a", label))
		b.WriteByte('.')
	}
	b.WriteString("example.com")
	return b.String()
}

func TestMaxValueLen(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  cookie.Config
		want int
	}{
		{"default", cookie.Config{Name: authName}, 4 * part(len(authName))},
		{"MaxChunks 1", cookie.Config{Name: authName, MaxChunks: 1}, single(len(authName))},
		{"MaxChunks 2", cookie.Config{Name: authName, MaxChunks: 2}, 2 * part(len(authName))},
		{"MaxChunks 10", cookie.Config{Name: authName, MaxChunks: 10}, 10 * part(len(authName))},
		{"Strict and InsecureHTTP do not change it", cookie.Config{Name: "auth", SameSite: http.SameSiteStrictMode, InsecureHTTP: true, Logger: discard}, 4 * part(len("auth"))},
		{
			// Attributes: "; Path=" + 1001 + "; Domain=" + 200 + the longest
			// Max-Age, HttpOnly, Secure and SameSite (53), so that name,
			// "=" and value get 4096-1270 = 2826 bytes.
			"long Path and Domain lower it",
			cookie.Config{Name: "s", Path: "/" + strings.Repeat("p", 1000), Domain: longDomain(200)},
			4 * (4096 - 1 - (7 + 1001 + 9 + 200 + 53) - len("s") - len(".10")),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := mustNew(t, tt.cfg)
			if got := c.MaxValueLen(); got != tt.want {
				t.Errorf("MaxValueLen() = %d; want %d", got, tt.want)
			}
		})
	}
}

func TestWriteAttributes(t *testing.T) { // E1
	t.Parallel()
	// Fields of http.Cookie that ParseSetCookie fills but a test need not
	// compare.
	ignore := cmpopts.IgnoreFields(http.Cookie{}, "Raw")
	tests := []struct {
		name   string
		cfg    cookie.Config
		maxAge time.Duration
		want   http.Cookie
	}{
		{
			"auth session cookie",
			cookie.Config{Name: "__Host-auth"}, 0,
			http.Cookie{Name: "__Host-auth", Value: "v", Path: "/", HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode},
		},
		{
			"remember persistent cookie",
			cookie.Config{Name: "__Host-remember"}, 30 * 24 * time.Hour,
			http.Cookie{Name: "__Host-remember", Value: "v", Path: "/", MaxAge: 30 * 24 * 3600, HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode},
		},
		{
			"Strict",
			cookie.Config{Name: "__Host-auth", SameSite: http.SameSiteStrictMode}, time.Hour,
			http.Cookie{Name: "__Host-auth", Value: "v", Path: "/", MaxAge: 3600, HttpOnly: true, Secure: true, SameSite: http.SameSiteStrictMode},
		},
		{
			"Path and Domain when configured",
			cookie.Config{Name: "__Secure-auth", Path: "/app", Domain: "example.com"}, 0,
			http.Cookie{Name: "__Secure-auth", Value: "v", Path: "/app", Domain: "example.com", HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode},
		},
		{
			"InsecureHTTP drops only Secure",
			cookie.Config{Name: "dev-auth", InsecureHTTP: true, Logger: discard}, 0,
			http.Cookie{Name: "dev-auth", Value: "v", Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := mustNew(t, tt.cfg)
			rec := httptest.NewRecorder()
			if err := c.Write(rec, request(), "v", tt.maxAge); err != nil {
				t.Fatalf("Write = %v", err)
			}
			got := parseEach(t, rec.Header())
			if len(got) != 1 {
				t.Fatalf("Write set %d cookies; want 1: %q", len(got), rec.Header().Values("Set-Cookie"))
			}
			if diff := cmp.Diff(&tt.want, got[0], ignore); diff != "" {
				t.Errorf("Set-Cookie %q (-want +got):\n%s", got[0].Raw, diff)
			}
			raw := got[0].Raw
			if strings.Contains(raw, "Expires") {
				t.Errorf("Set-Cookie %q has Expires; want Max-Age only", raw)
			}
			if tt.maxAge == 0 && strings.Contains(raw, "Max-Age") {
				t.Errorf("Set-Cookie %q of a session cookie has Max-Age", raw)
			}
		})
	}
}

func TestLoginResponse(t *testing.T) { // E1: both cookies in one response
	t.Parallel()
	auth := mustNew(t, cookie.Config{Name: "__Host-auth"})
	remember := mustNew(t, cookie.Config{Name: "__Host-remember"})
	rec := httptest.NewRecorder()
	r := request()
	if err := auth.Write(rec, r, value(900), 0); err != nil {
		t.Fatal(err)
	}
	if err := remember.Write(rec, r, value(700), 30*24*time.Hour); err != nil {
		t.Fatal(err)
	}
	got := parseEach(t, rec.Header())
	if len(got) != 2 {
		t.Fatalf("got %d Set-Cookie headers; want 2", len(got))
	}
	for _, c := range got {
		if !strings.HasPrefix(c.Name, "__Host-") || !c.Secure || !c.HttpOnly || c.Path != "/" || c.Domain != "" || c.SameSite != http.SameSiteLaxMode {
			t.Errorf("Set-Cookie %q; want __Host-, Secure, HttpOnly, Path=/, no Domain, SameSite=Lax", c.Raw)
		}
	}
	if got[0].MaxAge != 0 || got[1].MaxAge != 30*24*3600 {
		t.Errorf("Max-Age of auth, remember = %d, %d; want 0, %d", got[0].MaxAge, got[1].MaxAge, 30*24*3600)
	}
}

func TestWriteMaxAge(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		maxAge  time.Duration
		want    int // parsed MaxAge
		wantErr error
	}{
		{"zero is a session cookie", 0, 0, nil},
		{"one nanosecond rounds up", time.Nanosecond, 1, nil},
		{"one second", time.Second, 1, nil},
		{"fraction rounds up", 1500 * time.Millisecond, 2, nil},
		{"30 days", 30 * 24 * time.Hour, 2592000, nil},
		{"400 days", cookie.MaxAgeLimit, 34560000, nil},
		{"400 days and a nanosecond", cookie.MaxAgeLimit + time.Nanosecond, 0, cookie.ErrInvalidMaxAge},
		{"401 days", 401 * 24 * time.Hour, 0, cookie.ErrInvalidMaxAge},
		{"negative", -time.Nanosecond, 0, cookie.ErrInvalidMaxAge},
		{"minus one hour", -time.Hour, 0, cookie.ErrInvalidMaxAge},
	}
	c := mustNew(t, cookie.Config{Name: authName})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := httptest.NewRecorder()
			err := c.Write(rec, request(), "v", tt.maxAge)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Write(maxAge %v) = %v; want %v", tt.maxAge, err, tt.wantErr)
			}
			if tt.wantErr != nil {
				if len(rec.Header()) != 0 {
					t.Errorf("Write(maxAge %v) failed but set headers %v", tt.maxAge, rec.Header())
				}
				return
			}
			if got := setCookies(rec.Header())[0].MaxAge; got != tt.want {
				t.Errorf("Write(maxAge %v): Max-Age %d; want %d", tt.maxAge, got, tt.want)
			}
		})
	}
}

func TestWriteInvalidValue(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		value string
	}{
		{"empty", ""},
		{"chunk marker", "chunks-2"},
		{"chunk marker prefix only", "chunks-"},
		{"chunk marker with text", "chunks-SECRET"},
		{"space", "SECRET SECRET"},
		{"comma", "SECRET,SECRET"},
		{"semicolon", "SECRET;Domain=evil.com"},
		{"double quote", `"SECRET"`},
		{"backslash", `SECRET\`},
		{"DEL", "SECRET\x7f"},
		{"NUL", "SECRET\x00"},
		{"tab", "SECRET\tSECRET"},
		{"CRLF header injection", "SECRET\r\nSet-Cookie: evil=1"},
		{"UTF-8", "SECRETé"},
		{"invalid UTF-8", "SECRET\xff"},
	}
	c := mustNew(t, cookie.Config{Name: authName})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := httptest.NewRecorder()
			err := c.Write(rec, request(), tt.value, 0)
			if !errors.Is(err, cookie.ErrInvalidValue) {
				t.Fatalf("Write(%q) = %v; want ErrInvalidValue", tt.value, err)
			}
			if strings.Contains(err.Error(), "SECRET") {
				t.Errorf("Write(%q) = %q; the error holds the value", tt.value, err)
			}
			if len(rec.Header()) != 0 {
				t.Errorf("Write(%q) failed but set headers %v", tt.value, rec.Header())
			}
		})
	}
}

// TestWriteEveryByte checks the value alphabet against RFC 6265's
// cookie-octet, byte by byte.
func TestWriteEveryByte(t *testing.T) {
	t.Parallel()
	c := mustNew(t, cookie.Config{Name: authName})
	for b := 0; b < 256; b++ {
		octet := b == 0x21 || 0x23 <= b && b <= 0x2b || 0x2d <= b && b <= 0x3a ||
			0x3c <= b && b <= 0x5b || 0x5d <= b && b <= 0x7e
		v := "x" + string([]byte{byte(b)}) + "x"
		j := jar{}
		rec := httptest.NewRecorder()
		err := c.Write(rec, request(), v, 0)
		switch {
		case octet && err != nil:
			t.Errorf("Write(%q) = %v; want nil", v, err)
		case !octet && !errors.Is(err, cookie.ErrInvalidValue):
			t.Errorf("Write(%q) = %v; want ErrInvalidValue", v, err)
		case octet:
			j.apply(rec.Header())
			if got, err := c.Read(j.request()); got != v || err != nil {
				t.Errorf("Read(Write(%q)) = %q, %v; want %q, nil", v, got, err, v)
			}
		}
	}
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	type config struct {
		name string
		cfg  cookie.Config
	}
	configs := []config{
		{"default", cookie.Config{Name: authName}},
		{"MaxChunks 1", cookie.Config{Name: authName, MaxChunks: 1}},
		{"MaxChunks 2", cookie.Config{Name: authName, MaxChunks: 2}},
		{"MaxChunks 10", cookie.Config{Name: "__Host-remember", MaxChunks: 10}},
		{"long Path and Domain", cookie.Config{Name: "__Secure-s", Path: "/" + strings.Repeat("p", 1023), Domain: longDomain(253), SameSite: http.SameSiteStrictMode}},
	}
	for _, cc := range configs {
		c := mustNew(t, cc.cfg)
		maxChunks := cc.cfg.MaxChunks
		if maxChunks == 0 {
			maxChunks = cookie.DefaultMaxChunks
		}
		// Capacities as documented; for the long Path and Domain, derived
		// from MaxValueLen.
		part := c.MaxValueLen() / maxChunks
		single := part + len(".10")
		if maxChunks == 1 {
			single = c.MaxValueLen()
		}
		if cc.cfg.Path == "" && cc.cfg.Domain == "" {
			wantSingle := cookie.MaxCookieSize - len(cc.cfg.Name)
			if single != wantSingle {
				t.Errorf("%s: one cookie holds %d bytes; want MaxCookieSize-len(name) = %d", cc.name, single, wantSingle)
			}
		}
		sizes := []struct {
			name   string
			n      int
			chunks int // parts; 1 is an unchunked cookie
		}{
			{"one byte", 1, 1},
			{"typical token", 900, 1},
			{"one cookie minus one", single - 1, 1},
			{"exactly one cookie", single, 1},
			{"one cookie plus one", single + 1, 2},
			{"two full chunks", 2 * part, 2},
			{"two chunks plus one", 2*part + 1, 3},
			{"three full chunks", 3 * part, 3},
			{"MaxChunks minus one byte", maxChunks*part - 1, maxChunks},
			{"MaxValueLen", c.MaxValueLen(), maxChunks},
		}
		for _, sz := range sizes {
			if sz.n > c.MaxValueLen() || sz.chunks > maxChunks || maxChunks == 1 && sz.n > single {
				continue
			}
			t.Run(cc.name+"/"+sz.name, func(t *testing.T) {
				t.Parallel()
				v := value(sz.n)
				rec := httptest.NewRecorder()
				if err := c.Write(rec, request(), v, time.Hour); err != nil {
					t.Fatalf("Write(%d bytes) = %v", sz.n, err)
				}
				written := parseEach(t, rec.Header())
				wantCookies := 1
				if sz.chunks > 1 {
					wantCookies = sz.chunks + 1
				}
				if len(written) != wantCookies {
					t.Errorf("Write(%d bytes) set %d cookies; want %d", sz.n, len(written), wantCookies)
				}
				for _, w := range written {
					if len(w.Raw) > 4096 {
						t.Errorf("Set-Cookie %s is %d bytes; want at most 4096", w.Name, len(w.Raw))
					}
					if n := len(w.Name) + len(w.Value); n > cookie.MaxCookieSize {
						t.Errorf("cookie %s holds %d bytes of name and value; want at most %d", w.Name, n, cookie.MaxCookieSize)
					}
					if !w.Secure && !cc.cfg.InsecureHTTP || !w.HttpOnly || w.MaxAge != 3600 {
						t.Errorf("Set-Cookie %.80q…: attributes differ from the base cookie's", w.Raw)
					}
				}
				if sz.chunks > 1 && written[0].Value != fmt.Sprintf("chunks-%d", sz.chunks) {
					t.Errorf("base cookie = %q; want chunks-%d", written[0].Value, sz.chunks)
				}
				j := jar{}
				j.apply(rec.Header())
				got, err := c.Read(j.request())
				if err != nil || got != v {
					t.Errorf("Read(Write(%d bytes)) = %d bytes, %v; want the same value", sz.n, len(got), err)
				}
			})
		}
	}
}

func TestWriteTooLarge(t *testing.T) { // E9
	t.Parallel()
	tests := []struct {
		name    string
		cfg     cookie.Config
		delta   int // length relative to MaxValueLen
		wantErr error
	}{
		{"just under", cookie.Config{Name: authName}, -1, nil},
		{"at", cookie.Config{Name: authName}, 0, nil},
		{"over", cookie.Config{Name: authName}, +1, cookie.ErrTooLarge},
		{"far over", cookie.Config{Name: authName}, 64 << 10, cookie.ErrTooLarge},
		{"unchunked just under", cookie.Config{Name: authName, MaxChunks: 1}, -1, nil},
		{"unchunked at", cookie.Config{Name: authName, MaxChunks: 1}, 0, nil},
		{"unchunked over", cookie.Config{Name: authName, MaxChunks: 1}, +1, cookie.ErrTooLarge},
		{"ten chunks over", cookie.Config{Name: authName, MaxChunks: 10}, +1, cookie.ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := mustNew(t, tt.cfg)
			n := c.MaxValueLen() + tt.delta
			v := strings.Repeat("S", n)
			rec := httptest.NewRecorder()
			err := c.Write(rec, request(), v, 0)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Write(%d bytes) = %v; want %v", n, err, tt.wantErr)
			}
			if tt.wantErr == nil {
				return
			}
			if len(rec.Header()) != 0 || rec.Flushed || rec.Body.Len() != 0 {
				t.Errorf("Write(%d bytes) failed but wrote headers %v", n, rec.Header())
			}
			if strings.Contains(err.Error(), "SSSS") {
				t.Errorf("Write(%d bytes) = %q; the error holds the value", n, err)
			}
		})
	}
}

// TestWriteFailureKeepsQueuedHeaders checks that a failed Write leaves what
// earlier calls queued exactly as it was.
func TestWriteFailureKeepsQueuedHeaders(t *testing.T) {
	t.Parallel()
	c := mustNew(t, cookie.Config{Name: authName})
	tests := []struct {
		name   string
		value  string
		maxAge time.Duration
	}{
		{"too large", value(c.MaxValueLen() + 1), 0},
		{"invalid byte", "a b", 0},
		{"bad max age", "v", -time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := httptest.NewRecorder()
			r := jar{authName: "old", authName + ".1": "x"}.request()
			if err := c.Write(rec, r, "queued", 0); err != nil {
				t.Fatal(err)
			}
			before := rec.Header().Clone()
			if err := c.Write(rec, r, tt.value, tt.maxAge); err == nil {
				t.Fatalf("Write = nil; want an error")
			}
			if diff := cmp.Diff(before, rec.Header()); diff != "" {
				t.Errorf("failed Write changed the header (-before +after):\n%s", diff)
			}
		})
	}
}

func TestReadAmbiguous(t *testing.T) { // E3
	t.Parallel()
	c := mustNew(t, cookie.Config{Name: authName})
	sets := []struct {
		name  string
		pairs []string // every order is tried
	}{
		{"base twice", []string{"__Host-auth=a", "__Host-auth=b"}},
		{"base twice, same value", []string{"__Host-auth=a", "__Host-auth=a"}},
		{"base twice among others", []string{"__Host-auth=a", "theme=dark", "__Host-auth=b"}},
		{"base twice, one empty", []string{"__Host-auth=", "__Host-auth=b"}},
		{"chunk twice", []string{"__Host-auth=chunks-2", "__Host-auth.1=a", "__Host-auth.1=b", "__Host-auth.2=c"}},
		{"last chunk twice", []string{"__Host-auth=chunks-2", "__Host-auth.1=a", "__Host-auth.2=b", "__Host-auth.2=b"}},
	}
	for _, s := range sets {
		for _, perm := range permutations(s.pairs) {
			t.Run(s.name+"/"+strings.Join(perm, ";"), func(t *testing.T) {
				t.Parallel()
				// One header, and one header per cookie as HTTP/2 sends them.
				for _, r := range []*http.Request{request(strings.Join(perm, "; ")), request(perm...)} {
					got, err := c.Read(r)
					if !errors.Is(err, cookie.ErrAmbiguous) {
						t.Errorf("Read(%q) = %q, %v; want ErrAmbiguous", r.Header["Cookie"], got, err)
					}
				}
			})
		}
	}
}

func permutations(s []string) [][]string {
	if len(s) <= 1 {
		return [][]string{slices.Clone(s)}
	}
	var out [][]string
	for i := range s {
		rest := slices.Concat(s[:i], s[i+1:])
		for _, p := range permutations(rest) {
			out = append(out, append([]string{s[i]}, p...))
		}
	}
	return out
}

func TestRead(t *testing.T) { // E4, E5, quoting, chunk errors
	t.Parallel()
	c := mustNew(t, cookie.Config{Name: authName})
	tests := []struct {
		name    string
		header  string
		want    string
		wantErr error
	}{
		{"single", "__Host-auth=abc", "abc", nil},
		{"among others", "theme=dark; __Host-auth=abc; lang=en", "abc", nil},
		{"surrounding space", "  __Host-auth=abc  ", "abc", nil},
		{"chunked", "__Host-auth=chunks-2; __Host-auth.1=abc; __Host-auth.2=def", "abcdef", nil},
		{"chunks in any order", "__Host-auth.2=def; __Host-auth=chunks-2; __Host-auth.1=abc", "abcdef", nil},
		{"no header", "", "", cookie.ErrNotFound},
		{"other cookies only", "theme=dark", "", cookie.ErrNotFound},
		{"empty value", "__Host-auth=", "", cookie.ErrNotFound},

		// E4: names that differ in case are other cookies.
		{"__HOST-auth", "__HOST-auth=evil", "", cookie.ErrNotFound},
		{"__host-auth", "__host-auth=evil", "", cookie.ErrNotFound},
		{"__Host-Auth", "__Host-Auth=evil", "", cookie.ErrNotFound},
		{"case variant beside the cookie", "__HOST-auth=evil; __Host-auth=good; __host-auth=evil", "good", nil},
		{"case variant of a chunk", "__Host-auth=good; __HOST-auth.1=evil; __Host-AUTH.2=evil", "good", nil},

		// Names that are not chunks of this cookie.
		{"leading zero chunk name", "__Host-auth=good; __Host-auth.01=x", "good", nil},
		{"chunk beyond the hard cap", "__Host-auth=good; __Host-auth.11=x", "good", nil},
		{"chunk zero", "__Host-auth=good; __Host-auth.0=x", "good", nil},
		{"longer name", "__Host-auth=good; __Host-auth2=x; __Host-auth.x=y", "good", nil},

		// E5: garbage.
		{"equals before name", "=__Host-auth=x", "", cookie.ErrNotFound},
		{"semicolons", ";;;", "", cookie.ErrNotFound},
		{"semicolons and spaces", " ; ; ; ", "", cookie.ErrNotFound},
		{"nameless pair", "=x", "", cookie.ErrNotFound},
		{"nameless pairs around", "=x; __Host-auth=abc; =y", "abc", nil},
		{"lone equals", "=", "", cookie.ErrNotFound},
		{"name without equals", "__Host-auth", "", cookie.ErrNotFound},
		{"name with semicolon", "__Host-auth;", "", cookie.ErrNotFound},
		{"space around equals", "__Host-auth = abc", "", cookie.ErrMalformed},
		{"space in value", "__Host-auth=a b", "", cookie.ErrMalformed},
		{"comma in value", "__Host-auth=a,b", "", cookie.ErrMalformed},
		{"lone quote", `__Host-auth="`, "", cookie.ErrNotFound},
		{"quote inside", `__Host-auth=a"b`, "", cookie.ErrNotFound},
		{"non-ASCII", "__Host-auth=é", "", cookie.ErrNotFound},
		{"NUL", "__Host-auth=a\x00", "", cookie.ErrNotFound},
		{"too long", "__Host-auth=" + strings.Repeat("a", 64<<10), "", cookie.ErrMalformed},
		{"value like a header", "__Host-auth=x\r\nSet-Cookie: y=z", "", cookie.ErrNotFound},

		// A9: quoted values.
		{"quoted", `__Host-auth="abc"`, "", cookie.ErrMalformed},
		{"quoted empty", `__Host-auth=""`, "", cookie.ErrMalformed},
		{"quoted chunk", `__Host-auth=chunks-2; __Host-auth.1="abc"; __Host-auth.2=def`, "", cookie.ErrMalformed},
		{"quoted marker", `__Host-auth="chunks-2"; __Host-auth.1=abc; __Host-auth.2=def`, "", cookie.ErrMalformed},

		// Bad markers.
		{"marker without chunks", "__Host-auth=chunks-2", "", cookie.ErrMalformed},
		{"marker one", "__Host-auth=chunks-1; __Host-auth.1=abc", "", cookie.ErrMalformed},
		{"marker zero", "__Host-auth=chunks-0", "", cookie.ErrMalformed},
		{"marker leading zero", "__Host-auth=chunks-02; __Host-auth.1=a; __Host-auth.2=b", "", cookie.ErrMalformed},
		{"marker over MaxChunks", "__Host-auth=chunks-5; __Host-auth.1=a; __Host-auth.2=b; __Host-auth.3=c; __Host-auth.4=d; __Host-auth.5=e", "", cookie.ErrMalformed},
		{"marker huge", "__Host-auth=chunks-99999999999999999999", "", cookie.ErrMalformed},
		{"marker empty count", "__Host-auth=chunks-", "", cookie.ErrMalformed},
		{"marker sign", "__Host-auth=chunks-+2; __Host-auth.1=a; __Host-auth.2=b", "", cookie.ErrMalformed},
		{"marker letters", "__Host-auth=chunks-two", "", cookie.ErrMalformed},
		{"marker trailing text", "__Host-auth=chunks-2x; __Host-auth.1=a; __Host-auth.2=b", "", cookie.ErrMalformed},

		// Missing, empty and extra chunks.
		{"first chunk missing", "__Host-auth=chunks-2; __Host-auth.2=def", "", cookie.ErrMalformed},
		{"middle chunk missing", "__Host-auth=chunks-3; __Host-auth.1=a; __Host-auth.3=c", "", cookie.ErrMalformed},
		{"last chunk missing", "__Host-auth=chunks-3; __Host-auth.1=a; __Host-auth.2=b", "", cookie.ErrMalformed},
		{"extra chunk", "__Host-auth=chunks-2; __Host-auth.1=a; __Host-auth.2=b; __Host-auth.3=c", "", cookie.ErrMalformed},
		{"extra chunk beyond MaxChunks", "__Host-auth=chunks-2; __Host-auth.1=a; __Host-auth.2=b; __Host-auth.10=c", "", cookie.ErrMalformed},
		{"chunk of an unchunked value", "__Host-auth=abc; __Host-auth.1=def", "", cookie.ErrMalformed},
		{"chunk without base", "__Host-auth.1=abc", "", cookie.ErrMalformed},
		{"chunks with empty base", "__Host-auth=; __Host-auth.1=abc", "", cookie.ErrMalformed},
		{"empty chunk", "__Host-auth=chunks-2; __Host-auth.1=; __Host-auth.2=b", "", cookie.ErrMalformed},
		{"chunk with a space", "__Host-auth=chunks-2; __Host-auth.1=a b; __Host-auth.2=b", "", cookie.ErrMalformed},
		{"chunks spell a marker", "__Host-auth=chunks-2; __Host-auth.1=chunks-; __Host-auth.2=3", "", cookie.ErrMalformed},
		{"chunks spell a marker across parts", "__Host-auth=chunks-2; __Host-auth.1=chunks; __Host-auth.2=-3", "", cookie.ErrMalformed},
		{"chunks too long", "__Host-auth=chunks-2; __Host-auth.1=" + strings.Repeat("a", 8000) + "; __Host-auth.2=" + strings.Repeat("b", 8000), "", cookie.ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := request()
			if tt.header != "" {
				r = request(tt.header)
			}
			got, err := checkRead(t, c, cookie.DefaultMaxChunks, r)
			if got != tt.want || !errors.Is(err, tt.wantErr) {
				t.Errorf("Read(%.100q) = %.100q, %v; want %q, %v", tt.header, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

// TestReadManyCookies covers CVE-2025-58186: net/http stops parsing a Cookie
// header of more than 3000 cookies, which then carries no session.
func TestReadManyCookies(t *testing.T) { // E5
	t.Parallel()
	c := mustNew(t, cookie.Config{Name: authName})
	tests := []struct {
		name    string
		header  string
		want    string
		wantErr error
	}{
		{"2999 others and ours", strings.Repeat("a=b; ", 2999) + "__Host-auth=abc", "abc", nil},
		{"4999 others and ours", strings.Repeat("a=b; ", 4999) + "__Host-auth=abc", "", cookie.ErrNotFound},
		{"ours 5000 times", strings.Repeat("__Host-auth=abc; ", 4999) + "__Host-auth=abc", "", cookie.ErrNotFound},
		{"5000 chunks", "__Host-auth=chunks-2; " + strings.Repeat("__Host-auth.1=a; ", 4999) + "__Host-auth.2=b", "", cookie.ErrNotFound},
		{"5000 semicolons", strings.Repeat(";", 5000) + "__Host-auth=abc", "", cookie.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := checkRead(t, c, cookie.DefaultMaxChunks, request(tt.header))
			if got != tt.want || !errors.Is(err, tt.wantErr) {
				t.Errorf("Read(%d bytes) = %q, %v; want %q, %v", len(tt.header), got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestStaleChunks(t *testing.T) {
	t.Parallel()
	c := mustNew(t, cookie.Config{Name: authName, MaxChunks: 5})
	p := part(len(authName))
	tests := []struct {
		name        string
		before      jar // if nil, what Write stores for a value of from bytes
		from, size  int
		wantDeleted []string
	}{
		{"five chunks to two", nil, 5 * p, 2 * p, chunkNames(authName, 5)[3:]},
		{"three chunks to one cookie", nil, 3 * p, 100, chunkNames(authName, 3)[1:]},
		{"one cookie to one cookie", nil, 100, 50, nil},
		{"one cookie to three chunks", nil, 100, 3 * p, nil},
		{"two chunks to four", nil, 2 * p, 4 * p, nil},
		{"four chunks to four", nil, 4 * p, 4*p - 1, nil},
		{"leftover chunks beyond MaxChunks", jar{authName: "x", authName + ".9": "y", authName + ".10": "z"}, 0, 100, []string{authName + ".9", authName + ".10"}},
		{"orphan chunk", jar{authName + ".1": "y"}, 0, 100, []string{authName + ".1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			j := tt.before
			if j == nil {
				j = jarOf(t, cookie.Config{Name: authName, MaxChunks: 5}, tt.from)
			}
			rec := httptest.NewRecorder()
			v := value(tt.size)
			if err := c.Write(rec, j.request(), v, 0); err != nil {
				t.Fatal(err)
			}
			var deleted []string
			for _, ck := range setCookies(rec.Header()) {
				if ck.MaxAge < 0 {
					deleted = append(deleted, ck.Name)
				}
			}
			if diff := cmp.Diff(tt.wantDeleted, deleted, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("deleted cookies (-want +got):\n%s", diff)
			}
			j = maps.Clone(j)
			j.apply(rec.Header())
			if got, err := c.Read(j.request()); got != v || err != nil {
				t.Errorf("Read after the write = %d bytes, %v; want %d bytes", len(got), err, len(v))
			}
			n := 0
			if tt.size > single(len(authName)) {
				n = (tt.size + p - 1) / p
			}
			if diff := cmp.Diff(chunkNames(authName, n), j.names(), cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
				t.Errorf("cookies left in the browser (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDelete(t *testing.T) { // E8
	t.Parallel()
	p := part(len(authName))
	tests := []struct {
		name string
		cfg  cookie.Config
		jar  jar // nil: the request is nil
		want []string
	}{
		{"chunked cookie", cookie.Config{Name: authName}, jarOf(t, cookie.Config{Name: authName}, 3*p), chunkNames(authName, 3)},
		{"single cookie", cookie.Config{Name: authName}, jarOf(t, cookie.Config{Name: authName}, 10), chunkNames(authName, 0)},
		{"no cookie", cookie.Config{Name: authName}, jar{}, chunkNames(authName, 0)},
		{"nil request", cookie.Config{Name: authName}, nil, chunkNames(authName, 0)},
		{"marker whose chunks the browser lost", cookie.Config{Name: authName}, jar{authName: "chunks-4"}, chunkNames(authName, 4)},
		{"orphan chunks", cookie.Config{Name: authName}, jar{authName + ".2": "a", authName + ".7": "b"}, []string{authName, authName + ".2", authName + ".7"}},
		{"chunks beyond a lowered MaxChunks", cookie.Config{Name: authName, MaxChunks: 1}, jarOf(t, cookie.Config{Name: authName, MaxChunks: 10}, 10*p), chunkNames(authName, 10)},
		{"malformed marker", cookie.Config{Name: authName}, jar{authName: "chunks-x", authName + ".1": "a"}, chunkNames(authName, 1)},
		{"marker beyond the hard cap", cookie.Config{Name: authName}, jar{authName: "chunks-50"}, chunkNames(authName, 0)},
		{"Strict", cookie.Config{Name: authName, SameSite: http.SameSiteStrictMode}, jarOf(t, cookie.Config{Name: authName}, 2*p), chunkNames(authName, 2)},
		{"Path and Domain", cookie.Config{Name: "__Secure-s", Path: "/app", Domain: "example.com"}, jarOf(t, cookie.Config{Name: "__Secure-s", Path: "/app", Domain: "example.com"}, 2*p), chunkNames("__Secure-s", 2)},
		{"InsecureHTTP", cookie.Config{Name: "dev", InsecureHTTP: true, Logger: discard}, jar{"dev": "chunks-2", "dev.1": "a", "dev.2": "b"}, chunkNames("dev", 2)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := mustNew(t, tt.cfg)
			// The attributes every deletion must carry: those of a write.
			wrec := httptest.NewRecorder()
			if err := c.Write(wrec, nil, "v", time.Hour); err != nil {
				t.Fatal(err)
			}
			want := setCookies(wrec.Header())[0]
			want.Value, want.MaxAge, want.Raw = "", -1, ""

			var r *http.Request
			if tt.jar != nil {
				r = tt.jar.request()
			}
			rec := httptest.NewRecorder()
			c.Delete(rec, r)
			var names []string
			for _, got := range parseEach(t, rec.Header()) {
				names = append(names, got.Name)
				if !strings.Contains(got.Raw, "; Max-Age=0") {
					t.Errorf("Set-Cookie %q lacks Max-Age=0", got.Raw)
				}
				w := *want
				w.Name = got.Name
				if diff := cmp.Diff(&w, got, cmpopts.IgnoreFields(http.Cookie{}, "Raw")); diff != "" {
					t.Errorf("Set-Cookie %q (-want +got):\n%s", got.Raw, diff)
				}
			}
			if diff := cmp.Diff(tt.want, names, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
				t.Errorf("deleted cookies (-want +got):\n%s", diff)
			}
			if tt.jar != nil {
				j := maps.Clone(tt.jar)
				j.apply(rec.Header())
				for name := range j {
					if name == tt.cfg.Name || strings.HasPrefix(name, tt.cfg.Name+".") {
						t.Errorf("after Delete the browser keeps %s", name)
					}
				}
			}
			checkCacheHeaders(t, rec.Header())
		})
	}
}

// jarOf returns a browser jar holding a value of n bytes written by a
// cookie configured by cfg.
func jarOf(t testing.TB, cfg cookie.Config, n int) jar {
	t.Helper()
	c := mustNew(t, cfg)
	rec := httptest.NewRecorder()
	if err := c.Write(rec, nil, value(n), 0); err != nil {
		t.Fatal(err)
	}
	j := jar{}
	j.apply(rec.Header())
	return j
}

// checkCacheHeaders checks E7's caching headers.
func checkCacheHeaders(t *testing.T, h http.Header) {
	t.Helper()
	if got := h.Values("Cache-Control"); !slices.Equal(got, []string{"no-store"}) {
		t.Errorf("Cache-Control = %q; want [no-store]", got)
	}
	n := 0
	for _, v := range h.Values("Vary") {
		for e := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(e), "Cookie") {
				n++
			}
		}
	}
	if n != 1 {
		t.Errorf("Vary = %q names Cookie %d times; want once", h.Values("Vary"), n)
	}
}

func TestOneSetCookiePerName(t *testing.T) { // E7
	t.Parallel()
	p := part(len(authName))
	big := value(3 * p)
	type step func(c *cookie.Cookie, w http.ResponseWriter, r *http.Request) error
	write := func(v string) step {
		return func(c *cookie.Cookie, w http.ResponseWriter, r *http.Request) error { return c.Write(w, r, v, 0) }
	}
	del := func(c *cookie.Cookie, w http.ResponseWriter, r *http.Request) error { c.Delete(w, r); return nil }
	tests := []struct {
		name      string
		before    jar
		steps     []step
		wantValue string // what the browser reads afterwards; "" for none
	}{
		{"delete then write", jar{authName: "old"}, []step{del, write("new")}, "new"},
		{"write then delete", jar{authName: "old"}, []step{write("new"), del}, ""},
		{"write twice", jar{}, []step{write("one"), write("two")}, "two"},
		{"chunked then single", jar{}, []step{write(big), write("small")}, "small"},
		{"single then chunked", jar{}, []step{write("small"), write(big)}, big},
		{"chunked request, delete then write", jarOf(t, cookie.Config{Name: authName}, 2*p), []step{del, write("new")}, "new"},
		{"chunked request, write chunked twice", jarOf(t, cookie.Config{Name: authName}, 4*p), []step{write(big), write(big)}, big},
	}
	c := mustNew(t, cookie.Config{Name: authName})
	others := []string{
		"theme=dark; Path=/",
		"__HOST-auth=x; Path=/",
		"__Host-auth2=x; Path=/",
		"__Host-auth.11=x; Path=/",
		"__Host-auth.01=x; Path=/",
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := httptest.NewRecorder()
			h := rec.Header()
			for _, o := range others {
				h.Add("Set-Cookie", o)
			}
			h.Set("Cache-Control", "public, max-age=3600")
			h.Add("Vary", "Accept-Encoding")
			r := tt.before.request()
			for _, s := range tt.steps {
				if err := s(c, rec, r); err != nil {
					t.Fatal(err)
				}
			}
			seen := map[string]int{}
			for _, ck := range parseEach(t, h) {
				seen[ck.Name]++
			}
			for name, n := range seen {
				if n != 1 {
					t.Errorf("%d Set-Cookie headers for %s; want 1", n, name)
				}
			}
			if got := h.Values("Set-Cookie")[:len(others)]; !slices.Equal(got, others) {
				t.Errorf("other Set-Cookie headers = %q; want %q kept in order", got, others)
			}
			checkCacheHeaders(t, h)
			if !slices.Contains(h.Values("Vary"), "Accept-Encoding") {
				t.Errorf("Vary = %q; want Accept-Encoding kept", h.Values("Vary"))
			}
			j := maps.Clone(tt.before)
			j.apply(h)
			got, err := c.Read(j.request())
			if tt.wantValue == "" {
				if !errors.Is(err, cookie.ErrNotFound) {
					t.Errorf("Read after the response = %d bytes, %v; want ErrNotFound", len(got), err)
				}
			} else if got != tt.wantValue || err != nil {
				t.Errorf("Read after the response = %d bytes, %v; want %d bytes", len(got), err, len(tt.wantValue))
			}
		})
	}
}

func TestCacheHeaders(t *testing.T) { // E7
	t.Parallel()
	tests := []struct {
		name             string
		cacheControl     []string
		vary             []string
		wantCacheControl []string
		wantVary         []string
	}{
		{"none", nil, nil, []string{"no-store"}, []string{"Cookie"}},
		{"public replaced", []string{"public, max-age=3600"}, nil, []string{"no-store"}, []string{"Cookie"}},
		{"no-store kept", []string{"private, no-store"}, nil, []string{"private, no-store"}, []string{"Cookie"}},
		{"NO-STORE kept", []string{"NO-STORE"}, nil, []string{"NO-STORE"}, []string{"Cookie"}},
		{"no-store as a prefix is not no-store", []string{"no-store-ish"}, nil, []string{"no-store"}, []string{"Cookie"}},
		{"Vary kept", nil, []string{"Accept-Encoding, Origin"}, []string{"no-store"}, []string{"Accept-Encoding, Origin", "Cookie"}},
		{"Vary Cookie not repeated", nil, []string{"accept-encoding, cookie"}, []string{"no-store"}, []string{"accept-encoding, cookie"}},
		{"Vary Cookie in a second line", nil, []string{"Origin", "Cookie"}, []string{"no-store"}, []string{"Origin", "Cookie"}},
		{"Vary * stays alone", nil, []string{"*"}, []string{"no-store"}, []string{"*"}},
		{"Vary * among others", nil, []string{"Origin, *"}, []string{"no-store"}, []string{"Origin, *"}},
	}
	c := mustNew(t, cookie.Config{Name: authName})
	for _, tt := range tests {
		for _, op := range []string{"Write", "Delete", "Vary"} {
			t.Run(tt.name+"/"+op, func(t *testing.T) {
				t.Parallel()
				rec := httptest.NewRecorder()
				h := rec.Header()
				h["Cache-Control"] = slices.Clone(tt.cacheControl)
				h["Vary"] = slices.Clone(tt.vary)
				want := http.Header{"Cache-Control": tt.wantCacheControl, "Vary": tt.wantVary}
				switch op {
				case "Write":
					if err := c.Write(rec, request(), "v", 0); err != nil {
						t.Fatal(err)
					}
				case "Delete":
					c.Delete(rec, request())
				default: // Vary alone leaves Cache-Control as it is
					cookie.Vary(h)
					want["Cache-Control"] = tt.cacheControl
				}
				got := http.Header{"Cache-Control": h["Cache-Control"], "Vary": h["Vary"]}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s: headers (-want +got):\n%s", op, diff)
				}
			})
		}
	}
}

func TestInsecureHTTP(t *testing.T) { // E10
	t.Parallel()
	tests := []struct {
		name     string
		insecure bool
		wantLog  bool
	}{
		{"InsecureHTTP warns and drops Secure", true, true},
		{"default is silent and Secure", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			logger := slog.New(slog.NewTextHandler(&buf, nil))
			c := mustNew(t, cookie.Config{Name: "dev-auth", InsecureHTTP: tt.insecure, Logger: logger})
			logged := buf.String()
			if tt.wantLog {
				for _, want := range []string{"level=WARN", "InsecureHTTP", "dev-auth"} {
					if !strings.Contains(logged, want) {
						t.Errorf("New logged %q; want it to contain %q", logged, want)
					}
				}
			} else if logged != "" {
				t.Errorf("New logged %q; want nothing", logged)
			}
			rec := httptest.NewRecorder()
			if err := c.Write(rec, nil, "SECRET", 0); err != nil {
				t.Fatal(err)
			}
			c.Delete(httptest.NewRecorder(), nil)
			if got := setCookies(rec.Header())[0].Secure; got == tt.insecure {
				t.Errorf("Secure = %v; want %v", got, !tt.insecure)
			}
			if strings.Contains(buf.String(), "SECRET") || buf.Len() != len(logged) {
				t.Errorf("Write or Delete logged %q", buf.String()[len(logged):])
			}
		})
	}
}

// TestErrorsHoldNoValue checks that no error names a cookie value.
func TestErrorsHoldNoValue(t *testing.T) {
	t.Parallel()
	c := mustNew(t, cookie.Config{Name: authName, MaxChunks: 2})
	headers := []string{
		"__Host-auth=SECRET SECRET",
		`__Host-auth="SECRET"`,
		"__Host-auth=SECRET1; __Host-auth=SECRET2",
		"__Host-auth=SECRET; __Host-auth.1=SECRET",
		"__Host-auth=chunks-2; __Host-auth.1=SECRET",
		"__Host-auth=chunks-2; __Host-auth.1=SECRET; __Host-auth.1=SECRET; __Host-auth.2=SECRET",
		"__Host-auth=chunks-2; __Host-auth.1=SECRET,; __Host-auth.2=SECRET",
		"__Host-auth=chunks-2; __Host-auth.1=SECRET; __Host-auth.2=SECRET; __Host-auth.3=SECRET",
		"__Host-auth=chunks-SECRET",
		"__Host-auth=" + strings.Repeat("SECRET", 10000),
	}
	for _, h := range headers {
		t.Run(h[:min(len(h), 60)], func(t *testing.T) {
			t.Parallel()
			_, err := c.Read(request(h))
			if err == nil {
				t.Fatalf("Read(%.60q) = nil error; want one", h)
			}
			if strings.Contains(err.Error(), "SECRET") {
				t.Errorf("Read(%.60q) = %q; the error holds the value", h, err)
			}
		})
	}
}

// TestConcurrent shares one Cookie between goroutines; run with -race.
func TestConcurrent(t *testing.T) {
	t.Parallel()
	c := mustNew(t, cookie.Config{Name: authName})
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			for i := range 50 {
				v := value((g*1000+i*97)%c.MaxValueLen() + 1)
				j := jar{}
				rec := httptest.NewRecorder()
				if err := c.Write(rec, j.request(), v, time.Hour); err != nil {
					t.Errorf("Write = %v", err)
					return
				}
				j.apply(rec.Header())
				if got, err := c.Read(j.request()); got != v || err != nil {
					t.Errorf("Read = %d bytes, %v; want %d bytes", len(got), err, len(v))
				}
				rec = httptest.NewRecorder()
				c.Delete(rec, j.request())
				j.apply(rec.Header())
				if len(j) != 0 {
					t.Errorf("after Delete the jar holds %v", j.names())
				}
			}
		})
	}
	wg.Wait()
}

// smallToken is the size of a typical auth token.
var smallToken = value(900)

func BenchmarkRead(b *testing.B) {
	c := mustNew(b, cookie.Config{Name: authName})
	r := request("theme=dark; __Host-auth=" + smallToken + "; lang=en")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Read(r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadSmall reads a 200-byte value, the common unchunked session
// token, from among a few other cookies.
func BenchmarkReadSmall(b *testing.B) {
	c := mustNew(b, cookie.Config{Name: authName})
	r := request("theme=dark; __Host-auth=" + value(200) + "; lang=en; __Host-remember=" + value(120))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Read(r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadChunked(b *testing.B) {
	c := mustNew(b, cookie.Config{Name: authName})
	j := jarOf(b, cookie.Config{Name: authName}, 3*part(len(authName)))
	r := j.request()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Read(r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadChunkedAmong reads an 11 KB value in three chunks from a
// request with twenty other cookies, as a site with analytics sends.
func BenchmarkReadChunkedAmong(b *testing.B) {
	c := mustNew(b, cookie.Config{Name: authName})
	j := jarOf(b, cookie.Config{Name: authName}, 3*part(len(authName)))
	r := j.request()
	var other strings.Builder
	for i := range 20 {
		fmt.Fprintf(&other, "; _ga%d=GA1.2.%d.1700000000", i, 1000000+i)
	}
	r.Header["Cookie"] = []string{r.Header.Get("Cookie") + other.String()}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Read(r); err != nil {
			b.Fatal(err)
		}
	}
}

// headerWriter is the least ResponseWriter, so that the benchmark counts
// the package's allocations rather than httptest's.
type headerWriter http.Header

func (w headerWriter) Header() http.Header         { return http.Header(w) }
func (w headerWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w headerWriter) WriteHeader(int)             {}

func BenchmarkWrite(b *testing.B) {
	c := mustNew(b, cookie.Config{Name: authName})
	r := request("theme=dark; __Host-auth=" + smallToken + "; lang=en")
	w := headerWriter{}
	b.ReportAllocs()
	for b.Loop() {
		clear(w)
		if err := c.Write(w, r, smallToken, 0); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDelete(b *testing.B) {
	c := mustNew(b, cookie.Config{Name: authName})
	r := request("theme=dark; __Host-auth=" + smallToken + "; lang=en")
	w := headerWriter{}
	b.ReportAllocs()
	for b.Loop() {
		clear(w)
		c.Delete(w, r)
	}
}

// TestQueued checks that Queued reports a Set-Cookie header of this
// cookie or of its chunks queued earlier in the response, and nothing
// else.
func TestQueued(t *testing.T) {
	t.Parallel()
	cfg := cookie.Config{Name: authName}
	tests := []struct {
		name  string
		queue func(t *testing.T, w http.ResponseWriter)
		want  bool
	}{
		{"nothing queued", func(*testing.T, http.ResponseWriter) {}, false},
		{"written", func(t *testing.T, w http.ResponseWriter) {
			if err := mustNew(t, cfg).Write(w, nil, "v", 0); err != nil {
				t.Fatal(err)
			}
		}, true},
		{"written in chunks", func(t *testing.T, w http.ResponseWriter) {
			if err := mustNew(t, cfg).Write(w, nil, strings.Repeat("v", 3*part(len(authName))), 0); err != nil {
				t.Fatal(err)
			}
		}, true},
		{"deleted", func(t *testing.T, w http.ResponseWriter) { mustNew(t, cfg).Delete(w, nil) }, true},
		{"only a chunk's header", func(_ *testing.T, w http.ResponseWriter) {
			w.Header().Add("Set-Cookie", authName+".2=x; Path=/; Secure")
		}, true},
		{"another cookie", func(t *testing.T, w http.ResponseWriter) {
			if err := mustNew(t, cookie.Config{Name: "__Host-other"}).Write(w, nil, "v", 0); err != nil {
				t.Fatal(err)
			}
		}, false},
		{"a name that only begins with this one", func(_ *testing.T, w http.ResponseWriter) {
			w.Header().Add("Set-Cookie", authName+"x=v; Path=/; Secure")
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := httptest.NewRecorder()
			tt.queue(t, rec)
			if got := mustNew(t, cfg).Queued(rec); got != tt.want {
				t.Errorf("Queued() = %v; want %v (Set-Cookie %q)", got, tt.want, rec.Header()["Set-Cookie"])
			}
		})
	}
}
