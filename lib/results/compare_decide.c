// SPDX-License-Identifier: MIT
/*
 * The decision of `syncfault compare` (sf_compare_rows.h): each stratum's
 * run-level model (sf_runs_fit), the false-discovery-rate cut over the
 * tested rows and the shared shifts at once, the change each row would
 * mark with 80% power (every rule of the mark in it), and the tally.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_compare_rows.h"
#include "sf_stats.h"

#define ALPHA_UNCORRECTED	0.05	/* --fdr 0: each test at this level */

const int sf_cmp_need_runs[SF_CMP_NEED] = { 3, 6, 12 };

/* ---- strata ---- */

/* The stratum of a pair: its target kind, the emulator and what its times count. */
static int stratum_of(struct sf_cmp *c, const struct sf_cmp_pair *p)
{
	const struct sf_target *t = &p->rb->target;
	char name[sizeof(c->strata[0].name)], kind[64];
	bool det = sf_target_deterministic(t);
	int i;

	sf_target_key(t, kind, sizeof(kind));
	snprintf(name, sizeof(name), "%s%s%s%s", kind, t->emulated[0] ? ", emulated " : "",
		 t->emulated, det ? ", icount" : "");
	for (i = 0; i < c->nstrata; i++)
		if (!strcmp(c->strata[i].name, name))
			return i;
	if (i == SF_CMP_MAX_STRATA)
		return i - 1;	/* the last one takes the rest */
	snprintf(c->strata[i].name, sizeof(name), "%s", name);
	c->strata[i].deterministic = det;
	c->nstrata++;
	return i;
}

/* The model's column of run id on one side; -1 when there is no room. */
static int column(struct sf_runs_model *m, int (*ids)[SF_RUNS_MAX], bool side, int id)
{
	for (int k = 0; k < m->ncol; k++)
		if (m->side[k] == side && ids[0][k] == id)
			return k;
	if (m->ncol == SF_RUNS_MAX)
		return -1;
	m->side[m->ncol] = side;
	ids[0][m->ncol] = id;
	return m->ncol++;
}

/* A row's runs into the model: values on the cost scale, columns, covariate. */
static void row_in(struct sf_runs_model *m, int (*colid)[SF_RUNS_MAX],
		   const struct sf_cmp_side *sd[2], const char *key, const struct sf_cmp_row *row,
		   bool deterministic, struct sf_run_row *r)
{
	int ids[2][SF_MAX_ROUNDS], k[2], sign = row->better == SF_HIGHER ? -1 : 1, nc = 0;
	double med[2][SF_MAX_ROUNDS], cv[2][SF_MAX_ROUNDS], cvs[2 * SF_MAX_ROUNDS];
	double vm[2][SF_MAX_ROUNDS], vsum = 0;
	int nv = 0;

	memset(r, 0, sizeof(*r));
	r->logs = true;
	for (int s = 0; s < 2; s++) {
		k[s] = sf_cmp_run_values(sd[s], key, row->metric, ids[s], med[s], cv[s], vm[s]);
		for (int j = 0; j < k[s]; j++)
			r->logs &= med[s][j] > 0;
	}
	for (int s = 0; s < 2; s++)
		for (int j = 0; j < k[s]; j++) {
			int col = column(m, colid, s, ids[s][j]);

			if (col < 0)
				continue;
			r->col[r->n] = col;
			r->z[r->n++] = sign * (r->logs ? log(med[s][j]) : med[s][j]);
			cvs[nc++] = cv[s][j];
			if (isfinite(vm[s][j])) {
				vsum += vm[s][j];
				nv++;
			}
		}
	r->x = nc ? 2 * log(sf_median_of(cvs, (size_t)nc)) : NAN;
	/*
	 * On a deterministic clock a run's repeats are a sequence, not draws:
	 * the first two of five can be slower every time (105.2 and 108.3 us,
	 * the same in each of six runs), and the median is what the runs
	 * reproduce.  Only draws give a median its own sampling variance.
	 */
	r->vmed = !deterministic && r->logs && nv == nc && nv ? vsum / nv : NAN;
}

