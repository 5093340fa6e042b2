#!/bin/bash
# Configs: a UTF-8 byte-order mark is accepted; a broken section header is
# blamed on its own line; a config that is not a regular file (FIFO,
# /dev/zero, a directory) is refused at once instead of hanging or reading
# without end.
. "$(dirname "$0")/../lib/common.sh"

refused() {
	local word=$1
	shift
	expect_status 2 timeout 20 "$@"
	[ "$(wc -l <"$WORK/err")" = 1 ] || fail "'$*': error is not one line: $(cat "$WORK/err")"
	grep -q -- "$word" "$WORK/err" || fail "'$*': error does not mention '$word': $(cat "$WORK/err")"
}

body='[global]\nrepeats = 1\n[f]\nbench = fault\ntarget = host:/dev/shm\n'
printf "\xef\xbb\xbf$body" >"$WORK/bom.ini"
expect_status 0 "$SF" suite --list "$WORK/bom.ini"
grep -q '^f' "$WORK/out" || fail "BOM config: no run listed: $(cat "$WORK/out")"

printf '[global]\nrepeats = 1\n[f\nbench = fault\n' >"$WORK/open.ini"
refused "open.ini:3:" "$SF" suite --list "$WORK/open.ini"
printf '[]\nbench = fault\n' >"$WORK/empty.ini"
refused "empty.ini:1:" "$SF" suite --list "$WORK/empty.ini"
printf '[global]\nrepeats = 1\n\n[]\nbench = fault\n' >"$WORK/empty4.ini"
refused "empty4.ini:4:" "$SF" suite --list "$WORK/empty4.ini"
printf 'repeats = 1\n[f]\n' >"$WORK/outside.ini"
refused "outside.ini:1:" "$SF" suite --list "$WORK/outside.ini"

mkfifo "$WORK/fifo.ini"
refused "not a regular file" "$SF" suite --list "$WORK/fifo.ini"
refused "not a regular file" "$SF" suite --list /dev/zero
refused "directory" "$SF" suite --list "$WORK"
printf "$body" >"$WORK/nul.ini"
printf 'x\0y = 1\n' >>"$WORK/nul.ini"
refused "NUL" "$SF" suite --list "$WORK/nul.ini"
echo "bad_config e2e: ok"
