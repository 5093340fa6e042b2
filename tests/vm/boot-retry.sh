#!/bin/bash
# SPDX-License-Identifier: MIT
# A guest kernel that dies before the guest is ready (Debian's 6.12 under
# QEMU 7.2 TCG: "traps: PANIC: double fault" in ACPI init, one boot in
# four) is booted again, three boots in all, each said on stderr; after
# the third the run fails naming the panic and the boots, writing no
# result.  A stand-in QEMU plays the dying kernel; the image is the real
# one (cached by the other guest tests).
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/guest.bash"

cat >"$WORK/qemu-panic" <<'SH'
#!/bin/bash
con= prev=
for a in "$@"; do
	[ "$prev" = -serial ] && con=${a#file:}
	prev=$a
done
[ -n "$con" ] || exit 0
echo boot >>"$BOOTS"
printf '%s\n' "[    1.20] traps: PANIC: double fault, error_code: 0x0" \
	"[    1.21] Kernel panic - not syncing: Fatal exception in interrupt" >>"$con"
exit 0
SH
chmod +x "$WORK/qemu-panic"

json=$WORK/panic.json
BOOTS=$WORK/boots SYNCFAULT_QEMU=$WORK/qemu-panic expect_failure \
	"$SF" run fault --target vm:ext4-dax --timing icount --class hole --pages 16 --repeats 1 --json "$json"
expect_err "panicked before it was ready, in 3 boots (last: PANIC: double fault"
expect_err "PANIC: double fault, error_code: 0x0 before the guest was ready: booting again (2 of 3)"
expect_err "booting again (3 of 3)"
[ "$(wc -l <"$WORK/boots")" = 3 ] || fail "booted $(wc -l <"$WORK/boots") times, want 3"
[ ! -e "$json" ] || fail "a run whose kernel panicked wrote $json"
expect_clean
echo "boot-retry vm: ok"
