package bench

import (
	"context"
	"errors"
	"html"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/alexedwards/scs/v2"
	"github.com/alexedwards/scs/v2/memstore"
	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
)

// BenchmarkRequest is what a session costs at the handler, per request:
// Request/<impl>/<size>/<visitors>. Every impl serves the same
// authenticated page, which reads the visitor's id and name from the
// session; bare is that page with the visitor handed to it for free, so
// what an impl adds over bare is its session's cost. Visitors "one" sends
// the same visitor's cookies with every request; "many" sends those of
// manyVisitors visitors in turn. Each iteration serves a fresh request
// (a copy of the visitor's, made before the timer) into a fresh recorder:
// gorilla/sessions caches the session it decoded in the request.
func BenchmarkRequest(b *testing.B) {
	f := newFixture(b)
	for _, im := range servers {
		for _, sz := range sizes {
			for _, vk := range visitorKinds {
				b.Run(im.name+"/"+sz.name+"/"+vk.name, func(b *testing.B) {
					srv := im.new(b, f)
					reqs, err := loginAll(srv, sz.bytes, vk.n)
					if errors.Is(err, errTooLarge) {
						b.Skipf("%s cannot keep a %s session in a cookie: %v", im.name, sz.name, err)
					}
					if err != nil {
						b.Fatal(err)
					}
					b.ReportAllocs()
					i := 0
					for b.Loop() {
						// Every impl pays the same two checks: the page
						// was served, and no cookie was re-issued.
						w := serve(srv.handler, reqs[i])
						if w.Code != http.StatusOK || w.Header()["Set-Cookie"] != nil {
							b.Fatalf("status %d, Set-Cookie %q", w.Code, w.Header()["Set-Cookie"])
						}
						if i++; i == len(reqs) {
							i = 0
						}
					}
				})
			}
		}
	}
}

// visitorKinds are the <visitors> of BenchmarkRequest.
var visitorKinds = []struct {
	name string
	n    int
}{{"one", 1}, {"many", manyVisitors}}

const manyVisitors = 4096

// server is one impl of BenchmarkRequest, made for one benchmark.
type server struct {
	// handler serves the page: 200 with the visitor's id and name to an
	// authenticated visitor, 401 to anybody else.
	handler http.Handler
	// login logs v in as the impl's login handler would and returns the
	// Cookie header the browser then sends, or an error wrapping
	// errTooLarge if the impl cannot keep v's session in a cookie.
	login func(v *Visitor) (string, error)
}

// errTooLarge is the error of a login whose session does not fit in a cookie.
var errTooLarge = errors.New("session too large for a cookie")

// servers are the impls of BenchmarkRequest, in the order they are run.
var servers = []struct {
	name string
	new  func(testing.TB, *fixture) server
}{
	{"bare", newBare},
	{"sessionless", newSessionlessServer},
	{"scs", newSCS},
	{"gorilla", newGorilla},
}

// visitorKey is the context key under which every request carries its
// visitor, for bare, which is handed it instead of reading a session.
type visitorKey struct{}

// loginAll logs in n visitors of the given JSON size and returns, for each,
// the request a browser then sends for the page.
func loginAll(srv server, bytes, n int) ([]*http.Request, error) {
	reqs := make([]*http.Request, n)
	for i := range reqs {
		v := newVisitor(i, bytes)
		hdr, err := srv.login(&v)
		if err != nil {
			return nil, err
		}
		ctx := context.WithValue(context.Background(), visitorKey{}, &v)
		r := httptest.NewRequestWithContext(ctx, http.MethodGet, "https://example.com/account", nil)
		if hdr != "" {
			r.Header.Set("Cookie", hdr)
		}
		reqs[i] = r
	}
	return reqs, nil
}

// serve serves a copy of r, so that nothing a handler does to its request
// reaches the next iteration.
func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	rc := new(http.Request)
	*rc = *r
	w := httptest.NewRecorder()
	h.ServeHTTP(w, rc)
	return w
}

