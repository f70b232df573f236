package remember

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/sessionless/sessionless/cookie"
	"github.com/sessionless/sessionless/internal/slot"
	"github.com/sessionless/sessionless/token"
)

// Defaults of [Config], with the reasons for them.
const (
	// DefaultAuthIdle ends an authenticated session after 30 minutes
	// without a request (NIST SP 800-63B rev. 3 §4.2.3, AAL2; OWASP).
	DefaultAuthIdle = 30 * time.Minute
	// DefaultAuthLifetime ends an authenticated session 12 hours after the
	// password was entered, however active (NIST SP 800-63B rev. 3
	// §4.2.3, AAL2).
	DefaultAuthLifetime = 12 * time.Hour
	// DefaultRememberLifetime is how long a visitor is remembered: 30 days
	// (NIST SP 800-63B rev. 3 §4.1.3, AAL1).
	DefaultRememberLifetime = 30 * 24 * time.Hour
	// MaxRememberLifetime is the longest remember lifetime: RFC 6265bis
	// lets browsers cap cookies at 400 days ([cookie.MaxAgeLimit]).
	MaxRememberLifetime = cookie.MaxAgeLimit
	// DefaultFreshWindow is the window of [Manager.Fresh] when given 0:
	// 15 minutes, between OWASP's guidance and GitHub's 2 hours.
	DefaultFreshWindow = 15 * time.Minute
	// DefaultLeeway tolerates clock differences between servers (iron,
	// Fernet).
	DefaultLeeway = token.DefaultLeeway

	// Default cookie names: the __Host- prefix pins them to this host,
	// path / and HTTPS (RFC 6265bis).
	DefaultAuthCookie     = "__Host-auth"
	DefaultRememberCookie = "__Host-remember"
	DefaultFreshCookie    = "__Host-fresh"

	// Purposes of the tokens: each is sealed under keys derived for its
	// purpose, so one never opens as another. With [Config.App] set, each
	// is namespaced by [AppPurpose].
	PurposeAuth     = "auth"
	PurposeRemember = "remember"
	PurposeFresh    = "fresh"

	// MaxAppLen is the longest [Config.App].
	MaxAppLen = 48
)

// ErrConfig is wrapped by every error of [New].
var ErrConfig = errors.New("remember: invalid config")

// Config configures a [Manager]. Its zero value gives the defaults above;
// every field is optional.
type Config[T any] struct {
	// App, if set, namespaces every purpose (see [AppPurpose]), so that
	// two applications sharing one keyring never open each other's tokens.
	// If empty, the purposes are "auth", "remember" and "fresh", which is
	// what tokens sealed before App existed were sealed for. At most
	// MaxAppLen (48) bytes of [A-Za-z0-9_-]: no dot.
	App string

	// AuthIdle is how long an authenticated session lasts without a
	// request. If zero, DefaultAuthIdle (30 min). At least a minute, at
	// most AuthLifetime.
	AuthIdle time.Duration
	// AuthLifetime is how long an authenticated session lasts after the
	// password was entered, however active. If zero, DefaultAuthLifetime
	// (12 h).
	AuthLifetime time.Duration
	// RememberLifetime is how long a visitor who ticked "remember me" is
	// recognised. If zero, DefaultRememberLifetime (30 days); at most
	// MaxRememberLifetime (400 days).
	RememberLifetime time.Duration
	// FreshWindow is the window [Manager.Fresh] uses when given 0. If
	// zero, DefaultFreshWindow (15 min).
	FreshWindow time.Duration
	// Leeway tolerates clock differences between servers when checking
	// expiry. If zero, DefaultLeeway (60 s); negative means none.
	Leeway time.Duration

	// SameSite of every cookie. If zero, Lax, which lets a visitor arrive
	// logged in from a link in an e-mail; Strict is allowed; None is an
	// error. Protect state-changing requests with http.CrossOriginProtection.
	SameSite http.SameSite
	// Cookie names. If empty, DefaultAuthCookie, DefaultRememberCookie and
	// DefaultFreshCookie ("__Host-auth", "__Host-remember", "__Host-fresh"),
	// or the same without "__Host-" when InsecureHTTP is set.
	AuthCookie, RememberCookie, FreshCookie string
	// MaxChunks bounds how many cookies one token may be split into when it
	// is too large for one. If zero, 4.
	MaxChunks int
	// InsecureHTTP drops the Secure attribute, so the cookies also travel
	// over plain HTTP to hosts other than localhost. Development only:
	// anyone on the network can then read and replay them. Browsers treat
	// http://localhost and http://127.0.0.1 as secure already, so local
	// development does not need it. New logs a warning when it is set.
	InsecureHTTP bool

	// Validate, if set, is called with every token that opened (auth and
	// remember) before it counts; an error means no session. Use it to
	// compare a per-user session version sealed in T with the one the
	// application stores, so that a password change or "log out
	// everywhere" invalidates every older token without a session store.
	//
	// A panic in Validate or OnReject is not recovered: it is a bug of the
	// application's, and it propagates to the caller of Load (or of the
	// guard) like a panic in a handler, which net/http's server recovers
	// per connection and logs. Nothing has been written for that cookie
	// yet when Validate runs. Recovering it here would serve the request
	// as if the hook had said yes or no, which neither is safe to assume.
	Validate func(ctx context.Context, data T, claims token.Claims) error
	// OnReject, if set, is called for every cookie that was present but
	// refused, with the reason; never with the token. A panic in it
	// propagates (see Validate).
	OnReject func(ctx context.Context, rej Rejection)
	// Logger receives a line for every refused cookie (reason and cookie
	// name only) and the InsecureHTTP warning. If nil, slog.Default().
	// Expired tokens, the everyday case, are logged at Debug level; other
	// refusals at Info.
	Logger *slog.Logger
	// Clock returns the time at which tokens are stamped (iat, exp,
	// auth_time) and checked. If nil, time.Now. Set it in tests and
	// simulations; in production the servers' clocks differ by at most
	// Leeway, which the tokens absorb.
	Clock func() time.Time
}

