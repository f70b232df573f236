package middleware

import (
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/sessionless/sessionless/keyring"
)

// TestOnceNamesBounded: an application that takes a one-shot value under
// a name from the request (/login/{provider}/callback) must not let
// visitors grow the Sessions' memory without bound, one slot per name
// they invent. docs/attacks.md J3.
func TestOnceNamesBounded(t *testing.T) {
	now := time.Now()
	ring, err := keyring.New([]keyring.Key{keyring.GenerateKey(now.Add(-time.Hour), now.Add(-time.Hour))}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(ring, Config[struct{}, struct{}]{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 1000 {
		rec := httptest.NewRecorder()
		name := fmt.Sprintf("p%d", i)
		if err := s.SetOnce(rec, httptest.NewRequest("GET", "/", nil), name, "v"); err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest("GET", "/", nil)
		req.Header.Set("Cookie", rec.Header().Get("Set-Cookie"))
		if v, ok := s.TakeOnce(httptest.NewRecorder(), req, name); !ok || v != "v" {
			t.Fatalf("TakeOnce(%s) = %q %v", name, v, ok)
		}
	}
	n := 0
	s.once.Range(func(any, any) bool { n++; return true })
	if n > maxOnceNames {
		t.Errorf("%d one-shot names kept; want at most %d", n, maxOnceNames)
	}
}
