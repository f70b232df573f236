package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sessionless/sessionless/keyring"
	"github.com/sessionless/sessionless/token"
)

// rotationServer is one server of TestTwoServerRotation: it watches the
// keyring file, seals on POST /seal and opens on POST /open.
type rotationServer struct {
	name    string
	w       *keyring.Watcher
	use     *token.Usage // counts what the server seals and opens
	url     string
	reloads chan *keyring.Ring

	mu   sync.Mutex
	errs []error // from OnError: a reload that failed
}

func newRotationServer(t *testing.T, ctx context.Context, name, path string) *rotationServer {
	t.Helper()
	s := &rotationServer{name: name, reloads: make(chan *keyring.Ring, 64)}
	w, err := keyring.Watch(ctx, path, keyring.WatchConfig{
		Interval: 20 * time.Millisecond,
		OnReload: func(r *keyring.Ring) {
			select {
			case s.reloads <- r:
			default:
			}
		},
		OnError: func(err error) {
			s.mu.Lock()
			s.errs = append(s.errs, err)
			s.mu.Unlock()
		},
	})
	if err != nil {
		t.Fatalf("%s: Watch = %v", name, err)
	}
	s.w, s.use = w, token.NewUsage(w)
	codec, err := token.New[json.RawMessage](s.use, token.Config{Purpose: "auth"})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /seal", func(rw http.ResponseWriter, req *http.Request) {
		body, err := io.ReadAll(io.LimitReader(req.Body, 1024))
		if err != nil || !json.Valid(body) {
			http.Error(rw, "bad request", http.StatusBadRequest)
			return
		}
		now := time.Now()
		tok, cl, err := codec.SealClaims(token.Params{IssuedAt: now, Expiry: now.Add(time.Hour)}, body)
		if err != nil {
			http.Error(rw, "cannot seal", http.StatusInternalServerError)
			return
		}
		rw.Header().Set("Kid", cl.KeyID)
		rw.Header().Set("Iat", strconv.FormatInt(cl.IssuedAt.Unix(), 10))
		io.WriteString(rw, tok)
	})
	mux.HandleFunc("POST /open", func(rw http.ResponseWriter, req *http.Request) {
		body, err := io.ReadAll(io.LimitReader(req.Body, 8192))
		if err != nil {
			http.Error(rw, "bad request", http.StatusBadRequest)
			return
		}
		t, err := codec.Open(strings.TrimSpace(string(body)), time.Now())
		if err != nil {
			// A real server says nothing; the test wants the reason.
			http.Error(rw, string(token.ReasonOf(err)), http.StatusUnauthorized)
			return
		}
		io.WriteString(rw, t.KeyID)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	s.url = srv.URL
	return s
}

func (s *rotationServer) reloadErrors() []error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]error(nil), s.errs...)
}

// sealed is a token a server sealed: its key id and issue time.
type sealed struct {
	tok, kid string
	iat      time.Time
	by       string
	after    time.Time // when the request was sent
}

var client = &http.Client{Timeout: 10 * time.Second}

func (s *rotationServer) seal(data string) (sealed, error) {
	start := time.Now()
	resp, err := client.Post(s.url+"/seal", "application/json", strings.NewReader(data))
	if err != nil {
		return sealed{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return sealed{}, err
	}
	if resp.StatusCode != http.StatusOK {
		return sealed{}, fmt.Errorf("%s: seal: %s: %s", s.name, resp.Status, body)
	}
	iat, err := strconv.ParseInt(resp.Header.Get("Iat"), 10, 64)
	if err != nil {
		return sealed{}, err
	}
	return sealed{tok: string(body), kid: resp.Header.Get("Kid"), iat: time.Unix(iat, 0), by: s.name, after: start}, nil
}

// open returns the key id the server opened tok with, or an error.
func (s *rotationServer) open(tok string) (string, error) {
	resp, err := client.Post(s.url+"/open", "text/plain", strings.NewReader(tok))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%s: open: %s: %s", s.name, resp.Status, strings.TrimSpace(string(body)))
	}
	return string(body), nil
}

// sealOpen seals on from and opens on to, and checks that to opened it
// with the key that sealed it.
func sealOpen(from, to *rotationServer, data string) (sealed, error) {
	s, err := from.seal(data)
	if err != nil {
		return s, err
	}
	kid, err := to.open(s.tok)
	if err != nil {
		return s, err
	}
	if kid != s.kid {
		return s, fmt.Errorf("%s sealed under %s, %s opened under %s", from.name, s.kid, to.name, kid)
	}
	return s, nil
}

