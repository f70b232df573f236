//go:build linux

package fleet

import (
	"fmt"
	"maps"
	"math"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// stats are the visitors' figures; safe for concurrent use.
type stats struct {
	mu       sync.Mutex
	routes   map[string]*routeStats
	counters map[string]int64
	events   []event // the unexpected, with details (the first maxEvents)
	cuts     []event // connections cut, each retried once
}

// maxEvents bounds the unexpected events kept with their details.
const maxEvents = 100

type routeStats struct {
	status map[int]int64
	lat    []time.Duration
}

// event is something a visitor did not expect, for the report.
type event struct {
	At      float64 `json:"at_s"` // seconds since the load started
	Kind    string  `json:"kind"`
	Visitor int     `json:"visitor"`
	Detail  string  `json:"detail"`
}

func newStats() *stats {
	return &stats{routes: map[string]*routeStats{}, counters: map[string]int64{}}
}

// record adds one answered request.
func (s *stats) record(route string, status int, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.routes[route]
	if r == nil {
		r = &routeStats{status: map[int]int64{}}
		s.routes[route] = r
	}
	r.status[status]++
	r.lat = append(r.lat, d)
}

// add adds delta to a named counter.
func (s *stats) add(name string, delta int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counters[name] += delta
}

// unexpected counts an outcome the model does not explain and keeps its
// details.
func (s *stats) unexpected(kind string, at float64, visitor int, detail string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counters["unexpected_"+kind]++
	if len(s.events) < maxEvents {
		s.events = append(s.events, event{At: at, Kind: kind, Visitor: visitor, Detail: detail})
	}
}

// cut records a connection cut while a request was in flight.
func (s *stats) cut(at float64, visitor int, detail string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counters["connections_cut"]++
	if len(s.cuts) < maxEvents {
		s.cuts = append(s.cuts, event{At: at, Kind: "cut", Visitor: visitor, Detail: detail})
	}
}

// routeSummary is one route's figures.
type routeSummary struct {
	Requests int64            `json:"requests"`
	Status   map[string]int64 `json:"status"`
	P50ms    float64          `json:"p50_ms"`
	P99ms    float64          `json:"p99_ms"`
	Maxms    float64          `json:"max_ms"`
}

// percentile returns the q-quantile (0 < q ≤ 1) of sorted, by the
// nearest-rank method.
func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func ms(d time.Duration) float64 { return math.Round(float64(d)/1e4) / 100 }

// summary returns every route's figures, the total of requests and the
// count of answers with a 5xx status.
func (s *stats) summary() (routes map[string]routeSummary, total, fivexx int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	routes = map[string]routeSummary{}
	for name, r := range s.routes {
		lat := slices.Clone(r.lat)
		slices.Sort(lat)
		rs := routeSummary{Status: map[string]int64{}, P50ms: ms(percentile(lat, 0.50)), P99ms: ms(percentile(lat, 0.99)), Maxms: ms(percentile(lat, 1))}
		for code, n := range r.status {
			rs.Status[fmt.Sprint(code)] = n
			rs.Requests += n
			if code >= 500 {
				fivexx += n
			}
		}
		total += rs.Requests
		routes[name] = rs
	}
	return routes, total, fivexx
}

// routeTable formats the routes as a text table for t.Log.
func routeTable(routes map[string]routeSummary) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-24s %9s %9s %9s %9s  %s\n", "route", "requests", "p50 ms", "p99 ms", "max ms", "status")
	names := slices.Collect(maps.Keys(routes))
	sort.Strings(names)
	for _, n := range names {
		r := routes[n]
		codes := slices.Collect(maps.Keys(r.Status))
		sort.Strings(codes)
		var st []string
		for _, c := range codes {
			st = append(st, fmt.Sprintf("%s×%d", c, r.Status[c]))
		}
		fmt.Fprintf(&b, "%-24s %9d %9.2f %9.2f %9.2f  %s\n", n, r.Requests, r.P50ms, r.P99ms, r.Maxms, strings.Join(st, " "))
	}
	return b.String()
}

func nproc() int        { return runtime.NumCPU() }
func goVersion() string { return runtime.Version() }
