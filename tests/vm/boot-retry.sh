#!/bin/bash
# SPDX-License-Identifier: MIT
# A guest kernel that dies before the guest is ready (Debian's 6.12 under
# QEMU 7.2 TCG: "traps: PANIC: double fault" in ACPI init, one boot in
# four) is booted again, three boots in all, each said on stderr; after
# the third the run fails naming the panic and the boots, writing no
# result.  A kernel that hangs before the guest is ready is stopped at the
# boot's time limit (SYNCFAULT_VM_BOOT_LIMIT_S: 120 s here, against 180 s
# without, and room for the real boot after it, which took up to 69 s on
# a loaded 2-core host) and booted again the same way: when the next boot
# comes up, the run succeeds and every result counts the boots
# (info.vm.boots).  Stand-in QEMUs play the dying and the hanging kernel
# (the hanging one hands the second boot to the real QEMU, an icount boot
# of about 10 s); the image is the real one (cached by the other guest
# tests).
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

# The hanging kernel: a few boot lines, then nothing (no "ready") until it
# is stopped; from the boot named in $HANG_UNTIL on, the real QEMU.
cat >"$WORK/qemu-hang" <<'SH'
#!/bin/bash
con= prev=
for a in "$@"; do
	[ "$prev" = -serial ] && con=${a#file:}
	prev=$a
done
echo "$$" >>"$BOOTS"
if [ "$(wc -l <"$BOOTS")" -ge "${HANG_UNTIL:-99}" ]; then
	exec qemu-system-x86_64 "$@"
fi
printf '%s\n' "[    0.50] smp: Bringing up secondary CPUs ..." >>"$con"
exec sleep 600
SH
chmod +x "$WORK/qemu-hang"

# Hangs on the first boot, comes up on the second.
json=$WORK/hang.json
BOOTS=$WORK/hang-boots HANG_UNTIL=2 SYNCFAULT_QEMU=$WORK/qemu-hang SYNCFAULT_VM_BOOT_LIMIT_S=120 \
	"$SF" run fault --target vm:ext4-dax --timing icount --class written --pages 16 --repeats 1 \
	--json "$json" >"$WORK/out" 2>"$WORK/err" || { cat "$WORK/err" >&2; fail "a run whose first boot hung failed"; }
expect_err "hung before the guest was ready: booting again (2 of 3)"
[ "$(wc -l <"$WORK/hang-boots")" = 2 ] || fail "booted $(wc -l <"$WORK/hang-boots") times, want 2"
hung=$(head -n 1 "$WORK/hang-boots")
! kill -0 "$hung" 2>/dev/null || fail "the hung boot's QEMU (pid $hung) outlived it"
json_assert "$json" 'first(r)["info"]["vm"]["boots"] == 2' 'first(r)["status"] == "ok"'
expect_clean

# Hangs on every boot: three boots of 2 s each, then the run fails saying so.
json=$WORK/hang3.json
BOOTS=$WORK/hang3-boots SYNCFAULT_QEMU=$WORK/qemu-hang SYNCFAULT_VM_BOOT_LIMIT_S=2 expect_failure \
	"$SF" run fault --target vm:ext4-dax --timing icount --class hole --pages 16 --repeats 1 --json "$json"
expect_err "hung before the guest was ready: booting again (3 of 3)"
expect_err "did not come up within 2 s"
expect_err "in 3 boots: stopped"
[ "$(wc -l <"$WORK/hang3-boots")" = 3 ] || fail "booted $(wc -l <"$WORK/hang3-boots") times, want 3"
[ ! -e "$json" ] || fail "a run whose kernel hung wrote $json"
while read -r pid; do
	! kill -0 "$pid" 2>/dev/null || fail "a hung boot's QEMU (pid $pid) outlived it"
done <"$WORK/hang3-boots"
expect_clean

# The limit is checked before anything boots.
expect_refused SYNCFAULT_VM_BOOT_LIMIT_S "$WORK/bad.json" env SYNCFAULT_VM_BOOT_LIMIT_S=soon \
	"$SF" run fault --target vm:ext4-dax --timing icount --pages 16 --repeats 1 --json "$WORK/bad.json"
echo "boot-retry vm: ok"
