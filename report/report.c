// SPDX-License-Identifier: MIT
/*
 * syncfault report DIR: rebuild DIR/report.txt and DIR/plots/ from the
 * result JSON files alone.
 *
 * Each figure is a gnuplot script from the source tree's plots/ (copied
 * into DIR/plots/ so the directory re-renders on its own) fed a TSV file we
 * write: series as blocks separated by two blank lines, each headed by the
 * series name.  Rendered to PNG, SVG and a plain-text (`dumb`) version;
 * the text versions of the key figures go into report.txt for email.
 *
 * Which metric each figure and table shows is in one place, just below.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sf_attrib_print.h"
#include "sf_errors.h"
#include "sf_report.h"
#include "sf_analysis.h"
#include "sf_array.h"
#include "sf_bench.h"
#include "sf_compare.h"
#include "sf_datadir.h"
#include "sf_harness.h"
#include "sf_util.h"
#include "sf_walk.h"

#define MAX_SERIES	64
#define MAX_FIGS	256

struct fig {
	char stem[160];		/* plots/<stem>.{tsv,png,svg,txt} */
	char script[64];	/* plots/<script> */
	char title[320];
	char vars[320];		/* more gnuplot -e assignments */
	int nseries;
	bool key;		/* its text version goes into report.txt */
};

struct report {
	const char *dir;		/* where report.txt and plots/ go */
	const char *const *in;		/* the results directories read */
	int nin;
	char plots[4096];
	struct sf_result *res;
	char **file;		/* the file each result came from */
	int n, nfiles;
	json_object *envjson;	/* DIR/env.json, or NULL */
	struct fig figs[MAX_FIGS];
	int nfigs;
	FILE *text;		/* text versions of the figures, for report.txt */
	char *text_buf;
	size_t text_len;
	bool have_gnuplot, have_scripts;
	bool table;		/* labels for the tables: variation over all targets */
	bool breakeven_head;	/* the break-even notes have their heading */
	char gp_problem[512];
};

struct series {
	char name[160];
	double *x, *y;
	int n;
};

/* ---- loading ---- */

/*
 * The result files of the directory, and of its kernel-NAME/ directories (a
 * suite with kernel = A, B keeps each kernel's guest runs in one); where
 * neither has any, those anywhere below it.
 */
static int walk_dir(const char *dir, struct sf_walk *w, char *err, size_t errlen)
{
	DIR *d;
	struct dirent *e;
	char sub[4096];

	if (sf_walk_results(dir, false, w, err, errlen))
		return -1;
	d = opendir(dir);
	while (d && (e = readdir(d))) {
		struct sf_walk kw;
		struct stat st;

		snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name);
		if (strncmp(e->d_name, "kernel-", 7) || lstat(sub, &st) || !S_ISDIR(st.st_mode) ||
		    sf_walk_results(sub, false, &kw, err, errlen))
			continue;
		w->files = realloc(w->files, (w->nfiles + kw.nfiles) * sizeof(*w->files));
		memcpy(w->files + w->nfiles, kw.files, kw.nfiles * sizeof(*kw.files));
		w->nfiles += kw.nfiles;
		kw.nfiles = 0;
		sf_walk_free(&kw);
	}
	if (d)
		closedir(d);
	if (!w->nfiles) {
		/* results only further down: an A/B directory (syncfault ab: LABEL/round-N) */
		sf_walk_free(w);
		return sf_walk_results(dir, true, w, err, errlen);
	}
	return 0;
}

/* The result files of one input directory, named relative to it (or, when
 * several directories are merged, as DIR/NAME). */
static int load_dir(struct report *rp, const char *dir, char *err, size_t errlen)
{
	struct sf_walk w;
	char path[4096];
	int ret = 0;
	size_t dl = strlen(dir);

	/* the files of this directory, each once; what was skipped is said */
	if (walk_dir(dir, &w, err, errlen)) {
		snprintf(path, sizeof(path), "%s", err);
		snprintf(err, errlen, "%s: give a results directory", path);
		return -1;
	}
	sf_walk_print_skipped(&w, stderr, 10);
	for (int i = 0; i < w.nfiles && !ret; i++) {
		const char *rel = w.files[i] + dl + 1;
		struct sf_result *r;
		int k;

		snprintf(path, sizeof(path), "%s/%s", dir, rel);
		k = sf_results_read(path, &r, err, errlen);
		if (k < 0) {
			ret = -1;
			break;
		}
		rp->res = realloc(rp->res, (rp->n + k) * sizeof(*rp->res));
		rp->file = realloc(rp->file, (rp->n + k) * sizeof(*rp->file));
		memcpy(rp->res + rp->n, r, k * sizeof(*r));
		for (int j = 0; j < k; j++)
			rp->file[rp->n + j] = strdup(rp->nin > 1 ? path : rel);
		rp->n += k;
		rp->nfiles++;
		free(r);
	}
	sf_walk_free(&w);
	return ret;
}

static int load(struct report *rp, char *err, size_t errlen)
{
	char path[4096];
	int ret = 0;

	for (int d = 0; d < rp->nin && !ret; d++)
		ret = load_dir(rp, rp->in[d], err, errlen);
	if (!ret && !rp->n) {
		snprintf(err, errlen, "%s: no result files (*.json): give a directory written by syncfault suite",
			 rp->in[0]);
		ret = -1;
	}
	snprintf(path, sizeof(path), "%s/env.json", rp->in[0]);
	if (!ret && !access(path, F_OK))
		rp->envjson = sf_json_read(path, SF_READ_MAX, err, errlen);	/* optional */
	return ret;
}

/* ---- labels and grouping ---- */

static bool in_list(const char *k, const char *const *list)
{
	for (; list && *list; list++)
		if (!strcmp(k, *list))
			return true;
	return false;
}

/* How each emulator a result can name is shown. */
static const struct {
	const char *emulated, *label;
} emulators[] = {
	{ "qemu-tcg", "EMULATED (QEMU TCG)" },
	{ "qemu-kvm", "EMULATED (QEMU KVM)" },
};

static const char *emulated_label(const struct sf_target *t)
{
	if (!t->emulated[0])
		return "";
	for (size_t i = 0; i < sizeof(emulators) / sizeof(emulators[0]); i++)
		if (!strcmp(t->emulated, emulators[i].emulated))
			return emulators[i].label;
	return "EMULATED";
}

/* Guest results of more than one kernel (kernel = A, B): kinds name it. */
static bool several_guest_kernels;
/* What figure titles say of emulated results: the emulator(s) they name. */
static const char *emu_title = "EMULATED (QEMU TCG)";
static const char *emu_accel = "TCG";

static void note_guests(const struct report *rp)
{
	const struct sf_target *first = NULL;
	bool mixed = false;

	several_guest_kernels = false;
	for (int i = 0; i < rp->n; i++) {
		const struct sf_target *t = &rp->res[i].target;

		if (!t->emulated[0])
			continue;
		if (!first)
			first = t;
		several_guest_kernels |= strcmp(first->kernel, t->kernel) != 0;
		mixed |= strcmp(first->emulated, t->emulated) != 0;
	}
	emu_title = mixed ? "EMULATED (QEMU TCG and KVM)" :
		    first ? emulated_label(first) : "EMULATED (QEMU TCG)";
	emu_accel = mixed ? "TCG or KVM" : strstr(emu_title, "KVM") ? "KVM" : "TCG";
}

