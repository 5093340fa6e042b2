// SPDX-License-Identifier: MIT
/*
 * The findings of a run (sf_findings.h): what each benchmark's declared
 * findings hold among the results, as facts.  Nothing here prints.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sf_array.h"
#include "sf_findings.h"

/* docs/design.md's questions: the heading, and what measures one not measured */
static const struct {
	const char *title, *how;
} questions[SF_NQUESTIONS] = {
	[SF_Q_FAULT] = { "Page-fault cost, with and without MAP_SYNC",
			 "a [fault] section with mode = none, mapsync on a DAX target (vm:ext4-dax)" },
	[SF_Q_DURABLE] = { "Time to durable per update, and the break-even batch",
			   "a [sync] section with mode = mapsync, msync and batch = 1, 16, 256 on a DAX target" },
	[SF_Q_DAXFILE] = { "What daxfile buys over MAP_SYNC",
			   "a [fault] section with mode = mapsync, daxfile and class = written on a DAX target" },
	[SF_Q_FLUSH] = { "The floor under the flush-only modes",
			 "a [flush] section (bench = flush)" },
	[SF_Q_CONTENTION] = { "What sync faults do to mmap_lock waiters",
			      "a [contention] section with model = threads, processes" },
	[SF_Q_CRASH] = { "Durability after a power failure",
			 "syncfault crashtest (a run of its own, not a suite section)" },
	[SF_Q_AB] = { "What changed between kernel A and kernel B",
		      "syncfault ab, or syncfault compare BASE NEW (its compare.txt and compare.html)" },
};

const char *sf_question_title(enum sf_question q)
{
	return q < SF_NQUESTIONS ? questions[q].title : "?";
}

const char *sf_question_how(enum sf_question q)
{
	return q < SF_NQUESTIONS ? questions[q].how : "?";
}

double sf_effect_ratio(enum sf_better better, double pct)
{
	return better == SF_HIGHER ? 1 + pct / 100 : 1 - pct / 100;
}

static struct sf_fact *new_fact(struct sf_findings *fs, const struct sf_bench *b,
				const struct sf_finding *d)
{
	struct sf_fact *f;

	if (SF_GROW(fs->f, fs->n + 1, fs->cap))
		return NULL;
	f = &fs->f[fs->n++];
	memset(f, 0, sizeof(*f));
	f->bench = b;
	f->decl = d;
	f->va = f->vb = f->lo = f->hi = NAN;
	f->ratio = f->ratio_lo = f->ratio_hi = NAN;
	return f;
}

static bool dropped(const char *k, const char *const *drop)
{
	for (; *drop; drop++)
		if (!strcmp(k, *drop))
			return true;
	return false;
}

/* r as its pairing key sees it without the parameters in drop (a shallow copy) */
static int without(const struct sf_result *r, const char *const *drop, struct sf_result *out)
{
	*out = *r;
	out->params = malloc(((size_t)r->nparams + 1) * sizeof(*out->params));
	if (!out->params)
		return -1;
	out->nparams = 0;
	for (int i = 0; i < r->nparams; i++)
		if (!dropped(r->params[i].k, drop))
			out->params[out->nparams++] = r->params[i];
	return 0;
}

/* The group of r: its key (target included) without the parameters in drop. */
static int group_key(const struct sf_result *r, const char *const *drop, char *buf, size_t len)
{
	struct sf_result c;

	if (without(r, drop, &c))
		return -1;
	sf_result_key(&c, true, buf, len);
	free(c.params);
	return 0;
}

/* ---- CONTRAST: one comparison, param = against as base, param = value as new ---- */

struct side_copy {
	struct sf_result *copy;
	int *orig;	/* index into res of each copy */
	int n;
};

