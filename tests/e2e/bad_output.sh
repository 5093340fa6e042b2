#!/bin/bash
# Output paths: every writer refuses, before any work and with exit 2, a
# path that is not a regular file or a new name in a writable directory;
# the special file is still there, untouched, and nothing is created.
. "$(dirname "$0")/../lib/common.sh"

T=$(mktemp -d /dev/shm/sf-e2e-badout.XXXXXX)
trap 'rm -rf "$WORK" "$T"' EXIT
D=$WORK/d
mkdir "$D"
mkfifo "$D/fifo"
ln -s /dev/null "$D/null-link"
touch "$D/afile"
long=$(printf 'x%.0s' $(seq 300))

refused() {
	local word=$1
	shift
	expect_status 2 "$@"
	[ "$(wc -l <"$WORK/err")" = 1 ] || fail "'$*': error is not one line: $(cat "$WORK/err")"
	grep -q -- "$word" "$WORK/err" || fail "'$*': error does not mention '$word': $(cat "$WORK/err")"
	[ ! -s "$WORK/out" ] || fail "'$*': printed on stdout: $(cat "$WORK/out")"
}

run=("$SF" run fault --target "$T" --repeats 1 --pages 16)
for args in "--json $D/fifo:FIFO" "--json $D/null-link:character device" \
	    "--json $D:directory" "--json $D/:ends in '/'" "--json $D/afile/r.json:not a directory" \
	    "--json /proc/sf-e2e.json:pseudo-filesystem" "--json /sys/sf-e2e.json:pseudo-filesystem" \
	    "--json $D/$long:longer" "--json $D/nodir/r.json:nodir"; do
	word=${args#*:}
	a=${args%%:*}
	refused "$word" "${run[@]}" $a
	refused "$word" "$SF" crashtest $a
done
refused "empty file name" "${run[@]}" --json ''
refused "empty file name" "$SF" crashtest --json ''
[ -p "$D/fifo" ] || fail "the FIFO was replaced"
[ -L "$D/null-link" ] || fail "the symlink to /dev/null was replaced"
[ -c /dev/null ] || fail "/dev/null is not a character device any more"
[ "$(ls -A "$D")" = "$(printf 'afile\nfifo\nnull-link')" ] || fail "files were created: $(ls -A "$D")"
ls "$T" | grep -q . && fail "the refused runs left files in the target: $(ls -A "$T")"

# a real device node (as root): never replaced, by run or by crashtest
N=$WORK/nodes
mkdir "$N"
if mknod "$N/null" c 1 3 2>/dev/null; then
	refused "character device" "${run[@]}" --json "$N/null"
	refused "character device" "$SF" crashtest --json "$N/null"
	[ -c "$N/null" ] || fail "the device node was replaced"
	[ "$(ls -A "$N")" = null ] || fail "files were created next to the node: $(ls -A "$N")"
fi

# report: report.txt a FIFO, plots a file: refused before any rendering
R=$WORK/rep
mkdir "$R"
cp "$SRC/tests/e2e/fixtures/report/"*.json "$R/" 2>/dev/null || cp "$SRC/tests/e2e/fixtures/compare/base/"*.json "$R/"
mkfifo "$R/report.txt"
refused "report.txt" timeout 20 "$SF" report "$R"
[ -p "$R/report.txt" ] || fail "report replaced the FIFO report.txt"
[ ! -e "$R/plots" ] || fail "report rendered plots before refusing"
rm "$R/report.txt"
touch "$R/plots"
refused "plots" timeout 20 "$SF" report "$R"
[ -f "$R/plots" ] && [ ! -e "$R/report.txt" ] || fail "report wrote around a plots file"

# a good path next to them still works
expect_status 0 "${run[@]}" --json "$D/r.json"
[ -s "$D/r.json" ] || fail "the good run wrote no result"
echo "bad_output e2e: ok"
