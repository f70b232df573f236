package site

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/sessionless/sessionless/middleware"
)

// Visitor is the demo's visitor data: what any visitor carries, logged in
// or not, in the visitor cookie. The cart belongs to the person (logout
// clears it), the theme to the browser (logout keeps it).
//
// Nothing in it is identity or authorisation: it may have been filled
// before the login, by another tab, or replayed from an older copy of the
// cookie. The cart holds item ids that each request checks against the
// catalogue.
type Visitor struct {
	Cart  []string `json:"c,omitempty"`
	Theme string   `json:"t,omitempty"`
}

// item is a product of the demo's shop.
type item struct{ ID, Name string }

// catalogue is what POST /cart accepts.
var catalogue = []item{
	{"tea", "Earl Grey tea"},
	{"scones", "Scones"},
	{"jam", "Strawberry jam"},
	{"cream", "Clotted cream"},
}

// maxCart bounds the cart: the visitor cookie stays far below its limit.
const maxCart = 20

// themes are the values POST /preferences accepts.
var themes = []string{"light", "dark"}

func itemByID(id string) (item, bool) {
	i := slices.IndexFunc(catalogue, func(it item) bool { return it.ID == id })
	if i < 0 {
		return item{}, false
	}
	return catalogue[i], true
}

// addToCart is POST /cart: one more of the form's item in the visitor's
// cart, anonymous or not.
func (st *site) addToCart(w http.ResponseWriter, r *http.Request) {
	if !parseForm(w, r) {
		return
	}
	id := r.PostFormValue("item")
	if _, ok := itemByID(id); !ok {
		refuse(w, r, http.StatusBadRequest, "unknown_item")
		return
	}
	v := st.s.Data(r)
	if len(v.Cart) >= maxCart {
		refuse(w, r, http.StatusUnprocessableEntity, "cart_full")
		return
	}
	v.Cart = append(slices.Clip(v.Cart), id)
	st.saveVisitor(w, r, v)
}

// setPreferences is POST /preferences: the form's theme, light or dark.
// Setting the theme it already has writes nothing.
func (st *site) setPreferences(w http.ResponseWriter, r *http.Request) {
	if !parseForm(w, r) {
		return
	}
	theme := r.PostFormValue("theme")
	if !slices.Contains(themes, theme) {
		refuse(w, r, http.StatusBadRequest, "unknown_theme")
		return
	}
	v := st.s.Data(r)
	if v.Theme == theme {
		st.back(w, r)
		return
	}
	v.Theme = theme
	st.saveVisitor(w, r, v)
}

// saveVisitor stores v and answers as back does.
func (st *site) saveVisitor(w http.ResponseWriter, r *http.Request, v Visitor) {
	if err := st.s.SetData(r, v); err != nil {
		st.fail(w, r, "saving visitor data", err)
		return
	}
	st.back(w, r)
}

// back answers a form post that changed the visitor: a browser goes back
// to the page it posted from, an API caller gets GET /api/me's answer.
func (st *site) back(w http.ResponseWriter, r *http.Request) {
	if !wantsHTML(r) {
		st.me(w, r)
		return
	}
	http.Redirect(w, r, backTo(r), http.StatusSeeOther)
}

// backTo is the same-site page a form was posted from (its Referer) when
// SafeReturnTo accepts it, else "/". The site's Referrer-Policy
// (same-origin) sends no Referer to other sites.
func backTo(r *http.Request) string {
	ref, err := url.Parse(r.Referer())
	if err != nil || ref.Host != r.Host || ref.User != nil || (ref.Scheme != "http" && ref.Scheme != "https") {
		return "/"
	}
	return middleware.SafeReturnTo(ref.RequestURI())
}

// wantsHTML reports whether the request comes from a browser: its Accept
// header names text/html, as for the library's guards.
func wantsHTML(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept") {
		if strings.Contains(v, "text/html") {
			return true
		}
	}
	return false
}

// refuse answers a form the site does not accept, changing nothing: a
// short text to a browser, {"error": code} to an API caller.
func refuse(w http.ResponseWriter, r *http.Request, status int, code string) {
	if wantsHTML(r) {
		http.Error(w, http.StatusText(status)+": "+code, status)
		return
	}
	writeJSON(w, status, map[string]string{"error": code})
}
