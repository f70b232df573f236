// Command targets reads a recorded run of the bench module and prints, in
// Markdown, what each impl of BenchmarkRequest adds per request over the
// bare handler, and each ratio issue 13 sets a target for, with whether it
// is met:
//
//	go run ./cmd/targets RESULTS.txt
//
// Every figure is a median of the runs in the file; "added" is an impl's
// median minus bare's at the same size and visitors. Exit 1 if the file
// cannot be read or lacks a benchmark a target needs, 2 on bad usage; an
// unmet target is reported, not an error.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/sessionless/sessionless/bench/internal/results"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("targets", flag.ContinueOnError)
	fs.SetOutput(stderr)
	splice := fs.String("splice", "", "also write each table into this Markdown `file`, between its <!-- targets:NAME --> and <!-- /targets:NAME --> lines")
	source := fs.String("source", "", "the `link` to the results file, for the source section (default: its path)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: targets [-splice FILE] [-source LINK] RESULTS.txt")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	if *source == "" {
		*source = fs.Arg(0)
	}
	if err := runFile(fs.Arg(0), *source, *splice, stdout); err != nil {
		fmt.Fprintln(stderr, "targets:", err)
		return 1
	}
	return 0
}

func runFile(in, source, splice string, stdout io.Writer) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	set, err := results.Parse(f)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	secs, err := report(set, source)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	var all []string
	for _, s := range secs {
		all = append(all, s.text)
	}
	if _, err := io.WriteString(stdout, strings.Join(all, "\n")); err != nil {
		return err
	}
	if splice != "" {
		return spliceFile(splice, secs)
	}
	return nil
}

// lookup reads medians from a Set and remembers the first benchmark it
// could not find, so that a report is written in one pass and fails once.
type lookup struct {
	set     *results.Set
	missing error
}

func (l *lookup) median(name, unit string) float64 {
	v, ok := l.set.Median(name, unit)
	if !ok && l.missing == nil {
		l.missing = fmt.Errorf("no %s for %s", unit, name)
	}
	return v
}

// added is what Request/<impl>/<size>/<visitors> adds over bare, in unit.
func (l *lookup) added(impl, size, visitors, unit string) float64 {
	return l.median("Request/"+impl+"/"+size+"/"+visitors, unit) - l.median("Request/bare/"+size+"/"+visitors, unit)
}

// section is one generated block of Markdown.
type section struct{ name, text string }

// report returns the generated blocks: source (where the figures come
// from), request (what each impl adds), targets (issue 13's ratios) and
// tokens (the size sweep, Open of many visitors, the per-token key).
func report(set *results.Set, source string) ([]section, error) {
	l := &lookup{set: set}
	var req, tgt, tok strings.Builder
	l.perRequest(&req)
	if l.missing != nil {
		return nil, l.missing
	}
	l.targets(&tgt)
	if l.missing != nil {
		return nil, l.missing
	}
	l.perToken(&tok)
	return []section{
		{"source", sourceLine(set, source)},
		{"request", req.String()},
		{"targets", tgt.String()},
		{"tokens", strings.TrimPrefix(tok.String(), "\n")},
	}, nil
}

// sourceLine names the results file and the commit, Go and command lines
// record.sh wrote at its top.
func sourceLine(set *results.Set, source string) string {
	s := "Figures from [`" + source + "`](" + source + ")"
	for _, k := range []string{"commit", "go", "command"} {
		if v := set.Config[k]; v != "" {
			s += "; " + k + ": `" + v + "`"
		}
	}
	return s + ".\n"
}

// requestImpls and the sizes and visitors, in the order of the tables.
var (
	requestImpls = []string{"sessionless", "scs", "gorilla"}
	sizes        = []string{"200B", "1KB", "3KB", "8KB"}
	visitorKinds = []string{"one", "many"}
)

// perRequest writes the table of what each impl adds over bare. A
// benchmark absent from the run (gorilla where its cookie cannot hold the
// session) is a dash.
func (l *lookup) perRequest(b *strings.Builder) {
	b.WriteString("| impl | size | one: µs added | one: allocs added | many: µs added | many: allocs added |\n")
	b.WriteString("| --- | --- | ---: | ---: | ---: | ---: |\n")
	for _, sz := range sizes {
		for _, v := range visitorKinds {
			if _, ok := l.set.Median("Request/bare/"+sz+"/"+v, results.NsPerOp); !ok {
				l.missing = fmt.Errorf("no Request/bare/%s/%s", sz, v)
				return
			}
		}
	}
	for _, sz := range sizes {
		fmt.Fprintf(b, "| bare | %s | %s µs total | %s total | %s µs total | %s total |\n", sz,
			us(l.median("Request/bare/"+sz+"/one", results.NsPerOp)), num(l.median("Request/bare/"+sz+"/one", results.AllocsPerOp)),
			us(l.median("Request/bare/"+sz+"/many", results.NsPerOp)), num(l.median("Request/bare/"+sz+"/many", results.AllocsPerOp)))
	}
	for _, im := range requestImpls {
		for _, sz := range sizes {
			fmt.Fprintf(b, "| %s | %s", im, sz)
			for _, v := range visitorKinds {
				if _, ok := l.set.Median("Request/"+im+"/"+sz+"/"+v, results.NsPerOp); !ok {
					b.WriteString(" | – | –")
					continue
				}
				fmt.Fprintf(b, " | %s | %s", us(l.added(im, sz, v, results.NsPerOp)), num(l.added(im, sz, v, results.AllocsPerOp)))
			}
			b.WriteString(" |\n")
		}
	}
}

