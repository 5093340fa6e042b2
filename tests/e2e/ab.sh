#!/bin/bash
# syncfault ab on a host suite, sides by setup command: the rounds run in
# ABBA order (each side's setup command before each of its rounds), the
# layout is OUT/LABEL/round-N/; the kernel each side booted is stated
# above the comparison and in OUT/report.txt, and a report rebuilt later
# with `syncfault report OUT` states it again (it is a file of its own,
# OUT/kernels.txt, not lines appended to report.txt); an interrupted A/B
# continues with the same command (finished rounds are not run again);
# --aa labels the second side A2; bad input is one line, exit 2, and
# leaves no directory.
. "$(dirname "$0")/../lib/common.sh"

T=$(mktemp -d /dev/shm/sf-e2e-ab.XXXXXX)
trap 'rm -rf "$WORK" "$T"' EXIT

cat >"$WORK/ab.ini" <<INI
[global]
repeats = 2
target = host:$T

[s]
bench = skeleton
writes = 8
INI
O=$WORK/ab
LOG=$WORK/order
# ab_ran ARGS...: an A/B that ran to its end: compare's status, 0 or 5 (the
# skeleton's A/A-like sides can differ by chance on a busy machine)
ab_ran() {
	local rc=0
	"$SF" ab "$@" >"$WORK/out" 2>"$WORK/err" || rc=$?
	[ "$rc" = 0 ] || [ "$rc" = 5 ] || { cat "$WORK/out" "$WORK/err" >&2; fail "ab $* exited $rc"; }
}
sides=(--setup-a "echo A >>$LOG" --setup-b "echo B >>$LOG")
ab_ran "${sides[@]}" --rounds 2 -o "$O" "$WORK/ab.ini"
[ "$(tr '\n' ' ' <"$LOG")" = "A B B A " ] || fail "rounds not in ABBA order: $(tr '\n' ' ' <"$LOG")"
for d in A/round-1 A/round-2 B/round-1 B/round-2; do
	[ -f "$O/$d/env.json" ] || fail "no $d/env.json"
	ls "$O/$d"/*.json | grep -qv env.json || fail "no result in $d"
done
grep -q 'metric' "$O/compare.txt" || fail "compare.txt has no table: $(cat "$O/compare.txt")"
# the A/B page beside it, its forest plot drawn
grep -q '<h2 id="forest">' "$O/compare.html" || fail "no compare.html with a forest plot"
grep -q '<circle ' "$O/compare.html" || fail "compare.html's forest plot has no row"
grep -q 'ab: wall time' "$WORK/out" || fail "no wall time: $(cat "$WORK/out")"
[ -s "$O/kernels.txt" ] || fail "no kernels.txt"
grep -q '^Kernels (guest targets):' "$O/kernels.txt" || fail "kernels.txt: $(cat "$O/kernels.txt")"
head -n 4 "$O/compare.txt" | grep -q "A: host kernel $(uname -r)" ||
	fail "compare.txt does not state side A's kernel first: $(head -n 4 "$O/compare.txt")"

# states: every line of kernels.txt is in the report, above its tables
states() {
	local r=$O/report.txt
	[ -s "$r" ] || fail "$1: no report.txt"
	while IFS= read -r line; do
		grep -qxF -- "$line" "$r" || fail "$1: report.txt lacks '$line'"
	done <"$O/kernels.txt"
	[ "$(grep -n '^Kernels (guest targets):' "$r" | cut -d: -f1)" -lt \
	  "$(grep -n '^== skeleton' "$r" | head -n1 | cut -d: -f1)" ] ||
		fail "$1: the kernels are not stated above the tables"
	grep -q 'Kernels (guest targets):' "$O/report.html" || fail "$1: report.html lacks the kernels"
}
states "ab"
# both sides' rounds are in it
grep -q 'from 4 results in 4 files' "$O/report.txt" ||
	fail "report.txt is not of both sides' rounds: $(head -n 2 "$O/report.txt")"
rm "$O/report.txt"
expect_status 0 "$SF" report "$O"
states "syncfault report OUT"

# interrupted after B round 2 started: only that round runs again
rm -rf "$O/B/round-2" "$O/compare.txt"
: >"$LOG"
ab_ran "${sides[@]}" --rounds 2 -o "$O" "$WORK/ab.ini"
[ "$(tr '\n' ' ' <"$LOG")" = "B " ] || fail "resume ran other rounds: $(tr '\n' ' ' <"$LOG")"
[ "$(grep -c 'done before' "$WORK/out")" = 3 ] || fail "resume: $(cat "$WORK/out")"
[ -s "$O/compare.txt" ] || fail "resume: no compare.txt"

# A/A: one side twice, the second labelled A2
ab_ran --aa --rounds 1 -o "$WORK/aa" "$WORK/ab.ini"
[ -f "$WORK/aa/A/round-1/env.json" ] && [ -f "$WORK/aa/A2/round-1/env.json" ] ||
	fail "A/A layout: $(ls "$WORK/aa")"

# a setup command that fails stops the A/B
expect_status 2 "$SF" ab --setup-a false --rounds 1 -o "$WORK/sf" "$WORK/ab.ini"
grep -q -- '--setup-a failed' "$WORK/err" || fail "setup failure: $(cat "$WORK/err")"

# bad input: one line, exit 2, nothing created
refuse() {
	local what=$1
	shift
	expect_refused "$what" "$WORK/bad" "$SF" ab -o "$WORK/bad" "$@"
}
refuse "--rounds" --rounds 0 "$WORK/ab.ini"
refuse "--rounds" --rounds 1x "$WORK/ab.ini"
refuse "--noise" --noise 100 "$WORK/ab.ini"
refuse "config" "$WORK/none.ini"
refuse "needs a suite config" --rounds 1
refuse "--aa" --aa --setup-b true "$WORK/ab.ini"
refuse "labels" --label-a X --label-b X "$WORK/ab.ini"
refuse "label 'a b'" --label-a "a b" "$WORK/ab.ini"
refuse "--modules-a" --modules-a "$WORK" "$WORK/ab.ini"
refuse "--kernel-a" --kernel-a "$WORK/no-such-bzImage" "$WORK/ab.ini"
refuse "given twice" --rounds 1 --rounds 2 "$WORK/ab.ini"
refuse "unknown option" --bogus "$WORK/ab.ini"
refuse "--timing" --timing sundial "$WORK/ab.ini"
sed 's/^\[global\]$/[global]\ntiming = real/' "$WORK/ab.ini" >"$WORK/timed.ini"
refuse "one place" --timing icount "$WORK/timed.ini"
printf '[s]\nbench = nosuch\n' >"$WORK/badcfg.ini"
refuse "nosuch" "$WORK/badcfg.ini"
echo "ab e2e: ok"
