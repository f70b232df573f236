package remember

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/sessionless/sessionless/cookie"
	"github.com/sessionless/sessionless/keyring"
	"github.com/sessionless/sessionless/token"
)

// ErrNotKnown is returned by [Manager.Reauthenticate] when the request
// carries neither a valid auth token nor a valid remember token: there is
// nobody to re-authenticate, so the application must log in afresh.
var ErrNotKnown = errors.New("remember: no remembered or authenticated visitor")

// Manager reads and writes the two tokens of the sessions of one
// application. It is safe for concurrent use.
type Manager[T any] struct {
	cfg      Config[T]
	keys     keyring.Source
	auth     *token.Codec[T]
	remember *token.Codec[T]
	fresh    *token.Codec[int64]
	probe    map[string]*token.Codec[struct{}] // purpose read → codec of the purpose it may really be
	authC    *cookie.Cookie
	rememC   *cookie.Cookie
	freshC   *cookie.Cookie
	now      func() time.Time
}

// New returns a Manager for the keys of src. cfg's zero value gives the
// defaults of [Config]; New fails (wrapping [ErrConfig]) on settings out of
// range.
func New[T any](src keyring.Source, cfg Config[T]) (*Manager[T], error) {
	cfg, err := cfg.fill()
	if err != nil {
		return nil, err
	}
	m := &Manager[T]{cfg: cfg, keys: src, now: cfg.Clock}
	if m.now == nil {
		m.now = time.Now
	}
	mk := func(name string) (*cookie.Cookie, error) {
		c, err := cookie.New(cookie.Config{Name: name, SameSite: cfg.SameSite, MaxChunks: cfg.MaxChunks, InsecureHTTP: cfg.InsecureHTTP, Logger: cfg.Logger})
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrConfig, err)
		}
		return c, nil
	}
	if m.authC, err = mk(cfg.AuthCookie); err != nil {
		return nil, err
	}
	if m.rememC, err = mk(cfg.RememberCookie); err != nil {
		return nil, err
	}
	if m.freshC, err = mk(cfg.FreshCookie); err != nil {
		return nil, err
	}
	tc := func(purpose string, c *cookie.Cookie) token.Config {
		return token.Config{Purpose: purpose, MaxLength: min(c.MaxValueLen(), token.MaxMaxLength), Leeway: cfg.Leeway}
	}
	if m.auth, err = token.New[T](src, tc(PurposeAuth, m.authC)); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	if m.remember, err = token.New[T](src, tc(PurposeRemember, m.rememC)); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	if m.fresh, err = token.New[int64](src, tc(PurposeFresh, m.freshC)); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	// A token that fails authentication in one cookie is tried once under
	// the purpose most likely swapped with it, to tell "wrong purpose"
	// from "tampered" in the report (only on that failure path).
	m.probe = map[string]*token.Codec[struct{}]{}
	for read, other := range map[string]string{PurposeAuth: PurposeRemember, PurposeRemember: PurposeAuth, PurposeFresh: PurposeAuth} {
		c, err := token.New[struct{}](src, tc(other, m.authC))
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrConfig, err)
		}
		m.probe[read] = c
	}
	return m, nil
}

// Config returns the configuration with its defaults filled in.
func (m *Manager[T]) Config() Config[T] { return m.cfg }

// Load reads the request's tokens and returns the visitor's [State]. It
// also writes to w what the request calls for, so it must run before the
// response header is written:
//
//   - the auth token is renewed once more than half of the idle window is
//     used (never past auth_time + AuthLifetime), and either token is
//     re-sealed under the primary key if an older key sealed it, in one
//     Set-Cookie per cookie;
//   - a cookie that was present but refused is deleted and reported.
//
// Load never fails: whatever the request carries, the worst outcome is an
// anonymous State.
func (m *Manager[T]) Load(w http.ResponseWriter, r *http.Request) *State[T] {
	st := new(State[T])
	m.load(w, r, st, true)
	return st
}

