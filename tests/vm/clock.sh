#!/bin/bash
# SPDX-License-Identifier: MIT
# A guest whose clock does not keep host time (a TSC calibrated wrong at
# boot on a loaded TCG host: seen here running 40x fast) measures in wrong
# units.  The host notices (uptime at "ready" far beyond the time since
# QEMU started), boots again, and after three such boots fails with the
# reason, writing no result.  A stand-in QEMU plays the fast guest; the
# image is the real one (cached by the other guest tests).
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/guest.bash"

cat >"$WORK/qemu-fast" <<'SH'
#!/bin/bash
# A guest that says it has been up for 400 s the moment it starts.
con= share= prev=
for a in "$@"; do
	case $prev in
	-serial) con=${a#file:} ;;
	-fsdev) share=${a#*path=}; share=${share%%,*} ;;
	esac
	prev=$a
done
[ -n "$con" ] || exit 0
echo boot >>"$BOOTS"
echo "syncfault-guest: ready target=vm:ext4-dax fs=ext4 kernel=stand-in uptime=400.00" >>"$con"
sleep 30
SH
chmod +x "$WORK/qemu-fast"

json=$WORK/fast.json
BOOTS=$WORK/boots SYNCFAULT_QEMU=$WORK/qemu-fast expect_failure \
	"$SF" run fault --target vm:ext4-dax --accel tcg --class hole --pages 16 --repeats 1 --json "$json"
expect_err "the guest clock did not keep host time in 3 boots"
expect_err "booting again (2 of 3)"
expect_err "booting again (3 of 3)"
[ "$(wc -l <"$WORK/boots")" = 3 ] || fail "booted $(wc -l <"$WORK/boots") times, want 3"
[ ! -e "$json" ] || fail "a run on a guest with a wrong clock wrote $json"
expect_clean
echo "clock vm: ok"
