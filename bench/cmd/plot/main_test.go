package main

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sessionless/sessionless/bench/internal/results"
)

// run1 is a recorded run in miniature: two sizes, bare and two impls, one
// of which (gorilla) has no 8KB result, as when its cookie cannot hold it.
const run1 = `goos: linux
BenchmarkRequest/bare/200B/one-2         	  1000	      3000 ns/op	    1632 B/op	      11 allocs/op
BenchmarkRequest/bare/200B/one-2         	  1000	      3100 ns/op	    1632 B/op	      11 allocs/op
BenchmarkRequest/bare/8KB/one-2          	  1000	      3200 ns/op	    1632 B/op	      11 allocs/op
BenchmarkRequest/sessionless/200B/one-2  	  1000	      7000 ns/op	    3876 B/op	      19 allocs/op
BenchmarkRequest/sessionless/200B/one-2  	  1000	      9000 ns/op	    3876 B/op	      19 allocs/op
BenchmarkRequest/sessionless/8KB/one-2   	  1000	     50200 ns/op	   57879 B/op	     165 allocs/op
BenchmarkRequest/gorilla/200B/one-2      	  1000	     30050 ns/op	   16728 B/op	     289 allocs/op
--- SKIP: BenchmarkRequest/gorilla/8KB/one
BenchmarkSeal/sessionless-2              	  1000	      2700 ns/op	    1856 B/op	       3 allocs/op
PASS
`

func TestChartOf(t *testing.T) {
	set, err := results.Parse(strings.NewReader(run1))
	if err != nil {
		t.Fatal(err)
	}
	c, err := chartOf(set, "time")
	if err != nil {
		t.Fatal(err)
	}
	want := []series{
		{impl: "sessionless", visitors: "one", y: []float64{4.95, 47}, ok: []bool{true, true}},
		{impl: "gorilla", visitors: "one", y: []float64{27, -3.2}, ok: []bool{true, false}},
	}
	opt := cmp.Comparer(func(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 })
	if diff := cmp.Diff(want, c.series, cmp.AllowUnexported(series{}), opt); diff != "" {
		t.Errorf("series (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"200B", "8KB"}, c.sizes); diff != "" {
		t.Errorf("sizes (-want +got):\n%s", diff)
	}
	if c.runs != 1 {
		t.Errorf("runs = %d; want 1 (the fewest of any point)", c.runs)
	}

	a, err := chartOf(set, "allocs")
	if err != nil {
		t.Fatal(err)
	}
	if got := a.series[0].y; !cmp.Equal(got, []float64{8, 154}) {
		t.Errorf("allocations added by sessionless = %v; want [8 154]", got)
	}

	if _, err := chartOf(&results.Set{}, "time"); err == nil {
		t.Error("chartOf of a run without Request benchmarks succeeded")
	}
}

// TestSVG checks the picture is well-formed XML with a line for each
// series that has two points, a legend entry for every series, and a note
// for the missing point.
func TestSVG(t *testing.T) {
	set, _ := results.Parse(strings.NewReader(run1))
	for _, logY := range []bool{true, false} {
		c, err := chartOf(set, "time")
		if err != nil {
			t.Fatal(err)
		}
		c.logY = logY
		svg := c.svg()
		counts := map[string]int{}
		var text strings.Builder
		d := xml.NewDecoder(strings.NewReader(svg))
		for {
			tok, err := d.Token()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("log %v: not well-formed XML: %v", logY, err)
			}
			switch tok := tok.(type) {
			case xml.StartElement:
				counts[tok.Name.Local]++
			case xml.CharData:
				text.Write(tok)
			}
		}
		if counts["svg"] != 1 || counts["polyline"] != 1 || counts["circle"] != 3+2 {
			t.Errorf("log %v: %d svg, %d polylines, %d circles; want 1, 1 (sessionless), 5 (3 points, 2 in the legend)", logY, counts["svg"], counts["polyline"], counts["circle"])
		}
		for _, s := range []string{"sessionless, one visitor", "gorilla, one visitor", "gorilla, one visitor: no point at 8KB (not in the run)", "200B", "8KB"} {
			if !strings.Contains(text.String(), s) {
				t.Errorf("log %v: the picture does not say %q", logY, s)
			}
		}
	}
}

func TestNiceTicks(t *testing.T) {
	for _, c := range []struct {
		lo, hi float64
		log    bool
		want   []float64
	}{
		{3.2, 140, true, []float64{2, 5, 10, 20, 50, 100, 200}},
		{1, 10, true, []float64{1, 2, 5, 10}},
		{0, 47, false, []float64{0, 10, 20, 30, 40, 50}},
		{-3, 8, false, []float64{-4, -2, 0, 2, 4, 6, 8}},
	} {
		got := niceTicks(c.lo, c.hi, c.log)
		if !cmp.Equal(got, c.want, cmp.Comparer(func(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 })) {
			t.Errorf("niceTicks(%v, %v, %v) = %v; want %v", c.lo, c.hi, c.log, got, c.want)
		}
	}
}

func TestSizeBytes(t *testing.T) {
	for in, want := range map[string]float64{"200B": 200, "1KB": 1024, "8KB": 8192} {
		if got, err := sizeBytes(in); err != nil || got != want {
			t.Errorf("sizeBytes(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "B", "8K", "xKB", "-1B", "1MB"} {
		if _, err := sizeBytes(in); err == nil {
			t.Errorf("sizeBytes(%q) succeeded", in)
		}
	}
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "run.txt")
	if err := os.WriteFile(in, []byte(run1), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.svg")
	for _, c := range []struct {
		args []string
		code int
	}{
		{[]string{"-o", out, in}, 0},
		{[]string{"-metric", "allocs", "-linear", "-note", "Preliminary & <noisy>", "-o", out, in}, 0},
		{[]string{"-h"}, 0},
		{[]string{}, 2},
		{[]string{"-metric", "bytes", in}, 2},
		{[]string{"-bogus", in}, 2},
		{[]string{filepath.Join(dir, "absent.txt")}, 1},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(c.args, &stdout, &stderr); code != c.code {
			t.Errorf("plot %q: exit %d; want %d (stderr %q)", c.args, code, c.code, stderr.String())
		}
	}
	b, err := os.ReadFile(out)
	if err != nil || !bytes.HasPrefix(b, []byte("<svg")) || !bytes.Contains(b, []byte("Preliminary &amp; &lt;noisy&gt;")) {
		t.Errorf("the -o file of the last run with -o: %v, %.20q…, without its note", err, b)
	}
}
