//go:build linux

package fleet

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sessionless/sessionless/token"
)

var (
	fleetDuration = flag.Duration("fleet.duration", 10*time.Second, "how long TestFleet drives load; the long form is 60s")
	fleetVisitors = flag.Int("fleet.visitors", 50, "how many simulated visitors TestFleet runs")
	fleetRace     = flag.Bool("fleet.race", false, "build the demo servers with -race and fail on any race they report")
)

const (
	numServers = 3
	// activateIn is the propagation delay of the staged rotation: more than
	// the demo's 2 s watch interval, so every server has the key before
	// any seals with it.
	activateIn = "3s"
	// clockSkew is how far ahead the skewed server's clock runs; the
	// tokens' leeway is 60 s.
	clockSkew = "30s"
	// settle is how long the load goes on after the last fault at least.
	settle = 4 * time.Second
)

// artifacts is where the reports go (git-ignored).
const artifacts = "artifacts"

// server is one demo server: a port kept across restarts, and each
// process that served on it.
type server struct {
	name string
	be   *backend
	port int

	mu   sync.Mutex
	incs []*process // incarnations, the current last
	env  []string
}

func (s *server) current() *process {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.incs[len(s.incs)-1]
}

func (s *server) incarnations() []*process {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.incs)
}

// fleet is the servers, their shared keyring file, the proxy, and the
// binaries.
type fleet struct {
	t        *testing.T
	dir      string
	demo     string
	tokengen string
	keys     string // the keyring file
	procs    procSet
	servers  []*server
	proxy    *proxy
	front    *httptest.Server
	oldKey   string
	rot      rotation // set by the rotation fault
	bindRetr int      // bind failures retried
}

