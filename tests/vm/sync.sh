#!/bin/bash
# syncfault run sync in the emulated-NVDIMM guests: mapsync, msync and
# daxfile work on ext4-dax and xfs-dax; per-update time-to-durable and
# journal commits per 1000 updates are reported; daxfile's measured phase
# commits nothing; mapsync on append (a block allocation synced in every
# fault) commits; the results are labelled emulated.
. "$(dirname "$0")/../lib/common.sh"

expect_status 0 "$SF" run sync --target vm:ext4-dax --mode mapsync,msync,daxfile \
	--pattern append --batch 1,16 --updates 64 --repeats 2 --json "$WORK/e.json"
json_assert "$WORK/e.json" \
	'len(r) == 6 and [x["status"] for x in r] == ["ok"] * 6' \
	'all(x["target"]["fs"] == "ext4" and x["target"]["dax"] and x["target"]["emulated"] for x in r)' \
	'all(all(c["ok"] for c in x["checks"]) for x in r)' \
	'all(metric(x, "time_to_durable_per_update")["n"] == 2 * 64 // int(x["params"]["batch"]) for x in r)' \
	'all(metric(x, "time_to_durable_per_update")["p50"] > 0 for x in r)' \
	'all(x["info"]["journal"].startswith("/proc/fs/jbd2/pmem") for x in r)' \
	'all(metric(x, "journal_commits_per_1000")["n"] == 2 for x in r)' \
	'all(check(x, "map_sync_active")["detail"] == "mapped with MAP_SHARED_VALIDATE|MAP_SYNC" for x in r if x["params"]["mode"] != "msync")' \
	'all(metric(x, "journal_commits_per_1000")["min"] > 0 for x in r if x["params"]["mode"] == "mapsync")' \
	'all(check(x, "no_journal_commit_in_measured_phase")["ok"] for x in r if x["params"]["mode"] == "daxfile")' \
	'all(metric(x, "journal_requested_per_1000")["max"] == 0 for x in r if x["params"]["mode"] == "daxfile")' \
	'all(metric(x, "daxfile_setup")["p50"] > 0 for x in r if x["params"]["mode"] == "daxfile")'
grep -q "EMULATED" "$WORK/out" || fail "the guest results are not labelled emulated"
grep -q "mapsync vs msync: " "$WORK/out" || fail "no break-even line for mapsync vs msync"

# xfs: log writes are the commits; daxfile's measured phase writes no log
expect_status 0 "$SF" run sync --target vm:xfs-dax --mode mapsync,daxfile \
	--pattern append --updates 64 --repeats 1 --json "$WORK/x.json"
json_assert "$WORK/x.json" \
	'[x["status"] for x in r] == ["ok", "ok"] and all(x["target"]["fs"] == "xfs" for x in r)' \
	'all(all(c["ok"] for c in x["checks"]) for x in r)' \
	'all("xfs" in x["info"]["journal"] for x in r)' \
	'metric(r[0], "journal_commits_per_1000")["p50"] > 0' \
	'metric(r[1], "journal_commits_per_1000")["p50"] == 0'
echo "sync vm: ok"
