package main

import (
	"fmt"
	"log"
	"net/http"

	"github.com/sessionless/sessionless/keyring"
	"github.com/sessionless/sessionless/middleware"
	"github.com/sessionless/sessionless/remember"
)

type User struct{ Name string }

func main() {
	keys, err := keyring.FromEnv(keyring.LoadOptions{}) // SESSIONLESS_KEYRING_FILE=keys.json, made by tokengen init
	if err != nil {
		log.Fatal(err)
	}
	sessions, _ := remember.New(keys, remember.Config[User]{}) // defaults: 30 min idle, 12 h, remembered 30 days
	mw, _ := middleware.New(sessions, middleware.Config{ReauthURL: "/login"})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "Hello %s, you are %s\n", mw.State(r).Data.Name, mw.State(r).Level)
	})
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		if r.FormValue("password") != "wonderland" { // check the user's password hash here
			http.Error(w, "wrong password", http.StatusUnauthorized)
			return
		}
		sessions.Login(w, r, User{Name: "Alice"}, r.FormValue("remember") == "on")
		http.Redirect(w, r, middleware.SafeReturnTo(r.FormValue("return_to")), http.StatusSeeOther)
	})
	mux.HandleFunc("POST /logout", func(w http.ResponseWriter, r *http.Request) { sessions.Logout(w, r) })
	mux.Handle("GET /account", mw.RequireAuthenticated(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "The account of %s\n", mw.State(r).Data.Name)
	})))
	log.Fatal(http.ListenAndServe("127.0.0.1:8080", http.NewCrossOriginProtection().Handler(mw.Load(mux))))
}