// page writes the account page of the visitor with this id and name: the
// same bytes for every impl.
func page(w http.ResponseWriter, id int64, name string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	var buf [256]byte
	b := append(buf[:0], "<!doctype html><title>Account</title><p>Signed in as "...)
	b = append(b, html.EscapeString(name)...)
	b = append(b, " (#"...)
	b = strconv.AppendInt(b, id, 10)
	b = append(b, ").</p>\n"...)
	w.Write(b)
}

// cookieHeader is the Cookie header a browser sends back after receiving
// the Set-Cookie headers of a response.
func cookieHeader(resp *http.Response) string {
	var parts []string
	for _, c := range resp.Cookies() {
		if c.MaxAge >= 0 && c.Value != "" {
			parts = append(parts, c.Name+"="+c.Value)
		}
	}
	return strings.Join(parts, "; ")
}

// newBare serves the page without any session: the visitor is in the
// request's context, put there before the timer.
func newBare(testing.TB, *fixture) server {
	return server{
		handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			v, _ := r.Context().Value(visitorKey{}).(*Visitor)
			if v == nil {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			page(w, v.ID, v.Name)
		}),
		login: func(*Visitor) (string, error) { return "", nil },
	}
}

// newSCS is alexedwards/scs v2 as its README sets it up: scs.New() with
// its in-memory store, the session put in the request context by
// LoadAndSave, the visitor stored under one key (gob, scs's codec). The
// store's cleanup goroutine (once a minute) is left running: in v2.9.0
// StopCleanup races with its start.
func newSCS(testing.TB, *fixture) server {
	sm := scs.New()
	sm.Store = memstore.New()
	const key = "user"
	login := sm.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := r.Context().Value(visitorKey{}).(*Visitor)
		if err := sm.RenewToken(r.Context()); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		sm.Put(r.Context(), key, *v)
	}))
	return server{
		handler: sm.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			v, ok := sm.Get(r.Context(), key).(Visitor)
			if !ok {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			page(w, v.ID, v.Name)
		})),
		login: func(v *Visitor) (string, error) { return loginWith(login, v) },
	}
}

// newGorilla is gorilla/sessions' CookieStore with a 32-byte HMAC key and
// a 32-byte AES key, the visitor stored under one key (gob, its default).
// Like any cookie store without chunking it cannot keep a session whose
// encoded cookie exceeds 4096 bytes (securecookie's MaxLength, and what
// browsers keep); its login then fails with errTooLarge.
func newGorilla(testing.TB, *fixture) server {
	store := sessions.NewCookieStore(securecookie.GenerateRandomKey(32), securecookie.GenerateRandomKey(32))
	const name, key = "session", "user"
	login := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := r.Context().Value(visitorKey{}).(*Visitor)
		s, _ := store.Get(r, name) // a new session if the cookie is bad
		s.Values[key] = *v
		if err := s.Save(r, w); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
	return server{
		handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s, err := store.Get(r, name)
			v, ok := s.Values[key].(Visitor)
			if err != nil || s.IsNew || !ok {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			page(w, v.ID, v.Name)
		}),
		login: func(v *Visitor) (string, error) { return loginWith(login, v) },
	}
}

// loginWith serves a login request for v with h and returns the Cookie
// header of the answer.
func loginWith(h http.Handler, v *Visitor) (string, error) {
	ctx := context.WithValue(context.Background(), visitorKey{}, v)
	r := httptest.NewRequestWithContext(ctx, http.MethodPost, "https://example.com/login", nil)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		body := strings.TrimSpace(w.Body.String())
		if strings.Contains(body, "too long") {
			return "", errors.Join(errTooLarge, errors.New(body))
		}
		return "", errors.New("login: " + strconv.Itoa(w.Code) + " " + body)
	}
	return cookieHeader(w.Result()), nil
}