// newFleet builds the binaries, creates the keyring, starts the servers
// and the proxy. Everything it starts is stopped by t.Cleanup.
func newFleet(t *testing.T) *fleet {
	f := &fleet{t: t, dir: t.TempDir()}
	t.Cleanup(func() { f.procs.killAll(t) })
	bins := build(t, f.dir, *fleetRace, "./examples/demo", "./cmd/tokengen")
	f.demo, f.tokengen = bins[0], bins[1]
	f.keys = filepath.Join(f.dir, "keys.json")
	out, err := f.runTokengen("init", "-keyring", f.keys)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`with key (\S+) \(primary\)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("tokengen init said %q; want the key id", out)
	}
	f.oldKey = m[1]
	var backends []*backend
	for i := range numServers {
		s := &server{name: fmt.Sprintf("server-%d", i), be: &backend{name: fmt.Sprintf("server-%d", i)}}
		if err := f.start(s, true); err != nil {
			t.Fatal(err)
		}
		f.servers = append(f.servers, s)
		backends = append(backends, s.be)
	}
	f.proxy = newProxy(backends)
	f.front = httptest.NewServer(f.proxy.handler())
	t.Cleanup(f.front.Close)
	t.Cleanup(f.proxy.transport.CloseIdleConnections)
	return f
}

// runTokengen runs the tokengen binary and returns its stdout.
func (f *fleet) runTokengen(args ...string) (string, error) {
	cmd := exec.Command(f.tokengen, args...)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("tokengen %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String(), nil
}

// start starts a demo process for s on a new port (pickPort) or on its
// own, retrying when the port is taken (by another program, or still by
// the process that was killed).
func (f *fleet) start(s *server, pickPort bool) error {
	for attempt := 1; ; attempt++ {
		if pickPort {
			port, err := freePort()
			if err != nil {
				return err
			}
			s.port = port
		}
		addr := fmt.Sprintf("127.0.0.1:%d", s.port)
		s.mu.Lock()
		name := fmt.Sprintf("%s.%d", s.name, len(s.incs))
		env := slices.Clone(s.env)
		s.mu.Unlock()
		p, err := startProcess(name, f.demo, []string{"-addr", addr, "-keyring", f.keys}, env)
		if err != nil {
			return err
		}
		f.procs.add(p)
		err = p.waitOutput("sessionless demo: http://"+addr+"/", time.Minute)
		if err == nil {
			s.be.setAddr(addr)
			s.mu.Lock()
			s.incs = append(s.incs, p)
			s.mu.Unlock()
			return nil
		}
		if p.bindFailed() && attempt < 50 {
			f.bindRetr++
			time.Sleep(200 * time.Millisecond)
			continue
		}
		return err
	}
}

// counts returns how often each server's current process has logged s.
func (f *fleet) counts(s string) []int {
	n := make([]int, len(f.servers))
	for i, srv := range f.servers {
		n[i] = srv.current().stderr.count(s)
	}
	return n
}

// waitLogged waits until every server's current process has logged s more
// often than before, and returns when each did, in seconds since t0.
func (f *fleet) waitLogged(s string, before []int, t0 time.Time, d time.Duration) ([]float64, error) {
	seen := make([]float64, len(f.servers))
	end := time.Now().Add(d)
	for {
		left := 0
		for i, srv := range f.servers {
			if seen[i] == 0 {
				if srv.current().stderr.count(s) > before[i] {
					seen[i] = time.Since(t0).Seconds()
				} else {
					left++
				}
			}
		}
		if left == 0 {
			return seen, nil
		}
		if time.Now().After(end) {
			return seen, fmt.Errorf("%d of %d servers did not log %q within %v", left, len(f.servers), s, d)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// writeAtomic replaces path with data as an operator's deploy would: a
// temporary file in the same folder, renamed over it.
func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".deploy-*") // mode 0600
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// faultReport is one injected fault, with its times in seconds since the
// load started.
type faultReport struct {
	Name    string   `json:"name"`
	Planned float64  `json:"planned_s"`
	Start   float64  `json:"start_s"`
	End     float64  `json:"end_s"`
	Notes   []string `json:"notes"`
	Error   string   `json:"error,omitempty"`
}

// faults are injected in this order at these fractions of the duration,
// each after the one before has finished.
var faults = []struct {
	name string
	at   float64
	run  func(f *fleet, t0 time.Time, r *faultReport) error
}{
	{"rotate", 0.10, (*fleet).faultRotate},
	{"garbage-keyring", 0.30, (*fleet).faultGarbage},
	{"kill-restart", 0.50, (*fleet).faultKill},
	{"clock-skew", 0.70, (*fleet).faultSkew},
}

func (r *faultReport) note(format string, args ...any) {
	r.Notes = append(r.Notes, fmt.Sprintf(format, args...))
}

// rotation is the key the rotation added, and when it activates.
type rotation struct {
	key       string
	activates time.Time
}

func (f *fleet) faultRotate(t0 time.Time, r *faultReport) error {
	before := f.counts(`msg="keyring reloaded"`)
	written := time.Now()
	out, err := f.runTokengen("rotate", "-keyring", f.keys, "-activate-in", activateIn)
	if err != nil {
		return err
	}
	m := regexp.MustCompile(`added key (\S+): pending, activates (\S+)`).FindStringSubmatch(out)
	if m == nil {
		return fmt.Errorf("tokengen rotate said %q; want a pending key", out)
	}
	act, err := time.Parse(time.RFC3339, m[2])
	if err != nil {
		return err
	}
	f.rot = rotation{key: m[1], activates: act}
	r.note("tokengen rotate -activate-in %s at %.2f s: key %s activates at %.2f s", activateIn, written.Sub(t0).Seconds(), m[1], act.Sub(t0).Seconds())
	seen, err := f.waitLogged(`msg="keyring reloaded"`, before, t0, 30*time.Second)
	r.note("reloaded by each server at %v s", roundAll(seen))
	if err != nil {
		return err
	}
	if last := slices.Max(seen); last > act.Sub(t0).Seconds() {
		// Not a library fault, but the test's premise failed: say so.
		return fmt.Errorf("a server loaded the rotated file at %.2f s, after the key activated at %.2f s: the machine is too slow for -activate-in %s", last, act.Sub(t0).Seconds(), activateIn)
	}
	for i, srv := range f.servers {
		if s := srv.current().stderr.String(); !strings.Contains(s, "keys=2") {
			return fmt.Errorf("%s did not log a ring of 2 keys:\n%s", f.servers[i].name, s)
		}
	}
	// Let the key activate while the load runs on.
	time.Sleep(time.Until(act.Add(500 * time.Millisecond)))
	r.note("key %s primary everywhere from %.2f s", m[1], act.Sub(t0).Seconds())
	return nil
}

func (f *fleet) faultGarbage(t0 time.Time, r *faultReport) error {
	good, err := os.ReadFile(f.keys)
	if err != nil {
		return err
	}
	bad := append(good[:len(good)/2:len(good)/2], "\x00\xff not a keyring: a broken deploy\n"...)
	before := f.counts(`msg="keyring reload failed`)
	written := time.Now()
	if err := writeAtomic(f.keys, bad); err != nil {
		return err
	}
	r.note("keyring file replaced by %d bytes of garbage (temp file + rename) at %.2f s", len(bad), written.Sub(t0).Seconds())
	seen, err := f.waitLogged(`msg="keyring reload failed`, before, t0, 30*time.Second)
	r.note("each server logged the error and kept its keys at %v s", roundAll(seen))
	if err != nil {
		return err
	}
	time.Sleep(time.Until(written.Add(3 * time.Second))) // "a few seconds later"
	before = f.counts(`msg="keyring reloaded"`)
	restored := time.Now()
	if err := writeAtomic(f.keys, good); err != nil {
		return err
	}
	r.note("keyring file restored at %.2f s", restored.Sub(t0).Seconds())
	seen, err = f.waitLogged(`msg="keyring reloaded"`, before, t0, 30*time.Second)
	r.note("reloaded by each server at %v s", roundAll(seen))
	return err
}

