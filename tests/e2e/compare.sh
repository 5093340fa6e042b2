#!/bin/bash
# syncfault compare on stored synthetic results (fixtures/compare, see
# fixtures/README): with one or two runs a side nothing is marked (exit 0),
# the change and its interval are shown as exploratory and the output says
# why and how many runs a side it takes; with three a side the run-level
# model marks a 50% regression (exit 5) and not a 1% wobble; the kernel
# difference is printed above the table and the unpaired result below it;
# every line fits 80 columns; bad input exits 2 naming the problem.
. "$(dirname "$0")/../lib/common.sh"

F=$SRC/tests/e2e/fixtures/compare
narrow() {
	awk 'length($0) > 80 { print "line " NR " is " length($0) " columns: " $0; bad = 1 }
	     END { exit bad }' "$WORK/out" || fail "output wider than 80 columns"
}

# A/A: same distribution on both sides, one run each: exploratory, nothing marked
expect_status 0 "$SF" compare "$F/base" "$F/new-same"
narrow
grep -Eq '(WORSE|better)$' "$WORK/out" && fail "A/A flagged a change: $(cat "$WORK/out")"
grep -q 'Hodges-Lehmann' "$WORK/out" || fail "method not stated"
grep -q 'none in kernel' "$WORK/out" || fail "A/A: environment differences reported"

# A/B with one run a side: hole faults 15% slower in new.  Shown with the
# repeats' change and interval, never marked (exit 0), and said why: one
# run a side cannot tell a change from a different run.
expect_status 0 "$SF" compare "$F/base" "$F/new-worse"
narrow
row=$(grep -A1 '^fault class=hole' "$WORK/out" | grep fault_latency) || fail "no hole row"
echo "$row" | grep -q 'expl$' || fail "one run a side not exploratory: $row"
echo "$row" | grep -Eq ' -1[0-9]\.[0-9]% +\[-[0-9.]+, -[0-9.]+\]' || fail "change or CI wrong: $row"
grep -A2 '^  kernel' "$WORK/out" | grep -q 'new:  6.1.0-test-B' || fail "kernel difference not shown"
grep -A1 '^Only in base' "$WORK/out" | grep -q 'class=read' || fail "unpaired result not listed"
grep -q '0 significantly worse' "$WORK/out" || fail "summary wrong"
tr '\n' ' ' <"$WORK/out" | grep -q 'No mark without runs: 4 rows are compared on one run a side' ||
	fail "one run a side: no reason given: $(cat "$WORK/out")"
tr '\n' ' ' <"$WORK/out" | grep -q '3 runs a side (syncfault ab --rounds 3) is the least' ||
	fail "one run a side: the runs needed not stated"

# two rounds a side, 20% slower in both: still exploratory, and said why
expect_status 0 "$SF" compare "$F/rounds-base" "$F/rounds-new-both"
grep fault_latency "$WORK/out" | grep -q 'expl$' || fail "two runs a side not exploratory: $(cat "$WORK/out")"
grep -Eq '(WORSE|better)$' "$WORK/out" && fail "two runs a side marked: $(cat "$WORK/out")"
tr '\n' ' ' <"$WORK/out" | grep -q 'compared on fewer than 3 runs a side' ||
	fail "two runs a side: no reason given: $(cat "$WORK/out")"
tr '\n' ' ' <"$WORK/out" | grep -q 'across the repeats of one run, median cv .* across runs of the same point (rounds), median cv' ||
	fail "across-repeat and across-run variation not told apart"

# three rounds a side: the run-level model decides, and says what it found
. "$(dirname "$0")/../lib/rounds.sh"
rounds3() {	# rounds3 DIR FACTOR...: three rounds of the hole fixture, every repeat scaled
	local dir=$1
	shift
	rounds_from "$F/rounds-base/round-1/fault.class_hole.json" "$dir" "$@"
}
rounds3 "$WORK/r3-base" 1.00 1.02 0.98
rounds3 "$WORK/r3-same" 0.99 1.01 1.00
rounds3 "$WORK/r3-slow" 1.50 1.53 1.48
expect_status 5 "$SF" compare "$WORK/r3-base" "$WORK/r3-slow"
narrow
row=$(grep fault_latency "$WORK/out")
echo "$row" | grep -q 'WORSE$' || fail "50% slower in 3 rounds of 3 not marked: $(cat "$WORK/out")"
echo "$row" | grep -Eq ' -5[0-9]\.[0-9]% +\[-[0-9.]+, -[0-9.]+\]' || fail "change or CI wrong: $row"
grep -q "^Runs, per target kind:" "$WORK/out" || fail "what the model found not stated"
tr '\n' ' ' <"$WORK/out" | tr -s ' ' | grep -q "too few for a shared prior: each row on its own variance" ||
	fail "a lone row's own variance not stated: $(cat "$WORK/out")"
expect_status 0 "$SF" compare "$WORK/r3-base" "$WORK/r3-same"
grep -Eq '(WORSE|better)$' "$WORK/out" && fail "rounds within 1% marked: $(cat "$WORK/out")"
grep fault_latency "$WORK/out" | grep -Eq '80%@[0-9.]+%$' ||
	fail "an unmarked row does not say what it would have marked: $(grep fault_latency "$WORK/out")"
# a fixed floor above the change: not marked
expect_status 0 "$SF" compare --noise 60 "$WORK/r3-base" "$WORK/r3-slow"
grep -q 'WORSE$' "$WORK/out" && fail "--noise 60 still flags 50%"

# single files, and new as base (the change is then an improvement, exploratory)
expect_status 0 "$SF" compare "$F/new-worse/fault.class_hole.json" "$F/base/fault.class_hole.json"
grep fault_latency "$WORK/out" | grep -Eq ' \+1[0-9]\.[0-9]% .*expl$' || fail "reverse comparison not an improvement"

# bad input: exit 2, one line naming the problem
expect_status 2 "$SF" compare "$F/base" "$WORK/nonexistent"
grep -q nonexistent "$WORK/err" || fail "missing dir not named"
mkdir "$WORK/bad"
echo '[1, 2' >"$WORK/bad/x.json"
expect_status 2 "$SF" compare "$F/base" "$WORK/bad"
grep -q 'x.json' "$WORK/err" || fail "invalid file not named: $(cat "$WORK/err")"
[ "$(wc -l <"$WORK/err")" = 1 ] || fail "error is not one line"
expect_status 2 "$SF" compare "$F/base"
expect_status 2 "$SF" compare --noise abc "$F/base" "$F/new-same"
echo "compare: ok"
