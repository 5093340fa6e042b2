#!/bin/bash
# An installed syncfault relocates: `meson install` into a DESTDIR, the
# installed tree moved somewhere else, and run from an unrelated directory
# with no source tree named, the binary finds its data files (plots, guest
# scripts, configs) under ../share/syncfault: a host benchmark runs, a
# report renders its figures, a suite config is listed, kernels are named
# from /.  With the data
# directory gone it says so in one line (exit 2) instead of guessing.
. "$(dirname "$0")/../lib/common.sh"

BUILD=$(cd "$(dirname "$SF")" && pwd)
meson install -C "$BUILD" --destdir "$WORK/dest" --no-rebuild --quiet >"$WORK/install.log" 2>&1 ||
	{ cat "$WORK/install.log" >&2; fail "meson install failed"; }
bin=$(find "$WORK/dest" -path '*/bin/syncfault' -type f)
[ -n "$bin" ] || fail "no bin/syncfault installed"
prefix=$(dirname "$(dirname "$bin")")
for f in scripts/vm/run scripts/vm/build-image scripts/vm/init plots/common.gp configs/quick.ini; do
	[ -e "$prefix/share/syncfault/$f" ] || fail "$f not installed under share/syncfault"
done
[ -x "$prefix/share/syncfault/scripts/vm/run" ] || fail "guest scripts installed without x bit"
[ -s "$prefix/share/doc/syncfault/design.md" ] || fail "docs not installed"

# relocate: the prefix compiled into nothing
mv "$prefix" "$WORK/moved"
SFI=$WORK/moved/bin/syncfault
unset SYNCFAULT_SOURCE SYNCFAULT_DATADIR SYNCFAULT_PLOTS
cd "$WORK"
expect_status 0 "$SFI" run fault --target /dev/shm --pages 16 --repeats 1 --json f.json
json_assert f.json 'first(r)["status"] == "ok"'
cp -r "$SRC/tests/e2e/fixtures/report" rep
expect_status 0 "$SFI" report rep
grep -q 'not found' rep/report.txt && fail "installed report cannot find its plot scripts"
ls rep/plots/*.svg >/dev/null 2>&1 || fail "installed report rendered no figures"
expect_status 0 "$SFI" suite "$WORK/moved/share/syncfault/configs/quick.ini" --list
# kernels by name from any directory: the kernel script is found in share/
from_root() { (cd / && exec "$@"); }
expect_status 0 from_root "$SFI" kernel default
[ "$(cat "$WORK/out")" = debian:6.12 ] || fail "installed kernel default from /: $(cat "$WORK/out" "$WORK/err")"
expect_status 0 from_root "$SFI" kernel list
grep -Eq '^debian:6\.12 +default' "$WORK/out" || fail "installed kernel list from / does not mark debian:6.12 the default: $(head -3 "$WORK/out")"
expect_status 0 from_root "$SFI" kernel check debian:6.1

# no data directory: a one-line error naming the fix, no guessing
rm -rf "$WORK/moved/share/syncfault"
expect_status 1 "$SFI" run fault --target vm:ext4-dax --pages 16 --repeats 1
grep -q 'SYNCFAULT_DATADIR' "$WORK/err" || { cat "$WORK/err" >&2; fail "missing data dir not explained"; }
echo "ok"
