#!/bin/bash
# syncfault bisect without building or booting anything: the series is read
# as the user gave it (a directory in name order, a quilt series file in
# its order, an mbox message by message, a git range commit by commit) and
# shown by --list with each patch's subject; the watched rows become one
# suite config; bad input is one line, exit 2, and leaves no directory.
# (The search itself: tests/test_bisect.c; end to end with kernel builds
# and guests: tests/long/bisect.sh.)
. "$(dirname "$0")/../lib/common.sh"
export SYNCFAULT_CACHE=$WORK/cache

# a patch file: subject, then a diff of FILE
mkpatch() {
	printf 'From: t <t@localhost>\nSubject: [PATCH %s] %s\n\n---\n--- a/%s\n+++ b/%s\n@@ -1 +1 @@\n-a\n+b\n' \
		"$1" "$2" "$3" "$3"
}
mkdir -p "$WORK/dir"
mkpatch 1/3 "mm: first" mm/a.c >"$WORK/dir/0001-first.patch"
mkpatch 2/3 "dax: second" fs/dax.c >"$WORK/dir/0002-second.patch"
mkpatch 3/3 "ext4: third" fs/ext4/x.c >"$WORK/dir/0003-third.patch"
echo "not a patch" >"$WORK/dir/README"
W=(--watch 'fault mode=mapsync class=hole pages=64')

listed() { # listed WHAT SUBJECT... : the --list output has them, in order
	local what=$1 n=0 got
	shift
	got=$(grep -E '^ +[0-9]+  ' "$WORK/out" | sed 's/^ *[0-9]*  [^ ]* *//')
	[ "$(echo "$got" | wc -l)" = $# ] || fail "$what: $# patches expected: $(cat "$WORK/out")"
	for s in "$@"; do
		n=$((n + 1))
		[ "$(echo "$got" | sed -n "${n}p")" = "$s" ] || fail "$what: patch $n is not '$s': $(cat "$WORK/out")"
	done
}

expect_status 0 "$SF" bisect --list --base debian:6.12 --series "$WORK/dir" "${W[@]}"
listed "directory" "mm: first" "dax: second" "ext4: third"
grep -q '^bench = fault$' "$WORK/out" && grep -q '^mode = mapsync$' "$WORK/out" &&
	grep -q '^pages = 64$' "$WORK/out" || fail "the watched config: $(cat "$WORK/out")"

printf '# a quilt series\n0003-third.patch\n0001-first.patch -p1\n' >"$WORK/dir/series"
expect_status 0 "$SF" bisect --list --base debian:6.12 --series "$WORK/dir/series" "${W[@]}"
listed "quilt" "ext4: third" "mm: first"

{ echo "From 0000000000000000000000000000000000000001 Mon Sep 17 00:00:00 2001"
  mkpatch 1/2 "one of an mbox" a.c
  echo "From 0000000000000000000000000000000000000002 Mon Sep 17 00:00:00 2001"
  mkpatch 2/2 "two of an mbox" b.c; } >"$WORK/series.mbox"
expect_status 0 "$SF" bisect --list --base debian:6.12 --series "$WORK/series.mbox" "${W[@]}"
listed "mbox" "one of an mbox" "two of an mbox"

if command -v git >/dev/null; then
	G=$WORK/tree
	mkdir -p "$G/arch/x86" && echo all: >"$G/Makefile" && echo 0 >"$G/a.c"
	git -C "$G" init -q && git -C "$G" add -A &&
		git -C "$G" -c user.name=t -c user.email=t@t commit -qm base
	for i in 1 2 3; do
		echo "$i" >"$G/a.c"
		[ "$i" != 2 ] || git -C "$G" -c user.name=t -c user.email=t@t commit -q --allow-empty -m empty
		git -C "$G" -c user.name=t -c user.email=t@t commit -qam "commit $i"
	done
	expect_status 0 "$SF" bisect --list --tree "$G" --good HEAD~4 --bad HEAD "${W[@]}"
	listed "git" "commit 1" "commit 2" "commit 3"
	grep -q 'changes nothing: left out' "$WORK/out" || fail "the empty commit: $(cat "$WORK/out")"
	[ ! -e "$SYNCFAULT_CACHE/kernels/src" ] || fail "--list exported the tree"
	refuse_git=("--good HEAD --bad HEAD~2" "--good nosuch --bad HEAD")
fi

# bad input: one line, exit 2, no directory
refuse() {
	local what=$1
	shift
	expect_refused "$what" "$WORK/bad" "$SF" bisect -o "$WORK/bad" "$@"
}
S=(--base debian:6.12 --series "$WORK/dir")
refuse "what to watch" "${S[@]}"
refuse "not both" "${S[@]}" "${W[@]}" --config "$WORK/x.ini"
refuse "--base" --base debian:six --series "$WORK/dir" "${W[@]}"
refuse "not a kernel source tree" --base "$WORK" --series "$WORK/dir" "${W[@]}"
refuse "--series" --base debian:6.12 --series "$WORK/none" "${W[@]}"
refuse "--base SRC --series" "${W[@]}"
refuse "--size" "${S[@]}" "${W[@]}" --size 0
refuse "max-rounds" "${S[@]}" "${W[@]}" --rounds 5 --max-rounds 3
refuse "--rounds" "${S[@]}" "${W[@]}" --rounds two
refuse "--timing" "${S[@]}" "${W[@]}" --timing sundial
refuse "benchmark first" "${S[@]}" --watch 'nosuch mode=mapsync'
refuse "KEY=VALUE" "${S[@]}" --watch 'fault modemapsync'
refuse "mode" "${S[@]}" --watch 'fault mode=sometimes'
refuse "--attribute" "${S[@]}" --config "$WORK/x.ini" --attribute
refuse "guest targets" "${S[@]}" "${W[@]}" --target "host:$WORK"
printf '[global]\ntiming = real\n[f]\nbench = fault\ntarget = vm:ext4-dax\n' >"$WORK/real.ini"
refuse "one place" "${S[@]}" --config "$WORK/real.ini" --timing icount
refuse "--good" --tree "$WORK" --good HEAD "${W[@]}"
refuse "given twice" "${S[@]}" "${W[@]}" --size 3 --size 4
refuse "no operand" "${S[@]}" "${W[@]}" extra
expect_status 2 "$SF" bisect --resume "$WORK/dir"
grep -q "not a bisect" "$WORK/err" || fail "--resume of a directory without a bisect: $(cat "$WORK/err")"
for r in "${refuse_git[@]}"; do
	# shellcheck disable=SC2086 # two options in one string
	refuse "--good" --tree "$G" $r "${W[@]}"
done
mkdir -p "$WORK/dir2" && echo "not a patch" >"$WORK/dir2/x.patch"
refuse "not a patch" --base debian:6.12 --series "$WORK/dir2" "${W[@]}"
echo "bisect e2e: ok"
