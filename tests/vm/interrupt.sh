#!/bin/bash
# SPDX-License-Identifier: MIT
# A guest that hangs is stopped by the time limit, and SIGINT (Ctrl-C) in
# the middle of a guest run stops it; neither leaves QEMU or files behind.
# The guest runs a stand-in for syncfault that only sleeps
# (SYNCFAULT_GUEST_BINARY).
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/guest.bash"

printf '#!/bin/sh\necho started\nexec sleep 600\n' >"$WORK/sleeper"
chmod +x "$WORK/sleeper"
export SYNCFAULT_GUEST_BINARY=$WORK/sleeper

json=$WORK/t.json
expect_failure "$SF" run fault --target vm:ext4-dax --vm-timeout 40 --json "$json"
expect_err "time limit of 40 s"
[ ! -e "$json" ] || fail "a timed-out run wrote $json"
expect_clean

"$SF" run fault --target vm:ext4-dax --json "$json" >"$WORK/out" 2>"$WORK/err" &
pid=$!
# Interrupt once the job runs in the guest (its output is on the share).
# (run names its guest jobs by point: p0001 ...)
started() { compgen -G "$TMPDIR/syncfault-guest.*/share/out/*.out" >/dev/null; }
for ((i = 0; i < 600; i++)); do
	started && break
	kill -0 "$pid" 2>/dev/null || { cat "$WORK/err" >&2; fail "run exited before its guest job started"; }
	sleep 0.5
done
if ! started; then
	kill -KILL "$pid" 2>/dev/null || true
	cat "$WORK/err" >&2
	fail "the guest job never started"
fi
kill -INT "$pid"
rc=0
wait "$pid" || rc=$?
[ "$rc" -ne 0 ] || fail "an interrupted run exited 0"
expect_err "interrupted"
[ ! -e "$json" ] || fail "an interrupted run wrote $json"
# Ctrl-C keeps no console log: none in /tmp, none next to the unwritten --json
! compgen -G "$json.console-*" >/dev/null || fail "console log left next to $json: $(ls "$WORK")"
! compgen -G "/tmp/syncfault-console-*.$pid.log" >/dev/null ||
	fail "console log left in /tmp: $(ls /tmp/syncfault-console-*."$pid".log)"
expect_clean
echo "interrupt vm: ok"