static void target_kind(const struct sf_result *r, char *buf, size_t len)
{
	const struct sf_bench *b = sf_bench_find(r->bench);
	const char *mem = b && b->own_memory.param ? sf_result_param(r, b->own_memory.param) : NULL;
	char k[64];

	if (several_guest_kernels && r->target.emulated[0]) {
		/* the series (6.12) keeps the table's target column narrow */
		const char *dot = strchr(r->target.kernel, '.');
		size_t rl = dot ? (size_t)(dot - r->target.kernel) + 1 +
			strspn(dot + 1, "0123456789") : strlen(r->target.kernel);

		sf_target_key(&r->target, k, sizeof(k));
		snprintf(buf, len, "%s-emulated@%.*s", k, (int)rl, r->target.kernel);
		return;
	}

	/* a point on memory of its own (flush on anonymous memory: DRAM), whatever the target */
	if (b && b->own_memory.param && mem && !strcmp(mem, b->own_memory.value)) {
		snprintf(buf, len, "%s%s", b->own_memory.label, r->target.emulated[0] ? "-emulated" : "");
		return;
	}
	sf_target_key(&r->target, k, sizeof(k));
	snprintf(buf, len, "%s%s", k, r->target.emulated[0] ? "-emulated" : "");
}

/* A result of the target kind arg (target_kind()'s name)? */
static bool of_kind(const struct sf_result *r, const void *arg)
{
	char tk[96];

	target_kind(r, tk, sizeof(tk));
	return !strcmp(tk, arg);
}

/*
 * Do the values of parameter k differ among the results of bench (of one
 * target kind, when kind is given)?
 */
static bool varies(const struct report *rp, const char *bench, const char *k,
		   const char *kind)
{
	return sf_param_varies(rp->res, rp->n, bench, k, kind ? of_kind : NULL, kind, NULL);
}

/*
 * Label of a result from the parameters that vary across the bench's
 * results (for figures: across those of the same target kind): with
 * of_series, those in series (series == NULL: all but x); otherwise those
 * not in series and not x (which figure a result belongs to).
 */
static void label(const struct report *rp, const struct sf_result *r,
		  const char *const *series, bool of_series, const char *x,
		  char *buf, size_t len)
{
	char kind[96];
	size_t off = 0;

	buf[0] = 0;
	target_kind(r, kind, sizeof(kind));
	for (int i = 0; i < r->nparams; i++) {
		const char *k = r->params[i].k, *v = r->params[i].v;
		bool in_series = series ? in_list(k, series) : true;

		if ((x && !strcmp(k, x)) || in_series != of_series ||
		    !varies(rp, r->bench, k, rp->table ? NULL : kind))
			continue;
		if ((*v >= '0' && *v <= '9') || !of_series)
			off += snprintf(buf + off, off < len ? len - off : 0, "%s%s=%s",
					off ? " " : "", k, v);
		else
			off += snprintf(buf + off, off < len ? len - off : 0, "%s%s",
					off ? " " : "", v);
	}
}

/* The figure a result belongs to: target kind plus the other varying params. */
static void partition(const struct report *rp, const struct sf_result *r,
		      const char *const *series, const char *x, char *buf, size_t len)
{
	char rest[256];

	target_kind(r, buf, len);
	if (!series)
		return;
	label(rp, r, series, false, x, rest, sizeof(rest));
	if (rest[0])
		snprintf(buf + strlen(buf), len - strlen(buf), " %s", rest);
}

static void stem_of(const char *prefix, const char *part, char *buf, size_t len)
{
	size_t off = snprintf(buf, len, "%s-", prefix);

	for (const char *c = part; *c && off + 1 < len; c++) {
		char ch = *c;

		if (ch == ' ' || ch == '=')
			ch = ch == ' ' ? '_' : '-';
		else if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			   (ch >= '0' && ch <= '9') || ch == '-' || ch == '.'))
			ch = '_';
		buf[off++] = ch;
	}
	buf[off] = 0;
}

static void clean_title(char *t)
{
	for (; *t; t++)
		if (*t == '\'' || *t == '"' || *t == '\\')
			*t = '`';
}

static struct fig *new_fig(struct report *rp, const char *script, const char *prefix,
			   const char *part, const char *what, bool emulated)
{
	struct fig *f;

	if (rp->nfigs == MAX_FIGS)
		return NULL;
	f = &rp->figs[rp->nfigs++];
	memset(f, 0, sizeof(*f));
	snprintf(f->script, sizeof(f->script), "%s", script);
	stem_of(prefix, part, f->stem, sizeof(f->stem));
	snprintf(f->title, sizeof(f->title), "%s - %s%s%s", what, part,
		 emulated ? " - " : "", emulated ? emu_title : "");
	/* the kind says -emulated for file names; the title says it in full */
	for (char *e; (e = strstr(f->title, "-emulated"));)
		memmove(e, e + 9, strlen(e + 9) + 1);
	clean_title(f->title);
	return f;
}

static FILE *open_tsv(struct report *rp, const struct fig *f)
{
	char path[4400];

	snprintf(path, sizeof(path), "%s/%s.tsv", rp->plots, f->stem);
	return fopen(path, "we");
}

/* ---- series ---- */

static struct series *series_get(struct series *s, int *ns, const char *name)
{
	/* nothing varies: one line, "all" (one, not one a point) */
	if (!name[0])
		name = "all";
	for (int i = 0; i < *ns; i++)
		if (!strcmp(s[i].name, name))
			return &s[i];
	if (*ns == MAX_SERIES)
		return NULL;
	memset(&s[*ns], 0, sizeof(s[*ns]));
	snprintf(s[*ns].name, sizeof(s[*ns].name), "%s", name);
	return &s[(*ns)++];
}

static void series_add(struct series *s, double x, double y)
{
	if (!s || !isfinite(x) || !isfinite(y))
		return;
	s->x = realloc(s->x, (s->n + 1) * sizeof(double));
	s->y = realloc(s->y, (s->n + 1) * sizeof(double));
	s->x[s->n] = x;
	s->y[s->n] = y;
	s->n++;
}

/* Sort a series by x (insertion sort: a handful of points). */
static void series_sort(struct series *s)
{
	for (int i = 1; i < s->n; i++)
		for (int j = i; j > 0 && s->x[j - 1] > s->x[j]; j--) {
			double t = s->x[j];

			s->x[j] = s->x[j - 1];
			s->x[j - 1] = t;
			t = s->y[j];
			s->y[j] = s->y[j - 1];
			s->y[j - 1] = t;
		}
}

static void series_free(struct series *s, int n)
{
	for (int i = 0; i < n; i++) {
		free(s[i].x);
		free(s[i].y);
	}
}

static void write_series(FILE *f, struct series *s, int n, const char *xfmt)
{
	for (int i = 0; i < n; i++) {
		fprintf(f, "%s\n", s[i].name);
		for (int k = 0; k < s[i].n; k++) {
			fprintf(f, xfmt, s[i].x[k]);
			fprintf(f, "\t%.6g\n", s[i].y[k]);
		}
		fprintf(f, "\n\n");
	}
}

