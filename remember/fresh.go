package remember

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"time"

	"github.com/sessionless/sessionless/token"
)

// Window is how recent a password entry a route wants: see
// [Manager.Fresh]. Build one with [Fixed] or [Sliding].
type Window struct {
	// Duration is the window's length. If zero or negative,
	// Config.FreshWindow (15 min by default).
	Duration time.Duration
	// Sliding restarts the window with each request it lets through (sudo
	// mode); otherwise it runs from the password entry.
	Sliding bool
}

// Fixed returns the window d counted from the password entry (auth_time),
// like Laravel's password.confirm. 0 means Config.FreshWindow.
func Fixed(d time.Duration) Window { return Window{Duration: d} }

// Sliding returns the window d that each request it lets through restarts,
// like GitHub's sudo mode. 0 means Config.FreshWindow.
func Sliding(d time.Duration) Window { return Window{Duration: d, Sliding: true} }

// errMismatch is the error of a fresh token bound to another
// authentication.
var errMismatch = errors.New("remember: fresh token of another authentication")

// Fresh reports whether the visitor entered the password within win.
// A [Fixed] window runs from the password entry (auth_time). A [Sliding]
// window is restarted by each request for which Fresh returns true: Fresh
// keeps a browser-session "fresh" cookie (so it must run before the
// response header is written) whose token is bound to the authentication
// it belongs to (the id of the auth token, carried over when the auth
// token is renewed or updated) and ends with the window; it is re-sealed
// once more than half of the window is used, a new password entry starts
// it afresh, and it never outlives the auth token. A fresh token of any
// other authentication, even one from the same second, is refused as
// [token.ReasonMismatch]. The cookie is shared by every sliding route: one
// written for a longer window counts for a shorter one only if it was
// written within the shorter window. Like every expiry, the end of a
// window is checked with Config.Leeway.
func (m *Manager[T]) Fresh(w http.ResponseWriter, r *http.Request, st *State[T], win Window) bool {
	if !st.Authenticated() {
		return false
	}
	window := win.Duration
	if window <= 0 {
		window = m.cfg.FreshWindow
	}
	now := m.now()
	fromPassword := now.Sub(st.Auth.AuthTime) <= window
	if !win.Sliding {
		return fromPassword
	}
	tok, ok := m.slidingFresh(w, r, st, now)
	// A fresh token written for a route with a longer window counts only
	// if this route's window (and the leeway, as for its expiry) has not
	// passed since it was written.
	ok = ok && now.Sub(tok.IssuedAt) <= window+max(m.cfg.Leeway, 0)
	if !ok && !fromPassword {
		return false
	}
	if w != nil && (!ok || tok.Expiry.Sub(now) < window/2) {
		exp := now.Add(window)
		if exp.After(st.Auth.Expiry) {
			exp = st.Auth.Expiry
		}
		if exp.Unix() > now.Unix() {
			m.writeFresh(w, r, st, token.Params{IssuedAt: now, Expiry: exp})
		}
	}
	return true
}

// slidingFresh opens the request's fresh token if it is bound to the auth
// token the request carried and has not expired. A fresh cookie that is
// present but refused is deleted and reported.
func (m *Manager[T]) slidingFresh(w http.ResponseWriter, r *http.Request, st *State[T], now time.Time) (*token.Token[string], bool) {
	bound := st.freshFor.String()
	tok := new(token.Token[string])
	ok := openSlot(m, w, r, &m.fresh, now, func(_ *http.Request, tok *token.Token[string]) (token.Reason, error) {
		if subtle.ConstantTimeCompare([]byte(tok.Data), []byte(bound)) == 1 {
			return "", nil
		}
		return token.ReasonMismatch, errMismatch
	}, tok)
	return tok, ok
}

// rebindFresh carries the fresh token of the response, or else of the
// request, over to the auth token that just replaced the one it was bound
// to (a renewal or an update): same window, new binding.
func (m *Manager[T]) rebindFresh(w http.ResponseWriter, r *http.Request, st *State[T], now time.Time) {
	if !st.freshSent.IssuedAt.IsZero() {
		m.writeFresh(w, r, st, st.freshSent)
		return
	}
	if _, err := m.fresh.c.Read(r); err != nil {
		return // none, or a bad one that Fresh clears when asked
	}
	// Read only: a bad fresh cookie is cleared and reported by Fresh.
	if tok, ok := m.slidingFresh(nil, r, st, now); ok {
		m.writeFresh(w, r, st, token.Params{IssuedAt: tok.IssuedAt, Expiry: tok.Expiry})
	}
}

// writeFresh writes a fresh token bound to the State's auth token. A
// failure leaves the visitor without a sliding window, which the next
// sensitive request asks the password for: nothing is lost.
func (m *Manager[T]) writeFresh(w http.ResponseWriter, r *http.Request, st *State[T], p token.Params) {
	if raw, err := m.fresh.codec.Seal(p, st.Auth.ID.String()); err == nil && m.fresh.c.Write(w, r, raw, 0) == nil {
		st.freshSent = p
	}
}
