package middleware

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sessionless/sessionless/cookie"
	"github.com/sessionless/sessionless/internal/slot"
	"github.com/sessionless/sessionless/keyring"
	"github.com/sessionless/sessionless/remember"
)

// Sessions is everything a handler needs: the visitor's identity (State,
// Login, Update, Reauthenticate, Logout), the guards, the visitor data,
// flash messages and one-shot values. T is the identity payload, S the
// visitor data. It is safe for concurrent use.
type Sessions[T, S any] struct {
	cfg   Config[T, S]
	keys  keyring.Source
	m     *remember.Manager[T]
	data  *slot.Slot[visitorData[S]]
	flash *slot.Slot[[]waiting]
	once  sync.Map // name → *slot.Slot[onceValue]
	// onceNames counts the names in once (at most maxOnceNames).
	onceNames atomic.Int32
	key       *sessionKey
	// flashEnd is how long a flash message lives after it was added:
	// FlashLifetime and the identity's leeway, as its token would.
	flashEnd time.Duration
}

// New returns the Sessions of the keys of src. cfg's zero value gives the
// documented defaults; New fails (wrapping [ErrConfig]) on settings out of
// range.
func New[T, S any](src keyring.Source, cfg Config[T, S]) (*Sessions[T, S], error) {
	cfg, err := cfg.fill()
	if err != nil {
		return nil, err
	}
	m, err := remember.New(src, cfg.identity())
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	id := m.Config()
	if err := checkNames(id.AuthCookie, id.RememberCookie, id.FreshCookie, cfg.VisitorCookie, cfg.FlashCookie, cfg.OnceCookie); err != nil {
		return nil, err
	}
	s := &Sessions[T, S]{cfg: cfg, keys: src, m: m, key: new(sessionKey), flashEnd: cfg.FlashLifetime + max(id.Leeway, 0)}
	if s.data, err = slot.New[visitorData[S]](src, s.slotConfig(cfg.VisitorCookie, PurposeVisitor)); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	if s.flash, err = slot.New[[]waiting](src, s.slotConfig(cfg.FlashCookie, PurposeFlash)); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	// A one-shot value named n lives in OnceCookie-n: check that the
	// prefix makes a valid cookie name.
	if _, err := slot.New[onceValue](src, s.slotConfig(cfg.OnceCookie+"-n", PurposeOnce)); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	return s, nil
}

// slotConfig describes the cookie name, sealed for purpose.
func (s *Sessions[T, S]) slotConfig(name, purpose string) slot.Config {
	cfg := s.cfg
	return slot.Config{
		Cookie:        cookie.Config{Name: name, SameSite: cfg.SameSite, MaxChunks: cfg.MaxChunks, InsecureHTTP: cfg.InsecureHTTP, Logger: discard},
		Purpose:       remember.AppPurpose(cfg.App, purpose),
		OtherPurposes: slot.OtherPurposes(cfg.App, purpose),
		Leeway:        cfg.Leeway,
		CacheSize:     cacheSize[purpose],
		Report:        s.report,
	}
}

// cacheSize is the token.Config.CacheSize of each visitor purpose.
// Visitor data is read on many requests with one token, so the codec's
// cache of opened tokens pays (the default). Flash messages and one-shot
// values are read once and deleted: caching them would only keep them
// (an OAuth state, a PKCE verifier) in memory.
var cacheSize = map[string]int{PurposeVisitor: 0, PurposeFlash: -1, PurposeOnce: -1}

// discard keeps the cookie package's InsecureHTTP warning to the one that
// package remember logs.
var discard = slog.New(slog.DiscardHandler)

// report hands a refused visitor cookie to Config.OnReject and the log,
// as package remember does with the identity cookies.
func (s *Sessions[T, S]) report(ctx context.Context, name string, err error) {
	rej := remember.Rejection{Cookie: name, Reason: slot.Reason(err), KeyID: slot.KeyID(err), Err: err}
	if s.cfg.OnReject != nil {
		s.cfg.OnReject(ctx, rej)
	}
	slot.Log(s.cfg.Logger, ctx, rej.Cookie, rej.Reason, rej.KeyID)
}

// Config returns the configuration with its defaults filled in (those of
// the identity are in Manager().Config()).
func (s *Sessions[T, S]) Config() Config[T, S] { return s.cfg }

// Manager returns the identity manager, for code outside net/http
// handlers (tests, tools).
func (s *Sessions[T, S]) Manager() *remember.Manager[T] { return s.m }