// LoadInto is [Manager.Load] that fills *st, for middleware that keeps the
// State in an allocation of its own (such as a context node).
func (m *Manager[T]) LoadInto(w http.ResponseWriter, r *http.Request, st *State[T]) {
	*st = State[T]{}
	m.load(w, r, st, true)
}

// Peek is Load without writing anything: no renewal, no clearing of bad
// cookies, no reports. For code that runs after the header was written.
func (m *Manager[T]) Peek(r *http.Request) *State[T] {
	st := new(State[T])
	m.load(nil, r, st, false)
	return st
}

func (m *Manager[T]) load(w http.ResponseWriter, r *http.Request, st *State[T], write bool) {
	now := m.now()
	ctx := r.Context()

	if tok, ok := m.open(ctx, w, r, m.authC, m.auth, PurposeAuth, now, write); ok {
		st.Level, st.Data, st.Auth = Authenticated, tok.Data, tok.Claims
	}
	// An authenticated request does not need the remember token: leaving
	// it unopened keeps a request at one token open. It is read (checked,
	// re-sealed under a newer key, or cleared) once the visitor is only
	// remembered again, such as after the browser restarts.
	if st.Level == Anonymous {
		if tok, ok := m.open(ctx, w, r, m.rememC, m.remember, PurposeRemember, now, write); ok {
			st.Level, st.Data, st.Remember = Remembered, tok.Data, tok.Claims
			if write && m.stale(tok.Claims, now) {
				// Drain old keys: re-seal under the primary, same expiry.
				if c, err := m.writeRemember(w, r, tok.Data, now, tok.Expiry); err == nil {
					st.Remember = c
				}
			}
		}
	}
	if write && st.Level == Authenticated {
		m.renew(w, r, st, now)
	}
}