/* ---- one row's test from its fit ---- */

/*
 * A change d on the cost scale (log of a time, minus log of a rate, or
 * the raw difference, signed so that up is worse) as the metric's change
 * in %, positive = better.
 */
static double cost_pct(double d, bool logs, double base, enum sf_better better)
{
	if (!logs)
		return base != 0 ? -d / fabs(base) * 100 : NAN;
	return better == SF_HIGHER ? (exp(-d) - 1) * 100 : -(exp(d) - 1) * 100;
}

/* The change on the cost scale that makes the metric pct% worse: cost_pct's inverse. */
static double cost_of(double pct, bool logs, double base, enum sf_better better)
{
	if (!logs)
		return pct / 100 * fabs(base);
	return better == SF_HIGHER ? -log(fmax(1e-9, 1 - pct / 100)) : log1p(pct / 100);
}

/* Interval and p-value of an estimate on the cost scale, into c in %. */
static void test_change(struct sf_change *c, double est, double se, double df, bool logs,
			double base, enum sf_better better)
{
	double h = sf_t_quantile(0.975, df) * se;
	double a = cost_pct(est - h, logs, base, better), b = cost_pct(est + h, logs, base, better);

	c->pct = cost_pct(est, logs, base, better);
	c->lo = fmin(a, b);
	c->hi = fmax(a, b);
	c->has_ci = true;
	c->coverage = SF_CI_LEVEL;
	c->excludes_zero = est - h > 0 || est + h < 0;
	c->p = se > 0 ? sf_t_two_sided_p(est / se, df) : est == 0 ? 1 : 0;
}

/* The row's fit into its printed facts (its verdict waits for the cut). */
static void row_out(struct sf_cmp_row *row, const struct sf_run_row *r, double noise,
		    double least)
{
	struct sf_cmp_fit *f = &row->fit;

	f->nb = r->nb;
	f->nn = r->nn;
	f->est = r->est;
	f->se = r->se;
	f->df = r->dfv;
	f->lambda = r->lambda;
	f->sd = r->sd;
	f->d0 = r->d0;
	f->logs = r->logs;
	f->base = r->mb;
	if (!isfinite(r->se)) {		/* too few runs in the model: not tested */
		row->tested = false;
		row->exploratory = true;
		return;
	}
	test_change(&row->c, r->est, r->se, r->dfv, r->logs, r->mb, row->better);
	f->floor = isfinite(noise) ? noise :
		   fmax(least, fabs(cost_pct(r->sd, r->logs, r->mb, row->better)));
}

/* The shared shift of a stratum as a row of its own (on the cost scale of a time). */
static void shift_out(struct sf_cmp_stratum *st, double noise, double least)
{
	const struct sf_runs_model *m = &st->model;
	struct sf_change *c = &st->shift;

	memset(c, 0, sizeof(*c));
	c->pct = c->lo = c->hi = c->p = c->detectable = NAN;
	/* with fewer than SF_MIN_RUNS a side the shift is not tested either */
	st->has_shift = m->factor && isfinite(m->shift_se) && m->shift_df > 0 &&
			st->nb >= SF_MIN_RUNS && st->nn >= SF_MIN_RUNS;
	if (!st->has_shift)
		return;
	c->ratio = true;
	c->nbase = st->nb;
	c->nnew = st->nn;
	test_change(c, m->shift, m->shift_se, m->shift_df, true, 0, SF_LOWER);
	/* a change smaller than what the runs moved together by is not marked */
	st->shift_floor = isfinite(noise) ? noise :
			  fmax(least, fabs(cost_pct(m->boot_sd, true, 0, SF_LOWER)));
}

/*
 * The model of one stratum over its compared rows with two runs a side or
 * more (so that a stratum of two runs a side still says how far its runs
 * spread); rows with SF_MIN_RUNS a side get their test.
 */
