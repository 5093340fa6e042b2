#!/bin/bash
# Validation before work: bad guest options and NVDIMM sizes are refused
# before any host run of a suite runs or any directory is made (exit 2, one
# line), with the same bounds in configs and on the command line; guest
# options with a host target are refused; syncfault ab checks its own options
# before the first round.  No QEMU is booted by this test.
. "$(dirname "$0")/../lib/common.sh"

T=$(mktemp -d /dev/shm/sf-e2e-badguest.XXXXXX)
trap 'rm -rf "$WORK" "$T"' EXIT

refused() {
	local word=$1
	shift
	expect_status 2 timeout 60 "$@"
	[ "$(wc -l <"$WORK/err")" = 1 ] || fail "'$*': error is not one line: $(cat "$WORK/err")"
	grep -q -- "$word" "$WORK/err" || fail "'$*': error does not mention '$word': $(cat "$WORK/err")"
	[ -z "$(ls -A "$T")" ] || fail "'$*': a host run left files in the target: $(ls -A "$T")"
}

J=(--json "$WORK/r.json")
for g in vm:ext4-dax vm:xfs-dax; do
	refused "directory" "$SF" run fault --target $g --kernel "$WORK" "${J[@]}"
	refused "--modules needs --kernel" "$SF" run fault --target $g --modules "$WORK" "${J[@]}"
	for size in 3M 100M 1000000G 99999999999999999999G 1G5 2049M -1G ''; do
		refused "nvdimm" "$SF" run fault --target $g --nvdimm-size "$size" "${J[@]}"
	done
done
refused "768M" "$SF" run fault --target vm:xfs-dax --nvdimm-size 512M "${J[@]}"
refused "vm: targets" "$SF" run fault --target "$T" --kernel "$WORK" "${J[@]}"
[ ! -e "$WORK/r.json" ] || fail "a refused run wrote its result"

# a suite with host runs first: refused before the host runs, no directory
cat >"$WORK/mixed.ini" <<INI
[global]
repeats = 1
[host]
bench = fault
target = host:$T
pages = 16
[guest]
bench = fault
target = vm:ext4-dax
INI
refused "directory" "$SF" suite -o "$WORK/s1" --kernel "$WORK" "$WORK/mixed.ini"
refused "--modules needs --kernel" "$SF" suite -o "$WORK/s2" --modules "$WORK" "$WORK/mixed.ini"
for size in 3M 1000000G; do
	sed "s/^repeats = 1/repeats = 1\nnvdimm_size = $size/" "$WORK/mixed.ini" >"$WORK/nv.ini"
	refused "nvdimm" "$SF" suite -o "$WORK/s3" "$WORK/nv.ini"
	refused "nvdimm" "$SF" suite --list "$WORK/nv.ini"
done
[ ! -e "$WORK/s1" ] && [ ! -e "$WORK/s2" ] && [ ! -e "$WORK/s3" ] ||
	fail "a refused suite created its results directory"

# syncfault ab: refused at once, nothing run, no results directory
for a in "--noise bogus" "--noise 100" "--rounds 99999999999999999999" "--rounds 0"; do
	expect_status 2 timeout 20 "$SF" ab -o "$WORK/ab" $a "$WORK/mixed.ini"
	grep -q -- "${a%% *}" "$WORK/err" || fail "ab $a: error does not name the option: $(cat "$WORK/err")"
	[ ! -e "$WORK/ab" ] || fail "ab $a: created its results directory"
done
echo "bad_guest e2e: ok"
