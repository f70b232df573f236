//go:build linux

package fleet

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var (
	httpRound    = flag.Duration("fleet.http.round", 2*time.Second, "TestHTTPThroughput: length of each measured round")
	httpRounds   = flag.Int("fleet.http.rounds", 2, "TestHTTPThroughput: rounds per route, interleaved")
	httpConns    = flag.Int("fleet.http.conns", 32, "TestHTTPThroughput: keep-alive connections of the load generator")
	httpGen      = flag.String("fleet.http.gen", "auto", `TestHTTPThroughput: load generator: "wrk", "go", or "auto" (wrk if on PATH)`)
	httpMinRatio = flag.Float64("fleet.http.min-ratio", 0.5, "TestHTTPThroughput: fail below this ratio of the server's CPU time per request, bare / middleware (the throughput ratio of a CPU-bound server; the goal is 0.9)")
	httpRSS      = flag.Duration("fleet.http.rss", 0, "TestHTTPThroughput: also load the server this long while sampling its RSS (the long form: 5m); 0 skips")
)

// benchServer is the child of fleet/internal/benchserver.
type benchServer struct {
	p      *process
	addr   string
	cookie string // NAME=VALUE of a valid auth token
}

// loadGen sends requests round-robin from reqs for d over conns
// connections and returns the requests per second.
type loadGen interface {
	name() string
	run(addr string, reqs []request, conns int, d time.Duration) (loadResult, error)
}

// request is one GET a generator sends.
type request struct {
	path   string
	cookie string // "" for none
	status int    // the status it must get
}

type loadResult struct {
	Requests int64   `json:"requests"`
	Seconds  float64 `json:"seconds"`
	RPS      float64 `json:"rps"`
	// CPUus is the server's CPU time (user and system) per request, in
	// microseconds: steadier than RPS on a noisy machine.
	CPUus float64 `json:"server_cpu_us_per_request,omitempty"`
}

// goGen is a lean Go load generator: raw HTTP/1.1 on keep-alive
// connections, responses parsed with net/http.
type goGen struct{}

func (goGen) name() string { return "go" }

func (goGen) run(addr string, reqs []request, conns int, d time.Duration) (loadResult, error) {
	raw := make([][]byte, len(reqs))
	for i, r := range reqs {
		s := "GET " + r.path + " HTTP/1.1\r\nHost: " + addr + "\r\nUser-Agent: fleet-loadgen\r\nAccept: text/html\r\n"
		if r.cookie != "" {
			s += "Cookie: " + r.cookie + "\r\n"
		}
		raw[i] = []byte(s + "\r\n")
	}
	var total atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, conns)
	start := time.Now()
	end := start.Add(d)
	for c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
			if err != nil {
				errs[c] = err
				return
			}
			defer conn.Close()
			conn.SetDeadline(end.Add(helperTimeout)) // a stuck server fails the round, not the test's -timeout
			br := bufio.NewReaderSize(conn, 16<<10)
			for i := c; time.Now().Before(end); i++ {
				k := i % len(raw)
				if _, err := conn.Write(raw[k]); err != nil {
					errs[c] = err
					return
				}
				res, err := http.ReadResponse(br, nil)
				if err != nil {
					errs[c] = err
					return
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != reqs[k].status {
					errs[c] = fmt.Errorf("GET %s: status %d; want %d", reqs[k].path, res.StatusCode, reqs[k].status)
					return
				}
				total.Add(1)
			}
		}()
	}
	wg.Wait()
	secs := time.Since(start).Seconds()
	n := total.Load()
	return loadResult{Requests: n, Seconds: secs, RPS: float64(n) / secs}, errors.Join(errs...)
}

// wrkGen runs Debian's wrk, pinned to a CPU of its own when cpu >= 0.
type wrkGen struct {
	bin string
	cpu int
	dir string
}

func (g wrkGen) name() string { return "wrk" }

