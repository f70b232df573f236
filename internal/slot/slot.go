// Package slot keeps one sealed value per cookie: opened at most once per
// request and only when asked, changed in memory (sealed at once, so that
// a value too large fails at the call that changed it), and written or
// deleted at most once, when the response header goes out. It serves the
// visitor data, flash messages and one-shot values of package middleware.
package slot

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

// Slot is one cookie and the codec of the values it holds. It is safe for
// concurrent use.
type Slot[V any] struct {
	c      *cookie.Cookie
	codec  *token.Codec[V]
	report func(ctx context.Context, cookie string, err error)
}

// Config describes a Slot.
type Config struct {
	Cookie  cookie.Config
	Purpose string
	// OtherPurposes are those token.Config.OtherPurposes names.
	OtherPurposes []string
	Leeway        time.Duration
	// CacheSize is token.Config.CacheSize: 0 for the default (1024
	// opened tokens kept), negative for none, for values read once.
	CacheSize int
	// Report is told of every cookie that was present but refused.
	Report func(ctx context.Context, cookie string, err error)
}

// New returns the Slot of cfg under the keys of src.
func New[V any](src keyring.Source, cfg Config) (*Slot[V], error) {
	c, err := cookie.New(cfg.Cookie)
	if err != nil {
		return nil, err
	}
	codec, err := token.New[V](src, token.Config{Purpose: cfg.Purpose, MaxLength: min(c.MaxValueLen(), token.MaxLengthLimit), Leeway: cfg.Leeway, OtherPurposes: cfg.OtherPurposes, CacheSize: cfg.CacheSize})
	if err != nil {
		return nil, err
	}
	return &Slot[V]{c: c, codec: codec, report: cfg.Report}, nil
}

// Name returns the cookie's name.
func (s *Slot[V]) Name() string { return s.c.Name() }

// op is what the response does with the cookie.
type op uint8

const (
	keep   op = iota // nothing
	write            // Value.raw, with Value.maxAge
	remove           // delete the cookie
)

// Value is one request's view of a Slot. Its zero value is a value not
// read yet. It is not safe for concurrent use.
type Value[V any] struct {
	read    bool
	present bool // the request carried the cookie, valid or not
	tok     token.Token[V]
	ok      bool // tok holds a valid token
	op      op
	raw     string
	maxAge  time.Duration
}

// Get opens the request's cookie on the first call and returns its token,
// if valid; never nil (a zero token when not valid). A cookie that is present but refused is reported and will be
// deleted with the response, unless a Set replaces it.
func (s *Slot[V]) Get(r *http.Request, v *Value[V], now time.Time) (*token.Token[V], bool) {
	if !v.read {
		v.read = true
		raw, err := s.c.Read(r)
		if errors.Is(err, cookie.ErrNotFound) {
			return &v.tok, false
		}
		v.present = true
		if err == nil {
			var tok *token.Token[V]
			if tok, err = s.codec.Open(raw, now); err == nil {
				v.tok, v.ok = *tok, true
			}
		}
		if err != nil {
			s.report(r.Context(), s.c.Name(), err)
			v.op = remove
		}
	}
	return &v.tok, v.ok
}

// Peek opens the request's cookie without keeping or reporting anything.
func (s *Slot[V]) Peek(r *http.Request, now time.Time) (*token.Token[V], bool) {
	raw, err := s.c.Read(r)
	if err != nil {
		return nil, false
	}
	tok, err := s.codec.Open(raw, now)
	return tok, err == nil
}

// Set seals data with the times of p and queues it for the response, with
// maxAge as in [cookie.Cookie.Write]. On error nothing changes.
func (s *Slot[V]) Set(v *Value[V], p token.Params, data V, maxAge time.Duration) error {
	raw, c, err := s.codec.SealClaims(p, data)
	if err != nil {
		return err
	}
	v.read, v.tok, v.ok = true, token.Token[V]{Claims: c, Data: data}, true
	v.op, v.raw, v.maxAge = write, raw, maxAge
	return nil
}

