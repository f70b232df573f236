//go:build linux

package fleet

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
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
)

var (
	fleetDuration = flag.Duration("fleet.duration", 10*time.Second, "how long TestFleet drives load at least; the long form is 60s")
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
	// helperTimeout bounds every wait of the test on a server or on
	// HAProxy.
	helperTimeout = 30 * time.Second
)

// server is one demo server: a name in HAProxy, a port kept across
// restarts, and each process that served on it.
type server struct {
	name string
	port int

	mu   sync.Mutex
	incs []*incarnation // the current last
}

// incarnation is one process of a server.
type incarnation struct {
	p     *process
	build string   // buildReal, buildGained, buildLost
	args  []string // beyond -addr and -keyring
	final *serverFigures
}

func (s *server) addr() string { return fmt.Sprintf("127.0.0.1:%d", s.port) }

func (s *server) current() *incarnation {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.incs[len(s.incs)-1]
}

func (s *server) incarnations() []*incarnation {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.incs)
}

// fleet is the servers, the Secret volume they share, HAProxy, and the
// binaries.
type fleet struct {
	t        *testing.T
	dir      string
	bins     map[string]string // demo builds by name
	tokengen string
	work     string // the operator's copy of the keyring, which tokengen changes
	vol      *secretVolume
	procs    procSet
	servers  []*server
	lb       *haproxy
	oldKey   string
	rot      rotation // set by the rolling deploy
	bindRetr int      // bind failures retried
}

