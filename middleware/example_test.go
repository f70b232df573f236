package middleware_test

import (
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
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
