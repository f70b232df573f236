package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeRun writes a run with every benchmark the report reads: bare costs
// 3 µs and 11 allocations everywhere; sessionless adds 2 µs and 8
// allocations at 200B, scs 20 µs, gorilla has no 3KB and 8KB results.
func fakeRun(drop string) string {
	var b strings.Builder
	line := func(name string, ns, allocs float64) {
		if name != drop {
			fmt.Fprintf(&b, "Benchmark%s-2 \t 1000\t %.0f ns/op\t 100 B/op\t %.0f allocs/op\n", name, ns, allocs)
		}
	}
	for i, sz := range sizes {
		k := float64(i + 1)
		for _, v := range visitorKinds {
			line("Request/bare/"+sz+"/"+v, 3000, 11)
			line("Request/sessionless/"+sz+"/"+v, 3000+2000*k, 19)
			line("Request/scs/"+sz+"/"+v, 3000+20000*k, 300)
			if i < 2 {
				line("Request/gorilla/"+sz+"/"+v, 3000+25000*k, 300)
			}
		}
	}
	line("Open/sessionless", 3300, 5)
	line("Open/floor", 3000, 16)
	line("Seal/sessionless", 2700, 3)
	line("Seal/floor", 3000, 18)
	line("SealSize/200B/sessionless", 2000, 3)
	line("SealSize/200B/securecookie", 4000, 21)
	line("SealSize/200B/floor", 2500, 18)
	line("OpenSize/200B/sessionless", 3000, 5)
	line("OpenMany/sessionless", 3200, 8)
	line("TokenKey/all", 1300, 2)
	return b.String()
}

func TestReport(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "run.txt")
	if err := os.WriteFile(in, []byte(fakeRun("")), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{in}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{
		"| bare | 200B | 3.00 µs total | 11 total | 3.00 µs total | 11 total |",
		"| sessionless | 200B | 2.00 | 8 | 2.00 | 8 |",
		"| sessionless | 8KB | 8.00 | 8 | 8.00 | 8 |",
		"| gorilla | 8KB | – | – | – | – |",
		"| Request 200B many: sessionless ÷ scs (added over bare) ≤ 0.25 × | **0.10 ×** (2.00 µs ÷ 20.00 µs) | met |",
		"| Request 200B one: sessionless ÷ scs (added over bare) ≤ 0.08 × | **0.10 ×** (2.00 µs ÷ 20.00 µs) | **not met** (by 0.02 ×) |",
		"| Open: sessionless ÷ floor ≤ 1.05 × | **1.10 ×** (3.30 µs ÷ 3.00 µs) | **not met** (by 0.05 ×) |",
		"| Seal: sessionless ÷ floor ≤ 1.00 × | **0.90 ×** (2.70 µs ÷ 3.00 µs) | met |",
		"| Request 200B one: allocations added ≤ 6 | **8** | **not met** (by 2) |",
		"| Seal | 200B | 2.00 µs, 100 B, 3 allocs | 4.00 µs, 100 B, 21 allocs | 2.50 µs, 100 B, 18 allocs | 0.50 | 0.80 |",
		"| Open | 8KB | – | – | – | – | – |",
		"| 4 096 visitors in turn | 3.20 µs, 100 B, 8 allocs | – | – |",
		"| all | 1.30 µs, 100 B, 2 allocs |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %q:\n%s", want, out)
		}
	}
}

func TestReportErrors(t *testing.T) {
	dir := t.TempDir()
	for _, drop := range []string{"Open/floor", "Request/bare/3KB/many", "Request/scs/8KB/one"} {
		in := filepath.Join(dir, "run.txt")
		if err := os.WriteFile(in, []byte(fakeRun(drop)), 0o644); err != nil {
			t.Fatal(err)
		}
		var stdout, stderr bytes.Buffer
		if code := run([]string{in}, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), drop) {
			t.Errorf("without %s: exit %d, stderr %q; want 1 naming it", drop, code, stderr.String())
		}
	}
	var stdout, stderr bytes.Buffer
	for args, want := range map[string]int{"": 2, "a b": 2, "-x": 2, "-h": 0, filepath.Join(dir, "absent"): 1} {
		if code := run(strings.Fields(args), &stdout, &stderr); code != want {
			t.Errorf("targets %s: exit %d; want %d", args, code, want)
		}
	}
}

func TestSplice(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "run.txt")
	if err := os.WriteFile(in, []byte("commit: abc123\n"+fakeRun("")), 0o644); err != nil {
		t.Fatal(err)
	}
	doc := filepath.Join(dir, "BENCHMARKS.md")
	const before = "# Title\n\n<!-- targets:source -->\nold source\n<!-- /targets:source -->\n\ntext\n\n<!-- targets:targets -->\nold\ntable\n<!-- /targets:targets -->\nend\n"
	if err := os.WriteFile(doc, []byte(before), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-splice", doc, "-source", "bench/results/x.txt", in}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	b, _ := os.ReadFile(doc)
	got := string(b)
	for _, want := range []string{
		"# Title\n\n<!-- targets:source -->\n\nFigures from [`bench/results/x.txt`](bench/results/x.txt); commit: `abc123`.\n\n<!-- /targets:source -->\n\ntext\n\n<!-- targets:targets -->\n\n| target (issue 13) |",
		"(by 2) |\n\n<!-- /targets:targets -->\nend\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the spliced file lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "old") || strings.Contains(got, "| impl | size |") {
		t.Errorf("the spliced file keeps old text or gained a section it has no markers for:\n%s", got)
	}
	if fi, _ := os.Stat(doc); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v; want 0600 kept", fi.Mode().Perm())
	}

	for name, bad := range map[string]string{
		"no end marker": "<!-- targets:request -->\nx\n",
		"no marker":     "# nothing to splice\n",
	} {
		if err := os.WriteFile(doc, []byte(bad), 0o644); err != nil {
			t.Fatal(err)
		}
		if code := run([]string{"-splice", doc, in}, &stdout, &stderr); code != 1 {
			t.Errorf("%s: exit %d; want 1", name, code)
		}
		if b, _ := os.ReadFile(doc); string(b) != bad {
			t.Errorf("%s: the file changed to %q", name, b)
		}
	}
}
