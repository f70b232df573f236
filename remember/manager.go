package remember

import (
	"errors"
	"fmt"
	"time"

	"github.com/sessionless/sessionless/cookie"
	"github.com/sessionless/sessionless/internal/slot"
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
	if err := newCookieToken(m, &m.auth, cfg.AuthCookie, PurposeAuth); err != nil {
		return nil, err
	}
	if err := newCookieToken(m, &m.remember, cfg.RememberCookie, PurposeRemember); err != nil {
		return nil, err
	}
	if err := newCookieToken(m, &m.fresh, cfg.FreshCookie, PurposeFresh); err != nil {
		return nil, err
	}
	return m, nil
}

// newCookieToken fills s with the cookie name and the codec of purpose. A
// token of another purpose of the library (identity or middleware's
// visitor tokens) in that cookie is reported as wrong_purpose rather than
// bad_tag.
func newCookieToken[T, V any](m *Manager[T], s *cookieToken[V], name, purpose string) error {
	cfg := m.cfg
	c, err := cookie.New(cookie.Config{Name: name, SameSite: cfg.SameSite, MaxChunks: cfg.MaxChunks, InsecureHTTP: cfg.InsecureHTTP, Logger: cfg.Logger})
	if err != nil {
		return fmt.Errorf("%w: %w", ErrConfig, err)
	}
	s.c = c
	s.codec, err = token.New[V](m.keys, token.Config{
		Purpose:       AppPurpose(cfg.App, purpose),
		MaxLength:     min(c.MaxValueLen(), token.MaxLengthLimit),
		Leeway:        cfg.Leeway,
		OtherPurposes: slot.OtherPurposes(cfg.App, purpose),
	})
	if err != nil {
		return fmt.Errorf("%w: %w", ErrConfig, err)
	}
	return nil
}

// Config returns the configuration with its defaults filled in.
func (m *Manager[T]) Config() Config[T] { return m.cfg }
