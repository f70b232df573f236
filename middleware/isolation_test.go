package middleware_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/sessionless/sessionless/middleware"
	"github.com/sessionless/sessionless/remember"
	"github.com/sessionless/sessionless/token"
)

// TestNestedSessionsIsolated: two Sessions of the same types (two App
// names, one keyring, one mux) wrap the same request. The inner one's
// guards and accessors must read the inner one's cookies, never the
// State or the visitor data the outer Load put in the context: a login to
// the shop must not open the admin's RequireAuthenticated route, and the
// admin's SetData must not land in the shop's cookie. docs/attacks.md C13.
func TestNestedSessionsIsolated(t *testing.T) {
	shop := newApp(t, config{App: "shop"})
	admin, err := middleware.New(shop.ring, config{App: "admin",
		AuthCookie: "__Host-admin-auth", RememberCookie: "__Host-admin-remember", FreshCookie: "__Host-admin-fresh",
		VisitorCookie: "__Host-admin-visitor", FlashCookie: "__Host-admin-flash", OnceCookie: "__Host-admin-once"})
	if err != nil {
		t.Fatal(err)
	}
	mux := shop.routes()
	mux.Handle("GET /admin", admin.RequireAuthenticated(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "admin secret of %s", admin.State(r).Data.Name)
	})))
	mux.Handle("GET /admin/state", admin.Load(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s %s|%s", admin.State(r).Level, shop.s.State(r).Level, admin.Data(r).Theme)
	})))
	mux.Handle("POST /admin/theme", admin.Load(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := admin.SetData(r, Visit{Theme: "admin-" + r.FormValue("theme")}); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		if err := shop.s.SetData(r, Visit{Theme: r.FormValue("theme")}); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})))
	b := newBrowser(t, http.NewCrossOriginProtection().Handler(shop.s.Load(mux)))
	b.post("/login", url.Values{"password": {"wonderland"}})
	if got := b.me(); got.Level != "authenticated" {
		t.Fatalf("shop login: %+v", got)
	}

	rec := b.get("/admin")
	if rec.Code == http.StatusOK {
		t.Errorf("GET /admin with the shop's login: %d %q; want the admin's login page", rec.Code, rec.Body)
	}
	expect(t, "GET /admin/state", b.get("/admin/state"), http.StatusOK, "anonymous authenticated|")

	rec = b.post("/admin/theme", url.Values{"theme": {"dark"}})
	if rec.Code != http.StatusOK {
		t.Fatalf("POST /admin/theme: %d %q", rec.Code, rec.Body)
	}
	if diff := setCookies(t, rec); fmt.Sprint(diff) != "[__Host-admin-visitor __Host-visitor]" {
		t.Errorf("POST /admin/theme set %v; want each Sessions' own visitor cookie", diff)
	}
	expect(t, "GET /admin/state after", b.get("/admin/state"), http.StatusOK, "anonymous authenticated|admin-dark")
	if got := b.me(); got.Theme != "dark" {
		t.Errorf("the shop's theme %q; want dark", got.Theme)
	}
	if st := shop.s.State(httptest.NewRequest("GET", "/", nil)); st.Level != remember.Anonymous {
		t.Errorf("State of a bare request: %v", st.Level)
	}
}

// TestLogoutWithoutLoad: a logout handler that no Load wraps keeps what
// Config.KeepOnLogout keeps, as it does under Load, rather than deleting
// the visitor cookie and losing the theme; without visitor data it writes
// no visitor cookie.
func TestLogoutWithoutLoad(t *testing.T) {
	a := newApp(t, config{})
	b := newBrowser(t, a.h)
	b.post("/cart", url.Values{"item": {"book"}})
	b.post("/preferences", url.Values{"theme": {"dark"}})
	b.post("/login", url.Values{"password": {"wonderland"}})
	bare := newBrowser(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := a.s.Logout(w, r); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	}))
	bare.cookies = b.cookies
	rec := bare.post("/logout", nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("logout without Load: %d %q", rec.Code, rec.Body)
	}
	if got := fmt.Sprint(setCookies(t, rec)); got != "[-__Host-auth -__Host-fresh -__Host-remember __Host-visitor]" {
		t.Errorf("logout without Load set %v; want the identity deleted, the visitor cookie re-written", got)
	}
	if got := b.me(); got.Level != "anonymous" || got.Cart != nil || got.Theme != "dark" {
		t.Errorf("after logout without Load /me = %+v; want anonymous, no cart, theme dark", got)
	}
	empty := newBrowser(t, bare.h)
	if got := fmt.Sprint(setCookies(t, empty.post("/logout", nil))); got != "[-__Host-auth -__Host-fresh -__Host-remember]" {
		t.Errorf("logout without data set %v; want no visitor cookie", got)
	}
}

