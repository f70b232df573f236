#!/usr/bin/env bash
# record.sh makes the recorded run of BENCHMARKS.md: every benchmark of the
# bench module in one go test run, then, from the one file it wrote, the
# tables and targets of issue 13 (cmd/targets), the plots (cmd/plot) and, if
# it can be fetched, benchstat's summary.
#
# Usage, on a quiet machine (from anywhere):
#
#   bench/record.sh [NAME]
#
# NAME defaults to today's date (UTC). It writes
#   bench/results/NAME.txt            the raw go test output (benchstat reads it)
#   bench/results/NAME-targets.md     per-request table and issue 13's ratios
#   bench/results/NAME-benchstat.txt  benchstat's medians and intervals
#   docs/bench-request.svg            µs each impl adds per request over bare
#   docs/bench-request-allocs.svg     allocations each impl adds
#
# Environment, for a shorter trial: COUNT (default 6), BENCHTIME (1s),
# BENCH (the -bench pattern, default "."). A full run takes about 15 minutes
# on the 2-vCPU machine of BENCHMARKS.md.
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
	echo "command: go test -run '^\$' -bench '$pattern' -benchmem -count $count -benchtime $benchtime"
} >"$raw.part"
go test -run '^$' -bench "$pattern" -benchmem -count "$count" -benchtime "$benchtime" -timeout 3h . 2>&1 | tee -a "$raw.part"
mv "$raw.part" "$raw"

go run ./cmd/targets "$raw" >"results/$name-targets.md"
go run ./cmd/plot -o ../docs/bench-request.svg "$raw"
go run ./cmd/plot -metric allocs -o ../docs/bench-request-allocs.svg "$raw"
if ! go run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da "$raw" >"results/$name-benchstat.txt" 2>/dev/null; then
	rm -f "results/$name-benchstat.txt"
	echo "record.sh: benchstat could not be run; the other files are written" >&2
fi
cat "results/$name-targets.md"
