package middleware_test

import (
	"net/http"
	"net/url"
	"testing"
	"testing/synctest"
	"time"
)

// TestReturnToAfterPost is issue 11's fourth point: a form posted to a
// guarded route after its window closed must not send the visitor back to
// that POST-only URL after the password (a GET there answers 405), but to
// the same-site page the form was on, or "/".
func TestReturnToAfterPost(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a := newApp(t, config{})
		b := newBrowser(t, a.h)
		b.post("/login", url.Values{"password": {"wonderland"}})
		time.Sleep(20 * time.Minute) // past the 15-minute window
		b.get("/")                   // activity keeps the session alive
		for _, tt := range []struct {
			name    string
			method  string
			referer string
			want    string
		}{
			{"GET keeps the request itself", "GET", "https://example.test/settings", "/reauth?return_to=%2Faccount%2Fpassword%3Ftab%3D2"},
			{"POST returns to the form's page", "POST", "https://example.test/settings?tab=2", "/reauth?return_to=%2Fsettings%3Ftab%3D2"},
			{"POST from another site returns home", "POST", "https://evil.example/settings", "/reauth?return_to=%2F"},
			{"POST without a Referer returns home", "POST", "", "/reauth?return_to=%2F"},
			{"POST with an unsafe Referer path returns home", "POST", "https://example.test/.//evil.example", "/reauth?return_to=%2F"},
			{"POST from a page with userinfo returns home", "POST", "https://user@example.test/settings", "/reauth?return_to=%2F"},
		} {
			b.header = http.Header{}
			if tt.referer != "" {
				b.header.Set("Referer", tt.referer)
			}
			rec := b.do(tt.method, "/account/password?tab=2", map[bool]url.Values{true: {}}[tt.method == "POST"])
			expect(t, tt.name, rec, http.StatusSeeOther, tt.want)
		}
		// The whole round trip: the password, then back to the form.
		b.header = http.Header{"Referer": {"https://example.test/settings"}}
		loc := b.post("/account/password", nil).Header().Get("Location")
		u, err := url.Parse(loc)
		if err != nil {
			t.Fatal(err)
		}
		expect(t, "reauthenticate", b.post("/reauth", url.Values{"password": {"wonderland"}, "return_to": {u.Query().Get("return_to")}}), http.StatusSeeOther, "/settings")
	})
}
