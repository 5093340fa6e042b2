#!/bin/bash
# SPDX-License-Identifier: MIT
# Guest kernels by name: a suite with kernel = debian:6.1, debian:6.12 boots
# the guest once on each (Debian's packages fetched and unpacked by
# syncfault, nothing by hand), every result names the kernel it ran on, and
# the report and the comparison pair the two kernels' runs.  Run from /.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/guest.bash"

cat >"$WORK/k.ini" <<'INI'
[global]
kernel = debian:6.1, debian:6.12
repeats = 2
pages = 64

[fault]
bench = fault
target = vm:ext4-dax
mode = none, mapsync
class = hole
INI
# from /, no source tree named: the build finds its guest scripts itself
from_root() { (cd / && unset SYNCFAULT_SOURCE SYNCFAULT_DATADIR && exec "$@"); }
expect_status 0 from_root "$SF" suite "$WORK/k.ini" -o "$WORK/r"
boots=$(grep -c '^guest: booted' "$WORK/err" || true)
[ "$boots" = 2 ] || fail "expected one boot per kernel, saw $boots: $(cat "$WORK/out" "$WORK/err")"
for k in 6.1 6.12; do
	for m in none mapsync; do
		json_assert "$WORK/r/kernel-debian-$k/fault.mode_$m.json" 'r["status"] == "ok"' \
			'r["target"]["kernel"].startswith("'"$k"'.")' \
			'r["info"]["vm"]["kernel_name"].startswith("debian:'"$k"'.")' \
			'r["info"]["vm"]["kernel"].startswith("debian linux-image-'"$k"'.")' \
			'r["target"]["emulated"] in ("qemu-tcg", "qemu-kvm")' \
			'r["target"]["map_sync"]'
	done
done
grep -q 'ext4-dax-emulated@6.1 ' "$WORK/r/report.txt" || fail "report does not name the 6.1 runs"
grep -q 'ext4-dax-emulated@6.12 ' "$WORK/r/report.txt" || fail "report does not name the 6.12 runs"
grep -q '== Kernels: debian:6.1 (base) vs debian:6.12 (new)' "$WORK/r/report.txt" ||
	fail "report lacks the kernel comparison"
c=$WORK/r/compare-kernel-debian-6.12.txt
[ -s "$c" ] || fail "no comparison of the two kernels"
grep -q 'in 2 pairs' "$c" || fail "the two kernels' runs are not paired: $(cat "$c")"
grep -A2 '^  kernel$' "$c" | grep -q 'base: 6.1.0-' || fail "compare does not state the kernel difference"
expect_clean
echo "kernels vm: ok"
