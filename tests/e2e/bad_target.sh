#!/bin/bash
# Targets syncfault must refuse before running anything: missing, a file,
# read-only, not a place for files at all.  Each: exit 2, one line on
# stderr naming the target, no result file, nothing left in the target.
#
# A read-only directory without mounting anything (tests never mount on
# the host): the immutable attribute (chattr +i), which refuses new
# entries even to root, on a directory of our own in /var/tmp (ext4 here)
# or /dev/shm (tmpfs supports it since Linux 6.0).
. "$(dirname "$0")/../lib/common.sh"

RO=
cleanup() {
	[ -n "$RO" ] && chattr -i "$RO" 2>/dev/null && rmdir "$RO"
	rm -rf "$WORK"
}
trap cleanup EXIT
OUT=$WORK/res
mkdir "$OUT"

# refused TARGET WORD: exit 2, one line containing TARGET and WORD
refused() {
	local target=$1 word=$2
	expect_status 2 "$SF" run fault --target "$target" --pages 16 --repeats 1 --json "$OUT/r.json"
	[ "$(wc -l <"$WORK/err")" = 1 ] || fail "target $target: error is not one line: $(cat "$WORK/err")"
	grep -q -- "$target" "$WORK/err" || fail "target $target: error does not name it: $(cat "$WORK/err")"
	grep -qi -- "$word" "$WORK/err" || fail "target $target: error does not say '$word': $(cat "$WORK/err")"
	[ -z "$(ls -A "$OUT")" ] || fail "target $target: left files behind: $(ls -A "$OUT")"
}

# missing
refused "$WORK/no-such-dir" "no such file"
# missing, with a newline in its name: still one line, the newline shown
# as '?' (the error printer's sanitising, which this path once bypassed)
expect_status 2 "$SF" run fault --target "$WORK/a
line/missing" --pages 16 --repeats 1 --json "$OUT/r.json"
[ "$(wc -l <"$WORK/err")" = 1 ] || fail "newline target: error is not one line: $(cat "$WORK/err")"
grep -qF -- "$WORK/a?line/missing" "$WORK/err" || fail "newline target: not named: $(cat "$WORK/err")"
[ -z "$(ls -A "$OUT")" ] || fail "newline target: left files behind: $(ls -A "$OUT")"
# a file, not a directory
echo x >"$WORK/afile"
refused "$WORK/afile" "not a directory"
# read-only: immutable directory
for base in /var/tmp /dev/shm; do
	RO=$(mktemp -d "$base/sf-e2e-ro.XXXXXX")
	if ! chattr +i "$RO" 2>/dev/null; then
		echo "note: chattr +i not supported on $base, read-only case skipped there"
		rmdir "$RO"
		RO=
		continue
	fi
	refused "$RO" "writ"
	[ -z "$(ls -A "$RO")" ] || fail "probe left files in the read-only $RO"
	chattr -i "$RO"
	rmdir "$RO"
	RO=
done
# kernel pseudo-filesystems hold no files: refused, not "measured"
refused /proc "proc"
refused /sys "sys"
echo "bad_target e2e: ok"