// sessionKey is the context key of the request state of one Sessions:
// each has its own (its address is the key; the byte keeps two of them
// from sharing one). Two Sessions of the same types (two App names in one
// handler chain) thus never read each other's state: a guard of one must
// not pass the visitor of the other. anyKey finds the nearest of any
// Sessions, for FromContext.
type (
	sessionKey struct{ _ byte }
	anyKey     struct{}
)

// request is what Load keeps for one request, in one allocation: the
// context node that carries it, the identity State and the response
// writer that writes the visitor cookies with the header. The visitor
// values come in an allocation of their own when a handler first asks,
// so that a request that does not pays nothing for them.
type request[T, S any] struct {
	context.Context
	s   *Sessions[T, S]
	id  *remember.State[T] // st, or the State of a Login, Reauthenticate or Logout since
	st  remember.State[T]
	req *http.Request // the request that carries this context
	rw  responseWriter[T, S]
	vis *visitorState[S]
	// vary backs the response's "Vary: Cookie" header value.
	vary [1]string
	// mu keeps the calls that touch vis or rw.wrote apart from the
	// writer's commit, which may run on another goroutine than the
	// handler's (http.TimeoutHandler inside Load answers 503 from its own).
	mu sync.Mutex
}

// lock returns the request state of r, locked, or nil.
func (s *Sessions[T, S]) lock(r *http.Request) *request[T, S] {
	rq := s.from(r)
	if rq != nil {
		rq.mu.Lock()
	}
	return rq
}

// unlock unlocks what lock locked; nil is no request.
func (rq *request[T, S]) unlock() {
	if rq != nil {
		rq.mu.Unlock()
	}
}

// visitorState is the request's view of the visitor data and flash
// cookies.
type visitorState[S any] struct {
	data  slot.Value[visitorData[S]]
	flash slot.Value[[]waiting]
	// flashesTaken: Flashes ran, so the incoming flashes are not kept.
	flashesTaken bool
}

// visitor returns the request's visitor state, making it on first use.
func (c *request[T, S]) visitor() *visitorState[S] {
	if c.vis == nil {
		c.vis = new(visitorState[S])
	}
	return c.vis
}

// Value returns the request state for anyKey and for its Sessions' key,
// and asks the parent context for any other key.
func (c *request[T, S]) Value(key any) any {
	switch k := key.(type) {
	case *sessionKey:
		if k == c.s.key {
			return c
		}
	case anyKey:
		return c
	}
	return c.Context.Value(key)
}

// identity is how FromContext finds the State whatever S is.
func (c *request[T, S]) identity() *remember.State[T] { return c.id }

// from returns the request state that Load put in r's context, or nil.
func (s *Sessions[T, S]) from(r *http.Request) *request[T, S] {
	rq, _ := r.Context().Value(s.key).(*request[T, S])
	return rq
}

// FromContext returns the identity State that the innermost
// [Sessions.Load] put in ctx, or nil if there is none (or it is of another
// payload type). With several Sessions in one handler chain, prefer
// [Sessions.State], which reads its own.
func FromContext[T any](ctx context.Context) *remember.State[T] {
	if rq, ok := ctx.Value(anyKey{}).(interface{ identity() *remember.State[T] }); ok {
		return rq.identity()
	}
	return nil
}

// Load reads the request's identity once and passes it on in the context,
// renewing the auth token and clearing refused cookies in the response;
// it hands the handler a ResponseWriter that writes the visitor data and
// flash cookies, when they changed, just before the header. Every
// response gets "Vary: Cookie", since what the handlers show depends on
// the cookies. Load inside a Load of the same Sessions reads nothing
// twice; inside another Sessions' Load it reads its own cookies.
//
// The writer keeps http.ResponseController working (Flush, Hijack,
// deadlines): it implements Flush, Hijack and Unwrap. It is safe for a
// handler wrapped in http.TimeoutHandler, whose timeout answer comes from
// another goroutine: a change after that answer is [ErrHeaderWritten].
func (s *Sessions[T, S]) Load(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.from(r) != nil {
			next.ServeHTTP(w, r)
			return
		}
		rq := &request[T, S]{Context: r.Context(), s: s}
		if h := w.Header(); len(h["Vary"]) == 0 {
			// The common case, without an allocation of its own: the
			// value lives in the request state (capacity 1, so that an
			// append copies it).
			rq.vary[0] = "Cookie"
			h["Vary"] = rq.vary[:1:1]
		} else {
			cookie.Vary(h)
		}
		rq.rw = responseWriter[T, S]{ResponseWriter: w, rq: rq}
		s.m.LoadInto(&rq.st, w, r)
		rq.id = &rq.st
		rq.req = r.WithContext(rq)
		next.ServeHTTP(&rq.rw, rq.req)
		rq.rw.commit()
	})
}
