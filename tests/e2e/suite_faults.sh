#!/bin/bash
# SPDX-License-Identifier: MIT
# A suite hit by a fault keeps what it finished and --resume completes it
# (#23; tests/long/fault-injection.sh does the same with a guest, QEMU
# killed and a real full tmpfs).  The faults come from strace's syscall
# fault injection on the real syncfault, host targets only, no mount:
#  - SIGKILL on the way into the rename(2) of the second result: its
#    complete temp file is left; the resume removes it, reruns that run,
#    keeps the first result byte for byte;
#  - ENOSPC from fsync(2) from the third on (a full disk): one line naming
#    the directory and the fix, exit 1, no further run started, no temp
#    file, no report; freed, the resume completes it;
#  - --timing icount and --shard 1/2 given to the first invocation hold
#    for the resume (recorded in env.json); a different one is refused.
. "$(dirname "$0")/../lib/common.sh"

command -v strace >/dev/null || fail "strace is missing (scripts/setup installs it)"
T=$(mktemp -d /dev/shm/sf-e2e-faults.XXXXXX)
trap 'rm -rf "$WORK" "$T"' EXIT
small_fault_suite "$WORK/s.ini" "$T"
ids="f.class_hole.order_seq f.class_hole.order_random f.class_written.order_seq f.class_written.order_random"

# every JSON parses, and (resumed) no temp file is left
no_torn() {
	for f in "$1"/*.json; do
		python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$f" || fail "torn JSON: $f"
	done
	if [ "${2:-}" = resumed ] && compgen -G "$1/*.tmp*" >/dev/null; then
		fail "temp files left: $(ls "$1"/*.tmp*)"
	fi
	return 0
}

# SIGKILL before the rename of the second result: renames are env.json,
# then each result as it ends
rc=0
strace -o /dev/null -e trace=rename -e inject=rename:signal=KILL:when=3 \
	"$SF" suite "$WORK/s.ini" -o "$WORK/k" >"$WORK/out" 2>"$WORK/err" || rc=$?
[ "$rc" = 137 ] || fail "a SIGKILLed suite exited $rc, expected 137: $(cat "$WORK/err")"
[ "$(ls "$WORK"/k/f.*.json | wc -l)" = 1 ] || fail "killed at the second result's rename: $(ls "$WORK/k")"
left=$(ls "$WORK"/k/f.class_hole.order_random.json.tmp.* | wc -l)
[ "$left" = 1 ] || fail "the second result's temp file is not there: $(ls "$WORK/k")"
no_torn "$WORK/k"
sum=$(sha256sum <"$WORK/k/f.class_hole.order_seq.json")
expect_status 0 "$SF" suite --resume "$WORK/k"
grep -q "resuming .*: 1 of 4 runs already finished; removed 1 partial file a killed run left" "$WORK/out" ||
	fail "resume after SIGKILL: $(cat "$WORK/out")"
[ "$(grep -c '^\[[0-9]/3\] ' "$WORK/out")" = 3 ] || fail "the resume did not run the 3 others: $(cat "$WORK/out")"
[ "$(sha256sum <"$WORK/k/f.class_hole.order_seq.json")" = "$sum" ] || fail "the resume changed a finished result"
no_torn "$WORK/k" resumed
for id in $ids; do
	json_assert "$WORK/k/$id.json" 'r["status"] == "ok"'
done
# a temp file whose writer still runs (another resume) is not touched
touch "$WORK/k/x.json.tmp.$$"
expect_status 0 "$SF" suite --resume "$WORK/k"
[ -e "$WORK/k/x.json.tmp.$$" ] || fail "a live writer's temp file was removed"
rm "$WORK/k/x.json.tmp.$$"

# ENOSPC: fsyncs are env.json's, then each result's
rc=0
strace -o /dev/null -e trace=fsync -e inject=fsync:error=ENOSPC:when=3+ \
	"$SF" suite "$WORK/s.ini" -o "$WORK/e" >"$WORK/out" 2>"$WORK/err" || rc=$?
[ "$rc" = 1 ] || fail "a full results directory exited $rc, expected 1: $(cat "$WORK/err")"
[ "$(wc -l <"$WORK/err")" = 1 ] || fail "ENOSPC: not one line: $(cat "$WORK/err")"
grep -q "^syncfault: cannot write $WORK/e/f.class_hole.order_random.json: No space left on device: the results directory's filesystem is full; free space there (df $WORK/e), then continue with syncfault suite --resume $WORK/e$" "$WORK/err" ||
	fail "ENOSPC message: $(cat "$WORK/err")"
[ "$(grep -c '^\[' "$WORK/out")" = 1 ] || fail "ENOSPC: runs went on after it: $(cat "$WORK/out")"
[ "$(ls "$WORK"/e/f.*.json | wc -l)" = 1 ] && [ ! -e "$WORK/e/report.txt" ] ||
	fail "ENOSPC: $(ls "$WORK/e")"
no_torn "$WORK/e" resumed
sum=$(sha256sum <"$WORK/e/f.class_hole.order_seq.json")
expect_status 0 "$SF" suite --resume "$WORK/e"
grep -q "resuming .*: 1 of 4 runs already finished$" "$WORK/out" || fail "resume after ENOSPC: $(cat "$WORK/out")"
[ "$(sha256sum <"$WORK/e/f.class_hole.order_seq.json")" = "$sum" ] || fail "the resume changed a finished result"
[ "$(ls "$WORK"/e/f.*.json | wc -l)" = 4 ] && [ -s "$WORK/e/report.txt" ] || fail "not completed: $(ls "$WORK/e")"
no_torn "$WORK/e" resumed

# the first invocation's --timing holds for its resume
expect_status 0 "$SF" suite "$WORK/s.ini" -o "$WORK/t" --timing icount
json_assert "$WORK/t/env.json" 'r["suite"]["guest_options"] == {"timing": "icount"}'
rm "$WORK/t/f.class_written.order_random.json"
expect_refused "timing" "$WORK/never" "$SF" suite --resume "$WORK/t" --timing real
grep -q -- "--resume $WORK/t: its runs were made with --timing icount; drop --timing real" "$WORK/err" ||
	fail "a different --timing: $(cat "$WORK/err")"
[ ! -e "$WORK/t/f.class_written.order_random.json" ] || fail "a refused resume ran"
expect_status 0 "$SF" suite --resume "$WORK/t"
json_assert "$WORK/t/env.json" 'r["suite"]["guest_options"] == {"timing": "icount"}'
# and its --shard: a resume without it runs its shard's runs only
expect_status 0 "$SF" suite "$WORK/s.ini" -o "$WORK/sh" --shard 1/2
[ "$(ls "$WORK"/sh/f.*.json | wc -l)" = 2 ] || fail "shard 1/2: $(ls "$WORK/sh")"
rm "$WORK/sh/f.class_written.order_seq.json"
expect_refused "shard" "$WORK/never" "$SF" suite --resume "$WORK/sh" --shard 2/2
grep -q -- "--resume $WORK/sh: it is shard 1/2 of its suite; drop --shard 2/2" "$WORK/err" ||
	fail "a different --shard: $(cat "$WORK/err")"
expect_status 0 "$SF" suite --resume "$WORK/sh"
grep -q "resuming .*: 1 of 2 runs already finished" "$WORK/out" || fail "shard resume: $(cat "$WORK/out")"
[ "$(ls "$WORK"/sh/f.*.json | wc -l)" = 2 ] || fail "the shard's resume ran other shards' runs: $(ls "$WORK/sh")"
echo "suite faults: ok"
