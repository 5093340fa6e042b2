#!/bin/bash
# SPDX-License-Identifier: MIT
# The patch-review loop proven end to end (long: two kernel builds and
# twelve guest boots; not in the default test run).  Kernel A is Debian's
# linux-source-6.12 built with the project's guest config; kernel B is the
# same plus dax-sync-fault-delay.patch, a 300 us udelay() in
# dax_finish_sync_fault(), which only MAP_SYNC faults that allocated
# (hole, unwritten) reach.  An A/A of kernel A (3 rounds a side) must mark
# nothing; then syncfault ab A against B with 3 rounds must mark those rows
# WORSE and no other.  The A/A's runs are not pooled into side A: they are
# not interleaved with B, and in real time 2 of 12 such A/Bs marked a drift
# of daxfile rows between the A/A and the A/B (docs/patch-review.md).
#
# Where 3 rounds cannot resolve the 300 us rows (real time on a host whose
# boots differ by tens of percent), compare does not mark them: then the
# script passes only if compare itself says, under each such row, that it
# cannot conclude at 3 runs a side and how many runs a side would mark a
# change of that size ("not concluded ... from N runs a side"), and nothing
# else is marked.  Any mark in the A/A fails, whatever the clock.
#
#   sf-heavy tests/long/injected-regression.sh [--timing real|icount]
#            [--delay 300|3|1] [--noise PCT] [OUTDIR]
#   tests/long/injected-regression.sh [--delay US] --check OUTDIR
#
# --timing is given to both syncfault ab calls (default: ab's own, icount
# on TCG).  --delay picks kernel B's patch: 300 us (the default,
# dax-sync-fault-delay.patch), 3 us or 1 us (dax-sync-fault-delay-3us.patch,
# -1us.patch: 1.7-2.8% and 0.6-1.0% of an icount MAP_SYNC allocating fault,
# for the deterministic clock).  --noise PCT is compare's noise floor for
# both (default: compare's own; on icount no floor under 1.2%, so the 1 us
# patch needs --noise 0.5, a floor for kernels whose rows do not split by
# boot, as this built one's do not).  --check judges OUTDIR/ab and OUTDIR/aa of an earlier run
# without running anything.  Prints the clock, the build times, the marked
# rows and the measured delay, or the runs a side compare asks for.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
sf=${SYNCFAULT:-$here/build/syncfault}
cfg=$here/tests/long/injected-regression.ini
timing=() noise=() delay=300 check=no out=
while [ $# -gt 0 ]; do
	case $1 in
	--timing)
		[ "${2:-}" = real ] || [ "${2:-}" = icount ] ||
			{ echo "injected-regression: --timing takes real or icount" >&2; exit 2; }
		timing=(--timing "$2")
		shift 2 ;;
	--delay)
		case ${2:-} in 300|3|1) delay=$2 ;;
		*) echo "injected-regression: --delay takes 300, 3 or 1 (microseconds)" >&2; exit 2 ;;
		esac
		shift 2 ;;
	--noise)
		[[ ${2:-} =~ ^[0-9]+(\.[0-9]+)?$ ]] ||
			{ echo "injected-regression: --noise takes a percent, e.g. 0.5" >&2; exit 2; }
		noise=(--noise "$2")
		shift 2 ;;
	--check) check=yes; shift ;;
	-*) echo "injected-regression: unknown option $1 (--timing real|icount, --delay 300|3|1, --noise PCT, --check)" >&2; exit 2 ;;
	*) out=$1; shift ;;
	esac
done
[ "$check" = no ] || [ -n "$out" ] ||
	{ echo "injected-regression: --check needs the OUTDIR of an earlier run" >&2; exit 2; }
out=${out:-$here/results/injected-regression-$(date +%Y%m%d-%H%M%S)}
case $delay in	# kernel B: its patch and the name its build is kept under
300) patch=$here/tests/long/dax-sync-fault-delay.patch name_b=sf-inj-b ;;
*) patch=$here/tests/long/dax-sync-fault-delay-${delay}us.patch name_b=sf-inj-${delay}us ;;
esac
fail() { echo "FAIL: $*" >&2; exit 1; }

run_ab() {	# run_ab NAME ARGS...: syncfault ab into $out/NAME, exit 0 or 5
	local name=$1 rc=0
	shift
	"$sf" ab "$@" ${timing[@]+"${timing[@]}"} ${noise[@]+"${noise[@]}"} --rounds 3 -o "$out/$name" "$cfg" \
		>"$out/$name.log" 2>&1 || rc=$?
	[ "$rc" = 0 ] || [ "$rc" = 5 ] || fail "syncfault ab ($name) exited $rc (see $out/$name.log)"
}

