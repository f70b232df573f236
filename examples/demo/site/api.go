package site

import (
	"encoding/json"
	"net/http"
)

// Me is the answer of GET /api/me: the visitor as the cookies of the
// request say. Reading it writes no cookie.
type Me struct {
	// Level is "anonymous", "remembered" or "authenticated".
	Level string `json:"level"`
	// Name and Email are the payload's; null when anonymous.
	Name  *string `json:"name"`
	Email *string `json:"email"`
	// Remembered reports whether remember me is on for this browser, for
	// authenticated visitors too.
	Remembered bool `json:"remembered"`
	// Fresh reports whether the sudo route (GET /account/password) would
	// open now without asking for the password.
	Fresh bool `json:"fresh"`
	// Cart holds the item ids in the visitor's cart, for any visitor;
	// [] when empty.
	Cart []string `json:"cart"`
	// Theme is "light" or "dark", or "" until the visitor chose one.
	Theme string `json:"theme"`
}

// me is GET /api/me, and the answer to API callers of the forms.
func (st *site) me(w http.ResponseWriter, r *http.Request) {
	s := st.s.State(r)
	v := st.s.Data(r)
	m := Me{
		Level:      s.Level.String(),
		Remembered: s.RememberMe(),
		Fresh:      st.s.Fresh(w, r, st.freshWindow()), // a fixed window: writes nothing
		Cart:       append([]string{}, v.Cart...),
		Theme:      v.Theme,
	}
	if s.Known() {
		m.Name, m.Email = &s.Data.Name, &s.Data.Email
	}
	writeJSON(w, http.StatusOK, m)
}

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
