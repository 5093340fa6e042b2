// SPDX-License-Identifier: MIT
/*
 * A bisect's candidates: built by `syncfault kernel build` (its cache
 * names each kernel by source, patches and config hash), measured in
 * rounds of the watched config, one guest boot a round (the rounds of an
 * A/B, sf_ab_round), kept in the cache under the kernel's key and the
 * watched config's id so that any later bisect or walk reuses them.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sf_ab.h"
#include "sf_bench.h"
#include "sf_bisect_int.h"
#include "sf_cmp_load.h"
#include "sf_errors.h"
#include "sf_spawn.h"
#include "sf_stats.h"
#include "sf_util.h"

double sf_bisect_now(void)
{
	return sf_mono_s();
}

void sf_bisect_say(struct bisect *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
	if (b->log) {
		va_start(ap, fmt);
		vfprintf(b->log, fmt, ap);
		va_end(ap);
		fflush(b->log);
	}
}

/* ---- building ---- */

/* "built:KEY /path/built-KEY/bzImage (build took N s)": the name and its directory. */
static int parse_built(const char *out, char *name, size_t nlen, char *dir, size_t dlen)
{
	const char *l = strstr(out, "built:"), *next;
	char path[PATH_MAX];

	while (l && (next = strstr(l + 1, "\nbuilt:")))
		l = next + 1;
	if (!l || sscanf(l, "%63s %4095s", name, path) != 2 || !strrchr(path, '/'))
		return -1;
	snprintf(dir, dlen, "%.*s", (int)(strrchr(path, '/') - path), path);
	(void)nlen;
	return 0;
}

/* Links OUT/candidates/NNNN -> its measurements, and what they are. */
static int prepare_mdir(struct bisect *b, struct sf_cand *c, const char *key)
{
	char rel[256], path[PATH_MAX + 32], link[PATH_MAX], err[512], what[2048];

	snprintf(rel, sizeof(rel), "measure/%s/%s", key, b->watch_id);
	sf_cache_path(rel, c->mdir, sizeof(c->mdir));
	if (sf_mkdir_p(c->mdir, 0755))
		return sf_error("cannot create %s: %s", c->mdir, strerror(errno));
	snprintf(path, sizeof(path), "%s/what.txt", c->mdir);
	snprintf(what, sizeof(what), "kernel: built:%s, %s\nwatched: watch.ini\nclock: %s\n", key,
		 c->desc, b->clock);
	if (access(path, F_OK) && sf_write_atomic(path, what, strlen(what), err, sizeof(err)))
		return sf_error("%s", err);
	snprintf(path, sizeof(path), "%s/watch.ini", c->mdir);
	if (access(path, F_OK) && sf_copy_file(b->watch_ini, path))
		return sf_error("cannot write %s", path);
	snprintf(link, sizeof(link), "%s/candidates", b->o->out);
	sf_mkdir_p(link, 0755);
	snprintf(link, sizeof(link), "%s/candidates/%04d", b->o->out, c->k);
	unlink(link);
	if (symlink(c->mdir, link))
		return sf_error("cannot link %s: %s", link, strerror(errno));
	return 0;
}

/* kernel build BASE --patch 1..k [-j N] */
static char **build_argv(const struct bisect *b, int k, char *jobs)
{
	char **argv = calloc(2 * k + 10, sizeof(*argv));
	int n = 0;

	if (!argv)
		return NULL;
	argv[n++] = NULL;	/* this binary */
	argv[n++] = "kernel";
	argv[n++] = "build";
	argv[n++] = (char *)b->s.base;
	for (int i = 0; i < k; i++) {
		argv[n++] = "--patch";
		argv[n++] = (char *)b->s.p[i].path;
	}
	if (b->o->jobs) {
		snprintf(jobs, 16, "%d", b->o->jobs);
		argv[n++] = "-j";
		argv[n++] = jobs;
	}
	return argv;
}

static void read_desc(struct sf_cand *c, const char *dir)
{
	char path[PATH_MAX + 16], v[64];

	snprintf(path, sizeof(path), "%s/desc", dir);
	if (sf_read_line(path, c->desc, sizeof(c->desc)))
		snprintf(c->desc, sizeof(c->desc), "?");
	snprintf(path, sizeof(path), "%s/build_s", dir);
	c->build_s = sf_read_line(path, v, sizeof(v)) ? NAN : atof(v);
}

