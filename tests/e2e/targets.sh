#!/bin/bash
# One target concept (issue 11): run and suite accept the same spellings
# (DIR, host:DIR, every guest target of the table, vm:ext4-dax-fc included),
# a suite with target = DIR runs, and run and suite make results with the
# same keys for the same point (analysis at the same place for both).
. "$(dirname "$0")/../lib/common.sh"

T=$(mktemp -d /dev/shm/sf-e2e-targets.XXXXXX)
trap 'rm -rf "$WORK" "$T"' EXIT

# every guest target of `run --help` is a valid suite target
expect_status 0 "$SF" run fault --help
cp "$WORK/out" "$WORK/help"
for g in vm:ext4-dax vm:ext4-dax-fc vm:xfs-dax vm:devdax; do
	grep -q "$g" "$WORK/help" || fail "run --help does not list $g"
	printf '[f]\nbench = fault\ntarget = %s\n' "$g" >"$WORK/g.ini"
	expect_status 0 "$SF" suite "$WORK/g.ini" --list
	grep -q "	$g	run fault" "$WORK/out" || fail "suite --list with $g: $(cat "$WORK/out")"
done
# an unknown guest target: exit 2 naming the valid ones, in both
printf '[f]\nbench = fault\ntarget = vm:ext3-dax\n' >"$WORK/bad.ini"
expect_status 2 "$SF" suite "$WORK/bad.ini" --list
grep -q "vm:ext4-dax-fc" "$WORK/err" || fail "suite error does not list the guest targets"
expect_status 2 "$SF" run fault --target vm:ext3-dax
grep -q "vm:ext4-dax-fc" "$WORK/err" || fail "run error does not list the guest targets"

# DIR and host:DIR, in run and in a suite
for t in "$T" "host:$T"; do
	expect_status 0 "$SF" run fault --target "$t" --pages 8 --repeats 1 --json "$WORK/run.json"
	json_assert "$WORK/run.json" 'r["status"] == "ok"'
done
cat >"$WORK/dir.ini" <<INI
[f]
bench = fault
target = $T
pages = 8
repeats = 1
INI
expect_status 0 "$SF" suite "$WORK/dir.ini" -o "$WORK/r"
ls "$WORK"/r/f*.json >/dev/null 2>&1 || fail "suite with target = DIR left no result: $(ls "$WORK/r")"

# a flush point has the same keys made by run and by suite
Q=(--size 4096 --threads 1 --time_ms 20 --repeats 2)
expect_status 0 "$SF" run flush --primitive clflush "${Q[@]}" --json "$WORK/flush-run.json"
cat >"$WORK/flush.ini" <<INI
[fl]
bench = flush
target = host:$T
primitive = clflush
size = 4096
threads = 1
time_ms = 20
repeats = 2
INI
expect_status 0 "$SF" suite "$WORK/flush.ini" -o "$WORK/rf"
python3 - "$WORK/flush-run.json" "$WORK"/rf/fl*.json <<'PY' || fail "run and suite results differ in their keys"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
ka, kb = sorted(a["info"]), sorted(b["info"])
if ka != kb:
    print("info keys: run %s, suite %s" % (ka, kb), file=sys.stderr)
    sys.exit(1)
if "cv_repeats_op_ns" not in ka:
    print("no cv_repeats_op_ns in %s" % ka, file=sys.stderr)
    sys.exit(1)
PY
