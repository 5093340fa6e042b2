// SPDX-License-Identifier: MIT
/*
 * syncfault bisect --walk: every prefix of the series measured, and per
 * watched row a table of each patch's step change (patch k against patch
 * k-1) and a figure of the row against the number of patches applied:
 * what a reviewer pastes to say "patch 3 costs 2%, patch 7 gives back 5%".
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sf_bisect_int.h"
#include "sf_datadir.h"
#include "sf_errors.h"
#include "sf_spawn.h"
#include "sf_util.h"

#define WALK_MAX_ROWS	16

struct walk {
	int n;					/* patches */
	struct sf_row_fx (*step)[WALK_MAX_ROWS];	/* [k]: k-1 -> k */
	struct sf_row_fx (*base)[WALK_MAX_ROWS];	/* [k]: 0 -> k */
	int nrows;
};

static const struct sf_row_fx *find(const struct sf_row_fx *rows, const char *name)
{
	for (int i = 0; i < WALK_MAX_ROWS && rows[i].name[0]; i++)
		if (!strcmp(rows[i].name, name))
			return &rows[i];
	return NULL;
}

/* The row's value at prefix k: the base's median times the change against it. */
static void value_at(const struct walk *w, int r, int k, double *v, double *lo, double *hi)
{
	const struct sf_row_fx *b0 = &w->base[1][r];
	const struct sf_row_fx *fx = k ? find(w->base[k], b0->name) : NULL;
	double s = b0->lower ? -1 : 1;

	*v = *lo = *hi = b0->base;
	if (!fx)
		return;
	*v = b0->base * (1 + s * fx->e.pct / 100);
	*lo = isnan(fx->e.lo) ? *v : b0->base * (1 + s * fx->e.lo / 100);
	*hi = isnan(fx->e.hi) ? *v : b0->base * (1 + s * fx->e.hi / 100);
	if (*lo > *hi) {
		double t = *lo;

		*lo = *hi;
		*hi = t;
	}
}

static int compare_all(struct bisect *b, struct walk *w)
{
	int n;

	w->n = b->s.n;
	w->step = calloc(w->n + 1, sizeof(*w->step));
	w->base = calloc(w->n + 1, sizeof(*w->base));
	if (!w->step || !w->base)
		return sf_error("out of memory");
	for (int k = 1; k <= w->n; k++) {
		if ((n = b->ops->compare(b, k - 1, k, w->step[k], WALK_MAX_ROWS)) < 0 ||
		    (n = b->ops->compare(b, 0, k, w->base[k], WALK_MAX_ROWS)) < 0)
			return SF_EXIT_ERROR;
		if (k == 1)
			w->nrows = n;
	}
	return 0;
}

static void slug(const char *name, char *buf, size_t len)
{
	size_t o = 0;

	for (; *name && o + 1 < len && o < 80; name++)
		buf[o++] = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", *name) ?
			   *name : '-';
	buf[o] = '\0';
}

/* One row's table: each patch, its value, its step change and its change against the base. */
static void table(FILE *f, const struct bisect *b, const struct walk *w, int r)
{
	const struct sf_row_fx *b0 = &w->base[1][r];
	char st[64], ba[64], val[32];

	fprintf(f, "\n%s: %s (change: + = better, as in compare)\n", b0->name, b0->metric);
	fprintf(f, "  %-3s %-40s %10s  %-26s %-6s %s\n", "#", "patch", "value", "step change [95% CI]",
		"mark", "against the base");
	for (int k = 0; k <= w->n; k++) {
		const struct sf_row_fx *s = k ? find(w->step[k], b0->name) : NULL;
		const struct sf_row_fx *a = k ? find(w->base[k], b0->name) : NULL;
		double v, lo, hi;

		value_at(w, r, k, &v, &lo, &hi);
		st[0] = ba[0] = '\0';
		if (s)
			sf_effect_text(&s->e, 2, st, sizeof(st));
		if (a)
			sf_effect_text(&a->e, 2, ba, sizeof(ba));
		sf_value_text(v, b0->unit, val, sizeof(val));
		fprintf(f, "  %-3d %-40.40s %10s  %-26s %-6s %s\n", k,
			k ? b->s.p[k - 1].subject : "(the base)", val, st,
			s && s->e.verdict == SF_WORSE ? "WORSE" : s && s->e.verdict == SF_BETTER ? "better" : "",
			ba);
	}
}

static int write_tsv(const struct bisect *b, const struct walk *w, int r, const char *path)
{
	FILE *f = fopen(path, "we");
	const char *unit;
	double scale = sf_value_scale(w->base[1][r].base, w->base[1][r].unit, &unit);

	if (!f)
		return sf_error("cannot write %s: %s", path, strerror(errno));
	fprintf(f, "patch\tvalue (%s)\tlo\thi\tlabel\n", unit);
	for (int k = 0; k <= w->n; k++) {
		double v, lo, hi;
		char label[64];

		value_at(w, r, k, &v, &lo, &hi);
		snprintf(label, sizeof(label), "%d %.34s", k, k ? b->s.p[k - 1].subject : "base");
		for (char *c = label; *c; c++)
			if (*c == '\t' || *c == '"')
				*c = ' ';
		fprintf(f, "%d\t%.9g\t%.9g\t%.9g\t%s\n", k, v / scale, lo / scale, hi / scale, label);
	}
	return fclose(f) ? sf_error("cannot write %s", path) : 0;
}

