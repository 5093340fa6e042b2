#!/bin/bash
# SPDX-License-Identifier: MIT
# --kernel: Debian's kernel given explicitly, as a user's own build would be
# (bzImage + modules dir), works and the result names it; the same bzImage
# without its modules lacks the drivers and must fail with a message naming
# the missing options, not hang.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/guest.bash"

kdir=$("$SRC/scripts/vm/build-image" --debian-kernel)
release=$(ls "$kdir/lib/modules")
json=$WORK/k.json
expect_status 0 "$SF" run fault --target vm:ext4-dax --mode mapsync --repeats 1 \
	--kernel "$kdir/vmlinuz" --modules "$kdir" --json "$json"
grep -q "kernel $release" "$WORK/err" || fail "the guest's kernel is not named"
json_assert "$json" \
	'first(r)["status"] == "ok" and first(r)["target"]["map_sync"] is True' \
	'first(r)["target"]["kernel"] == "'"$release"'"' \
	'all(c["ok"] for c in first(r)["checks"])'
expect_clean

json=$WORK/nomod.json
expect_failure "$SF" run fault --target vm:ext4-dax --mode mapsync --repeats 1 \
	--kernel "$kdir/vmlinuz" --json "$json"
expect_err "CONFIG_LIBNVDIMM"
expect_err "CONFIG_ACPI_NFIT"
expect_err "CONFIG_EXT4_FS"
expect_err "last lines of the guest console"
[ ! -e "$json" ] || fail "a failed run wrote $json"
expect_clean
echo "kernel vm: ok"