// fill returns cfg with its defaults filled in, or an error.
func (cfg Config[T]) fill() (Config[T], error) {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&cfg.AuthIdle, DefaultAuthIdle)
	def(&cfg.AuthLifetime, DefaultAuthLifetime)
	def(&cfg.RememberLifetime, DefaultRememberLifetime)
	def(&cfg.FreshWindow, DefaultFreshWindow)
	def(&cfg.Leeway, DefaultLeeway)
	switch {
	case cfg.App != "" && !ValidApp(cfg.App):
		return cfg, fmt.Errorf("%w: App %q: want [A-Za-z0-9_-]{1,%d}", ErrConfig, cfg.App, MaxAppLen)
	case cfg.AuthIdle < time.Minute:
		return cfg, fmt.Errorf("%w: AuthIdle %v is shorter than a minute", ErrConfig, cfg.AuthIdle)
	case cfg.AuthLifetime < cfg.AuthIdle:
		return cfg, fmt.Errorf("%w: AuthLifetime %v is shorter than AuthIdle %v", ErrConfig, cfg.AuthLifetime, cfg.AuthIdle)
	case cfg.AuthLifetime > MaxRememberLifetime:
		return cfg, fmt.Errorf("%w: AuthLifetime %v is longer than %v", ErrConfig, cfg.AuthLifetime, MaxRememberLifetime)
	case cfg.RememberLifetime < time.Minute:
		return cfg, fmt.Errorf("%w: RememberLifetime %v is negative or shorter than a minute", ErrConfig, cfg.RememberLifetime)
	case cfg.RememberLifetime > MaxRememberLifetime:
		return cfg, fmt.Errorf("%w: RememberLifetime %v is longer than 400 days, the most browsers keep a cookie (RFC 6265bis)", ErrConfig, cfg.RememberLifetime)
	case cfg.FreshWindow < 0:
		return cfg, fmt.Errorf("%w: FreshWindow %v is negative", ErrConfig, cfg.FreshWindow)
	case cfg.Leeway > token.MaxLeeway:
		return cfg, fmt.Errorf("%w: Leeway %v is more than %v", ErrConfig, cfg.Leeway, token.MaxLeeway)
	}
	name := func(n *string, def string) {
		if *n == "" {
			*n = slot.DefaultName(def, cfg.InsecureHTTP)
		}
	}
	name(&cfg.AuthCookie, DefaultAuthCookie)
	name(&cfg.RememberCookie, DefaultRememberCookie)
	name(&cfg.FreshCookie, DefaultFreshCookie)
	if err := slot.CheckNames(cfg.AuthCookie, cfg.RememberCookie, cfg.FreshCookie); err != nil {
		return cfg, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	if cfg.SameSite == 0 || cfg.SameSite == http.SameSiteDefaultMode {
		cfg.SameSite = http.SameSiteLaxMode
	}
	if cfg.MaxChunks == 0 {
		cfg.MaxChunks = cookie.DefaultMaxChunks
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return cfg, nil
}

// ValidApp reports whether app may be a [Config.App]: 1 to MaxAppLen bytes
// of ASCII letters, digits, '_' and '-'.
func ValidApp(app string) bool {
	if len(app) == 0 || len(app) > MaxAppLen {
		return false
	}
	for i := 0; i < len(app); i++ {
		c := app[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// AppPurpose returns the purpose under which application app seals the
// tokens of purpose: app + "." + purpose, or purpose itself when app is
// empty. The library's own purposes ("auth", "remember", "fresh", and
// middleware's "visitor", "flash", "once") hold no dot and an App holds
// none either, so the result names exactly one (app, purpose) pair: two
// applications never share a purpose, and no namespaced purpose equals an
// un-namespaced one. Use it to name the purpose for tokengen.
func AppPurpose(app, purpose string) string {
	return slot.AppPurpose(app, purpose)
}
