package token_test

import (
	"fmt"
	"go/version"
	"os"
	"slices"
	"strings"
	"testing"
)

// Minimum versions (docs/attacks.md J2). govulncheck cannot reach its
// database from the build machines, so this test holds the line instead;
// README.md lists the advisories checked.
const (
	// Go 1.26.6 fixes CVE-2026-56853 (net/http, unencrypted HTTP/2),
	// CVE-2026-56858 (html/template), CVE-2026-56860 (net/url) and
	// CVE-2026-39821 (net/http via x/net/idna); Go 1.25.2 fixed
	// CVE-2025-58186 (net/http, more than 3000 cookies). go.mod's go line
	// says it, so the go command refuses to build with an older Go.
	minGo = "go1.26.6"
)

// minModules are the least versions of the dependencies whose advisories
// the README lists.
var minModules = map[string]string{
	// v4.1.4 fixes CVE-2026-34986 (empty encrypted key with AES key wrap);
	// v4.0.5 fixed CVE-2025-27144 (many dots) and v4.0.1 CVE-2024-28180
	// (zip bomb).
	"github.com/go-jose/go-jose/v4": "v4.1.4",
	// internal/b64 uses x/sys/cpu only. Its one advisory, CVE-2022-29526
	// (GO-2022-0493, Faccessat in x/sys/unix), was fixed before v0.1.0,
	// its first tagged release.
	"golang.org/x/sys": "v0.1.0",
}

// TestMinimumVersions reads go.mod: test binaries carry no dependency list
// in their build info, and go.mod lists every module the build uses (Go
// 1.17+ module graph pruning).
func TestMinimumVersions(t *testing.T) {
	t.Parallel()
	mod, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	goLine, required := "", map[string]string{}
	for line := range strings.Lines(string(mod)) {
		f := strings.Fields(strings.TrimPrefix(strings.TrimSpace(line), "require "))
		switch {
		case len(f) >= 2 && f[0] == "go":
			goLine = "go" + f[1]
		case len(f) >= 2 && f[0] == "replace" && minModules[f[1]] != "":
			t.Errorf("go.mod replaces %s: %s", f[1], strings.TrimSpace(line))
		case len(f) >= 2 && minModules[f[0]] != "":
			required[f[0]] = f[1]
		}
	}
	if version.Compare(goLine, minGo) < 0 {
		t.Errorf("go.mod's go line is %q; want %s or later for its security fixes", goLine, minGo)
	}
	for path, least := range minModules {
		v, ok := required[path]
		switch {
		case !ok:
			t.Errorf("go.mod does not require %s", path)
		case semverLess(v, least):
			t.Errorf("go.mod requires %s %s; want %s or later", path, v, least)
		}
	}
}

func TestSemverLess(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{"v4.1.3", "v4.1.4", true},
		{"v4.1.4", "v4.1.4", false},
		{"v4.1.10", "v4.1.4", false},
		{"v4.0.9", "v4.1.0", true},
		{"v4.1.5-0.20260101000000-abcdef123456", "v4.1.4", false},
		{"garbage", "v4.1.4", true},
	} {
		if got := semverLess(tt.a, tt.b); got != tt.want {
			t.Errorf("semverLess(%q, %q) = %v; want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

// semverLess reports whether the module version a ("v4.1.4", or a
// pseudo-version after it) is before b. What does not parse is before
// everything, so that it fails the check.
func semverLess(a, b string) bool {
	var x, y [3]int
	if _, err := fmt.Sscanf(a, "v%d.%d.%d", &x[0], &x[1], &x[2]); err != nil {
		return true
	}
	fmt.Sscanf(b, "v%d.%d.%d", &y[0], &y[1], &y[2])
	return slices.Compare(x[:], y[:]) < 0
}
