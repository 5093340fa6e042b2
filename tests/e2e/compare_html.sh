#!/bin/bash
# compare --html FILE on three rounds a side made from the stored compare
# fixtures (fixtures/README): hole faults 50% slower in every round of new,
# written faults within 1%.  The regression is the marked row, first, with the
# change and interval compare.txt states; the forest plot has a panel for
# fault with that row drawn marked (red, a large dot, its interval left of
# the noise band) and the unchanged row drawn unmarked; every row is listed
# with its detectable change; the kernels of both sides are named.  A/A:
# nothing marked.  Bad input: exit 2, one line, no page.
. "$(dirname "$0")/../lib/common.sh"

F=$SRC/tests/e2e/fixtures/compare
H=$WORK/compare.html
. "$SRC/tests/lib/rounds.sh"
for cls in hole written; do
	rounds "$WORK/base" $cls 1.00 1.02 0.98
	rounds "$WORK/same" $cls 0.99 1.01 1.00
done
rounds "$WORK/slow" hole 1.50 1.53 1.48
rounds "$WORK/slow" written 0.99 1.01 1.00
expect_status 5 "$SF" compare "$WORK/base" "$WORK/slow" --html "$H"
cp "$WORK/out" "$WORK/compare.txt"
[ -s "$H" ] || fail "no compare.html"
python3 - "$H" "$WORK/compare.txt" <<'EOF'
import re, sys
html = open(sys.argv[1]).read()
txt = open(sys.argv[2]).read()
# the text's hole row: change and interval
row = [l for l in txt.splitlines() if "fault_latency" in l and "WORSE" in l]
assert len(row) == 1, txt
chg, lo, hi = re.search(r"(-[0-9]+\.[0-9])% +\[(-[0-9.]+), (-[0-9.]+)\]", row[0]).groups()
i = [html.find(s) for s in ('id="marked"', 'id="forest"', 'id="rows"')]
assert -1 not in i and i == sorted(i), f"sections out of order: {i}"
marked = html[i[0]:i[1]]
assert marked.count('<tr class="worse">') == 1, marked
m = re.search(r'<tr class="worse"><td>fault class=hole</td><td>fault_latency</td>'
              r'<td class="n">([^<]+)</td><td class="n">([^<]+)</td><td class="n">([^<]+)%</td>'
              r'<td class="ci">([^<]+)</td>', marked)
assert m, marked
assert float(m.group(3)) == float(chg), (m.group(3), chg)
assert m.group(4) == "%+.1f%% to %+.1f%%" % (float(lo), float(hi)), (m.group(4), lo, hi)
assert html[:i[0]].count("kernel ") == 2, "the sides' kernels not named"
forest = html[i[1]:i[2]]
assert "<h3>fault</h3>" in forest, forest
rows = re.findall(r'<tr class="(\w*)"><td>fault class=(\w+) &middot; fault_latency</td>'
                  r'<td class="n">([-+0-9.]+)%</td><td class="plot">(<svg.*?</svg>)</td>'
                  r'<td class="ci">([^<]+)</td>', forest)
assert sorted(r[1] for r in rows) == ["hole", "written"], rows
for mark, cls, pct, svg, ci_text in rows:
    if cls == "hole":   # the interval in words beside its line, as compare.txt states it
        assert ci_text == "%+.1f%% to %+.1f%%" % (float(lo), float(hi)), (ci_text, lo, hi)
    band = re.search(r'<rect x="([0-9.]+)" y="0" width="([0-9.]+)"', svg)
    dot = re.search(r'<circle cx="([0-9.]+)" cy="9" r="(\d)" fill="(#\w+)"', svg)
    ci = re.search(r'<line x1="([0-9.]+)" y1="9" x2="([0-9.]+)"', svg)
    assert band and dot and ci, svg
    left, right = float(band.group(1)), float(band.group(1)) + float(band.group(2))
    if cls == "hole":
        assert mark == "worse" and dot.group(2) == "5" and dot.group(3) == "#c00", svg
        assert float(ci.group(2)) < left, f"the hole interval is not left of the noise band: {svg}"
    else:
        assert mark == "" and dot.group(2) == "3", svg
        assert left <= float(dot.group(1)) <= right, f"the unchanged row is off the band: {svg}"
every = html[i[2]:]
assert every.count("<tr") >= 3 and "detectable change" in every, every
# major_faults is 0 in every repeat: no interval because base is 0, not for want of repeats
zero = re.findall(r'<td>major_faults</td><td class="n">0 faults</td><td class="n">0 faults</td>'
                  r'<td class="n">&mdash;</td><td>none: ([^<]+)</td>', every)
assert len(zero) == 2 and all("0 on both sides" in z for z in zero), zero
for page in (html, txt):
    assert not re.search(r"-0(\.0)?%", page), "a negative zero change"
print("compare.html: ok")
EOF

# A/A: nothing marked, and the page says so
expect_status 0 "$SF" compare "$WORK/base" "$WORK/same" --html "$H"
grep -q 'None: no row changed' "$H" || fail "A/A page marks something"
grep -q '<tr class="worse">' "$H" && fail "A/A page has a worse row"

# bad input: one line, exit 2, no page
rm -f "$H"
expect_status 2 "$SF" compare "$WORK/base" "$WORK/slow" --html "$WORK/no/such/dir/c.html"
[ "$(wc -l <"$WORK/err")" = 1 ] || fail "not one line: $(cat "$WORK/err")"
[ -e "$WORK/no/such/dir/c.html" ] && fail "a page was written"
expect_status 2 "$SF" compare "$WORK/base" "$WORK/slow" --html "$H" --html "$H"
grep -q 'given twice' "$WORK/err" || fail "--html twice: $(cat "$WORK/err")"
[ -e "$H" ] && fail "a page was written on bad input"
echo "compare_html: ok"
