package remember

import (
	"net/http"
	"time"

	"github.com/sessionless/sessionless/internal/slot"
	"github.com/sessionless/sessionless/token"
)

// Load reads the request's tokens and returns the visitor's [State], a
// value of the caller's (pass its address to Fresh and Update). With
// a non-nil w it also writes what the request calls for, so it must then
// run before the response header is written:
//
//   - the auth token is renewed once more than half of the idle window is
//     used (never past auth_time + AuthLifetime), and either token is
//     re-sealed under the primary key if an older key sealed it, in one
//     Set-Cookie per cookie;
//   - a cookie that was present but refused is deleted and reported.
//
// With a nil w, Load only reads: no renewal, no clearing, no reports (for
// code that runs after the header was written).
//
// Load never fails: whatever the request carries, the worst outcome is an
// anonymous State.
func (m *Manager[T]) Load(w http.ResponseWriter, r *http.Request) State[T] {
	var st State[T]
	m.LoadInto(&st, w, r)
	return st
}

// LoadInto is [Manager.Load] into *st, for a caller that keeps the State
// inside a larger value (such as a request's context): the token opened
// then shares that value's allocation. It overwrites *st.
func (m *Manager[T]) LoadInto(st *State[T], w http.ResponseWriter, r *http.Request) {
	now := m.now()
	*st = State[T]{m: m, r: r}
	if openSlot(m, w, r, &m.auth, now, m.validate, &st.opened) {
		tok := &st.opened
		st.Level, st.Data, st.Auth, st.freshFor = Authenticated, tok.Data, tok.Claims, tok.ID
	}
	// An authenticated request does not need the remember token: leaving
	// it unopened keeps a request at one token open. It is read (checked,
	// re-sealed under a newer key, or cleared) once the visitor is only
	// remembered again, such as after the browser restarts, or when
	// State.RememberMe asks.
	if st.Level == Anonymous && openSlot(m, w, r, &m.remember, now, m.validate, &st.opened) {
		tok := &st.opened
		st.Level, st.Data, st.Remember, st.rememberChecked = Remembered, tok.Data, tok.Claims, true
		if w != nil && m.stale(tok.Claims, now) {
			// Drain old keys: re-seal under the primary, same expiry.
			if raw, c, err := m.sealRemember(tok.Data, now, tok.Expiry); err == nil && m.remember.c.Write(w, r, raw, tok.Expiry.Sub(now)) == nil {
				st.Remember = c
			}
		}
	}
	st.opened = token.Token[T]{}
	if w != nil && st.Level == Authenticated {
		m.renew(w, r, st, now)
	}
}

// validate is the check of auth and remember tokens: Config.Validate.
func (m *Manager[T]) validate(r *http.Request, tok *token.Token[T]) (token.Reason, error) {
	if m.cfg.Validate == nil {
		return "", nil
	}
	return token.ReasonInvalidated, m.cfg.Validate(r.Context(), tok.Data, tok.Claims)
}

// stale reports whether a token was sealed under a key older than the
// primary one at now, so it should be re-sealed (see [slot.Stale]).
func (m *Manager[T]) stale(c token.Claims, now time.Time) bool {
	return slot.Stale(m.keys, c, now)
}

// authExpiry is the expiry of an auth token issued at now for a password
// entered at authTime: the idle window, capped by the absolute lifetime.
func (m *Manager[T]) authExpiry(now, authTime time.Time) time.Time {
	exp := now.Add(m.cfg.AuthIdle)
	if end := authTime.Add(m.cfg.AuthLifetime); exp.After(end) {
		exp = end
	}
	return exp
}

// renew re-seals the auth token if more than half of the idle window is
// used (and renewal would extend it) or an older key sealed it.
func (m *Manager[T]) renew(w http.ResponseWriter, r *http.Request, st *State[T], now time.Time) {
	a := st.Auth
	exp := m.authExpiry(now, a.AuthTime)
	due := now.Sub(a.IssuedAt) > m.cfg.AuthIdle/2 && exp.Unix() > a.Expiry.Unix()
	if !due && !m.stale(a, now) {
		return
	}
	if exp.Unix() <= now.Unix() {
		return // at the absolute end: nothing to renew
	}
	raw, c, err := m.sealAuth(st.Data, now, a.AuthTime)
	if err != nil || m.auth.c.Write(w, r, raw, 0) != nil {
		return
	}
	st.Auth = c
	m.rebindFresh(w, r, st, now)
}

// sealAuth seals an auth token for a password entered at authTime.
func (m *Manager[T]) sealAuth(data T, now, authTime time.Time) (string, token.Claims, error) {
	return m.auth.codec.SealClaims(token.Params{IssuedAt: now, Expiry: m.authExpiry(now, authTime), AuthTime: authTime}, data)
}

// sealRemember seals a remember token that expires at exp.
func (m *Manager[T]) sealRemember(data T, now, exp time.Time) (string, token.Claims, error) {
	return m.remember.codec.SealClaims(token.Params{IssuedAt: now, Expiry: exp}, data)
}
