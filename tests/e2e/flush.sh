#!/bin/bash
# syncfault run flush: a size sweep with two primitives gives valid JSON with
# a bandwidth and a finite per-line latency everywhere; file memory, clean
# lines, honest unsupported points and bad input refused.
. "$(dirname "$0")/../lib/common.sh"

T=$(mktemp -d /dev/shm/sf-e2e-flush.XXXXXX)
trap 'rm -rf "$WORK" "$T"' EXIT
QUICK=(--repeats 2 --time_ms 4)

# clflush and SSE2 non-temporal stores exist on every x86-64
expect_status 0 "$SF" run flush --primitive clflush,ntstore-sse2 --size 64,100,4096,65536,1m \
	"${QUICK[@]}" --json "$WORK/sweep.json"
json_assert "$WORK/sweep.json" \
	'isinstance(r, list) and len(r) == 10' \
	'all(x["bench"] == "flush" and x["status"] == "ok" for x in r)' \
	'all(c["ok"] for x in r for c in x["checks"])' \
	'all({"pinning", "bytes_in_buffer", "memory_node", "above_timer_overhead"} <= {c["name"] for c in x["checks"]} for x in r)' \
	'[x["params"]["primitive"] for x in r] == ["clflush"] * 5 + ["ntstore-sse2"] * 5' \
	'all(x["params"]["fence"] == "end" and x["params"]["threads"] == "1" for x in r)' \
	'all(0 < metric(x, "bandwidth")["p50"] < math.inf for x in r)' \
	'all(len(metric(x, "bandwidth")["repeats"]) == 2 for x in r)' \
	'all(0 < metric(x, "line_ns")["p50"] < math.inf and metric(x, "line_ns")["unit"] == "ns" for x in r)' \
	'all(metric(x, "op_ns")["n"] > 0 and metric(x, "op_ns")["p50"] <= metric(x, "op_ns")["p99"] for x in r)' \
	'all(sum(b[2] for b in metric(x, "op_ns")["hist"]) == metric(x, "op_ns")["n"] for x in r)' \
	'all(0 < metric(x, "ref_store_bandwidth")["p50"] and 0 < metric(x, "ref_memset_line_ns")["p50"] for x in r)' \
	'r[0]["env"]["timer"]["source"] == "clock_gettime(CLOCK_MONOTONIC_RAW)" or all(metric(x, "line_tsc_cycles")["p50"] > 0 for x in r)' \
	'all(x["info"]["lines_per_op"] == want for x, want in zip(r, [1, 2, 64, 1024, 16384] * 2))' \
	'all(metric(r[k + 4], "op_ns")["p50"] > metric(r[k], "op_ns")["p50"] for k in (0, 5))'
grep -q "^  primitive .* GB/s" "$WORK/out" || fail "no summary table"
grep -q "timer overhead .* of one 64 B clflush op" "$WORK/out" || fail "timer share not stated"
# the batch-timed figure beside the per-op one, with the timer's share of each
grep -q "clflush 64: per op .* (timer .*); batch-timed .* per op, 1024 ops per window (timer" "$WORK/out" ||
	fail "batch-timed figure not stated"
json_assert "$WORK/sweep.json" \
	'all(metric(x, "op_batched_ns")["p50"] > 0 for x in r)' \
	'all(metric(x, "timer_share_batched_pct")["better"] == "none" for x in r)' \
	'metric(r[0], "timer_share_batched_pct")["p50"] < metric(r[0], "timer_share_op_pct")["p50"]'

# the ratio to libpmem is stated from 64 KiB on
expect_status 0 "$SF" run flush --primitive ntstore-sse2,pmem_memcpy_persist --size 64k \
	"${QUICK[@]}" --json "$WORK/ratio.json"
grep -q "best NT ntstore-sse2 .* vs pmem_memcpy_persist .* ratio [0-9]" "$WORK/out" || fail "no NT/libpmem ratio"
json_assert "$WORK/ratio.json" 'r[1]["info"]["best_nt_primitive"] == "ntstore-sse2" and r[1]["info"]["best_nt_ratio"] > 0'

# a file mapped shared in the target, every fence policy, and clean lines
expect_status 0 "$SF" run flush --target "$T" --memory file --primitive clflush --size 4160 \
	--fence each,every:3,end --state dirty,clean "${QUICK[@]}" --json "$WORK/file.json"
json_assert "$WORK/file.json" \
	'len(r) == 6 and all(x["status"] == "ok" for x in r)' \
	'all(c["ok"] for x in r for c in x["checks"])' \
	'all("file" in x["info"]["memory"] for x in r)'
[ -z "$(ls -A "$T")" ] || fail "scratch files left in the target: $(ls -A "$T")"

# unsupported, each with its reason, never a number
expect_status 3 "$SF" run flush --primitive ntstore-sse2 --state clean "${QUICK[@]}" --size 64 --json "$WORK/u.json"
json_assert "$WORK/u.json" 'r["status"] == "unsupported" and "state=clean" in r["reason"] and r["metrics"] == []'
grep -q "unsupported: state=clean" "$WORK/out" || fail "no unsupported reason printed"
expect_status 3 "$SF" run flush --memory file "${QUICK[@]}" --size 64
grep -q "unsupported: memory=file needs --target" "$WORK/out" || fail "memory=file without a target not explained"
many=$(($(nproc --all) + 1))
expect_status 3 "$SF" run flush --threads "$many" "${QUICK[@]}" --size 64
grep -q "unsupported: threads=$many: this machine has" "$WORK/out" || fail "too many threads not explained"
nodes=$(find /sys/devices/system/node -maxdepth 1 -name 'node[0-9]*' | wc -l)
if [ "$nodes" -le 1 ]; then
	expect_status 3 "$SF" run flush --node remote "${QUICK[@]}" --size 64
	grep -q "unsupported: node=remote: this machine has a single NUMA node" "$WORK/out" ||
		fail "remote node on a single-node machine not explained"
fi
expect_status 3 "$SF" run flush --node 999 "${QUICK[@]}" --size 64
grep -q "unsupported: node=999: no such NUMA node" "$WORK/out" || fail "missing node not explained"

# bad input: exit 2, one line naming the parameter, no result file
for bad in "--fence every:0" "--fence sometimes" "--size 32" "--size 65m" "--primitive bogus" \
	"--node -1" "--threads 0" "--state warm" "--memory disk"; do
	# shellcheck disable=SC2086
	expect_status 2 "$SF" run flush $bad --json "$WORK/bad.json"
	[ ! -e "$WORK/bad.json" ] || fail "bad input '$bad' left a result file"
	[ "$(wc -l <"$WORK/err")" = 1 ] || fail "bad input '$bad': error is not one line"
	grep -q -- "${bad%% *}" "$WORK/err" || fail "'$bad': error does not name the parameter"
done
echo "flush e2e: ok"
