package site

import (
	"net/http"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sessionless/sessionless/middleware"
)

// Bounds of the profile form.
const (
	maxNameLen  = 64
	maxEmailLen = 254 // RFC 5321's path limit
)

// profile is POST /account/profile (behind RequireAuthenticated): the
// form's name and email replace those of the payload in every token the
// visitor holds (Sessions.Update: no new password entry, remember me as it
// was). A browser goes back to /account, which says "Profile saved" once;
// an API caller gets GET /api/me's answer.
//
// The demo keeps no user table: the new name lives in the tokens until
// the next login, which starts again from the account's own.
func (st *site) profile(w http.ResponseWriter, r *http.Request) {
	if !parseForm(w, r) {
		return
	}
	u := st.s.State(r).Data
	name := strings.TrimSpace(r.PostFormValue("name"))
	email := strings.TrimSpace(r.PostFormValue("email"))
	if msg := checkProfile(name, email); msg != "" {
		if !middleware.WantsHTML(r) {
			refuse(w, r, http.StatusUnprocessableEntity, "bad_profile")
			return
		}
		p := st.newPage(w, r, "Account")
		p.Username, p.Name, p.Email = u.Username, name, email // as typed, to correct
		p.Error = msg
		st.render(w, r, http.StatusUnprocessableEntity, "account", p)
		return
	}
	u.Name, u.Email = name, email
	if err := st.s.Update(w, r, u); err != nil {
		st.fail(w, r, "updating the profile", err)
		return
	}
	if !middleware.WantsHTML(r) {
		st.me(w, r)
		return
	}
	if err := st.s.AddFlash(r, middleware.Flash{Kind: "info", Text: "Profile saved"}); err != nil {
		st.log.WarnContext(r.Context(), "site: flash not kept", "err", err)
	}
	http.Redirect(w, r, "/account", http.StatusSeeOther)
}

// checkProfile returns what is wrong with a name and email, or "".
func checkProfile(name, email string) string {
	switch {
	case name == "" || utf8.RuneCountInString(name) > maxNameLen:
		return "The name must be 1 to 64 characters."
	case strings.ContainsFunc(name, func(r rune) bool { return !unicode.IsPrint(r) }):
		return "The name must be printable."
	case len(email) > maxEmailLen || !plainAddress(email):
		return "The email must be a plain address such as alice@example.com."
	}
	return ""
}

// plainAddress reports whether s is an email address alone, without a
// display name or angle brackets.
func plainAddress(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Name == "" && a.Address == s
}
