package cookie_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sessionless/sessionless/cookie"
)

// TestCookieJar runs login, read and logout through a real server on
// 127.0.0.1 and net/http/cookiejar, which keeps Secure and __Host- cookies
// for loopback hosts as browsers do.
func TestCookieJar(t *testing.T) {
	t.Parallel()
	auth := mustNew(t, cookie.Config{Name: "__Host-auth"})
	remember := mustNew(t, cookie.Config{Name: "__Host-remember"})
	show := func(v string, err error) string {
		switch {
		case errors.Is(err, cookie.ErrNotFound):
			return "none"
		case err != nil:
			return "error: " + err.Error()
		}
		return v
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.FormValue("n"))
		if err := auth.Write(w, r, value(n), 0); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		if err := remember.Write(w, r, value(n/2+1), 30*24*time.Hour); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
	})
	mux.HandleFunc("GET /whoami", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s\n%s", show(auth.Read(r)), show(remember.Read(r)))
	})
	mux.HandleFunc("POST /logout", func(w http.ResponseWriter, r *http.Request) {
		auth.Delete(w, r)
		remember.Delete(w, r)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(u.Host, "127.0.0.1:") {
		t.Fatalf("server at %s; want 127.0.0.1", u.Host)
	}
	j, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Jar: j, Transport: srv.Client().Transport}

	do := func(method, path string) string {
		t.Helper()
		req, err := http.NewRequest(method, srv.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s %s: %s %s", method, path, resp.Status, body)
		}
		if method == http.MethodPost && resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s %s: Cache-Control %q; want no-store", method, path, resp.Header.Get("Cache-Control"))
		}
		return string(body)
	}
	jarNames := func() []string {
		var names []string
		for _, c := range j.Cookies(u) {
			names = append(names, c.Name)
		}
		slices.Sort(names)
		return names
	}

	steps := []struct {
		name      string
		method    string
		path      string
		wantNames []string // cookies the jar holds afterwards
		wantWho   string   // what /whoami answers afterwards
	}{
		{
			"login with chunked values", http.MethodPost, "/login?n=10000",
			[]string{"__Host-auth", "__Host-auth.1", "__Host-auth.2", "__Host-auth.3", "__Host-remember", "__Host-remember.1", "__Host-remember.2"},
			value(10000) + "\n" + value(5001),
		},
		{
			"login again with small values", http.MethodPost, "/login?n=900",
			[]string{"__Host-auth", "__Host-remember"},
			value(900) + "\n" + value(451),
		},
		{
			"logout", http.MethodPost, "/logout",
			nil,
			"none\nnone",
		},
	}
	for _, s := range steps {
		do(s.method, s.path)
		if diff := cmp.Diff(s.wantNames, jarNames()); diff != "" {
			t.Errorf("%s: cookies in the jar (-want +got):\n%s", s.name, diff)
		}
		if got := do(http.MethodGet, "/whoami"); got != s.wantWho {
			t.Errorf("%s: /whoami = %.80q; want %.80q", s.name, got, s.wantWho)
		}
	}
}
