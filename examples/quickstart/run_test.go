package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sessionless/sessionless/keyring"
)

// listenAddr is the address the quick start listens on, as the README
// shows it.
const listenAddr = `"127.0.0.1:8080"`

// TestRun runs the quick start as a user would and walks it as a browser:
// the URL it prints, the login form, a wrong password, the login, the
// account page, the greeting, logout. The program is built with one
// change, through go build -overlay: it listens on a port the system
// picks, so the test runs whatever else holds 127.0.0.1:8080.
func TestRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the program") // .ci/run does not pass -short
	}
	bin := buildOnFreePort(t)
	now := time.Now()
	ring, err := keyring.New([]keyring.Key{keyring.GenerateKey(now.Add(-time.Hour), now.Add(-time.Hour))}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := ring.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), keyring.EnvKeyring+"="+string(doc), keyring.EnvKeyringFile+"=")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		_ = cmd.Wait()
		t.Fatalf("no URL printed: %v; stderr %q", err, stderr.String())
	}
	base, _, _ := strings.Cut(strings.TrimPrefix(line, "Open "), " ")
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("printed %q; want the URL", line)
	}
	b := &visitor{t: t, base: strings.TrimSuffix(base, "/"), cookies: map[string]string{}}

	if got := b.do("GET", "/", nil); !strings.Contains(got, "Hello, stranger") || strings.Contains(got, "Hello ,") {
		t.Errorf("anonymous home: %q", got)
	}
	if got := b.do("GET", "/login?return_to=/account", nil); !strings.Contains(got, `<form method=post>`) || !strings.Contains(got, `value="/account"`) {
		t.Errorf("login form: %q", got)
	}
	if got := b.do("POST", "/login", url.Values{"password": {"nope"}}); !strings.Contains(got, "wrong password") {
		t.Errorf("wrong password: %q", got)
	}
	if got := b.do("GET", "/account", nil); !strings.Contains(got, "<form method=post>") {
		t.Errorf("anonymous account page: %q; want the login form", got)
	}
	if got := b.do("POST", "/login", url.Values{"password": {"wonderland"}, "remember": {"on"}, "return_to": {"/account"}}); !strings.Contains(got, "The account of Alice") {
		t.Errorf("after login: %q; want the account page", got)
	}
	if got := b.do("GET", "/", nil); !strings.Contains(got, "Hello Alice, you are authenticated") {
		t.Errorf("home: %q", got)
	}
	if got := b.do("POST", "/logout", url.Values{}); !strings.Contains(got, "Hello, stranger") {
		t.Errorf("after logout: %q", got)
	}
}

// buildOnFreePort builds the quick start with its listen address
// replaced by "127.0.0.1:0" (an overlay of main.go; everything else as in
// the README) and returns the binary's path.
func buildOnFreePort(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(src), listenAddr); n != 1 {
		t.Fatalf("main.go holds %s %d times; want once", listenAddr, n)
	}
	dir := t.TempDir()
	mainGo, err := filepath.Abs("main.go")
	if err != nil {
		t.Fatal(err)
	}
	patched := filepath.Join(dir, "main.go")
	overlay := filepath.Join(dir, "overlay.json")
	doc, err := json.Marshal(map[string]map[string]string{"Replace": {mainGo: patched}})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(patched, []byte(strings.Replace(string(src), listenAddr, `"127.0.0.1:0"`, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(overlay, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "quickstart")
	if out, err := exec.Command("go", "build", "-overlay", overlay, "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// visitor is a browser for TestRun. It keeps cookies itself: net/http's
// jar keeps Secure cookies off http://127.0.0.1, which browsers treat as
// secure.
type visitor struct {
	t       *testing.T
	base    string
	cookies map[string]string
}

func (v *visitor) do(method, path string, form url.Values) string {
	v.t.Helper()
	for range 5 { // follow redirects, as a browser does
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req, err := http.NewRequest(method, v.base+path, body)
		if err != nil {
			v.t.Fatal(err)
		}
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", v.base)
		}
		req.Header.Set("Accept", "text/html")
		for n, val := range v.cookies {
			req.AddCookie(&http.Cookie{Name: n, Value: val})
		}
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			v.t.Fatal(err)
		}
		text, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, c := range resp.Cookies() {
			if c.MaxAge < 0 {
				delete(v.cookies, c.Name)
			} else {
				v.cookies[c.Name] = c.Value
			}
		}
		if resp.StatusCode != http.StatusSeeOther {
			return string(text)
		}
		method, path, form = "GET", resp.Header.Get("Location"), nil
	}
	v.t.Fatalf("too many redirects")
	return ""
}
