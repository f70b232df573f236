package middleware_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sessionless/sessionless/keyring"
	"github.com/sessionless/sessionless/middleware"
	"github.com/sessionless/sessionless/remember"
	"github.com/sessionless/sessionless/token"
)

func TestNew(t *testing.T) {
	t.Parallel()
	a := newApp(t, config{})
	for _, tt := range []struct {
		name string
		cfg  config
		ok   bool
	}{
		{"zero", config{}, true},
		{"custom", config{LoginURL: "/signin?x=1", ReauthURL: "/sudo", ReturnToParam: "next"}, true},
		{"app", config{App: "shop"}, true},
		{"app with a dot", config{App: "shop.eu"}, false},
		{"absolute login URL", config{LoginURL: "https://evil.example/login"}, false},
		{"scheme-relative reauth URL", config{ReauthURL: "//evil.example/"}, false},
		{"param needing escapes", config{ReturnToParam: "a b"}, false},
		{"visitor cookie named as the auth cookie", config{VisitorCookie: "__Host-auth"}, false},
		{"flash cookie a chunk of the visitor cookie", config{FlashCookie: "__Host-visitor.1"}, false},
		{"visitor cookie a one-shot cookie", config{VisitorCookie: "__Host-once-x"}, false},
		{"visitor idle longer than its lifetime", config{VisitorIdle: 48 * time.Hour, VisitorLifetime: 24 * time.Hour}, false},
		{"visitor lifetime over 400 days", config{VisitorLifetime: 401 * 24 * time.Hour}, false},
		{"negative flash lifetime", config{FlashLifetime: -time.Second}, false},
		{"bad identity setting", config{AuthIdle: time.Second}, false},
	} {
		_, err := middleware.New(a.ring, tt.cfg)
		if (err == nil) != tt.ok {
			t.Errorf("%s: New(%+v) = %v; want ok=%v", tt.name, tt.cfg, err, tt.ok)
		}
		if err != nil && !errors.Is(err, middleware.ErrConfig) {
			t.Errorf("%s: New() = %v; want an ErrConfig", tt.name, err)
		}
	}
	if _, err := middleware.New[User, Visit](nil, config{}); err == nil {
		t.Error("New(nil) succeeded")
	}
}

// TestAPIAnswers: callers that do not ask for HTML get JSON and a status,
// not a redirect.
func TestAPIAnswers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a := newApp(t, config{})
		b := newBrowser(t, a.h)
		for _, accept := range []string{"application/json", "*/*", ""} {
			b.accept = accept
			rec := b.get("/api/me")
			expect(t, "anonymous API ("+accept+")", rec, 401, `{"error":"login_required"}`+"\n")
			if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q; want application/json", ct)
			}
			if rec.Header().Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
		}
		b.accept = "text/html"
		b.post("/login", url.Values{"password": {"wonderland"}, "remember": {"on"}})
		b.restart()
		b.accept = "application/json"
		expect(t, "remembered API", b.get("/api/me"), 403, `{"error":"reauth_required"}`+"\n")
		b.accept = "text/html"
		b.post("/reauth", url.Values{"password": {"wonderland"}})
		b.accept = "application/json"
		expect(t, "authenticated API", b.get("/api/me"), 200, `{"id":7,"name":"Alice"}`+"\n")
		time.Sleep(20 * time.Minute)
		expect(t, "stale password, API", b.get("/account/password"), 403, `{"error":"reauth_required"}`+"\n")
	})
}

