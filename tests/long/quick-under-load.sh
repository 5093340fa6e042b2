#!/bin/bash
# SPDX-License-Identifier: MIT
# #23: the quick suite on a busy machine.  scripts/quick runs N times (3)
# beside `stress-ng --cpu 2` (every core of these machines busy the whole
# time); each run must exit 0 with no point in error: a busy neighbour
# costs precision (repeats rerun, points UNSTABLE), never an error.
# Prints a line per run: exit status, errors, unstable points, wall time.
# Run it alone on the machine (no other timing job): it is the load.
#   tests/long/quick-under-load.sh [N] [OUTDIR]
set -uo pipefail
cd "$(dirname "$0")/../.."
n=${1:-3}
out=${2:-$(mktemp -d /tmp/syncfault-quick-load.XXXXXX)}
mkdir -p "$out"
command -v stress-ng >/dev/null || apt-get install -y -qq stress-ng >/dev/null ||
	{ echo "quick-under-load: stress-ng is missing and apt-get could not install it" >&2; exit 2; }
scripts/setup >/dev/null || exit 2
fail=0
for i in $(seq "$n"); do
	stress-ng --cpu 2 --timeout 0 >/dev/null 2>&1 &
	load=$!
	t0=$(date +%s)
	rc=0
	build/syncfault suite configs/quick.ini -o "$out/run$i" >"$out/run$i.log" 2>&1 || rc=$?
	kill "$load"
	wait "$load" 2>/dev/null
	errors=$(grep -Ec '^\[[0-9]+/[0-9]+\] .*: error' "$out/run$i.log")
	unstable=$(grep -c 'UNSTABLE' "$out/run$i.log")
	echo "run $i: exit $rc, $errors errors, $unstable unstable, $(($(date +%s) - t0)) s ($out/run$i.log)"
	[ "$rc" = 0 ] && [ "$errors" = 0 ] || fail=1
done
[ "$fail" = 0 ] && echo "ok: $n quick suites under stress-ng --cpu 2, none in error" ||
	echo "FAIL: a quick suite under load ended in error"
exit "$fail"
