package remember

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/sessionless/sessionless/cookie"
	"github.com/sessionless/sessionless/token"
)

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

// A check decides whether an authentic token counts; a refusal names its
// reason.
type check[V any] func(r *http.Request, tok *token.Token[V]) (Reason, error)

// openSlot reads and opens the cookie of s. A cookie that is present but
// refused (unreadable, not a token of s, or refused by check) is, when w is
// not nil, deleted and reported: the one path every refusal takes.
func openSlot[T, V any](m *Manager[T], w http.ResponseWriter, r *http.Request, s *cookieToken[V], now time.Time, chk check[V]) (*token.Token[V], bool) {
	rej := Rejection{Cookie: s.c.Name()}
	raw, err := s.c.Read(r)
	switch {
	case errors.Is(err, cookie.ErrNotFound):
		if w == nil || !presentEmpty(r, s.c.Name()) {
			return nil, false
		}
		rej.Reason, rej.Err = ReasonMalformed, err
	case errors.Is(err, cookie.ErrAmbiguous):
		rej.Reason, rej.Err = ReasonDuplicate, err
	case err != nil:
		rej.Reason, rej.Err = ReasonMalformed, err
	default:
		tok, err := s.codec.Open(raw, now)
		if err != nil {
			rej.Reason, rej.Err = reasonOf(err), err
			if te := (*token.TimeError)(nil); errors.As(err, &te) {
				rej.KeyID = te.Claims.KeyID
			}
			if rej.Reason == ReasonBadTag && otherPurpose(s, raw, now) {
				rej.Reason = ReasonWrongPurpose
			}
			break
		}
		if chk == nil {
			return tok, true
		}
		if rej.Reason, rej.Err = chk(r, tok); rej.Err == nil {
			return tok, true
		}
		rej.KeyID = tok.KeyID
	}
	if w != nil {
		s.c.Delete(w, r)
		m.report(r.Context(), rej)
	}
	return nil, false
}

// presentEmpty reports whether r carries the cookie name with an empty
// value, which [cookie.Cookie.Read] reports as not found: present but
// refused like any other bad value, so it is cleared and reported too. The
// substring test keeps the common request free of parsing.
func presentEmpty(r *http.Request, name string) bool {
	for _, line := range r.Header["Cookie"] {
		if strings.Contains(line, name) {
			return len(r.CookiesNamed(name)) > 0
		}
	}
	return false
}

// otherPurpose reports whether raw, read from the cookie of s, is
// authentic under the purpose most likely swapped with s's (whatever its
// times or data).
func otherPurpose[V any](s *cookieToken[V], raw string, now time.Time) bool {
	_, err := s.probe.Open(raw, now)
	return err == nil || !errors.Is(err, token.ErrInvalid) || token.ReasonOf(err) == token.ReasonBadClaims
}

func reasonOf(err error) Reason {
	switch token.ReasonOf(err) {
	case token.ReasonUnknownKey:
		return ReasonUnknownKey
	case token.ReasonBadTag:
		return ReasonBadTag
	case token.ReasonBadClaims:
		return ReasonBadClaims
	case token.ReasonExpired:
		return ReasonExpired
	case token.ReasonNotYetValid:
		return ReasonNotYetValid
	case token.ReasonRevoked:
		return ReasonRevoked
	}
	return ReasonMalformed
}

// report hands a refusal to Config.OnReject and the log. A panic in
// OnReject is not recovered (see Config.OnReject).
func (m *Manager[T]) report(ctx context.Context, rej Rejection) {
	if m.cfg.OnReject != nil {
		m.cfg.OnReject(ctx, rej)
	}
	level := slog.LevelInfo
	if rej.Reason == ReasonExpired {
		level = slog.LevelDebug
	}
	m.cfg.Logger.LogAttrs(ctx, level, "remember: cookie refused",
		slog.String("cookie", rej.Cookie), slog.String("reason", string(rej.Reason)), slog.String("kid", rej.KeyID))
}
