#!/bin/bash
# syncfault run fault on tmpfs: a real result, an honest unsupported, bad input refused.
. "$(dirname "$0")/../lib/common.sh"

T=$(mktemp -d /dev/shm/sf-e2e-target.XXXXXX)
trap 'rm -rf "$WORK" "$T"' EXIT

# a real run: status ok, checks passed, every sample kept, percentiles ordered
expect_status 0 "$SF" run fault --target "$T" --class hole --pages 256 --repeats 3 --json "$WORK/f.json"
json_assert "$WORK/f.json" \
	'r["schema"] == 1 and r["bench"] == "fault" and r["status"] == "ok"' \
	'r["params"]["pages"] == "256" and r["params"]["class"] == "hole" and r["params"]["mode"] == "none"' \
	'r["target"]["fs"] == "tmpfs" and r["target"]["dax"] is False and r["target"]["map_sync"] is False' \
	'all(c["ok"] for c in r["checks"]) and check(r, "one_fault_per_sample")["detail"].startswith("256/256")' \
	'metric(r, "fault_latency")["n"] == 768 and metric(r, "fault_latency")["unit"] == "ns"' \
	'len(metric(r, "fault_latency")["repeats"]) == 3' \
	'(lambda m: 0 < m["min"] <= m["p50"] <= m["p90"] <= m["p99"] <= m["p999"] <= m["max"])(metric(r, "fault_latency"))' \
	'sum(b[2] for b in metric(r, "fault_latency")["hist"]) == 768' \
	'r["env"]["timer"]["overhead_ns"] > 0 and r["env"]["kernel"]' \
	'r["duration_s"] > 0 and r["started"].endswith("Z")' \
	'r["params"]["fill-chunk"] == "auto" and r["info"]["fill_chunk"].startswith("none")' \
	'"folios" in r["info"]' \
	'r["info"]["repeat_plan"]["mode"] == "fixed" and r["info"]["repeat_plan"]["run"] == 3' \
	'len(r["info"]["disturbance"]["repeats"]) >= 3 and "unstable" in r["info"]["disturbance"]'
grep -q "page cache: fill_chunk" "$WORK/out" || fail "summary does not state the page-cache shape"
grep -q "timer overhead .* ns subtracted" "$WORK/out" || fail "summary does not state the timer overhead"
grep -q "p99" "$WORK/out" || fail "summary has no percentiles"
[ -z "$(ls -A "$T")" ] || fail "scratch files left in the target: $(ls -A "$T")"

# 2m on a tmpfs without huge=: no fault can map 2 MiB, so unsupported (not a failed check)
if ! findmnt -no OPTIONS -T "$T" | grep -q 'huge=' &&
   ! grep -q '\[force\]' /sys/kernel/mm/transparent_hugepage/shmem_enabled 2>/dev/null; then
	expect_status 3 "$SF" run fault --target "$T" --size 2m --repeats 1 --json "$WORK/f2m.json"
	json_assert "$WORK/f2m.json" 'r["status"] == "unsupported" and "huge=" in r["reason"]'
	grep -q "unsupported: size=2m: .* tmpfs mounted without huge=" "$WORK/out" ||
		fail "2m on tmpfs without huge= not unsupported with its reason: $(cat "$WORK/out")"
fi

# --fault-check off: every sample kept unchecked, no per-batch check, stated in info
expect_status 0 "$SF" run fault --target "$T" --class hole --pages 64 --repeats 1 --fault-check off --json "$WORK/off.json"
json_assert "$WORK/off.json" \
	'r["params"]["fault-check"] == "off" and metric(r, "fault_latency")["n"] == 64' \
	'not any(c["name"] == "one_fault_per_sample" for c in r["checks"])' \
	'r["info"]["fault_check"].startswith("off: 64 samples kept unchecked")'

