// SPDX-License-Identifier: MIT
/*
 * The end of `syncfault compare`'s text (sf_compare_text.h): the summary,
 * why rows on too few runs are not marked, and per stratum what the
 * run-level model found (the runs' offsets, the prior, the shared shift,
 * the runs a side that would resolve a typical row); and the tsv lines.
 */
#include <math.h>
#include <stdio.h>

#include "compare_text_int.h"
#include "sf_compare_text.h"
#include "sf_fmt.h"
#include "sf_util.h"

static void print_summary(FILE *out, const struct sf_cmp_tally *t)
{
	char text[1024];

	snprintf(text, sizeof(text),
		 "Summary: %d metrics in %d pairs: %d significantly worse, %d significantly better, "
		 "%d without a significant change (%d tested with an interval excluding 0 but not "
		 "marked: w?/b?; %d exploratory, on fewer than 3 runs a side), %d without a 95%% CI "
		 "(too few repeats)%s%s; %d of the %d rows tested would mark a 5%% change with 80%% "
		 "power.",
		 t->metrics, t->pairs, t->worse, t->better, t->same, t->unconfirmed, t->exploratory,
		 t->no_ci, t->shared_worse + t->shared_better ?
		 "; a target kind's shared shift marked: see below" : "",
		 t->status_worse ? "; runs that failed only in new: see WORSE above" : "",
		 t->detect5, t->metrics - t->exploratory - t->no_ci);
	sf_wrap(out, "", 0, text);
	if (t->ncv_run)
		snprintf(text, sizeof(text), "Variation in base: across the repeats of one run, "
			 "median cv %.1f%% (%d rows); across runs of the same point (rounds), median "
			 "cv %.1f%% (%d rows): the second is what running the command again would see.",
			 100 * t->cv_rep, t->ncv_rep, 100 * t->cv_run, t->ncv_run);
	else if (t->ncv_rep)
		snprintf(text, sizeof(text), "Variation in base: across the repeats of one run, "
			 "median cv %.1f%% (%d rows); no across-run cv (one run per point: syncfault ab "
			 "--rounds gives several); a second run of the same command varies more than "
			 "its repeats.", 100 * t->cv_rep, t->ncv_rep);
	if (t->ncv_rep)
		sf_wrap(out, "", 0, text);
}

/* Without runs, no mark: why, and what runs would buy. */
static void print_exploratory(FILE *out, const struct sf_cmp *c)
{
	char text[512];

	if (!c->t.exploratory)
		return;
	snprintf(text, sizeof(text), "No mark without runs: %d row%s compared on %s run%s a side; "
		 "repeats inside one run share its conditions (a guest boot, the host's state), so "
		 "they cannot tell a change from a different run.  Nothing is marked there; 3 runs "
		 "a side (syncfault ab --rounds 3) is the least that can mark a row%s", c->t.exploratory,
		 c->t.exploratory == 1 ? " is" : "s are",
		 c->t.min_runs <= 1 ? "one" : "fewer than 3", c->t.min_runs <= 1 ? "" : "s",
		 c->t.min_runs <= 1 ? ", and how many it takes depends on how far runs spread, "
		 "which one run a side cannot show." : ": below, what more runs would resolve.");
	sf_wrap(out, "", 0, text);
}

/* What the model of one stratum found: the runs' offsets, the prior, the floor. */
static void print_model(FILE *out, const struct sf_cmp_stratum *st)
{
	const struct sf_runs_model *m = &st->model;
	const struct sf_prior *pr = &m->prior;
	char text[900], d0[32];
	size_t off;

	off = snprintf(text, sizeof(text), "%s: %d rows, %d run%s base, %d new; ", st->name,
		       st->rows, st->nb, st->nb == 1 ? "" : "s", st->nn);
	if (m->factor)
		off += snprintf(text + off, sizeof(text) - off, "the runs moved their rows "
				"together by %.2g%% (sd of the runs' offsets, from the %d rows that "
				"follow them; taken out, so each row's change is beyond the shared "
				"shift); ", 100 * (exp(m->boot_sd) - 1), m->nfactor);
	else
		off += snprintf(text + off, sizeof(text) - off, "the runs did not move their "
				"rows together beyond the rows' own noise (or too few rows vary): "
				"each row is tested on its own runs; ");
	snprintf(d0, sizeof(d0), isinf(pr->d0) ? "unlimited" : "%.1f", pr->d0);
	if (pr->rows < SF_PRIOR_MIN_ROWS)
		snprintf(text + off, sizeof(text) - off, "%d row%s with spread across runs, too "
			 "few for a shared prior: each row on its own variance.", pr->rows,
			 pr->rows == 1 ? "" : "s");
	else
		snprintf(text + off, sizeof(text) - off, "left within rows: typical spread across "
			 "runs %.2g%%%s, the prior worth %s degrees of freedom to a row (%d noisier "
			 "than the rest get less).", 100 * (exp(sqrt(pr->s0sq)) - 1),
			 pr->trend ? " (for a row, following its spread within a run)" : "", d0,
			 pr->shrunk);
	sf_wrap(out, "  ", 4, text);
	if (isfinite(st->floor)) {
		snprintf(text, sizeof(text), "noise floor: %s, median %.2g%%",
			 st->fixed_floor ? "--noise" : "each row's typical spread across runs",
			 st->floor);
		sf_wrap(out, "    ", 6, text);
	}
}

