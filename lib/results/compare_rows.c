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
static int group_results(const struct sf_cmp_side *s, const char *key, int *idx, int max)
{
	int k = 0;

	for (int i = 0; i < s->nres && k < max; i++)
		if (s->keys[i] == key && s->res[i].status == SF_OK)
			idx[k++] = i;
	for (int i = 1; i < k; i++)
		for (int j = i; j > 0 && strcmp(s->res[idx[j - 1]].started,
						 s->res[idx[j]].started) > 0; j--) {
			int t = idx[j];

			idx[j] = idx[j - 1];
			idx[j - 1] = t;
		}
	return k;
}

static struct sf_metric *metric_of(const struct sf_result *r, const char *name)
{
	return sf_result_metric((struct sf_result *)r, name);
}

/* ---- runs ---- */

#define CV_FLOOR	0.001	/* a run whose repeats agree to the digit: 0.1% */

/*
 * One value per run of key on side s: the median of the repeats of
 * metric (pooled where a run has the point more than once), the run's id
 * in ids and the robust cv of its repeats in cv; the number of runs.
 */
/* The bootstrap variance of the median of v on logs (NAN unless all are > 0). */
static double log_median_var(const double *v, int n)
{
	double *l = malloc((n ? n : 1) * sizeof(*l)), var = NAN;
	int i;

	for (i = 0; l && i < n && v[i] > 0 && isfinite(v[i]); i++)
		l[i] = log(v[i]);
	if (l && i == n)
		var = sf_median_boot_var(l, (size_t)n);
	free(l);
	return var;
}

int sf_cmp_run_values(const struct sf_cmp_side *s, const char *key, const char *metric,
		      int *ids, double *med, double *cv, double *vmed)
{
	int idx[MAX_ROUNDS * 2], k = group_results(s, key, idx, MAX_ROUNDS * 2), n = 0;

	for (int i = 0; i < k && n < MAX_ROUNDS; i++) {
		int id = s->run ? s->run[idx[i]] : i, j;
		double *v = NULL;
		int nv = 0;

		for (j = 0; j < n && ids[j] != id; j++)
			;
		if (j < n)
			continue;	/* that run's values were pooled already */
		for (int m = i; m < k; m++) {
			struct sf_metric *mt = metric_of(&s->res[idx[m]], metric);
			double *more;

			if ((s->run ? s->run[idx[m]] : m) != id || !mt || !mt->nrepeats)
				continue;
			more = realloc(v, (nv + mt->nrepeats) * sizeof(*v));
			if (!more)
				break;
			v = more;
			memcpy(v + nv, mt->repeats, mt->nrepeats * sizeof(*v));
			nv += mt->nrepeats;
		}
		if (nv && isfinite(sf_median_of(v, (size_t)nv))) {
			ids[n] = id;
			med[n] = sf_median_of(v, (size_t)nv);
			if (vmed)
				vmed[n] = log_median_var(v, nv);
			cv[n++] = fmax(sf_robust_cv_of(v, (size_t)nv), CV_FLOOR);
		}
		free(v);
	}
	return n;
}

/*
 * Two kinds of variation, never to be confused: across the repeats of one
 * run (median over the runs of the point) and, with several runs (rounds)
 * of the same point, across the runs' medians.
 */
static void variation(const struct sf_cmp_side *s, const char *key, struct sf_cmp_row *row)
{
	int idx[MAX_ROUNDS], ids[MAX_ROUNDS], k = group_results(s, key, idx, MAX_ROUNDS), nc = 0;
	double med[MAX_ROUNDS], cvs[MAX_ROUNDS], rcv[MAX_ROUNDS];
	int nm = sf_cmp_run_values(s, key, row->metric, ids, med, rcv, NULL);

	for (int i = 0; i < k; i++) {
		struct sf_metric *m = metric_of(&s->res[idx[i]], row->metric);
		double c = m ? sf_cv_of(m->repeats, (size_t)m->nrepeats) : NAN;

		if (isfinite(c))
			cvs[nc++] = c;
	}
	row->cv_rep = nc ? sf_median_of(cvs, (size_t)nc) : NAN;
	row->cv_run = nm >= 2 ? sf_cv_of(med, (size_t)nm) : NAN;
}

