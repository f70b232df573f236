package browsertest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/chromedp"

	"github.com/sessionless/sessionless/examples/demo/site"
	"github.com/sessionless/sessionless/keyring"
)

// chromiumFlags are the only switches the suite gives Chromium, besides
// --user-data-dir (a fresh profile per scenario). README.md says why each
// is there. chromedp adds --remote-debugging-pipe (how it talks to the
// browser) and about:blank (the first page); Debian's launcher script adds
// the flags of /etc/chromium.d.
var chromiumFlags = []string{
	"headless",
	"no-sandbox",
	"disable-gpu",
	"no-first-run",
	"disable-background-networking",
	"disable-component-update",
	"disable-sync",
	"disable-quic",
}

const (
	authCookie     = "__Host-auth"
	rememberCookie = "__Host-remember"
	// artifactsDir holds the screenshots; the root .gitignore ignores it.
	artifactsDir = "artifacts"
	// screenWidth is the width of the screenshots, in CSS pixels at scale 1.
	screenWidth, screenHeight = 1100, 760
	// stepTimeout bounds each browser action, browserTimeout each browser.
	stepTimeout    = 15 * time.Second
	browserTimeout = 45 * time.Second
)

// TestBrowser runs the scenarios, each in a fresh Chromium profile and in
// parallel with the others.
func TestBrowser(t *testing.T) {
	exe := requireChromium(t)
	scenarios := []struct {
		name string
		run  func(t *testing.T, exe string)
	}{
		{"remember_restart_reauth", scenarioRemember},
		{"no_remember_restart", scenarioNoRemember},
		{"logout_restart", scenarioLogout},
		{"cookie_attributes", scenarioCookieAttributes},
		{"cross_site_logout_refused", scenarioCrossSite},
		{"screenshots", scenarioScreenshots},
		{"session_restore_caveat", scenarioSessionRestore},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			sc.run(t, exe)
		})
	}
}

// scenarioRemember is the seed's story in a real browser: log in with
// "remember me", see the account, close the browser, come back
// remembered, be asked for the password before the account.
func scenarioRemember(t *testing.T, exe string) {
	d := startDemo(t)
	dir := newProfile(t)
	b := launch(t, exe, dir)
	b.nav(d.URL + "/account")
	b.wantPath(d.URL + "/login?return_to=%2Faccount")
	b.wantLevel("anonymous")
	b.login(site.Username, site.Password, true)
	b.wantPath(d.URL + "/account")
	b.wantLevel("authenticated")
	b.wantText("main", "Your account", "alice")
	b.wantCookies(d.URL, authCookie, rememberCookie)
	b.close()

	// The same profile, a new browser: the session cookie is gone.
	b = launch(t, exe, dir)
	b.wantCookies(d.URL, rememberCookie)
	b.nav(d.URL + "/")
	b.wantLevel("remembered")
	b.wantText("main", "Hello, Alice!")
	b.wantText("#status", "remembered as Alice")
	if level, name := b.apiMe(d.URL); level != "remembered" || name != "Alice" {
		t.Errorf("/api/me after restart = %q, %q; want remembered, Alice", level, name)
	}
	b.nav(d.URL + "/account")
	b.wantPath(d.URL + "/reauth?return_to=%2Faccount")
	b.wantText("main", "You are remembered as Alice, but this page needs your password")
	b.reauth(site.Password)
	b.wantPath(d.URL + "/account")
	b.wantLevel("authenticated")
	b.wantText("main", "Your account")
	b.wantCookies(d.URL, authCookie, rememberCookie)
	b.close()
}

// scenarioNoRemember: without "remember me", closing the browser ends
// the session.
func scenarioNoRemember(t *testing.T, exe string) {
	d := startDemo(t)
	dir := newProfile(t)
	b := launch(t, exe, dir)
	b.nav(d.URL + "/login")
	b.login(site.Username, site.Password, false)
	b.wantPath(d.URL + "/")
	b.wantLevel("authenticated")
	b.wantCookies(d.URL, authCookie)
	b.close()

	b = launch(t, exe, dir)
	b.wantCookies(d.URL)
	b.nav(d.URL + "/")
	b.wantLevel("anonymous")
	b.wantText("main", "Hello, stranger")
	if level, _ := b.apiMe(d.URL); level != "anonymous" {
		t.Errorf("/api/me after restart = %q; want anonymous", level)
	}
	b.close()
}

