#!/usr/bin/env bash
# record.sh makes the recorded run of BENCHMARKS.md: every benchmark of the
# bench module, then, from the one file it wrote, the tables and targets of
# issue 13 (cmd/targets, which also writes them into BENCHMARKS.md between
# its <!-- targets:NAME --> markers), the plots (cmd/plot) and, if it can be
# fetched, benchstat's summary.
#
# Usage, on a quiet machine (from anywhere):
#
#   bench/record.sh [NAME]
#
# NAME defaults to today's date (UTC). It writes
#   bench/results/NAME.txt            the raw go test output (benchstat reads it)
#   bench/results/NAME-targets.md     per-request table and issue 13's ratios
#   BENCHMARKS.md                     the same tables, between its markers
#   bench/results/NAME-benchstat.txt  benchstat's medians and intervals
#   docs/bench-request.svg            µs each impl adds per request over bare
#   docs/bench-request-allocs.svg     allocations each impl adds
#
# Environment, for a shorter trial: COUNT (default 6), BENCHTIME (1s),
# BENCH (the -bench pattern, default "."; another pattern writes only the
# raw file), NOTE (a line under the pictures, such as why they are
# preliminary). A full run takes about 15 minutes on the 2-vCPU machine of
# BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")"

name=${1:-$(date -u +%Y-%m-%d)}
count=${COUNT:-6}
benchtime=${BENCHTIME:-1s}
pattern=${BENCH:-.}
raw=results/$name.txt
mkdir -p results

{
	echo "commit: $(git rev-parse HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- .. 2>/dev/null || echo ' (with uncommitted changes)')"
	echo "go: $(go env GOVERSION) GOAMD64=$(go env GOAMD64) GOMAXPROCS=${GOMAXPROCS:-$(nproc)}"
	echo "command: $count passes of go test -run '^\$' -bench '$pattern' -benchmem -count 1 -benchtime $benchtime"
} >"$raw.part"
# COUNT passes of -count 1 rather than one pass of -count COUNT: each
# benchmark's runs are spread over the whole recording, so a burst of load
# elsewhere on the machine touches one run of many benchmarks (which the
# medians drop) instead of every run of one (which they cannot).
go test -c -o "results/.bench.test" .
for pass in $(seq "$count"); do
	echo "pass: $pass of $count" >&2
	./results/.bench.test -test.run '^$' -test.bench "$pattern" -test.benchmem -test.count 1 \
		-test.benchtime "$benchtime" -test.timeout 3h 2>&1 | tee -a "$raw.part"
done
rm -f results/.bench.test
if [ "$pattern" != . ]; then
	echo "record.sh: a partial run (BENCH=$pattern): $raw only, no tables or plots" >&2
	exit 0
fi
mv "$raw.part" "$raw"

go run ./cmd/targets -splice ../BENCHMARKS.md -source "bench/$raw" "$raw" >"results/$name-targets.md"
note=(${NOTE:+-note "$NOTE"})
go run ./cmd/plot "${note[@]}" -o ../docs/bench-request.svg "$raw"
go run ./cmd/plot "${note[@]}" -metric allocs -o ../docs/bench-request-allocs.svg "$raw"
if ! go run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da "$raw" >"results/$name-benchstat.txt" 2>/dev/null; then
	rm -f "results/$name-benchstat.txt"
	echo "record.sh: benchstat could not be run; the other files are written" >&2
fi
cat "results/$name-targets.md"
