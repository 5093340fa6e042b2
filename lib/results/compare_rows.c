// SPDX-License-Identifier: MIT
/*
 * The rows of `syncfault compare` (sf_compare_rows.h): pairing, pooling,
 * rounds, the FDR cut and the tally, as facts.  Nothing here prints.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sf_compare_rows.h"
#include "sf_stats.h"

#define MAX_ROUNDS	SF_MAX_ROUNDS

/* ---- pairing keys ---- */

static int cmp_slot(const void *a, const void *b)
{
	return strcmp(**(const char **const *)a, **(const char **const *)b);
}

static int make_keys1(struct sf_cmp_side *s, bool with_target)
{
	if (!s->keys) {
		s->keys = calloc(s->nres + 1, sizeof(*s->keys));
		s->paired = calloc(s->nres + 1, sizeof(*s->paired));
		if (!s->keys || !s->paired)
			return -1;
	}
	for (int i = 0; i < s->nres; i++) {
		char key[2048];

		sf_result_key(&s->res[i], with_target, key, sizeof(key));
		s->keys[i] = strdup(key);
		s->paired[i] = false;
		if (!s->keys[i])
			return -1;
	}
	return 0;
}

void sf_cmp_keys_free(struct sf_cmp_keys *k, struct sf_cmp_side *b, struct sf_cmp_side *n)
{
	for (int i = 0; i < k->n; i++)
		free(k->pool[i]);
	free(k->pool);
	k->pool = NULL;
	k->n = 0;
	if (b && n) {
		free(b->keys);
		free(b->paired);
		free(n->keys);
		free(n->paired);
		b->keys = n->keys = NULL;
		b->paired = n->paired = NULL;
	}
}

int sf_cmp_make_keys(struct sf_cmp_keys *k, struct sf_cmp_side *b, struct sf_cmp_side *n,
		     bool with_target)
{
	int total = b->nres + n->nres, j = 0;
	const char ***slot;

	sf_cmp_keys_free(k, NULL, NULL);
	if (make_keys1(b, with_target) || make_keys1(n, with_target))
		return -1;
	slot = malloc((total + 1) * sizeof(*slot));
	k->pool = malloc((total + 1) * sizeof(*k->pool));
	if (!slot || !k->pool) {
		free(slot);
		return -1;
	}
	for (int i = 0; i < b->nres; i++)
		slot[j++] = &b->keys[i];
	for (int i = 0; i < n->nres; i++)
		slot[j++] = &n->keys[i];
	if (total)
		qsort(slot, total, sizeof(*slot), cmp_slot);
	/* equal keys become the pool's one string */
	for (int i = 0; i < total; i++) {
		if (k->n && !strcmp(k->pool[k->n - 1], *slot[i])) {
			free((char *)*slot[i]);
			*slot[i] = k->pool[k->n - 1];
		} else {
			k->pool[k->n++] = (char *)*slot[i];
		}
	}
	free(slot);
	return 0;
}

int sf_cmp_count_pairs(struct sf_cmp_side *b, struct sf_cmp_side *n)
{
	int pairs = 0;

	/* every result whose key the other side has is paired (rounds pool) */
	memset(b->paired, 0, b->nres * sizeof(*b->paired));
	memset(n->paired, 0, n->nres * sizeof(*n->paired));
	for (int i = 0; i < b->nres; i++)
		for (int j = 0; j < n->nres; j++)
			if (b->keys[i] == n->keys[j]) {
				pairs += !b->paired[i];
				b->paired[i] = n->paired[j] = true;
			}
	return pairs;
}

bool sf_cmp_single_target(const struct sf_cmp_side *s)
{
	char first[64], t[64];

	if (s->nres < 1)
		return false;
	sf_target_key(&s->res[0].target, first, sizeof(first));
	for (int i = 1; i < s->nres; i++) {
		sf_target_key(&s->res[i].target, t, sizeof(t));
		if (strcmp(first, t))
			return false;
	}
	return true;
}

/* ---- one group (the results of one key on one side) ---- */

