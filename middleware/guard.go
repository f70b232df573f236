package middleware

import (
	"html"
	"net/http"
	"net/url"
	"strings"

	"github.com/sessionless/sessionless/remember"
)

// guarded runs guard with the request's State, loading it first when no
// Load wraps the route.
func (s *Sessions[T, S]) guarded(guard func(w http.ResponseWriter, r *http.Request, st *remember.State[T]) bool, next http.Handler) http.Handler {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if guard(w, r, s.State(r)) {
			next.ServeHTTP(w, r)
		}
	})
	return s.Load(h) // Load inside Load reads nothing twice
}

// RequireUser passes remembered and authenticated visitors to next, and
// sends anonymous ones to log in.
func (s *Sessions[T, S]) RequireUser(next http.Handler) http.Handler {
	return s.guarded(func(w http.ResponseWriter, r *http.Request, st *remember.State[T]) bool {
		if !st.Known() {
			s.deny(w, r, s.cfg.LoginURL, http.StatusUnauthorized, CodeLoginRequired)
			return false
		}
		return true
	}, next)
}

// RequireAuthenticated passes authenticated visitors to next; it sends
// remembered ones to re-authenticate and anonymous ones to log in.
func (s *Sessions[T, S]) RequireAuthenticated(next http.Handler) http.Handler {
	return s.guarded(s.admit, next)
}

// RequireFresh is RequireAuthenticated for the most sensitive routes: the
// password must also have been entered within win, else the visitor is
// sent to re-authenticate. [remember.Fixed] counts the window from the
// password entry, like Laravel's password.confirm; [remember.Sliding]
// restarts it with each request that passes, like GitHub's sudo mode (see
// [remember.Manager.Fresh]). A zero Duration means Config.FreshWindow:
//
//	mux.Handle("POST /account/delete", sessions.RequireFresh(remember.Sliding(0))(deleteHandler))
func (s *Sessions[T, S]) RequireFresh(win remember.Window) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return s.guarded(func(w http.ResponseWriter, r *http.Request, st *remember.State[T]) bool {
			if !s.admit(w, r, st) {
				return false
			}
			if !s.m.Fresh(w, r, st, win) {
				s.deny(w, r, s.cfg.ReauthURL, http.StatusForbidden, CodeReauthRequired)
				return false
			}
			return true
		}, next)
	}
}

// Fresh reports whether the visitor entered the password within win, as
// RequireFresh checks it, for a handler that decides for itself (or a
// page that says whether the sudo route would open now). A sliding win
// keeps the fresh cookie alive, so call it before writing the body; with
// a nil w it only answers.
func (s *Sessions[T, S]) Fresh(w http.ResponseWriter, r *http.Request, win remember.Window) bool {
	return s.m.Fresh(w, r, s.State(r), win)
}

// admit answers for a visitor who is not authenticated and reports whether
// the request may go on.
func (s *Sessions[T, S]) admit(w http.ResponseWriter, r *http.Request, st *remember.State[T]) bool {
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
func (s *Sessions[T, S]) deny(w http.ResponseWriter, r *http.Request, target string, status int, code string) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	if WantsHTML(r) {
		sep := "?"
		if strings.Contains(target, "?") {
			sep = "&"
		}
		loc := target + sep + s.cfg.ReturnToParam + "=" + url.QueryEscape(ReturnTo(r))
		h.Set("Location", loc)
		h.Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusSeeOther)
		// The same body as http.Redirect, without echoing the URL.
		_, _ = w.Write([]byte("<a href=\"" + html.EscapeString(loc) + "\">See Other</a>.\n"))
		return
	}
	if status == http.StatusUnauthorized {
		// RFC 9110 §15.5.2: a 401 names a scheme; this one is the cookie.
		h.Set("WWW-Authenticate", `Cookie realm="session"`)
	}
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(`{"error":"` + code + `"}` + "\n"))
}

// ReturnTo returns the place to come back to after logging in, as the
// guards put it in return_to: the request itself if the browser can get it
// again (GET or HEAD, as Devise's store_location_for), else the same-site
// page the form was posted from (its Referer) when SafeReturnTo accepts
// it, else "/". A form posted after its window closed thus returns to the
// form, not to a POST-only URL that would answer 405. Handlers of POST
// forms use it to answer 303 "back to the page".
func ReturnTo(r *http.Request) string {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return SafeReturnTo(r.URL.RequestURI())
	}
	ref, err := url.Parse(r.Referer())
	if err != nil || ref.Host == "" || ref.Host != r.Host || ref.User != nil || (ref.Scheme != "https" && ref.Scheme != "http") {
		return "/"
	}
	return SafeReturnTo(ref.RequestURI())
}

// WantsHTML reports whether the request comes from a browser navigating
// (its Accept header names text/html), as the guards decide between a
// redirect and a JSON answer.
func WantsHTML(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept") {
		if strings.Contains(v, "text/html") {
			return true
		}
	}
	return false
}
