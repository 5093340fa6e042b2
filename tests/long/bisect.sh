#!/bin/bash
# SPDX-License-Identifier: MIT
# syncfault bisect proven end to end (long: kernel builds and about 90
# guest boots; not in the default test run).  tests/long/bisect-series/ is
# 8 patches on Debian's linux-source-6.12: patch 3 adds a 5 us udelay() to
# dax_finish_sync_fault() (fs/dax.c: only MAP_SYNC write faults that
# allocated reach it), patch 6 a 2 us udelay() to write faults that
# allocated and are not synchronous (dax_fault_iter(), after the MAP_SYNC
# return: plain hole faults), the other six change comments only.
# Checked, with the guests' default clock (icount on TCG: the same on
# every boot, so a few microseconds show):
#   - watching MAP_SYNC hole faults names patch 3, watching plain hole
#     faults names patch 6, each in at most 4 candidates beyond the
#     endpoints, with the change and its interval, and the phase line
#     names the phase the delay is in (MAP_SYNC finish, DAX fault);
#   - the same bisect again builds and measures nothing (the cache);
#   - a git tree made of the same series names the same two commits, and
#     boots the kernels the build part built for it (none built again);
#   - --walk over the 8 patches: the MAP_SYNC row's step at patch 3 and the
#     plain row's at patch 6 are marked WORSE, and no other step is.
# Prints each answer, each step's time and the time in all.
#
#   tests/long/bisect.sh [--part PART]... [OUTDIR]
#
# PART: build (every kernel, the git tree's too: CPU work that measures
# nothing), then mapsync, plain, again, git, walk (these time things: run
# them alone on the machine; each took 2 to 10 minutes here, with every
# kernel built: docs/patch-review.md has the figures).  No
# --part: all of them, in that order.  A part left out is not checked; a
# measuring part builds what build did not (the kernel cache keeps both).
# SKIP_GIT=1: no git tree (one full kernel build less).
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
sf=${SYNCFAULT:-$here/build/syncfault}
parts=()
while [ $# -gt 0 ] && [ "$1" = --part ]; do
	case ${2:-} in
	build|mapsync|plain|again|git|walk) parts+=("$2"); shift 2 ;;
	*) echo "bisect.sh: --part ${2:-?}: use build, mapsync, plain, again, git or walk" >&2; exit 2 ;;
	esac