/* A figure of ns series, or NULL (s freed) when there is nothing to draw. */
static struct fig *series_fig(struct report *rp, const char *script, const char *prefix,
			      const char *part, const char *title, bool emu,
			      struct series *s, int ns)
{
	struct fig *f = ns ? new_fig(rp, script, prefix, part, title, emu) : NULL;

	if (!f) {
		series_free(s, ns);
		return NULL;
	}
	f->nseries = ns;
	return f;
}

/* The figure's data file, one block per series. */
static void save_series(struct report *rp, const struct fig *f, struct series *s, int ns,
			const char *xfmt)
{
	FILE *tsv = open_tsv(rp, f);

	if (tsv) {
		write_series(tsv, s, ns, xfmt);
		fclose(tsv);
	}
}

static double span(struct series *s, int n)
{
	double lo = INFINITY, hi = 0;

	for (int i = 0; i < n; i++)
		for (int k = 0; k < s[i].n; k++) {
			if (s[i].y[k] > 0 && s[i].y[k] < lo)
				lo = s[i].y[k];
			if (s[i].y[k] > hi)
				hi = s[i].y[k];
		}
	return hi > 0 && isfinite(lo) ? hi / lo : 1;
}

static double xmin(struct series *s, int n)
{
	double v = INFINITY;

	for (int i = 0; i < n; i++)
		for (int k = 0; k < s[i].n; k++)
			v = s[i].x[k] < v ? s[i].x[k] : v;
	return v;
}

static double xmax(struct series *s, int n)
{
	double v = 0;

	for (int i = 0; i < n; i++)
		for (int k = 0; k < s[i].n; k++)
			v = s[i].x[k] > v ? s[i].x[k] : v;
	return v;
}

static double median_repeats(const struct sf_metric *m)
{
	return m->nrepeats ? sf_median_of(m->repeats, m->nrepeats) : m->sum.p50;
}

/* Distinct partitions of the ok results of bench that have metric (any, when NULL). */
static int partitions(struct report *rp, const char *bench, const char *metric,
		      const char *const *series, const char *x, char parts[][256], int max)
{
	int np = 0;

	for (int i = 0; i < rp->n; i++) {
		struct sf_result *r = &rp->res[i];
		char p[256];
		bool seen = false;

		if (strcmp(r->bench, bench) || r->status != SF_OK ||
		    (metric && !sf_result_metric(r, metric)))
			continue;
		partition(rp, r, series, x, p, sizeof(p));
		for (int k = 0; k < np && !seen; k++)
			seen = !strcmp(parts[k], p);
		if (!seen && np < max)
			snprintf(parts[np++], 256, "%s", p);
	}
	return np;
}

static bool in_partition(struct report *rp, struct sf_result *r, const char *bench,
			 const char *metric, const char *const *series, const char *x,
			 const char *part)
{
	char p[256];

	if (strcmp(r->bench, bench) || r->status != SF_OK || (metric && !sf_result_metric(r, metric)))
		return false;
	partition(rp, r, series, x, p, sizeof(p));
	return !strcmp(p, part);
}

/* ---- figures: the kinds a benchmark's descriptor declares (sf_bench.h) ---- */

/* The gnuplot script of a declared figure: its own, or plots/<name>.gp. */
static void fig_script(const struct sf_figure *d, char *buf, size_t len)
{
	if (d->script)
		snprintf(buf, len, "%s", d->script);
	else
		snprintf(buf, len, "%s.gp", d->name);
}

static void fig_title(const struct sf_figure *d, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", d->title, d->subtitle ? ", " : "",
		 d->subtitle ? d->subtitle : "");
}

/* A CDF of the merged histogram of every repeat of d->metric, a line per series. */
static void fig_cdf(struct report *rp, const struct sf_bench *b, const struct sf_figure *d)
{
	char parts[32][256], script[64], title[256];
	int np = partitions(rp, b->name, d->metric, d->series, NULL, parts, 32);

	fig_script(d, script, sizeof(script));
	fig_title(d, title, sizeof(title));
	for (int p = 0; p < np; p++) {
		struct series s[MAX_SERIES];
		bool emu = false;
		int ns = 0;
		struct fig *f;

		for (int i = 0; i < rp->n; i++) {
			struct sf_result *r = &rp->res[i];
			struct sf_metric *m;
			struct series *se;
			char name[160];
			uint64_t cum = 0;
			bool first = true;

			if (!in_partition(rp, r, b->name, d->metric, d->series, NULL, parts[p]))
				continue;
			m = sf_result_metric(r, d->metric);
			if (!m->hist.total)
				continue;
			label(rp, r, d->series, true, NULL, name, sizeof(name));
			se = series_get(s, &ns, name);
			emu |= r->target.emulated[0] != 0;
			for (unsigned int k = 0; se && k < SF_HIST_BUCKETS; k++) {
				double lo, hi;

				if (!m->hist.count[k])
					continue;
				sf_hist_bounds(k, &lo, &hi);
				if (first)
					series_add(se, lo / 1000, 0);
				first = false;
				cum += m->hist.count[k];
				series_add(se, hi / 1000, (double)cum / m->hist.total);
			}
		}
		f = series_fig(rp, script, d->name, parts[p], title, emu, s, ns);
		if (!f)
			continue;
		f->key = d->flags & SF_FIG_KEY;
		save_series(rp, f, s, ns, "%.6g");
		series_free(s, ns);
	}
}

/* A line that never gets below the reference, or does from the first x: said, not drawn. */
static void break_even_none(struct report *rp, const struct sf_figure *d, const char *part,
			    const struct sf_be_pair *p)
{
	const struct sf_breakeven_spec *sp = d->breakeven;
	char text[512];

	if (p->be.kind == SF_BE_FOUND)
		snprintf(text, sizeof(text), "%s: %s is cheaper per %s than %s already at %s %ld, "
			 "the smallest tried", part, p->of, sp->per, p->ref, sp->x, p->be.batch);
	else
		snprintf(text, sizeof(text), "%s: %s is not cheaper per %s than %s at any %s tried "
			 "(%ld..%ld)", part, p->of, sp->per, p->ref, sp->x, p->be.first, p->be.last);
	sf_wrap(rp->text, "  ", 4, text);
}

/*
 * Where each line of the figure's break-even gets below its reference
 * (paired by sf_breakeven_pairs(), as the tables pair them): text, and
 * marks at yscale times the reference's value.
 */
