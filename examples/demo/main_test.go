package main

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sessionless/sessionless/examples/demo/site"
)

const (
	authCookie     = "__Host-auth"
	rememberCookie = "__Host-remember"
	freshCookie    = "__Host-fresh"
)

// wantStatus fails the test unless r has the status code and, for a 303,
// the Location.
func wantStatus(t *testing.T, what string, r response, code int, location string) {
	t.Helper()
	if r.code != code {
		t.Fatalf("%s: status %d; want %d\n%s", what, r.code, code, r.body)
	}
	if location != "" && r.location() != location {
		t.Fatalf("%s: Location %q; want %q", what, r.location(), location)
	}
}

func wantBody(t *testing.T, what string, r response, substrings ...string) {
	t.Helper()
	for _, s := range substrings {
		if !strings.Contains(r.body, s) {
			t.Errorf("%s: the page does not say %q\n%s", what, s, r.body)
		}
	}
}

func wantLevel(t *testing.T, b *browser, level string, name string) {
	t.Helper()
	gotLevel, gotName := b.me()
	if gotLevel != level {
		t.Errorf("/api/me level = %q; want %q", gotLevel, level)
	}
	switch {
	case name == "" && gotName != nil:
		t.Errorf("/api/me name = %q; want null", *gotName)
	case name != "" && (gotName == nil || *gotName != name):
		t.Errorf("/api/me name = %v; want %q", gotName, name)
	}
}

func TestHomeAnonymous(t *testing.T) {
	t.Parallel()
	srv := startSite(t)
	b := newBrowser(t, srv.URL)
	r := b.get("/")
	wantStatus(t, "GET /", r, http.StatusOK, "")
	wantBody(t, "GET /", r, "Hello, stranger", `<a href="/login">Log in</a>`)
	if got := status(t, r.body); !strings.HasPrefix(got, "anonymous ") {
		t.Errorf("status line %q; want it to begin with anonymous", got)
	}
	for k, want := range map[string]string{
		"Content-Type":           "text/html; charset=utf-8",
		"Cache-Control":          "no-store",
		"Vary":                   "Cookie",
		"X-Content-Type-Options": "nosniff",
	} {
		if got := r.header.Get(k); got != want {
			t.Errorf("%s: %q; want %q", k, got, want)
		}
	}
	if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "form-action 'self'") {
		t.Errorf("Content-Security-Policy %q; want default-src 'none' and form-action 'self'", csp)
	}
	if r.header.Values("Set-Cookie") != nil {
		t.Errorf("an anonymous visit sets cookies: %q", r.header.Values("Set-Cookie"))
	}
	wantStatus(t, "GET /nope", b.get("/nope"), http.StatusNotFound, "")
}

// TestLoginRemember is the seed's story: remember me, the browser closes,
// the visitor is greeted by name and asked for the password before the
// account (F1).
func TestLoginRemember(t *testing.T) {
	t.Parallel()
	srv := startSite(t)
	b := newBrowser(t, srv.URL)

	r := b.get("/login")
	wantStatus(t, "GET /login", r, http.StatusOK, "")
	wantBody(t, "GET /login", r, `name="username"`, `name="password"`, `type="checkbox" name="remember"`, `name="return_to" value="/"`)

	r = b.login(true, "/account")
	wantStatus(t, "POST /login", r, http.StatusSeeOther, "/account")
	wantLoginCookies(t, r)

	r = b.get("/account")
	wantStatus(t, "GET /account", r, http.StatusOK, "")
	// The account page tells the truth about remember me, though an
	// authenticated request does not need the remember token.
	wantBody(t, "GET /account", r, "Your account", "<td>alice</td>", "<td>Alice</td>", `<td id="remember-me">on for this browser, until `)
	wantLevel(t, b, "authenticated", "Alice")

	// The browser closes: the session cookie goes, the remember cookie stays.
	b = b.restart(rememberCookie)
	r = b.get("/")
	wantStatus(t, "GET / remembered", r, http.StatusOK, "")
	wantBody(t, "GET / remembered", r, "Hello, Alice!", "remembers")
	wantLevel(t, b, "remembered", "Alice")
	r = b.get("/login")
	wantBody(t, "GET /login remembered", r, `name="username" value="alice"`)

	r = b.get("/account")
	wantStatus(t, "GET /account remembered", r, http.StatusSeeOther, "/reauth?return_to=%2Faccount")
	r = b.get("/account/password")
	wantStatus(t, "GET /account/password remembered", r, http.StatusSeeOther, "/reauth?return_to=%2Faccount%2Fpassword")

	r = b.get("/reauth?return_to=%2Faccount")
	wantStatus(t, "GET /reauth", r, http.StatusOK, "")
	wantBody(t, "GET /reauth", r, "You are <strong>remembered</strong> as Alice, but this page needs your password", `name="return_to" value="/account"`)

	r = b.post("/reauth", url.Values{"password": {"not it"}, "return_to": {"/account"}})
	wantStatus(t, "POST /reauth wrong", r, http.StatusUnprocessableEntity, "")
	wantBody(t, "POST /reauth wrong", r, "Wrong password.")
	if r.header.Values("Set-Cookie") != nil {
		t.Errorf("a wrong password sets cookies: %q", r.header.Values("Set-Cookie"))
	}

	r = b.post("/reauth", url.Values{"password": {site.Password}, "return_to": {"/account"}})
	wantStatus(t, "POST /reauth", r, http.StatusSeeOther, "/account")
	if c := r.setCookie(authCookie); c == nil || c.MaxAge != 0 {
		t.Errorf("re-authentication: Set-Cookie %v; want a new browser-session auth cookie", c)
	}
	wantStatus(t, "GET /account after reauth", b.get("/account"), http.StatusOK, "")
	wantStatus(t, "GET /account/password after reauth", b.get("/account/password"), http.StatusOK, "")
	wantLevel(t, b, "authenticated", "Alice")
}

