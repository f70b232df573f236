package browsertest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/sessionless/sessionless/examples/demo/site"
)

const (
	visitorCookie = "__Host-visitor"
	onceCookie    = "__Host-once-provider"
)

// scenarioCart: an anonymous visitor fills the cart with the shop's
// buttons; logging in keeps it, and /api/me says every field.
func scenarioCart(t *testing.T, exe string) {
	d := startDemo(t)
	b := launch(t, exe, newProfile(t))
	b.nav(d.URL + "/")
	b.wantLevel("anonymous")
	b.wantCookies(d.URL) // an anonymous visitor without data has none
	b.wantText("#cart", "Your cart is empty.")
	b.clickAndWait("#add-tea")
	b.wantPath(d.URL + "/") // back to the page the form was on
	b.clickAndWait("#add-jam")
	b.wantText("#cart", "Your cart: Earl Grey tea, Strawberry jam.")
	b.wantText("#cart-count", "Cart (2)")
	b.wantLevel("anonymous")
	b.wantCookies(d.URL, visitorCookie)
	for _, c := range b.cookiesFor(d.URL) {
		want := time.Now().Add(30 * 24 * time.Hour)
		got := time.Unix(int64(c.Expires), 0)
		if !c.Secure || !c.HTTPOnly || c.SameSite != network.CookieSameSiteLax || c.Path != "/" || c.Session || got.Before(want.Add(-time.Minute)) || got.After(want.Add(time.Minute)) {
			t.Errorf("%s: Secure=%v HttpOnly=%v SameSite=%q Path=%q Session=%v expires %v; want Secure, HttpOnly, Lax, /, persistent for 30 days",
				c.Name, c.Secure, c.HTTPOnly, c.SameSite, c.Path, c.Session, got)
		}
	}

	b.nav(d.URL + "/login")
	b.login(site.Username, site.Password, true)
	b.wantPath(d.URL + "/")
	b.wantLevel("authenticated")
	b.wantText("#cart", "Your cart: Earl Grey tea, Strawberry jam.")
	b.wantCookies(d.URL, authCookie, rememberCookie, visitorCookie)

	m := b.apiMe(d.URL)
	if m.Level != "authenticated" || m.Name == nil || *m.Name != site.DisplayName || m.Email == nil || *m.Email != site.Email ||
		!m.Remembered || !m.Fresh || !slices.Equal(m.Cart, []string{"tea", "jam"}) || m.Theme != "" {
		t.Errorf("/api/me = %+v; want Alice authenticated, remembered, fresh, cart tea and jam, no theme", m)
	}
	b.close()
}

// scenarioTheme: the dark theme applies as a class of the page, survives
// login, logout (which empties the cart) and a browser restart.
func scenarioTheme(t *testing.T, exe string) {
	d := startDemo(t)
	dir := newProfile(t)
	b := launch(t, exe, dir)
	b.nav(d.URL + "/")
	b.wantBodyClass("")
	b.clickAndWait(`header form[action="/preferences"] button`)
	b.wantBodyClass("theme-dark")
	b.clickAndWait("#add-scones")
	b.nav(d.URL + "/login")
	b.wantBodyClass("theme-dark")
	b.login(site.Username, site.Password, false)
	b.wantLevel("authenticated")
	b.wantBodyClass("theme-dark")
	b.wantText("#cart", "Scones")

	b.clickAndWait(`header form[action="/logout"] button`)
	b.wantPath(d.URL + "/")
	b.wantLevel("anonymous")
	b.wantBodyClass("theme-dark")
	b.wantText("#cart", "Your cart is empty.")
	b.wantCookies(d.URL, visitorCookie)
	b.close()

	b = launch(t, exe, dir)
	b.wantCookies(d.URL, visitorCookie) // persistent: the theme belongs to the browser
	b.nav(d.URL + "/")
	b.wantBodyClass("theme-dark")
	if m := b.apiMe(d.URL); m.Level != "anonymous" || m.Theme != "dark" || len(m.Cart) != 0 {
		t.Errorf("/api/me after logout and restart = %+v; want anonymous, theme dark, empty cart", m)
	}
	b.nav(d.URL + "/")
	b.clickAndWait(`header form[action="/preferences"] button`)
	b.wantBodyClass("theme-light")
	b.close()
}

// scenarioProfile: the profile form saves, /account says "Profile saved"
// once, and the new name is everywhere.
func scenarioProfile(t *testing.T, exe string) {
	d := startDemo(t)
	b := launch(t, exe, newProfile(t))
	b.nav(d.URL + "/account")
	b.login(site.Username, site.Password, true)
	b.wantPath(d.URL + "/account")
	b.wantNone(".flash")
	b.replaceText(`main input[name="name"]`, "Alice Liddell")
	b.clickAndWait(`main form[action="/account/profile"] button[type="submit"]`)
	b.wantPath(d.URL + "/account")
	b.wantText(".flash", "Profile saved")
	b.wantText("#status", "authenticated as Alice Liddell")
	b.wantText("#remember-me", "on for this browser")
	b.nav(d.URL + "/account")
	b.wantNone(".flash")
	b.wantText("main", "Alice Liddell")
	if m := b.apiMe(d.URL); m.Name == nil || *m.Name != "Alice Liddell" || !m.Remembered || !m.Fresh {
		t.Errorf("/api/me after the profile = %+v; want Alice Liddell, remembered, fresh", m)
	}
	b.close()
}

