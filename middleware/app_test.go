package middleware_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sessionless/sessionless/keyring"
	"github.com/sessionless/sessionless/middleware"
	"github.com/sessionless/sessionless/remember"
)

// User is the tests' session payload.
type User struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// Visit is the tests' visitor data: a cart belongs to the person, a theme
// to the browser.
type Visit struct {
	Cart  []string `json:"cart,omitempty"`
	Theme string   `json:"theme,omitempty"`
}

// config is the Config of the tests.
type config = middleware.Config[User, Visit]

var alice = User{ID: 7, Name: "Alice"}

// app is a small site over the middleware, as an application would write
// it: public home, login, re-authentication, logout, sensitive pages, a
// cart and a theme for every visitor, flash messages.
type app struct {
	ring     *keyring.Live
	m        *remember.Manager[User]
	s        *middleware.Sessions[User, Visit]
	h        http.Handler
	rejected []remember.Rejection
}

func newApp(t testing.TB, cfg config) *app {
	t.Helper()
	now := time.Now()
	r, err := keyring.New([]keyring.Key{keyring.GenerateKey(now.Add(-time.Hour), now.Add(-time.Hour))}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	a := &app{ring: keyring.NewLive(r)}
	if cfg.OnReject == nil {
		cfg.OnReject = func(_ context.Context, rej remember.Rejection) { a.rejected = append(a.rejected, rej) }
	}
	if cfg.KeepOnLogout == nil {
		cfg.KeepOnLogout = func(v Visit) Visit { return Visit{Theme: v.Theme} }
	}
	a.s, err = middleware.New(a.ring, cfg)
	if err != nil {
		t.Fatal(err)
	}
	a.m = a.s.Manager()
	a.h = http.NewCrossOriginProtection().Handler(a.s.Load(a.routes()))
	return a
}

func (a *app) routes() *http.ServeMux {
	mux := http.NewServeMux()
	fail := func(w http.ResponseWriter, err error) {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		st := a.s.State(r)
		fmt.Fprintf(w, "%s %s", st.Level, st.Data.Name)
	})
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		if r.FormValue("password") != "wonderland" {
			http.Error(w, "wrong password", http.StatusUnauthorized)
			return
		}
		if err := a.s.Login(w, r, alice, r.FormValue("remember") == "on"); err != nil {
			fail(w, err)
			return
		}
		http.Redirect(w, r, middleware.SafeReturnTo(r.FormValue("return_to")), http.StatusSeeOther)
	})
	mux.HandleFunc("POST /reauth", func(w http.ResponseWriter, r *http.Request) {
		if r.FormValue("password") != "wonderland" {
			http.Error(w, "wrong password", http.StatusUnauthorized)
			return
		}
		if err := a.s.Reauthenticate(w, r); err != nil {
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
		http.Redirect(w, r, middleware.SafeReturnTo(r.FormValue("return_to")), http.StatusSeeOther)
	})
	mux.HandleFunc("POST /logout", func(w http.ResponseWriter, r *http.Request) {
		if err := a.s.Logout(w, r); err != nil {
			fail(w, err)
			return
		}
		http.Redirect(w, r, "/", http.StatusSeeOther)
	})
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := a.s.State(r)
		fmt.Fprintf(w, "secret of %s", st.Data.Name)
	})
	mux.Handle("GET /greet", a.s.RequireUser(ok))
	mux.Handle("GET /account", a.s.RequireAuthenticated(ok))
	mux.Handle("GET /account/password", a.s.RequireFresh(remember.Fixed(15*time.Minute))(ok))
	mux.Handle("GET /sudo", a.s.RequireFresh(remember.Sliding(15*time.Minute))(ok))
	mux.Handle("POST /sudo", a.s.RequireFresh(remember.Sliding(15*time.Minute))(ok))
	mux.Handle("POST /account/password", a.s.RequireFresh(remember.Fixed(15*time.Minute))(ok))
	mux.Handle("POST /account/profile", a.s.RequireAuthenticated(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := a.s.State(r).Data
		u.Name = r.FormValue("name")
		if err := a.s.Update(w, r, u); err != nil {
			fail(w, err)
			return
		}
		if err := a.s.AddFlash(r, middleware.Flash{Text: "Profile saved"}); err != nil {
			fail(w, err)
			return
		}
		http.Redirect(w, r, "/account", http.StatusSeeOther)
	})))
	mux.Handle("GET /api/me", a.s.RequireAuthenticated(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(a.s.State(r).Data)
	})))
	mux.HandleFunc("GET /me", func(w http.ResponseWriter, r *http.Request) {
		st := a.s.State(r)
		v := a.s.Data(r)
		json.NewEncoder(w).Encode(map[string]any{
			"level": st.Level.String(), "name": st.Data.Name, "remembered": st.RememberMe(),
			"cart": v.Cart, "theme": v.Theme, "flashes": a.s.Flashes(r),
		})
	})
	mux.HandleFunc("POST /cart", func(w http.ResponseWriter, r *http.Request) {
		v := a.s.Data(r)
		v.Cart = append(v.Cart, r.FormValue("item"))
		if err := a.s.SetData(r, v); err != nil {
			fail(w, err)
			return
		}
		http.Redirect(w, r, "/", http.StatusSeeOther)
	})
	mux.HandleFunc("POST /preferences", func(w http.ResponseWriter, r *http.Request) {
		v := a.s.Data(r)
		v.Theme = r.FormValue("theme")
		if err := a.s.SetData(r, v); err != nil {
			fail(w, err)
			return
		}
		http.Redirect(w, r, "/", http.StatusSeeOther)
	})
	mux.HandleFunc("POST /flash", func(w http.ResponseWriter, r *http.Request) {
		if err := a.s.AddFlash(r, middleware.Flash{Kind: "info", Text: r.FormValue("text")}); err != nil {
			fail(w, err)
			return
		}
		http.Redirect(w, r, r.FormValue("to"), http.StatusSeeOther)
	})
	return mux
}