if [ "$check" = no ]; then
	mkdir -p "$out"
	echo "== build A (debian:6.12, guest config)"
	"$sf" kernel build debian:6.12 --name sf-inj-a | tee "$out/build-a.txt"
	echo "== build B (A + $(basename "$patch"))"
	"$sf" kernel build debian:6.12 --patch "$patch" --name "$name_b" | tee "$out/build-b.txt"
	run_ab aa --aa --kernel-a built:sf-inj-a
	run_ab ab --kernel-a built:sf-inj-a --kernel-b "built:$name_b"
fi
for d in ab aa; do
	[ -s "$out/$d/compare.txt" ] || fail "no $out/$d/compare.txt"
done
echo "== clock: A/B $(cat "$out/ab/clock" 2>/dev/null || echo unknown)," \
	"A/A $(cat "$out/aa/clock" 2>/dev/null || echo unknown)"

# The marks: the group header (bench and parameters) and the metric, a run
# that failed only in new, and a target kind's shared shift.
flagged() {
	awk '/^[a-z]+ .*\[/ { group = $0 }
	     /^  [a-z_][a-z0-9_]*( \(.*\))?$/ { name = $1 }	# a long name, its numbers below
	     /^  [a-z_]/ && NF > 2 { name = $1 }
	     / WORSE$| better$/ { print group " | " name " " $NF }
	     /^  WORSE:/ { print group " | failed in new" }' "$1"
	tr '\n' ' ' <"$1" | tr -s ' ' | grep -o 'a boot effect; marked [A-Za-z]*' |
		sed 's/^a boot effect; /shared shift | /' || true
}
# What compare says of a row: "WORSE", "better", "runs N" (not concluded
# at these runs, N runs a side would mark it), or its mark column.
row_state() {	# row_state COMPARE GROUP-REGEX METRIC
	awk -v g="$2" -v m="$3" '
		/^[a-z]+ .*\[/ { ingroup = $0 ~ g; row = 0; next }
		ingroup && $1 == m { row = 1; state = $NF; next }
		row && /not concluded/ { nc = $0; next }
		row && nc != "" && /^      / { nc = nc $0 }
		row && !/^    / { row = 0 }
		END {
			if (nc ~ /from [0-9]+ runs a side/) {
				sub(/.*from /, "", nc); sub(/ runs a side.*/, "", nc); print "runs " nc
			} else
				print state
		}' "$1"
}

echo "== A/B rows marked"
flagged "$out/ab/compare.txt" | tee "$out/ab-flagged.txt"
echo "== A/A rows marked"
flagged "$out/aa/compare.txt" | tee "$out/aa-flagged.txt"
[ ! -s "$out/aa-flagged.txt" ] || fail "the A/A marked: $(cat "$out/aa-flagged.txt")"
if grep -v 'mode=mapsync class=\(hole\|unwritten\).*| fault_latency WORSE' "$out/ab-flagged.txt" |
		grep -q .; then
	fail "the A/B marked more than the MAP_SYNC allocating faults: $(grep -v \
		'mode=mapsync class=\(hole\|unwritten\).*| fault_latency WORSE' "$out/ab-flagged.txt")"
fi
need=0
for class in hole unwritten; do
	state=$(row_state "$out/ab/compare.txt" "^fault .*mode=mapsync.*class=$class " fault_latency)
	case $state in
	WORSE) ;;
	"runs "*)
		n=${state#runs }
		echo "MAP_SYNC $class faults: not concluded at 3 rounds; compare: $n runs a side would mark a change of this size"
		[ "$n" -gt "$need" ] && need=$n ;;
	*)
		grep -A1 "^fault .*mode=mapsync.*class=$class " "$out/ab/compare.txt" >&2 || true
		tr '\n' ' ' <"$out/ab/compare.txt" | tr -s ' ' |
			grep -o 'runs a side for 80% power on a typical row: .\{1,80\}' |
			sed 's/%\. .*/%./' >&2 || true
		fail "MAP_SYNC $class faults neither marked WORSE nor said how many runs they need (mark: ${state:-none})" ;;
	esac
done
echo "== injected $delay us; measured (median fault_latency, base -> new):"
grep -A3 'fault mode=mapsync class=\(hole\|unwritten\)' "$out/ab/compare.txt" | grep 'fault_latency'
if [ "$need" -gt 0 ]; then
	echo "injected regression: not concluded at 3 rounds ($(cat "$out/ab/clock" 2>/dev/null ||
		echo unknown) clock); compare asks for $need runs a side (syncfault ab --rounds $need);" \
		"the A/A marked nothing ($out)"
else
	echo "injected regression: ok ($out)"
fi
