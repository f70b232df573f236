package remember

import (
	"errors"
	"fmt"
	"time"

	"github.com/sessionless/sessionless/cookie"
	"github.com/sessionless/sessionless/keyring"
	"github.com/sessionless/sessionless/token"
)

// ErrNotKnown is returned by [Manager.Reauthenticate] and [Manager.Update]
// when the request carries neither a valid auth token nor a valid remember
// token: there is nobody to re-authenticate or update, so the application
// must log in afresh.
var ErrNotKnown = errors.New("remember: no remembered or authenticated visitor")

// Manager reads and writes the tokens of the sessions of one application:
// auth, remember and fresh. It is safe for concurrent use.
type Manager[T any] struct {
	cfg      Config[T]
	keys     keyring.Source
	auth     cookieToken[T]
	remember cookieToken[T]
	fresh    cookieToken[string] // the data is the id of the auth token it belongs to
	now      func() time.Time
}

// cookieToken is one cookie and the codec of the token it holds.
type cookieToken[V any] struct {
	c     *cookie.Cookie
	codec *token.Codec[V]
	// probe opens under the purpose most likely swapped with this one, to
	// tell "wrong purpose" from "tampered" in reports (only on that
	// failure path).
	probe *token.Codec[struct{}]
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
	if err := newCookieToken(m, &m.auth, cfg.AuthCookie, PurposeAuth, PurposeRemember); err != nil {
		return nil, err
	}
	if err := newCookieToken(m, &m.remember, cfg.RememberCookie, PurposeRemember, PurposeAuth); err != nil {
		return nil, err
	}
	if err := newCookieToken(m, &m.fresh, cfg.FreshCookie, PurposeFresh, PurposeAuth); err != nil {
		return nil, err
	}
	return m, nil
}

// newCookieToken fills s with the cookie name and the codecs of purpose and of
// the purpose most likely swapped with it.
func newCookieToken[T, V any](m *Manager[T], s *cookieToken[V], name, purpose, swapped string) error {
	cfg := m.cfg
	c, err := cookie.New(cookie.Config{Name: name, SameSite: cfg.SameSite, MaxChunks: cfg.MaxChunks, InsecureHTTP: cfg.InsecureHTTP, Logger: cfg.Logger})
	if err != nil {
		return fmt.Errorf("%w: %w", ErrConfig, err)
	}
	tc := func(p string) token.Config {
		return token.Config{Purpose: AppPurpose(cfg.App, p), MaxLength: min(c.MaxValueLen(), token.MaxMaxLength), Leeway: cfg.Leeway}
	}
	s.c = c
	if s.codec, err = token.New[V](m.keys, tc(purpose)); err != nil {
		return fmt.Errorf("%w: %w", ErrConfig, err)
	}
	if s.probe, err = token.New[struct{}](m.keys, tc(swapped)); err != nil {
		return fmt.Errorf("%w: %w", ErrConfig, err)
	}
	return nil
}

// Config returns the configuration with its defaults filled in.
func (m *Manager[T]) Config() Config[T] { return m.cfg }
