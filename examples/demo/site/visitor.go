package site

import (
	"net/http"
	"slices"

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
// to the page it posted from (the same-site Referer, as the guards'
// return_to; the site's Referrer-Policy sends none to other sites), an
// API caller (no text/html in Accept, as for the guards) gets GET
// /api/me's answer.
func (st *site) back(w http.ResponseWriter, r *http.Request) {
	if !middleware.WantsHTML(r) {
		st.me(w, r)
		return
	}
	http.Redirect(w, r, middleware.ReturnTo(r), http.StatusSeeOther)
}

// refuse answers a form the site does not accept, changing nothing: a
// short text to a browser, {"error": code} to an API caller.
func refuse(w http.ResponseWriter, r *http.Request, status int, code string) {
	if middleware.WantsHTML(r) {
		http.Error(w, http.StatusText(status)+": "+code, status)
		return
	}
	writeJSON(w, status, map[string]string{"error": code})
}