// wantLoginCookies checks the cookies of a login with remember me: the
// attributes the library promises (E1).
func wantLoginCookies(t *testing.T, r response) {
	t.Helper()
	auth, rem := r.setCookie(authCookie), r.setCookie(rememberCookie)
	if auth == nil || rem == nil {
		t.Fatalf("login set %q; want %s and %s", r.header.Values("Set-Cookie"), authCookie, rememberCookie)
	}
	for _, c := range []*http.Cookie{auth, rem} {
		if !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Domain != "" {
			t.Errorf("%s: Secure=%v HttpOnly=%v SameSite=%v Path=%q Domain=%q; want Secure, HttpOnly, Lax, /, no Domain", c.Name, c.Secure, c.HttpOnly, c.SameSite, c.Path, c.Domain)
		}
	}
	if auth.MaxAge != 0 || !auth.Expires.IsZero() {
		t.Errorf("%s: Max-Age %d Expires %v; want a browser-session cookie", authCookie, auth.MaxAge, auth.Expires)
	}
	if rem.MaxAge != 30*24*3600 {
		t.Errorf("%s: Max-Age %d; want 30 days", rememberCookie, rem.MaxAge)
	}
}

func TestLoginWithoutRemember(t *testing.T) {
	t.Parallel()
	srv := startSite(t)
	b := newBrowser(t, srv.URL)
	// A remember cookie left from an earlier login goes when one logs in
	// without "remember me".
	wantStatus(t, "first login", b.login(true, "/"), http.StatusSeeOther, "/")
	r := b.login(false, "")
	wantStatus(t, "POST /login", r, http.StatusSeeOther, "/")
	if c := r.setCookie(authCookie); c == nil || c.MaxAge != 0 {
		t.Fatalf("login: auth Set-Cookie %v; want a browser-session cookie", c)
	}
	if c := r.setCookie(rememberCookie); c == nil || c.MaxAge >= 0 {
		t.Errorf("login without remember: %v; want the remember cookie deleted", c)
	}
	r = b.get("/account")
	wantStatus(t, "GET /account", r, http.StatusOK, "")
	wantBody(t, "GET /account", r, `<td id="remember-me">not on this browser</td>`)
	wantLevel(t, b, "authenticated", "Alice")

	b = b.restart(rememberCookie) // nothing to keep
	r = b.get("/")
	wantBody(t, "GET / after restart", r, "Hello, stranger")
	wantLevel(t, b, "anonymous", "")
	wantStatus(t, "GET /account after restart", b.get("/account"), http.StatusSeeOther, "/login?return_to=%2Faccount")
}

