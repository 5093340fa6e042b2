#!/bin/bash
# SPDX-License-Identifier: MIT
# --accel auto|kvm|tcg without a working KVM: the choice is made with a
# stand-in KVM device and a stand-in QEMU (one that gets through machine
# setup, one that aborts as a nested KVM does), and the QEMU command line
# of each choice is checked with --dry-run.  Nothing boots.
. "$(dirname "$0")/../lib/common.sh"
export SYNCFAULT_SOURCE=$SRC
RUN=$SRC/scripts/vm/run

printf '#!/bin/sh\ncat >/dev/null\nexit 0\n' >"$WORK/qemu-ok"
printf '#!/bin/sh\nexit 134\n' >"$WORK/qemu-abort"
chmod +x "$WORK/qemu-ok" "$WORK/qemu-abort"
: >"$WORK/kvm"

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
for a in tcg auto; do
	q=$WORK/qemu-ok
	[ $a = tcg ] || q=$WORK/qemu-abort
	cmd=$(dry $a "$q")
	case $cmd in *"-accel tcg,thread=single -cpu max "*) ;; *) fail "$a: TCG command line wrong: $cmd" ;; esac
	case $cmd in *"syncfault.emulated=qemu-tcg"*) ;; *) fail "$a: TCG guest not told it is qemu-tcg: $cmd" ;; esac
done

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
