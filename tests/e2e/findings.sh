#!/bin/bash
# The findings on top of report.txt and report.html, from the stored quick
# suite fixtures (fixtures/README): one section per question the results
# have data for, in docs/design.md's order, with this run's numbers and the
# change's interval as compare states it; the questions without data listed
# with what would measure them; in HTML the findings come first, then the
# figures, then the tables.
. "$(dirname "$0")/../lib/common.sh"

D=$WORK/results
cp -r "$SRC/tests/e2e/fixtures/report" "$D"
expect_status 0 "$SF" report "$D"
R=$D/report.txt H=$D/report.html

python3 - "$R" "$H" <<'EOF'
import re, sys
txt = open(sys.argv[1]).read()
html = open(sys.argv[2]).read()
start = txt.index("\nFindings\n")
end = txt.index("\nTargets:")
assert start < end, "findings are not before the targets"
assert txt.index("== fault ==") > end, "a table comes before the findings"
find = " ".join(txt[start:end].split())	# unwrapped

heads = re.findall(r"(?m)^(\d)\. ", txt[start:end])
assert heads == ["1", "2", "4", "5"], f"questions with data, in order: {heads}"
# 1: mapsync against none on ext4-dax (fixture medians 4.38 ms and 216 us), marked with its interval
m = re.search(r"ext4-dax-emulated class=hole: a fault costs 4\.38 ms with mode=mapsync against "
              r"216 us with none: x([0-9.]+) \(95% interval x([0-9.]+) to x([0-9.]+), 5 vs 5 repeats\)", find)
assert m, f"no fault finding: {find}"
r, lo, hi = map(float, m.groups())
assert 15 < r < 25 and lo < r < hi, (r, lo, hi)
assert "tmpfs" not in find.split("2. ")[0], "a host result without a mapsync side made a finding"
# 2: the break-even, the same figure as the sync summary
assert "mapsync vs msync: msync is cheaper per update from batch 16 on; break-even between batch 1 and 16 (about 4.1" in find, find
# 4: the floor, the cheapest first
m = re.search(r"anon-DRAM: a line made durable costs at best ntstore-avx512 1\.5 ns \(size=262144, "
              r"repeats [0-9.]+ ns to [0-9.]+ ns\); clwb 2\.5 ns \(size=262144", find)
assert m, f"no flush finding: {find}"
# 5: threads share the mmap_lock and wait; processes do not
m = re.search(r"model=threads: a locker's operation takes 6\.49 ms while the faulters fault against "
              r"6\.01 us with them idle: x([0-9]+) \(95% interval x([0-9]+) to x([0-9]+)", find)
assert m and int(m.group(1)) > 100, f"no threads finding: {find}"
assert re.search(r"model=processes: .* x1\.0[0-9] \(95% interval [^)]*\): no difference beyond the noise floor", find), find
# not measured: daxfile, crashtest, A/B, each with what would measure it
nm = find[find.index("Not measured in this run"):]
for q, how in (("3", "mode = mapsync, daxfile"), ("6", "syncfault crashtest"), ("7", "syncfault ab")):
    assert re.search(rf"{q}\. [^:]+: add [^.]*{re.escape(how)}", nm), f"question {q}: {nm}"
assert not re.search(r"\bnan\b", find, re.I), find

# HTML: findings, then figures, then the tables, then report.txt
i = [html.find(s) for s in ('<section id="findings">', '<h2 id="figures">', '<h2 id="bench-fault"', '<h2 id="text">')]
assert -1 not in i and i == sorted(i), f"HTML order: {i}"
sec = html[i[0]:i[1]]
assert sec.count("<h3>") == 5, sec	# four questions and "Not measured in this run"
assert "4.38 ms with mode=mapsync against 216 us with none" in sec, sec
assert sec.count("<ul>") == sec.count("</ul>") == 5, sec
print("findings: ok")
EOF
