package remember_test

import (
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/sessionless/sessionless/internal/testci"
	"github.com/sessionless/sessionless/remember"
)

// TestConfigDefaults checks that the zero Config gives the defaults of
// the README (its Defaults table), and that Config reports them.
func TestConfigDefaults(t *testing.T) {
	t.Parallel()
	m, err := remember.New(newRing(t), remember.Config[User]{})
	if err != nil {
		t.Fatalf("New(zero Config) = %v", err)
	}
	want := remember.Config[User]{
		AuthIdle:         30 * time.Minute,
		AuthLifetime:     12 * time.Hour,
		RememberLifetime: 30 * 24 * time.Hour,
		FreshWindow:      15 * time.Minute,
		Leeway:           60 * time.Second,
		SameSite:         http.SameSiteLaxMode,
		AuthCookie:       "__Host-auth",
		RememberCookie:   "__Host-remember",
		FreshCookie:      "__Host-fresh",
		MaxChunks:        4,
	}
	got := m.Config()
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(remember.Config[User]{}, "Validate", "OnReject", "Logger")); diff != "" {
		t.Errorf("Config() mismatch (-want +got):\n%s", diff)
	}
	if got.Logger == nil {
		t.Errorf("Config().Logger = nil; want slog.Default()")
	}
}

// TestConfigErrors checks that New refuses settings out of range (D6, E2,
// E10) with an error wrapping ErrConfig.
func TestConfigErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  remember.Config[User]
	}{
		{"D6 remember lifetime over 400 days", remember.Config[User]{RememberLifetime: 401 * 24 * time.Hour}},
		{"D6 remember lifetime negative", remember.Config[User]{RememberLifetime: -time.Hour}},
		{"remember lifetime under a minute", remember.Config[User]{RememberLifetime: 59 * time.Second}},
		{"auth idle over auth lifetime", remember.Config[User]{AuthIdle: 2 * time.Hour, AuthLifetime: time.Hour}},
		{"auth idle under a minute", remember.Config[User]{AuthIdle: 30 * time.Second}},
		{"auth idle negative", remember.Config[User]{AuthIdle: -time.Minute}},
		{"auth lifetime negative", remember.Config[User]{AuthLifetime: -time.Hour}},
		{"auth lifetime over 400 days", remember.Config[User]{AuthIdle: time.Hour, AuthLifetime: 401 * 24 * time.Hour}},
		{"fresh window negative", remember.Config[User]{FreshWindow: -time.Minute}},
		{"leeway over the token maximum", remember.Config[User]{Leeway: 11 * time.Minute}},
		{"E2 SameSite None", remember.Config[User]{SameSite: http.SameSiteNoneMode}},
		{"SameSite unknown", remember.Config[User]{SameSite: http.SameSite(42)}},
		{"equal auth and remember names", remember.Config[User]{AuthCookie: "__Host-s", RememberCookie: "__Host-s"}},
		{"equal auth and fresh names", remember.Config[User]{FreshCookie: "__Host-auth"}},
		{"equal remember and fresh names", remember.Config[User]{RememberCookie: "__Host-x", FreshCookie: "__Host-x"}},
		{"a name that is a chunk of another", remember.Config[User]{RememberCookie: "__Host-auth.1"}},
		{"E2 name with semicolon", remember.Config[User]{AuthCookie: "__Host-a;b"}},
		{"E2 name with CRLF", remember.Config[User]{AuthCookie: "__Host-a\r\nSet-Cookie: x"}},
		{"E2 name with space", remember.Config[User]{RememberCookie: "my remember"}},
		{"MaxChunks over the limit", remember.Config[User]{MaxChunks: 11}},
		{"MaxChunks negative", remember.Config[User]{MaxChunks: -1}},
		{"E10 InsecureHTTP with an explicit __Host- name", remember.Config[User]{InsecureHTTP: true, AuthCookie: "__Host-auth"}},
		{"E10 InsecureHTTP with a lower-case __host- name", remember.Config[User]{InsecureHTTP: true, RememberCookie: "__host-remember"}},
		{"E10 InsecureHTTP with a __Secure- name", remember.Config[User]{InsecureHTTP: true, FreshCookie: "__Secure-fresh"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.cfg.Logger = slog.New(slog.DiscardHandler)
			m, err := remember.New(newRing(t), tt.cfg)
			if !errors.Is(err, remember.ErrConfig) {
				t.Fatalf("New() = %v, %v; want an error wrapping ErrConfig", m, err)
			}
			if strings.ContainsAny(err.Error(), "\r\n") {
				t.Errorf("New() error %q holds a line break", err)
			}
		})
	}
}

// TestConfigInsecureHTTP checks the development switch (E10): unprefixed
// default names, cookies without Secure, and a warning in the log.
func TestConfigInsecureHTTP(t *testing.T) {
	t.Parallel()
	var logs testci.Buffer
	cfg := remember.Config[User]{
		InsecureHTTP: true,
		Logger:       slog.New(slog.NewJSONHandler(&logs, nil)),
		Clock:        func() time.Time { return t0 },
	}
	m, err := remember.New(newRing(t), cfg)
	if err != nil {
		t.Fatalf("New(InsecureHTTP) = %v", err)
	}
	c := m.Config()
	if got, want := []string{c.AuthCookie, c.RememberCookie, c.FreshCookie}, []string{"auth", "remember", "fresh"}; !cmp.Equal(got, want) {
		t.Errorf("cookie names = %q; want %q", got, want)
	}
	if !strings.Contains(logs.String(), `"level":"WARN"`) || !strings.Contains(logs.String(), "InsecureHTTP") {
		t.Errorf("log = %q; want a warning about InsecureHTTP", logs.String())
	}

	rec := httptest.NewRecorder()
	if _, err := m.Login(rec, httptest.NewRequest(http.MethodPost, "http://dev.local/login", nil), alice, true); err != nil {
		t.Fatalf("Login: %v", err)
	}
	set := receive(t, rec)
	if diff := cmp.Diff([]string{"auth", "remember"}, setNames(set)); diff != "" {
		t.Errorf("Login set (-want +got):\n%s", diff)
	}
	for name, ck := range set {
		if ck.Secure || !ck.HttpOnly || ck.Path != "/" || ck.SameSite != http.SameSiteLaxMode {
			t.Errorf("cookie %q: Secure=%v HttpOnly=%v Path=%q SameSite=%v; want no Secure, HttpOnly, /, Lax", name, ck.Secure, ck.HttpOnly, ck.Path, ck.SameSite)
		}
	}
	// The unprefixed cookie reads back.
	r := httptest.NewRequest(http.MethodGet, "http://dev.local/", nil)
	r.AddCookie(&http.Cookie{Name: "auth", Value: set["auth"].Value})
	if st := m.Load(httptest.NewRecorder(), r); st.Level != remember.Authenticated {
		t.Errorf("Load() level = %v; want %v", st.Level, remember.Authenticated)
	}
}

// TestConfigStrict checks that SameSite Strict reaches the cookies.
func TestConfigStrict(t *testing.T) {
	t.Parallel()
	e := newEnv(t, remember.Config[User]{SameSite: http.SameSiteStrictMode})
	_, set := e.login(e.browser(), alice, true)
	for name, c := range set {
		if c.SameSite != http.SameSiteStrictMode {
			t.Errorf("cookie %q SameSite = %v; want Strict", name, c.SameSite)
		}
	}
}