done
[ ${#parts[@]} -gt 0 ] || parts=(build mapsync plain again git walk)
[ -n "${SKIP_GIT:-}" ] && parts=("${parts[@]/git/}")
out=${1:-$here/results/bisect-long-$(date +%Y%m%d-%H%M%S)}
series=$here/tests/long/bisect-series/series
cache=${SYNCFAULT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/syncfault}
mapsync='fault mode=mapsync class=hole pages=256'
plain='fault mode=none class=hole pages=256'
mkdir -p "$out"
fail() { echo "FAIL: $*" >&2; exit 1; }
want() { [[ " ${parts[*]} " == *" $1 "* ]]; }
t0=$(date +%s)

# bisect NAME ARGS...: into $out/NAME, its answer on stdout
bisect() {
	local name=$1 rc=0 t=$(date +%s)
	shift
	echo "== bisect $name: $*"
	"$sf" bisect -o "$out/$name" "$@" >"$out/$name.log" 2>&1 || rc=$?
	[ "$rc" = 0 ] || { tail -30 "$out/$name.log" >&2; fail "bisect $name exited $rc"; }
	[ -f "$out/$name/bisect.txt" ] || return 0	# --build-only
	cat "$out/$name/bisect.txt"
	echo "($name: $(( $(date +%s) - t )) s)"
}

# named NAME N [PHASE]: the answer is patch (or commit) N of 8, in <= 4
# steps beyond the endpoints, its change marked, and (--attribute) PHASE
# named as the phase that moved
named() {
	local f=$out/$1/bisect.txt steps
	grep -Eq "^first bad (patch|commit): $2/8 " "$f" || fail "$1: not $2/8: $(grep '^first bad\|^undecided\|^nothing' "$f")"
	steps=$(grep -c '^  step ' "$f" || true)
	[ "$steps" -le 4 ] || fail "$1: $steps candidates beyond the endpoints"
	grep -q 'fault_latency: .* -> .*, WORSE$' "$f" || fail "$1: the patch's own change is not marked"
	[ -z "${3:-}" ] || grep -q "^    fault phases [-+0-9]*%: $3 +" "$f" ||
		fail "$1: the phase line does not name $3: $(grep 'fault phases' "$f")"
}

# A git tree of the same series: Debian's pristine tree (the kernel
# cache's), then one commit per patch, made in the index only.  The dates
# are fixed, so the commits (and the kernels the cache names by them) are
# the same every time.
G=$out/linux.git
git_tree() {
	local src p
	[ -f "$G/ok" ] && return 0
	src=$(ls -d "$cache"/kernels/src/linux-source-6.12_*/ | tail -n 1)
	echo "== git tree of $src + the series in $G"
	rm -rf "$G" "$out/linux.index"
	git init -q --bare "$G"
	gitc() {
		GIT_DIR=$G GIT_WORK_TREE=$src GIT_INDEX_FILE=$out/linux.index \
			GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@localhost \
			GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@localhost \
			GIT_AUTHOR_DATE='2026-01-01T00:00:00Z' GIT_COMMITTER_DATE='2026-01-01T00:00:00Z' \
			git "$@"
	}
	# -f: a file the kernel's .gitignore names is still the source's
	gitc add -A -f -- "$src" ":!ok"
	gitc commit -q -m "linux-source-6.12 as Debian ships it"
	gitc tag base
	grep -v '^#' "$series" | while read -r p; do
		gitc apply --cached "$here/tests/long/bisect-series/$p"
		gitc commit -q -m "$(sed -n 's/^Subject: \[PATCH [0-9/]*\] //p' "$here/tests/long/bisect-series/$p")"
	done
	touch "$G/ok"
}

S=(--base debian:6.12 --series "$series")
if want build; then
	bisect build-series "${S[@]}" --watch "$mapsync" --build-only
	if want git || [ -z "${SKIP_GIT:-}" ]; then
		git_tree
		bisect build-git --tree "$G" --good base --bad HEAD --watch "$mapsync" --build-only
	fi
fi
if want mapsync; then
	bisect mapsync "${S[@]}" --watch "$mapsync" --attribute
	named mapsync 3 "MAP_SYNC finish"
fi
if want plain; then
	bisect plain "${S[@]}" --watch "$plain" --attribute
	named plain 6 "DAX fault"
fi
if want again; then
	# the same bisect again: everything from the cache
	bisect mapsync-again "${S[@]}" --watch "$mapsync" --attribute
	named mapsync-again 3 "MAP_SYNC finish"
	grep -q '0 kernels built here .* 0 rounds measured here' "$out/mapsync-again/bisect.txt" ||
		fail "a second bisect built or measured: $(grep '^time:' "$out/mapsync-again/bisect.txt")"
fi
if want git; then
	git_tree
	bisect git-mapsync --tree "$G" --good base --bad HEAD --watch "$mapsync"
	named git-mapsync 3
	bisect git-plain --tree "$G" --good base --bad HEAD --watch "$plain"
	named git-plain 6
	# the kernels --build-only built are the ones the bisects boot
	if [ -d "$out/build-git" ]; then
		for b in git-mapsync git-plain; do
			grep -q '; 0 kernels built here' "$out/$b/bisect.txt" ||
				fail "$b built again what build-git built: $(grep '^time:' "$out/$b/bisect.txt")"
		done
	fi
fi

# walked ROW PATCH: in ROW's table, the step of PATCH is WORSE and no other step is marked
walked() {
	local table
	table=$(awk -v row="$1:" 'index($0, row) == 1 { on = 1; next } on && /^  figure:/ { exit } on' "$out/walk/walk.txt")
	echo "$table" | grep -Eq "^  $2 .* WORSE " || fail "walk $1: patch $2 is not marked WORSE"
	[ "$(echo "$table" | grep -Ec ' (WORSE|better) ')" = 1 ] ||
		fail "walk $1: other steps are marked: $(echo "$table" | grep -E ' (WORSE|better) ')"
}
if want walk; then
	t=$(date +%s)
	echo "== walk"
	"$sf" bisect --walk -o "$out/walk" "${S[@]}" --watch "$mapsync" --watch "$plain" >"$out/walk.log" 2>&1 ||
		{ tail -30 "$out/walk.log" >&2; fail "the walk failed"; }
	cat "$out/walk/walk.txt"
	echo "(walk: $(( $(date +%s) - t )) s)"
	walked "$mapsync" 3
	walked "$plain" 6
	ls "$out"/walk/walk/*.png >/dev/null || fail "the walk drew no figure"
fi
echo "bisect long test: ok (${parts[*]}; $out, $(( $(date +%s) - t0 )) s in all)"
