package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const visitorCookie = "__Host-visitor"

var apiAccept = http.Header{"Accept": {"application/json"}}

// TestCart: POST /cart fills any visitor's cart; a browser goes back to
// the page it posted from, an API caller gets /api/me; an unknown item or
// a full cart is refused and changes nothing.
func TestCart(t *testing.T) {
	t.Parallel()
	srv := startSite(t)
	b := newBrowser(t, srv.URL)
	tests := []struct {
		name, item, referer string
		code                int
		location            string
		cart                []string
	}{
		{"from the account page", "tea", srv.URL + "/account?x=1", http.StatusSeeOther, "/account?x=1", []string{"tea"}},
		{"no Referer", "jam", "", http.StatusSeeOther, "/", []string{"tea", "jam"}},
		{"foreign Referer", "tea", "http://evil.example/account", http.StatusSeeOther, "/", []string{"tea", "jam", "tea"}},
		{"Referer with an unsafe path", "tea", srv.URL + "//evil.example", http.StatusSeeOther, "/", []string{"tea", "jam", "tea", "tea"}},
		{"unknown item", "gold", srv.URL + "/", http.StatusBadRequest, "", []string{"tea", "jam", "tea", "tea"}},
		{"no item", "", srv.URL + "/", http.StatusBadRequest, "", []string{"tea", "jam", "tea", "tea"}},
	}
	for _, tt := range tests {
		hdr := http.Header{"Referer": {tt.referer}}
		if tt.referer == "" {
			hdr = http.Header{"Referer": nil}
		}
		r := b.do("POST", "/cart", url.Values{"item": {tt.item}}, hdr)
		wantStatus(t, tt.name, r, tt.code, tt.location)
		if c := r.setCookie(visitorCookie); (c != nil) != (tt.code == http.StatusSeeOther) {
			t.Errorf("%s: visitor Set-Cookie %v; want one only when the cart changed", tt.name, c)
		}
		if r.setCookie(authCookie) != nil || r.setCookie(rememberCookie) != nil {
			t.Errorf("%s: Set-Cookie %q; want no identity cookie", tt.name, r.header.Values("Set-Cookie"))
		}
		if got := b.meAll(); !cmp.Equal(got.Cart, tt.cart) || got.Level != "anonymous" {
			t.Errorf("%s: /api/me level %s, cart %q; want anonymous, %q", tt.name, got.Level, got.Cart, tt.cart)
		}
	}
	wantBody(t, "GET /", b.get("/"), "Cart (4)", "Your cart: Earl Grey tea, Strawberry jam, Earl Grey tea, Earl Grey tea.")

	// An API caller gets /api/me, or a JSON error.
	r := b.do("POST", "/cart", url.Values{"item": {"scones"}}, apiAccept)
	if r.code != http.StatusOK || decodeMe(t, r).Cart[4] != "scones" {
		t.Errorf("POST /cart as an API caller: %d %s; want 200 and the cart with scones", r.code, r.body)
	}
	r = b.do("POST", "/cart", url.Values{"item": {"gold"}}, apiAccept)
	if r.code != http.StatusBadRequest || strings.TrimSpace(r.body) != `{"error":"unknown_item"}` {
		t.Errorf("POST /cart of an unknown item as an API caller: %d %s; want 400 unknown_item", r.code, r.body)
	}

	// The cart is bounded.
	for range 15 {
		wantStatus(t, "filling the cart", b.post("/cart", url.Values{"item": {"cream"}}), http.StatusSeeOther, "/")
	}
	r = b.post("/cart", url.Values{"item": {"cream"}})
	wantStatus(t, "a full cart", r, http.StatusUnprocessableEntity, "")
	wantNoCookies(t, "a full cart", r)
	if n := len(b.meAll().Cart); n != 20 {
		t.Errorf("the cart holds %d items; want 20", n)
	}
}

// TestPreferences: POST /preferences takes light or dark and nothing
// else; the theme is a CSS class of every page; the same theme again
// writes nothing.
func TestPreferences(t *testing.T) {
	t.Parallel()
	srv := startSite(t)
	b := newBrowser(t, srv.URL)
	wantBody(t, "GET / without a theme", b.get("/"), "<body>", `name="theme" value="dark"`)

	r := b.do("POST", "/preferences", url.Values{"theme": {"dark"}}, http.Header{"Referer": {srv.URL + "/login"}})
	wantStatus(t, "dark", r, http.StatusSeeOther, "/login")
	if r.setCookie(visitorCookie) == nil {
		t.Errorf("setting the theme: Set-Cookie %q; want the visitor cookie", r.header.Values("Set-Cookie"))
	}
	for _, path := range []string{"/", "/login"} {
		wantBody(t, "GET "+path+" dark", b.get(path), `<body class="theme-dark">`, `name="theme" value="light"`)
	}

	r = b.post("/preferences", url.Values{"theme": {"dark"}})
	wantStatus(t, "dark again", r, http.StatusSeeOther, "/")
	wantNoCookies(t, "the same theme again", r)

	for _, theme := range []string{"blue", "", "Dark", "dark ", "light\x00"} {
		r := b.post("/preferences", url.Values{"theme": {theme}})
		wantStatus(t, "theme "+theme, r, http.StatusBadRequest, "")
		wantNoCookies(t, "theme "+theme, r)
	}
	r = b.do("POST", "/preferences", url.Values{"theme": {"blue"}}, apiAccept)
	if r.code != http.StatusBadRequest || strings.TrimSpace(r.body) != `{"error":"unknown_theme"}` {
		t.Errorf("POST /preferences blue as an API caller: %d %s; want 400 unknown_theme", r.code, r.body)
	}
	if got := b.meAll().Theme; got != "dark" {
		t.Errorf("theme %q after refused changes; want dark", got)
	}

	r = b.do("POST", "/preferences", url.Values{"theme": {"light"}}, apiAccept)
	if r.code != http.StatusOK || decodeMe(t, r).Theme != "light" {
		t.Errorf("POST /preferences light as an API caller: %d %s; want 200 and theme light", r.code, r.body)
	}
	wantBody(t, "GET / light", b.get("/"), `<body class="theme-light">`)
}

