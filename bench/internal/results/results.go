// Package results reads the output of `go test -bench -benchmem` (the raw
// files of bench/results) and gives the median of each benchmark's runs.
// It is what cmd/plot and cmd/targets read a recorded run with.
package results

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Units of the metrics go test -benchmem reports.
const (
	NsPerOp     = "ns/op"
	BytesPerOp  = "B/op"
	AllocsPerOp = "allocs/op"
)

// Set is the runs of the benchmarks of one output, by name.
type Set struct {
	// Names are the benchmark names in the order they first appear,
	// without "Benchmark" and without the GOMAXPROCS suffix: for
	// "BenchmarkRequest/bare/200B/one-2", "Request/bare/200B/one".
	Names []string
	// Config holds the "key: value" lines of the output (goos, cpu, and
	// the commit, go and command lines record.sh writes), the first of
	// each key.
	Config map[string]string
	runs   map[string][]map[string]float64
}

// configLine is a "key: value" line as go test and benchstat write them.
var configLine = regexp.MustCompile(`^([a-z][a-z0-9 _-]*): (.*)$`)

// procsSuffix is the "-N" go test appends to a benchmark name when
// GOMAXPROCS is not 1.
var procsSuffix = regexp.MustCompile(`-[0-9]+$`)

// Parse reads go test output. Lines that are not benchmark results (the
// goos/pkg header, PASS, ok, logs, SKIP notes) are ignored; a result line
// whose values do not parse is an error naming its line number.
func Parse(r io.Reader) (*Set, error) {
	s := &Set{Config: map[string]string{}, runs: map[string][]map[string]float64{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		if m := configLine.FindStringSubmatch(sc.Text()); m != nil {
			if _, seen := s.Config[m[1]]; !seen {
				s.Config[m[1]] = strings.TrimSpace(m[2])
			}
			continue
		}
		f := strings.Fields(sc.Text())
		// A result: name, iterations, then value-unit pairs.
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") || len(f)%2 != 0 {
			continue
		}
		if _, err := strconv.ParseUint(f[1], 10, 64); err != nil {
			continue
		}
		name := procsSuffix.ReplaceAllString(strings.TrimPrefix(f[0], "Benchmark"), "")
		m := map[string]float64{}
		for i := 2; i < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return nil, fmt.Errorf("line %d: %q is not a number: %v", line, f[i], err)
			}
			m[f[i+1]] = v
		}
		if _, ok := m[NsPerOp]; !ok {
			return nil, fmt.Errorf("line %d: a benchmark result without ns/op", line)
		}
		if _, seen := s.runs[name]; !seen {
			s.Names = append(s.Names, name)
		}
		s.runs[name] = append(s.runs[name], m)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return s, nil
}

// Runs returns how many runs of name reported unit.
func (s *Set) Runs(name, unit string) int {
	n := 0
	for _, m := range s.runs[name] {
		if _, ok := m[unit]; ok {
			n++
		}
	}
	return n
}

// Median returns the median of unit over the runs of name, and false if
// no run of name reported unit.
func (s *Set) Median(name, unit string) (float64, bool) {
	var v []float64
	for _, m := range s.runs[name] {
		if x, ok := m[unit]; ok {
			v = append(v, x)
		}
	}
	if len(v) == 0 {
		return 0, false
	}
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2], true
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2, true
}
