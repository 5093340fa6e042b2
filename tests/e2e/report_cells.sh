#!/bin/bash
# No nan, no -0.0% and no cut name in report.txt and compare.txt (and the
# pages beside them) of a quick and a full suite: the quick one is a
# recorded configs/quick.ini run (fixtures/quick), the full one is
# assembled from it for every run configs/full.ini lists
# (tests/lib/full_fixture.py: every parameter combination, the points it
# cannot run).  compare: each suite against itself with every repeat
# 0.02% slower, so that changes round to zero on both sides of it.
. "$(dirname "$0")/../lib/common.sh"

CELLS="python3 $SRC/tests/lib/cells.py"
slower() {	# slower SRC DST: DST is SRC with every repeat 0.02% slower
	cp -r "$1" "$2"
	python3 - "$2" <<'PY'
import glob, json, sys
for f in glob.glob(sys.argv[1] + "/*.json"):
    r = json.load(open(f))
    for m in r.get("metrics", []):
        up = -1 if m.get("better") == "higher" else 1
        m["repeats"] = [v * (1 + up * 0.0002) for v in m.get("repeats", [])]
    json.dump(r, open(f, "w"))
PY
}

cp -r "$SRC/tests/e2e/fixtures/quick" "$WORK/quick"
"$SF" suite "$SRC/configs/full.ini" --list >"$WORK/full.list"
n=$(python3 "$SRC/tests/lib/full_fixture.py" "$WORK/quick" "$WORK/full.list" "$WORK/full")
[ "$n" = "$(wc -l <"$WORK/full.list")" ] || fail "full fixture: $n results for $(wc -l <"$WORK/full.list") runs"

for s in quick full; do
	expect_status 0 "$SF" report "$WORK/$s"
	$CELLS report "$WORK/$s/report.txt" "$WORK/$s" || fail "$s: report.txt"
	$CELLS page "$WORK/$s/report.html" || fail "$s: report.html"
	slower "$WORK/$s" "$WORK/$s-slower"
	rm -f "$WORK/$s-slower"/report.* && rm -rf "$WORK/$s-slower/plots"
	expect_status 0 "$SF" compare "$WORK/$s" "$WORK/$s-slower" --html "$WORK/$s.html"
	cp "$WORK/out" "$WORK/$s-compare.txt"
	$CELLS compare "$WORK/$s-compare.txt" "$WORK/$s" || fail "$s: compare.txt"
	$CELLS page "$WORK/$s.html" || fail "$s: compare.html"
done
echo "report_cells: ok"