static void print_shift(FILE *out, const struct sf_cmp_stratum *st)
{
	const struct sf_change *c = &st->shift;
	char text[600], pct[16], lo[16], hi[16], st_mark[64];
	int dec = sf_cmp_decimals(c->pct, c->lo, c->hi);

	if (!st->has_shift)
		return;
	/* the shift as the times moved: up is slower (rates moved the other way) */
	sf_cmp_fmt_pct_dec(-c->pct, dec, pct, sizeof(pct));
	sf_cmp_fmt_pct_dec(-c->hi, dec, lo, sizeof(lo));
	sf_cmp_fmt_pct_dec(-c->lo, dec, hi, sizeof(hi));
	if (st->shift_marked)
		snprintf(st_mark, sizeof(st_mark), "marked %s",
			 c->verdict == SF_WORSE ? "WORSE" : "better");
	else if (c->detectable >= 100)
		snprintf(st_mark, sizeof(st_mark), "not marked (blind)");
	else
		snprintf(st_mark, sizeof(st_mark), "not marked (80%%@%.2g%%)", c->detectable);
	snprintf(text, sizeof(text), "shared shift: the times of all its rows moved %s [%s, %s] "
		 "from base to new (rates the other way; t with %.0f degrees of freedom from the "
		 "runs' offsets): a kernel-wide change or a boot effect; %s.", pct, lo, hi,
		 st->model.shift_df, st_mark);
	sf_wrap(out, "    ", 6, text);
}

static void print_need(FILE *out, const struct sf_cmp_stratum *st)
{
	char text[300];
	size_t off = 0;

	if (!isfinite(st->need[0]))
		return;
	off += snprintf(text, sizeof(text), "runs a side for 80%% power on a typical row:");
	for (int k = 0; k < SF_CMP_NEED; k++)
		off += snprintf(text + off, sizeof(text) - off, "%s %d runs %.2g%%", k ? "," : "",
				sf_cmp_need_runs[k], st->need[k]);
	snprintf(text + off, sizeof(text) - off, ".");
	sf_wrap(out, "    ", 6, text);
}

static void print_strata(FILE *out, const struct sf_cmp *c)
{
	bool any = false;

	for (int s = 0; s < c->nstrata; s++)
		any |= c->strata[s].rows > 0 && c->strata[s].nb + c->strata[s].nn >= 4;
	if (!any)
		return;
	fprintf(out, "Runs, per target kind:\n");
	for (int s = 0; s < c->nstrata; s++) {
		const struct sf_cmp_stratum *st = &c->strata[s];

		if (!st->rows || st->nb + st->nn < 4)
			continue;
		print_model(out, st);
		print_shift(out, st);
		print_need(out, st);
	}
}

void sf_cmp_text_tail(FILE *out, const struct sf_cmp *c)
{
	print_summary(out, &c->t);
	print_exploratory(out, c);
	print_strata(out, c);
}

/* ---- one line per row, for scripts ---- */

static const char *tsv_mark(const struct sf_cmp_row *r)
{
	if (r->kind == SF_ROW_NOT_NUMBER)
		return "not-a-number";
	if (r->kind == SF_ROW_DIAGNOSTIC)
		return "diag";
	if (r->exploratory)
		return "expl";
	if (r->marked)
		return r->c.verdict == SF_BETTER ? "better" : "WORSE";
	return r->c.excludes_zero ? (r->c.pct > 0 ? "b?" : "w?") : "-";
}

void sf_cmp_tsv(FILE *f, const struct sf_cmp *c)
{
	fprintf(f, "key\tmetric\tunit\tstratum\tbase\tnew\tchange_pct\tlo_pct\thi_pct\tp\t"
		"detectable_pct\tmark\truns_base\truns_new\n");
	for (int i = 0; i < c->npairs; i++) {
		const struct sf_cmp_pair *p = &c->pairs[i];

		if (p->state != SF_PAIR_OK) {
			fprintf(f, "%s\t-\t-\t-\t\t\t\t\t\t\t\t%s\t\t\n", p->key,
				p->state == SF_PAIR_FAILED_NEW ? "WORSE-failed" : "not-compared");
			continue;
		}
		for (int j = 0; j < p->nrows; j++) {
			const struct sf_cmp_row *r = &p->rows[j];
			const struct sf_change *x = &r->c;

			fprintf(f, "%s\t%s\t%s\t%s\t%.6g\t%.6g\t%.4g\t%.4g\t%.4g\t%.4g\t%.4g\t%s\t%d\t%d\n",
				p->key, r->metric, r->unit, c->strata[r->stratum].name, x->base, x->new,
				x->pct, x->lo, x->hi, x->p, x->detectable, tsv_mark(r),
				r->tested ? r->fit.nb : 0, r->tested ? r->fit.nn : 0);
		}
	}
	for (int s = 0; s < c->nstrata; s++) {
		const struct sf_cmp_stratum *st = &c->strata[s];

		if (st->has_shift)
			fprintf(f, "shared-shift\t-\t-\t%s\t\t\t%.4g\t%.4g\t%.4g\t%.4g\t%.4g\t%s\t%d\t%d\n",
				st->name, st->shift.pct, st->shift.lo, st->shift.hi, st->shift.p,
				st->shift.detectable, st->shift_marked ? (st->shift.verdict == SF_WORSE ?
				"WORSE" : "better") : "-", st->nb, st->nn);
	}
}
