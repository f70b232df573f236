package remember_test

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/sessionless/sessionless/internal/testci"
	"github.com/sessionless/sessionless/keyring"
	"github.com/sessionless/sessionless/remember"
	"github.com/sessionless/sessionless/token"
)

// User is the payload of the tests. Version is the per-user session version
// of the validation-hook tests; Bio makes tokens large enough to be chunked.
type User struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Email   string `json:"email,omitempty"`
	Version int    `json:"v,omitempty"`
	Bio     string `json:"bio,omitempty"`
}

var (
	alice = User{ID: 1, Name: "Alice", Email: "alice@example.com", Version: 1}
	bob   = User{ID: 2, Name: "Bob", Email: "bob@example.com", Version: 1}
)

// t0 is the tests' "now", in whole seconds so that token times (whole
// seconds) compare exactly.
var t0 = time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)

const (
	authName     = remember.DefaultAuthCookie
	rememberName = remember.DefaultRememberCookie
	freshName    = remember.DefaultFreshCookie
)

// cmpTime compares times by instant: token times come back in time.Local.
var cmpTime = cmp.Options{cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) }), cmpopts.IgnoreUnexported(remember.State[User]{})}

// ignoreIDs ignores the random token ids, which the tests check apart.
var ignoreIDs = cmpopts.IgnoreFields(token.Claims{}, "ID")

// clock is the injected clock of a Manager (Config.Clock).
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock(t time.Time) *clock { return &clock{now: t} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// newRing returns a ring of one key, active since long before t0 (so that
// tokens can be sealed in the past for the expiry tests).
func newRing(t testing.TB) *keyring.Ring {
	t.Helper()
	k := keyring.GenerateKey(t0.Add(-61*24*time.Hour), t0.Add(-60*24*time.Hour))
	r, err := keyring.New([]keyring.Key{k}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func primaryID(t testing.TB, r *keyring.Ring, now time.Time) string {
	t.Helper()
	k, err := r.Primary(now)
	if err != nil {
		t.Fatal(err)
	}
	return k.ID
}

// rejects records what Config.OnReject receives, both as values and as
// fmt's "%+v" (for the H3 checks).
type rejects struct {
	mu     sync.Mutex
	list   []remember.Rejection
	printf []string
}

func (r *rejects) record(_ any, rej remember.Rejection) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.list = append(r.list, rej)
	r.printf = append(r.printf, fmt.Sprintf("%+v", rej))
}

// take returns the rejections since the last call and forgets them.
func (r *rejects) take() []remember.Rejection {
	r.mu.Lock()
	defer r.mu.Unlock()
	l := r.list
	r.list = nil
	return l
}

func (r *rejects) text() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.printf, "\n")
}

// env is one Manager over a live keyring, with an injected clock, recorded
// rejections and a JSON log on a buffer.
type env struct {
	t     testing.TB
	cfg   remember.Config[User]
	clock *clock
	live  *keyring.Live
	m     *remember.Manager[User]
	rej   *rejects
	logs  *testci.Buffer
}