static int collect(struct sf_result *res, int n, const struct sf_bench *b, const char *param,
		   const char *value, struct side_copy *s)
{
	const char *drop[] = { param, NULL };

	s->copy = calloc((size_t)n + 1, sizeof(*s->copy));
	s->orig = calloc((size_t)n + 1, sizeof(*s->orig));
	if (!s->copy || !s->orig)
		return -1;
	for (int i = 0; i < n; i++) {
		const char *v = sf_result_param(&res[i], param);

		if (strcmp(res[i].bench, b->name) || !v || strcmp(v, value))
			continue;
		if (without(&res[i], drop, &s->copy[s->n]))
			return -1;
		s->orig[s->n++] = i;
	}
	return 0;
}

static void side_free(struct side_copy *s)
{
	for (int i = 0; s->copy && i < s->n; i++)
		free(s->copy[i].params);
	free(s->copy);
	free(s->orig);
}

static const struct sf_cmp_row *row_of(const struct sf_cmp_pair *p, const char *metric)
{
	for (int i = 0; i < p->nrows; i++)
		if (p->rows[i].kind == SF_ROW_COMPARED && !strcmp(p->rows[i].metric, metric))
			return &p->rows[i];
	return NULL;
}

/* The fact of a row: its effect, and as a ratio new/base with the interval's ends. */
static void effect_fact(struct sf_fact *f, const struct sf_cmp_row *row, enum sf_better better)
{
	sf_cmp_row_effect(row, &f->e);
	f->va = row->c.new;
	f->vb = row->c.base;
	f->nn = row->c.nnew;
	f->nb = row->c.nbase;
	f->ratio = sf_effect_ratio(better, f->e.pct);	/* the estimate the interval goes with */
	if (!isnan(f->e.lo)) {
		double a = sf_effect_ratio(better, f->e.lo), z = sf_effect_ratio(better, f->e.hi);

		f->ratio_lo = fmin(a, z);
		f->ratio_hi = fmax(a, z);
	}
}

static int contrast_facts(struct sf_result *res, int n, const struct sf_bench *b,
			  const struct sf_finding *d, struct sf_findings *fs)
{
	struct side_copy sb = { 0 }, sn = { 0 };
	struct sf_cmp_side base = { .name = "base" }, new = { .name = "new" };
	struct sf_cmp_keys keys = { 0 };
	struct sf_cmp cmp = { 0 };
	int ret = -1;

	if (collect(res, n, b, d->param, d->against, &sb) ||
	    collect(res, n, b, d->param, d->value, &sn))
		goto out;
	base.res = sb.copy;
	base.nres = sb.n;
	new.res = sn.copy;
	new.nres = sn.n;
	if (sf_cmp_make_keys(&keys, &base, &new, true))
		goto out;
	if (sf_cmp_count_pairs(&base, &new) &&
	    sf_cmp_build(&base, &new, SF_NOISE_DEFAULT, SF_FDR_DEFAULT, &cmp))
		goto out;
	for (int i = 0; i < cmp.npairs; i++) {
		const struct sf_cmp_pair *p = &cmp.pairs[i];
		const struct sf_cmp_row *row = p->state == SF_PAIR_OK ? row_of(p, d->metric) : NULL;
		struct sf_metric *m;
		struct sf_fact *f;

		if (!row)
			continue;
		if (!(f = new_fact(fs, b, d)))
			goto out;
		f->a = &res[sn.orig[p->rn - sn.copy]];
		f->b = &res[sb.orig[p->rb - sb.copy]];
		m = sf_result_metric((struct sf_result *)f->a, d->metric);
		effect_fact(f, row, m ? m->better : SF_LOWER);
	}
	ret = 0;
out:
	sf_cmp_free(&cmp);
	sf_cmp_keys_free(&keys, &base, &new);
	side_free(&sb);
	side_free(&sn);
	return ret;
}

/* ---- PAIR: metric against metric2 of one result (metric2 the base) ---- */

