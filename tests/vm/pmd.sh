#!/bin/bash
# SPDX-License-Identifier: MIT
# 2 MiB faults in the guest: the result counts PMD faults and fallbacks, and
# both filesystems are made so that the faults do map PMDs.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/guest.bash"

for t in xfs-dax ext4-dax; do
	json=$WORK/$t.json
	expect_status 0 "$SF" run fault --target "vm:$t" --mode none --class hole --size 2m \
		--repeats 1 --json "$json"
	json_assert "$json" \
		'first(r)["status"] == "ok" and first(r)["target"]["dax"] is True' \
		'first(r)["params"]["size"] == "2m"' \
		'metric(first(r), "pmd_faults")["mean"] > 0' \
		'metric(first(r), "pmd_fallbacks")["mean"] == 0' \
		'check(first(r), "pmd_mapped")["ok"]'
	expect_clean
done
echo "pmd vm: ok"