func (f *fleet) faultKill(t0 time.Time, r *faultReport) error {
	s := f.servers[1]
	p := s.current()
	if err := p.signal(syscall.SIGKILL); err != nil {
		return err
	}
	killed := time.Now()
	if !p.wait(10 * time.Second) {
		return fmt.Errorf("%s did not die of SIGKILL", p.name)
	}
	r.note("%s (pid %d) killed with SIGKILL at %.2f s", p.name, p.cmd.Process.Pid, killed.Sub(t0).Seconds())
	time.Sleep(time.Second) // down for a second, while the load goes on
	if err := f.start(s, false); err != nil {
		return err
	}
	r.note("restarted on the same port %d, serving at %.2f s", s.port, time.Since(t0).Seconds())
	return nil
}

func (f *fleet) faultSkew(t0 time.Time, r *faultReport) error {
	s := f.servers[2]
	p := s.current()
	if err := p.signal(syscall.SIGTERM); err != nil {
		return err
	}
	stopped := time.Now()
	if !p.wait(30 * time.Second) {
		return fmt.Errorf("%s did not stop on SIGTERM", p.name)
	}
	r.note("%s stopped with SIGTERM (graceful shutdown) at %.2f s, took %v", p.name, stopped.Sub(t0).Seconds(), time.Since(stopped).Round(time.Millisecond))
	s.mu.Lock()
	s.env = []string{"SESSIONLESS_DEMO_CLOCK_SKEW=" + clockSkew}
	s.mu.Unlock()
	if err := f.start(s, false); err != nil {
		return err
	}
	// start saw the URL on stdout; stderr is copied apart, so wait for it.
	if err := s.current().waitIn(s.current().stderr, "skew="+clockSkew, 10*time.Second); err != nil {
		return fmt.Errorf("%s does not say its clock is skewed: %v", s.current().name, err)
	}
	r.note("restarted on port %d with its clock %s ahead, serving at %.2f s", s.port, clockSkew, time.Since(t0).Seconds())
	// Whether a visitor's login lands on the skewed server in the time
	// left is chance: log in on each server directly and ask every other
	// one, so that tokens sealed on the skewed clock and opened on it are
	// both checked on every run.
	for _, from := range f.servers {
		c, err := loginAt(from.be.addr())
		if err != nil {
			return fmt.Errorf("logging in at %s: %v", from.name, err)
		}
		for _, to := range f.servers {
			if level, err := levelAt(to.be.addr(), c); err != nil || level != authenticated {
				return fmt.Errorf("a login at %s is %q at %s (%v); want %s", from.name, level, to.name, err, authenticated)
			}
		}
	}
	r.note("a login at each server is authenticated at every server")
	return nil
}

