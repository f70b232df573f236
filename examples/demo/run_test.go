package main

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sessionless/sessionless/examples/demo/site"
	"github.com/sessionless/sessionless/internal/testci"
	"github.com/sessionless/sessionless/keyring"
	"github.com/sessionless/sessionless/token"
)

func TestFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"help", []string{"-h"}, 0, "Usage:"},
		{"help long", []string{"--help"}, 0, "Options:"},
		{"unknown flag", []string{"-port", "80"}, 2, "flag provided but not defined: -port"},
		{"argument", []string{"serve"}, 2, `unexpected argument "serve"`},
		{"addr without port", []string{"-addr", "127.0.0.1"}, 2, "missing port"},
		{"every interface", []string{"-addr", ":0"}, 2, "not a loopback address"},
		{"0.0.0.0", []string{"-addr", "0.0.0.0:0"}, 2, "pass -insecure-http"},
		{"[::]", []string{"-addr", "[::]:0"}, 2, "not a loopback address"},
		{"LAN address", []string{"-addr", "192.0.2.1:0"}, 2, "not a loopback address"},
		{"fresh window zero", []string{"-addr", "127.0.0.1:0", "-fresh-window", "0"}, 2, "-fresh-window 0s is not positive"},
		{"fresh window negative", []string{"-addr", "127.0.0.1:0", "-fresh-window", "-1m"}, 2, "is not positive"},
		{"fresh window not a duration", []string{"-addr", "127.0.0.1:0", "-fresh-window", "300"}, 2, "-fresh-window"},
		{"missing keyring", []string{"-addr", "127.0.0.1:0", "-keyring", filepath.Join(t.TempDir(), "none.json")}, 1, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr testci.Buffer
			code := run(context.Background(), tt.args, &stdout, &stderr)
			if code != tt.code {
				t.Errorf("run(%q) = %d; want %d\nstderr: %s", tt.args, code, tt.code, stderr.String())
			}
			if !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("run(%q): stderr %q; want it to say %q", tt.args, stderr.String(), tt.stderr)
			}
			if stdout.String() != "" {
				t.Errorf("run(%q): stdout %q; want nothing", tt.args, stdout.String())
			}
		})
	}
}

// TestUsage: the usage text names every flag and the defaults the code
// has.
func TestUsage(t *testing.T) {
	t.Parallel()
	var stdout, stderr testci.Buffer
	if code := run(context.Background(), []string{"-h"}, &stdout, &stderr); code != 0 {
		t.Fatalf("run -h = %d; want 0", code)
	}
	for _, s := range []string{"-addr HOST:PORT", "-keyring FILE", "-insecure-http", "-clock-skew DUR", "-fresh-window DUR", "Default " + site.DefaultFreshWindow.String() + ".", "Ctrl-C"} {
		if !strings.Contains(stderr.String(), s) {
			t.Errorf("the usage does not say %q:\n%s", s, stderr.String())
		}
	}
}

// TestRunFreshWindow: -fresh-window sets the sudo page's window.
func TestRunFreshWindow(t *testing.T) {
	t.Parallel()
	base, _, _, _ := runDemo(t, "-fresh-window", "90s")
	b := newBrowser(t, base)
	wantStatus(t, "login", b.login(false, "/account/password"), http.StatusSeeOther, "/account/password")
	r := b.get("/account/password")
	wantStatus(t, "GET /account/password", r, http.StatusOK, "")
	wantBody(t, "GET /account/password", r, "within the last 90 s")
}

// TestRunInMemory starts the demo as `go run ./examples/demo` does, on a
// free loopback port, and stops it as SIGINT does.
func TestRunInMemory(t *testing.T) {
	base, stdout, stderr, stop := runDemo(t)
	for _, s := range []string{"log in as alice, password wonderland", base + "/debug/vars"} {
		if !strings.Contains(stdout.String(), s) {
			t.Errorf("stdout %q does not say %q", stdout, s)
		}
	}
	for _, s := range []string{"keyring in memory", "needs no development setting", "InsecureHTTP is off"} {
		if !strings.Contains(stderr.String(), s) {
			t.Errorf("stderr %q does not say %q", stderr, s)
		}
	}
	b := newBrowser(t, base)
	wantStatus(t, "login", b.login(true, "/account"), http.StatusSeeOther, "/account")
	wantStatus(t, "GET /account", b.get("/account"), http.StatusOK, "")
	r := b.get("/debug/vars")
	var vars struct {
		Keys token.UsageStats `json:"sessionless_keys"`
	}
	if strings.Contains(stderr.String(), "not published") {
		// Another demo in this process published first (go test -count=2).
	} else if err := json.Unmarshal([]byte(r.body), &vars); err != nil || len(vars.Keys.Keys) != 1 || vars.Keys.Keys[0].Sealed == 0 {
		t.Errorf("GET /debug/vars: sessionless_keys %+v (%v); want one key that sealed tokens", vars.Keys, err)
	}
	if code := stop(); code != 0 {
		t.Errorf("run returned %d after its context was cancelled; want 0\nstderr: %s", code, stderr)
	}
	if !strings.Contains(stderr.String(), "shutting down") {
		t.Errorf("stderr %q does not say it shut down", stderr)
	}
}

