#!/bin/bash
# syncfault suite on host targets only (the guest is covered by tests/vm):
# config errors refused before anything runs (exit 2, file:line, no
# directory created); --list shows the expanded runs; a suite leaves one
# result per run, env.json, its config, report.txt and plots; an
# interrupted suite keeps its finished results and --resume completes it
# without rerunning them; an existing results directory is not overwritten.
. "$(dirname "$0")/../lib/common.sh"

T=$(mktemp -d /dev/shm/sf-e2e-suite.XXXXXX)
trap 'rm -rf "$WORK" "$T"' EXIT

# config errors: exit 2, one line with file:line, nothing created
cat >"$WORK/bad.ini" <<INI
[global]
repeats = 2

[f]
bench = fault
target = host:$T
clas = hole
INI
expect_status 2 "$SF" suite "$WORK/bad.ini" -o "$WORK/never"
grep -q "bad.ini:7: \[f\] unknown key 'clas'" "$WORK/err" || fail "unknown key: $(cat "$WORK/err")"
[ ! -e "$WORK/never" ] || fail "a bad config created the results directory"
printf '[f]\nbench = fault\ntarget = host:%s\nclass = hole,,written\n' "$T" >"$WORK/bad2.ini"
expect_status 2 "$SF" suite "$WORK/bad2.ini" -o "$WORK/never"
grep -q 'bad2.ini:4: .*empty item' "$WORK/err" || fail "empty item: $(cat "$WORK/err")"
printf '[f]\nbench = fault\ntarget = host:%s/missing\n' "$T" >"$WORK/bad3.ini"
expect_status 2 "$SF" suite "$WORK/bad3.ini" -o "$WORK/never"
grep -q 'bad3.ini:1: .*missing' "$WORK/err" || fail "missing target dir: $(cat "$WORK/err")"
[ ! -e "$WORK/never" ] || fail "a bad target created the results directory"

# a small suite: 2 classes x 2 orders
small_fault_suite "$WORK/s.ini" "$T"
expect_status 0 "$SF" suite "$WORK/s.ini" --list
[ "$(wc -l <"$WORK/out")" = 4 ] || fail "--list: $(cat "$WORK/out")"
grep -q '^f.class_hole.order_seq	host:' "$WORK/out" || fail "--list ids: $(cat "$WORK/out")"
expect_status 0 "$SF" suite "$WORK/s.ini" -o "$WORK/r1"
for id in f.class_hole.order_seq f.class_hole.order_random f.class_written.order_seq f.class_written.order_random; do
	json_assert "$WORK/r1/$id.json" 'r["status"] == "ok"' 'r["bench"] == "fault"' \
		'len(metric(r, "fault_latency")["repeats"]) == 2'
done
json_assert "$WORK/r1/env.json" 'r["suite"]["runs"] == 4' 'r["suite"]["finished_runs"] == 4' \
	'r["suite"]["interrupted"] is False' '"kernel" in r'
[ -s "$WORK/r1/report.txt" ] && [ -s "$WORK/r1/suite.ini" ] || fail "no report.txt or suite.ini"
ls "$WORK"/r1/plots/fault_cdf-*.png >/dev/null || fail "no plots"
# not over an existing results directory
expect_status 2 "$SF" suite "$WORK/s.ini" -o "$WORK/r1"
grep -q -- '--resume' "$WORK/err" || fail "existing dir: $(cat "$WORK/err")"

# repeats = auto: adaptive by the config's plan; each result says how it stopped
cat >"$WORK/auto.ini" <<INI
[global]
repeats = auto
max_repeats = 7
max_time = 30
target = host:$T

[a]
bench = fault
class = hole
pages = 64
INI
expect_status 0 "$SF" suite "$WORK/auto.ini" -o "$WORK/ra"
json_assert "$WORK/ra/a.json" 'r["info"]["repeat_plan"]["mode"] == "adaptive"' \
	'6 <= r["info"]["repeat_plan"]["run"] <= 7' \
	'r["info"]["repeat_plan"]["stop"] in ("precision", "maximum")' \
	'r["info"]["repeat_plan"]["max_time_s"] == 30' \
	'len(metric(r, "fault_latency")["repeats"]) == r["info"]["repeat_plan"]["run"]'
grep -q '^\[1/1\] a: ok (.*, [67] repeats, median +-[0-9.]*%, stopped on \(precision\|maximum\)' "$WORK/out" ||
	fail "auto repeats line: $(cat "$WORK/out")"
grep -q '^repeats: [01] runs stopped on precision, 0 on the time cap, [01] at the maximum, 0 fixed' "$WORK/out" ||
	fail "repeats summary: $(cat "$WORK/out")"
json_assert "$WORK/ra/env.json" 'r["suite"]["repeats"]["fixed"] == 0' \
	'r["suite"]["repeats"]["precision"] + r["suite"]["repeats"]["maximum"] == 1'

# interrupt a longer suite after its first results, then resume it
cat >"$WORK/long.ini" <<INI
[global]
repeats = 3
target = host:$T

[f]
bench = fault
class = hole, written, unwritten, read
order = seq, random
size = 4k
pages = 1500, 1600
INI
"$SF" suite "$WORK/long.ini" -o "$WORK/r2" >"$WORK/r2.log" 2>&1 &
pid=$!
for _ in $(seq 600); do
	[ "$(ls "$WORK"/r2/f.*.json 2>/dev/null | wc -l)" -ge 2 ] && break
	sleep 0.05
done
kill -INT "$pid"
rc=0
wait "$pid" || rc=$?
[ "$rc" = 130 ] || fail "interrupted suite exited $rc, expected 130: $(cat "$WORK/r2.log")"
done1=$(ls "$WORK"/r2/f.*.json | wc -l)
[ "$done1" -ge 2 ] && [ "$done1" -lt 16 ] || fail "after the interrupt: $done1 results"
ls "$WORK"/r2/*.tmp.* >/dev/null 2>&1 && fail "a temp file was left behind"
json_assert "$WORK/r2/env.json" 'r["suite"]["interrupted"] is True'
first=$(ls "$WORK"/r2/f.*.json | head -1)
before=$(stat -c '%i %Y' "$first")
expect_status 0 "$SF" suite --resume "$WORK/r2"
grep -q "resuming .*: $done1 of 16 runs already finished" "$WORK/out" || fail "resume: $(cat "$WORK/out")"
[ "$(ls "$WORK"/r2/f.*.json | wc -l)" = 16 ] || fail "resume did not finish every run"
[ "$(stat -c '%i %Y' "$first")" = "$before" ] || fail "resume rewrote a finished result"
json_assert "$WORK/r2/env.json" 'r["suite"]["interrupted"] is False' \
	'r["suite"]["finished_runs"] == 16' 'r["suite"]["label"] == "long"'
# nothing left to do
expect_status 0 "$SF" suite --resume "$WORK/r2"
grep -q 'resuming .*: 16 of 16' "$WORK/out" || fail "second resume: $(cat "$WORK/out")"
echo "suite: ok"