static int pair_facts(struct sf_result *res, int n, const struct sf_bench *b,
		      const struct sf_finding *d, struct sf_findings *fs)
{
	for (int i = 0; i < n; i++) {
		struct sf_metric *m = sf_result_metric(&res[i], d->metric);
		struct sf_metric *m2 = sf_result_metric(&res[i], d->metric2);
		struct sf_cmp_row row = { .kind = SF_ROW_COMPARED };
		struct sf_fact *f;

		if (strcmp(res[i].bench, b->name) || res[i].status != SF_OK || !m || !m2 ||
		    sf_compare_values(m2->repeats, m2->nrepeats, m->repeats, m->nrepeats, m->better,
				      SF_NOISE_DEFAULT, &row.c))
			continue;
		/* one comparison, not a family: its own interval decides */
		row.marked = row.c.verdict == SF_BETTER || row.c.verdict == SF_WORSE;
		if (!(f = new_fact(fs, b, d)))
			return -1;
		f->a = f->b = &res[i];
		effect_fact(f, &row, m->better);
	}
	return 0;
}

/* ---- BEST and BREAKEVEN: per group of results ---- */

/*
 * The groups of bench b's results that ran (keys without drop): group[i]
 * is the index of the first result of i's group, -1 for results not in any.
 */
static int *groups(struct sf_result *res, int n, const struct sf_bench *b, const char *const *drop)
{
	int *g = malloc(((size_t)n + 1) * sizeof(*g));
	char (*key)[1024] = calloc((size_t)n + 1, sizeof(*key));

	for (int i = 0; g && key && i < n; i++) {
		g[i] = -1;
		if (strcmp(res[i].bench, b->name) || res[i].status != SF_OK ||
		    group_key(&res[i], drop, key[i], sizeof(key[i]))) {
			continue;
		}
		g[i] = i;
		for (int j = 0; j < i; j++)
			if (g[j] == j && !strcmp(key[i], key[j])) {
				g[i] = j;
				break;
			}
	}
	if (!key) {
		free(g);
		g = NULL;
	}
	free(key);
	return g;
}

static bool better_than(double v, double best, enum sf_better better)
{
	return isnan(best) || (better == SF_HIGHER ? v > best : v < best);
}

/* The best result of value v of d->by in group g, or -1. */
static int best_of(struct sf_result *res, int n, const int *grp, int g,
		   const struct sf_finding *d, const char *v)
{
	double best = NAN;
	int at = -1;

	for (int i = 0; i < n; i++) {
		const char *vi = sf_result_param(&res[i], d->by);
		struct sf_metric *m = sf_result_metric(&res[i], d->metric);

		if (grp[i] != g || !vi || strcmp(vi, v) || !m || !isfinite(m->sum.p50))
			continue;
		if (better_than(m->sum.p50, best, m->better)) {
			best = m->sum.p50;
			at = i;
		}
	}
	return at;
}

/* Has an earlier result of group g the same value of by as result i? */
static bool seen_value(struct sf_result *res, const int *grp, int g, int i, const char *by)
{
	const char *v = sf_result_param(&res[i], by);

	for (int j = 0; j < i; j++)
		if (grp[j] == g && !strcmp(sf_result_param(&res[j], by) ?: "", v ?: ""))
			return true;
	return false;
}

/* The groups of BEST: one per target of bench b's results that ran. */
static int *target_groups(struct sf_result *res, int n, const struct sf_bench *b)
{
	int *g = malloc(((size_t)n + 1) * sizeof(*g));

	for (int i = 0; g && i < n; i++) {
		char ki[64], kj[64];

		g[i] = -1;
		if (strcmp(res[i].bench, b->name) || res[i].status != SF_OK)
			continue;
		g[i] = i;
		sf_target_key(&res[i].target, ki, sizeof(ki));
		for (int j = 0; j < i; j++) {
			sf_target_key(&res[j].target, kj, sizeof(kj));
			if (g[j] == j && !strcmp(ki, kj)) {
				g[i] = j;
				break;
			}
		}
	}
	return g;
}

/* The best first (insertion: a handful of values). */
static void sort_best(struct sf_fact *f, int n)
{
	for (int i = 1; i < n; i++) {
		struct sf_fact x = f[i];
		struct sf_metric *m = sf_result_metric((struct sf_result *)x.a, x.decl->metric);
		int j = i;

		for (; j > 0 && better_than(x.va, f[j - 1].va, m->better); j--)
			f[j] = f[j - 1];
		f[j] = x;
	}
}

