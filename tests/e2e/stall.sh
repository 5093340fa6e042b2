#!/bin/bash
# Load is a condition, not an error (#23): each benchmark, its processes
# stopped for a second in the middle of a repeat (as a stalled host or a
# SIGSTOP does), notices it, runs the repeat again and ends ok (or
# unstable), never error and never a "nan".
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/stall.sh"

T=$(mktemp -d /dev/shm/sf-e2e-stall.XXXXXX)
trap 'rm -rf "$WORK" "$T"' EXIT

expect_stalled_ok 0 "$WORK/fault.json" "$SF" run fault --target "$T" --class hole \
	--pages 20000 --repeats 2 --json "$WORK/fault.json"
expect_stalled_ok 0 "$WORK/flush.json" "$SF" run flush --primitive clwb --size 4096 \
	--time_ms 600 --repeats 2 --json "$WORK/flush.json"
DELAY=0.05 expect_stalled_ok 0 "$WORK/sync.json" "$SF" run sync --target "$T" --mode msync \
	--updates 65536 --repeats 2 --json "$WORK/sync.json"
expect_stalled_ok 0 "$WORK/skel.json" "$SF" run skeleton --target "$T" --writes 100000 \
	--repeats 2 --json "$WORK/skel.json"
# the reproduction of #23 as the issue gives it: every process stopped 250 ms
# into the run, continued 5 s later; it ended "error: ... faulters 0: nan..nan
# ms", exit 1, before the harness saw stops
DELAY=0.25 SECS=5 expect_stalled_ok 0 "$WORK/ct.json" "$SF" run contention --target "$T" --mode none \
	--model threads --faulters 1 --lockers 1 --op mprotect --interval 200 --repeats 2 \
	--json "$WORK/ct.json"
# only the workers stopped (processes model): the repeat's process sees its workers stop
DEPTH=2 DELAY=0.3 expect_stalled_ok 0 "$WORK/ctp.json" "$SF" run contention --target "$T" \
	--mode none --model processes --faulters 1 --lockers 1 --op mprotect --interval 200 \
	--repeats 2 --json "$WORK/ctp.json"
json_assert "$WORK/ctp.json" \
	'any("a worker process was stopped" in rep.get("why", "") for rep in r["info"]["disturbance"]["repeats"])'
echo "stall: ok"
