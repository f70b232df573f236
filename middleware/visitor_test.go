package middleware_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sessionless/sessionless/keyring"
	"github.com/sessionless/sessionless/middleware"
	"github.com/sessionless/sessionless/remember"
	"github.com/sessionless/sessionless/token"
)

// me is the answer of the test app's GET /me.
type me struct {
	Level      string             `json:"level"`
	Name       string             `json:"name"`
	Remembered bool               `json:"remembered"`
	Cart       []string           `json:"cart"`
	Theme      string             `json:"theme"`
	Flashes    []middleware.Flash `json:"flashes"`
}

func (b *browser) me() me {
	b.t.Helper()
	rec := b.get("/me")
	var m me
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		b.t.Fatalf("GET /me: %v (%q)", err, rec.Body)
	}
	return m
}

// setCookies returns the names a response sets (a "-" before those it
// deletes), sorted.
func setCookies(t testing.TB, rec *httptest.ResponseRecorder) []string {
	t.Helper()
	var names []string
	for _, line := range rec.Result().Header.Values("Set-Cookie") {
		c, err := http.ParseSetCookie(line)
		if err != nil {
			t.Fatalf("bad Set-Cookie %q: %v", line, err)
		}
		if c.MaxAge < 0 {
			names = append(names, "-"+c.Name)
		} else {
			names = append(names, c.Name)
		}
	}
	slices.Sort(names)
	return names
}

// TestVisitorData walks issue 10's visitor data: an anonymous visitor
// without data gets no cookie at all; a cart for an anonymous visitor;
// a request that changes nothing writes no cookie; login keeps the cart
// and the theme; logout clears the cart and keeps the theme.
func TestVisitorData(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a := newApp(t, config{})
		b := newBrowser(t, a.h)
		for _, path := range []string{"/", "/me", "/greet", "/account"} {
			if rec := b.get(path); len(setCookies(t, rec)) != 0 {
				t.Errorf("anonymous GET %s set %v; want no cookie", path, setCookies(t, rec))
			}
		}
		rec := b.post("/cart", url.Values{"item": {"book"}})
		if got := setCookies(t, rec); !cmp.Equal(got, []string{"__Host-visitor"}) {
			t.Errorf("POST /cart set %v; want the visitor cookie only", got)
		}
		c := b.cookies["__Host-visitor"]
		if c == nil || !c.Secure || !c.HttpOnly || c.Path != "/" || c.MaxAge != int(middleware.DefaultVisitorIdle/time.Second) {
			t.Errorf("visitor cookie %+v; want Secure, HttpOnly, Path=/, Max-Age of VisitorIdle", c)
		}
		b.post("/cart", url.Values{"item": {"pen"}})
		rec = b.get("/me")
		if got := setCookies(t, rec); len(got) != 0 {
			t.Errorf("GET /me that changes nothing set %v; want nothing", got)
		}
		b.post("/preferences", url.Values{"theme": {"dark"}})
		if got := b.me(); !cmp.Equal(got.Cart, []string{"book", "pen"}) || got.Theme != "dark" || got.Level != "anonymous" {
			t.Errorf("anonymous /me = %+v; want cart [book pen], theme dark", got)
		}

		rec = b.post("/login", url.Values{"password": {"wonderland"}, "remember": {"on"}})
		if got := setCookies(t, rec); !cmp.Equal(got, []string{"__Host-auth", "__Host-remember"}) {
			t.Errorf("login set %v; want auth and remember only (the visitor cookie is kept as is)", got)
		}
		if got := b.me(); !cmp.Equal(got.Cart, []string{"book", "pen"}) || got.Theme != "dark" || got.Level != "authenticated" {
			t.Errorf("after login /me = %+v; want the cart and theme kept", got)
		}

		b.post("/logout", nil)
		got := b.me()
		if got.Level != "anonymous" || got.Cart != nil || got.Theme != "dark" {
			t.Errorf("after logout /me = %+v; want anonymous, no cart, theme dark", got)
		}
	})
}

