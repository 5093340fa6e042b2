#!/bin/bash
# SPDX-License-Identifier: MIT
# Boot reliability and determinism of the icount clock (long: N guest
# boots per kernel, about 20-40 s each under TCG; not in the default run).
# Each boot is one `syncfault run fault --timing icount` on vm:ext4-dax
# (plain and MAP_SYNC, hole and written, 64 pages, 1 repeat).  Per kernel
# it prints how many runs reached the benchmark, how many boots they took
# (info.vm.boots), the boot and job times, and for every row its p50
# fault_latency on each boot: the number of distinct values and the spread
# (max/min - 1).  Under icount most rows repeat to the nanosecond; what
# still differs between boots (the guest's own randomness, 9p I/O landing
# at other instruction counts) must stay within ICOUNT_TOL_PCT (0.5).
#
#   sf-heavy tests/long/icount-boots.sh [-n N] [-o OUTDIR] [KERNEL...]
#
# KERNEL: anything --kernel takes (default: debian:6.1 debian:6.12).  Runs
# already in OUTDIR are kept, so N boots can be made in several short calls
# with the same -o (each call adds up to N); the summary covers them all.
# Fails when a run did not reach the benchmark or a row's p50 spreads more
# than that.  SYNCFAULT_VM_CPUS sets --vm-cpus (default: not given).
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
sf=${SYNCFAULT:-$here/build/syncfault}
n=20 out=''
while getopts n:o: opt; do
	case $opt in
	n) n=$OPTARG ;;
	o) out=$OPTARG ;;
	*) echo "usage: $0 [-n N] [-o OUTDIR] [KERNEL...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
(($#)) || set -- debian:6.1 debian:6.12
out=${out:-$here/results/icount-boots-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"
cpus=()
[[ -z ${SYNCFAULT_VM_CPUS:-} ]] || cpus=(--vm-cpus "$SYNCFAULT_VM_CPUS")

one_run() {
	local kernel=$1 dir=$2 i=$3 rc=0 t0 t1
	t0=$(date +%s.%N)
	"$sf" run fault --target vm:ext4-dax --kernel "$kernel" --timing icount "${cpus[@]}" \
		--mode none,mapsync --class hole,written --pages 64 --repeats 1 \
		--json "$dir/run-$i.json" >"$dir/run-$i.out" 2>&1 || rc=$?
	t1=$(date +%s.%N)
	printf '%s %s\n' "$rc" "$(echo "$t1 - $t0" | bc)" >"$dir/run-$i.rc"
}

# One line per run: rc, host seconds, boots, boot_s, jobs_s, then
# mode/class=p50 for each row.
run_line() {
	local dir=$1 i=$2
	python3 - "$dir/run-$i.json" "$(cat "$dir/run-$i.rc")" <<'PY'
import json, sys
rc, secs = sys.argv[2].split()
try:
    res = json.load(open(sys.argv[1]))
except (OSError, ValueError):
    print(rc, secs, "- - -")
    sys.exit()
vm = (res[0].get("info") or {}).get("vm", {})
rows = []
for r in res:
    p = r["params"]
    m = [x for x in r["metrics"] if x["name"] == "fault_latency"]
    rows.append("%s/%s=%s" % (p["mode"], p["class"], m[0]["p50"] if m and r["status"] == "ok" else "-"))
print(rc, secs, int(vm.get("boots", 1)), vm.get("boot_s", "-"), vm.get("jobs_s", "-"), " ".join(rows))
PY
}

bad=0
for kernel in "$@"; do
	dir=$out/${kernel//[^A-Za-z0-9._-]/_}
	mkdir -p "$dir"
	have=$(find "$dir" -name 'run-*.rc' | wc -l)
	for ((i = have + 1; i <= have + n; i++)); do
		one_run "$kernel" "$dir" "$i"
		echo "$kernel run $i: $(run_line "$dir" "$i")"
	done
	for f in "$dir"/run-*.rc; do
		i=${f##*/run-}
		run_line "$dir" "${i%.rc}"
	done >"$dir/runs.txt"
	echo "== $kernel ($dir/runs.txt: rc host_s boots boot_s jobs_s rows)"
	python3 - "$dir/runs.txt" "${ICOUNT_TOL_PCT:-0.5}" <<'PY' || bad=1
import sys
tol = float(sys.argv[2])
runs = [l.split() for l in open(sys.argv[1])]
ok = [r for r in runs if r[0] == "0"]
boots = [int(r[2]) for r in ok]
print("  %d of %d runs reached the benchmark; %d needed more than one boot (boots: %s)" %
      (len(ok), len(runs), sum(b > 1 for b in boots), " ".join(map(str, boots)) or "-"))
for k, name in ((3, "boot_s"), (4, "jobs_s"), (1, "host_s")):
    v = sorted(float(r[k]) for r in ok if r[k] != "-")
    if v:
        print("  %s: min %.1f, median %.1f, max %.1f" % (name, v[0], v[len(v) // 2], v[-1]))
rows = {}
for r in ok:
    for cell in r[5:]:
        key, val = cell.split("=")
        rows.setdefault(key, []).append(val)
same = True
for key, vals in rows.items():
    nums = sorted(float(v) for v in vals if v != "-")
    distinct = sorted(set(vals))
    spread = (nums[-1] / nums[0] - 1) * 100 if nums and nums[0] > 0 else float("nan")
    print("  %-16s p50 fault_latency: %d distinct of %d (%s ns), spread %.3f%%" %
          (key, len(distinct), len(vals), ", ".join(distinct[:4]) + (" ..." if len(distinct) > 4 else ""), spread))
    same = same and len(nums) == len(vals) and spread <= tol
sys.exit(0 if len(ok) == len(runs) and same else 1)
PY
done
[ "$bad" = 0 ] || { echo "icount boots: FAIL ($out)"; exit 1; }
echo "icount boots: ok ($out)"
