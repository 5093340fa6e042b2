#!/bin/bash
# SPDX-License-Identifier: MIT
# --timing real|icount without booting: scripts/vm/run's QEMU command line
# for each (icount: -icount shift=N,align=off,sleep=off, TCG even where
# KVM would be chosen, and the guest told on its command line), and every
# bad combination refused before anything runs, one line and exit 2,
# whatever the command (run, suite).
. "$(dirname "$0")/../lib/common.sh"
export SYNCFAULT_SOURCE=$SRC
RUN=$SRC/scripts/vm/run

# A QEMU that gets through KVM's machine setup and boots a kernel to its
# panic: KVM is usable, so auto would choose it.
cat >"$WORK/qemu-ok" <<'SH'
#!/bin/bash
for a; do case $a in file:*) echo "Kernel panic - not syncing: VFS" >"${a#file:}" ;; esac; done
[[ " $* " == *" -kernel "* ]] || cat >/dev/null
exit 0
SH
chmod +x "$WORK/qemu-ok"
: >"$WORK/kvm"
export XDG_CACHE_HOME=$WORK/cache SYNCFAULT_KVM_DEVICE=$WORK/kvm SYNCFAULT_QEMU=$WORK/qemu-ok
img=$WORK/img
mkdir -p "$img" "$WORK/scratch"
touch "$img/ok" "$img/kernel" "$img/libs" "$img/initramfs.cpio"
dry() {
	"$RUN" --image "$img" --scratch "$WORK/scratch" --console "$WORK/con" --fs ext4 \
		--syncfault "$SF" --dry-run "$@" | tr -d '\\'
}
cmd=$(dry --accel auto --timing icount)
case $cmd in *"-accel tcg,thread=single -cpu max -icount shift=0,align=off,sleep=off -smp 1 "*) ;;
	*) fail "icount command line wrong: $cmd" ;; esac
case $cmd in *"syncfault.timing=icount syncfault.icount_shift=0"*) ;;
	*) fail "icount guest not told its clock: $cmd" ;; esac
case $cmd in *" nokaslr norandmaps syncfault.layout=fixed"*) ;;
	*) fail "icount guest's addresses not fixed: $cmd" ;; esac
cmd=$(dry --timing icount --icount-shift 3)
case $cmd in *"-icount shift=3,"*"syncfault.icount_shift=3"*) ;; *) fail "--icount-shift 3: $cmd" ;; esac
cmd=$(SYNCFAULT_VM_APPEND="noapictimer clocksource=tsc" dry --timing icount)
case $cmd in *"-append console=ttyS0 "*" noapictimer clocksource=tsc "*) ;;
	*) fail "SYNCFAULT_VM_APPEND not on the kernel command line: $cmd" ;; esac
for t in "" "--timing real"; do
	# shellcheck disable=SC2086 # no option, or two words
	cmd=$(dry --accel auto $t)
	case $cmd in *"-icount"*|*"syncfault.timing"*) fail "real time with icount: $cmd" ;; esac
	case $cmd in *nokaslr*|*norandmaps*|*syncfault.layout*) fail "real time with fixed addresses: $cmd" ;; esac
done
refused_script() {
	local want=$1 rc=0
	shift
	dry "$@" >/dev/null 2>"$WORK/err" || rc=$?
	[ "$rc" = 2 ] || fail "run $*: exit $rc, want 2"
	grep -qF -- "$want" "$WORK/err" || fail "run $*: stderr lacks '$want': $(cat "$WORK/err")"
}
refused_script "needs TCG" --accel kvm --timing icount
refused_script "use real or icount" --timing wall
refused_script "use 0 to 10" --timing icount --icount-shift 11
refused_script "starves all but one vCPU" --timing icount --cpus 2
SYNCFAULT_VM_TCG_THREADS=multi refused_script "needs SYNCFAULT_VM_TCG_THREADS=single" --timing icount

# syncfault: refused before anything runs, one line, exit 2
refused() {
	local want=$1
	shift
	expect_status 2 "$@"
	[ "$(wc -l <"$WORK/err")" = 1 ] || fail "'$*': not one line: $(cat "$WORK/err")"
	grep -qF -- "$want" "$WORK/err" || fail "'$*': stderr lacks '$want': $(cat "$WORK/err")"
}
refused "use real (the host's clock) or icount" "$SF" run fault --target vm:ext4-dax --timing wall --json "$WORK/x.json"
refused "needs TCG" "$SF" run fault --target vm:ext4-dax --timing icount --accel kvm --json "$WORK/x.json"
refused "needs --timing icount" "$SF" run fault --target vm:ext4-dax --icount-shift 2 --json "$WORK/x.json"
refused "expected 0 (1 ns per guest instruction) to 10" "$SF" run fault --target vm:ext4-dax --timing icount --icount-shift 99
refused "are for vm: targets" "$SF" run fault --target /dev/shm --timing icount
refused "--vm-cpus 2 with --timing icount" "$SF" run fault --target vm:ext4-dax --timing icount --vm-cpus 2 --json "$WORK/x.json"
[ ! -e "$WORK/x.json" ] || fail "a refused run wrote its result"
printf '[global]\ntiming = icount\n[fault]\nbench = fault\ntarget = vm:ext4-dax\n' >"$WORK/s.ini"
expect_status 0 "$SF" suite --list "$WORK/s.ini"
refused "give the timing in one place" "$SF" suite -o "$WORK/s" --timing real "$WORK/s.ini"
sed 's/= icount/= wall/' "$WORK/s.ini" >"$WORK/bad.ini"
refused "bad.ini:2: [global] timing = 'wall'" "$SF" suite -o "$WORK/s" "$WORK/bad.ini"
printf '[fault]\nbench = fault\ntarget = vm:ext4-dax\ntiming = icount\n' >"$WORK/sec.ini"
refused "timing" "$SF" suite -o "$WORK/s" "$WORK/sec.ini"
[ ! -e "$WORK/s" ] || fail "a refused suite made its directory"
echo "timing: ok"
