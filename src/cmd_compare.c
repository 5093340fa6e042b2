// SPDX-License-Identifier: MIT
/*
 * syncfault compare BASE NEW: pair the results of two runs and print, in
 * 80 columns that survive an email, what changed and whether it is more
 * than noise.  The statistics are in lib/compare.c (sf_compare.h explains
 * the method and the pairing key).
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sf_attrib.h"
#include "cli.h"
#include "sf_compare.h"
#include "sf_harness.h"
#include "sf_result.h"
#include "sf_walk.h"

#define WIDTH	80

/*
 * Two passes over the same comparison: the first, printing into /dev/null,
 * collects every row's p-value for the false-discovery-rate cutoff; the
 * second prints with it.
 */
static FILE *out;

struct side {
	const char *name;	/* "base" or "new" */
	const char *path;
	const char *more[64];	/* more directories merged in (shards): --base/--new */
	int nmore;
	struct sf_result *res;
	int nres, nfiles;
	char **keys;		/* pairing key of each result */
	bool *paired;
};

struct opts {
	double noise, fdr;
	double *p;		/* pass 1: every row's p-value */
	int np;
	bool counting;		/* pass 1 */
	double cutoff;		/* pass 2: largest p that is a discovery */
	bool ignore_target;
	bool auto_ignore;	/* ignore_target chosen because nothing paired */
};

struct tally {
	int pairs, metrics, better, worse, same, no_ci, status_worse, unconfirmed;
	int round_disagree;	/* of the unconfirmed: not the same way every round */
	int detect5;		/* rows whose detectable change is 5% or less */
	/* variation of the base side: inside runs and, with rounds, across them */
	double cv_rep[4096], cv_run[4096];
	int ncv_rep, ncv_run;
};

/* ---- loading ---- */

