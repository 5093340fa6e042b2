#!/bin/bash
# syncfault suite with guest targets: every run of a guest target goes to
# ONE guest boot (the whole point of grouping them), results come back as
# one JSON per run labelled emulated with DAX and MAP_SYNC active, the
# console log is kept, host and guest runs mix in one results directory,
# and the report marks the emulated figures.
. "$(dirname "$0")/../lib/common.sh"

T=$(mktemp -d /dev/shm/sf-vm-suite.XXXXXX)
trap 'rm -rf "$WORK" "$T"' EXIT
cat >"$WORK/g.ini" <<INI
[global]
repeats = 2
pages = 64

[fault]
bench = fault
target = host:$T, vm:ext4-dax
mode = none, mapsync
class = hole, written

; adaptive repeats reach the guest as run's plan options
[auto]
bench = fault
target = vm:ext4-dax
class = written
repeats = auto
min_repeats = 6
max_repeats = 6
max_time = 300
INI
expect_status 0 "$SF" suite "$WORK/g.ini" -o "$WORK/r"
boots=$(grep -c '^guest: booted' "$WORK/out" "$WORK/err" | awk -F: '{ s += $NF } END { print s }')
[ "$boots" = 1 ] || fail "expected one guest boot for the 5 guest runs, saw $boots: $(cat "$WORK/out" "$WORK/err")"
grep -q 'vm:ext4-dax: one guest boot for 5 runs' "$WORK/out" || fail "guest runs not grouped: $(cat "$WORK/out")"
json_assert "$WORK/r/auto.json" 'r["status"] == "ok"' 'r["info"]["repeat_plan"]["mode"] == "adaptive"' \
	'r["info"]["repeat_plan"]["max_time_s"] == 300' 'r["info"]["repeat_plan"]["run"] == 6' \
	'r["info"]["repeat_plan"]["stop"] in ("precision", "maximum")' \
	'len(metric(r, "fault_latency")["repeats"]) == 6'
grep -q '^\[[0-9]*/[0-9]*\] auto: ok (.*, 6 repeats, .*stopped on ' "$WORK/out" || fail "auto line: $(cat "$WORK/out")"
for m in none mapsync; do
	for c in hole written; do
		g=$WORK/r/fault.target_vm-ext4-dax.mode_$m.class_$c.json
		json_assert "$g" 'r["status"] == "ok"' 'r["target"]["dax"] and r["target"]["map_sync"]' \
			'r["target"]["emulated"] == "qemu-tcg"' 'r["params"]["pages"] == "64"' \
			'len(metric(r, "fault_latency")["repeats"]) == 2'
		ls "$WORK"/r/fault.target_host-*.mode_$m.class_$c.json >/dev/null ||
			fail "no host result for $m $c"
	done
done
[ -s "$WORK/r/guest-ext4-dax/console-ext4-dax.log" ] || fail "no guest console log kept"
ls "$WORK"/r/guest-ext4-dax/*.json >/dev/null 2>&1 && fail "guest results left in the guest directory"
grep -q 'EMULATED (QEMU TCG)' "$WORK/r/plots/fault_cdf-ext4-dax-emulated.svg" || fail "emulated figure not marked"
[ -s "$WORK/r/plots/fault_cdf-ext4-dax-emulated.png" ] || fail "no guest figure"
grep -q 'EMULATED' "$WORK/r/report.txt" || fail "report.txt does not say emulated"
echo "vm suite: ok"
