package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/sessionless/sessionless/examples/demo/site"
	"github.com/sessionless/sessionless/internal/testci"
	"github.com/sessionless/sessionless/keyring"
)

// cheapHash is the demo password at bcrypt's minimum cost: the tests log in
// dozens of times, and under -race the default cost takes most of a second.
var cheapHash = func() []byte {
	h, err := bcrypt.GenerateFromPassword([]byte(site.Password), bcrypt.MinCost)
	if err != nil {
		panic(err)
	}
	return h
}()

const htmlAccept = "text/html,application/xhtml+xml,*/*;q=0.8"

// newRing returns a ring of one key, active since an hour ago.
func newRing(t testing.TB) *keyring.Ring {
	t.Helper()
	then := time.Now().Add(-time.Hour)
	r, err := keyring.New([]keyring.Key{keyring.GenerateKey(then, then)}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// startSite serves the demo's handler, as newServer builds it, on
// 127.0.0.1 with a fresh in-memory keyring.
func startSite(t testing.TB) *httptest.Server {
	t.Helper()
	h, err := newServer(options{passwordHash: cheapHash}, keyring.NewLive(newRing(t)), true, discardLogger())
	if err != nil {
		t.Fatal(err)
	}
	return serve(t, h)
}

// clock is a clock the test moves forward instead of sleeping
// (site.Config.Clock).
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Now()} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// startSiteConfig serves site.New(cfg) with the cheap hash and a fresh
// keyring filled in.
func startSiteConfig(t testing.TB, cfg site.Config) *httptest.Server {
	t.Helper()
	cfg.PasswordHash = cheapHash
	if cfg.Keys == nil {
		cfg.Keys = newRing(t)
	}
	if cfg.Logger == nil {
		cfg.Logger = discardLogger()
	}
	h, err := site.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return serve(t, h)
}

func serve(t testing.TB, h http.Handler) *httptest.Server {
	srv := httptest.NewServer(h) // on 127.0.0.1
	t.Cleanup(srv.Close)
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
		t.Fatalf("test server at %s; want 127.0.0.1", srv.URL)
	}
	return srv
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// browser is an HTTP client with a real cookie jar that does not follow
// redirects, so each step can be checked, and sends what a browser sends.
type browser struct {
	t    testing.TB
	base string
	jar  *cookiejar.Jar
	c    *http.Client
}

func newBrowser(t testing.TB, base string) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, base: base, jar: jar, c: &http.Client{
		Jar:           jar,
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// response is a response read whole.
type response struct {
	code   int
	header http.Header
	body   string
}

func (r response) location() string { return r.header.Get("Location") }

// setCookie returns the Set-Cookie of the named cookie, or nil.
func (r response) setCookie(name string) *http.Cookie {
	for _, line := range r.header.Values("Set-Cookie") {
		c, err := http.ParseSetCookie(line)
		if err == nil && c.Name == name {
			return c
		}
	}
	return nil
}

// do sends a request. Navigations (GET) accept HTML as a browser does;
// forms are posted same-origin unless hdr says otherwise.
func (b *browser) do(method, path string, form url.Values, hdr http.Header) response {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.base+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Accept", htmlAccept)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("Origin", b.base)
	}
	for k, v := range hdr {
		if v == nil {
			req.Header.Del(k)
		} else {
			req.Header[k] = v
		}
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		b.t.Fatalf("%s %s: reading the body: %v", method, path, err)
	}
	return response{code: res.StatusCode, header: res.Header, body: string(data)}
}

func (b *browser) get(path string) response { return b.do("GET", path, nil, nil) }

func (b *browser) post(path string, form url.Values) response {
	if form == nil {
		form = url.Values{}
	}
	return b.do("POST", path, form, nil)
}

// login posts the login form with the demo's credentials.
func (b *browser) login(remember bool, returnTo string) response {
	b.t.Helper()
	f := url.Values{"username": {site.Username}, "password": {site.Password}, "return_to": {returnTo}}
	if remember {
		f.Set("remember", "on")
	}
	return b.post("/login", f)
}

// me returns GET /api/me's level and name as a script would ask for them
// (no HTML).
func (b *browser) me() (level string, name *string) {
	b.t.Helper()
	m := b.meAll()
	return m.Level, m.Name
}

// meAll returns GET /api/me as a script would ask for it (no HTML).
func (b *browser) meAll() site.Me {
	b.t.Helper()
	r := b.do("GET", "/api/me", nil, http.Header{"Accept": {"application/json"}})
	if r.code != http.StatusOK {
		b.t.Fatalf("GET /api/me: status %d; want 200", r.code)
	}
	return decodeMe(b.t, r)
}

// decodeMe decodes a response of GET /api/me, or of a form's API caller.
func decodeMe(t testing.TB, r response) site.Me {
	t.Helper()
	var m site.Me
	if err := json.Unmarshal([]byte(r.body), &m); err != nil {
		t.Fatalf("GET /api/me: %v in %q", err, r.body)
	}
	return m
}

// wantNoCookies fails the test if r sets or deletes any cookie.
func wantNoCookies(t testing.TB, what string, r response) {
	t.Helper()
	if c := r.header.Values("Set-Cookie"); c != nil {
		t.Errorf("%s: Set-Cookie %q; want none", what, c)
	}
}

// cookie returns the value of the named cookie in the jar, or "".
func (b *browser) cookie(name string) string {
	u, _ := url.Parse(b.base)
	for _, c := range b.jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// restart is the browser closed and opened again: a new jar that keeps
// only the given persistent cookies. (The real browser does this in
// browsertest/; here the attributes are checked on the Set-Cookie lines.)
func (b *browser) restart(persistent ...string) *browser {
	b.t.Helper()
	nb := newBrowser(b.t, b.base)
	u, _ := url.Parse(b.base)
	var keep []*http.Cookie
	for _, name := range persistent {
		if v := b.cookie(name); v != "" {
			keep = append(keep, &http.Cookie{Name: name, Value: v, Path: "/", Secure: true, HttpOnly: true, MaxAge: 3600})
		}
	}
	nb.jar.SetCookies(u, keep)
	return nb
}

// status returns the status line of a page: the text of the element with
// id "status", tags removed and spaces collapsed.
func status(t testing.TB, page string) string {
	t.Helper()
	i := strings.Index(page, `id="status"`)
	if i < 0 {
		t.Fatalf("no status line in %q", page)
	}
	rest := page[i:]
	rest = rest[strings.IndexByte(rest, '>')+1:]
	end := strings.Index(rest, "</p>")
	if end < 0 {
		t.Fatalf("status line not closed in %q", page)
	}
	var out strings.Builder
	in := false
	for _, c := range rest[:end] {
		switch {
		case c == '<':
			in = true
		case c == '>':
			in = false
			out.WriteByte(' ')
		case !in:
			out.WriteRune(c)
		}
	}
	return strings.Join(strings.Fields(out.String()), " ")
}

// kid returns the key id in the header of the JWE in a cookie value.
func kid(t testing.TB, value string) string {
	t.Helper()
	hdr, _, _ := strings.Cut(value, ".")
	raw, err := base64.RawURLEncoding.DecodeString(hdr)
	if err != nil {
		t.Fatalf("cookie is not a JWE: %v", err)
	}
	var h struct {
		Kid string `json:"kid"`
	}
	if err := json.Unmarshal(raw, &h); err != nil {
		t.Fatalf("JWE header %q: %v", raw, err)
	}
	return h.Kid
}

// runDemo starts the demo with args on a free loopback port, as run does
// but with the cheap password hash and a keyring file read every 20 ms,
// and returns the base URL, the output buffers and a stop function that
// returns run's exit code.
func runDemo(t *testing.T, args ...string) (base string, stdout, stderr *testci.Buffer, stop func() int) {
	t.Helper()
	stdout, stderr = new(testci.Buffer), new(testci.Buffer)
	ctx, cancel := context.WithCancel(context.Background())
	var code int
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		o, err := parseFlags(append([]string{"-addr", "127.0.0.1:0"}, args...), stderr)
		if err != nil {
			code = 2
			return
		}
		o.passwordHash, o.watchEvery = cheapHash, 20*time.Millisecond
		code = runOptions(ctx, o, stdout, stderr)
	}()
	err := stdout.WaitFor(10*time.Second, exited, func(s string) bool { return strings.Contains(s, "\n") })
	switch {
	case errors.Is(err, testci.ErrDone):
		t.Fatalf("run exited with %d before serving; stderr:\n%s", code, stderr)
	case err != nil:
		cancel()
		t.Fatalf("waiting for the demo's URL on stdout: %v; stderr:\n%s", err, stderr)
	}
	line, _, _ := strings.Cut(stdout.String(), "\n")
	base, ok := strings.CutPrefix(line, "sessionless demo: ")
	if !ok {
		cancel()
		t.Fatalf("first line %q; want the URL", line)
	}
	base = strings.TrimSuffix(base, "/")
	stopped := false
	stop = func() int {
		if stopped {
			return code
		}
		stopped = true
		cancel()
		select {
		case <-exited:
		case <-time.After(15 * time.Second):
			t.Fatal("run did not return after its context was cancelled")
		}
		return code
	}
	t.Cleanup(func() { stop() })
	return base, stdout, stderr, stop
}
