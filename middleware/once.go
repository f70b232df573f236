package middleware

import (
	"errors"
	"fmt"
	"net/http"
	"unicode/utf8"

	"github.com/sessionless/sessionless/internal/slot"
	"github.com/sessionless/sessionless/token"
)

// maxOnceName is the longest name of a one-shot value.
const maxOnceName = 32

// maxOnceNames bounds how many one-shot names keep their slot: an
// application that takes a name from the request must not let visitors
// grow memory one invented name at a time. Beyond it a slot is made for
// the call (a cookie and a codec: no key work).
const maxOnceNames = 64

// ErrOnceName is returned for a one-shot value name that is not 1 to 32
// bytes of [A-Za-z0-9_-].
var ErrOnceName = errors.New("middleware: invalid one-shot value name")

// onceValue is what a one-shot cookie seals: the value and the name it
// was set under, so that it cannot be taken under another name.
type onceValue struct {
	Name  string `json:"n"`
	Value string `json:"v"`
}

// onceSlot returns the slot of the one-shot value name, made on first use
// and kept for the first maxOnceNames names.
func (s *Sessions[T, S]) onceSlot(name string) (*slot.Slot[onceValue], error) {
	if sl, ok := s.once.Load(name); ok {
		return sl.(*slot.Slot[onceValue]), nil
	}
	if len(name) == 0 || len(name) > maxOnceName || !validOnceName(name) {
		return nil, fmt.Errorf("%w: %q", ErrOnceName, name)
	}
	sl, err := slot.New[onceValue](s.keys, s.slotConfig(s.cfg.OnceCookie+"-"+name, PurposeOnce))
	if err != nil || s.onceNames.Load() >= maxOnceNames {
		return sl, err
	}
	got, loaded := s.once.LoadOrStore(name, sl)
	if !loaded {
		s.onceNames.Add(1)
	}
	return got.(*slot.Slot[onceValue]), nil
}

func validOnceName(name string) bool {
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// SetOnce seals value under name into a short-lived browser-session
// cookie of its own (Config.OnceLifetime, 10 minutes by default), for
// [Sessions.TakeOnce] to take back once: an OAuth state and PKCE verifier
// between the redirect to the provider and its callback. The cookie is
// written at once into the response header. It fails, writing nothing,
// for a bad name, a value too large or not valid UTF-8 (wrapping
// [token.ErrData]: encode bytes as base64 or hex), no active key or a
// header already written.
//
// Statelessness cannot make the value single-use: a copy of the cookie
// taken before TakeOnce deleted it opens again until it expires. The
// caller must still check what the value protects: compare the OAuth
// state with the query's in constant time (crypto/subtle), and rely on
// the provider to accept each authorization code once.
func (s *Sessions[T, S]) SetOnce(w http.ResponseWriter, r *http.Request, name, value string) error {
	rq, err := s.writable(r)
	defer rq.unlock()
	if err != nil {
		return err
	}
	sl, err := s.onceSlot(name)
	if err != nil {
		return err
	}
	if !utf8.ValidString(value) {
		// JSON would seal U+FFFD in place of the bad bytes: TakeOnce
		// would give back another value, which no comparison matches.
		return fmt.Errorf("middleware: one-shot value %q: %w: not valid UTF-8 (encode bytes as base64 or hex)", name, token.ErrData)
	}
	now := s.cfg.Clock()
	var v slot.Value[onceValue]
	if err := sl.Set(&v, token.Params{IssuedAt: now, Expiry: now.Add(s.cfg.OnceLifetime)}, onceValue{Name: name, Value: value}, 0); err != nil {
		return fmt.Errorf("middleware: one-shot value %q: %w", name, err)
	}
	return sl.Commit(w, r, &v)
}

// TakeOnce returns the one-shot value set under name and deletes its
// cookie in the response, so that the browser sends it no more. It
// reports false when the request carries none, or one that does not open
// (expired, tampered, set under another name), or when the header was
// already written (the cookie could not be deleted). See
// [Sessions.SetOnce] for what the caller must still check.
func (s *Sessions[T, S]) TakeOnce(w http.ResponseWriter, r *http.Request, name string) (string, bool) {
	rq, err := s.writable(r)
	defer rq.unlock()
	if err != nil {
		return "", false
	}
	sl, err := s.onceSlot(name)
	if err != nil {
		return "", false
	}
	var v slot.Value[onceValue]
	tok, ok := sl.Get(r, &v, s.cfg.Clock())
	got := tok.Data // before Clear empties v
	sl.Clear(r, &v)
	_ = sl.Commit(w, r, &v)
	if !ok || got.Name != name {
		return "", false
	}
	return got.Value, true
}
