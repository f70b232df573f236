package middleware

import (
	"fmt"
	"net/http"
	"reflect"
	"time"

	"github.com/sessionless/sessionless/internal/slot"
	"github.com/sessionless/sessionless/token"
)

// visitorData is what the visitor cookie seals: the application's data
// and when it was first written, which bounds it by VisitorLifetime.
type visitorData[S any] struct {
	Since int64 `json:"since"`
	Data  S     `json:"data"`
}

// Data returns the visitor's data: the zero S for a visitor without any
// (or with a cookie that does not open, which is then cleared). The
// cookie is opened on the first call of the request only: a request that
// never asks pays nothing for it. A read also keeps the data alive: once
// more than half of VisitorIdle has passed since it was written, the
// response re-seals it (and re-seals it under the primary key when an
// older key sealed it).
//
// What Data holds is never identity nor authorisation: it may have been
// written before the visitor logged in, by another tab, or replayed from
// an older copy of the cookie. Check anything it names against the
// application's own records. Like the request, what Data keeps for it is
// not safe for use by several goroutines at once.
func (s *Sessions[T, S]) Data(r *http.Request) S {
	rq := s.lock(r)
	defer rq.unlock()
	if rq == nil {
		if tok, ok := s.data.Peek(r, s.cfg.Clock()); ok {
			return tok.Data.Data
		}
		var zero S
		return zero
	}
	return rq.s.openData(rq).Data.Data
}

// openData opens the visitor cookie on the first call of the request.
func (s *Sessions[T, S]) openData(rq *request[T, S]) *token.Token[visitorData[S]] {
	tok, _ := s.data.Get(rq.req, &rq.visitor().data, s.cfg.Clock())
	return tok
}

// SetData replaces the visitor's data; the response writes it, once,
// just before the header. The zero S deletes the cookie: a visitor
// without data carries none. It fails, changing nothing, when the data is too
// large for the cookies (MaxChunks cookies of about 4 KB), when no key is
// active, when the header was already written ([ErrHeaderWritten]) or
// when Load does not wrap the request ([ErrNotLoaded]).
//
// Two requests that change the data at once (two tabs) each write their
// own version: the last response the browser receives wins, as with
// every cookie store.
func (s *Sessions[T, S]) SetData(r *http.Request, data S) error {
	rq, err := s.writable(r)
	defer rq.unlock()
	if err != nil {
		return err
	}
	if rq == nil {
		return ErrNotLoaded
	}
	return s.setData(r, &rq.visitor().data, data)
}

// setData queues data in v, the request's view of the visitor cookie.
func (s *Sessions[T, S]) setData(r *http.Request, v *slot.Value[visitorData[S]], data S) error {
	if reflect.ValueOf(&data).Elem().IsZero() {
		s.data.Clear(r, v) // no data, no cookie
		return nil
	}
	now := s.cfg.Clock()
	since := now.Unix()
	if tok, ok := s.data.Get(r, v, now); ok && s.dataLives(tok.Data.Since, now) {
		since = tok.Data.Since
	} // else new data, or data at its absolute end (open within the leeway): start afresh
	return s.sealData(v, visitorData[S]{Since: since, Data: data}, now)
}

// dataExpiry is the expiry of data first written at since, sealed at now:
// the idle window, capped by the absolute lifetime.
func (s *Sessions[T, S]) dataExpiry(since int64, now time.Time) time.Time {
	exp := now.Add(s.cfg.VisitorIdle)
	if end := time.Unix(since, 0).Add(s.cfg.VisitorLifetime); exp.After(end) {
		exp = end
	}
	return exp
}

// dataLives reports whether data first written at since may be sealed
// again at now: its absolute end is at least a second away.
func (s *Sessions[T, S]) dataLives(since int64, now time.Time) bool {
	return s.dataExpiry(since, now).Unix() > now.Unix()
}

// sealData seals d into v for the response; d.Since must live at now.
func (s *Sessions[T, S]) sealData(v *slot.Value[visitorData[S]], d visitorData[S], now time.Time) error {
	exp := s.dataExpiry(d.Since, now)
	if err := s.data.Set(v, token.Params{IssuedAt: now, Expiry: exp}, d, exp.Sub(now)); err != nil {
		return fmt.Errorf("middleware: visitor data: %w", err)
	}
	return nil
}

// commitData queues the visitor cookie for the header: a change, a
// deletion, or a refresh of data that was read and is due one.
func (s *Sessions[T, S]) commitData(w http.ResponseWriter, rq *request[T, S]) {
	now := s.cfg.Clock()
	if rq.visitor().data.Opened() && !rq.visitor().data.Pending() {
		if tok, ok := s.data.Get(rq.req, &rq.visitor().data, now); ok && s.dataDue(tok.Claims, now) && s.dataLives(tok.Data.Since, now) {
			_ = s.sealData(&rq.visitor().data, tok.Data, now) // on failure the cookie still holds the data
		}
	}
	if rq.visitor().data.Pending() {
		_ = s.data.Commit(w, rq.req, &rq.visitor().data)
	}
}

// dataDue reports whether data sealed with c should be re-sealed: more
// than half of the idle window used, or sealed under an older key.
func (s *Sessions[T, S]) dataDue(c token.Claims, now time.Time) bool {
	return now.Sub(c.IssuedAt) > s.cfg.VisitorIdle/2 || slot.Stale(s.keys, c, now)
}
