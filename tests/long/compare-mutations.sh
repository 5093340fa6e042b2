#!/bin/bash
# SPDX-License-Identifier: MIT
# Do compare's tests catch a broken model?  Each mutation below breaks one
# rule of the run-level model (lib/results/compare*.c) in a scratch clone
# of this repository's HEAD; the three compare test programs are built and
# run, and the tests that failed are named.  Every mutation must be caught;
# "none" (the source unchanged) must not.  Nothing is timed: run it under
# sf-light.  About 6 minutes on 2 cores (a build a mutation).
#
# usage: tests/long/compare-mutations.sh [SCRATCH]   (default /tmp/compare-mutations)
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
work=${1:-/tmp/compare-mutations}
rm -rf "$work"
mkdir -p "$work"
git clone -q "$src" "$work/tree" || exit 2
meson setup "$work/build" "$work/tree" >/dev/null 2>&1 || { echo "meson setup failed"; exit 2; }
caught=0 missed=0

mut() {	# name file from to
	local name=$1 file=$2 from=$3 to=$4 res="" t out
	cp "$work/tree/$file" "$work/orig"
	python3 - "$work/tree/$file" "$from" "$to" <<'PY' || { echo "$name: not applied"; exit 2; }
import sys
p, a, b = sys.argv[1:]
s = open(p).read()
assert s.count(a) == 1, (p, a, s.count(a))
open(p, 'w').write(s.replace(a, b))
PY
	if ! ninja -C "$work/build" tests/test_compare tests/test_compare_rows \
			tests/test_compare_kat >/dev/null 2>&1; then
		echo "$name: build failed"
		cp "$work/orig" "$work/tree/$file"
		exit 2
	fi
	for t in test_compare test_compare_rows test_compare_kat; do
		out=$("$work/build/tests/$t" 2>&1)
		echo "$out" | grep -q "FAILED" &&
			res="$res $t($(echo "$out" | grep '^\[  FAILED  \] [a-z_]' |
				awk '{print $4}' | sort -u | tr '\n' ' '))"
	done
	echo "$name: ${res:- NOT CAUGHT}"
	cp "$work/orig" "$work/tree/$file"
	if [ "$name" = "M0 none" ]; then
		[ -z "$res" ] || { echo "FAIL: the unchanged source fails its tests"; exit 1; }
	elif [ -n "$res" ]; then
		caught=$((caught + 1))
	else
		missed=$((missed + 1))
	fi
}

P=lib/results/compare_prior.c R=lib/results/compare_runs.c D=lib/results/compare_decide.c
mut "M0 none" lib/results/compare.c "c->p = mw_p(base, nb, new, nn);" "c->p = mw_p(base, nb, new, nn);"
mut "M1 trigamma subtraction deleted" $P "evar = evar * inflate - tri;" "evar = evar * inflate;"
mut "M2 bias shift's sign flipped" $P "pr->a += wm - m;" "pr->a -= wm - m;"
mut "M3 c->p = 0 in the pooled path" lib/results/compare.c "c->p = mw_p(base, nb, new, nn);" "c->p = 0;"
mut "M4 run offsets never taken out" $R "		m->factor = m->shift_df > 0 && offsets_real(m, rows, n, u, use);" \
	"		m->factor = false;"
mut "M5 floor left out of the detectable" $D "return fmax(fl, sf_t_quantile" \
	"return fmax(0, sf_t_quantile"
mut "M6 no allowance for the prior's own uncertainty" $P "#define PRIOR_SE	2.0" "#define PRIOR_SE	0.0"
mut "M7 lambda fixed at 1" $R "	r->lambda = uo / so;" "	r->lambda = 1;"
mut "M8 lambda's own noise left out of the se" $R "	r->cee += g * g / so;" ""
mut "M9 detectable at 5% not the discovery's level" $D \
	"	c->alpha = fdr > 0 ? fmax(c->cutoff, fdr / (c->nfdr ? c->nfdr : 1)) : ALPHA_UNCORRECTED;" \
	"	c->alpha = 0.05;"
mut "M10 outlier rows keep the prior's d0" $P "	shrink_outliers(w, k, df1, pr, c);" \
	"	for (int i = 0; i < k; i++) c[i] = pr->d0;"
mut "M11 fewer than 3 runs tested" lib/results/compare_rows.c \
	"		row->exploratory = runs_a_side(b, n, key, m->name) < SF_MIN_RUNS;" \
	"		row->exploratory = runs_a_side(b, n, key, m->name) < 1;"
mut "M12 the moment fit's digamma shift left in its spread" $P "centre[i] - shift;" "centre[i];"
mut "M13 offsets kept however small against the rows' noise" $R \
	"		m->factor = m->shift_df > 0 && offsets_real(m, rows, n, u, use);" \
	"		m->factor = m->shift_df > 0;"
echo "$caught of $((caught + missed)) mutations caught"
[ "$missed" -eq 0 ]