// wrkScript sends the requests given after "--" in turn: each argument is
// PATH or PATH,COOKIE.
const wrkScript = `local reqs = {}
function init(args)
  for _, a in ipairs(args) do
    local path, cookie = a:match("^([^,]+),?(.*)$")
    local h = { ["Accept"] = "text/html" }
    if cookie ~= "" then h["Cookie"] = cookie end
    reqs[#reqs + 1] = wrk.format("GET", path, h)
  end
end
local i = 0
function request()
  i = i % #reqs + 1
  return reqs[i]
end
`

var (
	wrkRPS    = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	wrkTotal  = regexp.MustCompile(`(\d+) requests in ([0-9.]+)(m?s|m)\b`)
	wrkErrors = regexp.MustCompile(`Non-2xx or 3xx responses: \d+|Socket errors: .*`)
)

func (g wrkGen) run(addr string, reqs []request, conns int, d time.Duration) (loadResult, error) {
	script := filepath.Join(g.dir, "requests.lua")
	if err := os.WriteFile(script, []byte(wrkScript), 0o644); err != nil {
		return loadResult{}, err
	}
	args := []string{"-t1", "-c" + strconv.Itoa(conns), "-d" + strconv.Itoa(int(d.Seconds())) + "s", "-s", script, "http://" + addr + "/", "--"}
	for _, r := range reqs {
		args = append(args, r.path+","+r.cookie)
	}
	name := g.bin
	if g.cpu >= 0 {
		args = append([]string{"-c", strconv.Itoa(g.cpu), g.bin}, args...)
		name = "taskset"
	}
	ctx, cancel := context.WithTimeout(context.Background(), d+helperTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
	if err != nil {
		return loadResult{}, fmt.Errorf("wrk: %v\n%s", err, out)
	}
	if m := wrkErrors.FindString(string(out)); m != "" {
		return loadResult{}, fmt.Errorf("wrk: %s\n%s", m, out)
	}
	m := wrkRPS.FindStringSubmatch(string(out))
	t := wrkTotal.FindStringSubmatch(string(out))
	if m == nil || t == nil {
		return loadResult{}, fmt.Errorf("wrk: no figures in\n%s", out)
	}
	rps, _ := strconv.ParseFloat(m[1], 64)
	n, _ := strconv.ParseInt(t[1], 10, 64)
	secs, _ := strconv.ParseFloat(t[2], 64)
	switch t[3] {
	case "ms":
		secs /= 1000
	case "m":
		secs *= 60
	}
	return loadResult{Requests: n, Seconds: secs, RPS: rps}, nil
}

// startBenchServer starts the bench server with GOMAXPROCS=1, on CPU cpu
// if cpu >= 0.
func startBenchServer(t *testing.T, ps *procSet, bin string, cpu int) *benchServer {
	t.Helper()
	name, args := bin, []string{}
	if cpu >= 0 {
		name, args = "taskset", []string{"-c", strconv.Itoa(cpu), bin}
	}
	p, err := startProcess("benchserver", name, args, []string{"GOMAXPROCS=1"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ps.add(p)
	if err := p.waitOutput("\ncookie ", time.Minute); err != nil {
		t.Fatal(err)
	}
	s := &benchServer{p: p}
	for line := range strings.Lines(p.stdout.String()) {
		line = strings.TrimSpace(line)
		if v, ok := strings.CutPrefix(line, "url http://"); ok {
			s.addr = v
		}
		if v, ok := strings.CutPrefix(line, "cookie "); ok {
			s.cookie = v
		}
	}
	if s.addr == "" || s.cookie == "" {
		t.Fatalf("benchserver said %q; want its URL and a cookie", p.stdout)
	}
	return s
}

// httpSummary is the JSON report of TestHTTPThroughput.
type httpSummary struct {
	Machine   machine                 `json:"machine"`
	Started   time.Time               `json:"started"`
	Generator string                  `json:"generator"`
	Pinned    bool                    `json:"pinned"` // server on CPU 0 (GOMAXPROCS=1), wrk on CPU 1
	Conns     int                     `json:"connections"`
	Rounds    map[string][]loadResult `json:"rounds"`
	MeanRPS   map[string]float64      `json:"mean_rps"`
	MeanCPUus map[string]float64      `json:"mean_server_cpu_us_per_request"`
	Ratio     float64                 `json:"ratio_middleware_to_bare"`
	// CPURatio is the bare handler's CPU time per request over the
	// middleware's: the throughput ratio of a server that has a CPU to
	// itself, which the requests per second show only on a quiet machine.
	CPURatio float64    `json:"cpu_ratio_bare_to_middleware"`
	RSS      *rssReport `json:"rss,omitempty"`
}

type rssReport struct {
	Seconds  float64     `json:"load_seconds"`
	Load     loadResult  `json:"load"`
	Mix      string      `json:"mix"`
	Samples  []rssSample `json:"samples"`
	FirstMiB float64     `json:"first_mib"`
	MinMiB   float64     `json:"min_mib"`
	MaxMiB   float64     `json:"max_mib"`
	LastMiB  float64     `json:"last_mib"`
	// Baseline is the highest sample from 30 s to 90 s, Final the highest
	// in the last 60 s: flat means Final ≤ Baseline × 1.1 + 2 MiB.
	BaselineMiB float64 `json:"baseline_mib"`
	FinalMiB    float64 `json:"final_mib"`
}

type rssSample struct {
	At  float64 `json:"at_s"`
	MiB float64 `json:"mib"`
}

func mib(b int64) float64 { return float64(b*100>>20) / 100 }

// TestHTTPThroughput measures requests per second for a sensitive page
// with a valid auth cookie through the whole middleware (Load and
// RequireAuthenticated) against the same handler without it, on one
// server process on loopback, and with -fleet.http.rss its RSS under a
// long load. See RELIABILITY.md for the recorded figures.
func TestHTTPThroughput(t *testing.T) {
	var gen loadGen = goGen{}
	wrk, wrkErr := exec.LookPath("wrk")
	switch *httpGen {
	case "go":
	case "wrk":
		if wrkErr != nil {
			t.Fatalf("-fleet.http.gen wrk: %v (apt-get install wrk)", wrkErr)
		}
		gen = wrkGen{bin: wrk, cpu: -1}
	case "auto":
		if wrkErr == nil {
			gen = wrkGen{bin: wrk, cpu: -1}
		}
	default:
		t.Fatalf("-fleet.http.gen %q: want wrk, go or auto", *httpGen)
	}
	// With wrk and two CPUs or more, the server gets CPU 0 and wrk CPU 1,
	// so the figures are the server's cost per request and not a share
	// of a contended machine.
	serverCPU := -1
	if w, ok := gen.(wrkGen); ok && nproc() >= 2 {
		if _, err := exec.LookPath("taskset"); err == nil {
			serverCPU, w.cpu = 0, 1
			w.dir = t.TempDir()
			gen = w
		}
	}
	if w, ok := gen.(wrkGen); ok && w.dir == "" {
		w.dir = t.TempDir()
		gen = w
	}

	var ps procSet
	t.Cleanup(func() { ps.killAll(t) })
	bin := filepath.Join(t.TempDir(), "benchserver")
	build(t, false, binary{dir: ".", pkg: "./internal/benchserver", out: bin})
	s := startBenchServer(t, &ps, bin, serverCPU)

	full := []request{{path: "/account", cookie: s.cookie, status: http.StatusOK}}
	bare := []request{{path: "/bare/account", cookie: s.cookie, status: http.StatusOK}}
	// Both pages are served, and the same; without the cookie the guarded
	// one is not.
	for _, r := range []request{full[0], bare[0], {path: "/account", status: http.StatusSeeOther}} {
		req, _ := http.NewRequest("GET", "http://"+s.addr+r.path, nil)
		req.Header.Set("Accept", "text/html")
		if r.cookie != "" {
			req.Header.Set("Cookie", r.cookie)
		}
		res, err := directClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != r.status || r.status == http.StatusOK && !strings.Contains(string(body), "Alice Pleasance Liddell-Hargreaves") {
			t.Fatalf("GET %s (cookie %v): status %d; want %d and the page", r.path, r.cookie != "", res.StatusCode, r.status)
		}
	}

	sum := httpSummary{
		Machine: describeMachine(), Started: time.Now().UTC().Truncate(time.Second),
		Generator: gen.name(), Pinned: serverCPU >= 0, Conns: *httpConns,
		Rounds: map[string][]loadResult{}, MeanRPS: map[string]float64{}, MeanCPUus: map[string]float64{},
	}
	pid := s.p.cmd.Process.Pid
	measure := func(name string, reqs []request, d time.Duration, keep bool) {
		cpu0, err := cpuTime(pid)
		if err != nil {
			t.Fatal(err)
		}
		r, err := gen.run(s.addr, reqs, *httpConns, d)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		cpu1, err := cpuTime(pid)
		if err != nil {
			t.Fatal(err)
		}
		if r.Requests > 0 {
			r.CPUus = float64(int((cpu1-cpu0).Seconds()*1e7/float64(r.Requests))) / 10
		}
		if keep {
			sum.Rounds[name] = append(sum.Rounds[name], r)
		}
	}
	// Warm up both (a fresh process on this machine runs slower for its
	// first seconds), then alternate which goes first.
	measure("bare", bare, *httpRound, false)
	measure("middleware", full, *httpRound, false)
	for i := range *httpRounds {
		if i%2 == 0 {
			measure("bare", bare, *httpRound, true)
			measure("middleware", full, *httpRound, true)
		} else {
			measure("middleware", full, *httpRound, true)
			measure("bare", bare, *httpRound, true)
		}
	}
	for name, rs := range sum.Rounds {
		var rps, cpu float64
		for _, r := range rs {
			rps += r.RPS
			cpu += r.CPUus
		}
		sum.MeanRPS[name] = float64(int(rps / float64(len(rs))))
		sum.MeanCPUus[name] = float64(int(cpu/float64(len(rs))*10)) / 10
	}
	sum.Ratio = float64(int(sum.MeanRPS["middleware"]/sum.MeanRPS["bare"]*1000)) / 1000
	if c := sum.MeanCPUus["middleware"]; c > 0 {
		sum.CPURatio = float64(int(sum.MeanCPUus["bare"]/c*1000)) / 1000
	}
	t.Logf("generator %s (server pinned: %v), %d connections, %d × %v rounds: bare %.0f req/s (%.1f µs CPU each), middleware %.0f req/s (%.1f µs), ratio %.3f, CPU ratio %.3f",
		gen.name(), sum.Pinned, *httpConns, *httpRounds, *httpRound, sum.MeanRPS["bare"], sum.MeanCPUus["bare"], sum.MeanRPS["middleware"], sum.MeanCPUus["middleware"], sum.Ratio, sum.CPURatio)
	for name, rs := range sum.Rounds {
		t.Logf("  %s rounds: %v", name, rs)
	}

	if *httpRSS > 0 {
		sum.RSS = rssSoak(t, gen, s)
	}
	writeJSON(t, "summary.json", sum)

	// The server's CPU time per request, not the requests per second: on a
	// machine shared with other work the rounds' rates vary by half.
	if sum.CPURatio == 0 {
		t.Errorf("no CPU time measured for the server")
	} else if sum.CPURatio < *httpMinRatio {
		t.Errorf("the server's CPU time per request is %.1f µs with the middleware, %.1f µs without: ratio %.3f; want at least %.2f",
			sum.MeanCPUus["middleware"], sum.MeanCPUus["bare"], sum.CPURatio, *httpMinRatio)
	}
	if r := sum.RSS; r != nil && r.Seconds >= 120 && r.FinalMiB > r.BaselineMiB*1.1+2 {
		t.Errorf("RSS grew under load: %.1f MiB in the last minute against %.1f MiB from 30 to 90 s", r.FinalMiB, r.BaselineMiB)
	}
}

// rssSoak loads the server for -fleet.http.rss with a mix of requests and
// samples its RSS every 5 s.
func rssSoak(t *testing.T, gen loadGen, s *benchServer) *rssReport {
	// Mostly the sensitive page with a valid cookie, and the paths that
	// allocate differently: no cookie (a redirect to log in) and a
	// tampered cookie (refused, deleted, reported).
	tampered := s.cookie[:len(s.cookie)-2] + "AA"
	if tampered == s.cookie {
		tampered = s.cookie[:len(s.cookie)-2] + "BB"
	}
	var mix []request
	for range 8 {
		mix = append(mix, request{path: "/account", cookie: s.cookie, status: http.StatusOK})
	}
	mix = append(mix,
		request{path: "/account", status: http.StatusSeeOther},
		request{path: "/account", cookie: tampered, status: http.StatusSeeOther},
	)
	rep := &rssReport{Mix: "8 × valid auth cookie, 1 × no cookie (303 to log in), 1 × tampered cookie (refused, deleted, 303)"}
	done := make(chan struct{})
	var res loadResult
	var loadErr error
	start := time.Now()
	go func() {
		defer close(done)
		res, loadErr = gen.run(s.addr, mix, *httpConns, *httpRSS)
	}()
	sample := func() {
		b, err := readVmRSS(s.p.cmd.Process.Pid)
		if err != nil {
			t.Errorf("RSS: %v", err)
			return
		}
		rep.Samples = append(rep.Samples, rssSample{At: float64(int(time.Since(start).Seconds()*10)) / 10, MiB: mib(b)})
	}
	tick := time.NewTicker(5 * time.Second)
	defer tick.Stop()
	sample()
loop:
	for {
		select {
		case <-tick.C:
			sample()
		case <-done:
			break loop
		}
	}
	sample()
	if loadErr != nil {
		t.Fatalf("RSS load: %v", loadErr)
	}
	rep.Seconds, rep.Load = time.Since(start).Seconds(), res
	var all []float64
	total := rep.Samples[len(rep.Samples)-1].At
	for _, x := range rep.Samples {
		all = append(all, x.MiB)
		if x.At >= 30 && x.At <= 90 {
			rep.BaselineMiB = max(rep.BaselineMiB, x.MiB)
		}
		if x.At >= total-60 {
			rep.FinalMiB = max(rep.FinalMiB, x.MiB)
		}
	}
	rep.FirstMiB, rep.LastMiB = all[0], all[len(all)-1]
	rep.MinMiB, rep.MaxMiB = slices.Min(all), slices.Max(all)
	t.Logf("RSS over %.0f s of load (%.0f req/s, %s): first %.1f MiB, min %.1f, max %.1f, last %.1f; 30–90 s max %.1f, last minute max %.1f",
		rep.Seconds, res.RPS, rep.Mix, rep.FirstMiB, rep.MinMiB, rep.MaxMiB, rep.LastMiB, rep.BaselineMiB, rep.FinalMiB)
	return rep
}

// cpuTime returns the CPU time (user and system) pid has used, from
// /proc/PID/stat, in clock ticks of 10 ms (USER_HZ is 100 on Linux).
func cpuTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name, in parentheses, may hold spaces: count fields
	// after its closing parenthesis. utime and stime are fields 14 and 15.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond, nil
}

// writeJSON writes v as name in the test's artifact directory
// (t.ArtifactDir: kept with go test -artifacts, under -outputdir).
func writeJSON(t *testing.T, name string, v any) {
	t.Helper()
	path := filepath.Join(t.ArtifactDir(), name)
	b, err := json.MarshalIndent(v, "", "  ")
	if err == nil {
		err = os.WriteFile(path, append(b, '\n'), 0o644)
	}
	if err != nil {
		t.Errorf("report: %v", err)
		return
	}
	t.Logf("report: %s", path)
}