/* Pool the per-repeat values of one metric over a group of results. */
static double *pool(const struct sf_cmp_side *s, const char *key, const char *metric, int *n,
		    const struct sf_metric **meta)
{
	double *v = NULL;

	*n = 0;
	for (int i = 0; i < s->nres; i++) {
		struct sf_metric *m;
		double *more;

		if (s->keys[i] != key || s->res[i].status != SF_OK)
			continue;
		m = sf_result_metric(&s->res[i], metric);
		if (!m || !m->nrepeats)
			continue;
		more = realloc(v, (*n + m->nrepeats) * sizeof(*v));
		if (!more)
			break;
		v = more;
		memcpy(v + *n, m->repeats, m->nrepeats * sizeof(*v));
		*n += m->nrepeats;
		if (meta)
			*meta = m;
	}
	return v;
}

static int group_status(const struct sf_cmp_side *s, const char *key,
			const struct sf_result **bad)
{
	int ok = 0;

	*bad = NULL;
	for (int i = 0; i < s->nres; i++) {
		if (s->keys[i] != key)
			continue;
		if (s->res[i].status == SF_OK)
			ok++;
		else if (!*bad)
			*bad = &s->res[i];
	}
	return ok;
}

/* The ok results of a group, in the order they were started. */
static int group_results(const struct sf_cmp_side *s, const char *key,
			 const struct sf_result **r, int max)
{
	int k = 0;

	for (int i = 0; i < s->nres && k < max; i++)
		if (s->keys[i] == key && s->res[i].status == SF_OK)
			r[k++] = &s->res[i];
	for (int i = 1; i < k; i++)
		for (int j = i; j > 0 && strcmp(r[j - 1]->started, r[j]->started) > 0; j--) {
			const struct sf_result *t = r[j];

			r[j] = r[j - 1];
			r[j - 1] = t;
		}
	return k;
}

static struct sf_metric *metric_of(const struct sf_result *r, const char *name)
{
	return sf_result_metric((struct sf_result *)r, name);
}

/* ---- rounds ---- */

/* Does round i's estimate go the way of the pooled one, beyond the floor? */
static bool round_same_way(const struct sf_change *c, const struct sf_change *all, double noise)
{
	if (isnan(c->pct))
		return (c->new > c->base) == (all->new > all->base) && c->new != c->base;
	return (c->pct > 0) == (all->verdict == SF_BETTER) && fabs(c->pct) > noise;
}

/*
 * Repeats inside one run share its conditions (a busy host, a cold page
 * cache), so a whole run can be off; pooling the repeats of several rounds
 * (syncfault ab) does not make them independent.  When both sides have
 * several rounds, a change counts only if it shows in every round: the
 * i-th base run (in start order) against the i-th new run, the same way
 * and beyond the noise floor.
 */
static void rounds_agree(const struct sf_cmp_side *b, const struct sf_cmp_side *n,
			 const char *key, double noise, struct sf_cmp_row *row)
{
	const struct sf_result *rb[MAX_ROUNDS], *rn[MAX_ROUNDS];
	int kb = group_results(b, key, rb, MAX_ROUNDS), kn = group_results(n, key, rn, MAX_ROUNDS);
	int rounds = kb < kn ? kb : kn;

	row->rounds_ok = true;
	for (int i = 0; rounds >= 2 && i < rounds; i++) {
		struct sf_metric *mb = metric_of(rb[i], row->metric);
		struct sf_metric *mn = metric_of(rn[i], row->metric);
		struct sf_change c;

		if (!mb || !mn || sf_compare_values(mb->repeats, mb->nrepeats, mn->repeats,
						    mn->nrepeats, mb->better, noise, &c)) {
			row->rounds_ok = false;
			return;
		}
		if (!round_same_way(&c, &row->c, noise)) {
			row->rounds_ok = false;
			row->round_disagree = true;
			return;
		}
	}
}

/* One value per run of key: the median of its repeats of metric. */
static int round_medians(const struct sf_cmp_side *s, const char *key, const char *metric,
			 double *out)
{
	const struct sf_result *r[MAX_ROUNDS];
	int k = group_results(s, key, r, MAX_ROUNDS), n = 0;

	for (int i = 0; i < k; i++) {
		struct sf_metric *m = metric_of(r[i], metric);
		double v;

		if (!m || !m->nrepeats)
			continue;
		v = sf_median_of(m->repeats, (size_t)m->nrepeats);
		if (isfinite(v))
			out[n++] = v;
	}
	return n;
}

#define CV_FLOOR	0.001	/* a run whose repeats agree to the digit: 0.1% */

/*
 * The spread (sf_cv_of, sf_robust_cv_of) of the repeats of each run of key
 * on side s, appended to out[n...]; the new count.
 */
