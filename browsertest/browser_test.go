package browsertest

import (
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"

	"github.com/sessionless/sessionless/examples/demo/site"
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
		{"cart_anonymous_then_login", scenarioCart},
		{"theme_survives_logout", scenarioTheme},
		{"profile_flash_once", scenarioProfile},
		{"provider_login_bob", scenarioProvider},
		{"provider_forged_state_refused", scenarioForgedState},
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
	b.wantText("#remember-me", "on for this browser, until")
	b.wantCookies(d.URL, authCookie, rememberCookie)
	b.close()

	// The same profile, a new browser: the session cookie is gone.
	b = launch(t, exe, dir)
	b.wantCookies(d.URL, rememberCookie)
	b.nav(d.URL + "/")
	b.wantLevel("remembered")
	b.wantText("main", "Hello, Alice!")
	b.wantText("#status", "remembered as Alice")
	if m := b.apiMe(d.URL); m.Level != "remembered" || m.Name == nil || *m.Name != "Alice" || !m.Remembered || m.Fresh {
		t.Errorf("/api/me after restart = %+v; want remembered as Alice, remember me on, not fresh", m)
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
	b.nav(d.URL + "/account")
	b.wantText("#remember-me", "not on this browser") // the account page tells the truth
	b.close()

	b = launch(t, exe, dir)
	b.wantCookies(d.URL)
	b.nav(d.URL + "/")
	b.wantLevel("anonymous")
	b.wantText("main", "Hello, stranger")
	if m := b.apiMe(d.URL); m.Level != "anonymous" || m.Name != nil {
		t.Errorf("/api/me after restart = %+v; want anonymous", m)
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
	if status := b.status(); status != http.StatusForbidden {
		t.Errorf("the cross-site POST /logout answered %d in the browser; want 403", status)
	}
	b.wantPageText("cross-origin request detected")

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

// scenarioScreenshots saves the main pages as PNG files in artifacts/:
// the cart of an anonymous visitor, the login form, the remembered
// visitor, the password prompt, the account after a profile edit (with
// its flash), the authenticated home page, the sudo page, the dark theme
// and the provider's login.
func scenarioScreenshots(t *testing.T, exe string) {
	if err := os.MkdirAll(artifactsDir, 0o755); err != nil {
		t.Fatal(err)
	}
	d := startDemo(t)
	dir := newProfile(t)
	b := launch(t, exe, dir)
	b.nav(d.URL + "/")
	b.wantLevel("anonymous")
	b.clickAndWait("#add-tea")
	b.clickAndWait("#add-scones")
	b.screenshot("1-home-anonymous")
	b.nav(d.URL + "/login")
	b.fillLogin(site.Username, site.Password, true)
	b.screenshot("2-login")
	b.clickAndWait(`main form[action="/login"] button[type="submit"]`)
	b.wantLevel("authenticated")
	b.wantCookies(d.URL, authCookie, rememberCookie, visitorCookie)
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
	b.replaceText(`main input[name="name"]`, "Alice Liddell")
	b.clickAndWait(`main form[action="/account/profile"] button[type="submit"]`)
	b.wantText(".flash", "Profile saved")
	b.screenshot("5-account")
	b.nav(d.URL + "/")
	b.clickAndWait("#add-jam")
	b.screenshot("6-home-authenticated")
	b.nav(d.URL + "/account/password")
	b.screenshot("7-account-password")
	b.nav(d.URL + "/")
	b.clickAndWait(`header form[action="/preferences"] button`)
	b.wantBodyClass("theme-dark")
	b.screenshot("8-home-dark")
	b.clickAndWait(`header form[action="/logout"] button`)
	b.nav(d.URL + "/login")
	b.clickAndWait("main a.provider")
	b.waitFor(d.URL + "/")
	b.wantText("#status", "authenticated as Bob")
	b.screenshot("9-home-provider")
	b.close()
}
