package middleware_test

import (
	"crypto/rand"
	"crypto/subtle"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/sessionless/sessionless/keyring"
	"github.com/sessionless/sessionless/middleware"
)

// Example wires a site: sessions loaded on every request, a sensitive
// route, login and logout, all behind the standard library's
// CrossOriginProtection.
func Example() {
	now := time.Now()
	ring, err := keyring.New([]keyring.Key{keyring.GenerateKey(now, now)}, time.Time{}) // use keyring.Watch in production
	if err != nil {
		log.Fatal(err)
	}
	type User struct{ Name string }
	sessions, err := middleware.New(ring, middleware.Config[User, struct{}]{})
	if err != nil {
		log.Fatal(err)
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		st := sessions.State(r)
		fmt.Fprintf(w, "hello %s (%s)", st.Data.Name, st.Level)
	})
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		// Check r.FormValue("password") here.
		if err := sessions.Login(w, r, User{Name: "Alice"}, r.FormValue("remember") == "on"); err != nil {
			http.Error(w, "cannot log in", http.StatusInternalServerError)
			return
		}
		http.Redirect(w, r, middleware.SafeReturnTo(r.FormValue("return_to")), http.StatusSeeOther)
	})
	mux.HandleFunc("POST /logout", func(w http.ResponseWriter, r *http.Request) {
		if err := sessions.Logout(w, r); err != nil {
			http.Error(w, "cannot log out", http.StatusInternalServerError)
			return
		}
		http.Redirect(w, r, "/", http.StatusSeeOther)
	})
	mux.Handle("GET /account", sessions.RequireAuthenticated(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "the account of %s", sessions.State(r).Data.Name)
	})))
	handler := http.NewCrossOriginProtection().Handler(sessions.Load(mux))

	// A visit: the account page sends an anonymous browser to log in...
	req := httptest.NewRequest("GET", "/account", nil)
	req.Header.Set("Accept", "text/html")
	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, req)
	fmt.Println(rec.Code, rec.Header().Get("Location"))

	// ...which logs in and comes back.
	req = httptest.NewRequest("POST", "/login", strings.NewReader(url.Values{"return_to": {"/account"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec = httptest.NewRecorder()
	handler.ServeHTTP(rec, req)
	fmt.Println(rec.Code, rec.Header().Get("Location"))

	req = httptest.NewRequest("GET", "/account", nil)
	for _, c := range rec.Result().Cookies() {
		req.AddCookie(c)
	}
	rec = httptest.NewRecorder()
	handler.ServeHTTP(rec, req)
	fmt.Println(rec.Code, rec.Body)

	// A cross-site form posting to /logout is refused.
	req = httptest.NewRequest("POST", "/logout", nil)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	rec = httptest.NewRecorder()
	handler.ServeHTTP(rec, req)
	fmt.Println(rec.Code)
	// Output:
	// 303 /login?return_to=%2Faccount
	// 303 /account
	// 200 the account of Alice
	// 403
}

// Example_visitorData keeps a cart for every visitor, anonymous or not,
// and says once that an item was added.
func Example_visitorData() {
	now := time.Now()
	ring, err := keyring.New([]keyring.Key{keyring.GenerateKey(now, now)}, time.Time{})
	if err != nil {
		log.Fatal(err)
	}
	type User struct{ Name string }
	type Visit struct {
		Cart []string `json:"cart,omitempty"`
	}
	sessions, err := middleware.New(ring, middleware.Config[User, Visit]{})
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /cart", func(w http.ResponseWriter, r *http.Request) {
		v := sessions.Data(r)
		v.Cart = append(v.Cart, r.FormValue("item"))
		if err := sessions.SetData(r, v); err != nil { // too large, say
			http.Error(w, "cannot add to the cart", http.StatusInternalServerError)
			return
		}
		if err := sessions.AddFlash(r, middleware.Flash{Text: r.FormValue("item") + " added"}); err != nil {
			http.Error(w, "cannot add to the cart", http.StatusInternalServerError)
			return
		}
		http.Redirect(w, r, "/", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		for _, f := range sessions.Flashes(r) {
			fmt.Fprintf(w, "[%s] ", f.Text)
		}
		fmt.Fprintf(w, "cart: %q", sessions.Data(r).Cart)
	})
	handler := sessions.Load(mux)

	var cookies []*http.Cookie
	visit := func(method, target string) {
		req := httptest.NewRequest(method, target, nil)
		for _, c := range cookies {
			req.AddCookie(c)
		}
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		for _, c := range rec.Result().Cookies() {
			cookies = slices.DeleteFunc(cookies, func(o *http.Cookie) bool { return o.Name == c.Name })
			if c.MaxAge >= 0 {
				cookies = append(cookies, c)
			}
		}
		fmt.Printf("%s %s: %d %s(%d cookies)\n", method, target, rec.Code, rec.Body, len(cookies))
	}
	visit("GET", "/")
	visit("POST", "/cart?item=book")
	visit("GET", "/")
	visit("GET", "/")
	// Output:
	// GET /: 200 cart: [](0 cookies)
	// POST /cart?item=book: 303 (2 cookies)
	// GET /: 200 [book added] cart: ["book"](1 cookies)
	// GET /: 200 cart: ["book"](1 cookies)
}

// Example_oneShot carries an OAuth state from the redirect to the
// provider to its callback in a one-shot value, and compares it with the
// callback's in constant time: the cookie alone cannot stop a copy of it
// from being replayed within its ten minutes.
func Example_oneShot() {
	now := time.Now()
	ring, err := keyring.New([]keyring.Key{keyring.GenerateKey(now, now)}, time.Time{})
	if err != nil {
		log.Fatal(err)
	}
	type User struct{ Name string }
	sessions, err := middleware.New(ring, middleware.Config[User, struct{}]{})
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /login/provider", func(w http.ResponseWriter, r *http.Request) {
		state := rand.Text() // and a PKCE verifier, in a second value
		if err := sessions.SetOnce(w, r, "oauth-state", state); err != nil {
			http.Error(w, "cannot start the login", http.StatusInternalServerError)
			return
		}
		http.Redirect(w, r, "https://provider.example/authorize?state="+url.QueryEscape(state), http.StatusSeeOther)
	})
	mux.HandleFunc("GET /login/provider/callback", func(w http.ResponseWriter, r *http.Request) {
		want, ok := sessions.TakeOnce(w, r, "oauth-state")
		got := r.URL.Query().Get("state")
		if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
			http.Error(w, "bad state", http.StatusBadRequest)
			return
		}
		// Exchange the code (single-use at the provider), then Login.
		fmt.Fprint(w, "state checked")
	})
	handler := sessions.Load(mux)

	// start goes to the provider and returns the state and the cookies.
	start := func() (string, []*http.Cookie) {
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, httptest.NewRequest("GET", "/login/provider", nil))
		loc, _ := url.Parse(rec.Header().Get("Location"))
		return loc.Query().Get("state"), rec.Result().Cookies()
	}
	// callback comes back with state and the browser's cookies, and keeps
	// what the answer sets.
	callback := func(state string, cookies *[]*http.Cookie) {
		req := httptest.NewRequest("GET", "/login/provider/callback?state="+url.QueryEscape(state), nil)
		for _, c := range *cookies {
			req.AddCookie(c)
		}
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		for _, c := range rec.Result().Cookies() {
			*cookies = slices.DeleteFunc(*cookies, func(o *http.Cookie) bool { return o.Name == c.Name })
		}
		fmt.Println(rec.Code, strings.TrimSpace(rec.Body.String()))
	}
	state, cookies := start()
	callback(state, &cookies) // the real state
	callback(state, &cookies) // again: the cookie is gone
	_, cookies = start()
	callback("forged", &cookies)
	// Output:
	// 200 state checked
	// 400 bad state
	// 400 bad state
}
