package site

import (
	"bytes"
	"net/http"
	"time"

	"github.com/sessionless/sessionless/middleware"
)

// status is the status line of every page.
type status struct {
	Level          string    // "anonymous", "remembered" or "authenticated"
	Name, Email    string    // the payload's
	AuthExpiry     time.Time // zero unless authenticated
	AuthTime       time.Time // zero unless authenticated
	AuthEnd        time.Time // auth_time + AuthLifetime: no renewal goes past it
	RememberExpiry time.Time // zero unless remember me is on for this browser
	Now            time.Time
}

// Known reports whether the visitor is remembered or authenticated.
func (s status) Known() bool { return s.Level != "anonymous" }

// page is what every template gets.
type page struct {
	Title   string
	Status  status
	Flashes []middleware.Flash // shown once, above the content
	Visitor Visitor            // the cart and the theme, for any visitor
	Items   []item             // the shop's catalogue
	// Page-specific fields; each template uses a few.
	Error       string
	ReturnTo    string
	Username    string
	Name        string // the profile form's name
	Email       string // the profile form's email
	KeyID       string
	Remembered  bool
	Fresh       bool
	FreshWindow time.Duration
	FreshUntil  time.Time
	AuthIdle    time.Duration
	AuthLife    time.Duration
	RememberFor time.Duration
	// The cookie names, which lose their __Host- prefix under InsecureHTTP.
	AuthCookie, RememberCookie, VisitorCookie string
}

// CartNames returns the names of the items in the cart, in order.
func (p *page) CartNames() []string {
	out := make([]string, 0, len(p.Visitor.Cart))
	for _, id := range p.Visitor.Cart {
		if it, ok := itemByID(id); ok {
			out = append(out, it.Name)
		}
	}
	return out
}

// newPage fills in what every page shows. It takes the flash messages,
// which are then gone: call it only for a page that is rendered.
func (st *site) newPage(w http.ResponseWriter, r *http.Request, title string) *page {
	s := st.s.State(r)
	cfg := st.s.Manager().Config()
	p := &page{
		Title:          title,
		Flashes:        st.s.Flashes(r),
		Visitor:        st.s.Data(r),
		Items:          catalogue,
		FreshWindow:    st.cfg.FreshWindow,
		AuthIdle:       cfg.AuthIdle,
		AuthLife:       cfg.AuthLifetime,
		RememberFor:    cfg.RememberLifetime,
		AuthCookie:     cfg.AuthCookie,
		RememberCookie: cfg.RememberCookie,
		VisitorCookie:  st.s.Config().VisitorCookie,
		Status: status{
			Level: s.Level.String(),
			Name:  s.Data.Name,
			Email: s.Data.Email,
			Now:   st.now(),
		},
	}
	if s.Authenticated() {
		p.Status.AuthExpiry = s.Auth.Expiry
		p.Status.AuthTime = s.Auth.AuthTime
		p.Status.AuthEnd = s.Auth.AuthTime.Add(cfg.AuthLifetime)
		p.KeyID = s.Auth.KeyID
		p.FreshUntil = s.Auth.AuthTime.Add(st.cfg.FreshWindow)
		p.Fresh = st.s.Fresh(w, r, st.freshWindow()) // a fixed window: writes nothing
	}
	// RememberMe opens the remember token of an authenticated visitor
	// (once, on this call): the pages say the truth about remember me.
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
	st.render(w, r, http.StatusOK, "home", st.newPage(w, r, "Home"))
}

func (st *site) account(w http.ResponseWriter, r *http.Request) {
	p := st.newPage(w, r, "Account")
	u := st.s.State(r).Data
	p.Username, p.Name, p.Email = u.Username, u.Name, u.Email
	st.render(w, r, http.StatusOK, "account", p)
}

func (st *site) password(w http.ResponseWriter, r *http.Request) {
	st.render(w, r, http.StatusOK, "password", st.newPage(w, r, "Change password"))
}
