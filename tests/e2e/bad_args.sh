#!/bin/bash
# Bad command-line input: every case exits 2 with exactly one line on
# stderr naming the problem, prints nothing on stdout, and leaves no result
# file (nor a temp file of one) behind.
. "$(dirname "$0")/../lib/common.sh"

T=$(mktemp -d /dev/shm/sf-e2e-badargs.XXXXXX)
trap 'rm -rf "$WORK" "$T"' EXIT
OUT=$WORK/res
mkdir "$OUT"

# refused WORD CMD...: exit 2, one line on stderr containing WORD, nothing
# on stdout, nothing written into $OUT
refused() {
	local word=$1
	shift
	expect_status 2 "$@"
	[ "$(wc -l <"$WORK/err")" = 1 ] || fail "'$*': error is not one line: $(cat "$WORK/err")"
	grep -q -- "$word" "$WORK/err" || fail "'$*': error does not mention '$word': $(cat "$WORK/err")"
	[ ! -s "$WORK/out" ] || fail "'$*': printed on stdout: $(cat "$WORK/out")"
	[ -z "$(ls -A "$OUT")" ] || fail "'$*': left files behind: $(ls -A "$OUT")"
}

J=(--json "$OUT/r.json")
run=("$SF" run fault --target "$T" --repeats 1)

# commands and benchmarks
refused "nosuchcommand" "$SF" nosuchcommand
refused "nosuchbench" "$SF" run nosuchbench "${J[@]}"
# parameters: unknown, out of range, not a number, not in the list
refused "--bogus" "${run[@]}" --bogus 1 "${J[@]}"
refused "--pages" "${run[@]}" --pages 0 "${J[@]}"
refused "--pages" "${run[@]}" --pages 99999999999999999999999 "${J[@]}"
refused "--pages" "${run[@]}" --pages 12abc "${J[@]}"
refused "--class" "${run[@]}" --class bogus "${J[@]}"
refused "--size" "${run[@]}" --size 3m "${J[@]}"
refused "--size" "$SF" run flush --size 63 "${J[@]}"
refused "--size" "$SF" run flush --size 1x "${J[@]}"
refused "--threads" "$SF" run flush --threads -1 "${J[@]}"
# lists with an empty item, in every position, and an empty value
refused "--mode" "${run[@]}" --mode none,,mapsync "${J[@]}"
refused "--mode" "${run[@]}" --mode ,none "${J[@]}"
refused "--mode" "${run[@]}" --mode none, "${J[@]}"
refused "--class" "${run[@]}" --class "" "${J[@]}"
refused "--pages" "${run[@]}" --pages= "${J[@]}"
# an option without its value, a stray word
refused "--pages" "${run[@]}" "${J[@]}" --pages
refused "extra" "${run[@]}" extra "${J[@]}"
# run options
refused "--repeats" "$SF" run fault --target "$T" --repeats 0 "${J[@]}"
refused "--repeats" "$SF" run fault --target "$T" --repeats 1001 "${J[@]}"
refused "--repeats" "$SF" run fault --target "$T" --repeats x "${J[@]}"
refused "--timer" "${run[@]}" --timer sundial "${J[@]}"
refused "--vm-timeout" "${run[@]}" --vm-timeout 1 "${J[@]}"
# --json: into a directory that does not exist, or onto a directory
refused "/nonexistent" "${run[@]}" --json /nonexistent/dir/r.json
refused "directory" "${run[@]}" --json "$OUT"
refused "vm:" "$SF" run fault --target vm:ext3-dax --repeats 1 "${J[@]}"

# crashtest: refused before any guest boots
refused "--mode" "$SF" crashtest --mode bogus "${J[@]}"
refused "--mode" "$SF" crashtest --mode none,,msync "${J[@]}"
refused "--trials" "$SF" crashtest --trials 0 "${J[@]}"
refused "--records" "$SF" crashtest --records 1 "${J[@]}"
refused "guest target" "$SF" crashtest --target "$T" "${J[@]}"
refused "vm:ext3-dax" "$SF" crashtest --target vm:ext3-dax "${J[@]}"
refused "/nonexistent" "$SF" crashtest --json /nonexistent/dir/c.json
refused "--bogus" "$SF" crashtest --bogus 1 "${J[@]}"

# compare and report: a file that is not a result
echo '{"schema": 1, "bench": 5}' >"$WORK/notres.json"
echo 'not json' >"$WORK/garbage.json"
for f in notres garbage; do
	refused "$f.json" "$SF" compare "$WORK/$f.json" "$WORK/$f.json"
done
refused "missing.json" "$SF" compare "$WORK/missing.json" "$WORK/missing.json"

# the same run with good arguments works: the refusals above were about
# the arguments, not the target
expect_status 0 "${run[@]}" --pages 16 "${J[@]}"
[ -s "$OUT/r.json" ] || fail "the good run wrote no result"
echo "bad_args e2e: ok"
