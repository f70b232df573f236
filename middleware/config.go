package middleware

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/sessionless/sessionless/internal/slot"
	"github.com/sessionless/sessionless/remember"
	"github.com/sessionless/sessionless/token"
)

// Defaults of [Config] beside those of package remember (identity, shared
// cookie settings), with the reasons for them.
const (
	DefaultLoginURL      = "/login"
	DefaultReauthURL     = "/reauth"
	DefaultReturnToParam = "return_to"

	// DefaultVisitorIdle ends visitor data 30 days after the last request
	// that read or changed it (as long as a remembered visitor lasts).
	DefaultVisitorIdle = 30 * 24 * time.Hour
	// DefaultVisitorLifetime ends visitor data a year after it was first
	// written, however active: what a cart or a preference carries over is
	// bounded.
	DefaultVisitorLifetime = 365 * 24 * time.Hour
	// DefaultFlashLifetime is how long a flash message waits to be shown:
	// 30 minutes, time for a redirect through a login page.
	DefaultFlashLifetime = 30 * time.Minute
	// DefaultOnceLifetime is how long a one-shot value waits to be taken:
	// 10 minutes, time for a round trip through an OAuth provider.
	DefaultOnceLifetime = 10 * time.Minute

	// Default cookie names; without "__Host-" under InsecureHTTP. A
	// one-shot value named n lives in the cookie DefaultOnceCookie + "-" + n.
	DefaultVisitorCookie = "__Host-visitor"
	DefaultFlashCookie   = "__Host-flash"
	DefaultOnceCookie    = "__Host-once"

	// Purposes of the visitor tokens, namespaced by Config.App like the
	// identity ones (see [remember.AppPurpose]).
	PurposeVisitor = "visitor"
	PurposeFlash   = "flash"
	PurposeOnce    = "once"
)

// Error codes of the JSON answers to API callers.
const (
	CodeLoginRequired  = "login_required"  // 401: log in
	CodeReauthRequired = "reauth_required" // 403: enter the password again
)

var (
	// ErrConfig is wrapped by every error of [New].
	ErrConfig = errors.New("middleware: invalid config")
	// ErrHeaderWritten is returned by a call that would change a cookie
	// after the response header went out: the change cannot reach the
	// browser, so it is refused rather than lost silently.
	ErrHeaderWritten = errors.New("middleware: the response header was already written")
	// ErrNotLoaded is returned by a call that changes visitor data, flash
	// or one-shot values in a request that [Sessions.Load] did not wrap.
	ErrNotLoaded = errors.New("middleware: the request did not go through Sessions.Load")
)

// Config configures [New]. Its zero value is the secure default; every
// field is optional. T is the identity payload (who the visitor is), S the
// visitor data (what any visitor carries: a cart, a theme).
type Config[T, S any] struct {
	// App, if set, namespaces every purpose (see [remember.AppPurpose]) so
	// that two applications sharing one keyring never open each other's
	// tokens. If empty, the purposes are "auth", "remember", "fresh",
	// "visitor", "flash" and "once". [A-Za-z0-9_-]{1,48}.
	App string

	// AuthIdle, AuthLifetime, RememberLifetime, FreshWindow and Leeway are
	// those of [remember.Config]: if zero, 30 min, 12 h, 30 days, 15 min
	// and 60 s.
	AuthIdle, AuthLifetime, RememberLifetime, FreshWindow, Leeway time.Duration
	// Validate is [remember.Config.Validate]: called with every identity
	// token that opened; an error means no session.
	Validate func(ctx context.Context, data T, claims token.Claims) error

	// VisitorIdle is how long visitor data lasts without a request that
	// reads or changes it. If zero, DefaultVisitorIdle (30 days).
	VisitorIdle time.Duration
	// VisitorLifetime is how long visitor data lasts after it was first
	// written, however active. If zero, DefaultVisitorLifetime (365
	// days); at most 400 days.
	VisitorLifetime time.Duration
	// KeepOnLogout returns what of the visitor data survives [Sessions.Logout]
	// (a theme belongs to the browser, a cart to the person). If nil,
	// Logout clears it all.
	KeepOnLogout func(S) S
	// FlashLifetime bounds how long a flash message waits to be shown. If
	// zero, DefaultFlashLifetime (30 min).
	FlashLifetime time.Duration
	// OnceLifetime bounds how long a one-shot value waits to be taken. If
	// zero, DefaultOnceLifetime (10 min).
	OnceLifetime time.Duration

	// LoginURL is where an anonymous browser is sent. If empty, "/login".
	// It must be a same-site path (see SafeReturnTo); it may have a query.
	LoginURL string
	// ReauthURL is where a remembered browser, or one whose password entry
	// is too old for a route, is sent to enter the password again. If
	// empty, "/reauth".
	ReauthURL string
	// ReturnToParam is the name of the query parameter that carries the
	// place to return to. If empty, "return_to".
	ReturnToParam string

	// Cookie names. If empty, those of package remember ("__Host-auth",
	// "__Host-remember", "__Host-fresh") and DefaultVisitorCookie,
	// DefaultFlashCookie, DefaultOnceCookie; without "__Host-" under
	// InsecureHTTP.
	AuthCookie, RememberCookie, FreshCookie, VisitorCookie, FlashCookie, OnceCookie string
	// SameSite of every cookie. If zero, Lax; Strict is allowed; None is an
	// error.
	SameSite http.SameSite
	// MaxChunks bounds how many cookies one token may be split into. If
	// zero, 4.
	MaxChunks int
	// InsecureHTTP drops the Secure attribute and the "__Host-" prefix:
	// development over plain HTTP only (see [remember.Config.InsecureHTTP]).
	InsecureHTTP bool

	// OnReject, if set, is called for every cookie that was present but
	// refused, with the reason; never with the token. A panic in it, or in
	// Validate, is not recovered (see [remember.Config.OnReject]).
	OnReject func(ctx context.Context, rej remember.Rejection)
	// Logger receives a line for every refused cookie and the InsecureHTTP
	// warning. If nil, slog.Default().
	Logger *slog.Logger
	// Clock returns the time tokens are stamped and checked with. If nil,
	// time.Now.
	Clock func() time.Time
}