static int run_spreads(const struct sf_cmp_side *s, const char *key, const char *metric,
		       double (*spread)(const double *, size_t), double *out, int n)
{
	const struct sf_result *r[MAX_ROUNDS];
	int k = group_results(s, key, r, MAX_ROUNDS);

	for (int i = 0; i < k; i++) {
		struct sf_metric *m = metric_of(r[i], metric);
		double c = m ? spread(m->repeats, (size_t)m->nrepeats) : NAN;

		if (isfinite(c))
			out[n++] = c;
	}
	return n;
}

/*
 * With three or more rounds a side, the runs are the independent samples:
 * their statistics, for the rounds test once every row has them, and how
 * much the row's repeats vary inside a run (median over both sides' runs),
 * which the rounds test's prior follows.
 */
static void rounds_stats(const struct sf_cmp_side *b, const struct sf_cmp_side *n,
			 const char *key, struct sf_cmp_row *row)
{
	double mb[MAX_ROUNDS], mn[MAX_ROUNDS], cv[2 * MAX_ROUNDS];
	int kb = round_medians(b, key, row->metric, mb), kn = round_medians(n, key, row->metric, mn);
	int nc = run_spreads(n, key, row->metric, sf_robust_cv_of, cv,
			     run_spreads(b, key, row->metric, sf_robust_cv_of, cv, 0));

	for (int i = 0; i < nc; i++)
		cv[i] = fmax(cv[i], CV_FLOOR);
	row->has_rounds = !sf_rounds_stats(mb, kb, mn, kn, &row->rounds);
	if (row->has_rounds && nc)
		row->rounds.x = 2 * log(sf_median_of(cv, (size_t)nc));
}

/*
 * Two kinds of variation, never to be confused: across the repeats of one
 * run (median over the runs of the point) and, with several runs (rounds)
 * of the same point, across the runs' medians.
 */
static void variation(const struct sf_cmp_side *s, const char *key, struct sf_cmp_row *row)
{
	double med[MAX_ROUNDS], cvs[MAX_ROUNDS];
	int nc = run_spreads(s, key, row->metric, sf_cv_of, cvs, 0);
	int nm = round_medians(s, key, row->metric, med);

	row->cv_rep = nc ? sf_median_of(cvs, (size_t)nc) : NAN;
	row->cv_run = nm >= 2 ? sf_cv_of(med, (size_t)nm) : NAN;
}

/* ---- a pair ---- */

static void append_name(char *buf, size_t len, const char *name)
{
	size_t off = strlen(buf);

	snprintf(buf + off, off < len ? len - off : 0, "%s%s", off ? ", " : "", name);
}

static int add_row(struct sf_cmp_pair *p, const struct sf_cmp_row *row)
{
	struct sf_cmp_row *rows = realloc(p->rows, (p->nrows + 1) * sizeof(*rows));

	if (!rows)
		return -1;
	p->rows = rows;
	p->rows[p->nrows++] = *row;
	return 0;
}

/* The row of one base metric; 1 when the new side has no value of it. */
static int metric_row(const struct sf_cmp_side *b, const struct sf_cmp_side *n,
		      const char *key, const struct sf_metric *m, double noise,
		      struct sf_cmp_row *row)
{
	const struct sf_metric *meta = m;
	double *vb, *vn;
	int nb, nn, ret = 0;

	memset(row, 0, sizeof(*row));
	vb = pool(b, key, m->name, &nb, &meta);
	vn = pool(n, key, m->name, &nn, NULL);
	row->metric = m->name;
	row->unit = meta->unit;
	row->cv_rep = row->cv_run = row->p_rounds = NAN;
	if (!nn) {
		ret = 1;
	} else if (!nb) {
		ret = 2;	/* nothing pooled on the base side: no row */
	} else if (sf_compare_values(vb, nb, vn, nn, meta->better, noise, &row->c)) {
		row->kind = SF_ROW_NOT_NUMBER;
	} else {
		rounds_stats(b, n, key, row);
		row->marked = row->c.verdict == SF_BETTER || row->c.verdict == SF_WORSE;
		row->rounds_ok = true;
		if (row->marked)
			rounds_agree(b, n, key, noise, row);
		row->kind = meta->better == SF_DIAGNOSTIC ? SF_ROW_DIAGNOSTIC : SF_ROW_COMPARED;
		if (row->kind == SF_ROW_COMPARED)
			variation(b, key, row);
	}
	free(vb);
	free(vn);
	return ret;
}