int sf_cand_build(struct bisect *b, int k)
{
	struct sf_cand *c = &b->c[k];
	char log[PATH_MAX + 32], jobs[16], *out = NULL, dir[PATH_MAX], name[64];
	char **argv;
	double t0 = sf_bisect_now();
	int fd, rc;

	if (c->built)
		return 0;
	snprintf(log, sizeof(log), "%s/builds", b->o->out);
	sf_mkdir_p(log, 0755);
	snprintf(log, sizeof(log), "%s/builds/%04d.log", b->o->out, k);
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	argv = build_argv(b, k, jobs);
	if (fd < 0 || !argv) {
		free(argv);
		return sf_error("cannot write %s: %s", log, strerror(errno));
	}
	sf_bisect_say(b, "build %d/%d (%s) ...\n", k, b->s.n, k ? b->s.p[k - 1].subject : "base");
	rc = sf_spawn_capture(argv, fd, 4096, &out);
	close(fd);
	free(argv);
	if (rc || !out || parse_built(out, name, sizeof(name), dir, sizeof(dir))) {
		free(out);
		if (rc == 130 || sf_interrupted)
			return 130;
		sf_error("kernel build of candidate %d failed (exit %d): see %s", k, rc, log);
		return rc == SF_EXIT_USAGE ? SF_EXIT_USAGE : SF_EXIT_ERROR;
	}
	free(out);
	read_desc(c, dir);
	snprintf(c->kernel, sizeof(c->kernel), "%s", name);
	c->wait_s = sf_bisect_now() - t0;
	c->cached = c->wait_s < 0.8 * (isnan(c->build_s) ? 0 : c->build_s);
	c->built = true;
	sf_bisect_say(b, "  %s: %s (build %.0f s%s)\n", c->kernel, c->desc, c->build_s,
		      c->cached ? ", built before" : "");
	return prepare_mdir(b, c, name + strlen("built:"));
}

/* ---- measuring ---- */

static void round_dir(const struct sf_cand *c, int r, char *buf, size_t len)
{
	snprintf(buf, len, "%s/round-%d", c->mdir, r);
}

int sf_cand_rounds(const struct bisect *b, int k)
{
	char dir[PATH_MAX + 16];
	int r = 0;

	do
		round_dir(&b->c[k], ++r, dir, sizeof(dir));
	while (sf_ab_round_done(dir));
	return r - 1;
}

/* One more round of candidate k, under a lock: a second bisect of the same kernel waits. */
static int one_round(struct bisect *b, int k)
{
	struct sf_cand *c = &b->c[k];
	struct sf_ab_side side = { .kernel = c->kernel };
	char dir[PATH_MAX + 16], lock[PATH_MAX + 16], label[64];
	int r = sf_cand_rounds(b, k) + 1, fd, rc;
	double t0 = sf_bisect_now();

	snprintf(lock, sizeof(lock), "%s/.lock", c->mdir);
	fd = open(lock, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 || flock(fd, LOCK_EX)) {
		if (fd >= 0)
			close(fd);
		return sf_error("cannot lock %s: %s", lock, strerror(errno));
	}
	r = sf_cand_rounds(b, k) + 1;	/* another may have run it meanwhile */
	round_dir(c, r, dir, sizeof(dir));
	snprintf(label, sizeof(label), "bisect-%d-r%d", k, r);
	sf_bisect_say(b, "measure %d/%d round %d\n", k, b->s.n, r);
	rc = sf_ab_round(b->watch_ini, dir, label, &side, b->timing);
	close(fd);
	c->measure_s += sf_bisect_now() - t0;
	c->rounds_here++;
	if (rc == 130 || sf_interrupted)
		return 130;
	if (rc == SF_EXIT_USAGE)
		return rc;
	if (!sf_ab_round_done(dir))
		return sf_error("candidate %d round %d: the suite exited %d without finishing (see %s/report.txt)",
				k, r, rc, dir);
	return 0;
}

