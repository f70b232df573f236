package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sessionless/sessionless/keyring"
	"github.com/sessionless/sessionless/remember"
	"github.com/sessionless/sessionless/token"
)

// figuresJSON is the figures as /debug/vars shows them.
type figuresJSON struct {
	Requests       int64            `json:"requests"`
	Status         map[string]int64 `json:"status"`
	Refused        map[string]int64 `json:"refused"`
	HealthChecks   int64            `json:"health_checks"`
	Reloads        int64            `json:"keyring_reloads"`
	ReloadErrors   int64            `json:"keyring_reload_errors"`
	KeyringKeys    int              `json:"keyring_keys"`
	KeyringPrimary string           `json:"keyring_primary"`
}

func readFigures(t *testing.T, f *figures) figuresJSON {
	t.Helper()
	var v figuresJSON
	if err := json.Unmarshal([]byte(f.vars.String()), &v); err != nil {
		t.Fatalf("figures %s: %v", f.vars.String(), err)
	}
	return v
}

// TestFigures: every request but the health check is counted by status
// class, refused cookies by reason, and /healthz says whether a key can
// seal.
func TestFigures(t *testing.T) {
	t.Parallel()
	f := newFigures()
	now := time.Now()
	active := keyring.GenerateKey(now, now)
	ring, err := keyring.New([]keyring.Key{active}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	f.useKeys(ring)
	h := f.serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/nothing": // writes nothing: 200
		case "/body":
			w.Write([]byte("hi"))
		case "/redirect":
			http.Redirect(w, r, "/", http.StatusSeeOther)
		case "/broken":
			w.WriteHeader(http.StatusInternalServerError)
			w.WriteHeader(http.StatusOK) // ignored by net/http, and by the count
		default:
			http.NotFound(w, r)
		}
	}))
	for _, path := range []string{"/nothing", "/body", "/redirect", "/broken", "/missing", "/missing", "/healthz"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", path, nil))
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/healthz", nil)) // not the health check: passed on
	f.reject(context.Background(), remember.Rejection{Reason: token.ReasonBadTag})
	f.reject(context.Background(), remember.Rejection{Reason: token.ReasonBadTag})
	f.reject(context.Background(), remember.Rejection{Reason: token.ReasonExpired})
	f.reloads.Add(1)

	got := readFigures(t, f)
	want := figuresJSON{
		Requests:       7,
		Status:         map[string]int64{"2xx": 2, "3xx": 1, "4xx": 3, "5xx": 1},
		Refused:        map[string]int64{"bad_tag": 2, "expired": 1},
		HealthChecks:   1,
		Reloads:        1,
		KeyringKeys:    1,
		KeyringPrimary: active.ID,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("figures (-want +got):\n%s", diff)
	}
}

// TestHealthz: 200 while a key can seal, 503 when none is active yet, and
// not counted as a request.
func TestHealthz(t *testing.T) {
	t.Parallel()
	now := time.Now()
	tests := []struct {
		name      string
		activates time.Time
		code      int
		body      string
	}{
		{"active key", now, http.StatusOK, "ok\n"},
		{"pending key only", now.Add(time.Hour), http.StatusServiceUnavailable, "no key to seal with\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ring, err := keyring.New([]keyring.Key{keyring.GenerateKey(now, tt.activates)}, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			f := newFigures()
			f.useKeys(ring)
			called := false
			h := f.serve(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { called = true }))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
			if rec.Code != tt.code || rec.Body.String() != tt.body || called {
				t.Errorf("GET /healthz: %d %q (handler called: %v); want %d %q, handler not called", rec.Code, rec.Body, called, tt.code, tt.body)
			}
			if got := readFigures(t, f); got.Requests != 0 || got.HealthChecks != 1 {
				t.Errorf("requests %d, health checks %d; want 0 and 1", got.Requests, got.HealthChecks)
			}
		})
	}
}

// TestRunFigures: the running demo publishes its figures at /debug/vars,
// counts a cookie it refuses, and serves /healthz.
func TestRunFigures(t *testing.T) {
	t.Parallel()
	base, _, _, _ := runDemo(t)
	b := newBrowser(t, base)
	before := b.figures()
	wantStatus(t, "GET /healthz", b.get("/healthz"), http.StatusOK, "")
	req, _ := http.NewRequest("GET", base+"/api/me", nil)
	req.AddCookie(&http.Cookie{Name: authCookie, Value: "not-a-token"})
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	after := b.figures()
	if d := after.Refused["malformed"] - before.Refused["malformed"]; d < 1 {
		t.Errorf("refused malformed grew by %d; want at least 1", d)
	}
	if after.Requests <= before.Requests || after.HealthChecks <= before.HealthChecks || after.KeyringKeys != 1 {
		t.Errorf("figures %+v after %+v; want more requests and health checks, one key", after, before)
	}
}

// figures returns the demo's figures from GET /debug/vars.
func (b *browser) figures() figuresJSON {
	b.t.Helper()
	r := b.get("/debug/vars")
	var v struct {
		Demo figuresJSON `json:"demo"`
	}
	if err := json.NewDecoder(strings.NewReader(r.body)).Decode(&v); err != nil || r.code != http.StatusOK {
		b.t.Fatalf("GET /debug/vars: %d, %v", r.code, err)
	}
	return v.Demo
}
