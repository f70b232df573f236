package site

import (
	"context"
	"embed"
	"errors"
	"expvar"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/sessionless/sessionless/keyring"
	"github.com/sessionless/sessionless/middleware"
	"github.com/sessionless/sessionless/remember"
)

// DefaultFreshWindow is how recently the password must have been entered
// for GET /account/password when [Config.FreshWindow] is zero. It is shorter
// than the library's 15 minutes so that a visitor of the demo sees the
// window close.
const DefaultFreshWindow = 5 * time.Minute

// maxFormBytes bounds the body of a POST: the forms hold a few short fields.
const maxFormBytes = 16 << 10

// Config configures [New]. Only Keys is required.
type Config struct {
	// Keys seal and open the tokens: a *keyring.Live (or Watcher) that
	// follows reloads, or a fixed *keyring.Ring. Required.
	Keys keyring.Source
	// InsecureHTTP is remember.Config.InsecureHTTP: the cookies lose Secure
	// and the __Host- prefix so that they travel over plain HTTP to a host
	// other than localhost. Development only; not needed on loopback.
	InsecureHTTP bool
	// FreshWindow is how recently the password must have been entered for
	// GET /account/password, counted from the entry (a fixed window). If
	// zero, DefaultFreshWindow (5 min).
	FreshWindow time.Duration
	// DebugVars serves the standard library's expvar handler (with the
	// key-usage figures, if published) at GET /debug/vars, to loopback
	// clients only. Set it only when the server listens on loopback.
	DebugVars bool
	// PasswordHash is the bcrypt hash of the demo account's password. If
	// nil, the hash of [Password] at bcrypt's default cost. Tests set a
	// cheaper one.
	PasswordHash []byte
	// Logger receives the library's lines (refused cookies) and the site's.
	// If nil, slog.Default().
	Logger *slog.Logger
	// OnReject is remember.Config.OnReject: called for every cookie that
	// was present but refused. The demo counts them (GET /debug/vars).
	// May be nil.
	OnReject func(context.Context, remember.Rejection)
	// Clock returns the time the site stamps and checks tokens with, and
	// shows on its pages. If nil, time.Now. Tests move it forward instead
	// of sleeping.
	Clock func() time.Time
	// ClockSkew moves this site's clock (the session manager's, which
	// stamps and checks the tokens, and the status line's) ahead of
	// Clock's by this much, or behind if negative (the demo's -clock-skew
	// flag): the fleet test (fleet/) runs one server of several with its
	// clock 30 s ahead to show that the tokens' clock leeway absorbs it.
	// Zero in real use.
	ClockSkew time.Duration
}

//go:embed templates/*.html
var templateFS embed.FS

// sessions is the one session object of the site: the identity payload
// User and the visitor data Visitor.
type sessions = middleware.Sessions[User, Visitor]

// site is the demo's handler and its parts.
type site struct {
	cfg      Config
	log      *slog.Logger
	s        *sessions
	accounts *accounts
	provider *provider
	pages    map[string]*template.Template
	now      func() time.Time
}

// New returns the demo site's handler, CrossOriginProtection and the
// session middleware included.
func New(cfg Config) (http.Handler, error) {
	st, err := newSite(cfg)
	if err != nil {
		return nil, err
	}
	// The order matters: headers on every answer (CrossOriginProtection's
	// 403 included), then the CSRF check before any cookie is read or
	// written, then the sessions.
	return secureHeaders(http.NewCrossOriginProtection().Handler(st.s.Load(st.routes()))), nil
}

// newSite checks cfg, fills in its defaults and builds the site's parts.
func newSite(cfg Config) (*site, error) {
	if cfg.Keys == nil {
		return nil, errors.New("site: Config.Keys is nil")
	}
	if cfg.FreshWindow == 0 {
		cfg.FreshWindow = DefaultFreshWindow
	}
	if cfg.FreshWindow < 0 {
		return nil, fmt.Errorf("site: negative FreshWindow %v", cfg.FreshWindow)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	acc, err := newAccounts(cfg.PasswordHash)
	if err != nil {
		return nil, err
	}
	clock := cfg.Clock
	if clock == nil {
		clock = time.Now
	}
	now := clock
	if skew := cfg.ClockSkew; skew != 0 {
		now = func() time.Time { return clock().Add(skew) }
	}
	s, err := middleware.New(cfg.Keys, middleware.Config[User, Visitor]{
		InsecureHTTP: cfg.InsecureHTTP,
		Logger:       cfg.Logger,
		OnReject:     cfg.OnReject,
		Clock:        now,
		// A theme belongs to the browser, a cart to the person.
		KeepOnLogout: func(v Visitor) Visitor { return Visitor{Theme: v.Theme} },
	})
	if err != nil {
		return nil, err
	}
	st := &site{cfg: cfg, log: cfg.Logger, s: s, accounts: acc, provider: newProvider(now), now: now}
	if st.pages, err = parsePages(); err != nil {
		return nil, err
	}
	return st, nil
}

// routes returns the site's routes (doc.go lists them).
func (st *site) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", st.home)
	mux.HandleFunc("GET /login", st.loginForm)
	mux.HandleFunc("POST /login", st.login)
	mux.Handle("GET /account", st.s.RequireAuthenticated(http.HandlerFunc(st.account)))
	mux.Handle("POST /account/profile", st.s.RequireAuthenticated(http.HandlerFunc(st.profile)))
	// A fixed window: the page can say exactly when it closes, and an
	// open tab that polls the page cannot keep it open (a sliding window,
	// GitHub's sudo mode, would be remember.Sliding).
	mux.Handle("GET /account/password", st.s.RequireFresh(st.freshWindow())(http.HandlerFunc(st.password)))
	mux.HandleFunc("GET /reauth", st.reauthForm)
	mux.HandleFunc("POST /reauth", st.reauth)
	mux.HandleFunc("POST /logout", st.logout)
	mux.HandleFunc("POST /cart", st.addToCart)
	mux.HandleFunc("POST /preferences", st.setPreferences)
	mux.HandleFunc("GET /login/provider", st.loginWithProvider)
	mux.HandleFunc("GET /login/provider/callback", st.providerCallback)
	mux.HandleFunc("GET "+authorizePath, st.provider.authorize)
	mux.HandleFunc("GET /api/me", st.me)
	if st.cfg.DebugVars {
		mux.Handle("GET /debug/vars", loopbackOnly(expvar.Handler()))
	}
	return mux
}

// freshWindow is the window of the sudo route, GET /account/password.
func (st *site) freshWindow() remember.Window { return remember.Fixed(st.cfg.FreshWindow) }

// secureHeaders sets the headers every answer carries: the pages show who
// the visitor is, so nothing is cached, framed or sniffed.
func secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Cache-Control", "no-store")
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// loopbackOnly serves next only to a client on a loopback address that
// names a loopback host, so the figures stay on the machine even if the
// server is reachable otherwise, and a DNS-rebinding page (a foreign host
// name that resolves to 127.0.0.1) cannot read them either.
func loopbackOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isLoopbackHostPort(r.RemoteAddr) || !isLoopbackHostPort(r.Host) {
			http.NotFound(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// isLoopbackHostPort reports whether hostport (with or without a port)
// names a loopback IP address or localhost.
func isLoopbackHostPort(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