// TestRunInsecureHTTP: the development switch drops Secure and the
// __Host- prefix, and says so.
func TestRunInsecureHTTP(t *testing.T) {
	t.Parallel()
	base, _, stderr, _ := runDemo(t, "-insecure-http")
	if !strings.Contains(stderr.String(), "not needed") {
		t.Errorf("stderr %q does not warn that loopback does not need -insecure-http", stderr)
	}
	r := newBrowser(t, base).login(true, "/")
	c := r.setCookie("auth")
	if c == nil || c.Secure {
		t.Errorf("login under -insecure-http: auth cookie %v; want \"auth\" without Secure (Set-Cookie %q)", c, r.header.Values("Set-Cookie"))
	}
}

// TestRunKeyring starts the demo on a keyring file, rotates the file, and
// checks that the new key seals from then on while tokens of the old key
// keep working and are re-sealed (C4); a bad file keeps the ring (C8).
func TestRunKeyring(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "keys.json")
	then := time.Now().Add(-time.Hour)
	old := keyring.GenerateKey(then, then)
	ring, err := keyring.New([]keyring.Key{old}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if err := keyring.Create(path, ring); err != nil {
		t.Fatal(err)
	}
	base, _, stderr, _ := runDemo(t, "-keyring", path)
	if s := stderr.String(); !strings.Contains(s, "keyring loaded") || !strings.Contains(s, "primary="+old.ID) {
		t.Errorf("stderr %q; want the keyring loaded with primary %s", s, old.ID)
	}
	b := newBrowser(t, base)
	wantStatus(t, "login", b.login(true, "/"), http.StatusSeeOther, "/")
	if got := kid(t, b.cookie(authCookie)); got != old.ID {
		t.Fatalf("auth token sealed by %q; want %q", got, old.ID)
	}

	// Rotate: a new key, active now.
	now := time.Now()
	fresh := keyring.GenerateKey(now, now)
	rotated, err := keyring.New([]keyring.Key{old, fresh}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if err := keyring.Save(path, rotated); err != nil {
		t.Fatal(err)
	}
	if err := stderr.WaitFor(10*time.Second, nil, func(s string) bool { return strings.Contains(s, "keyring reloaded") }); err != nil {
		t.Fatalf("waiting for the reload: %v", err)
	}
	if s := stderr.String(); !strings.Contains(s, "primary="+fresh.ID) {
		t.Errorf("stderr %q; want the reload to name primary %s", s, fresh.ID)
	}
	// The old tokens still open, and are re-sealed under the new key.
	r := b.get("/account")
	wantStatus(t, "GET /account after rotation", r, http.StatusOK, "")
	if c := r.setCookie(authCookie); c == nil || kid(t, c.Value) != fresh.ID {
		t.Errorf("after rotation: auth Set-Cookie %v; want a token re-sealed by %s", c, fresh.ID)
	}
	wantStatus(t, "second login", newBrowser(t, base).login(true, "/"), http.StatusSeeOther, "/")

	// A bad write is refused; the keys in memory stay.
	if err := os.WriteFile(path, []byte(`{"version": 1, "keys": [`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := stderr.WaitFor(10*time.Second, nil, func(s string) bool { return strings.Contains(s, "keyring reload failed") }); err != nil {
		t.Fatalf("waiting for the failed reload: %v", err)
	}
	wantStatus(t, "GET /account after a bad file", b.get("/account"), http.StatusOK, "")
	b2 := newBrowser(t, base)
	wantStatus(t, "login after a bad file", b2.login(false, "/"), http.StatusSeeOther, "/")
	if got := kid(t, b2.cookie(authCookie)); got != fresh.ID {
		t.Errorf("after a bad file: sealed by %q; want %q", got, fresh.ID)
	}
}

func TestRunBadKeyring(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "keys.json")
	if err := os.WriteFile(path, []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr testci.Buffer
	if code := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-keyring", path}, &stdout, &stderr); code != 1 {
		t.Errorf("run with a bad keyring = %d; want 1\nstderr: %s", code, stderr.String())
	}
}

// TestRunClockSkew: -clock-skew moves the server's clock, is said in the
// log, and is refused beyond an hour either way or when not a duration.
func TestRunClockSkew(t *testing.T) {
	t.Parallel()
	base, _, stderr, _ := runDemo(t, "-clock-skew", "30s")
	if s := stderr.String(); !strings.Contains(s, "-clock-skew") || !strings.Contains(s, "skew=30s") {
		t.Errorf("stderr %q does not warn of the 30 s skew", s)
	}
	b := newBrowser(t, base)
	wantStatus(t, "login", b.login(false, "/account"), http.StatusSeeOther, "/account")
	wantLevel(t, b, "authenticated", site.DisplayName)

	for _, arg := range []string{"61m", "-1h1s", "30", "soon"} {
		var stdout, errOut testci.Buffer
		if code := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-clock-skew", arg}, &stdout, &errOut); code != 2 {
			t.Errorf("run with -clock-skew %s = %d; want 2", arg, code)
		}
		if !strings.Contains(errOut.String(), "clock-skew") {
			t.Errorf("-clock-skew %s: stderr %q does not name the flag", arg, errOut.String())
		}
	}
}
