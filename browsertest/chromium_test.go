package browsertest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// defaultChromium is where Debian's chromium package puts its launcher.
const defaultChromium = "/usr/bin/chromium"

// findChromium returns the path of the browser to drive: $CHROMIUM_PATH if
// set, else chromium on $PATH, else /usr/bin/chromium. If there is none,
// missing says why, and mustRun tells whether that is a failure rather than
// a reason to skip: it is in CI (the CI environment variable set, as every
// CI service does), where a suite that skips itself proves nothing.
func findChromium(getenv func(string) string, lookPath func(string) (string, error), stat func(string) error) (path, missing string, mustRun bool) {
	mustRun = getenv("CI") != ""
	if p := getenv("CHROMIUM_PATH"); p != "" {
		if err := stat(p); err != nil {
			return "", fmt.Sprintf("CHROMIUM_PATH=%s: %v", p, err), mustRun
		}
		return p, "", mustRun
	}
	if p, err := lookPath("chromium"); err == nil {
		return p, "", mustRun
	}
	if err := stat(defaultChromium); err == nil {
		return defaultChromium, "", mustRun
	}
	return "", "Chromium not found (no chromium on PATH, no " + defaultChromium + ", CHROMIUM_PATH not set); install it with: apt-get install chromium", mustRun
}

// statExecutable reports an error unless path is an executable file.
func statExecutable(path string) error {
	fi, err := os.Stat(path)
	switch {
	case err != nil:
		return err
	case fi.IsDir():
		return errors.New("is a directory")
	case fi.Mode().Perm()&0o111 == 0:
		return errors.New("is not executable")
	}
	return nil
}

// requireChromium returns the browser's path, or skips the test (fails it
// in CI) when there is none.
func requireChromium(t testing.TB) string {
	t.Helper()
	path, missing, mustRun := findChromium(os.Getenv, exec.LookPath, statExecutable)
	if missing == "" {
		return path
	}
	if mustRun {
		t.Fatalf("the browser suite must run in CI (CI is set), but: %s", missing)
	}
	t.Skipf("skipping the browser suite: %s (in CI, where CI is set, this fails instead)", missing)
	return ""
}

func TestFindChromium(t *testing.T) {
	t.Parallel()
	notFound := func(string) (string, error) { return "", exec.ErrNotFound }
	found := func(name string) (string, error) { return "/opt/bin/" + name, nil }
	exists := func(string) error { return nil }
	absent := func(string) error { return os.ErrNotExist }
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	tests := []struct {
		name     string
		getenv   func(string) string
		lookPath func(string) (string, error)
		stat     func(string) error
		path     string
		missing  bool
		mustRun  bool
	}{
		{"on PATH", env(), found, absent, "/opt/bin/chromium", false, false},
		{"on PATH in CI", env("CI", "true"), found, absent, "/opt/bin/chromium", false, true},
		{"Debian's path", env(), notFound, exists, defaultChromium, false, false},
		{"CHROMIUM_PATH first", env("CHROMIUM_PATH", "/x/chrome"), found, exists, "/x/chrome", false, false},
		{"CHROMIUM_PATH missing", env("CHROMIUM_PATH", "/x/chrome"), found, absent, "", true, false},
		{"CHROMIUM_PATH missing in CI", env("CHROMIUM_PATH", "/x/chrome", "CI", "1"), found, absent, "", true, true},
		{"none: skip", env(), notFound, absent, "", true, false},
		{"none in CI: fail", env("CI", "true"), notFound, absent, "", true, true},
		{"none, CI empty: skip", env("CI", ""), notFound, absent, "", true, false},
	}
	for _, tt := range tests {
		path, missing, mustRun := findChromium(tt.getenv, tt.lookPath, tt.stat)
		if path != tt.path || (missing != "") != tt.missing || mustRun != tt.mustRun {
			t.Errorf("%s: findChromium = %q, %q, %v; want %q, missing %v, mustRun %v", tt.name, path, missing, mustRun, tt.path, tt.missing, tt.mustRun)
		}
		if tt.missing && tt.getenv("CHROMIUM_PATH") == "" && !strings.Contains(missing, "apt-get install chromium") {
			t.Errorf("%s: the message %q does not say how to install Chromium", tt.name, missing)
		}
	}
}
