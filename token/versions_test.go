package token_test

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// Minimum versions (ATTACKS J2). govulncheck cannot reach its database
// from the build machines, so this test holds the line instead; README.md
// lists the advisories checked.
const (
	// go-jose v4.1.4 fixes CVE-2026-34986 (empty encrypted key with AES
	// key wrap); v4.0.5 fixed CVE-2025-27144 (many dots) and v4.0.1
	// CVE-2024-28180 (zip bomb).
	minGoJose = "v4.1.4"
	// Go 1.26.6 fixes CVE-2026-56853 (net/http, unencrypted HTTP/2),
	// CVE-2026-56858 (html/template), CVE-2026-56860 (net/url) and
	// CVE-2026-39821 (net/http via x/net/idna); Go 1.25.2 fixed
	// CVE-2025-58186 (net/http, more than 3000 cookies).
	minGo = "go1.26.6"
)

func TestMinimumVersions(t *testing.T) {
	t.Parallel()
	if v := runtime.Version(); !strings.HasPrefix(v, "devel") && versionLess(strings.TrimPrefix(v, "go"), strings.TrimPrefix(minGo, "go")) {
		t.Errorf("built with %s; need %s or later for its security fixes", v, minGo)
	}
	// Test binaries carry no dependency list in their build info, so read
	// the selected version from go.mod, which lists every module the build
	// uses (Go 1.17+ module graph pruning).
	mod, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	v := ""
	for _, line := range strings.Split(string(mod), "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == "replace" && f[1] == "github.com/go-jose/go-jose/v4" {
			t.Fatalf("go.mod replaces go-jose: %s", line)
		}
		if len(f) >= 2 && f[0] == "require" {
			f = f[1:]
		}
		if len(f) >= 2 && f[0] == "github.com/go-jose/go-jose/v4" {
			v = f[1]
		}
	}
	if v == "" {
		t.Fatal("go-jose is not required in go.mod")
	}
	if versionLess(strings.TrimPrefix(v, "v"), strings.TrimPrefix(minGoJose, "v")) {
		t.Errorf("go.mod requires go-jose %s; need %s or later", v, minGoJose)
	}
}

func TestVersionLess(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{"4.1.3", "4.1.4", true},
		{"4.1.4", "4.1.4", false},
		{"4.1.10", "4.1.4", false},
		{"4.0.9", "4.1.0", true},
		{"1.26", "1.26.6", true},
		{"1.26.8", "1.26.6", false},
		{"1.27rc1", "1.26.6", false},
		{"4.1.4-0.20260101-abcdef", "4.1.4", false},
	} {
		if got := versionLess(tt.a, tt.b); got != tt.want {
			t.Errorf("versionLess(%q, %q) = %v; want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

// versionLess compares dotted numeric versions ("1.26.6", "4.1.4"); a
// non-numeric suffix of a part ("27rc1", "4-0.2026…") is ignored.
func versionLess(a, b string) bool {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < max(len(pa), len(pb)); i++ {
		x, y := num(pa, i), num(pb, i)
		if x != y {
			return x < y
		}
	}
	return false
}

func num(parts []string, i int) int {
	if i >= len(parts) {
		return 0
	}
	s := parts[i]
	end := 0
	for end < len(s) && '0' <= s[end] && s[end] <= '9' {
		end++
	}
	n, _ := strconv.Atoi(s[:end])
	return n
}