static int fit_stratum(struct sf_cmp *c, const struct sf_cmp_side *b,
		       const struct sf_cmp_side *n, int s)
{
	const struct sf_cmp_side *sd[2] = { b, n };
	struct sf_cmp_stratum *st = &c->strata[s];
	double least = st->deterministic ? SF_BOOT_STATE_FLOOR : 0;
	struct sf_run_row *rr = NULL;
	struct sf_cmp_row **who = NULL;
	int (*colid)[SF_RUNS_MAX] = calloc(1, sizeof(*colid)), k = 0, max = 0;

	for (int i = 0; i < c->npairs; i++)
		max += c->pairs[i].nrows;
	rr = malloc((max + 1) * sizeof(*rr));
	who = malloc((max + 1) * sizeof(*who));
	if (!colid || !rr || !who) {
		free(colid);
		free(rr);
		free(who);
		return -1;
	}
	memset(&st->model, 0, sizeof(st->model));
	for (int i = 0; i < c->npairs; i++)
		for (int j = 0; j < c->pairs[i].nrows; j++) {
			struct sf_cmp_row *row = &c->pairs[i].rows[j];

			if (row->stratum != s || row->kind != SF_ROW_COMPARED)
				continue;
			st->rows++;
			row_in(&st->model, colid, sd, c->pairs[i].key, row, st->deterministic, &rr[k]);
			who[k++] = row;
		}
	for (int col = 0; col < st->model.ncol; col++) {
		st->nn += st->model.side[col];
		st->nb += !st->model.side[col];
	}
	if (sf_runs_fit(&st->model, rr, k) == 0)
		for (int i = 0; i < k; i++)
			if (who[i]->tested)
				row_out(who[i], &rr[i], c->noise, least);
	shift_out(st, c->noise, least);
	free(colid);
	free(rr);
	free(who);
	return 0;
}

/* ---- the cut over all tests at once ---- */

/* Every p of the family: the tested rows', then the strata's shared shifts'. */
static int family(const struct sf_cmp *c, double *p)
{
	int k = 0;

	for (int i = 0; i < c->npairs; i++)
		for (int j = 0; j < c->pairs[i].nrows; j++)
			if (c->pairs[i].rows[j].tested) {
				if (p)
					p[k] = c->pairs[i].rows[j].c.p;
				k++;
			}
	for (int s = 0; s < c->nstrata; s++)
		if (c->strata[s].has_shift) {
			if (p)
				p[k] = c->strata[s].shift.p;
			k++;
		}
	return k;
}

static int cut(struct sf_cmp *c, double fdr)
{
	double *p;

	c->nfdr = family(c, NULL);
	p = malloc((c->nfdr + 1) * sizeof(*p));
	if (!p)
		return -1;
	family(c, p);
	c->cutoff = fdr > 0 ? sf_fdr_cutoff(p, c->nfdr, fdr) : ALPHA_UNCORRECTED;
	/* a lone change must reach q/m: what the detectable change is for */
	c->alpha = fdr > 0 ? fmax(c->cutoff, fdr / (c->nfdr ? c->nfdr : 1)) : ALPHA_UNCORRECTED;
	free(p);
	return 0;
}

/* The change the decision marks with 80% power at a standard error se and df. */
static double detectable_cost(double fl, double se, double df, double alpha)
{
	return fmax(fl, sf_t_quantile(1 - alpha / 2, df) * se) + sf_t_quantile(0.80, df) * se;
}

/*
 * The mark: a discovery (p at most the cut) beyond the floor.  The change
 * it finds with 80% power at the level a lone discovery needs, with the
 * floor in: the larger of the floor and the test's threshold, plus the
 * 80% quantile's worth of standard error.
 */
static void decide(struct sf_change *c, double est, double se, double df, double floor,
		   bool logs, double base, enum sf_better better, double cutoff, double alpha)
{
	double fl = cost_of(floor, logs, base, better);
	double t = detectable_cost(fl, se, df, alpha);
	bool marked = c->p <= cutoff && fabs(est) > fl;

	c->detectable = fabs(cost_pct(t, logs, base, better));
	c->verdict = !marked ? SF_SAME : est < 0 ? SF_BETTER : SF_WORSE;
}