/* Metrics that the new results have and the base results do not. */
static void new_only_metrics(const struct sf_cmp_side *b, const struct sf_cmp_side *n,
			     struct sf_cmp_pair *p)
{
	for (int i = 0; i < n->nres; i++) {
		const struct sf_result *r = &n->res[i];

		if (n->keys[i] != p->key || r->status != SF_OK)
			continue;
		for (int k = 0; k < r->nmetrics; k++) {
			int nb;
			double *v = pool(b, p->key, r->metrics[k].name, &nb, NULL);

			free(v);
			if (!nb && !strstr(p->only_new, r->metrics[k].name))
				append_name(p->only_new, sizeof(p->only_new), r->metrics[k].name);
		}
		break;
	}
}

/* The first result of key whose attribution pass folded events. */
static json_object *attribution_of(const struct sf_cmp_side *s, const char *key)
{
	for (int i = 0; i < s->nres; i++) {
		json_object *a = s->res[i].attribution, *st;

		if (s->keys[i] == key && a && json_object_object_get_ex(a, "status", &st) &&
		    !strcmp(json_object_get_string(st), "ok"))
			return a;
	}
	return NULL;
}

/* Which kernel phase moved, where both sides had an attribution pass. */
static void phase_deltas(const struct sf_cmp_side *b, const struct sf_cmp_side *n,
			 struct sf_cmp_pair *p)
{
	struct sf_attrib_kind kb[SF_EV_NKINDS], kn[SF_EV_NKINDS];
	int nb = sf_attrib_kinds(attribution_of(b, p->key), kb);
	int nn = sf_attrib_kinds(attribution_of(n, p->key), kn);

	for (int i = 0; i < nb; i++)
		for (int j = 0; j < nn; j++)
			if (sf_attrib_diff(&kb[i], &kn[j], 0.05, &p->delta[p->ndelta]))
				p->ndelta++;
	p->roles = sf_attrib_roles_get(attribution_of(b, p->key), &p->roles_b) &&
		   sf_attrib_roles_get(attribution_of(n, p->key), &p->roles_n);
}

static int failed_checks(const struct sf_cmp_side *s, struct sf_cmp_pair *p)
{
	for (int i = 0; i < s->nres; i++) {
		const struct sf_result *r = &s->res[i];

		if (s->keys[i] != p->key)
			continue;
		for (int c = 0; c < r->nchecks; c++) {
			struct sf_cmp_failed_check *fc;

			if (r->checks[c].ok)
				continue;
			fc = realloc(p->checks, (p->nchecks + 1) * sizeof(*fc));
			if (!fc)
				return -1;
			p->checks = fc;
			p->checks[p->nchecks].side = s->name;
			p->checks[p->nchecks++].check = &r->checks[c];
		}
	}
	return 0;
}

static const struct sf_result *first_of(const struct sf_cmp_side *s, const char *key, bool ok)
{
	for (int i = 0; i < s->nres; i++)
		if (s->keys[i] == key && (!ok || s->res[i].status == SF_OK))
			return &s->res[i];
	return NULL;
}

/* Which of the two sides failed, if either: the pair's state. */
static bool pair_state(const struct sf_cmp_side *b, const struct sf_cmp_side *n,
		       struct sf_cmp_pair *p)
{
	const struct sf_result *bad_b, *bad_n;
	int okb = group_status(b, p->key, &bad_b), okn = group_status(n, p->key, &bad_n);

	if (bad_n && !okn && okb) {
		p->state = SF_PAIR_FAILED_NEW;
		p->bad = bad_n;
	} else if (!okb || !okn) {
		p->state = SF_PAIR_NOT_COMPARED;
		p->bad_in_base = !okb;
		p->bad = !okb ? bad_b : bad_n;
	}
	return p->state == SF_PAIR_OK;
}

static int build_pair(const struct sf_cmp_side *b, const struct sf_cmp_side *n,
		      const char *key, double noise, struct sf_cmp_pair *p)
{
	const struct sf_result *rb;

	memset(p, 0, sizeof(*p));
	p->key = key;
	p->rb = first_of(b, key, false);
	p->rn = first_of(n, key, false);
	if (!pair_state(b, n, p))
		return 0;
	rb = first_of(b, key, true);
	for (int i = 0; i < rb->nmetrics; i++) {
		struct sf_cmp_row row;
		int r = metric_row(b, n, key, &rb->metrics[i], noise, &row);

		if (r == 1)
			append_name(p->only_base, sizeof(p->only_base), row.metric);
		else if (!r && add_row(p, &row))
			return -1;
	}
	new_only_metrics(b, n, p);
	phase_deltas(b, n, p);
	if (failed_checks(b, p) || failed_checks(n, p))
		return -1;
	return 0;
}

