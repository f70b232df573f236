// Command benchserver serves one sensitive page two ways, for the HTTP
// throughput test of package fleet: GET /account through the whole session
// middleware of sessionless (middleware.Sessions.Load, then
// RequireAuthenticated), and GET /bare/account, the same handler without
// the middleware. It keeps its keyring in memory.
//
// On start it prints two lines and serves until killed:
//
//	url http://127.0.0.1:PORT
//	cookie __Host-auth=TOKEN
//
// where TOKEN is a valid auth token (30 minutes of idle time, so no renewal
// is due during a run) for the load generator to send.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"time"

	"github.com/sessionless/sessionless/internal/benchdata"
	"github.com/sessionless/sessionless/keyring"
	"github.com/sessionless/sessionless/middleware"
	"github.com/sessionless/sessionless/remember"
)

// User is the payload of every benchmark and load test: 198 bytes of JSON.
type User = benchdata.User

var alice = benchdata.Alice()

// page is a small account page, about 1.5 KB, rendered per request as a
// real site's would be.
var page = template.Must(template.New("account").Parse(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Account of {{.Name}}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40em;margin:2em auto;padding:0 1em}table{border-collapse:collapse}th,td{text-align:left;padding:.25em 1em .25em 0;border-bottom:1px solid #ddd}</style>
</head>
<body>
<header><nav><a href="/">Home</a> · <a href="/account">Account</a> · <form method="post" action="/logout" style="display:inline"><button>Log out</button></form></nav></header>
<main>
<h1>Your account</h1>
<p>This page needs your password: you see it because you entered it.</p>
<table>
<tr><th>Account number</th><td>{{.ID}}</td></tr>
<tr><th>Name</th><td>{{.Name}}</td></tr>
<tr><th>E-mail</th><td><a href="mailto:{{.Email}}">{{.Email}}</a></td></tr>
<tr><th>Phone</th><td>{{.Phone}}</td></tr>
<tr><th>Roles</th><td>{{range $i, $r := .Roles}}{{if $i}}, {{end}}{{$r}}{{end}}</td></tr>
</table>
<h2>Security</h2>
<ul>
<li><a href="/account/password">Change your password</a> (asks for it again after 5 minutes)</li>
<li><a href="/account/sessions">Log out everywhere</a></li>
</ul>
</main>
<footer><p>Sessions are kept in encrypted cookies; nothing about you is stored on the server.</p></footer>
</body>
</html>
`))

// account renders the page for the user that user returns.
func account(user func(*http.Request) User) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var buf bytes.Buffer
		if err := page.Execute(&buf, user(r)); err != nil {
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Cache-Control", "no-store")
		w.Write(buf.Bytes())
	})
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen on `HOST:PORT`")
	flag.Parse()
	if err := run(*addr); err != nil {
		fmt.Fprintf(os.Stderr, "benchserver: error: %v\n", err)
		os.Exit(1)
	}
}

func run(addr string) error {
	now := time.Now()
	ring, err := keyring.New([]keyring.Key{keyring.GenerateKey(now.Add(-time.Hour), now.Add(-time.Hour))}, time.Time{})
	if err != nil {
		return err
	}
	log := slog.New(slog.DiscardHandler)
	s, err := middleware.New(keyring.NewLive(ring), middleware.Config[User, struct{}]{Logger: log})
	if err != nil {
		return err
	}
	m := s.Manager()
	// A valid auth cookie, as a login would write it.
	rec := httptest.NewRecorder()
	if _, err := m.Login(rec, httptest.NewRequest("POST", "/login", nil), alice, false); err != nil {
		return err
	}
	var cookie string
	for _, c := range rec.Result().Cookies() {
		if c.Name == remember.DefaultAuthCookie {
			cookie = c.Name + "=" + c.Value
		}
	}
	if cookie == "" {
		return fmt.Errorf("login wrote no %s cookie", remember.DefaultAuthCookie)
	}

	mux := http.NewServeMux()
	mux.Handle("GET /account", s.Load(s.RequireAuthenticated(account(func(r *http.Request) User { return s.State(r).Data }))))
	mux.Handle("GET /bare/account", account(func(*http.Request) User { return alice }))

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	fmt.Printf("url http://%s\ncookie %s\n", ln.Addr(), cookie)
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(slog.NewTextHandler(os.Stderr, nil), slog.LevelWarn),
	}
	return srv.Serve(ln)
}
