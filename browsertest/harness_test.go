package browsertest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
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
	"github.com/sessionless/sessionless/internal/testci"
	"github.com/sessionless/sessionless/keyring"
)

// demo is the demo site on 127.0.0.1, with a record of what it answered.
type demo struct {
	URL     string
	handler http.Handler // the site, without the record
	mu      sync.Mutex
	log     []request
}

type request struct {
	method, path, query, fetchSite string
	status                         int
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
		d.log = append(d.log, request{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("Sec-Fetch-Site"), sw.status})
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
	out         *testci.Buffer
	closed      bool
}

// launch starts Chromium on the profile dir and opens a tab.
func launch(t *testing.T, exe, dir string) *browser {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(exe)}
	for _, f := range chromiumFlags {
		opts = append(opts, chromedp.Flag(f, true))
	}
	out := new(testci.Buffer)
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

// wantPageText checks that the page's text says want. Unlike wantText it
// reads the text by script, not through a DOM node: a plain-text answer
// (the 400s, the absent provider) is not an HTML page.
func (b *browser) wantPageText(want string) {
	b.t.Helper()
	if got := run(b, chromedp.Evaluate[string](`document.body.innerText`)); !strings.Contains(got, want) {
		b.t.Errorf("at %s the page says %q; want %q", b.location(), got, want)
	}
}

// apiMe reads GET /api/me as the browser shows it.
func (b *browser) apiMe(base string) site.Me {
	b.t.Helper()
	b.nav(base + "/api/me")
	body := run(b, chromedp.Evaluate[string](`document.body.innerText`))
	var m site.Me
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		b.t.Fatalf("/api/me: %v in %q", err, body)
	}
	return m
}

// status returns the HTTP status of the page the browser shows.
func (b *browser) status() int {
	b.t.Helper()
	return run(b, chromedp.Evaluate[int](`performance.getEntriesByType("navigation")[0].responseStatus`))
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
