package main

import (
	"fmt"
	"html"
	"log"
	"net"
	"net/http"

	"github.com/sessionless/sessionless/keyring"
	"github.com/sessionless/sessionless/middleware"
)

type User struct{ Name string }

func main() {
	keys, err := keyring.FromEnv(keyring.LoadOptions{}) // SESSIONLESS_KEYRING_FILE=keys.json, made by tokengen init
	if err != nil {
		log.Fatal(err)
	}
	// No visitor data here (struct{}); defaults: 30 min idle, 12 h, remembered 30 days.
	sessions, err := middleware.New(keys, middleware.Config[User, struct{}]{ReauthURL: "/login"})
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		if st := sessions.State(r); st.Known() {
			page(w, "Hello %s, you are %s. <a href=/account>Your account</a> <form method=post action=/logout><button>Log out</button></form>", st.Data.Name, st.Level)
		} else {
			page(w, "Hello, stranger. <a href=/login>Log in</a>")
		}
	})
	mux.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) {
		page(w, `<form method=post><input type=hidden name=return_to value="%s"><input type=password name=password placeholder=wonderland>
<label><input type=checkbox name=remember> Remember me</label> <button>Log in</button></form>`, middleware.SafeReturnTo(r.FormValue("return_to")))
	})
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		if r.FormValue("password") != "wonderland" { // check the user's password hash here
			http.Error(w, "wrong password", http.StatusUnauthorized)
		} else if err := sessions.Login(w, r, User{Name: "Alice"}, r.FormValue("remember") == "on"); err != nil {
			http.Error(w, "could not log in", http.StatusInternalServerError)
		} else {
			http.Redirect(w, r, middleware.SafeReturnTo(r.FormValue("return_to")), http.StatusSeeOther)
		}
	})
	mux.HandleFunc("POST /logout", func(w http.ResponseWriter, r *http.Request) {
		if err := sessions.Logout(w, r); err != nil {
			http.Error(w, "could not log out", http.StatusInternalServerError)
			return
		}
		http.Redirect(w, r, "/", http.StatusSeeOther)
	})
	mux.Handle("GET /account", sessions.RequireAuthenticated(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page(w, "The account of %s. <a href=/>Home</a>", sessions.State(r).Data.Name)
	})))
	ln, err := net.Listen("tcp", "127.0.0.1:8080")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("Open http://%s/ (password: wonderland)\n", ln.Addr())
	log.Fatal(http.Serve(ln, http.NewCrossOriginProtection().Handler(sessions.Load(mux))))
}

// page writes an HTML page; the arguments are escaped.
func page(w http.ResponseWriter, format string, args ...any) {
	for i, a := range args {
		args[i] = html.EscapeString(fmt.Sprint(a))
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, "<!doctype html><title>Quick start</title>"+format+"\n", args...)
}