/* The best result of each value of by in group g, the best first. */
static int best_in_group(struct sf_result *res, int n, const int *grp, int g,
			 const struct sf_bench *b, const struct sf_finding *d,
			 struct sf_findings *fs)
{
	int start = fs->n;

	for (int i = g; i < n; i++) {
		const char *v = sf_result_param(&res[i], d->by);
		struct sf_fact *f;
		int at;

		if (grp[i] != g || !v || seen_value(res, grp, g, i, d->by) ||
		    (at = best_of(res, n, grp, g, d, v)) < 0)
			continue;
		if (!(f = new_fact(fs, b, d)))
			return -1;
		f->a = &res[at];
		f->va = sf_result_metric(&res[at], d->metric)->sum.p50;
		sf_repeat_range(sf_result_metric(&res[at], d->metric), &f->lo, &f->hi);
	}
	sort_best(fs->f + start, fs->n - start);
	return 0;
}

static int best_facts(struct sf_result *res, int n, const struct sf_bench *b,
		      const struct sf_finding *d, struct sf_findings *fs)
{
	int *grp = target_groups(res, n, b), ret = 0;

	if (!grp)
		return -1;
	for (int g = 0; g < n && !ret; g++)
		if (grp[g] == g)
			ret = best_in_group(res, n, grp, g, b, d, fs);
	free(grp);
	return ret;
}

static int breakeven_facts(struct sf_result *res, int n, const struct sf_bench *b,
			   const struct sf_finding *d, struct sf_findings *fs)
{
	const struct sf_breakeven_spec *sp = d->breakeven;
	const char *drop[] = { sp->x, sp->by, NULL };
	int *grp = groups(res, n, b, drop), ret = 0;
	struct sf_result **in = calloc((size_t)n + 1, sizeof(*in));

	for (int g = 0; grp && in && g < n && !ret; g++) {
		struct sf_be_pair pairs[16];
		int nin = 0, np;

		if (grp[g] != g)
			continue;
		for (int i = g; i < n; i++)
			if (grp[i] == g)
				in[nin++] = &res[i];
		np = sf_breakeven_pairs(in, nin, sp, pairs, 16);
		for (int k = 0; k < np; k++) {
			struct sf_fact *f = new_fact(fs, b, d);

			if (!f) {
				ret = -1;
				break;
			}
			f->a = &res[g];
			f->be = pairs[k];
		}
	}
	if (!grp || !in)
		ret = -1;
	free(grp);
	free(in);
	return ret;
}

static int facts_of(struct sf_result *res, int n, const struct sf_bench *b,
		    const struct sf_finding *d, struct sf_findings *fs)
{
	switch (d->kind) {
	case SF_FIND_CONTRAST:
		return contrast_facts(res, n, b, d, fs);
	case SF_FIND_PAIR:
		return pair_facts(res, n, b, d, fs);
	case SF_FIND_BEST:
		return best_facts(res, n, b, d, fs);
	case SF_FIND_BREAKEVEN:
		return d->breakeven ? breakeven_facts(res, n, b, d, fs) : 0;
	}
	return 0;
}

int sf_findings_build(struct sf_result *res, int n, const struct sf_bench *const *benches,
		      struct sf_findings *out)
{
	memset(out, 0, sizeof(*out));
	for (int q = 0; q < SF_NQUESTIONS; q++)
		for (int b = 0; benches[b]; b++)
			for (const struct sf_finding *d = benches[b]->findings; d && d->metric; d++)
				if ((int)d->q == q && facts_of(res, n, benches[b], d, out)) {
					sf_findings_free(out);
					return -1;
				}
	return 0;
}

void sf_findings_free(struct sf_findings *fs)
{
	free(fs->f);
	memset(fs, 0, sizeof(*fs));
}

bool sf_findings_have(const struct sf_findings *fs, enum sf_question q)
{
	for (int i = 0; i < fs->n; i++)
		if (fs->f[i].decl->q == q)
			return true;
	return false;
}