int sf_cand_measure(struct bisect *b, const int *ks, int n, int want)
{
	for (int pass = 0;; pass++) {
		bool more = false;

		for (int j = 0; j < n; j++) {
			int k = ks[pass % 2 ? n - 1 - j : j], rc;

			if (sf_cand_rounds(b, k) >= want)
				continue;
			if ((rc = one_round(b, k)))
				return rc;
			more = true;
		}
		if (!more)
			return 0;
	}
}

/* ---- comparing ---- */

double sf_value_scale(double v, const char *unit, const char **shown)
{
	*shown = unit;
	if (strcmp(unit, "ns") || !(fabs(v) >= 1e4))
		return 1;
	*shown = fabs(v) >= 1e7 ? "ms" : "us";
	return fabs(v) >= 1e7 ? 1e6 : 1e3;
}

void sf_value_text(double v, const char *unit, char *buf, size_t len)
{
	const char *u;
	double f = sf_value_scale(v, unit, &u);

	if (isnan(v))
		snprintf(buf, len, "?");
	else
		snprintf(buf, len, "%.4g %s", v / f, u);
}

void sf_effect_text(const struct sf_cmp_effect *e, int digits, char *buf, size_t len)
{
	if (isnan(e->pct))
		snprintf(buf, len, "-");
	else if (isnan(e->lo))
		snprintf(buf, len, "%+.*f%% (no interval)", digits, e->pct);
	else
		snprintf(buf, len, "%+.*f%% [%+.*f, %+.*f]", digits, e->pct, digits, e->lo, digits,
			 e->hi);
}

static int load_cand(const struct bisect *b, int k, struct sf_cmp_side *s)
{
	char dir[PATH_MAX + 16], err[1024];
	int n = sf_cand_rounds(b, k);

	for (int r = 1; r <= n; r++) {
		round_dir(&b->c[k], r, dir, sizeof(dir));
		if (sf_cmp_side_load(s, dir, NULL, NULL, err, sizeof(err)))
			return sf_error("%s", err);
	}
	if (!s->nres)
		return sf_error("candidate %d has no finished round in %s", k, b->c[k].mdir);
	return 0;
}

/* Median of metric over every repeat of key's results on a side. */
static double side_median(const struct sf_cmp_side *s, const char *key, const char *metric)
{
	double *v = NULL, m = NAN;
	size_t n = 0;

	for (int i = 0; i < s->nres; i++) {
		struct sf_metric *mt;
		double *nv;

		if (s->keys[i] != key || !(mt = sf_result_metric(&s->res[i], metric)) || !mt->nrepeats)
			continue;
		nv = realloc(v, (n + mt->nrepeats) * sizeof(*v));
		if (!nv)
			break;
		v = nv;
		memcpy(v + n, mt->repeats, mt->nrepeats * sizeof(*v));
		n += mt->nrepeats;
	}
	if (n)
		m = sf_median_of(v, n);
	free(v);
	return m;
}

/* Which watched row a pair is, and its metric; false if none. */
static bool watched(const struct bisect *b, const struct sf_result *r, const struct sf_watch **w,
		    const char **metric)
{
	const struct sf_bench *bench = sf_bench_find(r->bench);

	*w = NULL;
	for (int i = 0; i < b->nw; i++)
		if (sf_watch_match(&b->w[i], r)) {
			*w = &b->w[i];
			*metric = b->w[i].metric;
			return true;
		}
	*metric = bench ? bench->primary_metric : NULL;
	return !b->nw && *metric;
}

static void fill_row(const struct sf_cmp_side *bs, const struct sf_cmp_side *ns,
		     const struct sf_cmp_pair *p, const struct sf_cmp_row *row, struct sf_row_fx *fx)
{
	const struct sf_metric *m = sf_result_metric((struct sf_result *)p->rb, row->metric);

	snprintf(fx->metric, sizeof(fx->metric), "%s", row->metric);
	snprintf(fx->unit, sizeof(fx->unit), "%s", row->unit ? row->unit : "");
	sf_cmp_row_effect(row, &fx->e);
	fx->lower = !m || m->better != SF_HIGHER;
	fx->base = side_median(bs, p->key, row->metric);
	fx->new = side_median(ns, p->key, row->metric);
	for (int i = 0; i < p->ndelta && fx->nphases < 4; i++) {
		const struct sf_attrib_delta *d = &p->delta[i];
		char line[400];

		sf_attrib_delta_line(d, line, sizeof(line));
		snprintf(fx->phases[fx->nphases++], sizeof(fx->phases[0]), "%s phases %+.0f%%: %s",
			 sf_ev_kind_name(d->kind), 100 * (d->new_us / d->base_us - 1), line);
	}
}

