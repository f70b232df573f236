package site

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"expvar"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"net/url"
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
	// ClockSkew moves this site's clock (the session manager's, which
	// stamps and checks the tokens, and the status line's) ahead of the
	// system's by this much, or behind if negative (the demo's -clock-skew
	// flag): the fleet test (fleet/) runs one server of several with its
	// clock 30 s ahead to show that the tokens' clock leeway absorbs it.
	// Zero in real use.
	ClockSkew time.Duration
}

//go:embed templates/*.html
var templateFS embed.FS

// site is the demo's handler and its parts.
type site struct {
	cfg      Config
	log      *slog.Logger
	m        *remember.Manager[User]
	s        *middleware.Sessions[User, struct{}]
	accounts *accounts
	pages    map[string]*template.Template
	now      func() time.Time
}

// New returns the demo site's handler, CrossOriginProtection and the
// session middleware included.
func New(cfg Config) (http.Handler, error) {
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
	now := time.Now
	if cfg.ClockSkew != 0 {
		now = func() time.Time { return time.Now().Add(cfg.ClockSkew) }
	}
	s, err := middleware.New(cfg.Keys, middleware.Config[User, struct{}]{
		InsecureHTTP: cfg.InsecureHTTP,
		Logger:       cfg.Logger,
		OnReject:     cfg.OnReject,
		Clock:        now,
	})
	if err != nil {
		return nil, err
	}
	m := s.Manager()
	st := &site{cfg: cfg, log: cfg.Logger, m: m, s: s, accounts: acc, now: now}
	if st.pages, err = parsePages(); err != nil {
		return nil, err
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", st.home)
	mux.HandleFunc("GET /login", st.loginForm)
	mux.HandleFunc("POST /login", st.login)
	mux.Handle("GET /account", s.RequireAuthenticated(http.HandlerFunc(st.account)))
	// A fixed window: the page can say exactly when it closes, and an
	// open tab that polls the page cannot keep it open (a sliding window,
	// GitHub's sudo mode, would be RequireFresh(window, true)).
	mux.Handle("GET /account/password", s.RequireFresh(remember.Fixed(cfg.FreshWindow))(http.HandlerFunc(st.password)))
	mux.HandleFunc("GET /reauth", st.reauthForm)
	mux.HandleFunc("POST /reauth", st.reauth)
	mux.HandleFunc("POST /logout", st.logout)
	mux.HandleFunc("GET /api/me", st.me)
	if cfg.DebugVars {
		mux.Handle("GET /debug/vars", loopbackOnly(expvar.Handler()))
	}
	// The order matters: headers on every answer (CrossOriginProtection's
	// 403 included), then the CSRF check before any cookie is read or
	// written, then the sessions.
	return secureHeaders(http.NewCrossOriginProtection().Handler(s.Load(mux))), nil
}

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

// status is the status line of every page.
type status struct {
	Level          string // "anonymous", "remembered" or "authenticated"
	Name           string
	AuthExpiry     time.Time // zero unless authenticated
	AuthTime       time.Time // zero unless authenticated
	AuthEnd        time.Time // auth_time + AuthLifetime: no renewal goes past it
	RememberExpiry time.Time // zero without a valid remember token
	Now            time.Time
}

// Known reports whether the visitor is remembered or authenticated.
func (s status) Known() bool { return s.Level != "anonymous" }

// page is what every template gets.
type page struct {
	Title  string
	Status status
	// Page-specific fields; each template uses a few.
	Error       string
	ReturnTo    string
	Username    string
	KeyID       string
	Remembered  bool
	Fresh       bool
	FreshWindow time.Duration
	FreshUntil  time.Time
	AuthIdle    time.Duration
	AuthLife    time.Duration
	RememberFor time.Duration
	// The cookie names, which lose their __Host- prefix under InsecureHTTP.
	AuthCookie, RememberCookie string
}

func (st *site) newPage(r *http.Request, title string) *page {
	s := st.s.State(r)
	cfg := st.m.Config()
	p := &page{
		Title:          title,
		FreshWindow:    st.cfg.FreshWindow,
		AuthIdle:       cfg.AuthIdle,
		AuthLife:       cfg.AuthLifetime,
		RememberFor:    cfg.RememberLifetime,
		AuthCookie:     cfg.AuthCookie,
		RememberCookie: cfg.RememberCookie,
		Status: status{
			Level: s.Level.String(),
			Name:  s.Data.Name,
			Now:   st.now(),
		},
	}
	if s.Authenticated() {
		p.Status.AuthExpiry = s.Auth.Expiry
		p.Status.AuthTime = s.Auth.AuthTime
		p.Status.AuthEnd = s.Auth.AuthTime.Add(cfg.AuthLifetime)
		p.KeyID = s.Auth.KeyID
		p.FreshUntil = s.Auth.AuthTime.Add(st.cfg.FreshWindow)
		p.Fresh = p.Status.Now.Before(p.FreshUntil)
	}
	if s.RememberMe() {
		p.Status.RememberExpiry = s.Remember.Expiry
		p.Remembered = true
	}
	return p
}

// render writes a page with status code code. The page is rendered into a
// buffer first, so a template error is a clean 500 and not half a page.
func (st *site) render(w http.ResponseWriter, r *http.Request, code int, name string, p *page) {
	var buf bytes.Buffer
	if err := st.pages[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		st.log.ErrorContext(r.Context(), "site: rendering a page", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	w.Write(buf.Bytes())
}

func (st *site) home(w http.ResponseWriter, r *http.Request) {
	st.render(w, r, http.StatusOK, "home", st.newPage(r, "Home"))
}

func (st *site) loginForm(w http.ResponseWriter, r *http.Request) {
	p := st.newPage(r, "Log in")
	p.ReturnTo = middleware.SafeReturnTo(r.URL.Query().Get("return_to"))
	// A remembered visitor's form is pre-filled: what the remember token is for.
	p.Username = st.s.State(r).Data.Username
	st.render(w, r, http.StatusOK, "login", p)
}

// parseForm reads a POST form of at most maxFormBytes, from the body only.
func parseForm(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return false
	}
	return true
}

func (st *site) login(w http.ResponseWriter, r *http.Request) {
	if !parseForm(w, r) {
		return
	}
	returnTo := middleware.SafeReturnTo(r.PostFormValue("return_to"))
	user, ok := st.accounts.check(r.PostFormValue("username"), r.PostFormValue("password"))
	if !ok {
		p := st.newPage(r, "Log in")
		// One message whether the user exists or not.
		p.Error = "Wrong user name or password."
		p.ReturnTo = returnTo
		p.Username = r.PostFormValue("username")
		st.render(w, r, http.StatusUnprocessableEntity, "login", p)
		return
	}
	if _, err := st.m.Login(w, r, user, r.PostFormValue("remember") == "on"); err != nil {
		st.log.ErrorContext(r.Context(), "site: login", "err", err)
		http.Error(w, "cannot log in now", http.StatusInternalServerError)
		return
	}
	http.Redirect(w, r, returnTo, http.StatusSeeOther)
}

func (st *site) account(w http.ResponseWriter, r *http.Request) {
	p := st.newPage(r, "Account")
	p.Username = st.s.State(r).Data.Username
	st.render(w, r, http.StatusOK, "account", p)
}

func (st *site) password(w http.ResponseWriter, r *http.Request) {
	st.render(w, r, http.StatusOK, "password", st.newPage(r, "Change password"))
}

// toLogin redirects to the login page with a return_to.
func toLogin(w http.ResponseWriter, r *http.Request, returnTo string) {
	http.Redirect(w, r, "/login?"+url.Values{"return_to": {returnTo}}.Encode(), http.StatusSeeOther)
}

func (st *site) reauthForm(w http.ResponseWriter, r *http.Request) {
	returnTo := middleware.SafeReturnTo(r.URL.Query().Get("return_to"))
	p := st.newPage(r, "Enter your password")
	if !p.Status.Known() {
		toLogin(w, r, returnTo) // nobody to re-authenticate
		return
	}
	p.ReturnTo = returnTo
	st.render(w, r, http.StatusOK, "reauth", p)
}

func (st *site) reauth(w http.ResponseWriter, r *http.Request) {
	if !parseForm(w, r) {
		return
	}
	returnTo := middleware.SafeReturnTo(r.PostFormValue("return_to"))
	s := st.s.State(r)
	if !s.Known() {
		toLogin(w, r, returnTo)
		return
	}
	if _, ok := st.accounts.check(s.Data.Username, r.PostFormValue("password")); !ok {
		p := st.newPage(r, "Enter your password")
		p.Error = "Wrong password."
		p.ReturnTo = returnTo
		st.render(w, r, http.StatusUnprocessableEntity, "reauth", p)
		return
	}
	if _, err := st.m.Reauthenticate(w, r); err != nil {
		if errors.Is(err, remember.ErrNotKnown) {
			toLogin(w, r, returnTo)
			return
		}
		st.log.ErrorContext(r.Context(), "site: reauthenticate", "err", err)
		http.Error(w, "cannot re-authenticate now", http.StatusInternalServerError)
		return
	}
	http.Redirect(w, r, returnTo, http.StatusSeeOther)
}

func (st *site) logout(w http.ResponseWriter, r *http.Request) {
	st.m.Logout(w, r)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// me is GET /api/me: the visitor's level and name, for every level.
func (st *site) me(w http.ResponseWriter, r *http.Request) {
	s := st.s.State(r)
	v := struct {
		Level string  `json:"level"`
		Name  *string `json:"name"` // null when anonymous
	}{Level: s.Level.String()}
	if s.Known() {
		v.Name = &s.Data.Name
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}