static int add_file(struct side *s, const char *file, char *err, size_t errlen)
{
	struct sf_result *r, *all;
	int n = sf_results_read(file, &r, err, errlen);

	if (n < 0)
		return -1;
	all = realloc(s->res, (s->nres + n) * sizeof(*all));
	if (!all) {
		sf_results_free(r, n);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	memcpy(all + s->nres, r, n * sizeof(*r));
	free(r);	/* the results themselves moved into all */
	s->res = all;
	s->nres += n;
	s->nfiles++;
	return 0;
}

static int load_path(struct side *s, const char *path, char *err, size_t errlen)
{
	struct sf_walk w;
	int ret = 0, before = s->nres;
	struct stat st;

	if (stat(path, &st)) {
		snprintf(err, errlen, "%s: %s: give a results directory or a result file",
			 path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return add_file(s, path, err, errlen);
	/* each file once: a link to a directory or a second name pools nothing twice */
	if (sf_walk_results(path, true, &w, err, errlen))
		return -1;
	sf_walk_print_skipped(&w, stderr, 10);
	for (int i = 0; !ret && i < w.nfiles; i++)
		ret = add_file(s, w.files[i], err, errlen);
	sf_walk_free(&w);
	if (!ret && s->nres == before) {
		snprintf(err, errlen, "%s: no result files (*.json) in it: give the directory syncfault suite wrote",
			 path);
		ret = -1;
	}
	return ret;
}

/* A side: its directory and the ones merged into it (shards of one suite). */
static int load_side(struct side *s, char *err, size_t errlen)
{
	int ret = load_path(s, s->path, err, errlen);

	for (int i = 0; !ret && i < s->nmore; i++)
		ret = load_path(s, s->more[i], err, errlen);
	return ret;
}

/*
 * Pairing keys, interned: equal keys of both sides are one string (owned
 * by key_pool), so that pairing and grouping compare pointers, and making
 * them is n log n however many results there are.
 */
static char **key_pool;
static int key_npool;

static void key_pool_free(void)
{
	for (int i = 0; i < key_npool; i++)
		free(key_pool[i]);
	free(key_pool);
	key_pool = NULL;
	key_npool = 0;
}

static int cmp_slot(const void *a, const void *b)
{
	return strcmp(**(char **const *)a, **(char **const *)b);
}

static void make_keys1(struct side *s, bool with_target)
{
	if (!s->keys) {
		s->keys = calloc(s->nres + 1, sizeof(*s->keys));
		s->paired = calloc(s->nres + 1, sizeof(*s->paired));
	}
	for (int i = 0; i < s->nres; i++) {
		char key[2048];

		sf_result_key(&s->res[i], with_target, key, sizeof(key));
		s->keys[i] = strdup(key);
		s->paired[i] = false;
	}
}

static void make_keys(struct side *b, struct side *n, bool with_target)
{
	int total = b->nres + n->nres, k = 0;
	char ***slot;

	key_pool_free();
	make_keys1(b, with_target);
	make_keys1(n, with_target);
	slot = malloc((total + 1) * sizeof(*slot));
	key_pool = malloc((total + 1) * sizeof(*key_pool));
	for (int i = 0; i < b->nres; i++)
		slot[k++] = &b->keys[i];
	for (int i = 0; i < n->nres; i++)
		slot[k++] = &n->keys[i];
	if (total)
		qsort(slot, total, sizeof(*slot), cmp_slot);
	for (int i = 0; i < total; i++) {
		if (key_npool && !strcmp(key_pool[key_npool - 1], *slot[i])) {
			free(*slot[i]);
			*slot[i] = key_pool[key_npool - 1];
		} else {
			key_pool[key_npool++] = *slot[i];
		}
	}
	free(slot);
}

static void free_side(struct side *s)
{
	free(s->keys);	/* the strings are key_pool's */
	free(s->paired);
	sf_results_free(s->res, s->nres);
}

/* ---- text helpers ---- */

/* Print words of text wrapped at WIDTH, continuation lines indented. */
static void wrap(const char *first, int indent, const char *text)
{
	int col = fprintf(out, "%s", first);
	bool space = col > 0 && first[col - 1] != ' ';
	char *copy = strdup(text), *save = NULL;

	for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		int len = (int)strlen(w);

		if (col > indent && col + space + len > WIDTH) {
			fprintf(out, "\n%*s", indent, "");
			col = indent;
			space = false;
		}
		if (space)
			col += fprintf(out, " ");
		col += fprintf(out, "%s", w);
		space = true;
	}
	fprintf(out, "\n");
	free(copy);
}

static void fmt_value(double v, const char *unit, char *buf, size_t len)
{
	if (!strcmp(unit, "ns")) {
		sf_fmt_value(v, unit, buf, len);
		return;
	}
	if (!isfinite(v))
		snprintf(buf, len, "-");
	else if (fabs(v) >= 1e9)
		snprintf(buf, len, "%.3gG", v / 1e9);
	else if (fabs(v) >= 1e6)
		snprintf(buf, len, "%.3gM", v / 1e6);
	else if (fabs(v) >= 1e4)
		snprintf(buf, len, "%.3gk", v / 1e3);
	else
		snprintf(buf, len, "%.4g", v);
}

static void fmt_pct(double v, char *buf, size_t len)
{
	if (fabs(v) < 0.05)
		v = 0;		/* no "-0.0%" */
	if (!isfinite(v))
		snprintf(buf, len, "-");
	else if (fabs(v) < 100)
		snprintf(buf, len, "%+.1f%%", v);
	else
		snprintf(buf, len, "%+.0f%%", v);
}

static void fmt_ci(const struct sf_change *c, char *buf, size_t len)
{
	char lo[16], hi[16];

	if (!c->has_ci) {
		snprintf(buf, len, "n/a: n=%d/%d", c->nbase, c->nnew);
		return;
	}
	if (isnan(c->lo)) {
		snprintf(buf, len, "%s", c->excludes_zero ? "excl. 0" : "incl. 0");
		return;
	}
	fmt_pct(c->lo, lo, sizeof(lo));
	fmt_pct(c->hi, hi, sizeof(hi));
	lo[strlen(lo) - 1] = hi[strlen(hi) - 1] = 0;	/* no % signs: width */
	snprintf(buf, len, "[%s, %s]", lo, hi);
}

/* ---- environment ---- */

static const char *env_str(const struct sf_result *r, const char *a, const char *b)
{
	json_object *o = r->env, *v;

	if (!o || !json_object_object_get_ex(o, a, &v))
		return "";
	if (b && (!json_object_is_type(v, json_type_object) ||
		  !json_object_object_get_ex(v, b, &v)))
		return "";
	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
}

enum env_field { E_KERNEL, E_CMDLINE, E_CPU, E_HYPERVISOR, E_TARGET, E_THP, E_VERSION, E_N };

static const char *const env_names[E_N] = {
	"kernel", "cmdline", "CPU", "hypervisor", "target", "THP", "syncfault",
};

static void env_value(const struct sf_result *r, enum env_field f, char *buf, size_t len)
{
	char tk[64];

	switch (f) {
	case E_KERNEL:
		snprintf(buf, len, "%s", r->target.kernel[0] ? r->target.kernel : env_str(r, "kernel", NULL));
		break;
	case E_CMDLINE:
		snprintf(buf, len, "%s", env_str(r, "cmdline", NULL));
		break;
	case E_CPU:
		snprintf(buf, len, "%s", env_str(r, "cpu", "model"));
		break;
	case E_HYPERVISOR:
		snprintf(buf, len, "%s", env_str(r, "hypervisor", NULL));
		break;
	case E_TARGET:
		sf_target_key(&r->target, tk, sizeof(tk));
		snprintf(buf, len, "%s%s%s%s", tk, r->target.map_sync ? " map_sync" : "",
			 r->target.emulated[0] ? " emulated:" : "", r->target.emulated);
		break;
	case E_THP:
		snprintf(buf, len, "%s", env_str(r, "thp", NULL));
		break;
	default:
		snprintf(buf, len, "%s", r->version);
	}
}

/* "a; b" of the distinct values of a field over one side. */
static void env_values(const struct side *s, enum env_field f, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = 0;
	for (int i = 0; i < s->nres; i++) {
		char v[1024];
		bool seen = false;

		env_value(&s->res[i], f, v, sizeof(v));
		for (int j = 0; j < i && !seen; j++) {
			char w[1024];

			env_value(&s->res[j], f, w, sizeof(w));
			seen = !strcmp(v, w);
		}
		if (!seen)
			off += snprintf(buf + off, off < len ? len - off : 0, "%s%s",
					off ? "; " : "", v[0] ? v : "(not recorded)");
	}
}

static void print_env(const struct side *b, const struct side *n)
{
	bool any = false;

	fprintf(out, "Environment differences (what differs between the two sides):\n");
	for (int f = 0; f < E_N; f++) {
		char bv[4096], nv[4096], line[128];

		env_values(b, f, bv, sizeof(bv));
		env_values(n, f, nv, sizeof(nv));
		if (!strcmp(bv, nv))
			continue;
		any = true;
		fprintf(out, "  %s\n", env_names[f]);
		snprintf(line, sizeof(line), "    base: ");
		wrap(line, 10, bv);
		snprintf(line, sizeof(line), "    new:  ");
		wrap(line, 10, nv);
	}
	if (!any)
		fprintf(out, "  none in kernel, cmdline, CPU, hypervisor, target, THP, version\n");
	fprintf(out, "\n");
}

/* ---- pairing and the table ---- */

static bool param_varies_scan(const struct side *b, const struct side *n,
			      const char *bench, const char *k);

/*
 * Do values of param k differ among this bench's results on either side?
 * Asked for every param of every row: remembered, so that a table of many
 * rows is not quadratic in the results.
 */
static bool param_varies(const struct side *b, const struct side *n,
			 const char *bench, const char *k)
{
	static struct { const struct side *b, *n; char bench[32], k[64]; bool v; } memo[512];
	static int nmemo;

	for (int i = 0; i < nmemo; i++)
		if (memo[i].b == b && memo[i].n == n && !strcmp(memo[i].bench, bench) &&
		    !strcmp(memo[i].k, k))
			return memo[i].v;
	if (nmemo == 512)
		return param_varies_scan(b, n, bench, k);
	memo[nmemo].b = b;
	memo[nmemo].n = n;
	snprintf(memo[nmemo].bench, sizeof(memo[0].bench), "%s", bench);
	snprintf(memo[nmemo].k, sizeof(memo[0].k), "%s", k);
	memo[nmemo].v = param_varies_scan(b, n, bench, k);
	return memo[nmemo++].v;
}

static bool param_varies_scan(const struct side *b, const struct side *n,
			      const char *bench, const char *k)
{
	const char *first = NULL;
	const struct side *sides[2] = { b, n };

	for (int s = 0; s < 2; s++)
		for (int i = 0; i < sides[s]->nres; i++) {
			const struct sf_result *r = &sides[s]->res[i];
			const char *v;

			if (strcmp(r->bench, bench))
				continue;
			v = sf_result_param(r, k);
			if (!v)
				v = "";
			if (!first)
				first = v;
			else if (strcmp(first, v))
				return true;
		}
	return false;
}

static void describe(const struct side *b, const struct side *n, const struct sf_result *r,
		     const struct sf_result *other, char *buf, size_t len)
{
	size_t off = snprintf(buf, len, "%s", r->bench);
	char t1[64], t2[64];

	for (int i = 0; i < r->nparams; i++)
		if (strcmp(r->params[i].k, "repeats") &&
		    param_varies(b, n, r->bench, r->params[i].k))
			off += snprintf(buf + off, off < len ? len - off : 0, " %s=%s",
					r->params[i].k, r->params[i].v);
	sf_target_key(&r->target, t1, sizeof(t1));
	if (other) {
		sf_target_key(&other->target, t2, sizeof(t2));
		if (strcmp(t1, t2)) {
			snprintf(buf + off, off < len ? len - off : 0, " [%s -> %s]", t1, t2);
			return;
		}
	}
	/* which emulator: qemu-tcg and qemu-kvm figures are not alike */
	snprintf(buf + off, off < len ? len - off : 0, " [%s%s%s]", t1,
		 r->target.emulated[0] ? ", emulated " : "", r->target.emulated);
}

/* Pool the per-repeat values of one metric over a group of results. */
static double *pool(struct side *s, const char *key, const char *metric, int *n,
		    const struct sf_metric **meta)
{
	double *v = NULL;

	*n = 0;
	for (int i = 0; i < s->nres; i++) {
		struct sf_metric *m;

		if (s->keys[i] != key || s->res[i].status != SF_OK)
			continue;
		m = sf_result_metric(&s->res[i], metric);
		if (!m || !m->nrepeats)
			continue;
		v = realloc(v, (*n + m->nrepeats) * sizeof(*v));
		memcpy(v + *n, m->repeats, m->nrepeats * sizeof(*v));
		*n += m->nrepeats;
		if (meta)
			*meta = m;
	}
	return v;
}

/* A row without a mark says how small a change it could have seen. */
static const char *mark(const struct sf_change *c, bool confirmed, char *buf, size_t len)
{
	switch (c->verdict) {
	case SF_BETTER:
		return confirmed ? "better" : "b?";
	case SF_WORSE:
		return confirmed ? "WORSE" : "w?";
	default:
		if (!isfinite(c->detectable))
			return c->diagnostic ? "diag" : "";
		snprintf(buf, len, c->detectable < 9.95 ? "<%.1f%%" : "<%.0f%%", c->detectable);
		return buf;
	}
}

/*
 * The metric column: the name with its unit where both fit in LABEL_W
 * (ns values carry their own unit).  A longer name is never cut (its end
 * tells _idle from _loaded, _per_update from _per_batch): it gets a line
 * of its own above its numbers, the unit with it where that fits in 80.
 */
#define LABEL_W	23

static bool metric_label(const char *name, const char *unit, char *buf, size_t len)
{
	size_t n = strlen(name);
	bool with_unit = strcmp(unit, "ns") && unit[0];

	if (with_unit && n + strlen(unit) + 3 <= LABEL_W)
		snprintf(buf, len, "%s (%s)", name, unit);
	else if (n <= LABEL_W)
		snprintf(buf, len, "%s", name);
	else if (with_unit && n + strlen(unit) + 5 <= WIDTH)
		snprintf(buf, len, "%s (%s)", name, unit);
	else
		snprintf(buf, len, "%s", name);
	return n <= LABEL_W;
}

static void print_row(const char *name, const char *unit, const struct sf_change *c,
		      bool confirmed)
{
	char label[256], bv[24], nv[24], pct[16], ci[32], mk[16];

	if (!metric_label(name, unit, label, sizeof(label))) {
		fprintf(out, "  %s\n", label);	/* whole, on its own line */
		label[0] = '\0';
	}
	fmt_value(c->base, unit, bv, sizeof(bv));
	fmt_value(c->new, unit, nv, sizeof(nv));
	fmt_pct(c->pct, pct, sizeof(pct));
	if (isnan(c->pct) && c->excludes_zero)
		snprintf(pct, sizeof(pct), "from 0");
	fmt_ci(c, ci, sizeof(ci));
	/* 2 + 23 + 1 + 10 + 1 + 10 + 1 + 8 + 1 + 16 + 1 + 6 = 80 */
	fprintf(out, "  %-*.*s %10.10s %10.10s %8.8s %-16.16s %s\n", LABEL_W, LABEL_W,
	       label, bv, nv, pct, ci, mark(c, confirmed, mk, sizeof(mk)));
}

static int group_status(struct side *s, const char *key, const struct sf_result **bad)
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

static void print_failed_checks(struct side *s, const char *key)
{
	for (int i = 0; i < s->nres; i++) {
		const struct sf_result *r = &s->res[i];
		char line[64];

		if (s->keys[i] != key)
			continue;
		for (int c = 0; c < r->nchecks; c++) {
			char text[512];

			if (r->checks[c].ok)
				continue;
			snprintf(line, sizeof(line), "  ! check failed in %s:", s->name);
			snprintf(text, sizeof(text), "%s: %s", r->checks[c].name, r->checks[c].detail);
			wrap(line, 4, text);
		}
	}
}

/* The ok results of a group, in the order they were started. */
static int group_results(struct side *s, const char *key, const struct sf_result **r, int max)
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

/*
 * Repeats inside one run share its conditions (a busy host, a cold page
 * cache), so a whole run can be off; pooling the repeats of several rounds
 * (scripts/ab) does not make them independent.  When both sides have
 * several rounds, a change counts only if it shows in every round: the
 * i-th base run (in start order) against the i-th new run, the same way
 * and beyond the noise floor.
 */
static bool rounds_agree(struct side *b, struct side *n, const char *key,
			 const char *metric, const struct sf_change *all,
			 struct opts *o, struct tally *t)
{
	const struct sf_result *rb[64], *rn[64];
	int kb = group_results(b, key, rb, 64), kn = group_results(n, key, rn, 64);
	int rounds = kb < kn ? kb : kn;

	if (rounds < 2)
		return true;
	for (int i = 0; i < rounds; i++) {
		struct sf_metric *mb = sf_result_metric((struct sf_result *)rb[i], metric);
		struct sf_metric *mn = sf_result_metric((struct sf_result *)rn[i], metric);
		struct sf_change c;

		if (!mb || !mn || sf_compare_values(mb->repeats, mb->nrepeats, mn->repeats,
						    mn->nrepeats, mb->better, o->noise, &c))
			return false;
		/* this round's estimate: the same way, and beyond the noise floor */
		if (isnan(c.pct) ? (c.new > c.base) != (all->new > all->base) || c.new == c.base :
		    (c.pct > 0) != (all->verdict == SF_BETTER) || fabs(c.pct) <= o->noise) {
			t->round_disagree += !o->counting;
			return false;
		}
	}
	return true;
}

/* One value per run of key: the median of its repeats of metric. */
static int round_medians(struct side *s, const char *key, const char *metric, double *out)
{
	const struct sf_result *r[64];
	int k = group_results(s, key, r, 64), n = 0;

	for (int i = 0; i < k; i++) {
		struct sf_metric *m = sf_result_metric((struct sf_result *)r[i], metric);
		double v;

		if (!m || !m->nrepeats)
			continue;
		v = sf_median_of(m->repeats, (size_t)m->nrepeats);
		if (isfinite(v))
			out[n++] = v;
	}
	return n;
}

/*
 * Two kinds of variation, never to be confused: across the repeats of one
 * run (median over the runs of the point) and, with several runs (rounds)
 * of the same point, across the runs' medians.
 */
static void note_variation(struct side *s, const char *key, const char *metric, struct tally *t)
{
	const struct sf_result *r[64];
	double med[64], cvs[64];
	int k = group_results(s, key, r, 64), nc = 0, nm = round_medians(s, key, metric, med);

	for (int i = 0; i < k; i++) {
		struct sf_metric *m = sf_result_metric((struct sf_result *)r[i], metric);
		double cv = m ? sf_cv_of(m->repeats, (size_t)m->nrepeats) : NAN;

		if (isfinite(cv))
			cvs[nc++] = cv;
	}
	if (nc && t->ncv_rep < 4096)
		t->cv_rep[t->ncv_rep++] = sf_median_of(cvs, (size_t)nc);
	if (nm >= 2 && t->ncv_run < 4096 && isfinite(sf_cv_of(med, (size_t)nm)))
		t->cv_run[t->ncv_run++] = sf_cv_of(med, (size_t)nm);
}

/*
 * With several rounds a side, the runs are the independent samples: the
 * row's p-value is the larger of the pooled one and the rounds' one.
 */
static void rounds_p(struct side *b, struct side *n, const char *key, const char *metric,
		     struct sf_change *c)
{
	double mb[64], mn[64], p;
	int kb = round_medians(b, key, metric, mb), kn = round_medians(n, key, metric, mn);

	p = sf_rounds_p(mb, kb, mn, kn);
	if (isfinite(p) && p > c->p)
		c->p = p;
}

/* The first result of key whose attribution pass folded events. */
static json_object *attribution_of(const struct side *s, const char *key)
{
	for (int i = 0; i < s->nres; i++) {
		json_object *a = s->res[i].attribution, *st;

		if (!strcmp(s->keys[i], key) && a && json_object_object_get_ex(a, "status", &st) &&
		    !strcmp(json_object_get_string(st), "ok"))
			return a;
	}
	return NULL;
}

/* Under a changed row: which kernel phase moved (attribution passes on both sides). */
static void print_phase_change(const struct side *b, const struct side *n, const char *key)
{
	struct sf_attrib_kind kb[SF_EV_NKINDS], kn[SF_EV_NKINDS];
	int nb = sf_attrib_kinds(attribution_of(b, key), kb);
	int nn = sf_attrib_kinds(attribution_of(n, key), kn);

	for (int i = 0; i < nb; i++)
		for (int j = 0; j < nn; j++) {
			struct sf_attrib_delta d;
			char line[512], head[64];

			if (!sf_attrib_diff(&kb[i], &kn[j], 0.05, &d))
				continue;
			sf_attrib_delta_line(&d, line, sizeof(line));
			snprintf(head, sizeof(head), "    %s phases %+.0f%%:", sf_ev_kind_name(d.kind),
				 100 * (d.new_us / d.base_us - 1));
			wrap(head, 6, line);
		}
}

static void compare_metrics(struct side *b, struct side *n, const char *key,
			    const struct sf_result *rb, struct opts *o, struct tally *t)
{
	bool phases_shown = false;
	char only[1024] = "";
	size_t off = 0;

	for (int i = 0; i < rb->nmetrics; i++) {
		const struct sf_metric *m = &rb->metrics[i], *meta = m;
		struct sf_change c;
		double *vb, *vn;
		int nb, nn;

		vb = pool(b, key, m->name, &nb, &meta);
		vn = pool(n, key, m->name, &nn, NULL);
		if (!nn) {
			off += snprintf(only + off, off < sizeof(only) ? sizeof(only) - off : 0,
					"%s%s", off ? ", " : "", m->name);
		} else if (nb && !sf_compare_values(vb, nb, vn, nn, meta->better, o->noise, &c)) {
			bool marked, confirmed;

			rounds_p(b, n, key, m->name, &c);
			marked = c.verdict == SF_BETTER || c.verdict == SF_WORSE;
			/* both conditions are evaluated: the summary counts each */
			confirmed = !marked || rounds_agree(b, n, key, m->name, &c, o, t);
			confirmed = c.p <= o->cutoff && confirmed;

			if (meta->better == SF_DIAGNOSTIC) {
				/* a diagnostic: shown, not a row of the comparison */
				print_row(m->name, meta->unit, &c, true);
				free(vb);
				free(vn);
				continue;
			}
			if (o->counting) {
				o->p = realloc(o->p, (o->np + 1) * sizeof(*o->p));
				o->p[o->np++] = c.p;
			}
			print_row(m->name, meta->unit, &c, confirmed);
			if (marked && !phases_shown) {
				print_phase_change(b, n, key);
				phases_shown = true;
			}
			t->metrics++;
			t->better += c.verdict == SF_BETTER && confirmed;
			t->worse += c.verdict == SF_WORSE && confirmed;
			t->unconfirmed += marked && !confirmed;
			t->same += c.verdict == SF_SAME;
			t->no_ci += c.verdict == SF_NO_CI;
			t->detect5 += isfinite(c.detectable) && c.detectable <= 5;
			note_variation(b, key, m->name, t);
		} else if (nb) {
			fprintf(out, "  %-23.23s not compared: a repeat value is not a number\n", m->name);
		}
		free(vb);
		free(vn);
	}
	if (off)
		wrap("  only in base:", 4, only);
}

/* Metrics that the new results have and the base results do not. */
static void new_only_metrics(struct side *b, struct side *n, const char *key)
{
	char only[1024] = "";
	size_t off = 0;

	for (int i = 0; i < n->nres; i++) {
		const struct sf_result *r = &n->res[i];

		if (n->keys[i] != key || r->status != SF_OK)
			continue;
		for (int k = 0; k < r->nmetrics; k++) {
			int nb;
			double *v = pool(b, key, r->metrics[k].name, &nb, NULL);

			free(v);
			if (!nb && !strstr(only, r->metrics[k].name))
				off += snprintf(only + off, off < sizeof(only) ? sizeof(only) - off : 0,
						"%s%s", off ? ", " : "", r->metrics[k].name);
		}
		break;
	}
	if (off)
		wrap("  only in new:", 4, only);
}

static void compare_pair(struct side *b, struct side *n, const char *key,
			 struct opts *o, struct tally *t)
{
	const struct sf_result *rb = NULL, *rn = NULL, *bad_b, *bad_n;
	char title[2048];
	int okb, okn;

	for (int i = 0; i < b->nres && !rb; i++)
		if (b->keys[i] == key)
			rb = &b->res[i];
	for (int i = 0; i < n->nres && !rn; i++)
		if (n->keys[i] == key)
			rn = &n->res[i];
	describe(b, n, rb, rn, title, sizeof(title));
	fprintf(out, "\n");
	wrap("", 2, title);
	t->pairs++;
	okb = group_status(b, key, &bad_b);
	okn = group_status(n, key, &bad_n);
	if (bad_n && !okn && okb) {
		char text[700];

		snprintf(text, sizeof(text), "%s in new, ok in base: %s",
			 sf_status_name(bad_n->status), bad_n->reason);
		wrap("  WORSE:", 4, text);
		t->status_worse++;
		return;
	}
	if (!okb || !okn) {
		const struct sf_result *bad = !okb ? bad_b : bad_n;
		char text[700];

		snprintf(text, sizeof(text), "%s in %s: %s", sf_status_name(bad->status),
			 !okb ? "base" : "new", bad->reason);
		wrap("  not compared:", 4, text);
		return;
	}
	for (int i = 0; i < b->nres; i++)
		if (b->keys[i] == key && b->res[i].status == SF_OK) {
			rb = &b->res[i];
			break;
		}
	compare_metrics(b, n, key, rb, o, t);
	new_only_metrics(b, n, key);
	print_failed_checks(b, key);
	print_failed_checks(n, key);
}

static int count_pairs(struct side *b, struct side *n)
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

/* Does every result of a side have one and the same target kind? */
static bool single_target(const struct side *s)
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

static void print_unpaired(struct side *s, struct side *b, struct side *n,
			   const struct opts *o)
{
	bool head = false;

	for (int i = 0; i < s->nres; i++) {
		char d[2048];
		bool dup = false;

		if (s->paired[i])
			continue;
		for (int j = 0; j < i && !dup; j++)
			dup = !s->paired[j] && s->keys[i] == s->keys[j];
		if (dup)
			continue;
		if (!head)
			fprintf(out, "\nOnly in %s (nothing in %s with the same benchmark, parameters%s):\n",
			       s->name, s == b ? "new" : "base", o->ignore_target ? "" : ", target");
		head = true;
		describe(b, n, &s->res[i], NULL, d, sizeof(d));
		wrap("  ", 4, d);
	}
}

static void print_header(const struct side *b, const struct side *n, const struct opts *o)
{
	char text[1024];

	fprintf(out, "syncfault compare\n");
	snprintf(text, sizeof(text), "%s%s (%d results in %d files)", b->path,
		 b->nmore ? " and more" : "", b->nres, b->nfiles);
	wrap("  base: ", 8, text);
	snprintf(text, sizeof(text), "%s%s (%d results in %d files)", n->path,
		 n->nmore ? " and more" : "", n->nres, n->nfiles);
	wrap("  new:  ", 8, text);
	wrap("change  ", 8, "new vs base in %, positive = better (a lower time, a higher rate): "
	     "the Hodges-Lehmann estimate, the median of all pairwise new/base ratios of the "
	     "per-repeat values (it can differ from the ratio of the medians shown when "
	     "repeats are bimodal)");
	wrap("95% CI  ", 8, "its exact Mann-Whitney interval (normal approximation for large "
	     "samples); the repeats of results with the same key are pooled");
	if (o->fdr > 0)
		snprintf(text, sizeof(text), "WORSE/better where the CI excludes 0, |change| > the "
			 "noise floor %.1f%% and the row is a discovery at a false discovery rate of "
			 "%g%% over all %d rows (Benjamini-Hochberg on the Mann-Whitney p-values) "
			 "and, where both sides have several rounds (scripts/ab), the change shows "
			 "(the same way, beyond the floor) in every round, and with 3 or more rounds "
			 "the p-value is the larger of the pooled one and a Welch t-test on the "
			 "rounds' log-medians (runs, not repeats, are independent); w?/b?: the CI "
			 "excludes 0 "
			 "but one of the other two does not hold",
			 o->noise, o->fdr * 100, o->np);
	else
		snprintf(text, sizeof(text), "WORSE/better where the CI excludes 0 and |change| > "
			 "the noise floor %.1f%% (--fdr 0: no correction for the %d rows compared) "
			 "and, where both sides have several rounds, the change shows (the same way, "
			 "beyond the floor) in every round; w?/b?: the CI excludes 0 but the change "
			 "does not show in every round",
			 o->noise, o->np);
	wrap("mark    ", 8, text);
	wrap("<X%     ", 8, "in the mark column of an unmarked row: the smallest change that row "
	     "would have marked with 80% power, from the spread and number of its repeats "
	     "(never below the noise floor): no change reads as less than X%");
	if (o->ignore_target)
		wrap("pairing ", 8, o->auto_ignore ?
		     "by benchmark and parameters only: each side has a single target kind and "
		     "none paired with it" : "by benchmark and parameters only (--ignore-target)");
	else
		wrap("pairing ", 8, "by benchmark, parameters and target kind (fs, DAX)");
	fprintf(out, "\n");
}

static void usage(void)
{
	printf("usage: syncfault compare [--noise PCT] [--fdr Q] [--ignore-target] BASE NEW\n"
	       "       syncfault compare [options] --base DIR [--base DIR...] --new DIR [--new DIR...]\n"
	       "  BASE, NEW: results directories (searched recursively; repeats of\n"
	       "  results with the same benchmark, parameters and target are pooled,\n"
	       "  e.g. the rounds of an A/B run) or single result files.\n"
	       "  --base DIR, --new DIR   more directories merged into that side (the\n"
	       "                    shards of a suite run with --shard K/N), repeatable\n"
	       "  --noise PCT       changes within PCT%% are never marked (default %.1f)\n"
	       "  --fdr Q           false discovery rate over all rows (default %.2f; 0: off,\n"
	       "                    mark every row whose CI excludes 0)\n"
	       "  --ignore-target   pair across target kinds (tmpfs against ext4-dax)\n"
	       "exit status: 0 no significant regression, %d a significant regression\n"
	       "(or a run that failed only in NEW), %d bad input.\n",
	       SF_NOISE_DEFAULT, SF_FDR_DEFAULT, SF_EXIT_REGRESSION, SF_EXIT_USAGE);
}

static int parse(int argc, char **argv, struct opts *o, struct side *b, struct side *n)
{
	static const struct option lo[] = {
		{ "noise", required_argument, NULL, 'n' },
		{ "ignore-target", no_argument, NULL, 'i' },
		{ "fdr", required_argument, NULL, 'f' },
		{ "base", required_argument, NULL, 'B' },
		{ "new", required_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	char *end;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'n':
			o->noise = strtod(optarg, &end);
			if (*end || end == optarg || !(o->noise >= 0 && o->noise < 100))
				return sf_usage_error("--noise: '%s' is not valid: a percentage from 0 to 100", optarg);
			break;
		case 'i':
			o->ignore_target = true;
			break;
		case 'f':
			o->fdr = strtod(optarg, &end);
			if (*end || end == optarg || !(o->fdr >= 0 && o->fdr < 1))
				return sf_usage_error("--fdr: '%s' is not valid: a rate from 0 (off) to below 1", optarg);
			break;
		case 'B':
		case 'N': {
			struct side *s = c == 'B' ? b : n;

			if (s->nmore >= (int)(sizeof(s->more) / sizeof(s->more[0])))
				return sf_usage_error("--%s given too often: at most %zu directories a side",
						      s->name, sizeof(s->more) / sizeof(s->more[0]));
			s->more[s->nmore++] = optarg;
			break;
		}
		case 'h':
			usage();
			return -1;
		default:
			return sf_getopt_error("compare", argv);
		}
	}
	if (argc - optind == 2) {
		b->path = argv[optind];
		n->path = argv[optind + 1];
		return 0;
	}
	if (argc - optind != 0 || !b->nmore || !n->nmore)
		return sf_usage_error("compare takes two arguments, BASE and NEW (or --base DIR... --new DIR...): see syncfault compare --help");
	/* the first --base/--new is the side's name */
	b->path = b->more[0];
	n->path = n->more[0];
	memmove(b->more, b->more + 1, --b->nmore * sizeof(b->more[0]));
	memmove(n->more, n->more + 1, --n->nmore * sizeof(n->more[0]));
	return 0;
}

static void print_report(struct side *b, struct side *n, struct opts *o, struct tally *t)
{
	char text[1024];

	print_header(b, n, o);
	print_env(b, n);
	fprintf(out, "  %-23s %10s %10s %8s %-16s %s\n", "metric", "base", "new", "change",
		"95% CI (%)", "mark");
	for (int i = 0; i < b->nres; i++) {
		bool done = false;

		if (!b->paired[i])
			continue;
		for (int j = 0; j < i && !done; j++)
			done = b->keys[i] == b->keys[j];
		if (!done)
			compare_pair(b, n, b->keys[i], o, t);
	}
	print_unpaired(b, b, n, o);
	print_unpaired(n, b, n, o);
	fprintf(out, "\n");
	snprintf(text, sizeof(text),
		 "Summary: %d metrics in %d pairs: %d significantly worse, %d significantly better, "
		 "%d without a significant change, %d with a CI excluding 0 but not confirmed "
		 "(w?/b?; %d of them not shown in every round), %d without a 95%% CI "
		 "(too few repeats)%s; %d of the %d rows could detect a 5%% change.",
		 t->metrics, t->pairs, t->worse, t->better, t->same, t->unconfirmed,
		 t->round_disagree, t->no_ci,
		 t->status_worse ? "; runs that failed only in new: see WORSE above" : "",
		 t->detect5, t->metrics);
	wrap("", 0, text);
	if (t->ncv_run)
		snprintf(text, sizeof(text), "Variation in base: across the repeats of one run, median cv %.1f%% (%d rows); "
			 "across runs of the same point (rounds), median cv %.1f%% (%d rows): the second is what "
			 "running the command again would see.",
			 100 * sf_median_of(t->cv_rep, (size_t)t->ncv_rep), t->ncv_rep,
			 100 * sf_median_of(t->cv_run, (size_t)t->ncv_run), t->ncv_run);
	else if (t->ncv_rep)
		snprintf(text, sizeof(text), "Variation in base: across the repeats of one run, median cv %.1f%% (%d rows); "
			 "no across-run cv (one run per point: scripts/ab --rounds gives several); "
			 "a second run of the same command varies more than its repeats.",
			 100 * sf_median_of(t->cv_rep, (size_t)t->ncv_rep), t->ncv_rep);
	if (t->ncv_rep)
		wrap("", 0, text);
}

int cmd_compare(int argc, char **argv)
{
	struct opts o = { .noise = SF_NOISE_DEFAULT, .fdr = SF_FDR_DEFAULT };
	struct side b = { .name = "base" }, n = { .name = "new" };
	struct tally t = { 0 };
	char err[1024];
	int ret = SF_EXIT_USAGE, rc;

	rc = parse(argc, argv, &o, &b, &n);
	if (rc)
		return rc < 0 ? SF_EXIT_OK : rc;
	if (load_side(&b, err, sizeof(err)) || load_side(&n, err, sizeof(err))) {
		sf_usage_error("%s", err);
		goto out;
	}
	make_keys(&b, &n, !o.ignore_target);
	if (!count_pairs(&b, &n) && !o.ignore_target && single_target(&b) && single_target(&n)) {
		o.ignore_target = o.auto_ignore = true;
		make_keys(&b, &n, false);
		count_pairs(&b, &n);
	}
	if (!count_pairs(&b, &n)) {
		sf_usage_error("nothing to compare: no result in %s has the benchmark and parameters%s of one in %s",
			       n.path, o.ignore_target ? "" : " and target kind (--ignore-target pairs across targets)",
			       b.path);
		goto out;
	}
	/* pass 1: p-values of every row; pass 2: print, marking discoveries */
	out = fopen("/dev/null", "we");
	if (!out) {
		sf_usage_error("cannot open /dev/null: %s", strerror(errno));
		goto out;
	}
	o.counting = true;
	o.cutoff = 1;
	print_report(&b, &n, &o, &t);
	fclose(out);
	o.cutoff = o.fdr > 0 ? sf_fdr_cutoff(o.p, o.np, o.fdr) : 1;
	o.counting = false;
	memset(&t, 0, sizeof(t));
	out = stdout;
	print_report(&b, &n, &o, &t);
	ret = t.worse || t.status_worse ? SF_EXIT_REGRESSION : SF_EXIT_OK;
out:
	out = stdout;
	free(o.p);
	free_side(&b);
	free_side(&n);
	key_pool_free();
	return ret;
}
