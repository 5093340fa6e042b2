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

# #23: ext4 with fast_commit on the 1 GiB crash NVDIMM has a 64-block
# fast-commit area (s_maxlen 4160, s_num_fc_blks 64), of which jbd2 writes
# 63; one fast commit for the file, one per record's MAP_SYNC fault, so
# 62 records fill it, and the kill at FULL lands before the next full
# commit.  Recovery's fast-commit scan then reads one block past the
# journal (fc_do_one_pass, fs/jbd2/recovery.c: "<= j_fc_last"), and the
# mount fails with "JBD2: corrupted journal superblock".  Reported as did
# not mount, with the kernel's words, apart from records lost.  Should a
# kernel fix the scan, this case fails here: say so in docs/crash.md.
rc=0
TMPDIR=$WORK "$SF" crashtest --target vm:ext4-dax-fc --mode mapsync --trials 1 --records 62 \
	--seed 11 --json "$WORK/fc.json" >"$WORK/out" 2>"$WORK/err" || rc=$?
[ $rc = 4 ] || { cat "$WORK/out" "$WORK/err" >&2; fail "fast-commit area full: exited $rc, expected 4"; }
json_assert "$WORK/fc.json" \
	'(lambda m: m["trials_unmounted"] == 1 and m["acked_unmounted"] == 62 and m["lost"] == 0 and not m["ok"])(r["targets"][0]["modes"][0])' \
	'"JBD2: corrupted journal superblock" in r["targets"][0]["modes"][0]["trial_results"][0]["mount_error"]'
grep -q "mapsync .*FAILED: did not mount in 1 of 1 trials" "$WORK/out" || fail "no did-not-mount verdict"
grep -q "did not mount after 1 power failures (62 acknowledged records unreadable, not counted lost): .*JBD2: corrupted journal superblock" \
	"$WORK/out" || fail "no kernel reason for the failed mount"

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
