//go:build !unix

package testci

import "testing"

// RunUnprivileged needs unix users; elsewhere no process is root
// (os.Geteuid() is -1), so no test calls it.
func RunUnprivileged(t *testing.T, name string) {
	t.Helper()
	t.Fatalf("RunUnprivileged(%q): unix only", name)
}