static void break_evens(struct report *rp, const struct sf_figure *d, struct fig *f,
			const char *part, struct sf_result **in, int nin, double yscale)
{
	const struct sf_breakeven_spec *sp = d->breakeven;
	struct sf_be_pair pairs[16];
	int np = sf_breakeven_pairs(in, nin, sp, pairs, 16), nbe = 0;
	char path[4400], text[512];
	FILE *tsv = NULL;

	if (!np)
		return;
	if (!rp->breakeven_head) {
		snprintf(text, sizeof(text), "%s", d->title);
		text[0] = (char)tolower((unsigned char)text[0]);
		fprintf(rp->text, "\nBreak-even, from the medians of %s:\n", text);
	}
	rp->breakeven_head = true;
	for (int i = 0; i < np; i++) {
		const struct sf_be_pair *p = &pairs[i];
		char est[32];

		if (p->missing || p->be.kind == SF_BE_NODATA)
			continue;
		if (p->be.kind != SF_BE_FOUND || !p->be.below) {
			break_even_none(rp, d, part, p);
			continue;
		}
		sf_breakeven_fmt(p->be.estimate, est, sizeof(est));
		if (!tsv) {
			snprintf(path, sizeof(path), "%s/%s-breakeven.tsv", rp->plots, f->stem);
			tsv = fopen(path, "we");
			if (!tsv)
				return;
		}
		/* stagger the labels upwards so that they do not overprint */
		fprintf(tsv, "%.4g\t%.6g\t%s cheaper than %s from %s ~%s\t%.6g\n", p->be.estimate,
			p->be.value * yscale, p->of, p->ref, sp->x, est,
			p->be.value * yscale * pow(1.8, nbe + 1));
		snprintf(text, sizeof(text), "%s: %s becomes cheaper per %s than %s at %s ~%s "
			 "(interpolated between the measured medians around it)", part, p->of,
			 sp->per, p->ref, sp->x, est);
		sf_wrap(rp->text, "  ", 4, text);
		nbe++;
	}
	if (tsv) {
		fclose(tsv);
		snprintf(f->vars, sizeof(f->vars), "be='%s-breakeven.tsv'; nbe=%d", f->stem, nbe);
	}
}

static void size_label(double v, char *buf, size_t len)
{
	static const char *const u[] = { "B", "KiB", "MiB", "GiB" };
	int i = 0;

	while (v >= 1024 && i < 3) {
		v /= 1024;
		i++;
	}
	snprintf(buf, len, "%g %s", v, u[i]);
}

/* The text version of a lines figure as a table: a plot of many lines is unreadable. */
static void lines_table(struct report *rp, const struct sf_figure *d, const struct fig *f,
			const char *unit, struct series *s, int ns)
{
	fprintf(rp->text, "\n%s (%s, %s)\n", f->title, unit,
		d->flags & SF_FIG_Y_REPEATS ? "median of repeats" : "p50");
	for (int i = 0; i < ns; i++) {
		fprintf(rp->text, "  %-28.28s", s[i].name);
		for (int k = 0; k < s[i].n; k++) {
			char xl[24];

			if (d->flags & SF_FIG_X_SIZE)
				size_label(s[i].x[k], xl, sizeof(xl));
			else
				snprintf(xl, sizeof(xl), "%g", s[i].x[k]);
			fprintf(rp->text, "%s%s: %.3g", k ? ", " : " ", xl, s[i].y[k]);
		}
		fprintf(rp->text, "\n");
	}
}

/* The point of r on a lines figure; false where it has no x. */
static bool lines_point(const struct sf_figure *d, struct sf_result *r, double *x, double *y,
			const char **unit)
{
	const char *xv = sf_result_param(r, d->x);
	struct sf_metric *m = sf_result_metric(r, d->metric);
	bool ns = !strcmp(m->unit, "ns");
	int64_t v;

	if (!xv || (d->flags & SF_FIG_X_SIZE ? sf_parse_size(xv, &v) : sf_parse_int(xv, &v)))
		return false;
	*x = (double)v;
	if (d->flags & SF_FIG_Y_REPEATS) {
		*y = median_repeats(m);
		*unit = m->unit;
	} else {
		*y = (ns ? 1e-3 : 1) * m->sum.p50;
		*unit = ns ? "us" : m->unit;
	}
	return true;
}

/*
 * The lines of one partition: the value of d->metric against parameter
 * d->x; the results drawn into in[] (room for rp->n), their count in *nin.
 */
static int lines_of(struct report *rp, const struct sf_bench *b, const struct sf_figure *d,
		    const char *part, struct series *s, bool *emu, const char **unit,
		    struct sf_result **in, int *nin)
{
	int ns = 0;

	*nin = 0;
	for (int i = 0; i < rp->n; i++) {
		struct sf_result *r = &rp->res[i];
		char name[160];
		double x, y;

		if (!in_partition(rp, r, b->name, d->metric, d->series, d->x, part) ||
		    !lines_point(d, r, &x, &y, unit))
			continue;
		if (d->series_name)
			d->series_name(r, name, sizeof(name));
		else
			label(rp, r, d->series, true, d->x, name, sizeof(name));
		*emu |= r->target.emulated[0] != 0;
		in[(*nin)++] = r;
		series_add(series_get(s, &ns, name), x, y);
	}
	for (int i = 0; i < ns; i++)
		series_sort(&s[i]);
	return ns;
}

/* d->metric versus parameter d->x, a line per series. */
static void fig_lines(struct report *rp, const struct sf_bench *b, const struct sf_figure *d)
{
	char parts[32][256], script[64], title[256];
	int np = partitions(rp, b->name, d->metric, d->series, d->x, parts, 32);

	fig_script(d, script, sizeof(script));
	fig_title(d, title, sizeof(title));
	struct sf_result **in = calloc((size_t)rp->n + 1, sizeof(*in));

	for (int p = 0; in && p < np; p++) {
		struct series s[MAX_SERIES];
		const char *unit = "";
		bool emu = false;
		int nin, ns = lines_of(rp, b, d, parts[p], s, &emu, &unit, in, &nin);
		struct fig *f = series_fig(rp, script, d->name, parts[p], title, emu, s, ns);

		if (!f)
			continue;
		f->key = d->flags & SF_FIG_KEY;
		/* the generic script's axis labels (the benchmarks' own scripts have theirs) */
		snprintf(f->vars, sizeof(f->vars), "xl='%s%s'; yl='%s (%s)'", d->x,
			 d->flags & SF_FIG_X_SIZE ? " (bytes)" : "", d->metric, unit);
		if (d->flags & SF_FIG_LOGY_AUTO)
			snprintf(f->vars, sizeof(f->vars), "logy=%d; xlo=%g; xhi=%g", span(s, ns) > 30,
				 xmin(s, ns) / 1.5, xmax(s, ns) * 1.5);
		save_series(rp, f, s, ns, "%.0f");
		if (d->flags & SF_FIG_TABLE)
			lines_table(rp, d, f, unit, s, ns);
		if (d->breakeven)
			break_evens(rp, d, f, parts[p], in, nin,
				    !(d->flags & SF_FIG_Y_REPEATS) && !strcmp(unit, "us") ? 1e-3 : 1);
		series_free(s, ns);
	}
	free(in);
}

/* The loaded counterpart of an idle/baseline metric name, if present. */
static struct sf_metric *loaded_of(struct sf_result *r, const struct sf_metric *idle)
{
	static const char *const words[] = { "idle", "baseline", NULL };
	char name[128];

	for (int w = 0; words[w]; w++) {
		const char *at = strstr(idle->name, words[w]);

		if (!at)
			continue;
		snprintf(name, sizeof(name), "%.*sloaded%s", (int)(at - idle->name),
			 idle->name, at + strlen(words[w]));
		return sf_result_metric(r, name);
	}
	return NULL;
}

/* Microseconds for humans, through the library's ns formatting. */
static void fmt_us(const double *us, int n, char (*out)[24], size_t len)
{
	for (int i = 0; i < n; i++)
		sf_fmt_value(us[i] * 1000, "ns", out[i], len);
}

static int idle_pairs(struct sf_result *r)
{
	int n = 0;

	for (int k = 0; k < r->nmetrics; k++)
		n += !r->metrics[k].scalar && loaded_of(r, &r->metrics[k]);
	return n;
}