// newFleet builds the binaries, creates the keyring and its volume,
// starts the servers and HAProxy. Everything it starts is stopped by
// t.Cleanup.
func newFleet(t *testing.T) *fleet {
	lbBin := haproxyPath(t)
	f := &fleet{t: t, dir: sharedTempDir(t), bins: map[string]string{}}
	t.Cleanup(func() { f.procs.killAll(t) })
	f.buildAll()
	f.work = filepath.Join(t.TempDir(), keyFile)
	out, err := f.runTokengen("init", "-keyring", f.work)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`with key (\S+) \(primary\)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("tokengen init said %q; want the key id", out)
	}
	f.oldKey = m[1]
	f.vol = &secretVolume{dir: filepath.Join(f.dir, "secret"), mount: kubernetesMount()}
	if err := os.Mkdir(f.vol.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("key file: %s", f.vol.mount.desc)
	if err := f.publishWork(); err != nil {
		t.Fatal(err)
	}
	if err := f.refusesWorldReadable(); err != nil {
		t.Fatal(err)
	}
	var lbs []lbServer
	for i := range numServers {
		s := &server{name: fmt.Sprintf("server-%d", i)}
		if err := f.start(s, true, buildReal); err != nil {
			t.Fatal(err)
		}
		f.servers = append(f.servers, s)
		lbs = append(lbs, lbServer{s.name, s.addr()})
	}
	if f.lb, err = startHAProxy(t, &f.procs, lbBin, t.TempDir(), lbs); err != nil {
		t.Fatal(err)
	}
	return f
}

// sharedTempDir is a t.TempDir the servers' user can enter (when they run
// as another user) to run the binaries and read the key volume.
func sharedTempDir(t *testing.T) string {
	dir := t.TempDir()
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// buildAll builds tokengen and the three builds of the demo.
func (f *fleet) buildAll() {
	root := moduleRoot(f.t)
	bins := []binary{{pkg: "./cmd/tokengen", out: filepath.Join(f.dir, "tokengen")}}
	f.tokengen = bins[0].out
	for _, b := range []string{buildReal, buildGained, buildLost} {
		bin := binary{pkg: "./examples/demo", out: filepath.Join(f.dir, "demo-"+b)}
		if b != buildReal {
			var err error
			if bin.overlay, err = writeOverlay(root, f.t.TempDir(), b); err != nil {
				f.t.Fatal(err)
			}
		}
		f.bins[b] = bin.out
		bins = append(bins, bin)
	}
	build(f.t, *fleetRace, bins...)
}

// refusesWorldReadable checks that a server given a Secret volume with
// Kubernetes' default mode, 0644 (world-readable), refuses to start, and
// says so with the mode (docs/attacks.md C11).
func (f *fleet) refusesWorldReadable() error {
	m := f.vol.mount
	m.mode = 0o644
	v := &secretVolume{dir: filepath.Join(f.dir, "secret-0644"), mount: m}
	data, err := os.ReadFile(f.work)
	if err == nil {
		err = os.Mkdir(v.dir, 0o755)
	}
	if err == nil {
		err = v.publish(data)
	}
	if err != nil {
		return err
	}
	p, err := startProcess("world-readable", f.bins[buildReal], []string{"-addr", "127.0.0.1:0", "-keyring", v.path()}, nil, m.cred)
	if err != nil {
		return err
	}
	f.procs.add(p)
	if !p.wait(helperTimeout) {
		return fmt.Errorf("a server given a key file of mode 0644 is still running after %v", helperTimeout)
	}
	if code := p.cmd.ProcessState.ExitCode(); code != 1 || !strings.Contains(p.stderr.String(), "0644") {
		return fmt.Errorf("a server given a key file of mode 0644 exited with %d, saying %q; want 1 and the mode", code, p.stderr.String())
	}
	f.t.Logf("a key file of mode 0644 is refused: %s", strings.TrimSpace(p.stderr.String()))
	return nil
}

// publishWork delivers the operator's copy to the servers through the
// volume, as the kubelet does after kubectl applied the Secret.
func (f *fleet) publishWork() error {
	data, err := os.ReadFile(f.work)
	if err != nil {
		return err
	}
	return f.vol.publish(data)
}

// runTokengen runs the tokengen binary (as the operator: the test's user)
// and returns its stdout.
func (f *fleet) runTokengen(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), helperTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, f.tokengen, args...)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("tokengen %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String(), nil
}

// start starts a demo process of the build for s, on a new port (pickPort)
// or on its own, retrying when the port is taken (by another program, or
// still by the process that was killed).
func (f *fleet) start(s *server, pickPort bool, build string, args ...string) error {
	for attempt := 1; ; attempt++ {
		if pickPort {
			port, err := freePort()
			if err != nil {
				return err
			}
			s.port = port
		}
		s.mu.Lock()
		name := fmt.Sprintf("%s.%d", s.name, len(s.incs))
		s.mu.Unlock()
		argv := append([]string{"-addr", s.addr(), "-keyring", f.vol.path()}, args...)
		p, err := startProcess(name, f.bins[build], argv, nil, f.vol.mount.cred)
		if err != nil {
			return err
		}
		f.procs.add(p)
		err = p.waitOutput("sessionless demo: http://"+s.addr()+"/", helperTimeout)
		if err == nil {
			s.mu.Lock()
			s.incs = append(s.incs, &incarnation{p: p, build: build, args: args})
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

// stop stops s's current process: gracefully (drained from HAProxy first,
// then SIGTERM) or with SIGKILL. Its figures are read just before, since
// they die with it.
func (f *fleet) stop(s *server, graceful bool, t0 time.Time, r *faultReport) error {
	inc := s.current()
	if graceful {
		if err := f.lb.setState(s.name, "drain"); err != nil {
			return err
		}
		if err := f.lb.waitIdle(s.name, helperTimeout); err != nil {
			return err
		}
	}
	fig, err := readFigures(s.addr())
	if err != nil {
		return err
	}
	inc.final = &fig
	sig := syscall.SIGKILL
	if graceful {
		sig = syscall.SIGTERM
	}
	stopped := time.Now()
	if err := inc.p.signal(sig); err != nil {
		return err
	}
	if !inc.p.wait(helperTimeout) {
		return fmt.Errorf("%s did not exit on %v", inc.p.name, sig)
	}
	r.note("%.2f s: %s (%s build) %s, exited in %v", since(t0, stopped), inc.p.name, inc.build,
		map[bool]string{true: "drained, then SIGTERM", false: "killed with SIGKILL"}[graceful], time.Since(stopped).Round(time.Millisecond))
	return nil
}

// replace stops s's process and starts the build in its place on the same
// port, and waits until HAProxy sends it requests again.
func (f *fleet) replace(s *server, graceful bool, build string, t0 time.Time, r *faultReport, args ...string) error {
	if err := f.stop(s, graceful, t0, r); err != nil {
		return err
	}
	if !graceful {
		time.Sleep(time.Second) // down for a second, while the load goes on
	}
	if err := f.start(s, false, build, args...); err != nil {
		return err
	}
	serving := time.Now()
	// Ready once HAProxy's health check has reached the new process, as an
	// orchestrator waits for a readiness probe before it routes traffic.
	if _, err := f.waitFigures(time.Now(), "a health check", func(i int, fig serverFigures) bool {
		return f.servers[i] != s || fig.Demo.HealthChecks > 0
	}); err != nil {
		return err
	}
	if err := f.lb.setState(s.name, "ready"); err != nil {
		return err
	}
	if err := f.lb.waitStatus(s.name, "UP", helperTimeout); err != nil {
		return err
	}
	r.note("%.2f s: %s (%s build%s) serving; UP in HAProxy at %.2f s", since(t0, serving), s.current().p.name, build,
		strings.Join(append([]string{""}, args...), " "), since(t0, time.Now()))
	return nil
}

// waitFigures waits until ok holds for every server's figures, and
// returns when it first did for each, in seconds since t0.
func (f *fleet) waitFigures(t0 time.Time, what string, ok func(i int, fig serverFigures) bool) ([]float64, error) {
	seen := make([]float64, len(f.servers))
	for end := time.Now().Add(helperTimeout); ; time.Sleep(50 * time.Millisecond) {
		left := 0
		for i, s := range f.servers {
			if seen[i] != 0 {
				continue
			}
			if fig, err := readFigures(s.addr()); err == nil && ok(i, fig) {
				seen[i] = since(t0, time.Now())
			} else {
				left++
			}
		}
		if left == 0 {
			return seen, nil
		}
		if time.Now().After(end) {
			return seen, fmt.Errorf("%d of %d servers did not show %s within %v", left, len(f.servers), what, helperTimeout)
		}
	}
}

// allFigures reads every server's figures.
func (f *fleet) allFigures() ([]serverFigures, error) {
	out := make([]serverFigures, len(f.servers))
	for i, s := range f.servers {
		var err error
		if out[i], err = readFigures(s.addr()); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func since(t0, t time.Time) float64 { return float64(t.Sub(t0).Milliseconds()) / 1000 }

// summary is the JSON report of a run.
type summary struct {
	Machine        machine                 `json:"machine"`
	Started        time.Time               `json:"started"`
	Visitors       int                     `json:"visitors"`
	Servers        int                     `json:"servers"`
	Duration       string                  `json:"duration"`
	LoadSeconds    float64                 `json:"load_seconds"`
	RaceServers    bool                    `json:"race_servers"`
	KeyFile        string                  `json:"key_file"`
	Requests       int64                   `json:"requests"`
	RequestsPerSec float64                 `json:"requests_per_second"`
	FiveXX         int64                   `json:"status_5xx"`
	Counters       map[string]int64        `json:"visitor_counters"`
	Unexpected     []event                 `json:"unexpected_events"`
	Cuts           []event                 `json:"connections_cut"`
	Servers5xx     int64                   `json:"servers_status_5xx"`
	ServerTotals   totals                  `json:"server_figures"`
	ServerProcs    int                     `json:"server_processes"`
	LB             map[string]int64        `json:"haproxy"`
	Routes         map[string]routeSummary `json:"routes"`
	Faults         []faultReport           `json:"faults"`
	Crashes        []string                `json:"crashes"`
	Keys           map[string]any          `json:"keys"`
}

// TestFleet is the fleet test: three demo servers behind HAProxy sharing a
// keyring delivered as a Kubernetes Secret volume, many visitors, and a
// rolling deploy and faults while they browse. See RELIABILITY.md.
func TestFleet(t *testing.T) {
	d, n := *fleetDuration, *fleetVisitors
	if d <= 0 || n <= 0 {
		t.Fatalf("-fleet.duration %v and -fleet.visitors %d must be positive", d, n)
	}
	f := newFleet(t)
	base := &url.URL{Scheme: "http", Host: f.lb.addr}
	tr := &http.Transport{MaxIdleConns: 4 * n, MaxIdleConnsPerHost: 2 * n, IdleConnTimeout: 30 * time.Second}
	t.Cleanup(tr.CloseIdleConnections)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)

	st := newStats()
	stop := make(chan struct{})
	t0 := time.Now()
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { newVisitor(i, base, tr, st, t0).run(ctx, stop) })
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
	sum := f.collect(st, reports)
	sum.Started, sum.Visitors, sum.Duration = t0.UTC().Truncate(time.Second), n, d.String()
	sum.LoadSeconds = load.Seconds()
	sum.RequestsPerSec = float64(int(float64(sum.Requests)/load.Seconds()*10)) / 10
	f.writeReport(sum)
	f.logSummary(sum)
	f.check(sum, n)
}

// collect gathers the figures of the visitors, the servers and HAProxy.
func (f *fleet) collect(st *stats, reports []faultReport) summary {
	t := f.t
	routes, total, fivexx := st.summary()
	sum := summary{
		Machine: describeMachine(), Servers: numServers, RaceServers: *fleetRace, KeyFile: f.vol.mount.desc,
		Requests: total, FiveXX: fivexx, Routes: routes, Faults: reports,
		Keys: map[string]any{"old": f.oldKey, "new": f.rot.key},
	}
	var openedNew []uint64
	for i, s := range f.servers {
		fig, err := readFigures(s.addr())
		if err != nil {
			t.Errorf("%s: %v", s.name, err)
			continue
		}
		s.current().final = &fig
		sealed, opened := fig.Keys.sealedOpened(f.rot.key)
		openedNew = append(openedNew, opened)
		if f.rot.key != "" && opened == 0 {
			t.Errorf("%s opened no token of the new key %s", s.name, f.rot.key)
		}
		if i == skewedServer {
			// The skewed server sealed tokens that the others opened.
			sum.Keys["sealed_on_the_skewed_clock"] = sealed
			if sealed == 0 {
				t.Errorf("the skewed server sealed no token: the skew was not exercised")
			}
		}
	}
	sum.Keys["new_key_opened_by_each_current_server"] = openedNew
	for _, s := range f.servers {
		for _, inc := range s.incarnations() {
			sum.ServerProcs++
			if inc.final != nil {
				sum.ServerTotals.add(inc.final.Demo)
			} else {
				t.Errorf("%s: no figures (it died before they were read)", inc.p.name)
			}
			if c := crashLines(inc.p); len(c) > 0 {
				sum.Crashes = append(sum.Crashes, c...)
			}
		}
	}
	sum.Servers5xx = sum.ServerTotals.Status["5xx"]
	sum.LB = f.lbFigures()
	st.mu.Lock()
	sum.Counters = st.counters
	sum.Unexpected = st.events
	sum.Cuts = st.cuts
	st.mu.Unlock()
	return sum
}

// lbFigures are HAProxy's counters for the run.
func (f *fleet) lbFigures() map[string]int64 {
	m, err := f.lb.stats()
	if err != nil {
		f.t.Errorf("haproxy: %v", err)
		return nil
	}
	fe, be := m["fleet/FRONTEND"], m["demo/BACKEND"]
	out := map[string]int64{
		"requests":             fe.int("req_tot"),
		"frontend_status_5xx":  fe.int("hrsp_5xx"),
		"backend_status_5xx":   be.int("hrsp_5xx"),
		"retries":              be.int("wretr"),
		"redispatches":         be.int("wredis"),
		"connection_errors":    be.int("econ"),
		"response_errors":      be.int("eresp"),
		"bind_retries_of_test": int64(f.bindRetr),
	}
	for _, s := range f.servers {
		row := m["demo/"+s.name]
		out[s.name+"_requests"] = row.int("stot")
		out[s.name+"_went_down"] = row.int("chkdown")
		out[s.name+"_downtime_s"] = row.int("downtime")
	}
	return out
}

// crashLines are the lines of the process's stderr that say it crashed or
// raced: the Go runtime's, not a library's log.
func crashLines(p *process) []string {
	var out []string
	for line := range strings.Lines(p.stderr.String()) {
		if strings.Contains(line, "DATA RACE") || strings.HasPrefix(line, "panic:") || strings.HasPrefix(line, "fatal error:") {
			out = append(out, p.name+": "+strings.TrimSpace(line))
		}
	}
	return out
}

func (f *fleet) logSummary(sum summary) {
	t := f.t
	t.Logf("%d visitors, %d servers (%d processes in all), load %.1f s (%s asked): %d requests (%.0f/s), 5xx: %d",
		sum.Visitors, numServers, sum.ServerProcs, sum.LoadSeconds, sum.Duration, sum.Requests, sum.RequestsPerSec, sum.FiveXX)
	t.Logf("key file: %s", sum.KeyFile)
	t.Logf("visitors: %v", sum.Counters)
	t.Logf("servers: %+v", sum.ServerTotals)
	t.Logf("haproxy: %v", sum.LB)
	t.Logf("keys: %v", sum.Keys)
	for _, r := range sum.Faults {
		t.Logf("fault %s at %.2f–%.2f s:\n\t%s %s", r.Name, r.Start, r.End, strings.Join(r.Notes, "\n\t"), r.Error)
	}
	t.Logf("latency per route:\n%s", routeTable(sum.Routes))
	for _, e := range sum.Unexpected {
		t.Logf("unexpected at %.2f s, visitor %d: %s: %s", e.At, e.Visitor, e.Kind, e.Detail)
	}
}

// check holds the run to the claims.
func (f *fleet) check(sum summary, n int) {
	t := f.t
	if sum.FiveXX != 0 || sum.Servers5xx != 0 || sum.LB["frontend_status_5xx"] != 0 {
		t.Errorf("answers with a 5xx status: %d seen by the visitors, %d counted by the servers, %d by HAProxy; want 0",
			sum.FiveXX, sum.Servers5xx, sum.LB["frontend_status_5xx"])
	}
	for _, kind := range []string{"logout", "reauth_prompt", "level_up", "status", "server_error", "client_error", "cookie_left"} {
		if c := sum.Counters["unexpected_"+kind]; c != 0 {
			t.Errorf("unexpected %s: %d; want 0", kind, c)
		}
	}
	for reason, c := range sum.ServerTotals.Refused {
		if c != 0 {
			t.Errorf("the servers refused %d cookies: %s; want none", c, reason)
		}
	}
	checkCuts(t, sum)
	for _, line := range sum.Crashes {
		t.Errorf("server: %s", line)
	}
	if len(sum.Faults) != len(faults) {
		t.Errorf("%d faults injected; want %d", len(sum.Faults), len(faults))
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
	// Every request reached a server, once or more (HAProxy retries).
	if sum.ServerTotals.Requests < sum.Requests*9/10 {
		t.Errorf("the servers counted %d requests; the visitors sent %d", sum.ServerTotals.Requests, sum.Requests)
	}
}

// checkCuts checks that every connection cut in flight was cut while a
// server was being killed.
func checkCuts(t *testing.T, sum summary) {
	i := slices.IndexFunc(sum.Faults, func(r faultReport) bool { return r.Name == "kill-restart" })
	for _, c := range sum.Cuts {
		if i < 0 || c.At < sum.Faults[i].Start || c.At > sum.Faults[i].End+1 {
			t.Errorf("a connection cut at %.2f s, when no server was being killed: visitor %d, %s", c.At, c.Visitor, c.Detail)
		}
	}
}

// writeReport writes the summary and the processes' logs into the test's
// artifact directory (kept with go test -artifacts).
func (f *fleet) writeReport(sum summary) {
	writeJSON(f.t, "summary.json", sum)
	dir := f.t.ArtifactDir()
	for _, p := range f.procs.all() {
		if err := os.WriteFile(filepath.Join(dir, p.name+".log"), []byte(p.stdout.String()+p.stderr.String()), 0o644); err != nil {
			f.t.Errorf("report: %v", err)
		}
	}
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
	res, err := directClient.Do(req)
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
		return "", fmt.Errorf("POST /login at %s set no cookie", addr)
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
	res, err := directClient.Do(req)
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