// scenarioLogout: the logout button clears both cookies, and they stay
// gone after a restart.
func scenarioLogout(t *testing.T, exe string) {
	d := startDemo(t)
	dir := newProfile(t)
	b := launch(t, exe, dir)
	b.nav(d.URL + "/login")
	b.login(site.Username, site.Password, true)
	b.wantLevel("authenticated")
	b.wantCookies(d.URL, authCookie, rememberCookie)
	b.clickAndWait(`header form[action="/logout"] button`)
	b.wantPath(d.URL + "/")
	b.wantLevel("anonymous")
	b.wantCookies(d.URL)
	b.close()

	b = launch(t, exe, dir)
	b.wantCookies(d.URL)
	b.nav(d.URL + "/")
	b.wantLevel("anonymous")
	b.close()
}

// scenarioCookieAttributes reads the cookies as Chromium stored them.
func scenarioCookieAttributes(t *testing.T, exe string) {
	d := startDemo(t)
	b := launch(t, exe, newProfile(t))
	b.nav(d.URL + "/login")
	loggedIn := time.Now()
	b.login(site.Username, site.Password, true)
	b.wantLevel("authenticated")

	cookies := b.cookiesFor(d.URL)
	byName := map[string]*network.Cookie{}
	for _, c := range cookies {
		byName[c.Name] = c
	}
	if len(cookies) != 2 {
		t.Errorf("Chromium holds %d cookies for %s: %v; want 2", len(cookies), d.URL, names(cookies))
	}
	for _, name := range []string{authCookie, rememberCookie} {
		c := byName[name]
		if c == nil {
			t.Fatalf("Chromium did not store %s (it has %v)", name, names(cookies))
		}
		if !c.Secure || !c.HTTPOnly || c.SameSite != network.CookieSameSiteLax || c.Path != "/" || c.Domain != "127.0.0.1" {
			t.Errorf("%s: Secure=%v HttpOnly=%v SameSite=%q Path=%q Domain=%q; want Secure, HttpOnly, Lax, /, host-only 127.0.0.1",
				name, c.Secure, c.HTTPOnly, c.SameSite, c.Path, c.Domain)
		}
	}
	if c := byName[authCookie]; !c.Session || c.Expires != -1 {
		t.Errorf("%s: Session=%v Expires=%v; want a session cookie with no expiry", authCookie, c.Session, c.Expires)
	}
	c := byName[rememberCookie]
	want := loggedIn.Add(30 * 24 * time.Hour)
	got := time.Unix(int64(c.Expires), 0)
	if c.Session || got.Before(want.Add(-time.Minute)) || got.After(want.Add(time.Minute)) {
		t.Errorf("%s: Session=%v expires %v; want persistent, about %v (30 days ahead)", rememberCookie, c.Session, got, want.Round(time.Second))
	}
}