# every class works on tmpfs with mode none, except wp (no dirty tracking on tmpfs)
expect_status 3 "$SF" run fault --target "$T" --class unwritten,written,read,wp --pages 64 --repeats 1 --json "$WORK/c.json"
json_assert "$WORK/c.json" \
	'[x["status"] for x in r] == ["ok", "ok", "ok", "unsupported"]' \
	'all(all(c["ok"] for c in x["checks"]) for x in r[:3])' \
	'"write-protect" in r[3]["reason"]'

# mapsync on tmpfs: unsupported, with the reason, exit 3
expect_status 3 "$SF" run fault --target "$T" --mode mapsync --repeats 1 --json "$WORK/u.json"
grep -q "unsupported: MAP_SYNC refused (EOPNOTSUPP)" "$WORK/out" || fail "no unsupported reason printed"
json_assert "$WORK/u.json" 'r["status"] == "unsupported" and "EOPNOTSUPP" in r["reason"]' 'r["metrics"] == []'

# bad input: exit 2, one line naming the parameter, no result file
for bad in "--precision 0" "--min-repeats 10 --max-repeats 5" "--max-time 0" "--pages -3" "--class bogus" "--size 1g" "--bogus 1" "--mode none,,mapsync"; do
	# shellcheck disable=SC2086
	expect_status 2 "$SF" run fault --target "$T" $bad --json "$WORK/bad.json"
	[ ! -e "$WORK/bad.json" ] || fail "bad input '$bad' left a result file"
	[ "$(wc -l <"$WORK/err")" = 1 ] || fail "bad input '$bad': error is not one line"
	grep -q -- "--${bad#--}" "$WORK/err" 2>/dev/null || grep -q -- "${bad%% *}" "$WORK/err" || fail "'$bad': error does not name the parameter"
done
expect_status 2 "$SF" run nosuchbench
expect_status 2 "$SF" run fault --target /nonexistent
expect_status 2 "$SF" run fault --target "$T" --json /nonexistent/dir/x.json
# warm faults get a batch-timed figure beside the per-touch one, with the
# timer's share of each; allocating faults do not
expect_status 0 "$SF" run fault --target "$T" --class written,hole --pages 256 --repeats 2 --json "$WORK/warm.json"
json_assert "$WORK/warm.json" 'metric(r[0], "fault_batched_ns")["n"] == 2 * 256 // 64' \
	'0 < metric(r[0], "fault_batched_ns")["p50"]' \
	'metric(r[0], "timer_share_batched_pct")["p50"] < metric(r[0], "timer_share_op_pct")["p50"]' \
	'"64 faults per timed window" in r[0]["info"]["batch_timed"]' \
	'all(m["name"] != "fault_batched_ns" for m in r[1]["metrics"])'
# one VMA: fault-around maps several pages per read fault (#23: every batch
# was dropped, "0/1024 samples kept"); a sample is a batch's time per fault
# and pages_per_fault says how many a fault mapped: touches / faults
expect_status 0 "$SF" run fault --target "$T" --class read --vma single --order seq,random \
	--repeats 2 --json "$WORK/around.json"
json_assert "$WORK/around.json" \
	'all(check(x, "faults_counted_per_batch")["ok"] for x in r)' \
	'all(metric(x, "fault_latency")["n"] > 0 and metric(x, "fault_latency")["p50"] > 0 for x in r)' \
	'all(metric(x, "pages_per_fault")["p50"] >= 1 for x in r)' \
	'all("per fault" in x["info"]["fault_latency_is"] for x in r)' \
	'all(metric(x, "fault_batched_ns")["n"] > 0 for x in r)'
# where fault-around is on (the default 64 KiB), a read fault maps more than one page
ppf=$(python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); print([m for m in r[0]["metrics"] if m["name"] == "pages_per_fault"][0]["p50"])' "$WORK/around.json")
python3 -c "import sys; sys.exit(0 if $ppf > 1 else 1)" ||
	echo "fault e2e: note: one read fault mapped $ppf pages (fault-around off here?)"
echo "fault e2e: ok"
