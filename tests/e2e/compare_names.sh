#!/bin/bash
# SPDX-License-Identifier: MIT
# compare's 80-column table never cuts a metric name: names longer than the
# metric column (time_to_durable_per_batch, faulter_mmap_lock_reads_per_fault,
# locker_mmap_lock_writes_per_op_loaded ...) get a line of their own above
# their numbers; no line is wider than 80 columns.
. "$(dirname "$0")/../lib/common.sh"

F=$SRC/tests/e2e/fixtures/report
mkdir -p "$WORK/a" "$WORK/b"
for f in sync-ext4-dax.json contention-dax.model_threads.mode_mapsync.json; do
	cp "$F/$f" "$WORK/a/"
	cp "$F/$f" "$WORK/b/"
done
expect_status 0 "$SF" compare "$WORK/a" "$WORK/b"
if grep -n '~' "$WORK/out"; then fail "a metric name was cut ('~')"; fi
awk 'length($0) > 80 { print "line " NR " is " length($0) " wide: " $0; bad = 1 } END { exit bad }' \
	"$WORK/out" || fail "compare's table is wider than 80 columns"
# every metric of the fixtures starts a row of the table, whole
python3 - "$WORK/out" "$WORK"/a/*.json <<'PY'
import json, sys
text = open(sys.argv[1]).read().splitlines()
starts = {l[2:].split()[0] for l in text if l.startswith("  ") and l[2:3] != " " and l[2:].split()}
names = set()
for p in sys.argv[2:]:
    r = json.load(open(p))
    for res in (r if isinstance(r, list) else [r]):
        names |= {m["name"] for m in res["metrics"]}
long = [n for n in names if len(n) > 23]
assert long, "the fixtures have no long metric names: the test tests nothing"
missing = sorted(n for n in names if n not in starts)
if missing:
    sys.exit("FAIL: metric names not shown whole: %s" % ", ".join(missing))
PY
echo "compare names: ok"
