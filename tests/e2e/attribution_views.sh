#!/bin/bash
# Attribution in report and compare, on stored guest results
# (fixtures/attrib: see fixtures/README): report draws the phases of the
# median traced event stacked per target and lists them in report.txt;
# compare names the phase that moved under the row that changed.
. "$(dirname "$0")/../lib/common.sh"

FX=$SRC/tests/e2e/fixtures/attrib
cp -r "$FX/base" "$WORK/r"
expect_status 0 "$SF" report "$WORK/r"
[ -s "$WORK/r/plots/attrib-ext4-dax-emulated.tsv" ] || fail "no attribution figure data: $(ls "$WORK/r/plots")"
grep -q "^fault	" "$WORK/r/plots/attrib-ext4-dax-emulated.tsv" ||
	fail "figure rows: $(cat "$WORK/r/plots/attrib-ext4-dax-emulated.tsv")"
# the stacked phases add up to the median traced event (1355.803 us)
awk -F'\t' '/^fault/ { s = 0; for (i = 2; i <= NF; i++) s += $i; if (s < 1350 || s > 1361) exit 1 }' \
	"$WORK/r/plots/attrib-ext4-dax-emulated.tsv" || fail "phases do not add up to the event"
grep -q "Who pays - ext4-dax-emulated" "$WORK/r/report.txt" || fail "report.txt has no attribution section"
grep -q "  fault: 1356 us, coverage 0.94: 60% journal commit" "$WORK/r/report.txt" ||
	fail "report.txt: $(grep -A3 'Who pays' "$WORK/r/report.txt")"

# one run a side: exploratory (never marked, exit 0), the phases still shown
# under the row whose repeats moved
expect_status 0 "$SF" compare "$FX/base" "$FX/new"
grep -A2 "fault_latency .*expl$" "$WORK/out" | grep -q "fault phases +30%: journal commit +407 us; other phases" ||
	fail "no phase line under the changed row: $(cat "$WORK/out")"
expect_status 0 "$SF" compare "$FX/base" "$FX/base"
! grep -q "phases" "$WORK/out" || fail "a phase line without a change: $(cat "$WORK/out")"
