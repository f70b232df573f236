package middleware_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// FuzzVisitorCookies sends any Cookie header through Load to a handler that
// reads the identity, the visitor data, the flashes and a one-shot value:
// whatever the header holds, the answer is 200 and the only cookies the
// response sets are deletions (nothing was changed).
func FuzzVisitorCookies(f *testing.F) {
	a := newApp(f, config{})
	b := newBrowser(f, a.h)
	b.post("/cart", url.Values{"item": {"book"}})
	b.post("/flash", url.Values{"text": {"hi"}, "to": {"/"}})
	b.post("/login", url.Values{"password": {"wonderland"}, "remember": {"on"}})
	var all []string
	for _, c := range b.cookies {
		all = append(all, c.Name+"="+c.Value)
		f.Add(c.Name + "=" + c.Value)
	}
	f.Add(strings.Join(all, "; "))
	f.Add("__Host-visitor=chunks-2; __Host-visitor.1=a; __Host-visitor.2=b")
	f.Add("__Host-flash=; __Host-once-oauth=x")
	h := a.s.Load(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = a.s.State(r).RememberMe()
		_ = a.s.Data(r)
		_ = a.s.Flashes(r)
		_, _ = a.s.TakeOnce(w, r, "oauth")
		w.WriteHeader(http.StatusOK)
	}))
	f.Fuzz(func(t *testing.T, header string) {
		a.rejected = nil
		req := httptest.NewRequest("GET", "https://example.test/", nil)
		req.Header.Set("Cookie", header)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("status %d", rec.Code)
		}
		for _, line := range rec.Result().Header.Values("Set-Cookie") {
			c, err := http.ParseSetCookie(line)
			if err != nil {
				t.Fatalf("bad Set-Cookie %q: %v", line, err)
			}
			// The identity may be renewed; the visitor cookies only go.
			if c.MaxAge >= 0 && !strings.HasPrefix(c.Name, "__Host-auth") && !strings.HasPrefix(c.Name, "__Host-remember") {
				t.Fatalf("set %s without a change", c.Name)
			}
		}
	})
}
