#!/bin/bash
# The filesystem fills up during an allocating fault benchmark, on the
# emulated NVDIMM (never on the host: no mounts there).  A 512M NVDIMM
# holds about 480 MB of ext4; 400 pages of 2 MiB do not fit, 120 do.
#   class written: the setup's pwrite runs out of space: ENOSPC, a clean error
#   class hole:    a DAX write fault cannot allocate: the repeat dies with
#                  SIGBUS, which the harness turns into an error result
# After each failure the next point (120 pages) must run: the failed
# point's scratch file was removed and its space given back.
. "$(dirname "$0")/../lib/common.sh"

expect_status 1 "$SF" run fault --target vm:ext4-dax --nvdimm-size 512M --size 2m \
	--class written,hole --pages 400,120 --repeats 1 --json "$WORK/e.json"
json_assert "$WORK/e.json" \
	'[x["params"]["class"] + "/" + x["params"]["pages"] for x in r] == ["written/400", "written/120", "hole/400", "hole/120"]' \
	'all(x["target"]["dax"] is True and x["target"]["fs"] == "ext4" for x in r)' \
	'r[0]["status"] == "error" and "No space left on device" in r[0]["reason"]' \
	'r[2]["status"] == "error" and "SIGBUS" in r[2]["reason"] and "filesystem full" in r[2]["reason"]' \
	'r[0]["metrics"] == [] and r[2]["metrics"] == []' \
	'r[1]["status"] == "ok" and r[3]["status"] == "ok"' \
	'metric(r[3], "fault_latency")["n"] == 120'
grep -q "error: repeat 1 died with SIGBUS" "$WORK/out" || fail "the SIGBUS error is not in the summary"
grep -q "No space left on device" "$WORK/out" || fail "the ENOSPC error is not in the summary"
echo "enospc vm: ok"
