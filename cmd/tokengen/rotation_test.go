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
	"sync/atomic"
	"testing"
	"time"

	"github.com/sessionless/sessionless/keyring"
	"github.com/sessionless/sessionless/token"
)

// fakeClock is the time of TestTwoServerRotation: the servers and
// tokengen read it, the test moves it. Activation is then a step of the
// test, not a wait.
type fakeClock struct{ ns atomic.Int64 }

func newFakeClock(t time.Time) *fakeClock {
	c := new(fakeClock)
	c.set(t)
	return c
}

func (c *fakeClock) Now() time.Time      { return time.Unix(0, c.ns.Load()).UTC() }
func (c *fakeClock) set(t time.Time)     { c.ns.Store(t.UnixNano()) }
func (c *fakeClock) add(d time.Duration) { c.ns.Add(int64(d)) }

// rotationServer is one server of TestTwoServerRotation: it watches the
// keyring file, seals on POST /seal and opens on POST /open, at the time
// of the test's clock.
type rotationServer struct {
	name    string
	w       *keyring.Watcher
	use     *token.Usage // counts what the server seals and opens
	url     string
	reloads chan *keyring.Ring

	mu   sync.Mutex
	errs []error // from OnError: a reload that failed
}

func newRotationServer(t *testing.T, ctx context.Context, name, path string, clock *fakeClock) *rotationServer {
	t.Helper()
	s := &rotationServer{name: name, reloads: make(chan *keyring.Ring, 64)}
	w, err := keyring.Watch(ctx, path, keyring.WatchConfig{
		Interval: 10 * time.Millisecond,
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
		now := clock.Now()
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
		t, err := codec.Open(strings.TrimSpace(string(body)), clock.Now())
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
}

var client = &http.Client{Timeout: 10 * time.Second}

// post sends body to the server's path and returns the answer's body and
// headers, or an error for any status but 200.
func (s *rotationServer) post(path, body string) (string, http.Header, error) {
	resp, err := client.Post(s.url+path, "text/plain", strings.NewReader(body))
	if err != nil {
		return "", nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return "", nil, fmt.Errorf("%s: %s: %s: %s", s.name, path, resp.Status, strings.TrimSpace(string(b)))
	}
	return string(b), resp.Header, nil
}

func (s *rotationServer) seal(data string) (sealed, error) {
	tok, h, err := s.post("/seal", data)
	if err != nil {
		return sealed{}, err
	}
	iat, err := strconv.ParseInt(h.Get("Iat"), 10, 64)
	if err != nil {
		return sealed{}, err
	}
	return sealed{tok: tok, kid: h.Get("Kid"), iat: time.Unix(iat, 0), by: s.name}, nil
}

// open returns the key id the server opened tok with, or an error.
func (s *rotationServer) open(tok string) (string, error) {
	kid, _, err := s.post("/open", tok)
	return kid, err
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

// traffic keeps two servers busy, in both directions, in the background.
type traffic struct {
	mu       sync.Mutex
	failures []error
	all      []sealed
	progress chan struct{} // a token after each request pair
	stop     chan struct{}
	done     chan struct{}
	once     sync.Once
}

func startTraffic(a, b *rotationServer) *traffic {
	tr := &traffic{progress: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(tr.done)
		for i := 0; ; i++ {
			select {
			case <-tr.stop:
				return
			default:
			}
			from, to := a, b
			if i%2 == 1 {
				from, to = b, a
			}
			s, err := sealOpen(from, to, fmt.Sprintf(`{"n":%d}`, i))
			tr.mu.Lock()
			if err != nil {
				tr.failures = append(tr.failures, err)
			} else {
				tr.all = append(tr.all, s)
			}
			tr.mu.Unlock()
			select {
			case tr.progress <- struct{}{}:
			default:
			}
		}
	}()
	return tr
}

// waitFor waits until cond holds of the tokens sealed so far, checking
// after each request.
func (tr *traffic) waitFor(t *testing.T, what string, cond func([]sealed) bool) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		tr.mu.Lock()
		ok := cond(tr.all)
		tr.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-tr.progress:
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func (tr *traffic) end() {
	tr.once.Do(func() { close(tr.stop) })
	<-tr.done
}

// waitReload waits until the server has loaded a ring with the key id.
func (s *rotationServer) waitReload(t *testing.T, id string) {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case ring := <-s.reloads:
			if _, ok := ring.Key(id); ok {
				return
			}
		case <-deadline:
			t.Fatalf("%s did not load key %s within 5s", s.name, id)
		}
	}
}

// TestTwoServerRotation is issue 4's "done when": two servers watch the
// same keyring file; tokengen rotate runs while both serve; a token sealed
// by either opens on the other before and after the new key activates,
// and no request fails. The servers and tokengen share a clock that the
// test moves past the activation once both servers have the new key
// (issue 14: no waiting for a real activation).
func TestTwoServerRotation(t *testing.T) {
	t.Parallel()
	clock := newFakeClock(t0)
	e := newEnv(t)
	e.clock = clock.Now
	old := e.initKey()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a := newRotationServer(t, ctx, "A", e.path, clock)
	b := newRotationServer(t, ctx, "B", e.path, clock)

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

	tr := startTraffic(a, b)
	defer tr.end() // also when the test fails early
	tr.waitFor(t, "traffic", func(all []sealed) bool { return len(all) >= 10 })

	// The rotation, while both serve.
	clock.add(5*time.Minute + 300*time.Millisecond)
	r := e.cmd("rotate", "-activate-in", "10m")
	m := regexp.MustCompile(`^added key (` + idRE + `): pending, activates (\S+) \(in 10m0s\)\n$`).FindStringSubmatch(r.stdout)
	if r.code != 0 || m == nil {
		t.Fatalf("rotate = %d, %q, %q", r.code, r.stdout, r.stderr)
	}
	neu := m[1]
	act, err := time.Parse(time.RFC3339, m[2])
	if err != nil {
		t.Fatal(err)
	}
	if want := t0.Add(15*time.Minute + time.Second); !act.Equal(want) {
		t.Fatalf("the new key activates at %v; want %v (10m after the rotation, rounded up to the second)", act, want)
	}
	e.checkFile(old, neu)
	a.waitReload(t, neu)
	b.waitReload(t, neu)

	// Before activation: the old key still seals, on both servers, and
	// each opens the other's tokens.
	clock.set(act.Add(-time.Second))
	for _, p := range [][2]*rotationServer{{a, b}, {b, a}} {
		s, err := sealOpen(p[0], p[1], `{"before":true}`)
		if err != nil {
			t.Fatalf("before activation: %v", err)
		}
		if s.kid != old {
			t.Errorf("before activation, %s sealed under %s; want the old key %s", s.by, s.kid, old)
		}
	}
	tr.waitFor(t, "traffic before activation", func(all []sealed) bool {
		return all[len(all)-1].iat.Equal(act.Add(-time.Second))
	})

	// From activation on: the new key seals, on both servers, and each
	// opens the other's tokens.
	clock.set(act)
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
	tr.waitFor(t, "traffic after activation", func(all []sealed) bool {
		n := 0
		for _, s := range all {
			if !s.iat.Before(act) {
				n++
			}
		}
		return n >= 10
	})
	tr.end()
	tr.check(t, old, neu, act)
	for _, s := range []*rotationServer{a, b} {
		s.checkStats(t)
	}
}

// check checks the background traffic: not one request failed, and every
// token was sealed under the key that was primary when it was issued.
func (tr *traffic) check(t *testing.T, old, neu string, act time.Time) {
	t.Helper()
	tr.mu.Lock()
	defer tr.mu.Unlock()
	t.Logf("%d request pairs in the background, %d failed", len(tr.all)+len(tr.failures), len(tr.failures))
	for i, err := range tr.failures {
		if i < 10 {
			t.Errorf("request failed: %v", err)
		}
	}
	kids := map[string]int{}
	for _, s := range tr.all {
		kids[s.kid]++
		want := old
		if !s.iat.Before(act) {
			want = neu
		}
		if s.kid != want {
			t.Errorf("%s sealed a token issued at %v under %s; the new key activates at %v", s.by, s.iat, s.kid, act)
		}
	}
	if kids[old] == 0 || kids[neu] == 0 {
		t.Errorf("the background traffic saw keys %v; want both %s and %s", kids, old, neu)
	}
}

// checkStats checks that no reload failed and that the key-usage figures
// tell the operator what happened: both keys sealed and opened, none
// refused.
func (s *rotationServer) checkStats(t *testing.T) {
	t.Helper()
	if errs := s.reloadErrors(); len(errs) > 0 {
		t.Errorf("%s: a reload failed (a partial file?): %v", s.name, errs)
	}
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
