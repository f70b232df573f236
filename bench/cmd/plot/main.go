// Command plot draws, from a recorded run of BenchmarkRequest, what each
// impl adds per request over the bare handler against the session size:
// one line per impl and kind of visitors, as an SVG picture.
//
//	go run ./cmd/plot [-metric time|allocs] [-linear] [-note TEXT] [-o FILE] RESULTS.txt
//
// RESULTS.txt is the raw output of go test -bench (see record.sh); each
// point is the median of the impl's runs minus the median of bare's at the
// same size and visitors. Without -o the SVG goes to standard output.
// Standard library only, so that it runs wherever the benchmarks do.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/sessionless/sessionless/bench/internal/results"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is main with its arguments and outputs: 0 on success, 1 on failure,
// 2 on bad usage.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("plot", flag.ContinueOnError)
	fs.SetOutput(stderr)
	metric := fs.String("metric", "time", "what to plot: time (µs added per request) or allocs (allocations added)")
	linear := fs.Bool("linear", false, "a linear vertical axis (default: logarithmic)")
	out := fs.String("o", "", "write the SVG to this file (default: standard output)")
	note := fs.String("note", "", "a line of text to add under the chart (such as why its figures are preliminary)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: plot [-metric time|allocs] [-linear] [-note TEXT] [-o FILE] RESULTS.txt")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() != 1 || (*metric != "time" && *metric != "allocs") {
		fs.Usage()
		return 2
	}
	if err := plotFile(fs.Arg(0), *out, *metric, *note, !*linear, stdout); err != nil {
		fmt.Fprintln(stderr, "plot:", err)
		return 1
	}
	return 0
}

func plotFile(in, out, metric, note string, logY bool, stdout io.Writer) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	set, err := results.Parse(f)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	c, err := chartOf(set, metric)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	c.logY, c.note = logY, note
	svg := c.svg()
	if out == "" {
		_, err = io.WriteString(stdout, svg)
		return err
	}
	return os.WriteFile(out, []byte(svg), 0o644)
}

// series is one line: an impl with one kind of visitors.
type series struct {
	impl, visitors string
	y              []float64 // per size; ok[i] false where not measured
	ok             []bool
}

// chart is what the picture shows.
type chart struct {
	title, yLabel string
	sizes         []string // x values, as named in the benchmarks
	series        []series
	logY          bool
	runs          int    // runs per benchmark (the fewest)
	note          string // an extra line under the chart, if not empty
}

// chartOf gathers, from the Request benchmarks of set, what each impl adds
// over bare in metric, per size and kind of visitors.
func chartOf(set *results.Set, metric string) (*chart, error) {
	unit, scale := results.NsPerOp, 1e-3
	c := &chart{title: "What each impl adds per request over a bare handler", yLabel: "µs added per request"}
	if metric == "allocs" {
		unit, scale = results.AllocsPerOp, 1
		c.title, c.yLabel = "Allocations each impl adds per request", "allocations added per request"
	}
	var impls, sizes, visitors ordered
	for _, n := range set.Names {
		p := strings.Split(n, "/")
		if len(p) != 4 || p[0] != "Request" {
			continue
		}
		if _, err := sizeBytes(p[2]); err != nil {
			return nil, fmt.Errorf("benchmark %s: %w", n, err)
		}
		if p[1] != "bare" {
			impls.add(p[1])
		}
		sizes.add(p[2])
		visitors.add(p[3])
	}
	if len(impls.list) == 0 {
		return nil, errors.New("no Request/<impl>/<size>/<visitors> benchmarks besides bare")
	}
	c.sizes = sizes.list
	c.runs = -1
	for _, im := range impls.list {
		for _, vk := range visitors.list {
			s := series{impl: im, visitors: vk}
			for _, sz := range c.sizes {
				name := "Request/" + s.impl + "/" + sz + "/" + s.visitors
				base := "Request/bare/" + sz + "/" + s.visitors
				v, ok1 := set.Median(name, unit)
				b, ok2 := set.Median(base, unit)
				s.y = append(s.y, (v-b)*scale)
				s.ok = append(s.ok, ok1 && ok2)
				if ok1 && ok2 {
					c.runs = minRuns(c.runs, set.Runs(name, unit), set.Runs(base, unit))
				}
			}
			c.series = append(c.series, s)
		}
	}
	return c, nil
}

// ordered is a list of distinct strings in the order they were added.
type ordered struct {
	list []string
	seen map[string]bool
}

func (o *ordered) add(v string) {
	if o.seen == nil {
		o.seen = map[string]bool{}
	}
	if !o.seen[v] {
		o.seen[v] = true
		o.list = append(o.list, v)
	}
}

func minRuns(cur int, n ...int) int {
	for _, x := range n {
		if cur < 0 || x < cur {
			cur = x
		}
	}
	return cur
}

// sizeBytes reads a size name such as 200B or 8KB.
func sizeBytes(s string) (float64, error) {
	mult, num := 1.0, strings.TrimSuffix(s, "B")
	if strings.HasSuffix(num, "K") {
		mult, num = 1024, strings.TrimSuffix(num, "K")
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || v <= 0 || !strings.HasSuffix(s, "B") {
		return 0, fmt.Errorf("size %q is not like 200B or 8KB", s)
	}
	return v * mult, nil
}
