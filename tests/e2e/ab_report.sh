#!/bin/bash
# scripts/ab on a small host suite: the kernel each side booted is stated
# above the comparison and in OUT/report.txt, and a report rebuilt later
# with `syncfault report OUT` states it again (it is a file of its own,
# OUT/kernels.txt, not lines appended to report.txt).
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
expect_status 0 "$SRC/scripts/ab" --syncfault "$SF" --rounds 1 -o "$O" "$WORK/ab.ini"
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
# both sides' results are in it
grep -q 'from 2 results in 2 files' "$O/report.txt" ||
	fail "report.txt is not of both sides' results: $(head -n 2 "$O/report.txt")"

rm "$O/report.txt"
expect_status 0 "$SF" report "$O"
states "syncfault report OUT"
echo "ab_report: ok"
