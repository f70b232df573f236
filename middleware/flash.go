package middleware

import (
	"fmt"
	"net/http"

	"github.com/sessionless/sessionless/token"
)

// Flash is a message shown once, on the next page the visitor sees, such
// as "Profile saved" after a form's redirect.
type Flash struct {
	// Kind says how to show it, such as "info" or "error"; the
	// application's choice.
	Kind string `json:"kind,omitempty"`
	// Text is the message.
	Text string `json:"text"`
}

// AddFlash queues f for the next page that calls Flashes: it survives
// one redirect, and a redirect through the login page, for up to
// Config.FlashLifetime, in a browser-session cookie of its own. Flashes
// not shown yet are kept. It fails like [Sessions.SetData].
func (s *Sessions[T, S]) AddFlash(r *http.Request, f Flash) error {
	rq, err := s.writable(r)
	if err != nil {
		return err
	}
	if rq == nil {
		return ErrNotLoaded
	}
	now := s.cfg.Clock()
	// What the response would leave in the cookie: the flashes not shown
	// yet, or those added since Flashes took them.
	var pending []Flash
	if tok, ok := s.flash.Get(r, &rq.visitor().flash, now); ok {
		pending = tok.Data
	}
	pending = append(pending[:len(pending):len(pending)], f)
	if err := s.flash.Set(&rq.visitor().flash, token.Params{IssuedAt: now, Expiry: now.Add(s.cfg.FlashLifetime)}, pending, 0); err != nil {
		return fmt.Errorf("middleware: flash: %w", err)
	}
	return nil
}

// Flashes returns the flash messages waiting for this visitor, oldest
// first, and deletes them with the response: each is shown once. A
// request without the flash cookie pays nothing. After the header was
// written it returns nil and keeps them for the next page, as it would
// otherwise show them twice.
func (s *Sessions[T, S]) Flashes(r *http.Request) []Flash {
	rq := s.from(r)
	if rq == nil || rq.rw.wrote || rq.visitor().flashesTaken {
		return nil
	}
	tok, ok := s.flash.Get(r, &rq.visitor().flash, s.cfg.Clock())
	rq.visitor().flashesTaken = true
	if !ok {
		return nil
	}
	shown := tok.Data
	s.flash.Clear(r, &rq.visitor().flash)
	return shown
}