// TestVisitorDataAcrossLogin: login keeps the cart and the theme; logout
// clears the cart and keeps the theme, which outlives a browser restart.
func TestVisitorDataAcrossLogin(t *testing.T) {
	t.Parallel()
	srv := startSite(t)
	b := newBrowser(t, srv.URL)
	b.post("/cart", url.Values{"item": {"tea"}})
	b.post("/cart", url.Values{"item": {"jam"}})
	b.post("/preferences", url.Values{"theme": {"dark"}})

	r := b.login(true, "/")
	wantStatus(t, "login", r, http.StatusSeeOther, "/")
	if c := r.setCookie(visitorCookie); c != nil {
		t.Errorf("login rewrote the visitor cookie: %v; want it untouched", c)
	}
	m := b.meAll()
	if m.Level != "authenticated" || !cmp.Equal(m.Cart, []string{"tea", "jam"}) || m.Theme != "dark" {
		t.Errorf("after login: %+v; want authenticated with the cart tea, jam and theme dark", m)
	}

	r = b.post("/logout", nil)
	wantStatus(t, "logout", r, http.StatusSeeOther, "/")
	if c := r.setCookie(visitorCookie); c == nil || c.MaxAge <= 0 {
		t.Errorf("logout: visitor Set-Cookie %v; want the theme re-sealed without the cart", c)
	}
	m = b.meAll()
	if m.Level != "anonymous" || len(m.Cart) != 0 || m.Theme != "dark" {
		t.Errorf("after logout: %+v; want anonymous, empty cart, theme dark", m)
	}
	m = b.restart(visitorCookie).meAll()
	if m.Level != "anonymous" || m.Theme != "dark" {
		t.Errorf("after logout and a restart: %+v; want anonymous with theme dark", m)
	}

	// Without a theme, logout leaves no cookie at all.
	c := newBrowser(t, srv.URL)
	c.post("/cart", url.Values{"item": {"tea"}})
	c.login(false, "/")
	r = c.post("/logout", nil)
	if v := r.setCookie(visitorCookie); v == nil || v.MaxAge >= 0 {
		t.Errorf("logout with a cart only: visitor Set-Cookie %v; want a deletion", v)
	}
	u, _ := url.Parse(srv.URL)
	if left := c.jar.Cookies(u); len(left) != 0 {
		t.Errorf("after logout the jar holds %v; want nothing", left)
	}
}

// TestNoCookieWhenNothingChanges: a request that changes nothing writes
// no cookie, at every level and with visitor data or without.
func TestNoCookieWhenNothingChanges(t *testing.T) {
	t.Parallel()
	srv := startSite(t)
	anon := newBrowser(t, srv.URL)
	withData := newBrowser(t, srv.URL)
	withData.post("/cart", url.Values{"item": {"tea"}})
	withData.post("/preferences", url.Values{"theme": {"light"}})
	authed := newBrowser(t, srv.URL)
	authed.post("/cart", url.Values{"item": {"jam"}})
	authed.login(true, "/")
	remembered := authed.restart(rememberCookie, visitorCookie)

	requests := []struct {
		method, path string
		form         url.Values
	}{
		{"GET", "/", nil},
		{"GET", "/login", nil},
		{"GET", "/account", nil},
		{"GET", "/account/password", nil},
		{"GET", "/reauth", nil},
		{"GET", "/api/me", nil},
		{"GET", "/nope", nil},
		{"POST", "/preferences", url.Values{"theme": {"purple"}}},
		{"POST", "/cart", url.Values{"item": {"nothing"}}},
		{"POST", "/login", url.Values{"username": {"alice"}, "password": {"wrong"}}},
		{"GET", "/login/provider/callback?code=x&state=y", nil},
	}
	for _, b := range []struct {
		name string
		b    *browser
	}{{"anonymous", anon}, {"anonymous with data", withData}, {"authenticated", authed}, {"remembered", remembered}} {
		for _, rq := range requests {
			r := b.b.do(rq.method, rq.path, rq.form, nil)
			if rq.method == "GET" && strings.HasPrefix(rq.path, "/login/provider/callback") {
				wantStatus(t, b.name+" "+rq.path, r, http.StatusBadRequest, "")
			}
			wantNoCookies(t, b.name+": "+rq.method+" "+rq.path, r)
		}
	}
}
