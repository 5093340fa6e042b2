#!/bin/bash
# SPDX-License-Identifier: MIT
# Bad guest options fail at once with a message naming the problem, write
# no result, and leave nothing behind.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/guest.bash"

json=$WORK/x.json
expect_failure "$SF" run fault --target vm:ext4-dax --kernel "$WORK/no-such-bzImage" --json "$json"
expect_err "kernel '$WORK/no-such-bzImage': no such file"

echo "not a kernel" >"$WORK/bzImage"
expect_failure "$SF" run fault --target vm:ext4-dax --kernel "$WORK/bzImage" --json "$json"
expect_err "not an x86 bzImage"

expect_failure "$SF" run fault --target vm:ext4-dax --kernel "$WORK/bzImage" --modules "$WORK/nodir" --json "$json"
expect_err "--modules $WORK/nodir"

for size in 3M 2X 256M; do
	expect_failure "$SF" run fault --target vm:ext4-dax --nvdimm-size "$size" --json "$json"
	expect_err "--nvdimm-size $size"
done

expect_status 2 "$SF" run fault --target vm:btrfs-dax --json "$json"
grep -q "vm:ext4-dax" "$WORK/err" || fail "the valid guest targets are not named"

[ ! -e "$json" ] || fail "a failed run wrote $json"
expect_clean
echo "errors vm: ok"
