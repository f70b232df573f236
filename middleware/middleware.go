package middleware

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/sessionless/sessionless/remember"
)

// Defaults of [Config].
const (
	DefaultLoginURL      = "/login"
	DefaultReauthURL     = "/reauth"
	DefaultReturnToParam = "return_to"
)

// Error codes of the JSON answers to API callers.
const (
	CodeLoginRequired  = "login_required"  // 401: log in
	CodeReauthRequired = "reauth_required" // 403: enter the password again
)

// Config configures [New]. Its zero value is usable.
type Config struct {
	// LoginURL is where an anonymous browser is sent. If empty, "/login".
	// It must be a same-site path (see SafeReturnTo); it may have a query.
	LoginURL string
	// ReauthURL is where a remembered browser, or one whose password entry
	// is too old for a route, is sent to enter the password again. If
	// empty, "/reauth".
	ReauthURL string
	// ReturnToParam is the name of the query parameter that carries the
	// original path and query. If empty, "return_to".
	ReturnToParam string
}

// ErrConfig is returned by [New] for a bad Config.
var ErrConfig = errors.New("middleware: invalid config")

// Sessions is the HTTP glue over a [remember.Manager]. It is safe for
// concurrent use.
type Sessions[T any] struct {
	m   *remember.Manager[T]
	cfg Config
}

// New returns the middleware of m.
func New[T any](m *remember.Manager[T], cfg Config) (*Sessions[T], error) {
	if m == nil {
		return nil, errors.Join(ErrConfig, errors.New("nil Manager"))
	}
	if cfg.LoginURL == "" {
		cfg.LoginURL = DefaultLoginURL
	}
	if cfg.ReauthURL == "" {
		cfg.ReauthURL = DefaultReauthURL
	}
	if cfg.ReturnToParam == "" {
		cfg.ReturnToParam = DefaultReturnToParam
	}
	for _, u := range []string{cfg.LoginURL, cfg.ReauthURL} {
		if SafeReturnTo(u) != u {
			return nil, errors.Join(ErrConfig, errors.New("login and reauth URLs must be same-site paths such as /login"))
		}
	}
	if url.QueryEscape(cfg.ReturnToParam) != cfg.ReturnToParam {
		return nil, errors.Join(ErrConfig, errors.New("ReturnToParam must need no escaping"))
	}
	return &Sessions[T]{m: m, cfg: cfg}, nil
}

// Manager returns the Manager, for Login, Reauthenticate and Logout.
func (s *Sessions[T]) Manager() *remember.Manager[T] { return s.m }

// ctxKey is the context key of the State. One key serves every T; the
// value's type tells them apart.
type ctxKey struct{}

// stateCtx is the context node that carries the State: one allocation for
// both.
type stateCtx[T any] struct {
	context.Context
	st remember.State[T]
}

func (c *stateCtx[T]) Value(key any) any {
	if key == (ctxKey{}) {
		return &c.st
	}
	return c.Context.Value(key)
}

// FromContext returns the State that [Sessions.Load] put in ctx, or nil if
// there is none (or it is of another payload type).
func FromContext[T any](ctx context.Context) *remember.State[T] {
	st, _ := ctx.Value(ctxKey{}).(*remember.State[T])
	return st
}

// State returns the State of r loaded by [Sessions.Load]. Without Load it
// reads the cookies without writing anything ([remember.Manager.Peek]).
// It never returns nil.
func (s *Sessions[T]) State(r *http.Request) *remember.State[T] {
	if st := FromContext[T](r.Context()); st != nil {
		return st
	}
	return s.m.Peek(r)
}

// Load reads the request's session once and passes it on in the context,
// renewing the auth token and clearing refused cookies in the response (so
// it must wrap handlers before they write). Every response gets
// "Vary: Cookie", since what the handlers show depends on the cookies.
// Load inside Load reads nothing twice.
func (s *Sessions[T]) Load(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if FromContext[T](r.Context()) != nil {
			next.ServeHTTP(w, r)
			return
		}
		addVary(w.Header())
		c := &stateCtx[T]{Context: r.Context()}
		s.m.LoadInto(w, r, &c.st)
		next.ServeHTTP(w, r.WithContext(c))
	})
}

