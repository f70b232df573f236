package main

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sessionless/sessionless/examples/demo/site"
)

const flashCookie = "__Host-flash"

// TestProfile: POST /account/profile updates the payload in every token
// (remember me stays on, the password entry stays fresh), answers 303 to
// /account, and the next page says "Profile saved" once.
func TestProfile(t *testing.T) {
	t.Parallel()
	clk := newClock()
	srv := startSiteConfig(t, site.Config{Clock: clk.Now})
	b := newBrowser(t, srv.URL)
	b.login(true, "/")
	clk.Advance(time.Minute)
	before := status(t, b.get("/account").body)

	form := url.Values{"name": {"Alice Liddell"}, "email": {"al@example.org"}}
	r := b.post("/account/profile", form)
	wantStatus(t, "POST /account/profile", r, http.StatusSeeOther, "/account")
	for _, name := range []string{authCookie, rememberCookie, flashCookie} {
		if c := r.setCookie(name); c == nil || c.MaxAge < 0 {
			t.Errorf("profile: %s Set-Cookie %v; want it written", name, c)
		}
	}
	r = b.get("/account")
	wantStatus(t, "GET /account", r, http.StatusOK, "")
	wantBody(t, "GET /account after saving", r, `<p class="flash info" role="status">Profile saved</p>`, "<td>Alice Liddell</td>", "<td>al@example.org</td>", "on for this browser, until ")
	if got := status(t, r.body); !strings.Contains(got, "authenticated as Alice Liddell") {
		t.Errorf("status line %q; want the new name", got)
	}
	if c := r.setCookie(flashCookie); c == nil || c.MaxAge >= 0 {
		t.Errorf("the page that showed the flash: Set-Cookie %v; want the flash cookie deleted", c)
	}
	r = b.get("/account")
	if strings.Contains(r.body, "Profile saved") {
		t.Error("the flash was shown twice")
	}
	// The password entry and remember me are kept (the clock stood still
	// since); the idle expiry restarts, as with any renewal.
	entered := regexp.MustCompile(`password entered .*`)
	if got, want := entered.FindString(status(t, r.body)), entered.FindString(before); got != want || want == "" {
		t.Errorf("status line after the update says %q; want %q as before", got, want)
	}
	m := b.meAll()
	if *m.Name != "Alice Liddell" || *m.Email != "al@example.org" || !m.Remembered || !m.Fresh {
		t.Errorf("/api/me after the update: %+v; want the new name and email, remembered and fresh", m)
	}
	// The remember token carries the new name too.
	if m := b.restart(rememberCookie).meAll(); m.Level != "remembered" || *m.Name != "Alice Liddell" {
		t.Errorf("after a restart: %s %q; want remembered as Alice Liddell", m.Level, *m.Name)
	}

	// An API caller gets /api/me, and no flash.
	r = b.do("POST", "/account/profile", url.Values{"name": {"Al"}, "email": {"al@example.org"}}, apiAccept)
	if r.code != http.StatusOK || *decodeMe(t, r).Name != "Al" || r.setCookie(flashCookie) != nil {
		t.Errorf("POST /account/profile as an API caller: %d %s, flash %v; want 200 with the new name, no flash", r.code, r.body, r.setCookie(flashCookie))
	}
}

// TestProfileRefused: a bad form changes nothing; without an
// authenticated session the guard answers.
func TestProfileRefused(t *testing.T) {
	t.Parallel()
	srv := startSite(t)
	b := newBrowser(t, srv.URL)
	b.login(true, "/")
	tests := []struct{ name, email, says string }{
		{"", "alice@example.com", "1 to 64 characters"},
		{"   ", "alice@example.com", "1 to 64 characters"},
		{strings.Repeat("n", 65), "alice@example.com", "1 to 64 characters"},
		{"Al\x07ice", "alice@example.com", "printable"},
		{"Alice", "", "plain address"},
		{"Alice", "not an address", "plain address"},
		{"Alice", "Alice <alice@example.com>", "plain address"},
		{"Alice", strings.Repeat("a", 250) + "@example.com", "plain address"},
	}
	for _, tt := range tests {
		form := url.Values{"name": {tt.name}, "email": {tt.email}}
		r := b.post("/account/profile", form)
		wantStatus(t, "profile "+tt.name+" "+tt.email, r, http.StatusUnprocessableEntity, "")
		wantBody(t, "profile "+tt.name+" "+tt.email, r, tt.says, "<td>"+site.Email+"</td>", `name="email" value="`+html.EscapeString(tt.email)+`"`)
		wantNoCookies(t, "a refused profile", r)
		r = b.do("POST", "/account/profile", form, apiAccept)
		if r.code != http.StatusUnprocessableEntity || strings.TrimSpace(r.body) != `{"error":"bad_profile"}` {
			t.Errorf("profile %q %q as an API caller: %d %s; want 422 bad_profile", tt.name, tt.email, r.code, r.body)
		}
	}
	if m := b.meAll(); *m.Name != site.DisplayName || *m.Email != site.Email {
		t.Errorf("after refused profiles: %q %q; want unchanged", *m.Name, *m.Email)
	}

	form := url.Values{"name": {"Mallory"}, "email": {"m@example.com"}}
	anon := newBrowser(t, srv.URL)
	r := anon.do("POST", "/account/profile", form, apiAccept)
	if r.code != http.StatusUnauthorized || strings.TrimSpace(r.body) != `{"error":"login_required"}` || r.header.Get("Content-Type") != "application/json" {
		t.Errorf("POST /account/profile without a session, as an API caller: %d %q %s; want 401 JSON login_required", r.code, r.header.Get("Content-Type"), r.body)
	}
	wantNoCookies(t, "profile without a session", r)
	r = anon.do("POST", "/account/profile", form, http.Header{"Referer": {srv.URL + "/account"}})
	wantStatus(t, "POST /account/profile anonymous browser", r, http.StatusSeeOther, "/login?return_to=%2Faccount")

	remembered := b.restart(rememberCookie)
	r = remembered.do("POST", "/account/profile", form, http.Header{"Referer": {srv.URL + "/account"}})
	wantStatus(t, "POST /account/profile remembered", r, http.StatusSeeOther, "/reauth?return_to=%2Faccount")
	wantNoCookies(t, "profile while remembered", r)
	if m := remembered.meAll(); *m.Name != site.DisplayName {
		t.Errorf("a remembered visitor changed the name to %q", *m.Name)
	}
}