// TestVisitorDataClearedOnLogout: without KeepOnLogout, logout deletes the
// visitor cookie, and visitor data that is the zero value deletes it too.
func TestVisitorDataClearedOnLogout(t *testing.T) {
	a := newApp(t, config{KeepOnLogout: func(Visit) Visit { return Visit{} }})
	b := newBrowser(t, a.h)
	b.post("/cart", url.Values{"item": {"book"}})
	b.post("/login", url.Values{"password": {"wonderland"}})
	rec := b.post("/logout", nil)
	if got := setCookies(t, rec); !cmp.Equal(got, []string{"-__Host-auth", "-__Host-fresh", "-__Host-remember", "-__Host-visitor"}) {
		t.Errorf("logout set %v; want every cookie deleted", got)
	}
	if len(b.cookies) != 0 {
		t.Errorf("after logout the browser holds %v; want nothing", b.cookies)
	}
}

// TestVisitorDataBadCookie: a visitor cookie that does not open behaves
// as absent (an empty cart, never an error), is cleared in the response
// and reported.
func TestVisitorDataBadCookie(t *testing.T) {
	a := newApp(t, config{})
	b := newBrowser(t, a.h)
	b.post("/login", url.Values{"password": {"wonderland"}})
	auth := b.cookies["__Host-auth"].Value
	b.post("/cart", url.Values{"item": {"book"}})
	good := b.cookies["__Host-visitor"].Value
	other := newApp(t, config{})
	ob := newBrowser(t, other.h)
	ob.post("/cart", url.Values{"item": {"book"}})
	foreign := ob.cookies["__Host-visitor"].Value
	tampered := []byte(good)
	tampered[len(tampered)-30] = map[bool]byte{true: 'B', false: 'A'}[tampered[len(tampered)-30] == 'A'] // another base64url digit
	for _, tt := range []struct {
		name   string
		header string
		reason token.Reason
	}{
		{"garbage", "__Host-visitor=garbage", token.ReasonMalformed},
		{"tampered", "__Host-visitor=" + string(tampered), token.ReasonBadTag},
		{"another keyring", "__Host-visitor=" + foreign, token.ReasonUnknownKey},
		{"an auth token", "__Host-visitor=" + auth, token.ReasonWrongPurpose},
		{"twice", "__Host-visitor=" + good + "; __Host-visitor=" + good, token.ReasonDuplicate},
		{"quoted", `__Host-visitor="` + good + `"`, token.ReasonMalformed},
	} {
		a.rejected = nil
		req := httptest.NewRequest("GET", "https://example.test/me", nil)
		req.Header.Set("Cookie", tt.header)
		rec := httptest.NewRecorder()
		a.h.ServeHTTP(rec, req)
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"cart":null`) {
			t.Errorf("%s: /me = %d %q; want 200 and no cart", tt.name, rec.Code, rec.Body)
		}
		if got := setCookies(t, rec); !cmp.Equal(got, []string{"-__Host-visitor"}) {
			t.Errorf("%s: set %v; want the visitor cookie deleted", tt.name, got)
		}
		if len(a.rejected) != 1 || a.rejected[0].Reason != tt.reason || a.rejected[0].Cookie != "__Host-visitor" {
			t.Errorf("%s: rejections %+v; want one %q", tt.name, a.rejected, tt.reason)
		}
	}
	// A bad cookie on a page that never reads the data costs nothing and
	// is left alone.
	req := httptest.NewRequest("GET", "https://example.test/", nil)
	req.Header.Set("Cookie", "__Host-visitor=garbage")
	rec := httptest.NewRecorder()
	a.h.ServeHTTP(rec, req)
	if got := setCookies(t, rec); len(got) != 0 {
		t.Errorf("a page that does not read the data set %v; want nothing", got)
	}
}

// TestVisitorDataTooLarge: data too large for the cookies fails at
// SetData, and nothing is written: the earlier data stays.
func TestVisitorDataTooLarge(t *testing.T) {
	a := newApp(t, config{MaxChunks: 2})
	b := newBrowser(t, a.h)
	b.post("/cart", url.Values{"item": {"book"}})
	rec := b.post("/cart", url.Values{"item": {strings.Repeat("x", 9000)}})
	if rec.Code != http.StatusInternalServerError || len(setCookies(t, rec)) != 0 {
		t.Errorf("POST /cart of 9000 bytes = %d, set %v; want the handler's error and no cookie", rec.Code, setCookies(t, rec))
	}
	if got := b.me(); !cmp.Equal(got.Cart, []string{"book"}) {
		t.Errorf("after a refused change /me cart = %v; want [book]", got.Cart)
	}
	a.s.Load(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := a.s.SetData(r, Visit{Theme: strings.Repeat("x", 9000)}); !errors.Is(err, token.ErrTooLong) {
			t.Errorf("SetData of 9000 bytes = %v; want token.ErrTooLong", err)
		}
		if err := a.s.AddFlash(r, middleware.Flash{Text: strings.Repeat("x", 9000)}); !errors.Is(err, token.ErrTooLong) {
			t.Errorf("AddFlash of 9000 bytes = %v; want token.ErrTooLong", err)
		}
		if err := a.s.SetOnce(w, r, "big", strings.Repeat("x", 9000)); !errors.Is(err, token.ErrTooLong) {
			t.Errorf("SetOnce of 9000 bytes = %v; want token.ErrTooLong", err)
		}
	})).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "https://example.test/", nil))
	// Chunked like the other cookies.
	rec = b.post("/cart", url.Values{"item": {strings.Repeat("x", 5000)}})
	if got := setCookies(t, rec); !cmp.Equal(got, []string{"__Host-visitor", "__Host-visitor.1", "__Host-visitor.2"}) {
		t.Errorf("POST /cart of 5000 bytes set %v; want the visitor cookie in two chunks", got)
	}
	if got := b.me(); len(got.Cart) != 2 {
		t.Errorf("chunked cart = %d items; want 2", len(got.Cart))
	}
}

// TestVisitorDataSliding: the cookie is re-written only when more than half
// of VisitorIdle has passed since it was written, never past
// VisitorLifetime, and goes after VisitorIdle without a request.
func TestVisitorDataSliding(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a := newApp(t, config{VisitorIdle: time.Hour, VisitorLifetime: 2 * time.Hour})
		b := newBrowser(t, a.h)
		b.post("/cart", url.Values{"item": {"book"}})
		for _, step := range []struct {
			name  string
			sleep time.Duration
			want  []string
		}{
			{"less than half used", 20 * time.Minute, nil},
			{"more than half used: re-sealed", 15 * time.Minute, []string{"__Host-visitor"}},
			{"again", 35 * time.Minute, []string{"__Host-visitor"}},
			{"capped by the lifetime", 35 * time.Minute, []string{"__Host-visitor"}},
		} {
			time.Sleep(step.sleep)
			rec := b.get("/me")
			if got := setCookies(t, rec); !cmp.Equal(got, step.want) {
				t.Errorf("%s: set %v; want %v", step.name, got, step.want)
			}
			if got := b.me(); !cmp.Equal(got.Cart, []string{"book"}) {
				t.Errorf("%s: cart %v; want [book]", step.name, got.Cart)
			}
		}
		if c := b.cookies["__Host-visitor"]; c.MaxAge > int((15*time.Minute)/time.Second) {
			t.Errorf("near the absolute end: Max-Age %d; want at most the 15 minutes left", c.MaxAge)
		}
		time.Sleep(15*time.Minute + 30*time.Second) // past the absolute end, within the leeway
		if rec := b.get("/me"); len(setCookies(t, rec)) != 0 || !strings.Contains(rec.Body.String(), "book") {
			t.Errorf("within the leeway after the absolute end: set %v, body %q; want the cart, and no refresh past the end", setCookies(t, rec), rec.Body)
		}
		time.Sleep(90 * time.Second) // past the leeway too
		a.rejected = nil
		if got := b.me(); got.Cart != nil {
			t.Errorf("after VisitorLifetime: cart %v; want none", got.Cart)
		}
		// A new cart after the end starts afresh.
		b.post("/cart", url.Values{"item": {"pen"}})
		if got := b.me(); !cmp.Equal(got.Cart, []string{"pen"}) {
			t.Errorf("a new cart: %v; want [pen]", got.Cart)
		}
	})
}

// TestVisitorDataKeyRotation: data sealed under an older key is re-sealed
// under the primary one by the next request that reads it.
func TestVisitorDataKeyRotation(t *testing.T) {
	a := newApp(t, config{})
	b := newBrowser(t, a.h)
	b.post("/cart", url.Values{"item": {"book"}})
	old := b.cookies["__Host-visitor"].Value
	now := time.Now()
	ring := a.ring.Current()
	keys := append(ring.Keys(), keyring.GenerateKey(now.Add(-time.Minute), now.Add(-time.Minute)))
	next, err := keyring.New(keys, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	a.ring.Store(next)
	rec := b.get("/me")
	if got := setCookies(t, rec); !cmp.Equal(got, []string{"__Host-visitor"}) {
		t.Fatalf("after a rotation /me set %v; want the visitor cookie re-sealed", got)
	}
	if b.cookies["__Host-visitor"].Value == old {
		t.Error("the visitor cookie did not change")
	}
	if got := b.me(); !cmp.Equal(got.Cart, []string{"book"}) {
		t.Errorf("after re-sealing: cart %v; want [book]", got.Cart)
	}
	if rec := b.get("/me"); len(setCookies(t, rec)) != 0 {
		t.Errorf("re-sealed again: %v", setCookies(t, rec))
	}
}

// TestChangeAfterHeader: a change made after the response header went out
// is an error the handler sees, never a silent loss.
func TestChangeAfterHeader(t *testing.T) {
	a := newApp(t, config{})
	var errs []error
	h := a.s.Load(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("body first"))
		errs = append(errs,
			a.s.SetData(r, Visit{Theme: "dark"}),
			a.s.AddFlash(r, middleware.Flash{Text: "late"}),
			a.s.Login(w, r, alice, remember.SessionOnly),
			a.s.Update(w, r, alice),
			a.s.Reauthenticate(w, r),
			a.s.Logout(w, r),
			a.s.SetOnce(w, r, "state", "x"),
		)
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "https://example.test/", nil))
	for i, err := range errs {
		if !errors.Is(err, middleware.ErrHeaderWritten) {
			t.Errorf("call %d after the header: %v; want ErrHeaderWritten", i, err)
		}
	}
	if got := setCookies(t, rec); len(got) != 0 {
		t.Errorf("set %v; want nothing", got)
	}
	// Without Load there is no response writer to write them.
	req := httptest.NewRequest("GET", "https://example.test/", nil)
	if err := a.s.SetData(req, Visit{Theme: "dark"}); !errors.Is(err, middleware.ErrNotLoaded) {
		t.Errorf("SetData without Load: %v; want ErrNotLoaded", err)
	}
	if err := a.s.AddFlash(req, middleware.Flash{Text: "x"}); !errors.Is(err, middleware.ErrNotLoaded) {
		t.Errorf("AddFlash without Load: %v; want ErrNotLoaded", err)
	}
}

// TestResponseController: through a real server and a cookie jar, the
// wrapper keeps http.ResponseController's Flush, deadlines and Hijack
// working, and a flush writes the changed visitor data first.
func TestResponseController(t *testing.T) {
	a := newApp(t, config{})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /stream", func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		if err := rc.SetWriteDeadline(time.Now().Add(time.Minute)); err != nil {
			t.Errorf("SetWriteDeadline: %v", err)
		}
		if err := rc.SetReadDeadline(time.Now().Add(time.Minute)); err != nil {
			t.Errorf("SetReadDeadline: %v", err)
		}
		if err := a.s.SetData(r, Visit{Theme: "dark"}); err != nil {
			t.Errorf("SetData: %v", err)
		}
		if err := rc.Flush(); err != nil {
			t.Errorf("Flush: %v", err)
		}
		if err := a.s.SetData(r, Visit{Theme: "light"}); !errors.Is(err, middleware.ErrHeaderWritten) {
			t.Errorf("SetData after Flush: %v; want ErrHeaderWritten", err)
		}
		w.(http.Flusher).Flush()
		w.Write([]byte("streamed"))
	})
	mux.HandleFunc("GET /theme", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(a.s.Data(r).Theme))
	})
	mux.HandleFunc("GET /hijack", func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Errorf("Hijack: %v", err)
			return
		}
		defer conn.Close()
		// The connection is the handler's: no header of Load's goes out.
		if err := a.s.SetData(r, Visit{Theme: "light"}); !errors.Is(err, middleware.ErrHeaderWritten) {
			t.Errorf("SetData after Hijack: %v; want ErrHeaderWritten", err)
		}
		buf.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 8\r\nConnection: close\r\n\r\nhijacked")
		buf.Flush()
	})
	// WebSocket libraries that predate http.ResponseController (gorilla's
	// Upgrade) assert http.Hijacker on the writer itself.
	mux.HandleFunc("GET /hijacker", func(w http.ResponseWriter, r *http.Request) {
		hj, ok := w.(http.Hijacker)
		if !ok {
			t.Errorf("Load's writer is no http.Hijacker")
			http.Error(w, "no hijacker", http.StatusInternalServerError)
			return
		}
		conn, buf, err := hj.Hijack()
		if err != nil {
			t.Errorf("Hijack: %v", err)
			return
		}
		defer conn.Close()
		buf.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 8\r\nConnection: close\r\n\r\nhijacked")
		buf.Flush()
	})
	srv := httptest.NewTLSServer(a.s.Load(mux))
	defer srv.Close()
	client := srv.Client()
	client.Jar = newJar(t)
	for _, tt := range []struct{ path, want string }{
		{"/stream", "streamed"},
		{"/theme", "dark"},
		{"/hijack", "hijacked"},
		{"/hijacker", "hijacked"},
	} {
		resp, err := client.Get(srv.URL + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		body := make([]byte, 64)
		n, _ := resp.Body.Read(body)
		resp.Body.Close()
		if got := string(body[:n]); got != tt.want {
			t.Errorf("GET %s = %q; want %q", tt.path, got, tt.want)
		}
	}
}

// TestRememberMeTruth: the State says whether "remember me" is on for
// this browser, for authenticated visitors too (issue 10).
func TestRememberMeTruth(t *testing.T) {
	a := newApp(t, config{})
	with, without := newBrowser(t, a.h), newBrowser(t, a.h)
	with.post("/login", url.Values{"password": {"wonderland"}, "remember": {"on"}})
	without.post("/login", url.Values{"password": {"wonderland"}})
	if got := with.me(); got.Level != "authenticated" || !got.Remembered {
		t.Errorf("after login with remember me: %+v; want authenticated, remembered", got)
	}
	if got := without.me(); got.Level != "authenticated" || got.Remembered {
		t.Errorf("after login without remember me: %+v; want authenticated, not remembered", got)
	}
	with.restart()
	if got := with.me(); got.Level != "remembered" || !got.Remembered {
		t.Errorf("after a restart: %+v; want remembered", got)
	}
}

// TestUpdate: a profile edit changes the name the next pages show, keeps
// remember me and its expiry, does not make the visitor fresh, and says
// "Profile saved" once on the next page.
func TestUpdate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a := newApp(t, config{})
		b := newBrowser(t, a.h)
		b.post("/login", url.Values{"password": {"wonderland"}, "remember": {"on"}})
		remBefore := b.cookies["__Host-remember"]
		time.Sleep(20 * time.Minute) // the fixed 15-minute window is over
		b.get("/")
		expect(t, "profile", b.post("/account/profile", url.Values{"name": {"Alicia"}}), http.StatusSeeOther, "/account")
		got := b.me()
		if got.Name != "Alicia" || !got.Remembered || len(got.Flashes) != 1 || got.Flashes[0].Text != "Profile saved" {
			t.Errorf("after the update /me = %+v; want Alicia, remembered, the flash", got)
		}
		if got := b.me(); len(got.Flashes) != 0 {
			t.Errorf("the flash shown twice: %+v", got.Flashes)
		}
		if _, ok := b.cookies["__Host-flash"]; ok {
			t.Error("the flash cookie outlived its flash")
		}
		rem := b.cookies["__Host-remember"]
		if rem.Value == remBefore.Value || rem.MaxAge > remBefore.MaxAge || rem.MaxAge < remBefore.MaxAge-int((21*time.Minute)/time.Second) {
			t.Errorf("remember cookie Max-Age %d (before %d); want re-sealed with the same expiry", rem.MaxAge, remBefore.MaxAge)
		}
		expect(t, "not fresh", b.get("/account/password"), http.StatusSeeOther, "/reauth?return_to=%2Faccount%2Fpassword")
		b.restart()
		if got := b.me(); got.Name != "Alicia" || got.Level != "remembered" {
			t.Errorf("after a restart /me = %+v; want Alicia remembered", got)
		}
	})
}

// TestFlash: a flash survives one redirect and a redirect through login,
// is shown once, and there is no flash cookie when there are none.
func TestFlash(t *testing.T) {
	a := newApp(t, config{})
	b := newBrowser(t, a.h)
	if rec := b.get("/me"); len(setCookies(t, rec)) != 0 {
		t.Errorf("no flash: set %v", setCookies(t, rec))
	}
	expect(t, "flash then a guarded page", b.post("/flash", url.Values{"text": {"hello"}, "to": {"/account"}}), http.StatusSeeOther, "/account")
	expect(t, "to log in", b.get("/account"), http.StatusSeeOther, "/login?return_to=%2Faccount")
	expect(t, "log in", b.post("/login", url.Values{"password": {"wonderland"}, "return_to": {"/account"}}), http.StatusSeeOther, "/account")
	b.post("/flash", url.Values{"text": {"again"}, "to": {"/"}})
	c := b.cookies["__Host-flash"]
	if c == nil || c.MaxAge != 0 || !c.Expires.IsZero() {
		t.Errorf("flash cookie %+v; want a browser-session cookie", c)
	}
	want := []middleware.Flash{{Kind: "info", Text: "hello"}, {Kind: "info", Text: "again"}}
	if got := b.me(); !cmp.Equal(got.Flashes, want) {
		t.Errorf("flashes %+v; want %+v", got.Flashes, want)
	}
	if got := b.me(); got.Flashes != nil {
		t.Errorf("flashes shown twice: %+v", got.Flashes)
	}
}

// TestOnce: a one-shot value is taken once; a second take, another name,
// an expired or a forged cookie give nothing. A copy replayed within the
// expiry opens again: statelessness cannot prevent it (documented).
func TestOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a := newApp(t, config{})
		var got []string
		h := a.s.Load(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch r.URL.Path {
			case "/set":
				if err := a.s.SetOnce(w, r, r.FormValue("name"), "s3cr3t"); err != nil {
					http.Error(w, err.Error(), http.StatusBadRequest)
				}
			case "/take":
				v, ok := a.s.TakeOnce(w, r, r.FormValue("name"))
				got = append(got, v+"/"+map[bool]string{true: "ok", false: "no"}[ok])
			}
		}))
		b := newBrowser(t, h)
		if rec := b.get("/set?name=bad.name"); rec.Code != http.StatusBadRequest {
			t.Errorf("SetOnce(bad.name) = %d; want 400", rec.Code)
		}
		b.get("/set?name=oauth")
		c := b.cookies["__Host-once-oauth"]
		if c == nil || c.MaxAge != 0 || !c.HttpOnly || !c.Secure {
			t.Fatalf("one-shot cookie %+v; want a Secure HttpOnly browser-session cookie", c)
		}
		copied := *c
		b.get("/take?name=oauth")
		b.get("/take?name=oauth")
		// Under another name: the cookie moved to another name does not open.
		b.cookies["__Host-once-pkce"] = &http.Cookie{Name: "__Host-once-pkce", Value: copied.Value}
		b.get("/take?name=pkce")
		// A replayed copy within its expiry opens again.
		b.cookies["__Host-once-oauth"] = &copied
		b.get("/take?name=oauth")
		// After its expiry it does not.
		b.cookies["__Host-once-oauth"] = &copied
		time.Sleep(middleware.DefaultOnceLifetime + 2*time.Minute)
		b.get("/take?name=oauth")
		want := []string{"s3cr3t/ok", "/no", "/no", "s3cr3t/ok", "/no"}
		if !cmp.Equal(got, want) {
			t.Errorf("takes %q; want %q", got, want)
		}
		if len(b.cookies) != 0 {
			t.Errorf("cookies left: %v", b.cookies)
		}
	})
}

// TestApp: two applications sharing one keyring never accept each other's
// tokens; unset, the purposes are the plain ones that today's tokens use.
func TestApp(t *testing.T) {
	shop := newApp(t, config{App: "shop"})
	blog, err := middleware.New(shop.ring, config{App: "blog"})
	if err != nil {
		t.Fatal(err)
	}
	plain, err := middleware.New(shop.ring, config{})
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, shop.h)
	b.post("/login", url.Values{"password": {"wonderland"}, "remember": {"on"}})
	b.post("/cart", url.Values{"item": {"book"}})
	if got := b.me(); got.Level != "authenticated" || len(got.Cart) != 1 {
		t.Fatalf("shop: %+v", got)
	}
	for name, s := range map[string]*middleware.Sessions[User, Visit]{"blog": blog, "no app": plain} {
		req := httptest.NewRequest("GET", "https://example.test/", nil)
		for _, c := range b.cookies {
			req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
		}
		var level remember.Level
		var cart []string
		s.Load(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			level, cart = s.State(r).Level, s.Data(r).Cart
		})).ServeHTTP(httptest.NewRecorder(), req)
		if level != remember.Anonymous || cart != nil {
			t.Errorf("%s opened the shop's cookies: %v, cart %v", name, level, cart)
		}
	}
	// Unset, the purpose is "auth": a token sealed for it opens.
	now := time.Now()
	c, _ := token.New[User](shop.ring, token.Config{Purpose: "auth"})
	tok, _ := c.Seal(token.Params{IssuedAt: now, Expiry: now.Add(time.Minute), AuthTime: now}, alice)
	req := httptest.NewRequest("GET", "https://example.test/", nil)
	req.AddCookie(&http.Cookie{Name: "__Host-auth", Value: tok})
	if st := plain.State(req); st.Level != remember.Authenticated {
		t.Errorf("an un-namespaced auth token: %v; want authenticated", st.Level)
	}
	if got := remember.AppPurpose("shop", "auth"); got != "shop.auth" {
		t.Errorf("AppPurpose = %q", got)
	}
}

// newJar returns a cookie jar as a browser keeps one.
func newJar(t testing.TB) http.CookieJar {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return jar
}

// VisitV2 is Visit in the next version of the application: it gained a
// field.
type VisitV2 struct {
	Cart   []string `json:"cart,omitempty"`
	Theme  string   `json:"theme,omitempty"`
	Coupon string   `json:"coupon,omitempty"`
}

// TestVisitorDataRollingDeploy: visitor data written by one version opens
// on the other, in both directions, during a rolling deploy.
func TestVisitorDataRollingDeploy(t *testing.T) {
	v1 := newApp(t, config{})
	v2, err := middleware.New(v1.ring, middleware.Config[User, VisitV2]{})
	if err != nil {
		t.Fatal(err)
	}
	roundTrip := func(h http.Handler, cookies []*http.Cookie) []*http.Cookie {
		req := httptest.NewRequest("GET", "https://example.test/", nil)
		for _, c := range cookies {
			req.AddCookie(c)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Result().Cookies()
	}
	// V2 writes, V1 reads (Coupon ignored) and writes, V2 reads again.
	fromV2 := roundTrip(v2.Load(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := v2.SetData(r, VisitV2{Cart: []string{"book"}, Coupon: "XMAS"}); err != nil {
			t.Error(err)
		}
	})), nil)
	fromV1 := roundTrip(v1.s.Load(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := v1.s.Data(r)
		if !cmp.Equal(v.Cart, []string{"book"}) {
			t.Errorf("V1 read %+v; want the cart V2 wrote", v)
		}
		v.Theme = "dark"
		if err := v1.s.SetData(r, v); err != nil {
			t.Error(err)
		}
	})), fromV2)
	roundTrip(v2.Load(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if v := v2.Data(r); !cmp.Equal(v, VisitV2{Cart: []string{"book"}, Theme: "dark"}) {
			t.Errorf("V2 read %+v; want the cart and V1's theme", v)
		}
	})), fromV1)
}

// TestFlashSurvivesLogout: a flash added before logout is shown after it
// ("You are logged out" on the next page).
func TestFlashSurvivesLogout(t *testing.T) {
	a := newApp(t, config{})
	b := newBrowser(t, a.h)
	b.post("/login", url.Values{"password": {"wonderland"}})
	b.post("/flash", url.Values{"text": {"bye"}, "to": {"/"}})
	b.post("/logout", nil)
	if got := b.me(); got.Level != "anonymous" || len(got.Flashes) != 1 || got.Flashes[0].Text != "bye" {
		t.Errorf("after logout /me = %+v; want anonymous and the flash", got)
	}
}
