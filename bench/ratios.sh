#!/bin/sh
# ratios.sh reads the raw output of `go test -bench ... -benchmem` (the
# new.txt that benchstat reads) and prints, per operation, the median ns/op,
# B/op and allocs/op of each implementation, then sessionless's time as a
# ratio of each peer's. Benchmarks are named <Op>/<impl> or <Op>/<case>/<impl>;
# the operation is everything before the last element.
#
# Usage: ./ratios.sh new.txt    (or: ... | ./ratios.sh)
#
# POSIX awk only (mawk, gawk, busybox).
exec awk '
function median(key,    n, i, j, v, a) {
	n = cnt[key]
	for (i = 1; i <= n; i++) a[i] = val[key, i] + 0
	for (i = 2; i <= n; i++) {          # insertion sort: a handful of runs
		v = a[i]
		for (j = i - 1; j >= 1 && a[j] > v; j--) a[j + 1] = a[j]
		a[j + 1] = v
	}
	if (n % 2) return a[(n + 1) / 2]
	return (a[n / 2] + a[n / 2 + 1]) / 2
}
function add(op, im, unit, v,    key) {
	key = op SUBSEP im SUBSEP unit
	val[key, ++cnt[key]] = v
	seen[op, im] = 1
}
function fmtnum(x) {
	if (x == "") return "-"
	if (x >= 100 || x == int(x)) return sprintf("%.0f", x)
	return sprintf("%.3g", x)
}
function ratio(a, b) {
	if (a == "" || b == "" || b == 0) return "-"
	return sprintf("%.2f", a / b)
}
$1 ~ /^Benchmark/ && $3 ~ /^[0-9.]+$/ && $4 == "ns/op" {
	name = $1
	sub(/^Benchmark/, "", name)
	sub(/-[0-9]+$/, "", name)              # the GOMAXPROCS suffix
	k = split(name, p, "/")
	if (k < 2) next
	im = p[k]
	op = p[1]
	for (i = 2; i < k; i++) op = op "/" p[i]
	if (!(op in isop)) { isop[op] = 1; ops[++nops] = op }
	if (!(im in isim)) { isim[im] = 1; ims[++nims] = im }
	for (i = 4; i <= NF; i++)
		if ($i == "ns/op" || $i == "B/op" || $i == "allocs/op") add(op, im, $i, $(i - 1))
}
END {
	if (nops == 0) { print "ratios.sh: no benchmark lines with ns/op" > "/dev/stderr"; exit 1 }
	# sessionless first, then the peers in the order they appear.
	order[1] = "sessionless"; n = 1
	for (i = 1; i <= nims; i++) if (ims[i] != "sessionless") order[++n] = ims[i]

	printf "medians\n%-28s %-13s %10s %8s %10s %6s\n", "operation", "impl", "ns/op", "B/op", "allocs/op", "runs"
	for (o = 1; o <= nops; o++) {
		op = ops[o]
		for (i = 1; i <= n; i++) {
			im = order[i]
			if (!((op, im) in seen)) continue
			ns = median(op SUBSEP im SUBSEP "ns/op")
			med[op, im] = ns
			by = (cnt[op SUBSEP im SUBSEP "B/op"] ? median(op SUBSEP im SUBSEP "B/op") : "")
			al = (cnt[op SUBSEP im SUBSEP "allocs/op"] ? median(op SUBSEP im SUBSEP "allocs/op") : "")
			printf "%-28s %-13s %10s %8s %10s %6d\n", op, im, fmtnum(ns), fmtnum(by), fmtnum(al), cnt[op SUBSEP im SUBSEP "ns/op"]
		}
	}

	printf "\nratios of median ns/op (sessionless / peer)\n%-28s", "operation"
	for (i = 2; i <= n; i++) printf " %14s", "/" order[i]
	printf "\n"
	for (o = 1; o <= nops; o++) {
		op = ops[o]
		if (!((op, "sessionless") in seen)) continue
		peers = 0
		for (i = 2; i <= n; i++) if ((op, order[i]) in seen) peers++
		if (peers == 0) continue
		printf "%-28s", op
		for (i = 2; i <= n; i++) printf " %14s", ratio(med[op, "sessionless"], med[op, order[i]])
		printf "\n"
	}
}
' "$@"
