// Command testlog reads the events of `go test -json` on stdin and prints
// what a reader of CI needs: each package's result line (ok, FAIL, ?), the
// output of every test that failed or did not finish, build errors, and
// every test that skipped. It exits 1 when a test or package failed or a
// test skipped: in CI a skipped test is a test nobody ran, so it fails the
// step, and testlog names the skipped tests last, where they are seen.
//
// .ci/run builds it with `go build -o … .ci/testlog.go`:
//
//	go test -json ./... | testlog [-require REGEXP]
//
// -require fails the step unless a test whose name matches REGEXP passed
// (for a step that must run a particular test, not zero tests).
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"regexp"
	"strings"
)

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Action     string
	Package    string
	ImportPath string // build-output and build-fail
	Test       string
	Output     string
}

// testID names a test across packages.
type testID struct{ pkg, test string }

// results is what testlog keeps while it reads.
type results struct {
	output  map[testID]*strings.Builder // tests started and not yet ended
	order   []testID                    // the order they started in
	failed  bool
	passed  int
	fails   []testID
	skips   []testID
	require *regexp.Regexp
	found   bool // a test matching require passed
}

func main() {
	require := flag.String("require", "", "fail unless a test whose name matches this regular expression passed")
	flag.Parse()
	l := &results{output: map[testID]*strings.Builder{}}
	if *require != "" {
		l.require = regexp.MustCompile(*require)
	}
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil || e.Action == "" {
			// Not an event: the go command's own messages on stderr.
			fmt.Println(sc.Text())
			l.failed = l.failed || strings.HasPrefix(sc.Text(), "FAIL")
			continue
		}
		l.add(e)
	}
	if err := sc.Err(); err != nil {
		fmt.Printf("testlog: reading go test's events: %v\n", err)
		os.Exit(1)
	}
	if !l.report() {
		os.Exit(1)
	}
}

// add takes one event.
func (l *results) add(e event) {
	switch {
	case e.Action == "build-output":
		fmt.Print(e.Output)
	case e.Action == "build-fail":
		l.failed = true
	case e.Test == "":
		l.packageEvent(e)
	default:
		l.testEvent(e)
	}
}

// packageEvent prints a package's result lines, not the bare PASS line.
func (l *results) packageEvent(e event) {
	switch e.Action {
	case "output":
		if e.Output != "PASS\n" && e.Output != "testing: warning: no tests to run\n" {
			fmt.Print(e.Output)
		}
	case "fail":
		l.failed = true
	}
}

// testEvent keeps a test's output until it ends: dropped when it passed,
// printed when it failed or skipped.
func (l *results) testEvent(e event) {
	id := testID{e.Package, e.Test}
	out := l.output[id]
	if out == nil {
		out = &strings.Builder{}
		l.output[id] = out
		l.order = append(l.order, id)
	}
	switch e.Action {
	case "output":
		if !strings.HasPrefix(strings.TrimLeft(e.Output, " "), "=== ") { // RUN, PAUSE, CONT, NAME
			out.WriteString(e.Output)
		}
		return
	case "pass":
		l.passed++
		if l.require != nil && l.require.MatchString(e.Test) {
			l.found = true
		}
	case "fail":
		l.fails = append(l.fails, id)
		fmt.Print(out.String())
	case "skip":
		l.skips = append(l.skips, id)
		fmt.Print(out.String())
	default: // run, pause, cont
		return
	}
	delete(l.output, id)
}

// report prints what did not finish and the totals, and reports whether
// the step passed.
func (l *results) report() bool {
	for _, id := range l.order {
		if out, ok := l.output[id]; ok {
			fmt.Printf("testlog: %s %s did not finish; its output:\n%s", id.pkg, id.test, out.String())
			l.failed = true
		}
	}
	fmt.Printf("testlog: %d tests and subtests passed, %d failed, %d skipped\n", l.passed, len(l.fails), len(l.skips))
	l.addTotals()
	ok := !l.failed && len(l.fails) == 0
	if len(l.skips) > 0 {
		ok = false
		fmt.Printf("ci: FAIL: %d tests SKIPPED; in CI every test must run (a skip is a failure):\n", len(l.skips))
		for _, id := range l.skips {
			fmt.Printf("ci:   SKIP %s %s\n", id.pkg, id.test)
		}
	}
	if l.require != nil && !l.found {
		ok = false
		fmt.Printf("ci: FAIL: no test matching %q passed\n", l.require)
	}
	return ok
}

// addTotals adds this step's counts to the file named by $CI_TOTALS, if
// set, one line "passed failed skipped", so that .ci/run can close with
// the totals of every step.
func (l *results) addTotals() {
	name := os.Getenv("CI_TOTALS")
	if name == "" {
		return
	}
	f, err := os.OpenFile(name, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		fmt.Printf("testlog: %v\n", err)
		return
	}
	defer f.Close()
	fmt.Fprintf(f, "%d %d %d\n", l.passed, len(l.fails), len(l.skips))
}