// loginAt logs in at the server at addr directly, with remember me, and
// returns the cookies it set, as a Cookie header.
func loginAt(addr string) (string, error) {
	form := url.Values{"username": {username}, "password": {password}, "remember": {"on"}, "return_to": {"/account"}}
	req, err := http.NewRequest("POST", "http://"+addr+"/login", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", htmlAccept)
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return "", err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		return "", fmt.Errorf("POST /login: status %d; want 303", res.StatusCode)
	}
	var pairs []string
	for _, c := range res.Cookies() {
		if c.Value != "" {
			pairs = append(pairs, c.Name+"="+c.Value)
		}
	}
	if len(pairs) == 0 {
		return "", errors.New("POST /login set no cookie")
	}
	return strings.Join(pairs, "; "), nil
}

// levelAt asks the server at addr directly for the level of the visitor
// with the Cookie header cookie, without storing what it sets.
func levelAt(addr, cookie string) (string, error) {
	req, err := http.NewRequest("GET", "http://"+addr+"/api/me", nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Cookie", cookie)
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	var m struct {
		Level string `json:"level"`
	}
	if res.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET /api/me: status %d", res.StatusCode)
	}
	if err := json.NewDecoder(res.Body).Decode(&m); err != nil {
		return "", fmt.Errorf("GET /api/me: %v", err)
	}
	return m.Level, nil
}

func roundAll(s []float64) []float64 {
	out := make([]float64, len(s))
	for i, v := range s {
		out[i] = float64(int(v*100+0.5)) / 100
	}
	return out
}

// runFaults injects the faults in order, each at its fraction of d or
// when the one before has finished, whichever is later.
func (f *fleet) runFaults(ctx context.Context, t0 time.Time, d time.Duration) []faultReport {
	var reports []faultReport
	for _, fl := range faults {
		at := t0.Add(time.Duration(fl.at * float64(d)))
		select {
		case <-time.After(time.Until(at)):
		case <-ctx.Done():
			return reports
		}
		r := faultReport{Name: fl.name, Planned: at.Sub(t0).Seconds(), Start: time.Since(t0).Seconds()}
		if err := fl.run(f, t0, &r); err != nil {
			r.Error = err.Error()
			f.t.Errorf("fault %s: %v", fl.name, err)
		}
		r.End = time.Since(t0).Seconds()
		reports = append(reports, r)
	}
	return reports
}

// keyUsage asks a server directly (not through the proxy) for its
// key-usage figures (expvar sessionless_keys).
func keyUsage(addr string) (token.UsageStats, error) {
	var v struct {
		Keys token.UsageStats `json:"sessionless_keys"`
	}
	res, err := http.Get("http://" + addr + "/debug/vars")
	if err != nil {
		return v.Keys, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return v.Keys, fmt.Errorf("GET /debug/vars: status %d", res.StatusCode)
	}
	return v.Keys, json.NewDecoder(res.Body).Decode(&v)
}

// logFindings are what the servers' logs say.
type logFindings struct {
	Refused      map[string]int `json:"cookies_refused"` // by reason
	Reloads      int            `json:"keyring_reloads"`
	ReloadErrors int            `json:"keyring_reload_errors"`
	OtherErrors  []string       `json:"other_errors"` // ERROR or WARN lines nobody expected, races, panics
}

var reasonRE = regexp.MustCompile(`reason=(\S+)`)

func scanLogs(servers []*server) logFindings {
	lf := logFindings{Refused: map[string]int{}}
	for _, s := range servers {
		for _, p := range s.incarnations() {
			for line := range strings.Lines(p.stderr.String()) {
				switch {
				case strings.Contains(line, `msg="remember: cookie refused"`):
					reason := "?"
					if m := reasonRE.FindStringSubmatch(line); m != nil {
						reason = m[1]
					}
					lf.Refused[reason]++
				case strings.Contains(line, `msg="keyring reloaded"`):
					lf.Reloads++
				case strings.Contains(line, `msg="keyring reload failed`):
					lf.ReloadErrors++
				case strings.Contains(line, "test-only clock skew"):
				case strings.Contains(line, "level=ERROR"), strings.Contains(line, "level=WARN"),
					strings.Contains(line, "DATA RACE"), strings.HasPrefix(line, "panic:"), strings.HasPrefix(line, "fatal error:"):
					lf.OtherErrors = append(lf.OtherErrors, p.name+": "+strings.TrimSpace(line))
				}
			}
		}
	}
	return lf
}

