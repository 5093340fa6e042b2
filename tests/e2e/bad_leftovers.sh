#!/bin/bash
# Leftovers: the host scratch directory of a run that was SIGKILLed is
# removed by the next run on the same target (its lock is free), one in use
# is not, and the target probe creates nothing outside a scratch directory
# of its own (TARGET/syncfault.XXXXXX).
. "$(dirname "$0")/../lib/common.sh"

T=$(mktemp -d /dev/shm/sf-e2e-leftovers.XXXXXX)
trap 'rm -rf "$WORK" "$T"' EXIT

# a long run, SIGKILLed (with its repeat process) once its scratch dir exists
setsid "$SF" run fault --target "$T" --pages 4096 --repeats 1000 >/dev/null 2>&1 &
pid=$!
for ((i = 0; i < 200; i++)); do
	compgen -G "$T/syncfault.*" >/dev/null && break
	sleep 0.05
done
compgen -G "$T/syncfault.*" >/dev/null || { kill -KILL -- -"$pid"; fail "the run made no scratch directory"; }
kill -KILL -- -"$pid"
wait "$pid" 2>/dev/null || true
stale=$(ls -d "$T"/syncfault.*)
[ -d "$stale" ] || fail "no scratch directory left to test with"

# a scratch dir in use (its lock held) must survive the next run
live=$T/syncfault.live01
mkdir "$live"
exec 9>"$live/.lock"
flock 9

expect_status 0 "$SF" run fault --target "$T" --pages 16 --repeats 1
[ ! -e "$stale" ] || fail "the next run left the SIGKILLed run's scratch $stale"
[ -d "$live" ] || fail "the next run removed a scratch dir that is in use"
exec 9>&-
left=$(ls -A "$T" | grep -v '^syncfault\.live01$' || true)
[ -z "$left" ] || fail "left behind in the target: $left"

# the probe's directory lives inside the scratch directory
if command -v strace >/dev/null; then
	# LeakSanitizer cannot run under ptrace (scripts/sanitize-test)
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -f -e trace=mkdir,mkdirat -o "$WORK/trace" "$SF" probe "$T" >"$WORK/out" 2>&1 ||
		fail "probe failed under strace: $(tail -3 "$WORK/out")"
	grep -q 'syncfault-probe' "$WORK/trace" || fail "strace saw no probe directory: $(cat "$WORK/trace")"
	if grep 'syncfault-probe' "$WORK/trace" | grep -v '/syncfault\.[A-Za-z0-9]\{6\}/\.syncfault-probe\.' | grep -q .; then
		fail "probe directory outside the scratch directory: $(grep syncfault-probe "$WORK/trace")"
	fi
else
	echo "bad_leftovers: strace missing, probe placement not checked"
fi
echo "bad_leftovers e2e: ok"