struct idle_fig {
	struct fig *f;
	FILE *tsv;
	int rows;
	double lo, hi;
};

/* One row: a metric's p50 and p99, idle and loaded (us). */
static void idle_row(struct report *rp, struct idle_fig *g, struct sf_result *r,
		     const struct sf_metric *idle, const struct sf_metric *ld)
{
	double v[4], scale = !strcmp(idle->unit, "ns") ? 1e-3 : 1;
	char t[4][24], name[160];

	v[0] = idle->sum.p50 * scale;
	v[1] = ld->sum.p50 * scale;
	v[2] = idle->sum.p99 * scale;
	v[3] = ld->sum.p99 * scale;
	label(rp, r, NULL, true, NULL, name, sizeof(name));
	if (idle_pairs(r) > 1)
		snprintf(name + strlen(name), sizeof(name) - strlen(name),
			 "%s%s", name[0] ? " " : "", idle->name);
	fprintf(g->tsv, "%s\t%.6g\t%.6g\t%.6g\t%.6g\n", name[0] ? name : "all",
		v[0], v[1], v[2], v[3]);
	fmt_us(v, 4, t, sizeof(t[0]));
	fprintf(rp->text, "  %-30.30s %9s -> %-9s  %9s -> %s\n",
		name[0] ? name : "all", t[0], t[1], t[2], t[3]);
	for (int q = 0; q < 4; q++) {
		if (v[q] > 0 && v[q] < g->lo)
			g->lo = v[q];
		if (v[q] > g->hi)
			g->hi = v[q];
	}
	g->rows++;
}

/* The figure and its data file, on its first row. */
static bool idle_start(struct report *rp, struct idle_fig *g, const struct sf_figure *d,
		       const char *part)
{
	char script[64], title[256];

	if (g->f)
		return g->tsv != NULL;
	fig_script(d, script, sizeof(script));
	fig_title(d, title, sizeof(title));
	g->f = new_fig(rp, script, d->name, part, title, false);
	if (!g->f || !(g->tsv = open_tsv(rp, g->f)))
		return false;
	fprintf(g->tsv, "# case\tidle_p50\tloaded_p50\tidle_p99\tloaded_p99 (us)\n");
	fprintf(rp->text, "\n%s - %s: p50 idle -> loaded, p99 idle -> loaded\n", d->title, part);
	return true;
}

/* Every NAME_idle / NAME_loaded pair of the benchmark: p50 and p99, idle and loaded. */
static void fig_idle_loaded(struct report *rp, const struct sf_bench *b,
			    const struct sf_figure *d)
{
	char parts[32][256];
	int np = partitions(rp, b->name, NULL, NULL, NULL, parts, 32);

	for (int p = 0; p < np; p++) {
		struct idle_fig g = { .lo = INFINITY };
		bool emu = false;

		for (int i = 0; i < rp->n; i++) {
			struct sf_result *r = &rp->res[i];

			if (!in_partition(rp, r, b->name, NULL, NULL, NULL, parts[p]))
				continue;
			emu |= r->target.emulated[0] != 0;
			for (int k = 0; k < r->nmetrics; k++) {
				struct sf_metric *idle = &r->metrics[k], *ld = loaded_of(r, idle);

				if (!ld || idle->scalar)
					continue;
				if (!idle_start(rp, &g, d, parts[p]))
					break;
				idle_row(rp, &g, r, idle, ld);
			}
		}
		if (g.tsv)
			fclose(g.tsv);
		if (!g.f)
			continue;
		if (emu)
			snprintf(g.f->title + strlen(g.f->title), sizeof(g.f->title) - strlen(g.f->title),
				 " - %s", emu_title);
		g.f->nseries = g.rows;
		if (g.hi / g.lo > 20)
			snprintf(g.f->vars, sizeof(g.f->vars), "logy=1; ymin=%.6g", g.lo / 2);
	}
}

/* Every figure every benchmark declares, in the order of the registry. */
static void declared_figures(struct report *rp)
{
	for (int b = 0; sf_benches[b]; b++)
		for (const struct sf_figure *d = sf_benches[b]->figures; d && d->name; d++) {
			switch (d->kind) {
			case SF_FIG_CDF:
				fig_cdf(rp, sf_benches[b], d);
				break;
			case SF_FIG_LINES:
				fig_lines(rp, sf_benches[b], d);
				break;
			case SF_FIG_IDLE_LOADED:
				fig_idle_loaded(rp, sf_benches[b], d);
				break;
			}
		}
}

/* ---- attribution: stacked phases of the median traced event ---- */

static bool attributed(const struct sf_result *r, struct sf_attrib_kind *k, int *nk)
{
	*nk = r->status == SF_OK ? sf_attrib_kinds(r->attribution, k) : 0;
	return *nk > 0;
}

/* contention: the faulter's lock hold and the locker's wait under its rows */
static void attrib_roles_text(struct report *rp, const struct sf_result *r)
{
	struct sf_attrib_roles roles;

	if (sf_attrib_roles_get(r->attribution, &roles))
		sf_attrib_roles_lines(&roles, "    ", rp->text);
}

/* One row per point and event kind: the phases of its median traced event (us). */
static void attrib_rows(struct report *rp, const char *part, struct fig **fp, FILE **tsv, bool *emu)
{
	for (int i = 0; i < rp->n; i++) {
		struct sf_result *r = &rp->res[i];
		struct sf_attrib_kind k[SF_EV_NKINDS];
		char p[256], name[200], line[512];
		int nk;

		partition(rp, r, NULL, NULL, p, sizeof(p));
		if (!attributed(r, k, &nk) || strcmp(p, part))
			continue;
		*emu |= r->target.emulated[0] != 0;
		if (!*fp) {
			*fp = new_fig(rp, "attrib.gp", "attrib", part, "Who pays: kernel phases of the median traced event", false);
			if (!*fp || !(*tsv = open_tsv(rp, *fp)))
				return;
			fprintf(*tsv, "# case");
			for (int ph = 0; ph < SF_PH_N; ph++)
				fprintf(*tsv, "\t%s", sf_phase_name(ph));
			fprintf(*tsv, " (us)\n");
			fprintf(rp->text, "\nWho pays - %s: phases of the median traced event (attribution pass)\n", part);
		}
		for (int e = 0; e < nk; e++) {
			label(rp, r, NULL, true, NULL, name, sizeof(name));
			/* "fault" once where the benchmark and the event share the name */
			snprintf(name + strlen(name), sizeof(name) - strlen(name), "%s%s%s%s",
				 name[0] ? " " : "", strcmp(r->bench, sf_ev_kind_name(k[e].kind)) ? r->bench : "",
				 strcmp(r->bench, sf_ev_kind_name(k[e].kind)) ? " " : "", sf_ev_kind_name(k[e].kind));
			fprintf(*tsv, "%s", name);
			for (int ph = 0; ph < SF_PH_N; ph++)
				fprintf(*tsv, "\t%.6g", k[e].share[ph] * k[e].total_p50);
			fprintf(*tsv, "\n");
			sf_attrib_phase_line(&k[e], line, sizeof(line));
			fprintf(rp->text, "  %s: %.0f us, coverage %.2f: %s\n", name, k[e].total_p50,
				k[e].coverage, line);
			(*fp)->nseries++;
		}
		attrib_roles_text(rp, r);
	}
}

