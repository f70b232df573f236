package remember

import (
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

// State is what one request carries. It is read-only for the application.
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
	// Remember holds the remember token's claims when the visitor is
	// Remembered, and after a Login with remember. An authenticated request
	// does not open its remember token (one token open per request), so it
	// is zero then.
	Remember token.Claims
}

// Known reports whether the visitor is remembered or authenticated.
func (s *State[T]) Known() bool { return s != nil && s.Level >= Remembered }

// Authenticated reports whether the visitor is authenticated.
func (s *State[T]) Authenticated() bool { return s != nil && s.Level == Authenticated }

// Remembered reports whether State.Remember holds a remember token's
// claims: the visitor is Remembered, or has just logged in with remember.
func (s *State[T]) Remembered() bool { return s != nil && !s.Remember.ID.IsZero() }

// AuthAge returns how long ago the password was entered, or -1 if the
// visitor is not authenticated.
func (s *State[T]) AuthAge(now time.Time) time.Duration {
	if !s.Authenticated() {
		return -1
	}
	return now.Sub(s.Auth.AuthTime)
}

// Reason says why a cookie was refused. It is a short stable code for logs
// and metrics.
type Reason string

// The reasons of a [Rejection].
const (
	ReasonMalformed    Reason = "malformed"     // not a token, or a broken cookie (bad chunks, quoted)
	ReasonDuplicate    Reason = "duplicate"     // the cookie name twice in one request: ambiguous
	ReasonUnknownKey   Reason = "unknown_key"   // sealed under a key the keyring does not have (dropped, or forged)
	ReasonBadTag       Reason = "bad_tag"       // tampered, or sealed under another key
	ReasonWrongPurpose Reason = "wrong_purpose" // a valid token of another purpose (a remember token in the auth cookie)
	ReasonBadClaims    Reason = "bad_claims"    // authentic, but its claims or data do not decode
	ReasonExpired      Reason = "expired"       // past its expiry
	ReasonNotYetValid  Reason = "not_yet_valid" // issued in the future (a server's clock is off)
	ReasonRevoked      Reason = "revoked"       // issued before the keyring's revoke_before
	ReasonInvalidated  Reason = "invalidated"   // refused by Config.Validate
	ReasonMismatch     Reason = "mismatch"      // a fresh token that belongs to another authentication
)

// Rejection reports a refused cookie to [Config.OnReject].
type Rejection struct {
	Cookie string // the cookie's name
	Reason Reason
	KeyID  string // the key that sealed the token, if it opened far enough to tell
	Err    error  // the error, which never holds the token
}