// open reads and opens one cookie. A cookie that is present but refused is
// reported and, if write, deleted.
func (m *Manager[T]) open(ctx context.Context, w http.ResponseWriter, r *http.Request, c *cookie.Cookie, codec *token.Codec[T], purpose string, now time.Time, write bool) (*token.Token[T], bool) {
	raw, err := c.Read(r)
	if errors.Is(err, cookie.ErrNotFound) {
		if write && presentEmpty(r, c.Name()) {
			c.Delete(w, r)
			m.report(ctx, Rejection{Cookie: c.Name(), Reason: ReasonMalformed, Err: err})
		}
		return nil, false
	}
	var rej Rejection
	if err != nil {
		rej = Rejection{Cookie: c.Name(), Reason: ReasonMalformed, Err: err}
		if errors.Is(err, cookie.ErrAmbiguous) {
			rej.Reason = ReasonDuplicate
		}
	} else {
		tok, err := codec.Open(raw, now)
		if err == nil {
			if m.cfg.Validate == nil {
				return tok, true
			}
			if err = m.cfg.Validate(ctx, tok.Data, tok.Claims); err == nil {
				return tok, true
			}
			rej = Rejection{Cookie: c.Name(), Reason: ReasonInvalidated, KeyID: tok.KeyID, Err: err}
		} else {
			rej = Rejection{Cookie: c.Name(), Reason: reasonOf(err), Err: err}
			var te *token.TimeError
			if errors.As(err, &te) {
				rej.KeyID = te.Claims.KeyID
			}
			if rej.Reason == ReasonBadTag && m.otherPurpose(raw, purpose, now) {
				rej.Reason = ReasonWrongPurpose
			}
		}
	}
	if write {
		c.Delete(w, r)
		m.report(ctx, rej)
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

// otherPurpose reports whether raw, read for purpose, is authentic under
// the purpose most likely swapped with it (whatever its times or data).
func (m *Manager[T]) otherPurpose(raw, purpose string, now time.Time) bool {
	_, err := m.probe[purpose].Open(raw, now)
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

// stale reports whether a token was sealed under a key older than the
// primary one at now, so it should be re-sealed. A key that activates later
// than the primary (pending here, already primary on a server whose clock
// or ring is ahead) is not stale: re-sealing under the older key would only
// make the servers take turns re-sealing each other's tokens.
func (m *Manager[T]) stale(c token.Claims, now time.Time) bool {
	ring := m.keys.Current()
	p, err := ring.Primary(now)
	if err != nil || p.ID == c.KeyID {
		return false
	}
	k, ok := ring.Key(c.KeyID)
	return ok && k.Activates.Before(p.Activates)
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
	if c, err := m.writeAuth(w, r, st.Data, now, a.AuthTime); err == nil {
		st.Auth = c
	}
}

// writeAuth seals and writes an auth token.
func (m *Manager[T]) writeAuth(w http.ResponseWriter, r *http.Request, data T, now, authTime time.Time) (token.Claims, error) {
	p := token.Params{IssuedAt: now, Expiry: m.authExpiry(now, authTime), AuthTime: authTime}
	raw, c, err := m.auth.SealClaims(p, data)
	if err != nil {
		return token.Claims{}, err
	}
	if err := m.authC.Write(w, r, raw, 0); err != nil {
		return token.Claims{}, err
	}
	return c, nil
}

// writeRemember seals and writes a remember token that expires at exp.
func (m *Manager[T]) writeRemember(w http.ResponseWriter, r *http.Request, data T, now, exp time.Time) (token.Claims, error) {
	raw, c, err := m.remember.SealClaims(token.Params{IssuedAt: now, Expiry: exp}, data)
	if err != nil {
		return token.Claims{}, err
	}
	if err := m.rememC.Write(w, r, raw, exp.Sub(now)); err != nil {
		return token.Claims{}, err
	}
	return c, nil
}

// Login starts an authenticated session for data, after the application
// checked the password: it writes the auth cookie and, if remember is set,
// the remember cookie for RememberLifetime. Cookies the request carried
// before (perhaps planted by someone else) are replaced, and without
// remember an earlier remember cookie is deleted. Login fails only if data
// does not encode, or is too large for the cookies ([cookie.ErrTooLarge]
// or the token's bound), or no key is active; then nothing is written.
func (m *Manager[T]) Login(w http.ResponseWriter, r *http.Request, data T, remember bool) (*State[T], error) {
	now := m.now()
	st := &State[T]{Level: Authenticated, Data: data}
	// Seal both first, so that a failure writes nothing.
	authRaw, authClaims, err := m.auth.SealClaims(token.Params{IssuedAt: now, Expiry: m.authExpiry(now, now), AuthTime: now}, data)
	if err != nil {
		return nil, fmt.Errorf("remember: login: %w", err)
	}
	st.Auth = authClaims
	var remRaw string
	if remember {
		if remRaw, st.Remember, err = m.remember.SealClaims(token.Params{IssuedAt: now, Expiry: now.Add(m.cfg.RememberLifetime)}, data); err != nil {
			return nil, fmt.Errorf("remember: login: %w", err)
		}
	}
	if err := m.authC.Write(w, r, authRaw, 0); err != nil {
		return nil, fmt.Errorf("remember: login: %w", err)
	}
	if remember {
		if err := m.rememC.Write(w, r, remRaw, m.cfg.RememberLifetime); err != nil {
			return nil, fmt.Errorf("remember: login: %w", err)
		}
	} else {
		m.deleteIfPresent(w, r, m.rememC)
	}
	m.deleteIfPresent(w, r, m.freshC)
	return st, nil
}

// Reauthenticate issues a new auth token, with a new auth_time and id, for
// the visitor the request carries (authenticated or remembered), after the
// application checked the password again. The data is the one the tokens
// carry; to change it, call [Manager.Login]. It returns [ErrNotKnown] for an
// anonymous visitor.
func (m *Manager[T]) Reauthenticate(w http.ResponseWriter, r *http.Request) (*State[T], error) {
	st := m.Peek(r)
	if !st.Known() {
		return nil, ErrNotKnown
	}
	now := m.now()
	c, err := m.writeAuth(w, r, st.Data, now, now)
	if err != nil {
		return nil, fmt.Errorf("remember: reauthenticate: %w", err)
	}
	m.deleteIfPresent(w, r, m.freshC)
	st.Level, st.Auth = Authenticated, c
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
	m.authC.Delete(w, r)
	m.rememC.Delete(w, r)
	m.freshC.Delete(w, r)
}

func (m *Manager[T]) deleteIfPresent(w http.ResponseWriter, r *http.Request, c *cookie.Cookie) {
	if _, err := c.Read(r); !errors.Is(err, cookie.ErrNotFound) {
		c.Delete(w, r)
	}
}

// Fresh reports whether the visitor entered the password within window
// (0 means Config.FreshWindow). With sliding false the window is fixed from
// the password entry (auth_time), like Laravel's password.confirm. With
// sliding true each request for which Fresh returns true restarts the
// window, like GitHub's sudo mode: Fresh keeps a browser-session "fresh"
// cookie (so it must run before the response header is written) whose
// token holds the auth_time it belongs to and ends with the window; it is
// re-sealed once more than half of the window is used, a new password entry
// starts it afresh, and it never outlives the auth token. The cookie is
// shared by every sliding route: one written for a longer window counts for
// a shorter one only if it was written within the shorter window. Like every expiry,
// the end of a window is checked with Config.Leeway.
func (m *Manager[T]) Fresh(w http.ResponseWriter, r *http.Request, st *State[T], window time.Duration, sliding bool) bool {
	if !st.Authenticated() {
		return false
	}
	if window <= 0 {
		window = m.cfg.FreshWindow
	}
	now := m.now()
	fromPassword := now.Sub(st.Auth.AuthTime) <= window
	if !sliding {
		return fromPassword
	}
	fc, ok := m.slidingFresh(w, r, st, now)
	// A fresh token written for a route with a longer window counts only
	// if this route's window (and the leeway, as for its expiry) has not
	// passed since it was written.
	ok = ok && now.Sub(fc.IssuedAt) <= window+max(m.cfg.Leeway, 0)
	if !ok && !fromPassword {
		return false
	}
	if w != nil && (!ok || fc.Expiry.Sub(now) < window/2) {
		exp := now.Add(window)
		if exp.After(st.Auth.Expiry) {
			exp = st.Auth.Expiry
		}
		if exp.Unix() > now.Unix() {
			if raw, err := m.fresh.Seal(token.Params{IssuedAt: now, Expiry: exp}, st.Auth.AuthTime.Unix()); err == nil {
				m.freshC.Write(w, r, raw, 0)
			}
		}
	}
	return true
}

// slidingFresh returns the claims of the request's fresh token (when it was
// written, when its window ends), if it carries one of this authentication
// that has not expired. A fresh cookie that is present but refused is
// deleted and reported.
func (m *Manager[T]) slidingFresh(w http.ResponseWriter, r *http.Request, st *State[T], now time.Time) (token.Claims, bool) {
	raw, err := m.freshC.Read(r)
	if errors.Is(err, cookie.ErrNotFound) {
		return token.Claims{}, false
	}
	rej := Rejection{Cookie: m.freshC.Name(), Reason: ReasonMalformed, Err: err}
	if err == nil {
		tok, err := m.fresh.Open(raw, now)
		switch {
		case err == nil && tok.Data == st.Auth.AuthTime.Unix():
			return tok.Claims, true
		case err == nil:
			rej = Rejection{Cookie: m.freshC.Name(), Reason: ReasonMismatch, KeyID: tok.KeyID, Err: errors.New("remember: fresh token of another authentication")}
		default:
			rej = Rejection{Cookie: m.freshC.Name(), Reason: reasonOf(err), Err: err}
			if rej.Reason == ReasonBadTag && m.otherPurpose(raw, PurposeFresh, now) {
				rej.Reason = ReasonWrongPurpose
			}
		}
	} else if errors.Is(err, cookie.ErrAmbiguous) {
		rej.Reason = ReasonDuplicate
	}
	if w != nil {
		m.freshC.Delete(w, r)
		m.report(r.Context(), rej)
	}
	return token.Claims{}, false
}