/* ---- all rows: the rounds test, the FDR cut, then the tally ---- */

/* The stratum of a pair: its target kind, and the emulator it ran under. */
static void stratum_name(const struct sf_cmp_pair *p, char *buf, size_t len)
{
	char t[64];

	sf_target_key(&p->rb->target, t, sizeof(t));
	snprintf(buf, len, "%s%s%s", t, p->rb->target.emulated[0] ? ", emulated " : "",
		 p->rb->target.emulated);
}

static int stratum_of(struct sf_cmp *c, const struct sf_cmp_pair *p)
{
	char name[sizeof(c->strata[0].name)];
	int i;

	stratum_name(p, name, sizeof(name));
	for (i = 0; i < c->nstrata; i++)
		if (!strcmp(c->strata[i].name, name))
			return i;
	if (i == SF_CMP_MAX_STRATA)
		return i - 1;	/* the last one takes the rest */
	snprintf(c->strata[c->nstrata++].name, sizeof(name), "%s", name);
	return i;
}

/* The prior of one stratum, from its rows with rounds. */
static int fit_stratum(struct sf_cmp *c, int s)
{
	const struct sf_rounds **r = malloc((c->nfdr + 1) * sizeof(*r));
	int k = 0;

	if (!r)
		return -1;
	for (int i = 0; i < c->npairs; i++)
		for (int j = 0; j < c->pairs[i].nrows; j++) {
			struct sf_cmp_row *row = &c->pairs[i].rows[j];

			if (row->kind == SF_ROW_COMPARED && row->has_rounds && row->stratum == s)
				r[k++] = &row->rounds;
		}
	sf_rounds_prior_fit(r, k, &c->strata[s].prior);
	free(r);
	return 0;
}

/*
 * The rows of one target kind ran in the same runs (the same guest boots,
 * the same host) and share one variance prior (sf_rounds_prior_fit): each
 * row's rounds p-value from it (what it could detect: rounds_detectable).
 */
static int rounds_test(struct sf_cmp *c)
{
	for (int i = 0; i < c->npairs; i++) {
		int s = stratum_of(c, &c->pairs[i]);

		for (int j = 0; j < c->pairs[i].nrows; j++)
			c->pairs[i].rows[j].stratum = s;
	}
	for (int s = 0; s < c->nstrata; s++)
		if (fit_stratum(c, s))
			return -1;
	for (int i = 0; i < c->npairs; i++)
		for (int j = 0; j < c->pairs[i].nrows; j++) {
			struct sf_cmp_row *row = &c->pairs[i].rows[j];
			const struct sf_rounds_prior *pr = &c->strata[row->stratum].prior;

			if (row->kind != SF_ROW_COMPARED || !row->has_rounds)
				continue;
			row->p_rounds = sf_rounds_p(&row->rounds, pr);
			row->own_variance = sf_rounds_own(&row->rounds, pr);
		}
	return 0;
}

/*
 * What a row with rounds could have marked: the rounds test at the level
 * a discovery needed in this comparison (the FDR cut, and at least q/m:
 * what one change alone must reach); a mark needs the pooled interval
 * too, so the larger of the two bounds what was seen.
 */
static void rounds_detectable(struct sf_cmp *c, double fdr)
{
	double alpha = fdr > 0 ? fmax(c->cutoff, fdr / (c->nfdr ? c->nfdr : 1)) : 0.05;

	for (int i = 0; i < c->npairs; i++)
		for (int j = 0; j < c->pairs[i].nrows; j++) {
			struct sf_cmp_row *row = &c->pairs[i].rows[j];
			double d;

			if (row->kind != SF_ROW_COMPARED || !row->has_rounds)
				continue;
			d = sf_rounds_detectable_pct(&row->rounds, &c->strata[row->stratum].prior, alpha);
			if (isfinite(row->c.detectable) && isfinite(d) && d > row->c.detectable)
				row->c.detectable = d;
		}
}

/*
 * The p-value a row stands in the family with: with rounds, the runs are
 * the independent samples and the rounds test decides; otherwise the
 * pooled repeats' Mann-Whitney p.
 */
