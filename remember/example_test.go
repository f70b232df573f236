package remember_test

import (
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/sessionless/sessionless/keyring"
	"github.com/sessionless/sessionless/remember"
)

// A fixed keyring for the examples. A real one comes from a file
// (keyring.LoadFile, keyring.Watch) or keyring.FromEnv; never commit keys.
const exampleKeyring = `{
  "version": 1,
  "keys": [
    {"id": "k2026a", "secret": "3q2-7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE", "created": "2026-01-01T00:00:00Z", "activates": "2026-01-01T01:00:00Z"}
  ]
}`

// Session is what an application keeps in its tokens: a user id and what
// it shows on every page.
type Session struct {
	UserID int64  `json:"uid"`
	Name   string `json:"name"`
}

func exampleManager() *remember.Manager[Session] {
	return exampleManagerAt(func() time.Time { return time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC) })
}

// exampleManagerAt returns a manager on the clock now: the examples run at
// a fixed time, so that their output does not change. Real code leaves
// Config.Clock nil (time.Now).
func exampleManagerAt(now func() time.Time) *remember.Manager[Session] {
	ring, err := keyring.Parse([]byte(exampleKeyring))
	if err != nil {
		log.Fatal(err)
	}
	m, err := remember.New(ring, remember.Config[Session]{Clock: now})
	if err != nil {
		log.Fatal(err)
	}
	return m
}

// withCookies returns a request carrying the cookies a response set,
// persistent ones only if sessionToo is false: what a browser sends back
// (after a restart, without its browser-session cookies).
func withCookies(w *httptest.ResponseRecorder, sessionToo bool) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "https://example.com/", nil)
	for _, c := range w.Result().Cookies() {
		if c.MaxAge > 0 || sessionToo {
			r.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
		}
	}
	return r
}

// Login after the password was checked, with "remember me" ticked.
func ExampleManager_Login() {
	m := exampleManager()

	w := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodPost, "https://example.com/login", nil)
	st, err := m.Login(w, r, Session{UserID: 42, Name: "Alice"}, remember.RememberMe)
	if err != nil {
		log.Fatal(err) // the payload is too large for the cookies, or no key is active
	}
	fmt.Println(st.Level, st.Data.Name, "idle timeout", st.Auth.Expiry.Sub(st.Auth.AuthTime))
	for _, c := range w.Result().Cookies() {
		fmt.Printf("%s Max-Age=%d Secure=%v HttpOnly=%v SameSite=%v\n", c.Name, c.MaxAge, c.Secure, c.HttpOnly, c.SameSite == http.SameSiteLaxMode)
	}
	fmt.Println("Cache-Control:", w.Header().Get("Cache-Control"))
	// Output:
	// authenticated Alice idle timeout 30m0s
	// __Host-auth Max-Age=0 Secure=true HttpOnly=true SameSite=true
	// __Host-remember Max-Age=2592000 Secure=true HttpOnly=true SameSite=true
	// Cache-Control: no-store
}

// Load tells an authenticated visitor from one the remember token only
// recognises, such as the same visitor after closing the browser.
func ExampleManager_Load() {
	m := exampleManager()
	login := httptest.NewRecorder()
	if _, err := m.Login(login, httptest.NewRequest(http.MethodPost, "https://example.com/login", nil), Session{UserID: 42, Name: "Alice"}, remember.RememberMe); err != nil {
		log.Fatal(err)
	}

	st := m.Load(httptest.NewRecorder(), withCookies(login, true))
	fmt.Println("same browser:", st.Level, st.Data.Name)

	// The browser restarts: the auth cookie (a browser-session cookie) is
	// gone, the remember cookie stays.
	st = m.Load(httptest.NewRecorder(), withCookies(login, false))
	fmt.Println("after a restart:", st.Level, st.Data.Name, "authenticated:", st.Authenticated())

	st = m.Load(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "https://example.com/", nil))
	fmt.Println("another browser:", st.Level)
	// Output:
	// same browser: authenticated Alice
	// after a restart: remembered Alice authenticated: false
	// another browser: anonymous
}

// Fresh guards the most sensitive routes: a fixed window from the password
// entry, or a sliding one that each sensitive request extends.
func ExampleManager_Fresh() {
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	var elapsed time.Duration
	m := exampleManagerAt(func() time.Time { return now.Add(elapsed) })
	login := httptest.NewRecorder()
	if _, err := m.Login(login, httptest.NewRequest(http.MethodPost, "https://example.com/login", nil), Session{UserID: 42, Name: "Alice"}, remember.SessionOnly); err != nil {
		log.Fatal(err)
	}
	at := func(d time.Duration) (*httptest.ResponseRecorder, *http.Request, *remember.State[Session]) {
		elapsed = d
		w, r := httptest.NewRecorder(), withCookies(login, true)
		st := m.Load(w, r)
		return w, r, &st
	}

	w, r, st := at(5 * time.Minute)
	fmt.Println("5 min after the password, fixed 15 min:", m.Fresh(w, r, st, remember.Fixed(15*time.Minute)))
	w, r, st = at(20 * time.Minute)
	fmt.Println("20 min after the password, fixed 15 min:", m.Fresh(w, r, st, remember.Fixed(15*time.Minute)))

	// Sliding: within the window of the password, Fresh is true and starts
	// a window of its own in the fresh cookie.
	w, r, st = at(10 * time.Minute)
	fmt.Println("10 min, sliding 15 min:", m.Fresh(w, r, st, remember.Sliding(15*time.Minute)))
	fmt.Println("writes", w.Result().Cookies()[0].Name)
	// Output:
	// 5 min after the password, fixed 15 min: true
	// 20 min after the password, fixed 15 min: false
	// 10 min, sliding 15 min: true
	// writes __Host-fresh
}

// Update changes the payload after a profile edit: the State shows it at
// once, the next request too, and remember me and every time are kept.
func ExampleManager_Update() {
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	var elapsed time.Duration
	m := exampleManagerAt(func() time.Time { return now.Add(elapsed) })
	login := httptest.NewRecorder()
	if _, err := m.Login(login, httptest.NewRequest(http.MethodPost, "https://example.com/login", nil), Session{UserID: 42, Name: "Alice"}, remember.RememberMe); err != nil {
		log.Fatal(err)
	}
	elapsed = 10 * time.Minute
	w, r := httptest.NewRecorder(), withCookies(login, true)
	st := m.Load(w, r)
	if err := m.Update(w, r, &st, Session{UserID: 42, Name: "Alicia"}); err != nil {
		log.Fatal(err) // too large, or no key is active: nothing was written
	}
	fmt.Println("this request:", st.Data.Name, "password entered", now.Add(elapsed).Sub(st.Auth.AuthTime), "ago")
	next := m.Load(httptest.NewRecorder(), withCookies(w, true))
	fmt.Println("next request:", next.Data.Name, "remember me:", next.RememberMe())
	// Output:
	// this request: Alicia password entered 10m0s ago
	// next request: Alicia remember me: true
}
