package testci

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// recorder stands in for a *testing.T: it records Fatalf and Skip.
type recorder struct {
	testing.TB
	fatal, skip string
}

func (r *recorder) Helper() {}
func (r *recorder) Fatalf(format string, args ...any) {
	r.fatal = fmt.Sprintf(format, args...)
}
func (r *recorder) Skip(args ...any) { r.skip = fmt.Sprint(args...) }

// TestSkipf: outside CI a skip; under CI=true a failure naming the reason.
// Not parallel: it sets CI.
func TestSkipf(t *testing.T) {
	tests := []struct {
		ci          string
		fatal, skip string
	}{
		{"", "", "no pseudo-terminal: 42"},
		{"false", "", "no pseudo-terminal: 42"},
		{"true", "this test would skip, and CI (CI=true) must run every test: no pseudo-terminal: 42", ""},
	}
	for _, tt := range tests {
		t.Setenv("CI", tt.ci)
		var r recorder
		Skipf(&r, "no pseudo-terminal: %d", 42)
		if diff := cmp.Diff([2]string{tt.fatal, tt.skip}, [2]string{r.fatal, r.skip}); diff != "" {
			t.Errorf("CI=%q: [Fatalf, Skip] (-want +got):\n%s", tt.ci, diff)
		}
	}
}
