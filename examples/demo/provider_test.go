package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sessionless/sessionless/examples/demo/site"
)

const onceCookie = "__Host-once-provider"

// startProvider is GET /login/provider: it checks the redirect to the
// stand-in provider and returns its query.
func startProvider(t *testing.T, b *browser, path string) url.Values {
	t.Helper()
	r := b.get(path)
	wantStatus(t, "GET "+path, r, http.StatusSeeOther, "")
	u, err := url.Parse(r.location())
	if err != nil || u.Path != "/provider/authorize" || u.Host != "" {
		t.Fatalf("GET %s: Location %q; want /provider/authorize", path, r.location())
	}
	q := u.Query()
	if q.Get("state") == "" || len(q.Get("code_challenge")) != 43 || q.Get("code_challenge_method") != "S256" {
		t.Fatalf("GET %s: Location %q; want state, code_challenge and code_challenge_method=S256", path, r.location())
	}
	if c := r.setCookie(onceCookie); c == nil || c.MaxAge != 0 || !c.HttpOnly || !c.Secure {
		t.Errorf("GET %s: one-shot Set-Cookie %v; want a Secure, HttpOnly browser-session cookie", path, c)
	}
	return q
}

// authorize asks the provider and returns the callback it sends back to.
func authorize(t *testing.T, b *browser, q url.Values) (callback string, code string) {
	t.Helper()
	r := b.get("/provider/authorize?" + q.Encode())
	wantStatus(t, "GET /provider/authorize", r, http.StatusSeeOther, "")
	u, err := url.Parse(r.location())
	if err != nil || u.Path != "/login/provider/callback" || u.Query().Get("state") != q.Get("state") || u.Query().Get("code") == "" {
		t.Fatalf("provider: Location %q; want the callback with a code and the state", r.location())
	}
	wantNoCookies(t, "the provider", r)
	return r.location(), u.Query().Get("code")
}

// TestProvider: "log in with a provider" logs Bob in, session only, and
// the next page says so once; return_to is carried through.
func TestProvider(t *testing.T) {
	t.Parallel()
	srv := startSite(t)
	b := newBrowser(t, srv.URL)
	b.post("/cart", url.Values{"item": {"scones"}})
	q := startProvider(t, b, "/login/provider?return_to=%2Faccount")
	callback, _ := authorize(t, b, q)
	r := b.get(callback)
	wantStatus(t, "the callback", r, http.StatusSeeOther, "/account")
	if c := r.setCookie(onceCookie); c == nil || c.MaxAge >= 0 {
		t.Errorf("the callback: one-shot Set-Cookie %v; want it deleted", c)
	}
	if r.setCookie(authCookie) == nil || r.setCookie(rememberCookie) != nil {
		t.Errorf("the callback: Set-Cookie %q; want an auth cookie and no remember cookie", r.header.Values("Set-Cookie"))
	}
	m := b.meAll()
	if m.Level != "authenticated" || *m.Name != site.ProviderDisplayName || *m.Email != site.ProviderEmail || m.Remembered || len(m.Cart) != 1 {
		t.Errorf("/api/me after the provider: %+v; want Bob authenticated, not remembered, the cart kept", m)
	}
	r = b.get("/account")
	wantBody(t, "GET /account", r, "Logged in as Bob through the provider", "<td>bob</td>", "not on this browser")
	if strings.Contains(b.get("/").body, "through the provider") {
		t.Error("the flash was shown twice")
	}
}

// TestProviderRefused: a forged state, a missing one-shot cookie, a
// second use of the callback, a code of another login (the PKCE
// verifier) and an expired code each answer 400 and log nobody in.
func TestProviderRefused(t *testing.T) {
	t.Parallel()
	clk := newClock()
	srv := startSiteConfig(t, site.Config{Clock: clk.Now})
	refused := func(what string, b *browser, path string) {
		t.Helper()
		r := b.get(path)
		wantStatus(t, what, r, http.StatusBadRequest, "")
		if r.setCookie(authCookie) != nil {
			t.Errorf("%s: Set-Cookie %q; want no auth cookie", what, r.header.Values("Set-Cookie"))
		}
		if level, _ := b.me(); level != "anonymous" {
			t.Errorf("%s: level %s; want anonymous", what, level)
		}
	}
	withState := func(callback, state string) string {
		u, _ := url.Parse(callback)
		q := u.Query()
		q.Set("state", state)
		return u.Path + "?" + q.Encode()
	}

	forged := newBrowser(t, srv.URL)
	callback, _ := authorize(t, forged, startProvider(t, forged, "/login/provider"))
	refused("forged state", forged, withState(callback, "forged"))
	refused("empty state", forged, withState(callback, ""))
	refused("the right state after a forged one", forged, callback)

	refused("no one-shot cookie", newBrowser(t, srv.URL), callback)

	b := newBrowser(t, srv.URL)
	callback, _ = authorize(t, b, startProvider(t, b, "/login/provider"))
	once := b.cookie(onceCookie)
	wantStatus(t, "the callback", b.get(callback), http.StatusSeeOther, "/")
	r := b.get(callback)
	wantStatus(t, "a second use", r, http.StatusBadRequest, "")
	// A copy of the one-shot cookie replayed with the same code: the
	// provider takes each code once.
	replay := newBrowser(t, srv.URL)
	replay.jar.SetCookies(mustParse(srv.URL), []*http.Cookie{{Name: onceCookie, Value: once, Path: "/", Secure: true}})
	refused("a replayed one-shot cookie", replay, callback)

	// Two logins at once: the code of one does not go with the verifier
	// of the other, even with the right state.
	one, two := newBrowser(t, srv.URL), newBrowser(t, srv.URL)
	callbackOne, _ := authorize(t, one, startProvider(t, one, "/login/provider"))
	_, codeTwo := authorize(t, two, startProvider(t, two, "/login/provider"))
	u, _ := url.Parse(callbackOne)
	q := u.Query()
	q.Set("code", codeTwo)
	refused("another login's code", one, u.Path+"?"+q.Encode())

	late := newBrowser(t, srv.URL)
	callback, _ = authorize(t, late, startProvider(t, late, "/login/provider"))
	clk.Advance(2 * time.Minute) // the code lives a minute, the one-shot cookie ten
	refused("an expired code", late, callback)
}

// TestProviderAuthorize: the stand-in provider refuses what a real one
// would.
func TestProviderAuthorize(t *testing.T) {
	t.Parallel()
	srv := startSite(t)
	b := newBrowser(t, srv.URL)
	good := startProvider(t, b, "/login/provider")
	tests := []struct{ name, key, value string }{
		{"plain PKCE", "code_challenge_method", "plain"},
		{"no challenge", "code_challenge", ""},
		{"short challenge", "code_challenge", "abc"},
		{"no state", "state", ""},
		{"other client", "client_id", "mallory"},
		{"other redirect", "redirect_uri", "https://evil.example/cb"},
		{"implicit flow", "response_type", "token"},
	}
	for _, tt := range tests {
		q := url.Values{}
		for k, v := range good {
			q[k] = v
		}
		q.Set(tt.key, tt.value)
		r := b.get("/provider/authorize?" + q.Encode())
		wantStatus(t, tt.name, r, http.StatusBadRequest, "")
	}
}

func mustParse(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}
