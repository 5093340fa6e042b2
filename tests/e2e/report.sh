#!/bin/bash
# syncfault report rebuilds report.txt and the plots of a results directory
# from its result JSON files alone (stored fixtures of every benchmark, see
# fixtures/README): non-empty PNG and SVG for every figure, emulated results
# marked in the titles, the break-even marked, text figures in report.txt;
# a rebuild leaves no stale files; a bad result file is refused (exit 2,
# naming it) without touching the existing report.
. "$(dirname "$0")/../lib/common.sh"

command -v gnuplot >/dev/null || fail "gnuplot is not installed (scripts/setup installs gnuplot-nox)"
D=$WORK/results
cp -r "$SRC/tests/e2e/fixtures/report" "$D"
expect_status 0 "$SF" report "$D"
R=$D/report.txt
[ -s "$R" ] || fail "no report.txt"

figs="fault_cdf-ext4-dax-emulated fault_cdf-tmpfs sync_ttd-ext4-dax-emulated
      flush_bw-anon-DRAM locker-ext4-dax-emulated"
for f in $figs; do
	png=$D/plots/$f.png svg=$D/plots/$f.svg
	[ -s "$D/plots/$f.tsv" ] || fail "$f: no data file"
	[ "$(stat -c %s "$png" 2>/dev/null || echo 0)" -gt 5000 ] || fail "$f: PNG missing or tiny"
	[ "$(head -c 4 "$png" | od -An -tx1 | tr -d ' \n')" = 89504e47 ] || fail "$f: not a PNG"
	grep -q '<svg' "$svg" || fail "$f: not an SVG"
	grep -q "$f.png" "$R" || fail "$f: not listed in report.txt"
	grep -q "gnuplot -e .*out='$f.png'" "$D/plots/render.sh" || fail "$f: not in render.sh"
done
# emulated results say so in the title, host results do not
grep -q 'EMULATED (QEMU TCG)' "$D/plots/fault_cdf-ext4-dax-emulated.svg" || fail "emulated figure not marked"
grep -q 'EMULATED' "$D/plots/fault_cdf-tmpfs.svg" && fail "host figure marked emulated"
# axes carry units
grep -q 'fault latency (us, log scale)' "$D/plots/fault_cdf-tmpfs.svg" || fail "fault CDF x label"
grep -q 'bandwidth (GB/s' "$D/plots/flush_bw-anon-DRAM.svg" || fail "flush y label"

# every CDF series rises to 1 and never falls
awk -F'\t' 'NF == 2 { if ($2 + 0 < last - 1e-9) bad = 1; last = $2 + 0; next }
	    /^$/ { if (last != "" && (last < 0.999 || last > 1.000001)) bad = 1; last = "" ; next }
	    { last = "" }
	    END { exit bad }' "$D/plots/fault_cdf-ext4-dax-emulated.tsv" || fail "CDF data is not a CDF"

# the fixture's mapsync (edited, see fixtures/README) is crossed by msync
grep -q 'msync becomes cheaper per update than mapsync at batch ~' "$R" || fail "no break-even line"
[ -s "$D/plots/sync_ttd-ext4-dax-emulated-breakeven.tsv" ] || fail "break-even not marked"
# one break-even computation: the sync summary and the figure state the same figure
n=$(grep -oE '(about |batch ~)[0-9.]+' "$R" | grep -oE '[0-9.]+$' | sort -u | wc -l)
[ "$n" = 1 ] || fail "report.txt states $n different break-evens: $(grep -E 'about [0-9]|batch ~[0-9]' "$R")"
for word in '== fault ==' '== sync ==' '== flush ==' '== contention ==' 'EMULATED' \
	    'Locker latency - ext4-dax-emulated' 'fault latency (us, log scale)'; do
	grep -qF -- "$word" "$R" || fail "report.txt lacks '$word'"
done

# rebuild: the same files, nothing stale
ls "$D/plots" >"$WORK/before"
touch "$D/plots/old-figure.png"
expect_status 0 "$SF" report "$D"
ls "$D/plots" >"$WORK/after"
diff "$WORK/before" "$WORK/after" >/dev/null || fail "rebuild changed the file set: $(diff "$WORK/before" "$WORK/after")"

# a bad result file: exit 2 naming it, the report left as it was
sum=$(md5sum <"$R")
echo '{"schema": 1, "bench": ' >"$D/broken.json"
expect_status 2 "$SF" report "$D"
grep -q 'broken.json' "$WORK/err" || fail "error does not name the bad file: $(cat "$WORK/err")"
[ "$(wc -l <"$WORK/err")" = 1 ] || fail "error is not one line"
[ "$(md5sum <"$R")" = "$sum" ] || fail "report.txt changed on bad input"
rm "$D/broken.json"

# no results at all
mkdir "$WORK/empty"
expect_status 2 "$SF" report "$WORK/empty"
grep -q 'no result files' "$WORK/err" || fail "empty dir: $(cat "$WORK/err")"
expect_status 2 "$SF" report "$WORK/nonexistent"
echo "report: ok"