static void fig_attrib(struct report *rp)
{
	char parts[32][256];
	int np = 0;

	for (int i = 0; i < rp->n; i++) {
		struct sf_attrib_kind k[SF_EV_NKINDS];
		char p[256];
		bool seen = false;
		int nk;

		if (!attributed(&rp->res[i], k, &nk))
			continue;
		partition(rp, &rp->res[i], NULL, NULL, p, sizeof(p));
		for (int q = 0; q < np && !seen; q++)
			seen = !strcmp(parts[q], p);
		if (!seen && np < 32)
			snprintf(parts[np++], 256, "%s", p);
	}
	for (int q = 0; q < np; q++) {
		struct fig *f = NULL;
		FILE *tsv = NULL;
		bool emu = false;

		attrib_rows(rp, parts[q], &f, &tsv, &emu);
		if (tsv)
			fclose(tsv);
		if (f && emu)
			snprintf(f->title + strlen(f->title), sizeof(f->title) - strlen(f->title),
				 " - %s", emu_title);
	}
}

/* ---- rendering ---- */

/* plots/ belongs to the report: drop what an earlier build left there. */
static void clean_plots(struct report *rp)
{
	static const char *const exts[] = { ".png", ".svg", ".tsv", ".txt", ".gp", NULL };
	DIR *d = opendir(rp->plots);
	struct dirent *e;
	char path[4400];

	while (d && (e = readdir(d))) {
		const char *dot = strrchr(e->d_name, '.');

		if (!dot || !in_list(dot, exts))
			continue;
		snprintf(path, sizeof(path), "%s/%s", rp->plots, e->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
}

/* The script every figure loads, then those of the figures this report has. */
static const char *script_of(const struct report *rp, int i)
{
	return i ? rp->figs[i - 1].script : "common.gp";
}

static int copy_scripts(struct report *rp)
{
	const char *env = getenv("SYNCFAULT_PLOTS");
	char dir[4096], from[4200], to[4400];

	if (env && *env)
		snprintf(dir, sizeof(dir), "%s", env);
	else if (sf_data_path("plots", dir, sizeof(dir), rp->gp_problem, sizeof(rp->gp_problem)))
		return -1;
	for (int i = 0; i <= rp->nfigs; i++) {
		const char *script = script_of(rp, i);

		snprintf(from, sizeof(from), "%s/%s", dir, script);
		snprintf(to, sizeof(to), "%s/%s", rp->plots, script);
		if (sf_copy_file(from, to)) {
			snprintf(rp->gp_problem, sizeof(rp->gp_problem),
				 "gnuplot script %s not found (reinstall syncfault, or set SYNCFAULT_PLOTS to a plots/ directory)",
				 from);
			return -1;
		}
	}
	return 0;
}

static void gp_vars(const struct fig *f, const char *fmt, char *buf, size_t len)
{
	snprintf(buf, len, "gpdir='.'; fmt='%s'; out='%s.%s'; data='%s.tsv'; n=%d; ttl='%s'%s%s",
		 fmt, f->stem, !strcmp(fmt, "dumb") ? "txt" : fmt, f->stem, f->nseries,
		 f->title, f->vars[0] ? "; " : "", f->vars);
}

/* Run gnuplot in the plots directory; its messages go to gnuplot.log. */
static int run_gnuplot(struct report *rp, const char *vars, const char *script)
{
	char log[4400];
	pid_t pid;
	int st, fd;

	snprintf(log, sizeof(log), "%s/gnuplot.log", rp->plots);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		if (chdir(rp->plots))
			_exit(126);
		execlp("gnuplot", "gnuplot", "-e", vars, script, (char *)NULL);
		_exit(errno == ENOENT ? 127 : 126);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
		return 127;
	return WIFEXITED(st) && !WEXITSTATUS(st) ? 0 : -1;
}

static bool nonempty(const char *path)
{
	struct stat st;

	return !stat(path, &st) && st.st_size > 0;
}

static void render(struct report *rp)
{
	static const char *const fmts[] = { "png", "svg", "dumb", NULL };
	char vars[1024], path[4400];
	FILE *sh;

	if (copy_scripts(rp))
		return;
	rp->have_scripts = true;
	snprintf(path, sizeof(path), "%s/render.sh", rp->plots);
	sh = fopen(path, "we");
	if (sh)
		fprintf(sh, "#!/bin/sh\n# Re-render every figure (written by syncfault report).\n"
			"set -e\ncd \"$(dirname \"$0\")\"\n");
	snprintf(path, sizeof(path), "%s/gnuplot.log", rp->plots);
	unlink(path);
	rp->have_gnuplot = true;
	for (int i = 0; i < rp->nfigs; i++) {
		struct fig *f = &rp->figs[i];

		for (int k = 0; fmts[k]; k++) {
			int rc;

			gp_vars(f, fmts[k], vars, sizeof(vars));
			if (sh)
				fprintf(sh, "gnuplot -e \"%s\" %s\n", vars, f->script);
			if (!rp->have_gnuplot)
				continue;
			rc = run_gnuplot(rp, vars, f->script);
			snprintf(path, sizeof(path), "%s/%s.%s", rp->plots, f->stem,
				 !strcmp(fmts[k], "dumb") ? "txt" : fmts[k]);
			if (rc == 127) {
				rp->have_gnuplot = false;
				snprintf(rp->gp_problem, sizeof(rp->gp_problem),
					 "gnuplot is not installed (Debian: gnuplot-nox): plots not rendered; TSV data and scripts are in plots/, run plots/render.sh");
			} else if (rc || !nonempty(path)) {
				snprintf(rp->gp_problem, sizeof(rp->gp_problem),
					 "gnuplot failed on %s (%s): see plots/gnuplot.log", f->stem, fmts[k]);
			}
		}
	}
	snprintf(path, sizeof(path), "%s/gnuplot.log", rp->plots);
	if (!nonempty(path))
		unlink(path);
	if (sh) {
		fclose(sh);
		snprintf(path, sizeof(path), "%s/render.sh", rp->plots);
		chmod(path, 0755);
	}
}

/* ---- report.txt ---- */

static const char *env_get(json_object *o, const char *a, const char *b)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, a, &v) || !v)
		return NULL;
	if (b && !json_object_object_get_ex(v, b, &v))
		return NULL;
	return v ? json_object_get_string(v) : NULL;
}

