package middleware

import (
	"errors"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/sessionless/sessionless/internal/slot"
	"github.com/sessionless/sessionless/keyring"
	"github.com/sessionless/sessionless/remember"
	"github.com/sessionless/sessionless/token"
)

// TestOnceNamesBounded: an application that takes a one-shot value under
// a name from the request (/login/{provider}/callback) must not let
// visitors grow the Sessions' memory without bound, one slot per name
// they invent. docs/attacks.md J3.
func TestOnceNamesBounded(t *testing.T) {
	s := newSessions(t)
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

// TestOnceValueRoundTrip: what SetOnce accepts, TakeOnce gives back
// byte for byte (an OAuth state or PKCE verifier is compared exactly); a
// value that is not valid UTF-8, which JSON would turn into U+FFFD, is
// refused by SetOnce rather than changed. docs/attacks.md A15.
func TestOnceValueRoundTrip(t *testing.T) {
	s := newSessions(t)
	for _, v := range []string{"s3cr3t", "", "é\u2028<>&\"\\", "\xff\x00raw", "a\xc3"} {
		rec := httptest.NewRecorder()
		err := s.SetOnce(rec, httptest.NewRequest("GET", "/", nil), "a", v)
		if !utf8.ValidString(v) {
			if !errors.Is(err, token.ErrData) || len(rec.Header()) != 0 {
				t.Errorf("SetOnce(%q) = %v, header %v; want token.ErrData and nothing written", v, err, rec.Header())
			}
			continue
		}
		if err != nil {
			t.Fatalf("SetOnce(%q): %v", v, err)
		}
		req := httptest.NewRequest("GET", "/", nil)
		req.Header.Set("Cookie", rec.Header().Get("Set-Cookie"))
		if got, ok := s.TakeOnce(httptest.NewRecorder(), req, "a"); !ok || got != v {
			t.Errorf("TakeOnce after SetOnce(%q) = %q, %v", v, got, ok)
		}
	}
}

// newSessions returns Sessions without identity payload or visitor data
// over a one-key ring.
func newSessions(t *testing.T) *Sessions[struct{}, struct{}] {
	t.Helper()
	now := time.Now()
	ring, err := keyring.New([]keyring.Key{keyring.GenerateKey(now.Add(-time.Hour), now.Add(-time.Hour))}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(ring, Config[struct{}, struct{}]{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestPurposesListed: internal/slot's list of the library's purposes,
// which every codec probes to tell wrong_purpose from bad_tag, names
// exactly the exported ones.
func TestPurposesListed(t *testing.T) {
	want := []string{remember.PurposeAuth, remember.PurposeRemember, remember.PurposeFresh, PurposeVisitor, PurposeFlash, PurposeOnce}
	if diff := cmp.Diff(want, slot.Purposes()); diff != "" {
		t.Errorf("slot.Purposes() (-exported +listed):\n%s", diff)
	}
}