/* What a side's times count: emulated or not, and the clock. */
static void clock_of(const struct sf_result *b, const struct sf_result *n, char *buf, size_t len)
{
	char wb[256], wn[256];

	sf_target_timing_words(&b->target, wb, sizeof(wb));
	sf_target_timing_words(&n->target, wn, sizeof(wn));
	snprintf(buf, len, "%s%s%s%s%s", n->target.emulated[0] ? "emulated (" : "",
		 n->target.emulated, n->target.emulated[0] ? "), " : "", wn,
		 strcmp(wb, wn) ? " (the base's: other)" : "");
}

/* The watched rows of a built comparison into rows. */
static int collect(const struct bisect *b, const struct sf_cmp_side *bs,
		   const struct sf_cmp_side *ns, const struct sf_cmp *cmp, struct sf_row_fx *rows,
		   int max)
{
	int n = 0;

	for (int i = 0; i < cmp->npairs && n < max; i++) {
		const struct sf_cmp_pair *p = &cmp->pairs[i];
		const struct sf_watch *w;
		const char *metric;
		struct sf_row_fx *fx = &rows[n];

		if (!watched(b, p->rb, &w, &metric))
			continue;
		memset(fx, 0, sizeof(*fx));
		sf_watch_name(w, p->rb, bs->res, bs->nres, fx->name, sizeof(fx->name));
		fx->e.pct = fx->e.lo = fx->e.hi = fx->e.detectable = NAN;
		fx->e.verdict = SF_NO_CI;
		clock_of(p->rb, p->rn ? p->rn : p->rb, fx->clock, sizeof(fx->clock));
		for (int j = 0; j < p->nrows; j++)
			if (!strcmp(p->rows[j].metric, metric))
				fill_row(bs, ns, p, &p->rows[j], fx);
		if (p->state != SF_PAIR_OK)
			snprintf(fx->metric, sizeof(fx->metric), "%s (failed in %s: %.80s)", metric,
				 p->bad_in_base ? "base" : "new", p->bad ? p->bad->reason : "?");
		else if (!fx->metric[0]) {
			sf_usage_error("%s: no metric '%s' in its results (metric=NAME: one of its metrics)",
				       fx->name, metric);
			return -1;
		}
		n++;
	}
	return n;
}

int sf_cand_compare(const struct bisect *b, int a, int k, struct sf_row_fx *rows, int max)
{
	struct sf_cmp_side bs = { .name = "base" }, ns = { .name = "new" };
	struct sf_cmp_keys keys = { 0 };
	struct sf_cmp cmp = { 0 };
	int n = -1;

	if (load_cand(b, a, &bs) || load_cand(b, k, &ns))
		goto out;
	if (sf_cmp_make_keys(&keys, &bs, &ns, true) || sf_cmp_count_pairs(&bs, &ns) < 0 ||
	    sf_cmp_build(&bs, &ns, b->o->noise, SF_FDR_DEFAULT, &cmp)) {
		sf_error("out of memory");
		goto out;
	}
	n = collect(b, &bs, &ns, &cmp, rows, max);
	if (n == 0) {
		sf_error("no watched row in the results of candidates %d and %d (%s)", a, k,
			 b->c[k].mdir);
		n = -1;
	}
out:
	sf_cmp_free(&cmp);
	sf_cmp_keys_free(&keys, &bs, &ns);
	sf_cmp_side_free(&bs);
	sf_cmp_side_free(&ns);
	return n;
}

const struct sf_cand_ops sf_cand_real_ops = {
	.build = sf_cand_build,
	.rounds = sf_cand_rounds,
	.measure = sf_cand_measure,
	.compare = sf_cand_compare,
};