// TestHeaders is docs/attacks.md E7: every response varies on Cookie; responses
// that set or clear a cookie are not stored; one Set-Cookie per name.
func TestHeaders(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a := newApp(t, config{})
		b := newBrowser(t, a.h)
		rec := b.get("/")
		if v := rec.Header().Values("Vary"); !cmp.Equal(v, []string{"Cookie"}) {
			t.Errorf("anonymous page Vary = %q; want [Cookie]", v)
		}
		if rec.Header().Get("Set-Cookie") != "" {
			t.Errorf("anonymous page sets a cookie")
		}
		for _, tt := range []struct {
			name string
			rec  *httptest.ResponseRecorder
		}{
			{"login", b.post("/login", url.Values{"password": {"wonderland"}, "remember": {"on"}})},
			{"logout", b.post("/logout", nil)},
		} {
			h := tt.rec.Header()
			if h.Get("Cache-Control") != "no-store" || !strings.Contains(strings.Join(h.Values("Vary"), ","), "Cookie") {
				t.Errorf("%s: Cache-Control %q, Vary %q; want no-store and Cookie", tt.name, h.Get("Cache-Control"), h.Values("Vary"))
			}
			if len(h.Values("Set-Cookie")) == 0 {
				t.Errorf("%s: no Set-Cookie", tt.name)
			}
		}
		// A renewal on an ordinary page.
		b.post("/login", url.Values{"password": {"wonderland"}})
		time.Sleep(16 * time.Minute)
		rec = b.get("/")
		if len(rec.Header().Values("Set-Cookie")) != 1 || rec.Header().Get("Cache-Control") != "no-store" {
			t.Errorf("renewal: Set-Cookie %q, Cache-Control %q; want one and no-store", rec.Header().Values("Set-Cookie"), rec.Header().Get("Cache-Control"))
		}
		// No renewal due: nothing set.
		rec = b.get("/")
		if rec.Header().Get("Set-Cookie") != "" || rec.Header().Get("Cache-Control") != "" {
			t.Errorf("no renewal due: Set-Cookie %q, Cache-Control %q; want none", rec.Header().Values("Set-Cookie"), rec.Header().Get("Cache-Control"))
		}
	})
}