// TestTwoServerRotation is issue 4's "done when": two servers watch the
// same keyring file; tokengen rotate runs while both serve; a token sealed
// by either opens on the other before and after the new key activates,
// and no request fails. It uses the real clock (and is not parallel, so
// that the other tests do not slow it down).
func TestTwoServerRotation(t *testing.T) {
	e := newEnv(t)
	old := e.initKey()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a := newRotationServer(t, ctx, "A", e.path)
	b := newRotationServer(t, ctx, "B", e.path)

	// Tokens sealed before the rotation.
	var pre []sealed
	for _, s := range []*rotationServer{a, b} {
		tok, err := s.seal(`{"pre":true}`)
		if err != nil {
			t.Fatal(err)
		}
		if tok.kid != old {
			t.Fatalf("%s sealed under %s before the rotation; want %s", s.name, tok.kid, old)
		}
		pre = append(pre, tok)
	}

	// Keep both servers busy, in both directions, for the whole run.
	var (
		mu       sync.Mutex
		requests int
		failures []error
		all      []sealed
	)
	stop := make(chan struct{})
	done := make(chan struct{})
	var stopOnce sync.Once
	stopTraffic := func() {
		stopOnce.Do(func() { close(stop) })
		<-done
	}
	defer stopTraffic() // also when the test fails early
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			from, to := a, b
			if i%2 == 1 {
				from, to = b, a
			}
			time.Sleep(200 * time.Microsecond) // leave some CPU to the rest
			s, err := sealOpen(from, to, fmt.Sprintf(`{"n":%d}`, i))
			mu.Lock()
			requests += 2
			if err != nil {
				failures = append(failures, err)
			} else {
				all = append(all, s)
			}
			mu.Unlock()
		}
	}()
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	waitFor("traffic", func() bool { mu.Lock(); defer mu.Unlock(); return requests >= 20 })

	// The rotation, while both serve.
	r := e.cmd("rotate", "-activate-in", "400ms")
	m := regexp.MustCompile(`^added key (` + idRE + `): pending, activates (\S+) \(in .*\)\n$`).FindStringSubmatch(r.stdout)
	if r.code != 0 || m == nil {
		t.Fatalf("rotate = %d, %q, %q", r.code, r.stdout, r.stderr)
	}
	check(t, "rotate", r, 0, r.stdout, re(`tokengen: warning: -activate-in 400ms is short: .*\n`))
	neu := m[1]
	act, err := time.Parse(time.RFC3339, m[2])
	if err != nil {
		t.Fatal(err)
	}
	e.checkFile(old, neu)
	rotated := time.Now()
	if d := act.Sub(rotated); d < 300*time.Millisecond {
		t.Fatalf("the new key activates %v after the rotation; want at least the 400ms asked for (minus this test's own delay)", d)
	}

	// Both watchers report the new ring.
	for _, s := range []*rotationServer{a, b} {
		deadline := time.After(5 * time.Second)
	wait:
		for {
			select {
			case ring := <-s.reloads:
				if _, ok := ring.Key(neu); ok {
					break wait
				}
			case <-deadline:
				t.Fatalf("%s did not load the new key within 5s", s.name)
			}
		}
	}
	loaded := time.Now()
	t.Logf("both servers loaded key %s %v after the rotation; it activates %v later", neu, loaded.Sub(rotated), act.Sub(loaded))
	if act.Sub(loaded) < 100*time.Millisecond {
		t.Fatalf("the servers took too long to reload (%v): too little time is left before activation to test it", loaded.Sub(rotated))
	}

	// Before activation: the old key still seals, on both servers, and
	// each opens the other's tokens.
	for _, p := range [][2]*rotationServer{{a, b}, {b, a}} {
		s, err := sealOpen(p[0], p[1], `{"before":true}`)
		if err != nil {
			t.Fatalf("before activation: %v", err)
		}
		if s.kid != old {
			t.Errorf("before activation, %s sealed under %s; want the old key %s", s.by, s.kid, old)
		}
	}

	// After activation: the new key seals, on both servers, and each opens
	// the other's tokens.
	time.Sleep(time.Until(act) + 20*time.Millisecond)
	for _, p := range [][2]*rotationServer{{a, b}, {b, a}} {
		s, err := sealOpen(p[0], p[1], `{"after":true}`)
		if err != nil {
			t.Fatalf("after activation: %v", err)
		}
		if s.kid != neu {
			t.Errorf("after activation, %s sealed under %s; want the new key %s", s.by, s.kid, neu)
		}
	}
	// Tokens sealed before the rotation still open on both.
	for _, p := range pre {
		for _, s := range []*rotationServer{a, b} {
			if kid, err := s.open(p.tok); err != nil || kid != old {
				t.Errorf("a token sealed by %s before the rotation: %s opened it under %q, %v", p.by, s.name, kid, err)
			}
		}
	}
	waitFor("traffic after activation", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(all) > 0 && all[len(all)-1].kid == neu && all[len(all)-1].after.After(act.Add(100*time.Millisecond))
	})
	stopTraffic()

	// Not one request failed, and every token was sealed under the key
	// that was primary when it was issued (once both servers had the
	// new ring; before that, under the old key).
	mu.Lock()
	defer mu.Unlock()
	t.Logf("%d requests in the background, %d failed", requests, len(failures))
	for i, err := range failures {
		if i < 10 {
			t.Errorf("request failed: %v", err)
		}
	}
	kids := map[string]int{}
	for _, s := range all {
		kids[s.kid]++
		want := old
		if !s.iat.Before(act) {
			want = neu
		}
		if s.after.After(loaded) && s.kid != want || s.after.Before(loaded) && s.kid != old && s.kid != neu {
			t.Errorf("%s sealed a token issued at %v under %s; the new key activates at %v", s.by, s.iat, s.kid, act)
		}
	}
	if kids[old] == 0 || kids[neu] == 0 {
		t.Errorf("the background traffic saw keys %v; want both %s and %s", kids, old, neu)
	}
	for _, s := range []*rotationServer{a, b} {
		if errs := s.reloadErrors(); len(errs) > 0 {
			t.Errorf("%s: a reload failed (a partial file?): %v", s.name, errs)
		}
		// The key-usage figures tell the operator what happened.
		st := s.use.Stats()
		for _, ks := range st.Keys {
			if ks.Sealed == 0 || ks.Opened == 0 || !ks.InRing {
				t.Errorf("%s: key %s sealed %d and opened %d tokens (in ring %v); want some of each", s.name, ks.ID, ks.Sealed, ks.Opened, ks.InRing)
			}
			for reason, n := range ks.Rejected {
				t.Errorf("%s: key %s refused %d tokens (%s)", s.name, ks.ID, n, reason)
			}
		}
		if len(st.Keys) != 2 {
			t.Errorf("%s: Stats has %d keys; want 2", s.name, len(st.Keys))
		}
	}
}
