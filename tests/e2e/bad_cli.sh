#!/bin/bash
# Error lines: every usage error is exactly one line on stderr (getopt's own
# message suppressed), control characters from arguments and configs never
# reach the terminal, nothing on stdout, exit 2.  Options given twice and an
# empty --label are refused, not silently resolved.
. "$(dirname "$0")/../lib/common.sh"

T=$(mktemp -d /dev/shm/sf-e2e-badcli.XXXXXX)
trap 'rm -rf "$WORK" "$T"' EXIT

refused() {
	local word=$1
	shift
	expect_status 2 "$@"
	[ "$(wc -l <"$WORK/err")" = 1 ] || fail "'$*': error is not one line: $(cat -A "$WORK/err")"
	grep -q -- "$word" "$WORK/err" || fail "'$*': error does not mention '$word': $(cat "$WORK/err")"
	[ ! -s "$WORK/out" ] || fail "'$*': printed on stdout: $(cat "$WORK/out")"
	if LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' "$WORK/err"; then
		fail "'$*': control characters reached stderr: $(cat -A "$WORK/err")"
	fi
}

# usage errors: on stderr, one line, exit 2
refused "command" "$SF"
refused "benchmark" "$SF" run
refused "directory" "$SF" report
refused "extra" "$SF" env extra
refused "extra" "$SF" list extra
# getopt's own message suppressed: one line, ours
refused "--bogus" "$SF" suite --bogus
refused "--bogus" "$SF" compare --bogus a b
refused "--noise" "$SF" compare a b --noise
refused "-z" "$SF" suite -z x.ini
# a newline or escape sequences in a value: one line, no raw control bytes
refused "--class" "$SF" run fault --target "$T" --class $'bad\nsecond line'
refused "--class" "$SF" run fault --target "$T" --class $'\e[31mred\a'
refused "nosuch" "$SF" $'nosuch\e]0;title\a'
printf '[global]\nrepeats = 1\n[f]\nbench = fault\ntarget = host:/dev/shm\nclass = \e[2J\a\n' >"$WORK/esc.ini"
refused "class" "$SF" suite --list "$WORK/esc.ini"
# given twice, empty label
refused "--pages" "$SF" run fault --target "$T" --pages 16 --pages 32
refused "--repeats" "$SF" run fault --target "$T" --repeats 1 --repeats=2
refused "--target" "$SF" run fault --target "$T" --target "$T"
refused "--trials" "$SF" crashtest --trials 2 --trials=3
refused "--output" "$SF" suite -o "$WORK/a" --output "$WORK/b" "$SRC/configs/quick.ini"
refused "--label" "$SF" suite --label '' -o "$WORK/l" "$SRC/configs/quick.ini"
[ ! -e "$WORK/l" ] && [ ! -e "$WORK/a" ] || fail "a refused suite created its directory"
# help still goes to stdout with exit 0
expect_status 0 "$SF" --help
grep -q usage "$WORK/out" || fail "--help printed no usage"
expect_status 0 "$SF" list
echo "bad_cli e2e: ok"
