#!/bin/bash
# Result files are untrusted input: compare and report take regular files
# only (no FIFO hang, no /dev/zero read without end), one JSON value and
# nothing after it, no NaN or Infinity, no empty array, and bounded
# contents (histogram entries, metrics, params).  Each is refused in one
# line with exit 2, quickly, also under ASan+UBSan.
. "$(dirname "$0")/../lib/common.sh"

GOOD=$SRC/tests/e2e/fixtures/compare/base/fault.class_hole.json
B=$WORK/bad
mkdir "$B"

refused() {
	local word=$1
	shift
	expect_status 2 timeout 30 "$@"
	[ "$(wc -l <"$WORK/err")" = 1 ] || fail "'$*': error is not one line: $(cat "$WORK/err")"
	grep -q -- "$word" "$WORK/err" || fail "'$*': error does not mention '$word': $(cat "$WORK/err")"
}

# mutate EXPR NAME: a copy of GOOD changed by the python expression on r
mutate() {
	python3 - "$GOOD" "$B/$2.json" "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
exec(sys.argv[3])
open(sys.argv[2], "w").write(json.dumps(r))
PY
}

echo '[]' >"$B/empty.json"
refused "no result" "$SF" compare "$B/empty.json" "$GOOD"
refused "no result" "$SF" compare "$GOOD" "$B/empty.json"
refused "not a regular file" "$SF" compare "$GOOD" /dev/zero
refused "not a regular file" "$SF" suite /dev/zero
mkfifo "$B/fifo.json"
refused "not a regular file" "$SF" compare "$GOOD" "$B/fifo.json"
rm "$B/fifo.json"
{ cat "$GOOD"; echo '{"trailing": 1}'; } >"$B/trailing.json"
refused "after the first value" "$SF" compare "$GOOD" "$B/trailing.json"
sed 's/"duration_s":[0-9.]*/"duration_s":NaN/' "$GOOD" >"$B/nan.json"
grep -q NaN "$B/nan.json" || fail "fixture has no duration_s to replace"
refused "NaN" "$SF" compare "$GOOD" "$B/nan.json"
sed 's/"duration_s":[0-9.]*/"duration_s":-Infinity/' "$GOOD" >"$B/inf.json"
refused "NaN or Infinity" "$SF" compare "$GOOD" "$B/inf.json"
mutate 'r["metrics"][0]["hist"] = [[1.0, 2.0, 1]] * 100000' hist
refused "hist" "$SF" compare "$GOOD" "$B/hist.json"
mutate 'r["metrics"] = [dict(r["metrics"][0], name="m%d" % i) for i in range(5000)]' metrics
refused "metrics" "$SF" compare "$GOOD" "$B/metrics.json"
mutate 'r["params"] = {"p%d" % i: "v" for i in range(100000)}' params
refused "params" "$SF" compare "$GOOD" "$B/params.json"
head -c $((40 << 20)) /dev/zero | tr '\0' ' ' >"$B/huge.json"
refused "larger than" "$SF" compare "$GOOD" "$B/huge.json"

# the same through a results directory and report
R=$WORK/rdir
mkdir "$R"
cp "$GOOD" "$R/good.json"
cp "$B/trailing.json" "$R/bad.json"
refused "after the first value" "$SF" report "$R"
[ ! -e "$R/plots" ] && [ ! -e "$R/report.txt" ] || fail "report wrote output for a bad directory"
echo "bad_results e2e: ok"
