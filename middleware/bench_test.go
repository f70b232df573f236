package middleware_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/sessionless/sessionless/token"
)

// BenchmarkLoad is issue 3's figure: Load on a request with a valid auth
// cookie and no renewal due, against one token open (BenchmarkOpen).
func BenchmarkLoad(b *testing.B) {
	a := newApp(b, config{})
	now := time.Now()
	c, _ := token.New[User](a.ring, token.Config{Purpose: "auth"})
	tok, _ := c.Seal(token.Params{IssuedAt: now, Expiry: now.Add(30 * time.Minute), AuthTime: now}, alice)
	var seen bool
	h := a.s.Load(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = a.s.State(r).Authenticated()
	}))
	req := httptest.NewRequest("GET", "/", nil)
	req.AddCookie(&http.Cookie{Name: "__Host-auth", Value: tok})
	w := &nopWriter{h: http.Header{}}
	b.Run("load", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			clear(w.h)
			h.ServeHTTP(w, req)
			if !seen || w.h.Get("Set-Cookie") != "" {
				b.Fatal("not authenticated, or a cookie was set")
			}
		}
	})
	b.Run("open", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.Open(tok, now); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// nopWriter is a ResponseWriter that keeps only the header.
type nopWriter struct{ h http.Header }

func (w *nopWriter) Header() http.Header         { return w.h }
func (w *nopWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *nopWriter) WriteHeader(int)             {}

// BenchmarkVisitor is issue 10's figures: a request that reads the
// identity and the visitor data (two token opens, against BenchmarkLoad's
// one), and one that changes the visitor data (one seal more).
func BenchmarkVisitor(b *testing.B) {
	a := newApp(b, config{})
	now := time.Now()
	c, _ := token.New[User](a.ring, token.Config{Purpose: "auth"})
	tok, _ := c.Seal(token.Params{IssuedAt: now, Expiry: now.Add(30 * time.Minute), AuthTime: now}, alice)
	cart := Visit{Cart: []string{"book", "pen", "lamp"}, Theme: "dark"}
	var visitor string
	set := a.s.Load(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := a.s.SetData(r, cart); err != nil {
			b.Fatal(err)
		}
	}))
	rec := httptest.NewRecorder()
	set.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	for _, ck := range rec.Result().Cookies() {
		visitor = ck.Value
	}
	var seen bool
	read := a.s.Load(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = a.s.State(r).Authenticated() && len(a.s.Data(r).Cart) == 3
	}))
	req := httptest.NewRequest("GET", "/", nil)
	req.AddCookie(&http.Cookie{Name: "__Host-auth", Value: tok})
	req.AddCookie(&http.Cookie{Name: "__Host-visitor", Value: visitor})
	w := &nopWriter{h: http.Header{}}
	b.Run("read", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			clear(w.h)
			read.ServeHTTP(w, req)
			if !seen || w.h.Get("Set-Cookie") != "" {
				b.Fatal("not read, or a cookie was set")
			}
		}
	})
	b.Run("write", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			clear(w.h)
			set.ServeHTTP(w, req)
			if w.h.Get("Set-Cookie") == "" {
				b.Fatal("no cookie set")
			}
		}
	})
}