// TestPurposeMatrix: every kind of token the shop seals (auth, remember,
// fresh, visitor data, flash, one-shot value), put in every cookie that
// is opened for another kind, opens nowhere, in the shop itself
// (reported wrong_purpose) and in another application on the same
// keyring (reported bad_tag: the other App's purposes are not probed).
// docs/attacks.md C9, C13.
func TestPurposeMatrix(t *testing.T) {
	shop := newApp(t, config{App: "shop"})
	var blogRejected []remember.Rejection
	blog, err := middleware.New(shop.ring, config{App: "blog", OnReject: func(_ context.Context, rej remember.Rejection) { blogRejected = append(blogRejected, rej) }})
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, shop.h)
	b.post("/login", url.Values{"password": {"wonderland"}, "remember": {"on"}})
	b.get("/sudo")
	b.post("/cart", url.Values{"item": {"book"}})
	b.post("/flash", url.Values{"text": {"hi"}, "to": {"/account"}})
	rec := httptest.NewRecorder()
	if err := shop.s.SetOnce(rec, httptest.NewRequest("GET", "/", nil), "oauth", "state"); err != nil {
		t.Fatal(err)
	}
	b.cookies["__Host-once-oauth"] = rec.Result().Cookies()[0]
	kinds := map[string]string{"auth": "__Host-auth", "remember": "__Host-remember", "fresh": "__Host-fresh", "visitor": "__Host-visitor", "flash": "__Host-flash", "once": "__Host-once-oauth"}
	for _, name := range kinds {
		if b.cookies[name] == nil {
			t.Fatalf("the shop set no %s cookie (%v)", name, b.cookies)
		}
	}
	type opened struct {
		level   remember.Level
		data    bool
		flashes int
		once    bool
	}
	read := func(s *middleware.Sessions[User, Visit], cookie, value string) opened {
		var got opened
		req := httptest.NewRequest("GET", "https://example.test/", nil)
		req.AddCookie(&http.Cookie{Name: cookie, Value: value})
		s.Load(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, got.once = s.TakeOnce(w, r, "oauth")
			got.level, got.data, got.flashes = s.State(r).Level, s.Data(r).Cart != nil, len(s.Flashes(r))
		})).ServeHTTP(httptest.NewRecorder(), req)
		return got
	}
	for kind, from := range kinds {
		for slot, into := range kinds {
			if slot == "fresh" || slot == kind {
				continue // the fresh cookie is opened only beside a valid auth token
			}
			for _, app := range []struct {
				name     string
				s        *middleware.Sessions[User, Visit]
				rejected *[]remember.Rejection
				reason   token.Reason
			}{{"shop", shop.s, &shop.rejected, token.ReasonWrongPurpose}, {"blog", blog, &blogRejected, token.ReasonBadTag}} {
				*app.rejected = nil
				if got := read(app.s, into, b.cookies[from].Value); got != (opened{}) {
					t.Errorf("%s: the shop's %s token in %s opened: %+v", app.name, kind, into, got)
				}
				if rej := *app.rejected; len(rej) != 1 || rej[0].Cookie != into || rej[0].Reason != app.reason {
					t.Errorf("%s: the shop's %s token in %s reported %+v; want one %s", app.name, kind, into, rej, app.reason)
				}
			}
		}
	}
}