func TestLoginWrong(t *testing.T) {
	t.Parallel()
	srv := startSite(t)
	tests := []struct{ name, user, password string }{
		{"wrong password", "alice", "wonderlan"},
		{"unknown user", "bob", "wonderland"},
		{"unknown user, wrong password", "bob", "x"},
		{"user name in another case", "Alice", "wonderland"},
		{"user name with a space", "alice ", "wonderland"},
		{"empty", "", ""},
		{"password over bcrypt's 72 bytes", "alice", site.Password + strings.Repeat("x", 80)},
	}
	var first string
	for _, tt := range tests {
		b := newBrowser(t, srv.URL)
		r := b.post("/login", url.Values{"username": {tt.user}, "password": {tt.password}, "return_to": {"/account"}})
		wantStatus(t, tt.name, r, http.StatusUnprocessableEntity, "")
		wantBody(t, tt.name, r, "Wrong user name or password.", `name="return_to" value="/account"`)
		if r.header.Values("Set-Cookie") != nil {
			t.Errorf("%s: sets cookies %q", tt.name, r.header.Values("Set-Cookie"))
		}
		// The page is the same whether the user exists or not, but for the
		// name typed in, which the form keeps.
		page := strings.Replace(r.body, `value="`+tt.user+`"`, `value="…"`, 1)
		if tt.user == "" {
			// Nothing to compare: the empty name field gets the focus.
		} else if first == "" {
			first = page
		} else if page != first {
			t.Errorf("%s: the page differs from that of %s", tt.name, tests[0].name)
		}
		wantLevel(t, b, "anonymous", "")
	}
	if r := newBrowser(t, srv.URL).do("POST", "/login", url.Values{"password": {strings.Repeat("x", 20<<10)}}, nil); r.code != http.StatusBadRequest {
		t.Errorf("a 20 KiB form: status %d; want 400", r.code)
	}
}

// TestReturnTo is docs/attacks.md group G through the demo's forms and pages:
// every redirect goes through SafeReturnTo.
func TestReturnTo(t *testing.T) {
	t.Parallel()
	srv := startSite(t)
	tests := []struct{ id, returnTo, want string }{
		{"G1", "/account", "/account"},
		{"G1", "/a/b?x=1#f", "/a/b?x=1#f"},
		{"G1 empty", "", "/"},
		{"G2", "//evil.com", "/"},
		{"G2", `/\evil.com`, "/"},
		{"G2", `\\evil.com`, "/"},
		{"G2", "/\t/evil.com", "/"},
		{"G4", "https://evil.com", "/"},
		{"G4", "http:evil.com", "/"},
		{"G4", "javascript:alert(1)", "/"},
		{"G4", "data:text/html,<script>alert(1)</script>", "/"},
		{"G5", "http://good@evil.com", "/"},
		{"G5", "/%2F%2Fevil.com", "/"},
		{"dot segments", "/.//evil.com", "/"},
	}
	for _, tt := range tests {
		t.Run(tt.id+" "+tt.returnTo, func(t *testing.T) {
			t.Parallel()
			b := newBrowser(t, srv.URL)
			wantStatus(t, "POST /login", b.login(true, tt.returnTo), http.StatusSeeOther, tt.want)
			wantStatus(t, "POST /reauth", b.post("/reauth", url.Values{"password": {site.Password}, "return_to": {tt.returnTo}}), http.StatusSeeOther, tt.want)

			q := "?" + url.Values{"return_to": {tt.returnTo}}.Encode()
			r := b.get("/login" + q)
			wantBody(t, "GET /login", r, `name="return_to" value="`+html.EscapeString(tt.want)+`"`)
			r = b.get("/reauth" + q)
			wantBody(t, "GET /reauth", r, `name="return_to" value="`+html.EscapeString(tt.want)+`"`)
			// Nobody to re-authenticate: on to the login page, return_to kept safe.
			anon := newBrowser(t, srv.URL)
			wantStatus(t, "GET /reauth anonymous", anon.get("/reauth"+q), http.StatusSeeOther, "/login?"+url.Values{"return_to": {tt.want}}.Encode())
			wantStatus(t, "POST /reauth anonymous", anon.post("/reauth", url.Values{"password": {site.Password}, "return_to": {tt.returnTo}}), http.StatusSeeOther, "/login?"+url.Values{"return_to": {tt.want}}.Encode())
		})
	}
}

