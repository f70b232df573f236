package site

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/sessionless/sessionless/keyring"
)

// TestClockSkew: Config.ClockSkew moves the clock that stamps and checks
// the tokens. A token sealed by a server 2 min ahead is not yet valid on
// one that is not (the leeway is 60 s), and the other way round; 30 s
// either way is absorbed.
func TestClockSkew(t *testing.T) {
	t.Parallel()
	hash, err := bcrypt.GenerateFromPassword([]byte(Password), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	then := time.Now().Add(-time.Hour)
	ring, err := keyring.New([]keyring.Key{keyring.GenerateKey(then, then)}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	newSite := func(skew time.Duration) http.Handler {
		h, err := New(Config{Keys: ring, PasswordHash: hash, Logger: slog.New(slog.DiscardHandler), ClockSkew: skew})
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	tests := []struct {
		name           string
		sealer, opener time.Duration
		want           string
	}{
		{"sealer 2m ahead", 2 * time.Minute, 0, "anonymous"},
		{"opener 2m behind", 0, -2 * time.Minute, "anonymous"},
		{"sealer 30s ahead", 30 * time.Second, 0, "authenticated"},
		{"opener 30s behind", 0, -30 * time.Second, "authenticated"},
		{"no skew", 0, 0, "authenticated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sealer, opener := newSite(tt.sealer), newSite(tt.opener)
			cookies := loginCookies(t, sealer)
			level := func(h http.Handler) string { return levelOf(t, h, cookies) }
			if got := level(sealer); got != "authenticated" {
				t.Errorf("on the server that sealed it: level %q; want authenticated", got)
			}
			if got := level(opener); got != tt.want {
				t.Errorf("sealed with skew %v, opened with skew %v: level %q; want %q", tt.sealer, tt.opener, got, tt.want)
			}
		})
	}
}

// loginCookies logs in on h and returns the cookies it set.
func loginCookies(t *testing.T, h http.Handler) []*http.Cookie {
	t.Helper()
	form := url.Values{"username": {Username}, "password": {Password}}
	req := httptest.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("POST /login: status %d; want 303", rec.Code)
	}
	return rec.Result().Cookies()
}

// levelOf returns the level GET /api/me on h says for cookies.
func levelOf(t *testing.T, h http.Handler, cookies []*http.Cookie) string {
	t.Helper()
	req := httptest.NewRequest("GET", "/api/me", nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var v struct{ Level string }
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("GET /api/me: %v in %q", err, rec.Body)
	}
	return v.Level
}