/* s inside a gnuplot '...' string: no ' in it */
static void unquote(char *s)
{
	for (; *s; s++)
		if (*s == '\'')
			*s = '"';
}

/* gnuplot -e 'gpdir=...; fmt=...' plots/walk.gp, into OUT/walk/. */
static int draw(const struct bisect *b, const struct walk *w, int r, const char *stem,
		const char *script)
{
	const struct sf_row_fx *b0 = &w->base[1][r];
	char vars[2048], gpdir[PATH_MAX], title[400], clock[300], yl[160];
	char *argv[] = { "/usr/bin/env", "gnuplot", "-e", vars, (char *)script, NULL };
	static const char *const fmts[] = { "png", "svg", NULL };
	const char *unit;

	snprintf(gpdir, sizeof(gpdir), "%.*s", (int)(strrchr(script, '/') - script), script);
	snprintf(title, sizeof(title), "%s: %s against patches applied", b0->name, b0->metric);
	snprintf(clock, sizeof(clock), "%s", b0->clock);
	sf_value_scale(b0->base, b0->unit, &unit);
	snprintf(yl, sizeof(yl), "%s (%s), 95%% interval against the base", b0->metric, unit);
	unquote(title);
	unquote(clock);
	for (int i = 0; fmts[i]; i++) {
		/* the title in two lines: the clock's words alone are as wide as the figure */
		snprintf(vars, sizeof(vars),
			 "gpdir='%s'; fmt='%s'; out='%s.%s'; data='%s.tsv'; ttl='%s'.\"\\n(\".'%s'.\")\"; yl='%s'",
			 gpdir, fmts[i], stem, fmts[i], stem, title, clock, yl);
		if (sf_spawn(argv, -1, -1))
			return sf_error("gnuplot %s failed for %s.%s", script, stem, fmts[i]);
	}
	return 0;
}

static int outputs(struct bisect *b, const struct walk *w)
{
	char dir[PATH_MAX + 8], stem[PATH_MAX + 128], tsv[PATH_MAX + 160], name[96];
	char script[PATH_MAX], err[512], *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	bool figures = !sf_data_path("plots/walk.gp", script, sizeof(script), err, sizeof(err));
	int rc = 0;

	if (!f)
		return sf_error("out of memory");
	fprintf(f, "syncfault bisect --walk of %s + %d patches: %s\n", b->s.base_desc, w->n,
		w->nrows ? w->base[1][0].clock : b->clock);
	snprintf(dir, sizeof(dir), "%s/walk", b->o->out);
	sf_mkdir_p(dir, 0755);
	for (int r = 0; r < w->nrows && !rc; r++) {
		table(f, b, w, r);
		slug(w->base[1][r].name, name, sizeof(name));
		snprintf(stem, sizeof(stem), "%s/%s-%s", dir, name, w->base[1][r].metric);
		snprintf(tsv, sizeof(tsv), "%s.tsv", stem);
		rc = write_tsv(b, w, r, tsv);
		if (!rc && figures)
			rc = draw(b, w, r, stem, script);
		if (!rc)
			fprintf(f, "  figure: %s.png (.svg; data %s)\n", stem, tsv);
	}
	if (!figures)
		fprintf(f, "no figures: %s\n", err);
	snprintf(name, sizeof(name), "%d candidates, %d rounds each", w->n + 1, b->o->rounds);
	sf_bisect_times(f, b, name);
	fclose(f);
	printf("\n%s", text);
	snprintf(dir, sizeof(dir), "%s/walk.txt", b->o->out);
	if (!rc && sf_write_atomic(dir, text, len, err, sizeof(err)))
		rc = sf_error("%s", err);
	free(text);
	return rc;
}

int sf_bisect_build_all(struct bisect *b)
{
	double t0 = sf_bisect_now();
	int rc = 0, built = 0;

	for (int k = 0; k <= b->s.n && !rc; k++) {
		rc = b->ops->build(b, k);
		built += !rc && !b->c[k].cached;
	}
	if (!rc)
		sf_bisect_say(b, "built %d candidates (%d of them now) in %.0f s\n", b->s.n + 1, built,
			      sf_bisect_now() - t0);
	return rc;
}

int sf_bisect_walk(struct bisect *b)
{
	struct walk w = { 0 };
	int *ks = calloc(b->s.n + 1, sizeof(*ks)), rc;

	if (!ks)
		return sf_error("out of memory");
	for (int k = 0; k <= b->s.n; k++)
		ks[k] = k;
	rc = sf_bisect_build_all(b);
	if (!rc)
		rc = b->ops->measure(b, ks, b->s.n + 1, b->o->rounds);
	if (!rc)
		rc = compare_all(b, &w);
	if (!rc)
		rc = outputs(b, &w);
	free(ks);
	free(w.step);
	free(w.base);
	return rc;
}
