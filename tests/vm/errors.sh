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

# an A/B whose rounds found no syncfault to run in the guest: not a
# comparison of nothing with exit 0, but exit 1 naming the rounds
cat >"$WORK/ab.ini" <<INI
[global]
repeats = 2
target = vm:ext4-dax

[f]
bench = fault
mode = none
class = hole
pages = 16
INI
SYNCFAULT_GUEST_BINARY=$WORK/no-such-binary expect_status 1 "$SF" ab --aa --rounds 1 -o "$WORK/ab" "$WORK/ab.ini"
expect_err "no round of A finished (A round 1, A2 round 1)"
[ ! -e "$WORK/ab/compare.txt" ] || fail "ab wrote a comparison of rounds that did not finish"
expect_clean
echo "errors vm: ok"