static void print_header(struct report *rp, FILE *f)
{
	json_object *suite = NULL, *host = rp->envjson;
	char text[1024];
	bool emu = false;
	char now[40];
	const char *v;

	for (int i = 0; i < rp->n; i++)
		emu |= rp->res[i].target.emulated[0] != 0;
	sf_now_iso(now, sizeof(now));
	fprintf(f, "syncfault report: %s\n", rp->dir);
	fprintf(f, "built %s from %d results in %d files (syncfault %s)\n", now, rp->n,
		rp->nfiles, rp->res[0].version);
	if (host && json_object_object_get_ex(host, "suite", &suite) && suite) {
		fprintf(f, "suite: %s (config %s)\n", env_get(suite, "label", NULL) ?: "?",
			env_get(suite, "config", NULL) ?: "?");
		json_object *w = NULL;
		double wall = json_object_object_get_ex(suite, "wall_s", &w) && w ?
			json_object_get_double(w) : NAN;

		fprintf(f, "started %s, wall time %.0f s (%.1f min), %s of %s runs finished%s\n",
			env_get(suite, "started", NULL) ?: "?", wall, wall / 60,
			env_get(suite, "finished_runs", NULL) ?: "?", env_get(suite, "runs", NULL) ?: "?",
			(v = env_get(suite, "interrupted", NULL)) && !strcmp(v, "true") ?
				" (INTERRUPTED: resume with syncfault suite --resume)" : "");
	}
	if (!host)
		host = rp->res[0].env;
	snprintf(text, sizeof(text), "kernel %s, %s, hypervisor %s, %s cores",
		 env_get(host, "kernel", NULL) ?: "?", env_get(host, "cpu", "model") ?: "?",
		 env_get(host, "hypervisor", NULL) ?: "?", env_get(host, "cores", NULL) ?: "?");
	sf_wrap(f, "host:", 6, text);
	if (emu)
		fprintf(f, "\nEMULATED: results marked emulated ran in a QEMU %s guest on an emulated\n"
			"NVDIMM. Absolute times are inflated; compare them with each other\n"
			"(mode vs mode, kernel A vs B), not with hardware.\n", emu_accel);
}

/*
 * DIR/kernels.txt: which kernel each side of an A/B comparison booted,
 * written by syncfault ab.  A file of its own, not lines appended to
 * report.txt, so that a rebuilt report states it again.
 */
static void print_kernels(struct report *rp, FILE *f)
{
	char path[4200], err[256], *txt = NULL;
	size_t len;

	snprintf(path, sizeof(path), "%s/kernels.txt", rp->dir);
	if (access(path, F_OK) || sf_read_regular(path, 64 << 10, &txt, &len, err, sizeof(err)))
		return;
	while (len && txt[len - 1] == '\n')
		len--;	/* the next section brings its own blank line */
	fprintf(f, "\n%.*s\n", (int)len, txt);
	free(txt);
}

static void print_targets(struct report *rp, FILE *f)
{
	fprintf(f, "\nTargets:\n");
	for (int i = 0; i < rp->n; i++) {
		struct sf_target *t = &rp->res[i].target;
		char k[96], first[128], text[1024];
		bool seen = false;

		target_kind(&rp->res[i], k, sizeof(k));
		for (int j = 0; j < i && !seen; j++) {
			char kj[96];

			target_kind(&rp->res[j], kj, sizeof(kj));
			seen = !strcmp(k, kj) &&
			       !strcmp(rp->res[j].target.mount_point, t->mount_point) &&
			       !strcmp(rp->res[j].target.kernel, t->kernel);
		}
		if (seen || !t->fs[0])
			continue;
		snprintf(first, sizeof(first), "  %-18s", k);
		snprintf(text, sizeof(text), "%s, dax %s, map_sync %s, kernel %s%s%s",
			 t->mount_point[0] ? t->mount_point : t->path,
			 t->devdax ? "by construction (device)" : t->dax ? "yes" : "no",
			 t->map_sync ? "yes" : "no", t->kernel,
			 t->emulated[0] ? ", " : "", emulated_label(t));
		sf_wrap(f, first, 20, text);
	}
}

static void print_status(struct report *rp, FILE *f)
{
	int n[3] = { 0 }, failed = 0;

	for (int i = 0; i < rp->n; i++) {
		n[rp->res[i].status]++;
		failed += rp->res[i].status == SF_OK && !sf_result_checks_ok(&rp->res[i]);
	}
	fprintf(f, "\nStatus: %d ok, %d unsupported, %d error; %d with a failed check\n",
		n[SF_OK], n[SF_UNSUPPORTED], n[SF_ERROR], failed);
	for (int i = 0; i < rp->n; i++) {
		struct sf_result *r = &rp->res[i];

		char text[1200];

		if (r->status != SF_OK) {
			snprintf(text, sizeof(text), "%s %s: %s", sf_status_name(r->status),
				 rp->file[i], r->reason);
			sf_wrap(f, "  ", 4, text);
		}
		for (int c = 0; r->status == SF_OK && c < r->nchecks; c++)
			if (!r->checks[c].ok) {
				snprintf(text, sizeof(text), "CHECK FAILED %s: %s: %s", rp->file[i],
					 r->checks[c].name, r->checks[c].detail);
				sf_wrap(f, "  ", 4, text);
			}
	}
}

static struct sf_metric *primary(struct sf_result *r)
{
	/* the metric the benchmark's descriptor names, if the result has it */
	const struct sf_bench *b = sf_bench_find(r->bench);

	if (b && b->primary_metric && sf_result_metric(r, b->primary_metric))
		return sf_result_metric(r, b->primary_metric);
	for (int i = 0; i < r->nmetrics; i++)
		if (!r->metrics[i].scalar)
			return &r->metrics[i];
	return r->nmetrics ? &r->metrics[0] : NULL;
}

/* The name of the metric every ok result of bench shows first, or NULL. */
static const char *common_primary(struct report *rp, const char *bench)
{
	const char *name = NULL;

	for (int i = 0; i < rp->n; i++) {
		struct sf_metric *m;

		if (strcmp(rp->res[i].bench, bench) || rp->res[i].status != SF_OK ||
		    !(m = primary(&rp->res[i])))
			continue;
		if (name && strcmp(name, m->name))
			return NULL;
		name = m->name;
	}
	return name;
}

static void print_bench_table(struct report *rp, const struct sf_bench *b, FILE *f)
{
	const char *common = common_primary(rp, b->name);
	struct sf_result *sub = NULL;
	size_t nsub = 0, cap = 0, icap = 0;
	int *idx = NULL, tw = 17;	/* the target column, wider for kind@kernel */
	bool head = false;

	for (int i = 0; i < rp->n; i++) {
		char tk[96];

		target_kind(&rp->res[i], tk, sizeof(tk));
		if (!strcmp(rp->res[i].bench, b->name) && (int)strlen(tk) > tw)
			tw = strlen(tk) < 26 ? strlen(tk) : 26;
	}

	for (int i = 0; i < rp->n; i++) {
		struct sf_result *r = &rp->res[i];
		struct sf_metric *m;
		char name[256], tk[96], p50[24] = "-", p99[24] = "-";

		if (strcmp(r->bench, b->name))
			continue;
		if (!head) {
			fprintf(f, "\n== %s ==%s%s\n", b->name, common ? "  metric: " : "",
				common ? common : "");
			fprintf(f, "  %-*s %-*s %10s %10s %s\n", 44 - tw, "case", tw, "target",
				"p50", "p99", "checks");
			head = true;
		}
		rp->table = true;
		label(rp, r, NULL, true, NULL, name, sizeof(name));
		rp->table = false;
		target_kind(r, tk, sizeof(tk));
		m = r->status == SF_OK ? primary(r) : NULL;
		if (m && m->scalar) {
			sf_fmt_value(median_repeats(m), m->unit, p50, sizeof(p50));
		} else if (m) {
			sf_fmt_value(m->sum.p50, m->unit, p50, sizeof(p50));
			sf_fmt_value(m->sum.p99, m->unit, p99, sizeof(p99));
		}
		if (r->status != SF_OK)
			fprintf(f, "  %-*.*s %-*.*s %s: %.*s\n", 44 - tw, 44 - tw,
				name[0] ? name : "-", tw, tw, tk,
				sf_status_name(r->status),
				(int)(80 - 50 - strlen(sf_status_name(r->status))), r->reason);
		else
			fprintf(f, "  %-*.*s %-*.*s %10s %10s %s%s%s\n", 44 - tw, 44 - tw,
				name[0] ? name : "-", tw, tw, tk,
				p50, p99, sf_result_checks_ok(r) ? "ok" : "FAILED",
				m && !common ? " " : "", m && !common ? m->name : "");
		if (SF_GROW(sub, nsub + 1, cap) || SF_GROW(idx, nsub + 1, icap))
			continue;
		idx[nsub] = i;
		sub[nsub++] = *r;	/* shallow: the tables add facts to info only */
	}
	if (b->tables && nsub > 1) {
		fprintf(f, "\n");
		sf_tables_print(b, sub, nsub, f);
	}
	for (size_t k = 0; k < nsub; k++)
		rp->res[idx[k]].info = sub[k].info;	/* a fact added to a result without info */
	free(sub);
	free(idx);
}

