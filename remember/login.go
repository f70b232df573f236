package remember

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/sessionless/sessionless/cookie"
)

// Persistence says whether [Manager.Login] also remembers the visitor.
type Persistence bool

const (
	// SessionOnly: the auth cookie only; the visitor is forgotten when the
	// browser session ends.
	SessionOnly Persistence = false
	// RememberMe: the remember cookie too, for Config.RememberLifetime.
	RememberMe Persistence = true
)

// Login starts an authenticated session for data, after the application
// checked the password: it writes the auth cookie and, with [RememberMe],
// the remember cookie for RememberLifetime. Cookies the request carried
// before (perhaps planted by someone else) are replaced, and with
// [SessionOnly] an earlier remember cookie is deleted. Login fails only if
// data does not encode, or is too large for the cookies ([cookie.ErrTooLarge]
// or the token's bound), or no key is active; then nothing is written.
func (m *Manager[T]) Login(w http.ResponseWriter, r *http.Request, data T, p Persistence) (*State[T], error) {
	now := m.now()
	st := &State[T]{Level: Authenticated, Data: data, m: m, r: r, rememberChecked: true}
	// Seal both first, so that a failure writes nothing.
	authRaw, authClaims, err := m.sealAuth(data, now, now)
	if err != nil {
		return nil, fmt.Errorf("remember: login: %w", err)
	}
	st.Auth, st.freshFor = authClaims, authClaims.ID
	var remRaw string
	if p == RememberMe {
		if remRaw, st.Remember, err = m.sealRemember(data, now, now.Add(m.cfg.RememberLifetime)); err != nil {
			return nil, fmt.Errorf("remember: login: %w", err)
		}
	}
	if err := m.auth.c.Write(w, r, authRaw, 0); err != nil {
		return nil, fmt.Errorf("remember: login: %w", err)
	}
	if p == RememberMe {
		if err := m.remember.c.Write(w, r, remRaw, m.cfg.RememberLifetime); err != nil {
			return nil, fmt.Errorf("remember: login: %w", err)
		}
	} else {
		deleteIfPresent(w, r, m.remember.c)
	}
	deleteIfPresent(w, r, m.fresh.c)
	return st, nil
}

// Update replaces the payload in every token the visitor holds, after a
// profile edit, and updates st (the State of this request) to match. It
// keeps everything else:
//
//   - an authenticated visitor gets a new auth token with the same
//     auth_time, so the absolute end (auth_time + AuthLifetime) and
//     freshness stay as they were: Update never makes a visitor fresh, and
//     a sliding fresh window carries over to the new token;
//   - a remember token, if the browser holds one, is re-sealed with the same
//     expiry; Update never adds nor removes "remember me";
//   - a visitor who is only remembered gets a new remember token with the
//     same expiry and stays only remembered: no auth token is written.
//
// Other browsers of the same user keep their tokens (and the old payload)
// until they next log in; compare a version with [Config.Validate] to end
// them. A token that opened only within Config.Leeway after its end is
// not re-sealed (a new one would outlive the end): it still ends then,
// with the old payload. Update returns [ErrNotKnown] for an anonymous
// visitor, and fails like Login (too large, no active key) before writing
// anything.
func (m *Manager[T]) Update(w http.ResponseWriter, r *http.Request, st *State[T], data T) error {
	if !st.Known() {
		return ErrNotKnown
	}
	now := m.now()
	next := *st
	next.Data = data
	var authRaw, remRaw string
	var err error
	// A token that opened only within the leeway after its end (the auth
	// token past auth_time + AuthLifetime, a remember token on a server
	// whose clock is ahead) is left to end as it would have: a new one
	// could only outlive the end.
	if st.Authenticated() && m.authExpiry(now, st.Auth.AuthTime).Unix() > now.Unix() {
		if authRaw, next.Auth, err = m.sealAuth(data, now, st.Auth.AuthTime); err != nil {
			return fmt.Errorf("remember: update: %w", err)
		}
	}
	if st.RememberMe() && st.Remember.Expiry.Unix() > now.Unix() {
		if remRaw, next.Remember, err = m.sealRemember(data, now, st.Remember.Expiry); err != nil {
			return fmt.Errorf("remember: update: %w", err)
		}
	}
	// Sealed within the cookies' bounds, so the writes cannot fail.
	if authRaw != "" {
		if err := m.auth.c.Write(w, r, authRaw, 0); err != nil {
			return fmt.Errorf("remember: update: %w", err)
		}
	}
	if remRaw != "" {
		if err := m.remember.c.Write(w, r, remRaw, st.Remember.Expiry.Sub(now)); err != nil {
			return fmt.Errorf("remember: update: %w", err)
		}
	}
	*st = next
	if authRaw != "" {
		m.rebindFresh(w, r, st, now)
	}
	return nil
}

// Reauthenticate issues a new auth token, with a new auth_time and id, for
// the visitor the request carries (authenticated or remembered), after the
// application checked the password again, and returns the new State. The
// data is the one the tokens carry; to change it, call [Manager.Update].
// It returns [ErrNotKnown] for an anonymous visitor.
func (m *Manager[T]) Reauthenticate(w http.ResponseWriter, r *http.Request) (*State[T], error) {
	st := new(State[T])
	m.LoadInto(st, nil, r)
	if !st.Known() {
		return nil, ErrNotKnown
	}
	now := m.now()
	raw, c, err := m.sealAuth(st.Data, now, now)
	if err == nil {
		err = m.auth.c.Write(w, r, raw, 0)
	}
	if err != nil {
		return nil, fmt.Errorf("remember: reauthenticate: %w", err)
	}
	deleteIfPresent(w, r, m.fresh.c)
	st.Level, st.Auth, st.freshFor = Authenticated, c, c.ID
	return st, nil
}

// Logout deletes every cookie and chunk of the session. Copies of the
// tokens taken earlier stay valid until they expire, unless
// [Config.Validate] refuses them (see the package documentation).
//
// Serve logout behind http.CrossOriginProtection: SameSite=Lax keeps the
// cookies off a cross-site POST, but the deletion in the answer still
// applies, so another site could log the visitor out.
func (m *Manager[T]) Logout(w http.ResponseWriter, r *http.Request) {
	m.auth.c.Delete(w, r)
	m.remember.c.Delete(w, r)
	m.fresh.c.Delete(w, r)
}

// deleteIfPresent deletes c if the request carries it or the response
// already sets it: Fresh, earlier in the same request, may have written a
// fresh cookie bound to the authentication that Login or Reauthenticate
// replaces, which the next request would refuse (and report) as a
// mismatch.
func deleteIfPresent(w http.ResponseWriter, r *http.Request, c *cookie.Cookie) {
	if _, err := c.Read(r); !errors.Is(err, cookie.ErrNotFound) || c.Queued(w) {
		c.Delete(w, r)
	}
}
