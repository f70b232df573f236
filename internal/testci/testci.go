// Package testci holds what the project's tests share about where they
// run: a test that cannot run here fails instead of skipping when it runs
// in CI (.ci/run sets CI=true, and a skipped test there is a test nobody
// ran); a test binary can run as an unprivileged user; and, on Linux, a
// page of memory between unreadable ones catches a loop that reads or
// writes out of bounds. Only tests import it.
package testci

import (
	"fmt"
	"os"
	"testing"
)

// InCI reports whether the tests run in CI, where CI is "true" (.ci/run
// sets it).
func InCI() bool { return os.Getenv("CI") == "true" }

// Skipf skips the test with the formatted reason, or fails it with that
// reason when it runs in CI.
func Skipf(t testing.TB, format string, args ...any) {
	t.Helper()
	reason := fmt.Sprintf(format, args...)
	if InCI() {
		t.Fatalf("this test would skip, and CI (CI=true) must run every test: %s", reason)
		return
	}
	t.Skip(reason)
}

// NeedRoot skips the test, or fails it in CI, unless the process runs as
// root (.ci/run runs as root). why says what the test needs root for.
func NeedRoot(t testing.TB, why string) {
	t.Helper()
	if os.Geteuid() != 0 {
		Skipf(t, "needs root to %s", why)
	}
}