/* Append a text rendering, without gnuplot's trailing blanks. */
static void include_text(struct report *rp, const struct fig *fg, FILE *f)
{
	char path[4400], line[512];
	FILE *in;

	snprintf(path, sizeof(path), "%s/%s.txt", rp->plots, fg->stem);
	in = fopen(path, "re");
	if (!in)
		return;
	fprintf(f, "\n");
	while (fgets(line, sizeof(line), in)) {
		size_t l = strlen(line);

		while (l && (line[l - 1] == '\n' || line[l - 1] == ' '))
			line[--l] = 0;
		fprintf(f, "%s\n", line);
	}
	fclose(in);
}

static void print_figures(struct report *rp, FILE *f)
{
	fprintf(f, "\nFigures (plots/, PNG and SVG; data in the .tsv next to each):\n");
	for (int i = 0; i < rp->nfigs; i++) {
		char first[200];

		snprintf(first, sizeof(first), "  %s.png:", rp->figs[i].stem);
		sf_wrap(f, first, 6, rp->figs[i].title);
	}
	if (!rp->nfigs)
		fprintf(f, "  none: no result has data for a figure\n");
	if (rp->gp_problem[0])
		sf_wrap(f, "  NOTE:", 4, rp->gp_problem);
	fflush(rp->text);
	/* each text part starts with its blank line */
	if (rp->text_len)
		fprintf(f, "%s", rp->text_buf);
	for (int i = 0; rp->have_gnuplot && i < rp->nfigs; i++)
		if (rp->figs[i].key)
			include_text(rp, &rp->figs[i], f);
}

static int write_report(struct report *rp, char *err, size_t errlen)
{
	char *buf = NULL, path[4200];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int ret = -1;

	if (!f) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	print_header(rp, f);
	print_kernels(rp, f);
	print_targets(rp, f);
	print_status(rp, f);
	for (int b = 0; sf_benches[b]; b++)
		print_bench_table(rp, sf_benches[b], f);
	print_figures(rp, f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/report.txt", rp->dir);
	ret = sf_write_atomic(path, buf, len, err, errlen);
	free(buf);
	return ret;
}

/* Where the report goes must take it: found before anything is rendered. */
static int check_outputs(struct report *rp, char *err, size_t errlen)
{
	char path[4200];
	struct stat st;

	if (!lstat(rp->plots, &st) && !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s is not a directory: remove it so that report can put the figures there",
			 rp->plots);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/report.html", rp->dir);
	if (sf_out_path_check(path, "report", err, errlen))
		return -1;
	snprintf(path, sizeof(path), "%s/report.txt", rp->dir);
	return sf_out_path_check(path, "report", err, errlen);
}

/* report.html beside report.txt: the same results, figures inline. */
static int write_html(struct report *rp, char *err, size_t errlen)
{
	struct sf_html_fig figs[MAX_FIGS];
	char path[4200], *txt = NULL;
	size_t len;
	int ret;

	for (int i = 0; i < rp->nfigs; i++) {
		figs[i].stem = rp->figs[i].stem;
		figs[i].title = rp->figs[i].title;
	}
	snprintf(path, sizeof(path), "%s/report.txt", rp->dir);
	if (sf_read_regular(path, SF_READ_MAX, &txt, &len, err, errlen))
		return -1;
	ret = sf_report_html(rp->dir, rp->res, rp->file, rp->n, figs,
			     rp->have_gnuplot ? rp->nfigs : 0, txt, err, errlen);
	free(txt);
	return ret;
}

int sf_report_build(const char *dir, char *err, size_t errlen)
{
	return sf_report_build_dirs(dir, &dir, 1, err, errlen);
}

int sf_report_build_dirs(const char *dir, const char *const *in, int nin, char *err, size_t errlen)
{
	struct report *rp = calloc(1, sizeof(*rp));
	int ret = -1;

	if (!rp) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	rp->in = in;
	rp->nin = nin;
	rp->dir = dir;
	if (load(rp, err, errlen))
		goto out;
	note_guests(rp);
	snprintf(rp->plots, sizeof(rp->plots), "%s/plots", dir);
	if (check_outputs(rp, err, errlen))
		goto out;
	if (sf_mkdir_p(rp->plots, 0755)) {
		snprintf(err, errlen, "cannot create %s: %s", rp->plots, strerror(errno));
		goto out;
	}
	clean_plots(rp);
	rp->text = open_memstream(&rp->text_buf, &rp->text_len);
	if (!rp->text) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	declared_figures(rp);
	fig_attrib(rp);
	render(rp);
	ret = write_report(rp, err, errlen);
	if (!ret)
		ret = write_html(rp, err, errlen);
out:
	if (rp->text)
		fclose(rp->text);
	free(rp->text_buf);
	for (int i = 0; i < rp->n; i++)
		free(rp->file[i]);
	free(rp->file);
	sf_results_free(rp->res, rp->n);
	if (rp->envjson)
		json_object_put(rp->envjson);
	free(rp);
	return ret;
}

/* Flat rows of every result in dirs, to out (a file, atomically) or stdout. */
int sf_report_export(const char *const *in, int nin, const char *fmt, const char *out,
		       char *err, size_t errlen)
{
	struct report rp = { .in = in, .nin = nin };
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int rows = -1;

	if (out && sf_out_path_check(out, "-o", err, errlen))
		return -1;
	if (!load(&rp, err, errlen) && (f = open_memstream(&buf, &len))) {
		rows = sf_export_rows(rp.res, rp.file, rp.n, fmt, f, err, errlen);
		fclose(f);
	}
	for (int i = 0; i < rp.n; i++)
		free(rp.file[i]);
	free(rp.file);
	sf_results_free(rp.res, rp.n);
	if (rp.envjson)
		json_object_put(rp.envjson);
	if (rows < 0) {
		free(buf);
		return -1;
	}
	if (!out) {
		fwrite(buf, 1, len, stdout);
		free(buf);
		return fflush(stdout) ? -1 : 0;
	}
	rows = sf_write_atomic(out, buf, len, err, errlen);
	free(buf);
	return rows;
}
