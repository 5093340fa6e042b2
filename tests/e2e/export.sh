#!/bin/bash
# syncfault report exports: --format csv loads in Python's csv module with
# exactly one row per (result, metric) (one row for a result without
# metrics), parameters, target and kernel as columns; tsv and json carry
# the same rows; a bad format is refused (exit 2) with no output file.
# report.html is self-contained: no script, stylesheet, image or link
# fetched from anywhere, every SVG figure inline, a table per benchmark.
# Several directories merge into one report and one export.
. "$(dirname "$0")/../lib/common.sh"

D=$WORK/results
cp -r "$SRC/tests/e2e/fixtures/report" "$D"
expect_status 0 "$SF" report "$D" --format csv -o "$WORK/r.csv"
expect_status 0 "$SF" report --format tsv "$D" -o "$WORK/r.tsv"
expect_status 0 "$SF" report --format json -o "$WORK/r.json" "$D"
"$SF" report --format csv "$D" >"$WORK/stdout.csv" || fail "csv to stdout"
cmp -s "$WORK/r.csv" "$WORK/stdout.csv" || fail "csv on stdout differs from -o"

python3 - "$D" "$WORK" <<'PY' || fail "export rows do not match the results"
import csv, glob, json, os, sys
d, w = sys.argv[1], sys.argv[2]
want = {}
for f in glob.glob(os.path.join(d, "*.json")):
    if f.endswith("env.json"):
        continue
    rs = json.load(open(f))
    for i, r in enumerate(rs if isinstance(rs, list) else [rs]):
        names = [m["name"] for m in r["metrics"]] or [""]
        for m in names:
            key = (os.path.basename(f), r["bench"], m, tuple(sorted(r["params"].items())))
            want[key] = want.get(key, 0) + 1
rows = list(csv.DictReader(open(os.path.join(w, "r.csv"), newline="")))
assert len(rows) == sum(want.values()), (len(rows), sum(want.values()))
for col in ("target", "kernel", "metric", "unit", "p50", "param.mode", "emulated"):
    assert col in rows[0], col
got = {}
for r in rows:
    params = tuple(sorted((k[6:], v) for k, v in r.items() if k.startswith("param.") and v != ""))
    key = (r["file"], r["bench"], r["metric"], params)
    got[key] = got.get(key, 0) + 1
assert got == want, set(got) ^ set(want)
# numbers are the result's own
f = next(r for r in rows if r["metric"] == "fault_latency")
res = json.load(open(os.path.join(d, f["file"])))
res = res if isinstance(res, dict) else res[0]
m = next(m for m in res["metrics"] if m["name"] == "fault_latency")
assert abs(float(f["p50"]) - m["p50"]) <= 1e-9 * abs(m["p50"]), (f["p50"], m["p50"])
assert len(f["repeats"].split(";")) == len(m["repeats"])
tsv = list(csv.DictReader(open(os.path.join(w, "r.tsv"), newline=""), delimiter="\t"))
js = json.load(open(os.path.join(w, "r.json")))
assert len(tsv) == len(rows) == len(js), (len(tsv), len(rows), len(js))
assert js[0].keys() == rows[0].keys()
print("rows", len(rows))
PY

expect_status 2 "$SF" report "$D" --format xls -o "$WORK/bad.out"
[ -e "$WORK/bad.out" ] && fail "bad format left an output file"
grep -q "csv" "$WORK/err" || fail "bad format: the valid ones are not named"

# report.html
expect_status 0 "$SF" report "$D"
H=$D/report.html
[ -s "$H" ] || fail "no report.html"
head -1 "$H" | grep -q '<!DOCTYPE html>' || fail "report.html: no doctype"
grep -Eiq '<script|<link|<img|<iframe|src=|url\(|@import|href="(https?:)?//' "$H" &&
	fail "report.html fetches something: $(grep -Eio '<script|<link|<img|<iframe|src=[^ ]*|url\([^)]*|@import|href="(https?:)?//[^"]*' "$H" | head -3)"
nsvg=$(ls "$D"/plots/*.svg | wc -l)
[ "$nsvg" -gt 0 ] || fail "no figures rendered"
[ "$(grep -o '<svg' "$H" | wc -l)" = "$nsvg" ] || fail "report.html inlines $(grep -o '<svg' "$H" | wc -l) of $nsvg figures"
for b in fault flush sync contention; do
	grep -q "id=\"bench-$b\"" "$H" || fail "report.html: no table for $b"
done
grep -q 'EMULATED' "$H" || fail "report.html: emulated results not marked"
grep -q '</html>' "$H" || fail "report.html truncated"

# merge: the fixture split over two directories gives the same rows
mkdir "$WORK/a" "$WORK/b"
n=0
for f in "$D"/*.json; do
	[ "$(basename "$f")" = env.json ] && continue
	n=$((n + 1))
	cp "$f" "$WORK/$([ $((n % 2)) = 0 ] && echo a || echo b)/"
done
expect_status 0 "$SF" report --format csv -o "$WORK/ab.csv" "$WORK/a" "$WORK/b"
[ "$(wc -l <"$WORK/ab.csv")" = "$(wc -l <"$WORK/r.csv")" ] || fail "merged export: $(wc -l <"$WORK/ab.csv") lines, one directory: $(wc -l <"$WORK/r.csv")"
expect_status 2 "$SF" report "$WORK/a" "$WORK/b"
grep -q -- '-o' "$WORK/err" || fail "merging without -o: the fix is not named"
expect_status 0 "$SF" report -o "$WORK/merged" "$WORK/a" "$WORK/b"
[ -s "$WORK/merged/report.txt" ] && [ -s "$WORK/merged/report.html" ] || fail "no merged report"
[ "$(grep -o '<tr class=' "$WORK/merged/report.html" | wc -l)" = "$(grep -o '<tr class=' "$H" | wc -l)" ] ||
	fail "merged report.html has a different number of rows"
echo "ok"