static double family_p(const struct sf_cmp_row *r)
{
	return isfinite(r->p_rounds) ? r->p_rounds : r->c.p;
}

static double cutoff_of(struct sf_cmp *c, double fdr)
{
	double *p = malloc((c->nfdr + 1) * sizeof(*p)), cut;
	int k = 0;

	if (!p)
		return 0;
	for (int i = 0; i < c->npairs; i++)
		for (int j = 0; j < c->pairs[i].nrows; j++)
			if (c->pairs[i].rows[j].kind == SF_ROW_COMPARED)
				p[k++] = family_p(&c->pairs[i].rows[j]);
	cut = fdr > 0 ? sf_fdr_cutoff(p, k, fdr) : 1;
	free(p);
	return cut;
}

static void count_row(struct sf_cmp_tally *t, const struct sf_cmp_row *r)
{
	const struct sf_change *c = &r->c;

	t->metrics++;
	t->better += c->verdict == SF_BETTER && r->confirmed;
	t->worse += c->verdict == SF_WORSE && r->confirmed;
	t->unconfirmed += r->marked && !r->confirmed;
	t->round_disagree += r->round_disagree;
	t->same += c->verdict == SF_SAME;
	t->no_ci += c->verdict == SF_NO_CI;
	t->detect5 += isfinite(c->detectable) && c->detectable <= 5;
	t->own_variance += r->has_rounds && r->own_variance;
}

/* The median of the finite cv values of the rows, their count in *n. */
static double median_cv(const struct sf_cmp *c, bool across_runs, int *n)
{
	double *v = malloc((c->nfdr + 1) * sizeof(*v)), med;

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

static void cut_and_count(struct sf_cmp *c, double fdr)
{
	c->cutoff = cutoff_of(c, fdr);
	rounds_detectable(c, fdr);
	for (int i = 0; i < c->npairs; i++) {
		struct sf_cmp_pair *p = &c->pairs[i];

		c->t.pairs++;
		c->t.status_worse += p->state == SF_PAIR_FAILED_NEW;
		for (int j = 0; j < p->nrows; j++) {
			struct sf_cmp_row *r = &p->rows[j];

			if (r->kind != SF_ROW_COMPARED) {
				r->confirmed = true;	/* never marked */
				continue;
			}
			/* with rounds, also the same way beyond the floor in each */
			r->confirmed = !r->marked || (family_p(r) <= c->cutoff && r->rounds_ok);
			count_row(&c->t, r);
		}
	}
	c->t.cv_rep = median_cv(c, false, &c->t.ncv_rep);
	c->t.cv_run = median_cv(c, true, &c->t.ncv_run);
}

int sf_cmp_build(struct sf_cmp_side *b, struct sf_cmp_side *n, double noise, double fdr,
		 struct sf_cmp *out)
{
	memset(out, 0, sizeof(*out));
	for (int i = 0; i < b->nres; i++) {
		bool done = !b->paired[i];
		struct sf_cmp_pair *p;

		for (int j = 0; j < i && !done; j++)
			done = b->keys[i] == b->keys[j];
		if (done)
			continue;
		p = realloc(out->pairs, (out->npairs + 1) * sizeof(*p));
		if (!p)
			return -1;
		out->pairs = p;
		if (build_pair(b, n, b->keys[i], noise, &out->pairs[out->npairs++]))
			return -1;
		p = &out->pairs[out->npairs - 1];
		for (int j = 0; j < p->nrows; j++)
			out->nfdr += p->rows[j].kind == SF_ROW_COMPARED;
	}
	if (rounds_test(out))
		return -1;
	cut_and_count(out, fdr);
	return 0;
}

void sf_cmp_free(struct sf_cmp *c)
{
	for (int i = 0; i < c->npairs; i++) {
		free(c->pairs[i].rows);
		free(c->pairs[i].checks);
	}
	free(c->pairs);
	memset(c, 0, sizeof(*c));
}

void sf_cmp_row_effect(const struct sf_cmp_row *r, struct sf_cmp_effect *e)
{
	e->pct = r->c.pct;
	e->lo = r->c.has_ci ? r->c.lo : NAN;
	e->hi = r->c.has_ci ? r->c.hi : NAN;
	e->detectable = r->c.detectable;
	e->verdict = r->marked && r->confirmed ? r->c.verdict : SF_SAME;
	e->exploratory = false;
}