/* Runs a side of a row: the fewer of the two. */
static int runs_a_side(const struct sf_cmp_side *b, const struct sf_cmp_side *n, const char *key,
		       const char *metric)
{
	int ids[MAX_ROUNDS];
	double med[MAX_ROUNDS], cv[MAX_ROUNDS];
	int kb = sf_cmp_run_values(b, key, metric, ids, med, cv, NULL);
	int kn = sf_cmp_run_values(n, key, metric, ids, med, cv, NULL);

	return kb < kn ? kb : kn;
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

/* The medians of the pooled repeats, for a row the model tests; -1 if one is not finite. */
static int pooled_medians(const double *vb, int nb, const double *vn, int nn, struct sf_change *c)
{
	memset(c, 0, sizeof(*c));
	c->nbase = nb;
	c->nnew = nn;
	c->ratio = true;
	for (int i = 0; i < nb; i++) {
		if (!isfinite(vb[i]))
			return -1;
		c->ratio &= vb[i] > 0;
	}
	for (int i = 0; i < nn; i++) {
		if (!isfinite(vn[i]))
			return -1;
		c->ratio &= vn[i] > 0;
	}
	c->base = sf_median_of(vb, (size_t)nb);
	c->new = sf_median_of(vn, (size_t)nn);
	c->pct = c->lo = c->hi = c->coverage = c->p = NAN;
	return 0;
}

/*
 * The row of one base metric; 1 when the new side has no value of it.
 * With SF_MIN_RUNS runs a side it waits for its stratum's model
 * (sf_cmp_decide); with fewer it is exploratory: the pooled repeats'
 * change and interval, shown and never marked.
 */
static int metric_row(const struct sf_cmp_side *b, const struct sf_cmp_side *n,
		      const char *key, const struct sf_metric *m, struct sf_cmp_row *row)
{
	const struct sf_metric *meta = m;
	double *vb, *vn;
	int nb, nn, ret = 0;

	memset(row, 0, sizeof(*row));
	vb = pool(b, key, m->name, &nb, &meta);
	vn = pool(n, key, m->name, &nn, NULL);
	row->metric = m->name;
	row->unit = meta->unit;
	row->better = meta->better;
	row->cv_rep = row->cv_run = NAN;
	if (!nn) {
		ret = 1;
	} else if (!nb) {
		ret = 2;	/* nothing pooled on the base side: no row */
	} else {
		row->kind = meta->better == SF_DIAGNOSTIC ? SF_ROW_DIAGNOSTIC : SF_ROW_COMPARED;
		row->exploratory = runs_a_side(b, n, key, m->name) < SF_MIN_RUNS;
		row->tested = row->kind == SF_ROW_COMPARED && !row->exploratory;
		if (row->tested ? pooled_medians(vb, nb, vn, nn, &row->c) :
		    sf_compare_values(vb, nb, vn, nn, meta->better, 0, &row->c)) {
			row->kind = SF_ROW_NOT_NUMBER;
			row->tested = false;
		}
		/* the pooled repeats' test marks nothing: runs do (sf_cmp_decide) */
		if (row->c.verdict == SF_BETTER || row->c.verdict == SF_WORSE)
			row->c.verdict = SF_SAME;
		row->c.detectable = NAN;
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

/*
 * Which kernel phase moved, where both sides had an attribution pass: by
 * 5% of the event at least or, given one fixed noise floor (compare
 * --noise, bisect's), by that: bisect's icount intervals are near zero and
 * its delays a few percent of the event.
 */
static void phase_deltas(const struct sf_cmp_side *b, const struct sf_cmp_side *n,
			 double noise, struct sf_cmp_pair *p)
{
	struct sf_attrib_kind kb[SF_EV_NKINDS], kn[SF_EV_NKINDS];
	int nb = sf_attrib_kinds(attribution_of(b, p->key), kb);
	int nn = sf_attrib_kinds(attribution_of(n, p->key), kn);

	for (int i = 0; i < nb; i++)
		for (int j = 0; j < nn; j++)
			if (sf_attrib_diff(&kb[i], &kn[j], isfinite(noise) ? noise / 100 : 0.05,
					   &p->delta[p->ndelta]))
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
		int r = metric_row(b, n, key, &rb->metrics[i], &row);

		if (r == 1)
			append_name(p->only_base, sizeof(p->only_base), row.metric);
		else if (!r && add_row(p, &row))
			return -1;
	}
	new_only_metrics(b, n, p);
	phase_deltas(b, n, noise, p);
	if (failed_checks(b, p) || failed_checks(n, p))
		return -1;
	return 0;
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
	}
	out->noise = noise;
	return sf_cmp_decide(b, n, fdr, out);
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