// scenarioProvider: "Log in with a provider" goes through the stand-in
// provider with PKCE and logs Bob in; the callback used again answers 400
// and logs nobody in.
func scenarioProvider(t *testing.T, exe string) {
	d := startDemo(t)
	b := launch(t, exe, newProfile(t))
	b.nav(d.URL + "/login")
	b.clickAndWait("main a.provider")
	b.waitFor(d.URL + "/")
	b.wantLevel("authenticated")
	b.wantText("#status", "authenticated as Bob")
	b.wantText(".flash", "Logged in as Bob through the provider")
	b.wantCookies(d.URL, authCookie) // the one-shot cookie is gone

	var authorize, callback *request
	for _, r := range d.requests() {
		switch r.path {
		case "/provider/authorize":
			authorize = &r
		case "/login/provider/callback":
			callback = &r
		}
	}
	if authorize == nil || callback == nil || authorize.status != http.StatusSeeOther || callback.status != http.StatusSeeOther {
		t.Fatalf("the provider and the callback: %+v, %+v; want both to answer 303", authorize, callback)
	}
	q, _ := url.ParseQuery(authorize.query)
	if q.Get("code_challenge_method") != "S256" || len(q.Get("code_challenge")) != 43 || q.Get("state") == "" {
		t.Errorf("the provider was asked %q; want state, code_challenge and code_challenge_method=S256", authorize.query)
	}
	if m := b.apiMe(d.URL); m.Level != "authenticated" || m.Name == nil || *m.Name != "Bob" || m.Remembered {
		t.Errorf("/api/me = %+v; want Bob, authenticated, not remembered", m)
	}

	b.nav(d.URL + "/")
	b.clickAndWait(`header form[action="/logout"] button`)
	b.wantLevel("anonymous")
	b.nav(d.URL + "/login/provider/callback?" + callback.query)
	if s := b.status(); s != http.StatusBadRequest {
		t.Errorf("the callback used a second time answered %d; want 400", s)
	}
	b.wantCookies(d.URL)
	b.nav(d.URL + "/")
	b.wantLevel("anonymous")
	b.close()
}

// scenarioForgedState is a login CSRF: the attacker starts a provider
// login of their own and lures the victim, who has a login in progress,
// to the attacker's callback URL. The state does not match the victim's
// one-shot value: 400, and the victim is not logged in as anybody.
func scenarioForgedState(t *testing.T, exe string) {
	d := startDemo(t)
	attacker := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	loc := d.URL + "/login/provider"
	for range 2 { // to the provider, then back to the callback
		res, err := attacker.Get(loc)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		loc = d.URL + res.Header.Get("Location")
	}
	if !strings.Contains(loc, "/login/provider/callback?code=") {
		t.Fatalf("the attacker's login led to %s; want the callback", loc)
	}

	b := launch(t, exe, newProfile(t))
	b.nav(d.URL + "/")
	// The victim's login in progress: the one-shot cookie is set, and the
	// provider never answers, as when the victim left its page. The same
	// site on another port (cookies are per host, not per port) whose
	// provider is away.
	away := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/provider/authorize" {
			http.Error(w, "the provider is away", http.StatusServiceUnavailable)
			return
		}
		d.handler.ServeHTTP(w, r)
	}))
	t.Cleanup(away.Close)
	b.nav(away.URL + "/login/provider")
	b.wantPageText("the provider is away")
	b.wantCookies(d.URL, onceCookie)
	b.nav(loc)
	if s := b.status(); s != http.StatusBadRequest {
		t.Errorf("the callback with the attacker's state answered %d; want 400", s)
	}
	b.wantPageText("bad_state")
	b.wantCookies(d.URL) // the one-shot value is spent, nobody logged in
	b.nav(loc)
	if s := b.status(); s != http.StatusBadRequest {
		t.Errorf("the callback without a one-shot cookie answered %d; want 400", s)
	}
	b.nav(d.URL + "/")
	b.wantLevel("anonymous")
	b.close()
}

// wantBodyClass checks the class of the page's body: the theme.
func (b *browser) wantBodyClass(want string) {
	b.t.Helper()
	if got := run(b, chromedp.Evaluate[string](`document.body.className`)); got != want {
		b.t.Errorf("at %s the body's class is %q; want %q", b.location(), got, want)
	}
}

// wantNone checks that the page has no element sel.
func (b *browser) wantNone(sel string) {
	b.t.Helper()
	n := run(b, chromedp.Evaluate[int](`document.querySelectorAll(`+jsString(sel)+`).length`))
	if n != 0 {
		b.t.Errorf("at %s the page has %d elements %s; want none", b.location(), n, sel)
	}
}

// replaceText empties the input sel and types text into it.
func (b *browser) replaceText(sel, text string) {
	b.t.Helper()
	run(b, chromedp.Evaluate[string](`document.querySelector(`+jsString(sel)+`).value = ""`))
	b.typeInto(sel, text)
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	q, _ := json.Marshal(s) // a JSON string is a JavaScript string literal
	return string(q)
}