// loaded returns r with a State in its context, loading it if no Load ran.
func (s *Sessions[T]) loaded(w http.ResponseWriter, r *http.Request) (*http.Request, *remember.State[T]) {
	if st := FromContext[T](r.Context()); st != nil {
		return r, st
	}
	addVary(w.Header())
	c := &stateCtx[T]{Context: r.Context()}
	s.m.LoadInto(w, r, &c.st)
	return r.WithContext(c), &c.st
}

// RequireUser passes remembered and authenticated visitors to next, and
// sends anonymous ones to log in.
func (s *Sessions[T]) RequireUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r, st := s.loaded(w, r)
		if !st.Known() {
			s.deny(w, r, s.cfg.LoginURL, http.StatusUnauthorized, CodeLoginRequired)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// RequireAuthenticated passes authenticated visitors to next; it sends
// remembered ones to re-authenticate and anonymous ones to log in.
func (s *Sessions[T]) RequireAuthenticated(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r, st := s.loaded(w, r)
		if !s.admit(w, r, st) {
			return
		}
		next.ServeHTTP(w, r)
	})
}

// RequireFresh is RequireAuthenticated for the most sensitive routes: the
// password must also have been entered within window (0 means the
// Manager's FreshWindow, 15 min by default), else the visitor is sent to
// re-authenticate. With sliding false the window is fixed from the password
// entry, like Laravel's password.confirm; with sliding true each request
// that passes restarts it, like GitHub's sudo mode (see
// [remember.Manager.Fresh]).
func (s *Sessions[T]) RequireFresh(window time.Duration, sliding bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r, st := s.loaded(w, r)
			if !s.admit(w, r, st) {
				return
			}
			if !s.m.Fresh(w, r, st, window, sliding) {
				s.deny(w, r, s.cfg.ReauthURL, http.StatusForbidden, CodeReauthRequired)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// admit answers for a visitor who is not authenticated and reports whether
// the request may go on.
func (s *Sessions[T]) admit(w http.ResponseWriter, r *http.Request, st *remember.State[T]) bool {
	switch st.Level {
	case remember.Authenticated:
		return true
	case remember.Remembered:
		s.deny(w, r, s.cfg.ReauthURL, http.StatusForbidden, CodeReauthRequired)
	default:
		s.deny(w, r, s.cfg.LoginURL, http.StatusUnauthorized, CodeLoginRequired)
	}
	return false
}

// deny redirects a browser to target with a return_to of the request, or
// answers an API caller with status and a JSON error code.
func (s *Sessions[T]) deny(w http.ResponseWriter, r *http.Request, target string, status int, code string) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	if wantsHTML(r) {
		sep := "?"
		if strings.Contains(target, "?") {
			sep = "&"
		}
		loc := target + sep + s.cfg.ReturnToParam + "=" + url.QueryEscape(SafeReturnTo(r.URL.RequestURI()))
		h.Set("Location", loc)
		h.Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusSeeOther)
		// The same body as http.Redirect, without echoing the URL.
		w.Write([]byte("<a href=\"" + htmlEscape(loc) + "\">See Other</a>.\n"))
		return
	}
	if status == http.StatusUnauthorized {
		// RFC 9110 §15.5.2: a 401 names a scheme; this one is the cookie.
		h.Set("WWW-Authenticate", `Cookie realm="session"`)
	}
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write([]byte(`{"error":"` + code + `"}` + "\n"))
}

// wantsHTML reports whether the request comes from a browser navigating:
// its Accept header names text/html.
func wantsHTML(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept") {
		if strings.Contains(v, "text/html") {
			return true
		}
	}
	return false
}

var htmlReplacer = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;")

func htmlEscape(s string) string { return htmlReplacer.Replace(s) }

// addVary adds Cookie to the Vary header unless it is there.
func addVary(h http.Header) {
	for _, v := range h.Values("Vary") {
		for _, f := range strings.Split(v, ",") {
			f = strings.TrimSpace(f)
			if f == "*" || strings.EqualFold(f, "Cookie") {
				return
			}
		}
	}
	h.Add("Vary", "Cookie")
}
