package middleware_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sessionless/sessionless/middleware"
)

// TestFlashLifetimeEach: every flash message waits at most
// Config.FlashLifetime (+ Leeway) to be shown, counted from when it was
// added: a later AddFlash does not carry an older message past its end.
// docs/attacks.md D9.
func TestFlashLifetimeEach(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a := newApp(t, config{})
		b := newBrowser(t, a.h)
		b.post("/flash", url.Values{"text": {"old"}, "to": {"/"}})
		time.Sleep(20 * time.Minute)
		b.post("/flash", url.Values{"text": {"new"}, "to": {"/"}})
		time.Sleep(20 * time.Minute)
		want := []middleware.Flash{{Kind: "info", Text: "new"}}
		if got := b.me(); !cmp.Equal(got.Flashes, want) {
			t.Errorf("40 min after the first flash and 20 after the second: %+v; want %+v", got.Flashes, want)
		}
	})
}

// TestFlashesPileUp: flash messages added on pages that never show them
// (an API, a form posted again and again) cannot fill the cookie until
// AddFlash fails, a 500 for every later request that adds one: the
// oldest are dropped, and the newest shown. docs/attacks.md E11.
func TestFlashesPileUp(t *testing.T) {
	a := newApp(t, config{MaxChunks: 1})
	b := newBrowser(t, a.h)
	text := strings.Repeat("x", 300)
	for i := range 40 {
		if rec := b.post("/flash", url.Values{"text": {text}, "to": {"/"}}); rec.Code != http.StatusSeeOther {
			t.Fatalf("AddFlash %d: %d %q", i, rec.Code, rec.Body)
		}
	}
	got := b.me().Flashes
	if len(got) == 0 || len(got) >= 40 {
		t.Fatalf("%d flashes shown; want the newest that fit", len(got))
	}
	if rec := b.post("/flash", url.Values{"text": {strings.Repeat("y", 5000)}, "to": {"/"}}); rec.Code != http.StatusInternalServerError {
		t.Errorf("one flash larger than the cookie: %d; want AddFlash's error", rec.Code)
	}
}

// TestFlashesKeptByHead: a HEAD request (a link checker, a browser
// extension) gets no body, so the page it asks for cannot show the flash
// messages: they stay for the next GET rather than being lost.
func TestFlashesKeptByHead(t *testing.T) {
	a := newApp(t, config{})
	b := newBrowser(t, a.h)
	b.post("/flash", url.Values{"text": {"saved"}, "to": {"/"}})
	if rec := b.do("HEAD", "/me", nil); len(setCookies(t, rec)) != 0 {
		t.Errorf("HEAD /me set %v; want nothing", setCookies(t, rec))
	}
	if got := b.me().Flashes; !cmp.Equal(got, []middleware.Flash{{Kind: "info", Text: "saved"}}) {
		t.Errorf("GET /me after HEAD: %+v; want the flash", got)
	}
}
