/* SPDX-License-Identifier: MIT */
/*
 * Synthetic result sets for compare's tests on its real decision path
 * (sf_cmp_build): a suite of points, each a result per run with metrics of
 * three kinds, as a guest suite has them:
 *  - times (lower is better) and rates (higher is better) that follow the
 *    speed of their run: a run's boot effect moves them all together;
 *  - counters that do not: half constant, half with noise of their own.
 * Each row's spread across runs differs (lognormal around `spread`), its
 * repeats inside a run agree better than its runs (a third of it).  Runs
 * are ids 0..rounds-1 per side, as directories give them.
 */
#ifndef COMPARE_SYNTH_H
#define COMPARE_SYNTH_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sf_compare_rows.h"

#define SY_POINTS	43
#define SY_METRICS	2
#define SY_ROWS		(SY_POINTS * SY_METRICS)
#define SY_ROUNDS	8
#define SY_REPS		4

enum sy_kind { SY_TIME, SY_RATE, SY_COUNTER_FIXED, SY_COUNTER_NOISY };

struct sy_suite {
	int rounds;		/* runs a side */
	double boot;		/* sd of a run's shared effect (log) */
	double spread;		/* typical sd of a row across runs (log) */
	bool icount;		/* results say timing "icount" */
	double noise;		/* a fixed floor (%), as compare --noise; 0: each row's own */
	/* per row (point * SY_METRICS + metric) */
	enum sy_kind kind[SY_ROWS];
	double level[SY_ROWS], sd[SY_ROWS];
	double shift[SY_ROWS];	/* new side: the metric made this much worse (%, 0 none) */
	double shared;		/* new side: every time/rate this much worse (%) */
};

struct sy_data {
	struct sf_result res[2][SY_POINTS * SY_ROUNDS];
	struct sf_metric met[2][SY_POINTS * SY_ROUNDS][SY_METRICS];
	double val[2][SY_POINTS * SY_ROUNDS][SY_METRICS][SY_REPS];
	struct sf_kv kv[2][SY_POINTS * SY_ROUNDS];
	char cls[2][SY_POINTS * SY_ROUNDS][16];
	int run[2][SY_POINTS * SY_ROUNDS];
	double boot[2][SY_ROUNDS];	/* each run's shared effect, as drawn */
	struct sf_cmp_side side[2];
	struct sf_cmp_keys keys;
	struct sf_cmp c;
};

static uint64_t sy_state;

static uint64_t sy_rng(void)	/* splitmix64: seeded, reproducible */
{
	uint64_t z = (sy_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static double sy_uniform(void)
{
	return ((double)(sy_rng() >> 11) + 0.5) / 9007199254740992.0;
}

static double sy_gauss(void)
{
	return sqrt(-2 * log(sy_uniform())) * cos(2 * M_PI * sy_uniform());
}

/* The rows of a suite: kinds in the measured mix, spreads lognormal around spread. */
static void sy_rows(struct sy_suite *s, int rounds, double boot, double spread)
{
	memset(s, 0, sizeof(*s));
	s->rounds = rounds;
	s->boot = boot;
	s->spread = spread;
	for (int i = 0; i < SY_ROWS; i++) {
		double u = sy_uniform();

		s->kind[i] = u < 0.6 ? SY_TIME : u < 0.75 ? SY_RATE :
			     u < 0.875 ? SY_COUNTER_FIXED : SY_COUNTER_NOISY;
		s->level[i] = 1000 * exp(sy_gauss());
		s->sd[i] = spread * exp(0.6 * sy_gauss());
	}
}

static bool sy_follows(enum sy_kind k)
{
	return k == SY_TIME || k == SY_RATE;
}

/* One run's value of row i: its level, the run's boot effect if it follows, its noise, shifts. */
static double sy_value(const struct sy_suite *s, int i, int side, double boot)
{
	double cost = 0;

	if (s->kind[i] == SY_COUNTER_FIXED)
		cost = 0;
	else if (sy_follows(s->kind[i]))
		cost = boot + s->sd[i] * sy_gauss();
	else
		cost = s->sd[i] * sy_gauss();
	if (side) {
		cost += log1p(s->shift[i] / 100);
		if (sy_follows(s->kind[i]))
			cost += log1p(s->shared / 100);
	}
	return s->level[i] * exp(s->kind[i] == SY_RATE ? -cost : cost);
}

/* Draw the suite's results into d and build the comparison (fdr 5%, the suite's floor). */
static int sy_build(struct sy_data *d, const struct sy_suite *s)
{
	for (int side = 0; side < 2; side++) {
		struct sf_cmp_side *cs = &d->side[side];

		memset(cs, 0, sizeof(*cs));
		cs->name = side ? "new" : "base";
		cs->res = d->res[side];
		cs->run = d->run[side];
		for (int r = 0; r < s->rounds; r++) {
			double boot = s->boot * sy_gauss();

			d->boot[side][r] = boot;
			for (int p = 0; p < SY_POINTS; p++) {
				int k = cs->nres++;
				struct sf_result *res = &d->res[side][k];

				memset(res, 0, sizeof(*res));
				snprintf(res->bench, sizeof(res->bench), "fault");
				snprintf(d->cls[side][k], sizeof(d->cls[0][0]), "c%d", p);
				d->kv[side][k].k = "class";
				d->kv[side][k].v = d->cls[side][k];
				res->params = &d->kv[side][k];
				res->nparams = 1;
				snprintf(res->started, sizeof(res->started), "2026-12-07T%02d:%02d:00Z",
					 r, p);
				snprintf(res->target.fs, sizeof(res->target.fs), "ext4");
				res->target.dax = true;
				snprintf(res->target.emulated, sizeof(res->target.emulated), "qemu-tcg");
				snprintf(res->target.timing, sizeof(res->target.timing), "%s",
					 s->icount ? "icount" : "real");
				d->run[side][k] = r;
				res->metrics = d->met[side][k];
				res->nmetrics = SY_METRICS;
				for (int m = 0; m < SY_METRICS; m++) {
					int i = p * SY_METRICS + m;
					struct sf_metric *mt = &d->met[side][k][m];
					double v = sy_value(s, i, side, boot);

					memset(mt, 0, sizeof(*mt));
					snprintf(mt->name, sizeof(mt->name), "m%d", m);
					snprintf(mt->unit, sizeof(mt->unit), "ns");
					mt->better = s->kind[i] == SY_RATE ? SF_HIGHER : SF_LOWER;
					for (int j = 0; j < SY_REPS; j++)
						d->val[side][k][m][j] = s->kind[i] == SY_COUNTER_FIXED ? v :
							v * exp(s->sd[i] / 3 * sy_gauss());
					mt->repeats = d->val[side][k][m];
					mt->nrepeats = SY_REPS;
				}
			}
		}
	}
	if (sf_cmp_make_keys(&d->keys, &d->side[0], &d->side[1], true) ||
	    sf_cmp_count_pairs(&d->side[0], &d->side[1]) < SY_POINTS)
		return -1;
	return sf_cmp_build(&d->side[0], &d->side[1], s->noise > 0 ? s->noise : NAN, SF_FDR_DEFAULT,
			    &d->c);
}

static void sy_free(struct sy_data *d)
{
	sf_cmp_free(&d->c);
	sf_cmp_keys_free(&d->keys, &d->side[0], &d->side[1]);
}

/* The row of row index i (point i / SY_METRICS): pairs follow the base results' order. */
static const struct sf_cmp_row *sy_row(const struct sy_data *d, int i)
{
	return &d->c.pairs[i / SY_METRICS].rows[i % SY_METRICS];
}

#endif
