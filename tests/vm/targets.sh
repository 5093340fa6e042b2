#!/bin/bash
# Guest targets from the one table (issue 11): crashtest on vm:ext4-dax-fc
# formats with the table's recipe, and its output and JSON state the
# features read back from the superblock (fast_commit); vm:devdax runs
# fault on the device itself, 4k (the 4 KiB aligned device) and 2m (the
# 2 MiB aligned one, PMD faults), and a benchmark that needs files is
# unsupported there with the reason.
. "$(dirname "$0")/../lib/common.sh"

expect_status 0 "$SF" crashtest --target vm:ext4-dax-fc --mode mapsync --trials 1 \
	--kill-window 500 --json "$WORK/c.json"
grep -q "features (from its superblock): .*fast_commit" "$WORK/out" ||
	fail "crashtest does not state fast_commit: $(cat "$WORK/out")"
json_assert "$WORK/c.json" \
	'"fast_commit" in r["targets"][0]["modes"][0]["trial_results"][0]["fs_features"]' \
	'r["targets"][0]["modes"][0]["ok"]'

# device DAX through a suite (one boot): fault at 4k and 2m, flush on the
# device mapping, sync unsupported.  Exit 4 allowed: on device DAX the first
# repeat of a point sometimes takes one fault more than it has touches in
# one batch (dropped by the check; not understood yet): 256 pages, so a
# repeat has several batches of 64 and keeps samples.
cat >"$WORK/dd.ini" <<INI
[global]
repeats = 2
[f]
bench = fault
target = vm:devdax
mode = none, mapsync
size = 4k, 2m
pages = 256
[fl]
bench = flush
target = vm:devdax
memory = file
primitive = clwb
size = 4096
[s]
bench = sync
target = vm:devdax
mode = msync
batch = 1
INI
rc=0
"$SF" suite "$WORK/dd.ini" -o "$WORK/dd" >"$WORK/out" 2>"$WORK/err" || rc=$?
[ "$rc" = 0 ] || [ "$rc" = 4 ] || { cat "$WORK/out" "$WORK/err"; fail "suite on vm:devdax exited $rc"; }
python3 - "$WORK/dd" <<'PY' || fail "device DAX results"
import glob, json, sys
d = sys.argv[1]
res = {p.split("/")[-1]: json.load(open(p)) for p in glob.glob(d + "/*.json") if not p.endswith("env.json")}
faults = [r for k, r in res.items() if k.startswith("f.")]
assert len(faults) == 4 and all(r["status"] == "ok" for r in faults), [r["status"] for r in faults]
for r in faults:
    assert r["target"]["devdax"] and r["target"]["fs"] == "devdax"
    m = [x for x in r["metrics"] if x["name"] == "fault_latency"][0]
    assert m["n"] > 0 and m["p50"] > 0
    dev = r["info"]["device_dax"].split(":")[0]
    assert dev == ("/dev/dax1.0" if r["params"]["size"] == "4k" else "/dev/dax0.0"), dev
    if r["params"]["size"] == "2m":
        assert [c for c in r["checks"] if c["name"] == "pmd_mapped"][0]["ok"]
fl = [r for k, r in res.items() if k.startswith("fl")]
assert len(fl) == 1 and fl[0]["status"] == "ok", fl[0]["reason"]
assert "device DAX" in fl[0]["info"]["memory"]
s = [r for k, r in res.items() if k.startswith("s.")]
assert len(s) == 1 and s[0]["status"] == "unsupported" and "device DAX has no filesystem" in s[0]["reason"]
PY
grep -q "devdax" "$WORK/dd/report.txt" || fail "no devdax row in the report"