// TestUniformRefusals is docs/attacks.md H1: whatever is wrong with the cookie,
// the answer is the same status, headers and body, and the log line holds
// a reason but no token.
func TestUniformRefusals(t *testing.T) {
	var logs bytes.Buffer
	cfg := config{Logger: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	a := newApp(t, cfg)
	now := time.Now()
	seal := func(purpose string, p token.Params, ring keyring.Source) string {
		c, err := token.New[User](ring, token.Config{Purpose: purpose})
		if err != nil {
			t.Fatal(err)
		}
		tok, err := c.Seal(p, alice)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	good := seal("auth", token.Params{IssuedAt: now, Expiry: now.Add(time.Hour), AuthTime: now}, a.ring)
	// badTag changes the tag's next-to-last character (6 whole bits, so
	// any base64url letter stays canonical) to a different one: always
	// another tag, never the same token by chance (as "…AA" was, one time
	// in 256).
	badTag := func(tok string) string {
		c := byte('A')
		if tok[len(tok)-2] == 'A' {
			c = 'B'
		}
		return tok[:len(tok)-2] + string(c) + tok[len(tok)-1:]
	}
	other, _ := keyring.New([]keyring.Key{keyring.GenerateKey(now.Add(-time.Hour), now.Add(-time.Hour))}, time.Time{})
	cases := []struct{ name, value string }{
		{"malformed", "garbage"},
		{"unknown kid", seal("auth", token.Params{IssuedAt: now, Expiry: now.Add(time.Hour), AuthTime: now}, other)},
		{"bad tag", badTag(good)},
		{"expired", seal("auth", token.Params{IssuedAt: now.Add(-50 * time.Minute), Expiry: now.Add(-20 * time.Minute), AuthTime: now.Add(-50 * time.Minute)}, a.ring)},
		{"wrong purpose", seal("remember", token.Params{IssuedAt: now, Expiry: now.Add(time.Hour)}, a.ring)},
	}
	type answer struct {
		Status int
		Header http.Header
		Body   string
	}
	var first *answer
	for _, tc := range cases {
		for _, accept := range []string{"text/html", "application/json"} {
			req := httptest.NewRequest("GET", "https://example.test/account", nil)
			req.Header.Set("Accept", accept)
			req.AddCookie(&http.Cookie{Name: "__Host-auth", Value: tc.value})
			rec := httptest.NewRecorder()
			a.h.ServeHTTP(rec, req)
			got := &answer{rec.Code, rec.Header(), rec.Body.String()}
			if rec.Code >= 500 {
				t.Fatalf("%s: status %d", tc.name, rec.Code)
			}
			if accept != "text/html" {
				continue
			}
			if first == nil {
				first = got
				continue
			}
			if diff := cmp.Diff(first, got); diff != "" {
				t.Errorf("%s: answer differs from %s's (-first +got):\n%s", tc.name, cases[0].name, diff)
			}
		}
	}
	if first.Status != http.StatusSeeOther || first.Header.Get("Set-Cookie") == "" {
		t.Errorf("answer %+v; want a redirect that clears the cookie", first)
	}
	reasons := map[token.Reason]bool{}
	for _, r := range a.rejected {
		reasons[r.Reason] = true
	}
	for _, want := range []token.Reason{token.ReasonMalformed, token.ReasonUnknownKey, token.ReasonBadTag, token.ReasonExpired, token.ReasonWrongPurpose} {
		if !reasons[want] {
			t.Errorf("no rejection reported with reason %q (got %v)", want, reasons)
		}
	}
	// H3: no token material in the log.
	for _, tc := range cases {
		for i := 0; i+12 <= len(tc.value); i += 12 {
			if strings.Contains(logs.String(), tc.value[i:i+12]) {
				t.Fatalf("the log holds token material of %s: %s", tc.name, logs.String())
			}
		}
	}
	if !strings.Contains(logs.String(), `"reason":"bad_tag"`) {
		t.Errorf("the log has no reason-coded line: %s", logs.String())
	}
}

// TestTokenOnlyFromCookies is docs/attacks.md E6: a token in the query, a form
// field or the Authorization header is ignored.
func TestTokenOnlyFromCookies(t *testing.T) {
	a := newApp(t, config{})
	now := time.Now()
	c, _ := token.New[User](a.ring, token.Config{Purpose: "auth"})
	tok, _ := c.Seal(token.Params{IssuedAt: now, Expiry: now.Add(time.Hour), AuthTime: now}, alice)
	for _, req := range []*http.Request{
		httptest.NewRequest("GET", "/account?session="+tok+"&__Host-auth="+tok, nil),
		func() *http.Request {
			r := httptest.NewRequest("GET", "/account", nil)
			r.Header.Set("Authorization", "Bearer "+tok)
			return r
		}(),
		func() *http.Request {
			r := httptest.NewRequest("GET", "/account", strings.NewReader(url.Values{"__Host-auth": {tok}}.Encode()))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return r
		}(),
	} {
		req.Header.Set("Accept", "application/json")
		rec := httptest.NewRecorder()
		a.h.ServeHTTP(rec, req)
		if rec.Code != http.StatusUnauthorized {
			t.Errorf("%s with the token outside cookies: status %d; want 401", req.URL, rec.Code)
		}
	}
}

// TestCrossSite is docs/attacks.md F4: a cross-site POST to login or logout is
// refused by http.CrossOriginProtection.
func TestCrossSite(t *testing.T) {
	a := newApp(t, config{})
	b := newBrowser(t, a.h)
	b.post("/login", url.Values{"password": {"wonderland"}, "remember": {"on"}})
	for _, path := range []string{"/logout", "/login"} {
		for _, h := range []map[string]string{
			{"Sec-Fetch-Site": "cross-site"},
			{"Origin": "https://evil.example"},
		} {
			req := httptest.NewRequest("POST", "https://example.test"+path, strings.NewReader("password=wonderland"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for k, v := range h {
				req.Header.Set(k, v)
			}
			for _, c := range b.cookies {
				req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
			}
			rec := httptest.NewRecorder()
			a.h.ServeHTTP(rec, req)
			if rec.Code != http.StatusForbidden || rec.Header().Get("Set-Cookie") != "" {
				t.Errorf("cross-site POST %s (%v): status %d, Set-Cookie %q; want 403 and no cookie", path, h, rec.Code, rec.Header().Get("Set-Cookie"))
			}
		}
	}
	expect(t, "still logged in", b.get("/account"), 200, "secret of Alice")
}

// TestReturnTo is docs/attacks.md G through the login form: only same-site paths
// are followed.
func TestReturnTo(t *testing.T) {
	a := newApp(t, config{})
	for _, tt := range []struct{ name, in, want string }{
		{"G1/path", "/account", "/account"},
		{"G1/query and fragment", "/a/b?x=1#f", "/a/b?x=1#f"},
		{"G2/scheme-relative", "//evil.com", "/"},
		{"G2/backslash", `/\evil.com`, "/"},
		{"G2/two backslashes", `\\evil.com`, "/"},
		{"G4/absolute", "https://evil.com", "/"},
		{"G4/scheme without slashes", "http:evil.com", "/"},
		{"G4/javascript", "javascript:alert(1)", "/"},
		{"G4/data", "data:text/html,x", "/"},
		{"G5/userinfo", "http://good@evil.com", "/"},
		{"empty", "", "/"},
	} {
		b := newBrowser(t, a.h)
		expect(t, tt.name, b.post("/login", url.Values{"password": {"wonderland"}, "return_to": {tt.in}}), 303, tt.want)
	}
	// The return_to of a redirect to the login page is the request's own
	// path and query, escaped.
	b := newBrowser(t, a.h)
	expect(t, "return_to of a deep link", b.get("/account?a=1&b=%2F"), 303, "/login?return_to=%2Faccount%3Fa%3D1%26b%3D%252F")
}

// TestFresh: RequireFresh with a fixed and a sliding window.
func TestFresh(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a := newApp(t, config{})
		b := newBrowser(t, a.h)
		b.post("/login", url.Values{"password": {"wonderland"}, "remember": {"on"}})
		expect(t, "fixed: just logged in", b.get("/account/password"), 200, "secret of Alice")
		expect(t, "sliding: just logged in", b.get("/sudo"), 200, "secret of Alice")
		time.Sleep(10 * time.Minute)
		expect(t, "sliding: used at 10 min", b.get("/sudo"), 200, "")
		time.Sleep(10 * time.Minute)
		expect(t, "fixed: 20 min after the password", b.get("/account/password"), 303, "/reauth?return_to=%2Faccount%2Fpassword")
		expect(t, "sliding: 10 min after the last use", b.get("/sudo"), 200, "")
		expect(t, "sensitive but not fresh", b.get("/account"), 200, "")
		time.Sleep(17 * time.Minute) // the window and the 60 s leeway
		expect(t, "sliding: 17 min idle", b.get("/sudo"), 303, "/reauth?return_to=%2Fsudo")
		b.post("/reauth", url.Values{"password": {"wonderland"}})
		expect(t, "fixed: after re-authentication", b.get("/account/password"), 200, "")
		expect(t, "sliding: after re-authentication", b.get("/sudo"), 200, "")
		b.restart()
		expect(t, "remembered only: fresh route", b.get("/account/password"), 303, "/reauth?return_to=%2Faccount%2Fpassword")
		b.post("/logout", nil)
		expect(t, "anonymous: fresh route", b.get("/sudo"), 303, "/login?return_to=%2Fsudo")
	})
}

// TestStateWithoutLoad: the guards work without Load in front, and Load
// inside Load reads nothing twice.
func TestStateWithoutLoad(t *testing.T) {
	a := newApp(t, config{})
	b := newBrowser(t, a.h)
	b.post("/login", url.Values{"password": {"wonderland"}})
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(a.s.State(r).Level.String()))
	})
	bare := newBrowser(t, a.s.RequireAuthenticated(ok))
	bare.cookies = b.cookies
	expect(t, "guard without Load", bare.get("/"), 200, "authenticated")
	var loads int
	a2 := newApp(t, config{OnReject: func(context.Context, remember.Rejection) { loads++ }})
	double := newBrowser(t, a2.s.Load(a2.s.Load(ok)))
	double.cookies = map[string]*http.Cookie{"__Host-auth": {Name: "__Host-auth", Value: "garbage"}}
	rec := double.get("/")
	expect(t, "Load in Load", rec, 200, "anonymous")
	if loads != 1 || len(rec.Header().Values("Set-Cookie")) != 1 || len(rec.Header().Values("Vary")) != 1 {
		t.Errorf("Load in Load: %d reports, Set-Cookie %q, Vary %q; want one of each", loads, rec.Header().Values("Set-Cookie"), rec.Header().Values("Vary"))
	}
	if st := middleware.FromContext[User](context.Background()); st != nil {
		t.Errorf("FromContext(empty) = %v; want nil", st)
	}
	if st := middleware.FromContext[string](context.Background()); st != nil {
		t.Errorf("FromContext[string](empty) = %v; want nil", st)
	}
}
