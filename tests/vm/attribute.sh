#!/bin/bash
# SPDX-License-Identifier: MIT
# run fault --attribute in the guest, on ext4-dax and xfs-dax: the traced
# repeat folds into phases that explain at least 90% of a MAP_SYNC hole
# fault and of a MAP_SYNC fault on a written block; the hole's has a
# journal commit, an allocation and zeroing, the written block's none of
# them; on ext4 every 4 KiB fault is retried under mmap_lock (no
# ->map_pages), on xfs none is.  contention folds its faulter's and its locker's
# events by role (mmap_lock hold per fault, write-lock wait).  A phase mapped to a function the kernel does not
# have makes the attribution "unsupported: ..." and the timed result stays.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/guest.bash"

for t in ext4-dax xfs-dax; do
	json=$WORK/$t.json
	expect_status 0 "$SF" run fault --target "vm:$t" --mode mapsync --class hole,written \
		--pages 128 --repeats 1 --attribute --json "$json"
	grep -A4 "attribution" "$WORK/out" | sed "s/^/$t: /" >&2	# in the test log, pass or fail
	json_assert "$json" \
		'[x["status"] for x in r] == ["ok", "ok"]' \
		'all(x["attribution"]["status"] == "ok" for x in r)' \
		'all(metric(x, "fault_latency")["n"] == 128 for x in r)' \
		'all(len(metric(x, "fault_latency")["repeats"]) == 1 for x in r)' \
		'r[0]["attribution"]["events"]["fault"]["events"] >= 120' \
		'r[0]["attribution"]["events"]["fault"]["coverage"] >= 0.9' \
		'r[0]["attribution"]["events"]["fault"]["phases"]["journal commit"]["share"] > 0.05' \
		'r[0]["attribution"]["events"]["fault"]["phases"]["allocation"]["share"] > 0' \
		'r[0]["attribution"]["events"]["fault"]["phases"]["zeroing"]["share"] > 0' \
		'r[1]["attribution"]["events"]["fault"]["coverage"] >= 0.9' \
		'all(r[1]["attribution"]["events"]["fault"]["phases"][p]["p99_us"] == 0 for p in ("journal commit", "allocation", "zeroing"))' \
		'r[0]["attribution"]["map_version"] == 2' \
		'(r[0]["attribution"]["vma_lock_retries"] >= 128) == ("'$t'" == "ext4-dax")' \
		'r[0]["attribution"]["traced_vs_untraced"]["slowdown"] > 0'
	grep -q "attribution mapsync hole fault: .*journal commit" "$WORK/out" ||
		fail "no attribution line in the summary: $(cat "$WORK/out")"
	expect_clean
done

# contention: the faulter's and the locker's events fold by role; the
# faulter holds mmap_lock in every MAP_SYNC fault, the fault kind is the
# faulter's alone
json=$WORK/contention.json
expect_status 0 "$SF" run contention --target vm:ext4-dax --mode mapsync --interval 200 \
	--repeats 1 --attribute --json "$json"
grep -A6 "attribution" "$WORK/out" | sed "s/^/contention: /" >&2
json_assert "$json" \
	'r["status"] == "ok" and r["attribution"]["status"] == "ok"' \
	'r["attribution"]["roles"]["faulter"]["fault"]["n"] > 0' \
	'r["attribution"]["roles"]["faulter"]["mmap_lock_hold"]["p50_us"] > 0' \
	'r["attribution"]["roles"]["locker"]["kind"] == "mmap_lock op"' \
	'r["attribution"]["roles"]["locker"]["op"]["n"] > 0' \
	'r["attribution"]["events"]["fault"]["events"] == r["attribution"]["roles"]["faulter"]["fault"]["n"]'
grep -q "faulters hold mmap_lock .* per fault" "$WORK/out" && grep -q "lockers wait .* per operation" "$WORK/out" ||
	fail "no role lines in the summary: $(cat "$WORK/out")"
expect_clean

# a function the kernel does not have: unsupported, named, and the result is still there
json=$WORK/missing.json
expect_status 0 "$SF" run fault --target vm:ext4-dax --mode mapsync --class hole --pages 64 \
	--repeats 1 --attribute --attribute-fn zeroing=sf_no_such_function --json "$json"
json_assert "$json" \
	'r["status"] == "ok" and metric(r, "fault_latency")["n"] == 64' \
	'r["attribution"]["status"] == "unsupported"' \
	'"sf_no_such_function" in r["attribution"]["reason"]'
grep -q "attribution: unsupported: function sf_no_such_function (zeroing)" "$WORK/out" ||
	fail "summary: $(cat "$WORK/out")"
expect_clean
echo "attribute vm: ok"