// newEnv builds an env at t0. cfg's OnReject and Logger are set by newEnv.
func newEnv(t testing.TB, cfg remember.Config[User]) *env {
	t.Helper()
	e := &env{t: t, clock: newClock(t0), live: keyring.NewLive(newRing(t)), rej: &rejects{}, logs: &testci.Buffer{}}
	cfg.OnReject = func(ctx context.Context, rej remember.Rejection) { e.rej.record(ctx, rej) }
	cfg.Logger = slog.New(slog.NewJSONHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e.cfg = cfg
	e.m = e.manager(e.clock.Now)
	return e
}

// manager returns another Manager of e's configuration and keyring, with
// its own clock: a second server.
func (e *env) manager(now func() time.Time) *remember.Manager[User] {
	e.t.Helper()
	cfg := e.cfg
	cfg.Clock = now
	m, err := remember.New(e.live, cfg)
	if err != nil {
		e.t.Fatalf("New: %v", err)
	}
	return m
}

// browser returns an empty browser that lives on e's clock.
func (e *env) browser() *browser {
	return &browser{t: e.t, clock: e.clock, jar: map[string]stored{}}
}

// load runs Load for b's next request and stores the response's cookies.
func (e *env) load(b *browser) (*remember.State[User], map[string]*http.Cookie) {
	e.t.Helper()
	rec := httptest.NewRecorder()
	st := ptr(e.m.Load(rec, b.request()))
	return st, b.receive(rec)
}

// login runs Login for b.
func (e *env) login(b *browser, u User, rem bool) (*remember.State[User], map[string]*http.Cookie) {
	e.t.Helper()
	rec := httptest.NewRecorder()
	st, err := e.m.Login(rec, b.request(), u, remember.Persistence(rem))
	if err != nil {
		e.t.Fatalf("Login: %v", err)
	}
	return st, b.receive(rec)
}

// loadHeader runs Load for a request whose Cookie header is exactly h.
func (e *env) loadHeader(h string) (*remember.State[User], map[string]*http.Cookie) {
	e.t.Helper()
	r := httptest.NewRequest(http.MethodGet, "https://example.com/", nil)
	r.Header.Set("Cookie", h)
	rec := httptest.NewRecorder()
	st := ptr(e.m.Load(rec, r))
	return st, receive(e.t, rec)
}

// mint returns the auth and remember tokens of a login of u at time at,
// sealed by a second server of e.
func (e *env) mint(u User, at time.Time) (auth, rem string) {
	e.t.Helper()
	m := e.manager(func() time.Time { return at })
	rec := httptest.NewRecorder()
	if _, err := m.Login(rec, httptest.NewRequest(http.MethodPost, "https://example.com/login", nil), u, true); err != nil {
		e.t.Fatalf("Login at %v: %v", at, err)
	}
	set := receive(e.t, rec)
	return set[authName].Value, set[rememberName].Value
}

// open opens a cookie value as a token of purpose, to look at its claims.
func open[T any](t testing.TB, src keyring.Source, purpose, raw string, now time.Time) *token.Token[T] {
	t.Helper()
	c, err := token.New[T](src, token.Config{Purpose: purpose, MaxLength: token.MaxLengthLimit})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := c.Open(raw, now)
	if err != nil {
		t.Fatalf("Open(%s token) = %v", purpose, err)
	}
	return tok
}

// stored is a cookie in a browser.
type stored struct {
	value   string
	session bool      // no Max-Age, no Expires: dropped at a restart
	expires time.Time // when a persistent cookie goes
}

// browser keeps cookies between requests as a browser does, from the
// Set-Cookie lines of each response parsed by net/http.
type browser struct {
	t     testing.TB
	clock *clock
	jar   map[string]stored
}

// request returns a request that carries the browser's cookies, in name
// order.
func (b *browser) request() *http.Request {
	r := httptest.NewRequest(http.MethodGet, "https://example.com/", nil)
	now := b.clock.Now()
	for _, name := range slices.Sorted(maps.Keys(b.jar)) {
		c := b.jar[name]
		if !c.session && !now.Before(c.expires) {
			delete(b.jar, name)
			continue
		}
		r.AddCookie(&http.Cookie{Name: name, Value: c.value})
	}
	return r
}

// receive stores the cookies of a response (deleting those with Max-Age=0)
// and returns them by name.
func (b *browser) receive(rec *httptest.ResponseRecorder) map[string]*http.Cookie {
	b.t.Helper()
	set := receive(b.t, rec)
	for name, c := range set {
		switch {
		case c.MaxAge < 0:
			delete(b.jar, name)
		case c.MaxAge == 0 && c.RawExpires == "":
			b.jar[name] = stored{value: c.Value, session: true}
		default:
			b.jar[name] = stored{value: c.Value, expires: b.clock.Now().Add(time.Duration(c.MaxAge) * time.Second)}
		}
	}
	return set
}

// Restart drops the browser-session cookies and keeps the persistent ones,
// as closing and reopening the browser does.
func (b *browser) Restart() {
	maps.DeleteFunc(b.jar, func(_ string, c stored) bool { return c.session })
}

// clone returns a copy of the browser: cookies an attacker copied.
func (b *browser) clone() *browser {
	return &browser{t: b.t, clock: b.clock, jar: maps.Clone(b.jar)}
}

// names returns the names of the cookies in the browser.
func (b *browser) names() []string { return slices.Sorted(maps.Keys(b.jar)) }

// receive parses every Set-Cookie line of rec with http.ParseSetCookie and
// checks what every response that sets a cookie must do (E7): one line per
// name, Cache-Control: no-store and Vary: Cookie.
func receive(t testing.TB, rec *httptest.ResponseRecorder) map[string]*http.Cookie {
	t.Helper()
	h := rec.Result().Header
	lines := h.Values("Set-Cookie")
	set := map[string]*http.Cookie{}
	for _, line := range lines {
		c, err := http.ParseSetCookie(line)
		if err != nil {
			t.Errorf("ParseSetCookie(%q) = %v", line, err)
			continue
		}
		if set[c.Name] != nil {
			t.Errorf("two Set-Cookie lines for %q in one response; want one", c.Name)
		}
		set[c.Name] = c
	}
	if len(lines) > 0 {
		if got := h.Get("Cache-Control"); got != "no-store" {
			t.Errorf("Cache-Control = %q; want %q", got, "no-store")
		}
		if got := h.Values("Vary"); !slices.Contains(got, "Cookie") {
			t.Errorf("Vary = %q; want Cookie", got)
		}
	}
	return set
}

// setNames returns the names set in a response, each marked "-" when
// deleted (Max-Age=0).
func setNames(set map[string]*http.Cookie) []string {
	var out []string
	for name, c := range set {
		if c.MaxAge < 0 {
			name = "-" + name
		}
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// noSecrets fails if text holds any 8-byte substring of a token, or a
// payload's e-mail address (H3).
func noSecrets(t testing.TB, what, text string, tokens ...string) {
	t.Helper()
	for _, tok := range tokens {
		for i := 0; i+8 <= len(tok); i++ {
			if strings.Contains(text, tok[i:i+8]) {
				t.Errorf("%s holds %q, a part of a token", what, tok[i:i+8])
				break
			}
		}
	}
	for _, email := range []string{alice.Email, bob.Email} {
		if strings.Contains(text, email) {
			t.Errorf("%s holds the payload's e-mail %q", what, email)
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// ptr returns a pointer to a copy of st, for a State that Load returned
// straight into a call that takes one.
func ptr(st remember.State[User]) *remember.State[User] { return &st }
