#!/bin/bash
# benches/skeleton.c, the template for a new benchmark: it runs, proves what
# it measured (read_back), refuses what it cannot do, and appears in a
# suite's report with its primary metric and the figure its descriptor
# declares, without any change in src/.
. "$(dirname "$0")/../lib/common.sh"

T=$(mktemp -d /dev/shm/sf-e2e-skel.XXXXXX)
trap 'rm -rf "$WORK" "$T"' EXIT

expect_status 0 "$SF" list
grep -q '^ *skeleton' "$WORK/out" || fail "skeleton is not listed: $(cat "$WORK/out")"
expect_status 0 "$SF" run skeleton --help
grep -q -- '--writes' "$WORK/out" || fail "skeleton --help lacks its parameters"

expect_status 0 "$SF" run skeleton --target "$T" --size 4k,64k --writes 32 --repeats 2 \
	--json "$WORK/s.json"
json_assert "$WORK/s.json" \
	'len(r) == 2 and all(x["status"] == "ok" for x in r)' \
	'all(check(x, "read_back")["ok"] for x in r)' \
	'all(metric(x, "write_latency")["n"] == 64 and metric(x, "write_latency")["p50"] > 0 for x in r)'
[ -z "$(ls -A "$T")" ] || fail "skeleton left files in the target: $(ls -A "$T")"
expect_status 2 "$SF" run skeleton --target "$T" --size 0

# a device that is not device DAX is refused as a target, naming what is wanted
expect_status 2 "$SF" run skeleton --target /dev/null
grep -q "not device DAX" "$WORK/err" || fail "no reason for /dev/null: $(cat "$WORK/err")"

# a suite of it: the report's table shows its descriptor's primary metric
cat >"$WORK/skel.ini" <<INI
[skel]
bench = skeleton
target = $T
writes = 16
size = 1k, 4k, 16k
repeats = 2
INI
expect_status 0 "$SF" suite "$WORK/skel.ini" -o "$WORK/r"
grep -q '== skeleton ==  metric: write_latency' "$WORK/r/report.txt" ||
	fail "report does not show skeleton: $(cat "$WORK/r/report.txt")"
# its declared figure: latency against size, data, script and text table
[ -s "$WORK/r/plots/skeleton_lat-tmpfs.tsv" ] || fail "no skeleton figure data: $(ls "$WORK/r/plots")"
[ "$(grep -cE '^[0-9]+\s[0-9.e+-]+$' "$WORK/r/plots/skeleton_lat-tmpfs.tsv")" = 3 ] ||
	fail "skeleton figure: not 3 points: $(cat "$WORK/r/plots/skeleton_lat-tmpfs.tsv")"
[ -s "$WORK/r/plots/lines.gp" ] || fail "the generic script is not in plots/"
grep -q 'skeleton_lat-tmpfs.png: pwrite latency (p50) - tmpfs' "$WORK/r/report.txt" ||
	fail "report does not list the skeleton figure"
grep -qE '^  all +1 KiB: [0-9.]+, 4 KiB: [0-9.]+, 16 KiB: [0-9.]+$' "$WORK/r/report.txt" ||
	fail "report lacks the skeleton figure's table: $(cat "$WORK/r/report.txt")"
if command -v gnuplot >/dev/null; then
	grep -q '<svg' "$WORK/r/plots/skeleton_lat-tmpfs.svg" || fail "skeleton figure not rendered"
fi
