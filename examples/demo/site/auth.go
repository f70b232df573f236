package site

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/sessionless/sessionless/middleware"
	"github.com/sessionless/sessionless/remember"
)

func (st *site) loginForm(w http.ResponseWriter, r *http.Request) {
	p := st.newPage(w, r, "Log in")
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
		p := st.newPage(w, r, "Log in")
		// One message whether the user exists or not.
		p.Error = "Wrong user name or password."
		p.ReturnTo = returnTo
		p.Username = r.PostFormValue("username")
		st.render(w, r, http.StatusUnprocessableEntity, "login", p)
		return
	}
	persist := remember.SessionOnly
	if r.PostFormValue("remember") == "on" {
		persist = remember.RememberMe
	}
	// Login keeps the visitor data: the cart and the theme survive it.
	if err := st.s.Login(w, r, user, persist); err != nil {
		st.fail(w, r, "login", err)
		return
	}
	http.Redirect(w, r, returnTo, http.StatusSeeOther)
}

// fail answers 500 for an error of the session library (no active key,
// say), which the log names.
func (st *site) fail(w http.ResponseWriter, r *http.Request, what string, err error) {
	st.log.ErrorContext(r.Context(), "site: "+what, "err", err)
	http.Error(w, "cannot do that now", http.StatusInternalServerError)
}

// toLogin redirects to the login page with a return_to.
func toLogin(w http.ResponseWriter, r *http.Request, returnTo string) {
	http.Redirect(w, r, "/login?"+url.Values{"return_to": {returnTo}}.Encode(), http.StatusSeeOther)
}

func (st *site) reauthForm(w http.ResponseWriter, r *http.Request) {
	returnTo := middleware.SafeReturnTo(r.URL.Query().Get("return_to"))
	if !st.s.State(r).Known() {
		toLogin(w, r, returnTo) // nobody to re-authenticate
		return
	}
	p := st.newPage(w, r, "Enter your password")
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
		p := st.newPage(w, r, "Enter your password")
		p.Error = "Wrong password."
		p.ReturnTo = returnTo
		st.render(w, r, http.StatusUnprocessableEntity, "reauth", p)
		return
	}
	if err := st.s.Reauthenticate(w, r); err != nil {
		if errors.Is(err, remember.ErrNotKnown) {
			toLogin(w, r, returnTo)
			return
		}
		st.fail(w, r, "reauthenticate", err)
		return
	}
	http.Redirect(w, r, returnTo, http.StatusSeeOther)
}

// logout ends the identity; the visitor data keeps only the theme
// (Config.KeepOnLogout in newSite).
func (st *site) logout(w http.ResponseWriter, r *http.Request) {
	if err := st.s.Logout(w, r); err != nil {
		st.fail(w, r, "logout", err)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}