// targets writes the table of issue 13's targets.
func (l *lookup) targets(b *strings.Builder) {
	b.WriteString("| target (issue 13) | measured | |\n| --- | --- | --- |\n")
	ratio := func(what string, limit float64, num, den float64, detail string) {
		r := num / den
		fmt.Fprintf(b, "| %s ≤ %.2f × | **%.2f ×** (%s) | %s |\n", what, limit, r, detail, met(r <= limit, fmt.Sprintf("%.2f ×", r-limit)))
	}
	for _, c := range []struct {
		size, visitors string
		limit          float64
	}{{"200B", "many", 0.25}, {"200B", "one", 0.08}, {"8KB", "one", 0.6}, {"8KB", "many", 0.6}} {
		s := l.added("sessionless", c.size, c.visitors, results.NsPerOp)
		p := l.added("scs", c.size, c.visitors, results.NsPerOp)
		ratio("Request "+c.size+" "+c.visitors+": sessionless ÷ scs (added over bare)", c.limit, s, p,
			us(s)+" µs ÷ "+us(p)+" µs")
	}
	for _, op := range []struct {
		name  string
		limit float64
	}{{"Open", 1.05}, {"Seal", 1.0}} {
		s := l.median(op.name+"/sessionless", results.NsPerOp)
		f := l.median(op.name+"/floor", results.NsPerOp)
		ratio(op.name+": sessionless ÷ floor", op.limit, s, f, us(s)+" µs ÷ "+us(f)+" µs")
	}
	for _, v := range visitorKinds {
		a := l.added("sessionless", "200B", v, results.AllocsPerOp)
		fmt.Fprintf(b, "| Request 200B %s: allocations added ≤ 6 | **%s** | %s |\n", v, num(a), met(a <= 6, num(a-6)))
	}
}

// perToken writes, if the run has them, the size sweep of Seal and Open,
// Open of many visitors against one, and the per-token key: figures the
// text of BENCHMARKS.md explains, with no target of their own.
func (l *lookup) perToken(b *strings.Builder) {
	cell := func(name string) string {
		ns, ok := l.set.Median(name, results.NsPerOp)
		if !ok {
			return "–"
		}
		al, _ := l.set.Median(name, results.AllocsPerOp)
		by, _ := l.set.Median(name, results.BytesPerOp)
		return us(ns) + " µs, " + num(by) + " B, " + num(al) + " allocs"
	}
	has := func(name string) bool { _, ok := l.set.Median(name, results.NsPerOp); return ok }
	impls := []string{"sessionless", "securecookie", "floor"}
	if has("SealSize/200B/sessionless") || has("OpenSize/200B/sessionless") {
		b.WriteString("\n| op | size | " + strings.Join(impls, " | ") + " | sessionless ÷ securecookie | ÷ floor |\n")
		b.WriteString("| --- | --- | ---: | ---: | ---: | ---: | ---: |\n")
		for _, op := range []string{"SealSize", "OpenSize"} {
			for _, sz := range sizes {
				fmt.Fprintf(b, "| %s | %s", strings.TrimSuffix(op, "Size"), sz)
				for _, im := range impls {
					b.WriteString(" | " + cell(op+"/"+sz+"/"+im))
				}
				s, _ := l.set.Median(op+"/"+sz+"/sessionless", results.NsPerOp)
				for _, peer := range impls[1:] {
					p, ok := l.set.Median(op+"/"+sz+"/"+peer, results.NsPerOp)
					if !ok || s == 0 {
						b.WriteString(" | –")
						continue
					}
					fmt.Fprintf(b, " | %.2f", s/p)
				}
				b.WriteString(" |\n")
			}
		}
	}
	if has("OpenMany/sessionless") {
		b.WriteString("\n| Open at 200B | " + strings.Join(impls, " | ") + " |\n| --- | ---: | ---: | ---: |\n")
		for _, row := range []struct{ what, prefix string }{{"the same token each time", "OpenSize/200B/"}, {"4 096 visitors in turn", "OpenMany/"}} {
			b.WriteString("| " + row.what)
			for _, im := range impls {
				b.WriteString(" | " + cell(row.prefix+im))
			}
			b.WriteString(" |\n")
		}
	}
	if has("TokenKey/all") {
		b.WriteString("\n| per-token key (Open) | time, bytes, allocations |\n| --- | ---: |\n")
		for _, st := range []string{"unwrap", "aes", "aes-gcm", "all"} {
			b.WriteString("| " + st + " | " + cell("TokenKey/"+st) + " |\n")
		}
	}
}

// met says whether a target is met, and by how much it is missed.
func met(ok bool, over string) string {
	if ok {
		return "met"
	}
	return "**not met** (by " + over + ")"
}

// us formats nanoseconds as microseconds.
func us(ns float64) string { return fmt.Sprintf("%.2f", ns/1e3) }

func num(v float64) string { return fmt.Sprintf("%.0f", v) }