// TestCrossSite is F4: cross-site POSTs are refused by
// http.CrossOriginProtection and change nothing.
func TestCrossSite(t *testing.T) {
	t.Parallel()
	srv := startSite(t)
	b := newBrowser(t, srv.URL)
	wantStatus(t, "login", b.login(true, "/"), http.StatusSeeOther, "/")

	tests := []struct {
		name, path string
		hdr        http.Header
	}{
		{"logout, Sec-Fetch-Site cross-site", "/logout", http.Header{"Sec-Fetch-Site": {"cross-site"}}},
		{"logout, Sec-Fetch-Site same-site", "/logout", http.Header{"Sec-Fetch-Site": {"same-site"}}},
		{"logout, foreign Origin", "/logout", http.Header{"Sec-Fetch-Site": nil, "Origin": {"http://evil.example"}}},
		{"login, Sec-Fetch-Site cross-site", "/login", http.Header{"Sec-Fetch-Site": {"cross-site"}}},
		{"reauth, Sec-Fetch-Site cross-site", "/reauth", http.Header{"Sec-Fetch-Site": {"cross-site"}}},
	}
	for _, tt := range tests {
		form := url.Values{"username": {site.Username}, "password": {site.Password}}
		r := b.do("POST", tt.path, form, tt.hdr)
		wantStatus(t, tt.name, r, http.StatusForbidden, "")
		if r.header.Values("Set-Cookie") != nil {
			t.Errorf("%s: sets cookies %q", tt.name, r.header.Values("Set-Cookie"))
		}
		wantLevel(t, b, "authenticated", "Alice")
	}

	// The same logout from the site itself works, and clears every cookie
	// (E8).
	r := b.post("/logout", nil)
	wantStatus(t, "POST /logout", r, http.StatusSeeOther, "/")
	for _, name := range []string{authCookie, rememberCookie, freshCookie} {
		if c := r.setCookie(name); c == nil || c.MaxAge >= 0 || !c.Secure || c.Path != "/" {
			t.Errorf("logout: %s Set-Cookie %v; want a deletion with Secure and Path=/", name, c)
		}
	}
	wantLevel(t, b, "anonymous", "")
	wantLevel(t, b.restart(rememberCookie), "anonymous", "")
}

// TestStatusLine checks the line that teaches the model, at each level.
func TestStatusLine(t *testing.T) {
	t.Parallel()
	srv := startSite(t)
	anon := newBrowser(t, srv.URL)
	authed := newBrowser(t, srv.URL)
	authed.login(true, "/")
	remembered := authed.restart(rememberCookie)
	tests := []struct {
		name  string
		b     *browser
		want  []string
		wrong []string
	}{
		{"anonymous", anon, []string{"anonymous", "no valid token"}, []string{"Alice", "expires"}},
		{"remembered", remembered, []string{"remembered as Alice", "no auth token", "remember token expires", "(in 30 days)"}, []string{"authenticated", "password entered"}},
		{"authenticated", authed, []string{"authenticated as Alice", "auth token expires", "(in 30 min)", "password entered", "(just now)"}, []string{"anonymous"}},
	}
	for _, tt := range tests {
		for _, path := range []string{"/", "/login", "/account", "/account/password", "/reauth"} {
			r := tt.b.get(path)
			if r.code == http.StatusSeeOther {
				continue // the page that asks for the password is checked below
			}
			line := status(t, r.body)
			for _, s := range tt.want {
				if !strings.Contains(line, s) {
					t.Errorf("%s, %s: status line %q does not say %q", tt.name, path, line, s)
				}
			}
			for _, s := range tt.wrong {
				if strings.Contains(line, s) {
					t.Errorf("%s, %s: status line %q says %q", tt.name, path, line, s)
				}
			}
			if !strings.Contains(r.body, `data-level="`+tt.name+`"`) {
				t.Errorf("%s, %s: no data-level=%q", tt.name, path, tt.name)
			}
		}
	}
}

// TestAPIMe: GET /api/me at each level, whatever the Accept header, and
// it writes no cookie.
func TestAPIMe(t *testing.T) {
	t.Parallel()
	srv := startSite(t)
	anon := newBrowser(t, srv.URL)
	authed := newBrowser(t, srv.URL)
	authed.login(true, "/")
	remembered := authed.restart(rememberCookie)
	sessionOnly := newBrowser(t, srv.URL)
	sessionOnly.login(false, "/")
	alice, email := site.DisplayName, site.Email
	tests := []struct {
		name string
		b    *browser
		want site.Me
	}{
		{"anonymous", anon, site.Me{Level: "anonymous", Cart: []string{}}},
		{"remembered", remembered, site.Me{Level: "remembered", Name: &alice, Email: &email, Remembered: true, Cart: []string{}}},
		{"authenticated with remember me", authed, site.Me{Level: "authenticated", Name: &alice, Email: &email, Remembered: true, Fresh: true, Cart: []string{}}},
		{"authenticated without", sessionOnly, site.Me{Level: "authenticated", Name: &alice, Email: &email, Fresh: true, Cart: []string{}}},
	}
	for _, tt := range tests {
		for _, accept := range []string{"application/json", htmlAccept} {
			r := tt.b.do("GET", "/api/me", nil, http.Header{"Accept": {accept}})
			if r.code != http.StatusOK {
				t.Fatalf("%s, Accept %s: GET /api/me = %d %q; want 200", tt.name, accept, r.code, r.body)
			}
			if diff := cmp.Diff(tt.want, decodeMe(t, r)); diff != "" {
				t.Errorf("%s, Accept %s: GET /api/me (-want +got):\n%s", tt.name, accept, diff)
			}
			if ct := r.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("%s: Content-Type %q", tt.name, ct)
			}
			wantNoCookies(t, tt.name+": GET /api/me", r)
		}
	}
	// null, not "", when anonymous; [] for an empty cart.
	if r := anon.do("GET", "/api/me", nil, nil); !strings.Contains(r.body, `"name":null,"email":null`) || !strings.Contains(r.body, `"cart":[]`) {
		t.Errorf("anonymous GET /api/me = %s; want name and email null, cart []", r.body)
	}
}

