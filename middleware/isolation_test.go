package middleware_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/sessionless/sessionless/middleware"
	"github.com/sessionless/sessionless/remember"
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