// identity returns the remember.Config of cfg.
func (cfg Config[T, S]) identity() remember.Config[T] {
	return remember.Config[T]{
		App: cfg.App, AuthIdle: cfg.AuthIdle, AuthLifetime: cfg.AuthLifetime,
		RememberLifetime: cfg.RememberLifetime, FreshWindow: cfg.FreshWindow, Leeway: cfg.Leeway,
		SameSite: cfg.SameSite, AuthCookie: cfg.AuthCookie, RememberCookie: cfg.RememberCookie,
		FreshCookie: cfg.FreshCookie, MaxChunks: cfg.MaxChunks, InsecureHTTP: cfg.InsecureHTTP,
		Validate: cfg.Validate, OnReject: cfg.OnReject, Logger: cfg.Logger, Clock: cfg.Clock,
	}
}

// fill returns cfg with the defaults of the fields that package remember
// does not check, or an error.
func (cfg Config[T, S]) fill() (Config[T, S], error) {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&cfg.VisitorIdle, DefaultVisitorIdle)
	def(&cfg.VisitorLifetime, DefaultVisitorLifetime)
	def(&cfg.FlashLifetime, DefaultFlashLifetime)
	def(&cfg.OnceLifetime, DefaultOnceLifetime)
	switch {
	case cfg.VisitorIdle < time.Minute || cfg.VisitorIdle > cfg.VisitorLifetime:
		return cfg, fmt.Errorf("%w: VisitorIdle %v must be at least a minute and at most VisitorLifetime %v", ErrConfig, cfg.VisitorIdle, cfg.VisitorLifetime)
	case cfg.VisitorLifetime > remember.MaxRememberLifetime:
		return cfg, fmt.Errorf("%w: VisitorLifetime %v is longer than 400 days, the most browsers keep a cookie", ErrConfig, cfg.VisitorLifetime)
	case cfg.FlashLifetime < time.Second || cfg.OnceLifetime < time.Second:
		return cfg, fmt.Errorf("%w: FlashLifetime %v and OnceLifetime %v must be at least a second", ErrConfig, cfg.FlashLifetime, cfg.OnceLifetime)
	}
	name := func(n *string, def string) {
		if *n == "" {
			*n = slot.DefaultName(def, cfg.InsecureHTTP)
		}
	}
	name(&cfg.VisitorCookie, DefaultVisitorCookie)
	name(&cfg.FlashCookie, DefaultFlashCookie)
	name(&cfg.OnceCookie, DefaultOnceCookie)
	if cfg.LoginURL == "" {
		cfg.LoginURL = DefaultLoginURL
	}
	if cfg.ReauthURL == "" {
		cfg.ReauthURL = DefaultReauthURL
	}
	if cfg.ReturnToParam == "" {
		cfg.ReturnToParam = DefaultReturnToParam
	}
	for _, u := range []string{cfg.LoginURL, cfg.ReauthURL} {
		if SafeReturnTo(u) != u {
			return cfg, fmt.Errorf("%w: login and reauth URLs must be same-site paths such as /login", ErrConfig)
		}
	}
	if url.QueryEscape(cfg.ReturnToParam) != cfg.ReturnToParam {
		return cfg, fmt.Errorf("%w: ReturnToParam must need no escaping", ErrConfig)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	return cfg, nil
}

// checkNames refuses cookie names that equal, or could be taken for a
// chunk of, another, and names that begin with the one-shot cookies'
// prefix (once, the last name) and a dash.
func checkNames(names ...string) error {
	if err := slot.CheckNames(names...); err != nil {
		return fmt.Errorf("%w: %w", ErrConfig, err)
	}
	once := names[len(names)-1]
	for _, n := range names[:len(names)-1] {
		if strings.HasPrefix(n, once+"-") {
			return fmt.Errorf("%w: the cookie name %q could be a one-shot cookie of %q", ErrConfig, n, once)
		}
	}
	return nil
}
