#!/bin/bash
# Scale: a suite of ~48000 runs is listed (ids checked for duplicates) in
# n log n, and compare of two sides of 4000 results each pairs them without
# a quadratic scan - each within a time limit that the quadratic versions
# exceeded many times over.
. "$(dirname "$0")/../lib/common.sh"

python3 - "$WORK/big.ini" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("[global]\nrepeats = 1\n")
    for s in range(100):
        f.write("[s%d]\nbench = fault\ntarget = host:/dev/shm\npages = %s\n"
                "class = hole,read,written\nmode = none\norder = seq,random\nvma = page,single\n"
                % (s, ",".join(str(16 + i) for i in range(40))))
PY
expect_status 0 timeout 90 "$SF" suite --list "$WORK/big.ini"
[ "$(wc -l <"$WORK/out")" = 48000 ] || fail "suite --list: $(wc -l <"$WORK/out") runs, expected 48000"

mkdir "$WORK/a" "$WORK/b"
python3 - "$SRC/tests/e2e/fixtures/compare/base/fault.class_hole.json" "$WORK" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for side in "ab":
    out = []
    for i in range(4000):
        x = dict(r)
        x["params"] = dict(r["params"], pages=str(16 + i))
        out.append(x)
    json.dump(out, open("%s/%s/all.json" % (sys.argv[2], side), "w"))
PY
expect_status 0 timeout 120 "$SF" compare "$WORK/a" "$WORK/b"
grep -q "in 4000 pairs" "$WORK/out" || fail "compare did not pair 4000 results: $(tail -3 "$WORK/out")"
echo "bad_scale e2e: ok"
