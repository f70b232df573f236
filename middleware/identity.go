package middleware

import (
	"net/http"

	"github.com/sessionless/sessionless/internal/slot"
	"github.com/sessionless/sessionless/remember"
)

// State returns the visitor's identity: the State [Sessions.Load] read,
// as changed by Login, Update, Reauthenticate and Logout since. Without
// Load it reads the cookies without writing anything. It never returns
// nil.
func (s *Sessions[T, S]) State(r *http.Request) *remember.State[T] {
	if rq := s.from(r); rq != nil {
		return rq.id
	}
	st := new(remember.State[T])
	s.m.LoadInto(st, nil, r)
	return st
}

// writable returns the request state of r, locked (the caller defers
// rq.unlock(), also on error), and the reason a cookie cannot be written
// for it now. Without Load there is nothing to check against, nor to
// lock.
func (s *Sessions[T, S]) writable(r *http.Request) (*request[T, S], error) {
	rq := s.lock(r)
	if rq != nil && rq.rw.wrote.Load() {
		return rq, ErrHeaderWritten
	}
	return rq, nil
}

// Login starts an authenticated session for data, after the application
// checked the password: see [remember.Manager.Login]. With
// [remember.RememberMe] the visitor is also remembered. The visitor data
// is kept (a cart survives login), as are flash messages. State shows the
// new visitor for the rest of the request.
func (s *Sessions[T, S]) Login(w http.ResponseWriter, r *http.Request, data T, p remember.Persistence) error {
	rq, err := s.writable(r)
	defer rq.unlock()
	if err != nil {
		return err
	}
	st, err := s.m.Login(w, r, data, p)
	if err != nil {
		return err
	}
	if rq != nil {
		rq.id = st
	}
	return nil
}

// Update replaces the identity payload in every token the visitor holds,
// after a profile edit: see [remember.Manager.Update] (auth_time, the
// absolute end and the remember expiry are kept; never fresh; never adds
// or removes "remember me"; a visitor who is only remembered stays so).
// State shows the new data for the rest of the request.
func (s *Sessions[T, S]) Update(w http.ResponseWriter, r *http.Request, data T) error {
	rq, err := s.writable(r)
	defer rq.unlock()
	if err != nil {
		return err
	}
	st := s.State(r)
	if err := s.m.Update(w, r, st, data); err != nil {
		return err
	}
	if rq != nil {
		rq.id = st
	}
	return nil
}

// Reauthenticate records a new password entry for the visitor: see
// [remember.Manager.Reauthenticate]. It returns [remember.ErrNotKnown] for
// an anonymous visitor.
func (s *Sessions[T, S]) Reauthenticate(w http.ResponseWriter, r *http.Request) error {
	rq, err := s.writable(r)
	defer rq.unlock()
	if err != nil {
		return err
	}
	st, err := s.m.Reauthenticate(w, r)
	if err != nil {
		return err
	}
	if rq != nil {
		rq.id = st
	}
	return nil
}

// Logout ends the visitor's identity (every identity cookie is deleted)
// and clears the visitor data except what Config.KeepOnLogout keeps
// (written with the response, or at once when no Load wraps the request).
// Flash messages stay, so the next page may say "logged out". Copies of
// the tokens taken earlier stay valid until they expire, unless
// Config.Validate refuses them; serve it behind http.CrossOriginProtection.
func (s *Sessions[T, S]) Logout(w http.ResponseWriter, r *http.Request) error {
	rq, err := s.writable(r)
	defer rq.unlock()
	if err != nil {
		return err
	}
	s.m.Logout(w, r)
	// Without Load, the visitor cookie is written here and now.
	v := new(slot.Value[visitorData[S]])
	if rq != nil {
		rq.id = &remember.State[T]{}
		v = &rq.visitor().data
	}
	var kept S // a visitor without data keeps none
	if s.cfg.KeepOnLogout != nil {
		if tok, ok := s.data.Get(r, v, s.cfg.Clock()); ok {
			kept = s.cfg.KeepOnLogout(tok.Data.Data)
		}
	}
	if err := s.setData(r, v, kept); err != nil {
		return err
	}
	if rq == nil {
		return s.data.Commit(w, r, v)
	}
	return nil
}
