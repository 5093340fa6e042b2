#!/bin/bash
# syncfault crashtest, small enough for CI (3 guest boots): one power
# failure for mapsync (durable: must keep every acknowledged record) and one
# for none (the control: its allocations are not committed before the kill,
# so it must lose them, or the test has no teeth).  Then Ctrl-C in the
# middle of a guest run must leave no QEMU and no temp file behind.
. "$(dirname "$0")/../lib/common.sh"

expect_status 0 "$SF" crashtest --target vm:ext4-dax --mode mapsync,none --trials 1 \
	--kill-window 500 --json "$WORK/c.json"
json_assert "$WORK/c.json" \
	'r["crashtest"] == 1 and r["params"]["modes"] == ["mapsync", "none"]' \
	'len(r["targets"]) == 1 and r["targets"][0]["target"] == "vm:ext4-dax"' \
	'r["targets"][0]["error"] is None and r["targets"][0]["boots"] == 3' \
	'(lambda m: m["trials"] == 1 and m["acked"] >= 1 and m["lost"] == 0 and m["ok"])(r["targets"][0]["modes"][0])' \
	'(lambda t: t["dax"] and t["map_sync"] and t["mounted"] and t["file"] and t["size_ok"] and t["reachable"] >= t["acked"])(r["targets"][0]["modes"][0]["trial_results"][0])' \
	'(lambda m: m["mode"] == "none" and m["trials"] == 1 and m["loss_demonstrated"] and m["ok"])(r["targets"][0]["modes"][1])' \
	'(lambda t: t["lost"] >= 1 and t["lost"] == t["lost_hole"] + t["lost_corrupt"] + t["lost_unreachable"])(r["targets"][0]["modes"][1]["trial_results"][0])'
grep -q "mapsync .*ok: every acknowledged record survived" "$WORK/out" || fail "no mapsync verdict"
grep -q "none .*control: loss demonstrated" "$WORK/out" || fail "no control verdict"

# Ctrl-C while the writer is acknowledging: exit 130, nothing left behind
mkdir "$WORK/tmp"
TMPDIR=$WORK/tmp "$SF" crashtest --target vm:ext4-dax --mode none --trials 3 \
	--kill-window 60000 >"$WORK/int.out" 2>&1 &
pid=$!
for _ in $(seq 600); do
	grep -qs "SFCRASH ACK" "$WORK"/tmp/syncfault-crash.*/console-*.log && break
	sleep 0.2
done
grep -qs "SFCRASH ACK" "$WORK"/tmp/syncfault-crash.*/console-*.log || {
	kill -INT $pid
	wait $pid || true
	cat "$WORK/int.out" >&2
	fail "the writer never acknowledged a record"
}
kill -INT $pid
rc=0
wait $pid || rc=$?
[ $rc = 130 ] || { cat "$WORK/int.out" >&2; fail "interrupted crashtest exited $rc, expected 130"; }
sleep 1
! pgrep -f "$WORK/tmp" >/dev/null || fail "a process of the interrupted run is still there: $(pgrep -af "$WORK/tmp")"
[ -z "$(ls -A "$WORK/tmp")" ] || fail "the interrupted run left $(ls -A "$WORK/tmp")"
echo "crashtest vm: ok"
