package middleware

import (
	"errors"
	"fmt"
	"net/http"
	"time"

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

// maxFlashes bounds how many flash messages wait at once: beyond it, the
// oldest are dropped.
const maxFlashes = 32

// waiting is a flash message in the cookie: the Flash and when it was
// added, which its own lifetime runs from. A version that knows only
// Flash reads it (unknown members are ignored); one written by such a
// version has no "at" and lives from the token's issued-at.
type waiting struct {
	Kind string `json:"kind,omitempty"`
	Text string `json:"text"`
	At   int64  `json:"at,omitempty"` // Unix seconds
}

// AddFlash queues f for the next page that calls Flashes: it survives
// one redirect, and a redirect through the login page, for up to
// Config.FlashLifetime from this call, in a browser-session cookie of its
// own. Flashes not shown yet are kept, except that when more than 32
// wait, or they no longer fit the cookie with f, the oldest are dropped.
// It fails like [Sessions.SetData], also when f alone is too large.
func (s *Sessions[T, S]) AddFlash(r *http.Request, f Flash) error {
	rq, err := s.writable(r)
	defer rq.unlock()
	if err != nil {
		return err
	}
	if rq == nil {
		return ErrNotLoaded
	}
	now := s.cfg.Clock()
	// What the response would leave in the cookie: the flashes not shown
	// yet, or those added since Flashes took them.
	var pending []waiting
	if tok, ok := s.flash.Get(r, &rq.visitor().flash, now); ok {
		pending = s.live(tok, now)
	}
	pending = append(pending[:len(pending):len(pending)], waiting{Kind: f.Kind, Text: f.Text, At: now.Unix()})
	pending = pending[max(len(pending)-maxFlashes, 0):]
	for {
		err = s.flash.Set(&rq.visitor().flash, token.Params{IssuedAt: now, Expiry: now.Add(s.cfg.FlashLifetime)}, pending, 0)
		if err == nil || len(pending) == 1 || !errors.Is(err, token.ErrTooLong) {
			break
		}
		pending = pending[1:] // too large: drop the oldest
	}
	if err != nil {
		return fmt.Errorf("middleware: flash: %w", err)
	}
	return nil
}

// live returns the flashes of tok whose own lifetime has not ended at
// now (with the leeway every expiry has).
func (s *Sessions[T, S]) live(tok *token.Token[[]waiting], now time.Time) []waiting {
	var kept []waiting
	for _, w := range tok.Data {
		at := w.At
		if at == 0 {
			at = tok.IssuedAt.Unix()
		}
		if now.Before(time.Unix(at, 0).Add(s.flashEnd)) {
			kept = append(kept, w)
		}
	}
	return kept
}

// Flashes returns the flash messages waiting for this visitor, oldest
// first, and deletes them with the response: each is shown once. A
// request without the flash cookie pays nothing. After the header was
// written it returns nil and keeps them for the next page, as it would
// otherwise show them twice. A HEAD request, whose answer has no body to
// show them in, gets them and keeps them.
func (s *Sessions[T, S]) Flashes(r *http.Request) []Flash {
	rq := s.lock(r)
	defer rq.unlock()
	if rq == nil || rq.rw.wrote.Load() || rq.visitor().flashesTaken {
		return nil
	}
	now := s.cfg.Clock()
	tok, ok := s.flash.Get(r, &rq.visitor().flash, now)
	rq.visitor().flashesTaken = true
	if !ok {
		return nil
	}
	var shown []Flash
	for _, w := range s.live(tok, now) {
		shown = append(shown, Flash{Kind: w.Kind, Text: w.Text})
	}
	if r.Method != http.MethodHead {
		s.flash.Clear(r, &rq.visitor().flash)
	}
	return shown
}