int sf_cmp_runs_to_mark(const struct sf_cmp_fit *f, enum sf_better better, double est,
			double alpha)
{
	double fl = cost_of(f->floor, f->logs, f->base, better);
	double now = 1.0 / f->nb + 1.0 / f->nn;

	if (!(fabs(est) > fl))
		return SF_NEED_FLOOR;
	for (int n = f->nb > f->nn ? f->nb : f->nn; n <= SF_MAX_ROUNDS; n++) {
		double se = f->se * sqrt(2.0 / n / now);
		double df = fmin(f->df + 2 * n - f->nb - f->nn, SF_DF_INFINITE);

		if (detectable_cost(fl, se, df, alpha) <= fabs(est))
			return n;
	}
	return SF_NEED_MORE;
}

static void decide_all(struct sf_cmp *c)
{
	for (int i = 0; i < c->npairs; i++)
		for (int j = 0; j < c->pairs[i].nrows; j++) {
			struct sf_cmp_row *r = &c->pairs[i].rows[j];

			if (!r->tested)
				continue;
			decide(&r->c, r->fit.est, r->fit.se, r->fit.df, r->fit.floor, r->fit.logs,
			       r->fit.base, r->better, c->cutoff, c->alpha);
			r->marked = r->c.verdict != SF_SAME;
			r->need_runs = !r->marked && r->c.excludes_zero ?
				       sf_cmp_runs_to_mark(&r->fit, r->better, r->fit.est, c->alpha) : 0;
		}
	for (int s = 0; s < c->nstrata; s++) {
		struct sf_cmp_stratum *st = &c->strata[s];

		if (!st->has_shift)
			continue;
		decide(&st->shift, st->model.shift, st->model.shift_se, st->model.shift_df,
		       st->shift_floor, true, 0, SF_LOWER, c->cutoff, c->alpha);
		st->shift_marked = st->shift.verdict != SF_SAME;
	}
}

/*
 * What more runs would buy, from a stratum's spread across runs: the
 * change a typical row finds with 80% power with sf_cmp_need_runs[k]
 * runs a side (its prior's variance and degrees of freedom, a lone
 * discovery's level among the comparison's rows).
 */
static void need(struct sf_cmp *c, struct sf_cmp_stratum *st, int rows, double fdr)
{
	const struct sf_prior *pr = &st->model.prior;
	double alpha = fdr > 0 ? fdr / (rows ? rows : 1) : ALPHA_UNCORRECTED, s = sqrt(pr->s0sq);

	for (int k = 0; k < SF_CMP_NEED; k++) {
		int n = sf_cmp_need_runs[k];
		double df = fmin(2 * n - 2 - st->model.factor + pr->d0, SF_DF_INFINITE);
		double se = s * sqrt(2.0 / n), fl = isfinite(c->noise) ? log1p(c->noise / 100) : s;

		st->need[k] = NAN;
		if (pr->rows < SF_PRIOR_MIN_ROWS || !rows)
			continue;
		st->need[k] = (exp(detectable_cost(fl, se, df, alpha)) - 1) * 100;
	}
}

/* ---- the tally ---- */

static void count_row(struct sf_cmp_tally *t, const struct sf_cmp_row *r)
{
	const struct sf_change *c = &r->c;

	t->metrics++;
	t->better += r->marked && c->verdict == SF_BETTER;
	t->worse += r->marked && c->verdict == SF_WORSE;
	t->same += !r->marked && c->verdict != SF_NO_CI;
	t->no_ci += c->verdict == SF_NO_CI;
	t->unconfirmed += r->tested && !r->marked && c->excludes_zero;
	t->exploratory += r->exploratory;
	t->detect5 += r->tested && isfinite(c->detectable) && c->detectable <= 5;
}