// TestGuards: what the protected pages answer to browsers and to scripts.
func TestGuards(t *testing.T) {
	t.Parallel()
	srv := startSite(t)
	anon := newBrowser(t, srv.URL)
	wantStatus(t, "GET /account", anon.get("/account"), http.StatusSeeOther, "/login?return_to=%2Faccount")
	wantStatus(t, "GET /account/password?x=1", anon.get("/account/password?x=1"), http.StatusSeeOther, "/login?return_to=%2Faccount%2Fpassword%3Fx%3D1")
	r := anon.do("GET", "/account", nil, http.Header{"Accept": {"application/json"}})
	if r.code != http.StatusUnauthorized || !strings.Contains(r.body, "login_required") {
		t.Errorf("GET /account as a script: %d %q; want 401 login_required", r.code, r.body)
	}
	wantStatus(t, "GET /logout", anon.get("/logout"), http.StatusMethodNotAllowed, "")
}

// TestFreshWindow: /account/password wants the password entered within
// the window, fixed from the entry (F2).
func TestFreshWindow(t *testing.T) {
	t.Parallel()
	clk := newClock()
	srv := startSiteConfig(t, site.Config{FreshWindow: time.Minute, Clock: clk.Now})
	b := newBrowser(t, srv.URL)
	b.login(false, "/")
	r := b.get("/account/password")
	wantStatus(t, "GET /account/password fresh", r, http.StatusOK, "")
	wantBody(t, "GET /account/password fresh", r, "sudo mode", "<strong>fixed</strong>")
	if m := b.meAll(); !m.Fresh {
		t.Errorf("/api/me fresh = false within the window")
	}
	oldAuth := b.cookie(authCookie)

	clk.Advance(time.Minute + time.Second) // auth_time is in whole seconds
	if m := b.meAll(); m.Fresh {
		t.Errorf("/api/me fresh = true after the window")
	}
	wantStatus(t, "GET /account/password stale", b.get("/account/password"), http.StatusSeeOther, "/reauth?return_to=%2Faccount%2Fpassword")
	wantStatus(t, "GET /account stale", b.get("/account"), http.StatusOK, "")
	r = b.get("/reauth?return_to=%2Faccount%2Fpassword")
	wantBody(t, "GET /reauth stale", r, "You are <strong>authenticated</strong> as Alice, but this page needs your password entered within the last 60 s")
	wantStatus(t, "POST /reauth", b.post("/reauth", url.Values{"password": {site.Password}, "return_to": {"/account/password"}}), http.StatusSeeOther, "/account/password")
	wantStatus(t, "GET /account/password again", b.get("/account/password"), http.StatusOK, "")
	if b.cookie(authCookie) == oldAuth {
		t.Error("re-authentication kept the old auth token")
	}
	if m := b.meAll(); !m.Fresh {
		t.Errorf("/api/me fresh = false after re-authentication")
	}
}

func TestDebugVars(t *testing.T) {
	t.Parallel()
	srv := startSite(t)
	b := newBrowser(t, srv.URL)
	r := b.get("/debug/vars")
	if r.code != http.StatusOK || !json.Valid([]byte(r.body)) || !strings.Contains(r.body, `"memstats"`) {
		t.Fatalf("GET /debug/vars: %d %.200q; want expvar's JSON", r.code, r.body)
	}
	// A foreign host name that resolves to 127.0.0.1 (DNS rebinding).
	req, _ := http.NewRequest("GET", srv.URL+"/debug/vars", nil)
	req.Host = "rebind.example:80"
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("GET /debug/vars with Host %s: %d; want 404", req.Host, res.StatusCode)
	}
	// Not served at all unless the demo listens on loopback.
	off := startSiteConfig(t, site.Config{DebugVars: false})
	wantStatus(t, "GET /debug/vars off", newBrowser(t, off.URL).get("/debug/vars"), http.StatusNotFound, "")
}
