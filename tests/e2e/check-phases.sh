#!/bin/bash
# syncfault kernel check-phases on the lists recorded from Debian's 6.1 and
# 6.12 guests (tests/attrib/functions-*.txt, made by the command in their
# header): the phase map holds on both, each says which rows the kernel
# lacks by version; a map with a made-up function fails and names the row;
# bad input is refused.  No guest: the lists are what the guests traced.
. "$(dirname "$0")/../lib/common.sh"

F=$SRC/tests/attrib
for k in 6.1 6.12; do
	expect_status 0 "$SF" kernel check-phases "debian:$k" --functions "$F/functions-debian-$k.txt"
	grep -q "^ok: every row that applies to $k" "$WORK/out" || fail "debian:$k: $(cat "$WORK/out")"
	grep -q "^ext4: .* traceable" "$WORK/out" && grep -q "^xfs: .* traceable" "$WORK/out" ||
		fail "debian:$k: no per-filesystem line: $(cat "$WORK/out")"
	! grep -q "DEAD\|BLIND" "$WORK/out" || fail "debian:$k: $(cat "$WORK/out")"
done
# 6.1 lacks the per-VMA lock (6.4) by the table's range, 6.12 has it
grep -q "lacks VMA lock=lock_vma_under_rcu" <("$SF" kernel check-phases debian:6.1 --functions "$F/functions-debian-6.1.txt") ||
	fail "6.1 does not say it lacks the per-VMA lock"
! grep -q "lacks VMA lock" <("$SF" kernel check-phases debian:6.12 --functions "$F/functions-debian-6.12.txt") ||
	fail "6.12 says it lacks the per-VMA lock"

# a made-up function: exit 1, the row named on both filesystems
expect_status 1 "$SF" kernel check-phases debian:6.12 --functions "$F/functions-debian-6.12.txt" \
	--attribute-fn allocation=ext4_mb_new_blocks_made_up
[ "$(grep -c "DEAD allocation=ext4_mb_new_blocks_made_up: not traceable on 6.12" "$WORK/out")" = 2 ] ||
	fail "the dead row is not named: $(cat "$WORK/out")"
grep -q "^FAIL: " "$WORK/out" || fail "no FAIL line: $(cat "$WORK/out")"

# -v lists every row with the source it was read from
expect_status 0 "$SF" kernel check-phases debian:6.12 --functions "$F/functions-debian-6.12.txt" -v
grep -q "ok   MAP_SYNC finish=dax_finish_sync_fault  \[6.12: fs/dax.c:" "$WORK/out" ||
	fail "-v: $(cat "$WORK/out")"

# bad input: one line, exit 2
expect_status 2 "$SF" kernel check-phases
grep -q "name a kernel" "$WORK/err" || fail "no SPEC: $(cat "$WORK/err")"
expect_status 2 "$SF" kernel check-phases debian:6.12 --functions "$WORK/nope.txt"
grep -q "cannot read $WORK/nope.txt: " "$WORK/err" || fail "missing list: $(cat "$WORK/err")"
echo "some_function" >"$WORK/bare.txt"
expect_status 2 "$SF" kernel check-phases debian:6.12 --functions "$WORK/bare.txt"
grep -q "no '# release R' line" "$WORK/err" || fail "list without release: $(cat "$WORK/err")"
expect_status 2 "$SF" kernel check-phases debian:6.12 --functions "$F/functions-debian-6.12.txt" --attribute-fn bogus=f
grep -q "unknown phase 'bogus'" "$WORK/err" || fail "bad --attribute-fn: $(cat "$WORK/err")"
echo "check-phases: ok"