/* The median of the finite cv values of the rows, their count in *n. */
static double median_cv(const struct sf_cmp *c, bool across_runs, int *n)
{
	int max = 0;
	double *v, med;

	for (int i = 0; i < c->npairs; i++)
		max += c->pairs[i].nrows;
	v = malloc((max + 1) * sizeof(*v));
	*n = 0;
	for (int i = 0; v && i < c->npairs; i++)
		for (int j = 0; j < c->pairs[i].nrows; j++) {
			const struct sf_cmp_row *r = &c->pairs[i].rows[j];
			double cv = across_runs ? r->cv_run : r->cv_rep;

			if (r->kind == SF_ROW_COMPARED && isfinite(cv))
				v[(*n)++] = cv;
		}
	med = *n ? sf_median_of(v, (size_t)*n) : NAN;
	free(v);
	return med;
}

static void tally(struct sf_cmp *c)
{
	struct sf_cmp_tally *t = &c->t;

	t->min_runs = SF_MAX_ROUNDS;
	for (int i = 0; i < c->npairs; i++) {
		struct sf_cmp_pair *p = &c->pairs[i];

		t->pairs++;
		t->status_worse += p->state == SF_PAIR_FAILED_NEW;
		for (int j = 0; j < p->nrows; j++)
			if (p->rows[j].kind == SF_ROW_COMPARED)
				count_row(t, &p->rows[j]);
	}
	for (int s = 0; s < c->nstrata; s++) {
		t->shared_worse += c->strata[s].shift_marked && c->strata[s].shift.verdict == SF_WORSE;
		t->shared_better += c->strata[s].shift_marked &&
				    c->strata[s].shift.verdict == SF_BETTER;
		if (c->strata[s].rows)
			t->min_runs = c->strata[s].nb < t->min_runs ? c->strata[s].nb : t->min_runs;
		if (c->strata[s].rows)
			t->min_runs = c->strata[s].nn < t->min_runs ? c->strata[s].nn : t->min_runs;
	}
	t->cv_rep = median_cv(c, false, &t->ncv_rep);
	t->cv_run = median_cv(c, true, &t->ncv_run);
}

/* The median floor of a stratum's tested rows, for its line. */
static void stratum_floor(struct sf_cmp *c, int s)
{
	double *v = malloc((c->strata[s].rows + 1) * sizeof(*v));
	int k = 0;

	c->strata[s].floor = NAN;
	for (int i = 0; v && i < c->npairs; i++)
		for (int j = 0; j < c->pairs[i].nrows; j++)
			if (c->pairs[i].rows[j].tested && c->pairs[i].rows[j].stratum == s &&
			    isfinite(c->pairs[i].rows[j].fit.floor))
				v[k++] = c->pairs[i].rows[j].fit.floor;
	if (k)
		c->strata[s].floor = sf_median_of(v, (size_t)k);
	c->strata[s].fixed_floor = isfinite(c->noise);
	free(v);
}

int sf_cmp_decide(struct sf_cmp_side *b, struct sf_cmp_side *n, double fdr, struct sf_cmp *c)
{
	int compared = 0;

	for (int i = 0; i < c->npairs; i++) {
		int s = c->pairs[i].state == SF_PAIR_OK ? stratum_of(c, &c->pairs[i]) : 0;

		for (int j = 0; j < c->pairs[i].nrows; j++) {
			c->pairs[i].rows[j].stratum = s;
			compared += c->pairs[i].rows[j].kind == SF_ROW_COMPARED;
		}
	}
	for (int s = 0; s < c->nstrata; s++)
		if (fit_stratum(c, b, n, s))
			return -1;
	if (cut(c, fdr))
		return -1;
	decide_all(c);
	for (int s = 0; s < c->nstrata; s++) {
		stratum_floor(c, s);
		need(c, &c->strata[s], compared, fdr);
	}
	tally(c);
	return 0;
}

void sf_cmp_row_effect(const struct sf_cmp_row *r, struct sf_cmp_effect *e)
{
	e->pct = r->c.pct;
	e->lo = r->c.has_ci ? r->c.lo : NAN;
	e->hi = r->c.has_ci ? r->c.hi : NAN;
	e->detectable = r->tested ? r->c.detectable : NAN;
	e->verdict = r->marked ? r->c.verdict : SF_SAME;
	e->exploratory = r->exploratory;
}