// Clear queues the deletion of the cookie, if the request carried it.
// r's cookie is looked at only if Get did not run.
func (s *Slot[V]) Clear(r *http.Request, v *Value[V]) {
	if !v.read {
		_, err := s.c.Read(r)
		v.present = !errors.Is(err, cookie.ErrNotFound)
	}
	var zero token.Token[V]
	v.read, v.tok, v.ok, v.raw = true, zero, false, ""
	v.op = keep
	if v.present {
		v.op = remove
	}
}

// Commit writes what the request queued into w's header: a new value or a
// deletion. It must run before the header is written.
func (s *Slot[V]) Commit(w http.ResponseWriter, r *http.Request, v *Value[V]) error {
	switch v.op {
	case write:
		if err := s.c.Write(w, r, v.raw, v.maxAge); err != nil {
			return fmt.Errorf("slot: %s: %w", s.c.Name(), err)
		}
	case remove:
		s.c.Delete(w, r)
	}
	v.op = keep
	return nil
}

// Pending reports whether a Commit has something to write.
func (v *Value[V]) Pending() bool { return v.op != keep }

// Opened reports whether Get, Set or Clear ran for v.
func (v *Value[V]) Opened() bool { return v.read }

// Stale reports whether a token was sealed under a key older than the
// primary one at now, so it should be re-sealed. A key that activates
// later than the primary (pending here, already primary on a server whose
// clock or ring is ahead) is not stale: re-sealing under the older key
// would only make the servers take turns re-sealing each other's tokens.
func Stale(src keyring.Source, c token.Claims, now time.Time) bool {
	ring := src.Current()
	p, err := ring.Primary(now)
	if err != nil || p.ID == c.KeyID {
		return false
	}
	k, ok := ring.Key(c.KeyID)
	return ok && k.Activates.Before(p.Activates)
}

// Reason returns the reason code of an error of reading a cookie
// ([cookie.Cookie.Read]) or opening its token ([token.Codec.Open]): the
// one mapping of every layer's refusals to the project's list.
func Reason(err error) token.Reason {
	switch r := token.ReasonOf(err); {
	case errors.Is(err, cookie.ErrAmbiguous):
		return token.ReasonDuplicate
	case r == token.ReasonNone || r == token.ReasonOther:
		return token.ReasonMalformed // a broken cookie: quoted, bad chunks, empty
	default:
		return r
	}
}

// KeyID returns the id of the key that sealed a token refused for its
// time, or "" when the error does not tell.
func KeyID(err error) string {
	if te := (*token.TimeError)(nil); errors.As(err, &te) {
		return te.Claims.KeyID
	}
	return ""
}

// Log writes the line of a refused cookie: its name, reason and key id,
// never the token. Expired tokens, the everyday case, are logged at Debug
// level; other refusals at Info.
func Log(l *slog.Logger, ctx context.Context, name string, reason token.Reason, kid string) {
	level := slog.LevelInfo
	if reason == token.ReasonExpired {
		level = slog.LevelDebug
	}
	l.LogAttrs(ctx, level, "sessionless: cookie refused",
		slog.String("cookie", name), slog.String("reason", string(reason)), slog.String("kid", kid))
}

// DefaultName returns the cookie name def ("__Host-…"), without its
// "__Host-" prefix under InsecureHTTP, which browsers refuse it without.
func DefaultName(def string, insecureHTTP bool) string {
	if insecureHTTP {
		return strings.TrimPrefix(def, "__Host-")
	}
	return def
}

// CheckNames refuses cookie names that are equal, or of which one could be
// taken for a chunk of another: the cookie package owns name.1 to name.10.
func CheckNames(names ...string) error {
	for i, a := range names {
		for j, b := range names {
			switch {
			case i < j && a == b:
				return fmt.Errorf("the cookie name %q is used twice", a)
			case i != j && strings.HasPrefix(b, a+"."):
				return fmt.Errorf("the cookie name %q could be a chunk of %q", b, a)
			}
		}
	}
	return nil
}
