#!/bin/bash
# SPDX-License-Identifier: MIT
# Kernels by name, without booting anything: Debian names (series, flavour,
# exact release) are accepted; misspelt names, missing files and files that
# are not a bzImage are refused with one line and exit 2 naming the nearest
# names; `kernel list` marks what is offered and the default; a suite's
# kernel = list expands every guest run once per kernel (host runs once),
# and bad kernel lists are refused before anything runs.
. "$(dirname "$0")/../lib/common.sh"
export SYNCFAULT_SOURCE=$SRC

# What Debian offers here decides which exact names exist: take them from
# the list rather than hard-coding a point release.
expect_status 0 "$SF" kernel list
grep -Eq '^debian:6\.12 +default' "$WORK/out" || fail "list does not mark debian:6.12 the default: $(head -3 "$WORK/out")"
exact612=$(awk '$1 ~ /^debian:6\.12\.[0-9]+\+deb12$/ {n = $1} END {print n}' "$WORK/out")
exact61=$(awk '$1 ~ /^debian:6\.1\.0-[0-9]+$/ {n = $1} END {print n}' "$WORK/out")
[ -n "$exact612" ] && [ -n "$exact61" ] || fail "list offers no exact 6.12/6.1 release: $(cat "$WORK/out")"
awk -v k="$exact612" '$1 == k && ($2 == "offered" || $2 == "cached") && $3 ~ /^linux-image-.*-amd64-unsigned$/ {ok = 1} END {exit !ok}' "$WORK/out" ||
	fail "list line of $exact612 does not name its -unsigned package"
expect_status 0 "$SF" kernel default
[ "$(cat "$WORK/out")" = debian:6.12 ] || fail "default kernel is $(cat "$WORK/out"), not debian:6.12"
# the build's own binary from /, no source tree named (it once looked in ./scripts)
expect_status 0 env -u SYNCFAULT_SOURCE -u SYNCFAULT_DATADIR sh -c 'cd / && exec "$0" kernel default' "$SF"
[ "$(cat "$WORK/out")" = debian:6.12 ] || fail "kernel default from /: $(cat "$WORK/out" "$WORK/err")"

for k in debian:6.12 debian:6.1 debian:6.12-rt debian:cloud-6.12 debian:rt-6.1 "$exact612" "$exact61"; do
	expect_status 0 "$SF" kernel check "$k"
done

# refused: one line, exit 2, the nearest names
refused() {
	local want=$1
	shift
	expect_status 2 "$@"
	[ "$(wc -l <"$WORK/err")" = 1 ] || fail "'$*': not one line: $(cat "$WORK/err")"
	grep -qF -- "$want" "$WORK/err" || fail "'$*': stderr lacks '$want': $(cat "$WORK/err")"
}
refused "nearest: debian:6.12" "$SF" kernel check debain:6.12
refused "nearest: debian:6.12-rt" "$SF" kernel check debian:6.12-rtx
refused "Debian offers no such kernel" "$SF" kernel check debian:6.99
refused "nearest: debian:6.12." "$SF" kernel check debian:6.12.999+deb12
refused "not an x86 bzImage" "$SF" kernel check "$SRC/README.md"
refused "no such file" "$SF" kernel check "$WORK/nonexistent/bzImage"
# the same refusal wherever a kernel is accepted, before anything runs
refused "nearest: debian:6.12" "$SF" run fault --target vm:ext4-dax --kernel debain:6.12 --json "$WORK/x.json"
[ ! -e "$WORK/x.json" ] || fail "a refused run wrote its result"
refused "nearest: debian:6.1" "$SF" crashtest --target vm:ext4-dax --kernel debian:6.0
cat >"$WORK/one.ini" <<'INI'
[fault]
bench = fault
target = vm:ext4-dax
INI
refused "nearest" "$SF" suite -o "$WORK/s0" --kernel debian:6.13 "$WORK/one.ini"
[ ! -e "$WORK/s0" ] || fail "a refused suite made its directory"

# kernel = in a suite config
cat >"$WORK/k.ini" <<'INI'
[global]
kernel = debian:6.1, debian:6.12
pages = 64
[fault]
bench = fault
target = vm:ext4-dax, host:/dev/shm
mode = none, mapsync
class = hole
INI
expect_status 0 "$SF" suite --list "$WORK/k.ini"
[ "$(grep -c 'vm:ext4-dax@debian:6.1	' "$WORK/out")" = 2 ] || fail "guest runs not on debian:6.1: $(cat "$WORK/out")"
[ "$(grep -c 'vm:ext4-dax@debian:6.12	' "$WORK/out")" = 2 ] || fail "guest runs not on debian:6.12"
[ "$(grep -c 'host:/dev/shm' "$WORK/out")" = 2 ] || fail "host runs repeated per kernel: $(cat "$WORK/out")"
sed 's/^kernel = .*/kernel = debian:6.1, debain:6.12/' "$WORK/k.ini" >"$WORK/bad.ini"
refused "bad.ini:2: [global] kernel 'debain:6.12'" "$SF" suite -o "$WORK/s1" "$WORK/bad.ini"
[ ! -e "$WORK/s1" ] || fail "a refused suite made its directory"
sed 's/^kernel = .*/kernel = debian:6.1, debian:6.1/' "$WORK/k.ini" >"$WORK/dup.ini"
refused "names debian:6.1 twice" "$SF" suite --list "$WORK/dup.ini"
refused "give the kernels in one place" "$SF" suite -o "$WORK/s2" --kernel debian:6.1 "$WORK/k.ini"
echo "kernel names: ok"
