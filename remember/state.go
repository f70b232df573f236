package remember

import (
	"net/http"
	"time"

	"github.com/sessionless/sessionless/token"
)

// Level is what a request proves about its visitor.
type Level int

const (
	// Anonymous: no valid token.
	Anonymous Level = iota
	// Remembered: a valid remember token only. The visitor can be greeted
	// and forms pre-filled, but sensitive routes ask for the password.
	Remembered
	// Authenticated: a valid auth token.
	Authenticated
)

// String returns "anonymous", "remembered" or "authenticated".
func (l Level) String() string {
	switch l {
	case Remembered:
		return "remembered"
	case Authenticated:
		return "authenticated"
	}
	return "anonymous"
}

// State is what one request carries. It is read-only for the application,
// and, like the request it belongs to, not safe for concurrent use.
type State[T any] struct {
	// Level is the visitor's level.
	Level Level
	// Data is the application's payload: from the auth token when
	// authenticated, from the remember token when only remembered, the
	// zero T when anonymous.
	Data T
	// Auth holds the auth token's claims when Level is Authenticated:
	// Auth.AuthTime is when the password was entered, Auth.Expiry when the
	// session ends without activity. Zero otherwise.
	Auth token.Claims
	// Remember holds the remember token's claims once it was opened: when
	// the visitor is Remembered, after a Login with remember, and after
	// [State.RememberMe] found one. An authenticated request does not open
	// its remember token unless asked (one token open per request), so it
	// is zero until then.
	Remember token.Claims

	// m and r let RememberMe open the remember token when asked.
	m *Manager[T]
	r *http.Request
	// rememberChecked: RememberMe's answer is known (Remember tells).
	rememberChecked bool
	// opened is where Load and RememberMe open a token, so that it
	// shares the State's allocation; it is cleared once read.
	opened token.Token[T]
	// freshFor is the id of the auth token the request carried: the one
	// its fresh token must be bound to, even after a renewal replaced it.
	freshFor token.ID
	// freshSent holds the times of the fresh token this response carries,
	// once Fresh or a rebinding wrote one: an Update that replaces the
	// auth token later in the request binds that one to the new token.
	freshSent token.Params
}

// Known reports whether the visitor is remembered or authenticated.
func (s *State[T]) Known() bool { return s != nil && s.Level >= Remembered }

// Authenticated reports whether the visitor is authenticated.
func (s *State[T]) Authenticated() bool { return s != nil && s.Level == Authenticated }

// RememberMe reports whether "remember me" is on for this browser: the
// request carries a valid remember token, or a Login with remember ran in this request. For an
// authenticated visitor the remember token is opened on the first call
// only (one more token open, then the answer is kept); a bad remember
// cookie counts as none here and is cleared when it is next read as the
// visitor's identity.
func (s *State[T]) RememberMe() bool {
	if s == nil {
		return false
	}
	if !s.rememberChecked && s.m != nil && s.r != nil && s.Level == Authenticated {
		s.rememberChecked = true
		if openSlot(s.m, nil, s.r, &s.m.remember, s.m.now(), s.m.validate, &s.opened) {
			s.Remember = s.opened.Claims
		}
		s.opened = token.Token[T]{}
	}
	return !s.Remember.ID.IsZero()
}

// AuthAge returns how long ago the password was entered, or -1 if the
// visitor is not authenticated.
func (s *State[T]) AuthAge(now time.Time) time.Duration {
	if !s.Authenticated() {
		return -1
	}
	return now.Sub(s.Auth.AuthTime)
}
