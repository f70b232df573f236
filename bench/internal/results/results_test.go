package results

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const sample = `commit: 0123abc
command: go test -bench .
goos: linux
goarch: amd64
pkg: github.com/sessionless/sessionless/bench
cpu: AMD EPYC
BenchmarkRequest/bare/200B/one-2         	  116748	      3082 ns/op	    1632 B/op	      11 allocs/op
BenchmarkRequest/bare/200B/one-2         	  116748	      3000 ns/op	    1632 B/op	      11 allocs/op
BenchmarkRequest/bare/200B/one-2         	  116748	      3500 ns/op	    1632 B/op	      12 allocs/op
BenchmarkRequest/gorilla/3KB/one
    request_test.go:41: gorilla cannot keep a 3KB session in a cookie
--- SKIP: BenchmarkRequest/gorilla/3KB/one
BenchmarkTokenKey/aes-2            	   20000	       270.7 ns/op	     512 B/op	       1 allocs/op
BenchmarkTokenKey/aes-2            	   20000	       280.1 ns/op	     512 B/op	       1 allocs/op
BenchmarkNoMem                     	   20000	       12.5 ns/op
PASS
ok  	github.com/sessionless/sessionless/bench	53.842s
`

func TestParse(t *testing.T) {
	s, err := Parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"Request/bare/200B/one", "TokenKey/aes", "NoMem"}, s.Names); diff != "" {
		t.Errorf("names (-want +got):\n%s", diff)
	}
	wantConfig := map[string]string{"commit": "0123abc", "command": "go test -bench .", "goos": "linux", "goarch": "amd64",
		"pkg": "github.com/sessionless/sessionless/bench", "cpu": "AMD EPYC"}
	if diff := cmp.Diff(wantConfig, s.Config); diff != "" {
		t.Errorf("config (-want +got):\n%s", diff)
	}
	type med struct {
		name, unit string
		want       float64
		ok         bool
		runs       int
	}
	for _, c := range []med{
		{"Request/bare/200B/one", NsPerOp, 3082, true, 3},
		{"Request/bare/200B/one", AllocsPerOp, 11, true, 3},
		{"TokenKey/aes", NsPerOp, 275.4, true, 2},
		{"TokenKey/aes", BytesPerOp, 512, true, 2},
		{"NoMem", NsPerOp, 12.5, true, 1},
		{"NoMem", AllocsPerOp, 0, false, 0},
		{"Request/gorilla/3KB/one", NsPerOp, 0, false, 0},
	} {
		got, ok := s.Median(c.name, c.unit)
		if ok != c.ok || got != c.want {
			t.Errorf("Median(%q, %q) = %v, %v; want %v, %v", c.name, c.unit, got, ok, c.want, c.ok)
		}
		if n := s.Runs(c.name, c.unit); n != c.runs {
			t.Errorf("Runs(%q, %q) = %d; want %d", c.name, c.unit, n, c.runs)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, in := range []string{
		"BenchmarkX-2  100  abc ns/op\n",
		"BenchmarkX-2  100  12 B/op\n",
	} {
		if _, err := Parse(strings.NewReader(in)); err == nil {
			t.Errorf("Parse(%q) succeeded; want an error", in)
		}
	}
	// Not result lines: ignored, whatever they hold.
	s, err := Parse(strings.NewReader("BenchmarkX\nBenchmarkY-2 --- FAIL\nBenchmark 12 x\nok x 1s\n"))
	if err != nil || len(s.Names) != 0 {
		t.Errorf("Parse of non-result lines = %v, %v; want nothing, nil", s.Names, err)
	}
}
