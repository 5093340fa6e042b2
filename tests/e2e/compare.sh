#!/bin/bash
# syncfault compare on stored synthetic results (fixtures/compare, see
# fixtures/README): an A/A pair flags nothing and exits 0; a 15% latency
# regression is flagged WORSE with an interval below zero and exits 5; with
# several rounds per side a change must show in every round; the
# kernel difference is printed above the table and the unpaired result
# below it; every line fits 80 columns; bad input exits 2 naming the problem.
. "$(dirname "$0")/../lib/common.sh"

F=$SRC/tests/e2e/fixtures/compare
narrow() {
	awk 'length($0) > 80 { print "line " NR " is " length($0) " columns: " $0; bad = 1 }
	     END { exit bad }' "$WORK/out" || fail "output wider than 80 columns"
}

# A/A: same distribution on both sides
expect_status 0 "$SF" compare "$F/base" "$F/new-same"
narrow
grep -Eq '(WORSE|better)$' "$WORK/out" && fail "A/A flagged a change: $(cat "$WORK/out")"
grep -q 'Hodges-Lehmann' "$WORK/out" || fail "method not stated"
grep -q 'noise floor 2.0%' "$WORK/out" || fail "noise floor not stated"
grep -q 'none in kernel' "$WORK/out" || fail "A/A: environment differences reported"

# A/B: hole faults 15% slower in new
expect_status 5 "$SF" compare "$F/base" "$F/new-worse"
narrow
row=$(grep -A1 '^fault class=hole' "$WORK/out" | grep fault_latency) || fail "no hole row"
echo "$row" | grep -q 'WORSE$' || fail "regression not marked: $row"
echo "$row" | grep -Eq ' -1[0-9]\.[0-9]% +\[-[0-9.]+, -[0-9.]+\]' || fail "change or CI wrong: $row"
row=$(grep -A1 '^fault class=written' "$WORK/out" | grep fault_latency) || fail "no written row"
echo "$row" | grep -Eq '(WORSE|better)$' && fail "unchanged metric marked: $row"
grep -A2 '^  kernel' "$WORK/out" | grep -q 'new:  6.1.0-test-B' || fail "kernel difference not shown"
grep -A1 '^Only in base' "$WORK/out" | grep -q 'class=read' || fail "unpaired result not listed"
grep -q '1 significantly worse' "$WORK/out" || fail "summary wrong"
# the unmarked row states the smallest change it could have seen; the summary counts them
echo "$row" | grep -Eq '<[0-9.]+%$' || fail "unmarked row has no detectable change: $row"
tr '\n' ' ' <"$WORK/out" | grep -q 'of the 4 rows could detect a 5% change' || fail "summary lacks the detectable count"

# the noise floor: 15% is within a 20% floor
expect_status 0 "$SF" compare --noise 20 "$F/base" "$F/new-worse"
grep -q 'WORSE$' "$WORK/out" && fail "--noise 20 still flags 15%"

# rounds (syncfault ab): a change seen in one round of two is not confirmed
expect_status 0 "$SF" compare "$F/rounds-base" "$F/rounds-new"
grep fault_latency "$WORK/out" | grep -q 'w?$' || fail "one-round change not demoted: $(cat "$WORK/out")"
grep -q '1 of them not shown in every round' "$WORK/out" || fail "round check not reported"
tr '\n' ' ' <"$WORK/out" | grep -q 'across the repeats of one run, median cv .* across runs of the same point (rounds), median cv' ||
	fail "across-repeat and across-run variation not told apart"
expect_status 5 "$SF" compare "$F/rounds-base" "$F/rounds-new-both"
grep fault_latency "$WORK/out" | grep -q 'WORSE$' || fail "change in every round not marked"

# three rounds a side: the rounds test decides, and says what it learned
rounds3() {	# rounds3 DIR FACTOR...: one round per factor, every repeat scaled
	local dir=$1 i=0
	shift
	for f in "$@"; do
		i=$((i + 1))
		mkdir -p "$dir/round-$i"
		python3 - "$F/rounds-base/round-1/fault.class_hole.json" "$dir/round-$i/fault.class_hole.json" "$f" "$i" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for m in r["metrics"]:
    if m.get("repeats"):
        m["repeats"] = [v * float(sys.argv[3]) for v in m["repeats"]]
r["started"] = r["started"][:-3] + "%02dZ" % int(sys.argv[4])
json.dump(r, open(sys.argv[2], "w"))
PY
	done
}
rounds3 "$WORK/r3-base" 1.00 1.02 0.98
rounds3 "$WORK/r3-same" 0.99 1.01 1.00
rounds3 "$WORK/r3-slow" 1.50 1.53 1.48
expect_status 5 "$SF" compare "$WORK/r3-base" "$WORK/r3-slow"
grep fault_latency "$WORK/out" | grep -q 'WORSE$' || fail "50% slower in 3 rounds of 3 not marked: $(cat "$WORK/out")"
grep -q "^Rounds test, per target kind:" "$WORK/out" || fail "the rounds test's prior not stated"
tr '\n' ' ' <"$WORK/out" | grep -q "own t-test (few degrees of freedom" ||
	fail "a lone row's own t-test not stated: $(cat "$WORK/out")"
expect_status 0 "$SF" compare "$WORK/r3-base" "$WORK/r3-same"
grep -Eq '(WORSE|better)$' "$WORK/out" && fail "rounds within 1% marked: $(cat "$WORK/out")"

# single files, and new as base (the change is then an improvement)
expect_status 0 "$SF" compare "$F/new-worse/fault.class_hole.json" "$F/base/fault.class_hole.json"
grep fault_latency "$WORK/out" | grep -q 'better$' || fail "reverse comparison not better"

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
