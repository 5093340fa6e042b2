#!/bin/bash
# SPDX-License-Identifier: MIT
# A MAP_SYNC fault run in the guest on ext4-dax and on xfs-dax: the result
# must prove DAX and MAP_SYNC were active on an emulated, fsdax NVDIMM, and
# the guest's serial console is kept next to it.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/guest.bash"

for t in ext4-dax xfs-dax; do
	json=$WORK/$t.json
	expect_status 0 "$SF" run fault --target "vm:$t" --mode mapsync --class hole \
		--repeats 1 --json "$json"
	grep -q "guest: booted in" "$WORK/err" || fail "no boot time reported"
	json_assert "$json" \
		'first(r)["status"] == "ok"' \
		'first(r)["target"]["dax"] is True and first(r)["target"]["map_sync"] is True' \
		'first(r)["target"]["emulated"] == "qemu-tcg"' \
		'first(r)["target"]["fs"] == "'"${t%-dax}"'"' \
		'first(r)["target"]["namespace_mode"] == "fsdax"' \
		'first(r)["params"]["mode"] == "mapsync"' \
		'first(r)["checks"] and all(c["ok"] for c in first(r)["checks"])' \
		'metric(first(r), "fault_latency")["n"] > 0'
	grep -q "syncfault-guest: done" "$json.console-$t.log" ||
		fail "no console log with the guest's progress next to $json"
	expect_clean
done
echo "mapsync vm: ok"
