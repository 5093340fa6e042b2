#!/bin/bash
# SPDX-License-Identifier: MIT
# --accel auto|kvm|tcg without a working KVM: the choice is made with a
# stand-in KVM device and a stand-in QEMU (one that gets through machine
# setup, one that aborts as a nested KVM does), and the QEMU command line
# of each choice is checked with --dry-run.  Nothing boots.
. "$(dirname "$0")/../lib/common.sh"
export SYNCFAULT_SOURCE=$SRC
RUN=$SRC/scripts/vm/run

# Stand-in QEMUs.  qemu-ok: sets up a vCPU (the monitor probe) and runs a
# kernel to its panic for a missing root; qemu-pvm: sets up a vCPU, then
# stops the kernel with a KVM internal error and hangs, as a PVM-style
# nested KVM does; qemu-abort: cannot set up a vCPU.
cat >"$WORK/qemu-ok" <<'SH'
#!/bin/bash
for a; do case $a in file:*) echo "Kernel panic - not syncing: VFS" >"${a#file:}" ;; esac; done
[[ " $* " == *" -kernel "* ]] || cat >/dev/null
exit 0
SH
cat >"$WORK/qemu-pvm" <<'SH'
#!/bin/bash
[[ " $* " == *" -kernel "* ]] || { cat >/dev/null; exit 0; }
echo "KVM internal error. Suberror: 1" >&2
exec sleep 60
SH
printf '#!/bin/sh\nexit 134\n' >"$WORK/qemu-abort"
chmod +x "$WORK/qemu-ok" "$WORK/qemu-pvm" "$WORK/qemu-abort"
: >"$WORK/kvm"
export XDG_CACHE_HOME=$WORK/cache	# the kernel-run verdicts

# which REQ DEVICE QEMU: the choice scripts/vm/run makes
which() {
	SYNCFAULT_KVM_DEVICE=$2 SYNCFAULT_QEMU=$3 "$RUN" --which-accel "$1"
}
check() {
	local want=$1 got
	shift
	got=$(which "$@") || fail "which-accel $*: exit $?"
	[ "$got" = "$want" ] || fail "which-accel $*: got $got, want $want"
}
check kvm auto "$WORK/kvm" "$WORK/qemu-ok"
check kvm kvm "$WORK/kvm" "$WORK/qemu-ok"
check tcg tcg "$WORK/kvm" "$WORK/qemu-ok"
check tcg auto "$WORK/no-kvm" "$WORK/qemu-ok"	# no device
check tcg auto "$WORK/kvm" "$WORK/qemu-abort"	# device, but QEMU cannot use it
chmod 0 "$WORK/kvm"
if [ "$(id -u)" != 0 ]; then check tcg auto "$WORK/kvm" "$WORK/qemu-ok"; fi
chmod 600 "$WORK/kvm"
rc=0
which kvm "$WORK/kvm" "$WORK/qemu-abort" >/dev/null 2>"$WORK/err" || rc=$?
[ "$rc" = 2 ] || fail "--accel kvm without a usable KVM: exit $rc, want 2"
grep -q 'use --accel tcg or auto' "$WORK/err" || fail "refusal does not say what to do: $(cat "$WORK/err")"
rc=0
which bogus "$WORK/kvm" "$WORK/qemu-ok" >/dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "--accel bogus: exit $rc, want 2"

# The command line of each choice.
img=$WORK/img
mkdir -p "$img" "$WORK/scratch"
touch "$img/ok" "$img/kernel" "$img/libs" "$img/initramfs.cpio"
dry() {
	SYNCFAULT_KVM_DEVICE=$WORK/kvm SYNCFAULT_QEMU=$2 "$RUN" --image "$img" \
		--scratch "$WORK/scratch" --console "$WORK/con" --fs ext4 --syncfault "$SF" \
		--accel "$1" --dry-run | tr -d '\\'
}
cmd=$(dry auto "$WORK/qemu-ok")
case $cmd in *"-accel kvm -cpu host "*) ;; *) fail "KVM command line lacks -accel kvm -cpu host: $cmd" ;; esac
case $cmd in *"syncfault.emulated=qemu-kvm"*) ;; *) fail "KVM guest not told it is qemu-kvm: $cmd" ;; esac
case $cmd in *"syncfault.tcg="*|*"tcg,thread"*) fail "KVM command line mentions TCG: $cmd" ;; esac
for q in tcg:qemu-ok auto:qemu-abort auto:qemu-pvm; do
	a=${q%%:*} q=$WORK/${q#*:}
	cmd=$(dry $a "$q")
	case $cmd in *"-accel tcg,thread=single -cpu max "*) ;; *) fail "$a: TCG command line wrong: $cmd" ;; esac
	case $cmd in *"syncfault.emulated=qemu-tcg"*) ;; *) fail "$a: TCG guest not told it is qemu-tcg: $cmd" ;; esac
done
# kvm asked for where the kernel does not run under it: refused, saying why
rc=0
dry kvm "$WORK/qemu-pvm" >/dev/null 2>"$WORK/err" || rc=$?
[ "$rc" = 2 ] || fail "--accel kvm with a KVM that stops the kernel: exit $rc, want 2"
grep -q 'does not run under it' "$WORK/err" || fail "refusal does not say why: $(cat "$WORK/err")"
# the verdict is cached: a second auto boot does not boot the kernel again
n=$(ls "$WORK/cache/syncfault/kvm" | wc -l)
[ "$n" -ge 2 ] || fail "kvm verdicts not cached: $n files"
start=$(date +%s)
dry auto "$WORK/qemu-pvm" >/dev/null
[ $(($(date +%s) - start)) -lt 3 ] || fail "cached kvm verdict not used"

# syncfault itself: a bad word, and kvm where it cannot be had, refused
# before anything runs, whatever the command.
expect_status 2 "$SF" run fault --target vm:ext4-dax --accel bogus --json "$WORK/x.json"
grep -q 'use auto, kvm or tcg' "$WORK/err" || fail "bad --accel: $(cat "$WORK/err")"
SYNCFAULT_KVM_DEVICE=$WORK/kvm SYNCFAULT_QEMU=$WORK/qemu-abort \
	expect_status 2 "$SF" run fault --target vm:ext4-dax --accel kvm --json "$WORK/x.json"
grep -q 'KVM is not usable' "$WORK/err" || fail "--accel kvm: $(cat "$WORK/err")"
[ ! -e "$WORK/x.json" ] || fail "a refused run wrote its result"
printf '[fault]\nbench = fault\ntarget = vm:ext4-dax\n' >"$WORK/s.ini"
SYNCFAULT_KVM_DEVICE=$WORK/no-kvm expect_status 2 "$SF" suite -o "$WORK/s" --accel kvm "$WORK/s.ini"
[ ! -e "$WORK/s" ] || fail "a refused suite made its directory"
echo "accel: ok"
