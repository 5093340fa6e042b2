#!/bin/bash
# SPDX-License-Identifier: MIT
# The patch-review loop proven end to end (long: two kernel builds and
# twelve guest boots; not in the default test run).  Kernel A is Debian's
# linux-source-6.12 built with the project's guest config; kernel B is the
# same plus dax-sync-fault-delay.patch, a 300 us udelay() in
# dax_finish_sync_fault(), which only MAP_SYNC faults that allocated
# (hole, unwritten) reach.  syncfault ab with 3 rounds must mark those rows
# WORSE and no other; an A/A of kernel A must mark nothing.
#
#   flock /tmp/sf-heavy.lock tests/long/injected-regression.sh [OUTDIR]
#
# Prints the build times, the flagged rows and the measured delay.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
sf=${SYNCFAULT:-$here/build/syncfault}
out=${1:-$here/results/injected-regression-$(date +%Y%m%d-%H%M%S)}
cfg=$here/tests/long/injected-regression.ini
patch=$here/tests/long/dax-sync-fault-delay.patch
mkdir -p "$out"
fail() { echo "FAIL: $*" >&2; exit 1; }

echo "== build A (debian:6.12, guest config)"
"$sf" kernel build debian:6.12 --name sf-inj-a | tee "$out/build-a.txt"
echo "== build B (A + $(basename "$patch"))"
"$sf" kernel build debian:6.12 --patch "$patch" --name sf-inj-b | tee "$out/build-b.txt"

rc=0
"$sf" ab --kernel-a built:sf-inj-a --kernel-b built:sf-inj-b \
	--rounds 3 -o "$out/ab" "$cfg" >"$out/ab.log" 2>&1 || rc=$?
[ "$rc" = 0 ] || [ "$rc" = 5 ] || fail "syncfault ab exited $rc (see $out/ab.log)"
rc=0
"$sf" ab --aa --kernel-a built:sf-inj-a \
	--rounds 3 -o "$out/aa" "$cfg" >"$out/aa.log" 2>&1 || rc=$?
[ "$rc" = 0 ] || [ "$rc" = 5 ] || fail "A/A syncfault ab exited $rc (see $out/aa.log)"

# The flagged rows: the group header (bench and parameters) and the metric.
flagged() {
	awk '/^[a-z]+ .*\[/ { group = $0 } / WORSE$| better$/ { print group " | " $1 " " $NF }' "$1"
}
echo "== A/B rows flagged"
flagged "$out/ab/compare.txt" | tee "$out/ab-flagged.txt"
echo "== A/A rows flagged"
flagged "$out/aa/compare.txt" | tee "$out/aa-flagged.txt"
[ ! -s "$out/aa-flagged.txt" ] || fail "the A/A marked rows"
grep -q 'fault mode=mapsync class=hole.*| fault_latency WORSE' "$out/ab-flagged.txt" ||
	fail "MAP_SYNC hole faults not marked worse"
grep -q 'fault mode=mapsync class=unwritten.*| fault_latency WORSE' "$out/ab-flagged.txt" ||
	fail "MAP_SYNC unwritten faults not marked worse"
if grep -v 'mode=mapsync class=\(hole\|unwritten\)' "$out/ab-flagged.txt" | grep -q .; then
	fail "rows outside the MAP_SYNC allocating faults were marked: $(grep -v 'mode=mapsync class=\(hole\|unwritten\)' "$out/ab-flagged.txt")"
fi
echo "== injected 300 us; measured (median fault_latency, base -> new):"
grep -A3 'fault mode=mapsync class=\(hole\|unwritten\)' "$out/ab/compare.txt" | grep 'fault_latency'
echo "injected regression: ok ($out)"