// scenarioCrossSite serves an attacker's page on another site
// (http://localhost:PORT against the demo on http://127.0.0.1:PORT) that
// auto-submits a form to the demo's /logout. CrossOriginProtection must
// refuse it, and the visitor must stay logged in.
//
// The control at the end sends the same page against the same handler
// with the browser's Sec-Fetch-Site and Origin headers removed, so that
// CrossOriginProtection cannot see where the request came from: then the
// visitor IS logged out. SameSite=Lax keeps the cookies off that POST,
// but the logout answer deletes them anyway and Chromium accepts the
// deletion, so the CSRF check is what protects logout, not SameSite.
func scenarioCrossSite(t *testing.T, exe string) {
	d := startDemo(t)
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><title>free prizes</title>
<form method="post" action="%s"><input type="hidden" name="x" value="1"></form>
<script>document.forms[0].submit()</script>`, html.EscapeString(r.URL.Query().Get("target")))
	}))
	t.Cleanup(evil.Close)
	attack := func(target string) string {
		return strings.Replace(evil.URL, "127.0.0.1", "localhost", 1) + "/?target=" + url.QueryEscape(target)
	}

	b := launch(t, exe, newProfile(t))
	b.nav(d.URL + "/login")
	b.login(site.Username, site.Password, true)
	b.wantLevel("authenticated")

	b.nav(attack(d.URL + "/logout"))
	b.waitFor(d.URL + "/logout")
	status := run(b, chromedp.Evaluate[int](`performance.getEntriesByType("navigation")[0].responseStatus`))
	if status != http.StatusForbidden {
		t.Errorf("the cross-site POST /logout answered %d in the browser; want 403", status)
	}
	b.wantText("body", "cross-origin request detected")

	// What the server saw: the browser marked the POST cross-site.
	var saw bool
	for _, r := range d.requests() {
		if r.method == "POST" && r.path == "/logout" {
			saw = true
			if r.fetchSite != "cross-site" || r.status != http.StatusForbidden {
				t.Errorf("POST /logout: Sec-Fetch-Site %q, answered %d; want cross-site, 403", r.fetchSite, r.status)
			}
		}
	}
	if !saw {
		t.Error("the server never saw the POST /logout")
	}
	b.wantCookies(d.URL, authCookie, rememberCookie)
	b.nav(d.URL + "/")
	b.wantLevel("authenticated")

	// The control: without the headers CrossOriginProtection reads, the
	// same page logs the visitor out.
	blind := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Del("Sec-Fetch-Site")
		r.Header.Del("Origin")
		d.handler.ServeHTTP(w, r)
	}))
	t.Cleanup(blind.Close)
	b.nav(attack(blind.URL + "/logout"))
	b.waitFor(blind.URL + "/")
	b.wantCookies(d.URL)
	b.close()
}

// scenarioSessionRestore documents why newProfile pins the startup
// preference: with "Continue where you left off", Chromium keeps session
// cookies across a restart, so closing the browser does not end the
// authenticated session; only the auth token's own expiry (30 minutes
// idle, 12 hours at most) does. That is why the token carries its expiry
// and never relies on the cookie being a session cookie.
func scenarioSessionRestore(t *testing.T, exe string) {
	d := startDemo(t)
	dir := newProfileRestoring(t, restoreLastSession)
	b := launch(t, exe, dir)
	b.nav(d.URL + "/login")
	b.login(site.Username, site.Password, false)
	b.wantLevel("authenticated")
	b.close()

	b = launch(t, exe, dir)
	b.wantCookies(d.URL, authCookie) // restored with the last session
	b.nav(d.URL + "/account")
	b.wantPath(d.URL + "/account")
	b.wantLevel("authenticated")
	b.close()
}

// scenarioScreenshots saves the main pages as PNG files in artifacts/.
func scenarioScreenshots(t *testing.T, exe string) {
	if err := os.MkdirAll(artifactsDir, 0o755); err != nil {
		t.Fatal(err)
	}
	d := startDemo(t)
	dir := newProfile(t)
	b := launch(t, exe, dir)
	b.nav(d.URL + "/")
	b.wantLevel("anonymous")
	b.screenshot("1-home-anonymous")
	b.nav(d.URL + "/login")
	b.fillLogin(site.Username, site.Password, true)
	b.screenshot("2-login")
	b.clickAndWait(`main form[action="/login"] button[type="submit"]`)
	b.wantLevel("authenticated")
	b.wantCookies(d.URL, authCookie, rememberCookie)
	b.close()

	b = launch(t, exe, dir)
	b.nav(d.URL + "/")
	b.wantLevel("remembered")
	b.screenshot("3-home-remembered")
	b.nav(d.URL + "/account")
	b.wantPath(d.URL + "/reauth?return_to=%2Faccount")
	b.screenshot("4-reauth")
	b.reauth(site.Password)
	b.wantLevel("authenticated")
	b.screenshot("5-account")
	b.nav(d.URL + "/")
	b.screenshot("6-home-authenticated")
	b.nav(d.URL + "/account/password")
	b.screenshot("7-account-password")
	b.close()
}

// demo is the demo site on 127.0.0.1, with a record of what it answered.
type demo struct {
	URL     string
	handler http.Handler // the site, without the record
	mu      sync.Mutex
	log     []request
}

type request struct {
	method, path, fetchSite string
	status                  int
}

func startDemo(t *testing.T) *demo {
	t.Helper()
	now := time.Now()
	ring, err := keyring.New([]keyring.Key{keyring.GenerateKey(now.Add(-time.Hour), now.Add(-time.Hour))}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	h, err := site.New(site.Config{Keys: keyring.NewLive(ring), Logger: slog.New(slog.NewTextHandler(tWriter{t}, nil))})
	if err != nil {
		t.Fatal(err)
	}
	d := &demo{handler: h}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(sw, r)
		d.mu.Lock()
		d.log = append(d.log, request{r.Method, r.URL.Path, r.Header.Get("Sec-Fetch-Site"), sw.status})
		d.mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	d.URL = srv.URL
	if !strings.HasPrefix(d.URL, "http://127.0.0.1:") {
		t.Fatalf("demo at %s; want http://127.0.0.1", d.URL)
	}
	return d
}

func (d *demo) requests() []request {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]request(nil), d.log...)
}

type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(p)
}

// tWriter sends the demo's log lines to the test log.
type tWriter struct{ t *testing.T }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// Values of Chromium's "session.restore_on_startup" preference.
const (
	restoreLastSession = 1 // "Continue where you left off": session cookies come back too
	restoreNewTab      = 5 // "Open the New Tab page", the default
)

// newProfile returns a fresh user-data-dir whose preferences pin what a
// restart restores: the New Tab page, not the last session, which would
// also bring back the session cookies (see scenarioSessionRestore). The
// New Tab page is Chromium's default; it is written down so that a change
// of default cannot make the restart scenarios pass or fail for the wrong
// reason, and the scenarios check the cookie store after each restart too.
func newProfile(t *testing.T) string {
	t.Helper()
	return newProfileRestoring(t, restoreNewTab)
}

func newProfileRestoring(t *testing.T, restoreOnStartup int) string {
	t.Helper()
	dir := t.TempDir()
	prefs := fmt.Appendf(nil, `{"session": {"restore_on_startup": %d}}`, restoreOnStartup)
	if err := os.MkdirAll(filepath.Join(dir, "Default"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "Default", "Preferences"), prefs, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// browser is one Chromium process on a profile.
type browser struct {
	t           *testing.T
	ctx         context.Context
	cancelAlloc context.CancelFunc
	cancelAll   context.CancelFunc
	out         *syncBuffer
	closed      bool
}

// launch starts Chromium on the profile dir and opens a tab.
func launch(t *testing.T, exe, dir string) *browser {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(exe)}
	for _, f := range chromiumFlags {
		opts = append(opts, chromedp.Flag(f, true))
	}
	out := new(syncBuffer)
	opts = append(opts, chromedp.UserDataDir(dir), chromedp.CombinedOutput(out))
	base, cancelAll := context.WithTimeout(context.Background(), browserTimeout)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(base, opts...)
	ctx, _ := chromedp.NewContext(allocCtx) // chromedp.Cancel closes it
	b := &browser{t: t, ctx: ctx, cancelAlloc: cancelAlloc, cancelAll: cancelAll, out: out}
	t.Cleanup(b.close)
	if err := chromedp.Do(ctx); err != nil { // starts the browser and the tab
		b.close()
		t.Fatalf("starting %s: %v\nbrowser output:\n%s", exe, err, out)
	}
	if err := chromedp.Do(b.step(), chromedp.EmulateViewport(screenWidth, screenHeight)); err != nil {
		t.Fatalf("setting the viewport: %v", err)
	}
	// No scrollbar, so that a full-page screenshot is screenWidth wide.
	if _, err := chromedp.Call(b.step(), emulation.SetScrollbarsHidden, emulation.SetScrollbarsHiddenParams{Hidden: true}); err != nil {
		t.Fatalf("hiding the scrollbars: %v", err)
	}
	return b
}

// close shuts the browser down as a user closing it does, so that it
// writes its cookie store to the profile, and waits until it has exited.
func (b *browser) close() {
	if b.closed {
		return
	}
	b.closed = true
	done := make(chan error, 1)
	go func() { done <- chromedp.Cancel(b.ctx) }()
	select {
	case err := <-done:
		if err != nil && !strings.Contains(err.Error(), "context canceled") {
			b.t.Logf("closing the browser: %v", err)
		}
	case <-time.After(stepTimeout):
		b.t.Errorf("the browser did not close within %v; killing it", stepTimeout)
	}
	b.cancelAlloc() // kills what is left and waits for it
	b.cancelAll()
}

// step returns a context for one action, bounded by stepTimeout.
func (b *browser) step() context.Context {
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	b.t.Cleanup(cancel)
	return ctx
}

// run runs one action, failing the test on an error.
func run[T any](b *browser, a chromedp.Action[T]) T {
	b.t.Helper()
	v, err := chromedp.Run(b.step(), a)
	if err != nil {
		b.t.Fatalf("browser: %v\nbrowser output:\n%s", err, b.out)
	}
	return v
}

func (b *browser) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.step(), steps...); err != nil {
		b.t.Fatalf("browser: %v\nbrowser output:\n%s", err, b.out)
	}
}

// nav opens u and waits for the page.
func (b *browser) nav(u string) {
	b.t.Helper()
	b.do(chromedp.Navigate(u))
}

// clickAndWait clicks the element and waits for the page it leads to.
func (b *browser) clickAndWait(sel string) {
	b.t.Helper()
	if _, err := chromedp.RunResponse(b.step(), chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible)); err != nil {
		b.t.Fatalf("clicking %s: %v", sel, err)
	}
	b.waitReady()
}

func (b *browser) waitReady() {
	b.t.Helper()
	b.do(chromedp.WaitReady(chromedp.CSS("body")))
}

func (b *browser) typeInto(sel, text string) {
	b.t.Helper()
	b.do(chromedp.SendKeys(chromedp.CSS(sel), text, chromedp.NodeVisible))
}

// login fills in and submits the login form of the current page.
func (b *browser) login(user, password string, remember bool) {
	b.t.Helper()
	b.fillLogin(user, password, remember)
	b.clickAndWait(`main form[action="/login"] button[type="submit"]`)
}

// fillLogin types into the login form as a visitor does.
func (b *browser) fillLogin(user, password string, remember bool) {
	b.t.Helper()
	b.typeInto(`main input[name="username"]`, user)
	b.typeInto(`main input[name="password"]`, password)
	if remember {
		b.do(chromedp.Click(chromedp.CSS(`main input[name="remember"]`), chromedp.NodeVisible))
	}
}

// reauth fills in and submits the re-authentication form.
func (b *browser) reauth(password string) {
	b.t.Helper()
	b.typeInto(`main input[name="password"]`, password)
	b.clickAndWait(`main form[action="/reauth"] button[type="submit"]`)
}

// waitFor waits until the browser is at u and the page is loaded.
func (b *browser) waitFor(u string) {
	b.t.Helper()
	var loc string
	for deadline := time.Now().Add(stepTimeout); loc != u; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			b.t.Fatalf("the browser did not reach %s; it is at %s", u, loc)
		}
		loc = b.location()
	}
	b.waitReady()
}

func (b *browser) location() string {
	b.t.Helper()
	return run(b, chromedp.Location())
}

func (b *browser) wantPath(u string) {
	b.t.Helper()
	if got := b.location(); got != u {
		b.t.Fatalf("the browser is at %s; want %s", got, u)
	}
}

// wantLevel checks the status line's data-level.
func (b *browser) wantLevel(level string) {
	b.t.Helper()
	got := run(b, chromedp.Evaluate[string](`document.getElementById("status")?.dataset.level ?? "none"`))
	if got != level {
		b.t.Fatalf("at %s the status line says %q; want %q\n%s", b.location(), got, level, run(b, chromedp.Text(chromedp.CSS("#status"))))
	}
}

// wantText checks that the element's visible text says each of want.
func (b *browser) wantText(sel string, want ...string) {
	b.t.Helper()
	text := strings.Join(strings.Fields(run(b, chromedp.Text(chromedp.CSS(sel)))), " ")
	for _, w := range want {
		if !strings.Contains(text, w) {
			b.t.Errorf("at %s, %s does not say %q:\n%s", b.location(), sel, w, text)
		}
	}
}

// apiMe reads GET /api/me as the browser shows it.
func (b *browser) apiMe(base string) (level, name string) {
	b.t.Helper()
	b.nav(base + "/api/me")
	body := run(b, chromedp.Evaluate[string](`document.body.innerText`))
	var v struct {
		Level string `json:"level"`
		Name  string `json:"name"`
	}
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		b.t.Fatalf("/api/me: %v in %q", err, body)
	}
	return v.Level, v.Name
}

// cookiesFor returns the cookies Chromium would send to u.
func (b *browser) cookiesFor(u string) []*network.Cookie {
	b.t.Helper()
	res, err := chromedp.Call(b.step(), network.GetCookies, network.GetCookiesParams{URLs: []string{u}})
	if err != nil {
		b.t.Fatalf("Network.getCookies: %v", err)
	}
	return res.Cookies
}

// wantCookies checks the names of every cookie in the profile, whatever
// the page: Storage.getCookies reads the whole store.
func (b *browser) wantCookies(u string, want ...string) {
	b.t.Helper()
	res, err := chromedp.Call(b.step(), storage.GetCookies, storage.GetCookiesParams{})
	if err != nil {
		b.t.Fatalf("Storage.getCookies: %v", err)
	}
	got := names(res.Cookies)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		b.t.Fatalf("Chromium's cookies: %v; want %v", got, want)
	}
	for _, c := range res.Cookies {
		if c.Domain != "127.0.0.1" {
			b.t.Errorf("cookie %s for %q; want only cookies of %s", c.Name, c.Domain, u)
		}
	}
}

// names returns the sorted names of cookies.
func names(cookies []*network.Cookie) []string {
	out := make([]string, 0, len(cookies))
	for _, c := range cookies {
		out = append(out, c.Name)
	}
	slices.Sort(out)
	return out
}

// screenshot saves the whole page, screenWidth pixels wide, as
// artifacts/name.png.
func (b *browser) screenshot(name string) {
	b.t.Helper()
	png := run(b, chromedp.FullScreenshot(100)) // quality 100 is PNG
	if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		b.t.Fatalf("screenshot %s is not a PNG", name)
	}
	path := filepath.Join(artifactsDir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("saved %s", path)
}

// syncBuffer collects the browser's output for failure messages.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}