// browser keeps cookies between requests as a browser does, parsing every
// Set-Cookie with net/http.
type browser struct {
	t       testing.TB
	h       http.Handler
	cookies map[string]*http.Cookie
	accept  string
	header  http.Header // more request headers, such as Referer
}

func newBrowser(t testing.TB, h http.Handler) *browser {
	return &browser{t: t, h: h, cookies: map[string]*http.Cookie{}, accept: "text/html,application/xhtml+xml,*/*;q=0.8"}
}

// restart drops the browser-session cookies and keeps persistent ones.
func (b *browser) restart() {
	for n, c := range b.cookies {
		if c.MaxAge == 0 && c.Expires.IsZero() {
			delete(b.cookies, n)
		}
	}
}

func (b *browser) do(method, target string, form url.Values) *httptest.ResponseRecorder {
	b.t.Helper()
	var req *http.Request
	if form != nil {
		req = httptest.NewRequest(method, "https://example.test"+target, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	} else {
		req = httptest.NewRequest(method, "https://example.test"+target, nil)
	}
	req.Header.Set("Accept", b.accept)
	for k, v := range b.header {
		req.Header[k] = v
	}
	for _, c := range b.cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	rec := httptest.NewRecorder()
	b.h.ServeHTTP(rec, req)
	seen := map[string]bool{}
	for _, line := range rec.Result().Header.Values("Set-Cookie") {
		c, err := http.ParseSetCookie(line)
		if err != nil {
			b.t.Fatalf("%s %s: bad Set-Cookie %q: %v", method, target, line, err)
		}
		if seen[c.Name] {
			b.t.Fatalf("%s %s: two Set-Cookie for %s", method, target, c.Name)
		}
		seen[c.Name] = true
		if c.MaxAge < 0 {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c
		}
	}
	return rec
}

func (b *browser) get(target string) *httptest.ResponseRecorder { return b.do("GET", target, nil) }

func (b *browser) post(target string, form url.Values) *httptest.ResponseRecorder {
	if form == nil {
		form = url.Values{}
	}
	return b.do("POST", target, form)
}

// expect checks a response's status and body or Location.
func expect(t testing.TB, what string, rec *httptest.ResponseRecorder, status int, bodyOrLocation string) {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("%s: status %d; want %d (body %q)", what, rec.Code, status, rec.Body.String())
	}
	got := rec.Body.String()
	if status == http.StatusSeeOther {
		got = rec.Header().Get("Location")
	}
	if bodyOrLocation != "" && got != bodyOrLocation {
		t.Fatalf("%s: got %q; want %q", what, got, bodyOrLocation)
	}
}