// summary is the JSON report of a run.
type summary struct {
	Machine         machine                 `json:"machine"`
	Started         time.Time               `json:"started"`
	Visitors        int                     `json:"visitors"`
	Servers         int                     `json:"servers"`
	Duration        string                  `json:"duration"`
	LoadSeconds     float64                 `json:"load_seconds"`
	RaceServers     bool                    `json:"race_servers"`
	Requests        int64                   `json:"requests"`
	RequestsPerSec  float64                 `json:"requests_per_second"`
	FiveXX          int64                   `json:"status_5xx"`
	Counters        map[string]int64        `json:"counters"`
	Unexpected      []event                 `json:"unexpected_events"`
	UnexpectedTotal int                     `json:"unexpected_events_total"`
	Proxy           map[string]int64        `json:"proxy"`
	Routes          map[string]routeSummary `json:"routes"`
	Faults          []faultReport           `json:"faults"`
	Logs            logFindings             `json:"server_logs"`
	Keys            map[string]any          `json:"keys"`
}

// TestFleet is the fleet test: three demo servers sharing a watched
// keyring file behind a round-robin proxy, many visitors, and faults
// injected while they browse. See RELIABILITY.md.
func TestFleet(t *testing.T) {
	d, n := *fleetDuration, *fleetVisitors
	if d <= 0 || n <= 0 {
		t.Fatalf("-fleet.duration %v and -fleet.visitors %d must be positive", d, n)
	}
	f := newFleet(t)
	base, err := url.Parse(f.front.URL)
	if err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{MaxIdleConns: 4 * n, MaxIdleConnsPerHost: 2 * n, IdleConnTimeout: 30 * time.Second}
	t.Cleanup(tr.CloseIdleConnections)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)

	st := newStats()
	stop := make(chan struct{})
	t0 := time.Now()
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			newVisitor(i, base, tr, st, t0).run(ctx, stop)
		}()
	}
	reports := f.runFaults(ctx, t0, d)
	end := t0.Add(d)
	if e := time.Now().Add(settle); e.After(end) {
		end = e
	}
	time.Sleep(time.Until(end))
	close(stop)
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		cancel()
		<-done
		t.Errorf("the visitors did not finish within 2 min of the end of the load")
	}
	load := time.Since(t0)

	// The new key opens everywhere: every server's current process has
	// opened tokens it sealed (the restarted ones included).
	keys := map[string]any{"old": f.oldKey, "new": f.rot.key}
	var openedNew []uint64
	var sealedNew uint64
	for i, s := range f.servers {
		ks, err := keyUsage(s.be.addr())
		if err != nil {
			t.Errorf("%s: %v", s.name, err)
			continue
		}
		var opened, sealed uint64
		for _, k := range ks.Keys {
			sealed += k.Sealed
			if k.ID == f.rot.key {
				opened, sealedNew = k.Opened, sealedNew+k.Sealed
			}
		}
		if i == 2 {
			// The skewed server sealed tokens that the others opened.
			keys["sealed_on_the_skewed_clock"] = sealed
			if sealed == 0 {
				t.Errorf("the skewed server sealed no token: the skew was not exercised")
			}
		}
		openedNew = append(openedNew, opened)
		if f.rot.key != "" && opened == 0 {
			t.Errorf("%s opened no token of the new key %s", s.name, f.rot.key)
		}
	}
	keys["new_key_opened_by_each_server"] = openedNew
	keys["new_key_sealed_by_current_servers"] = sealedNew

	routes, total, fivexx := st.summary()
	sum := summary{
		Machine: describeMachine(), Started: t0.UTC().Truncate(time.Second),
		Visitors: n, Servers: numServers, Duration: d.String(), LoadSeconds: load.Seconds(), RaceServers: *fleetRace,
		Requests: total, RequestsPerSec: float64(int(float64(total)/load.Seconds()*10)) / 10, FiveXX: fivexx,
		Routes: routes, Faults: reports, Logs: scanLogs(f.servers), Keys: keys,
		Proxy: map[string]int64{
			"retried_refused":   f.proxy.refused.Load(),
			"retried_in_flight": f.proxy.inFlight.Load(),
			"failed_502":        f.proxy.failed.Load(),
			"bind_retries":      int64(f.bindRetr),
		},
	}
	for _, s := range f.servers {
		sum.Proxy["served_by_"+s.name] = s.be.served.Load()
	}
	st.mu.Lock()
	sum.Counters = st.counters
	sum.Unexpected = st.events
	sum.UnexpectedTotal = st.nEvents
	st.mu.Unlock()
	writeReport(t, f, sum)

	t.Logf("%d visitors, %d servers, load %.1f s (%s asked): %d requests (%.0f/s), 5xx: %d",
		n, numServers, load.Seconds(), d, total, sum.RequestsPerSec, fivexx)
	t.Logf("counters: %v", sum.Counters)
	t.Logf("proxy: %v", sum.Proxy)
	t.Logf("server logs: %+v", sum.Logs)
	t.Logf("keys: %v", keys)
	for _, r := range reports {
		t.Logf("fault %s at %.2f–%.2f s: %s %s", r.Name, r.Start, r.End, strings.Join(r.Notes, "; "), r.Error)
	}
	t.Logf("latency per route:\n%s", routeTable(routes))

	// The claims.
	if fivexx != 0 {
		t.Errorf("%d answers with a 5xx status; want 0", fivexx)
	}
	for _, kind := range []string{"logout", "reauth_prompt", "level_up", "status", "server_error", "client_error", "cookie_left"} {
		if c := sum.Counters["unexpected_"+kind]; c != 0 {
			t.Errorf("unexpected %s: %d; want 0", kind, c)
		}
	}
	for _, e := range sum.Unexpected {
		t.Logf("unexpected at %.2f s, visitor %d: %s: %s", e.At, e.Visitor, e.Kind, e.Detail)
	}
	if c := sum.Proxy["failed_502"]; c != 0 {
		t.Errorf("the proxy found no backend for %d requests; want 0", c)
	}
	if len(sum.Logs.Refused) != 0 {
		t.Errorf("the servers refused cookies: %v; want none", sum.Logs.Refused)
	}
	for _, line := range sum.Logs.OtherErrors {
		t.Errorf("server log: %s", line)
	}
	if len(reports) != len(faults) {
		t.Errorf("%d faults injected; want %d", len(reports), len(faults))
	}
	// The model's paths were all walked.
	if c := sum.Counters["logouts"]; c != int64(n) {
		t.Errorf("%d visitors logged out at the end; want %d", c, n)
	}
	for _, c := range []string{"logins", "login_prompts", "browser_restarts", "level_checks", "consecutive_other_server"} {
		if sum.Counters[c] == 0 {
			t.Errorf("counter %s is 0: the run did not exercise it", c)
		}
	}
	if n >= 2 && (sum.Counters["reauth_prompts"] == 0 || sum.Counters["reauths"] == 0) {
		t.Errorf("no re-authentication happened: the run did not exercise the remember path")
	}
}

// writeReport writes the summary and the servers' logs under artifacts/.
func writeReport(t *testing.T, f *fleet, sum summary) {
	dir := filepath.Join(artifacts, "fleet")
	if err := os.RemoveAll(dir); err != nil {
		t.Errorf("artifacts: %v", err)
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Errorf("artifacts: %v", err)
		return
	}
	b, err := json.MarshalIndent(sum, "", "  ")
	if err != nil {
		t.Errorf("summary: %v", err)
		return
	}
	var errs []error
	errs = append(errs, os.WriteFile(filepath.Join(dir, "summary.json"), append(b, '\n'), 0o644))
	for _, s := range f.servers {
		for _, p := range s.incarnations() {
			errs = append(errs, os.WriteFile(filepath.Join(dir, p.name+".log"), []byte(p.stdout.String()+p.stderr.String()), 0o644))
		}
	}
	if err := errors.Join(errs...); err != nil {
		t.Errorf("artifacts: %v", err)
		return
	}
	abs, _ := filepath.Abs(dir)
	t.Logf("report: %s", filepath.Join(abs, "summary.json"))
}
