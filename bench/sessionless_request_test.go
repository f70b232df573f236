package bench

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/sessionless/sessionless/middleware"
	"github.com/sessionless/sessionless/remember"
)

// This file is the only one of BenchmarkRequest that knows sessionless's
// HTTP API: when that API changes, only newSessionlessServer changes.

// newSessionlessServer is sessionless in its default configuration:
// middleware.New with a zero Config, the Visitor as the identity payload
// (no visitor data: struct{}), Load around the site and
// RequireAuthenticated around the page, which reads the visitor from the
// request's State. The visitors log in with Sessions.Login, without
// "remember me": one auth cookie, in chunks when it is large.
func newSessionlessServer(tb testing.TB, f *fixture) server {
	s, err := middleware.New(f.ring, middleware.Config[Visitor, struct{}]{})
	if err != nil {
		tb.Fatal(err)
	}
	return server{
		handler: s.Load(s.RequireAuthenticated(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			st := s.State(r)
			page(w, st.Data.ID, st.Data.Name)
		}))),
		login: func(v *Visitor) (string, error) {
			w := httptest.NewRecorder()
			r := httptest.NewRequest(http.MethodPost, "https://example.com/login", nil)
			if err := s.Login(w, r, *v, remember.SessionOnly); err != nil {
				return "", err
			}
			return cookieHeader(w.Result()), nil
		},
	}
}
