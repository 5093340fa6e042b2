// SPDX-License-Identifier: MIT
/*
 * SF_FIG_LINES: a metric against a parameter, a line per series; its
 * text version as a table where declared, and the break-evens marked.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report_int.h"
#include "sf_analysis.h"
#include "sf_harness.h"
#include "sf_util.h"

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
				size_label(s[i].p[k].x, xl, sizeof(xl));
			else
				snprintf(xl, sizeof(xl), "%g", s[i].p[k].x);
			fprintf(rp->text, "%s%s: %.3g", k ? ", " : " ", xl, s[i].p[k].y);
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
		*y = rp_median_repeats(m);
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

		if (!rp_in_partition(rp, r, b->name, d->metric, d->series, d->x, part) ||
		    !lines_point(d, r, &x, &y, unit))
			continue;
		if (d->series_name)
			d->series_name(r, name, sizeof(name));
		else
			rp_label(rp, r, d->series, true, d->x, name, sizeof(name));
		*emu |= r->target.emulated[0] != 0;
		in[(*nin)++] = r;
		series_add(series_get(s, &ns, name), x, y);
	}
	for (int i = 0; i < ns; i++)
		series_sort(&s[i]);
	return ns;
}

/* d->metric versus parameter d->x, a line per series. */
static void draw(struct report *rp, const struct sf_bench *b, const struct sf_figure *d)
{
	char parts[32][256], script[64], title[256];
	int np = rp_partitions(rp, b->name, d->metric, d->series, d->x, parts, 32);
	struct sf_result **in = calloc((size_t)rp->n + 1, sizeof(*in));

	rp_fig_script(d, script, sizeof(script));
	rp_fig_title(d, title, sizeof(title));
	for (int p = 0; in && p < np; p++) {
		struct series s[MAX_SERIES];
		const char *unit = "";
		bool emu = false;
		int nin, ns = lines_of(rp, b, d, parts[p], s, &emu, &unit, in, &nin);
		struct fig *f = rp_series_fig(rp, script, d->name, parts[p], title, emu, s, ns);

		if (!f)
			continue;
		f->key = d->flags & SF_FIG_KEY;
		/* the generic script's axis labels (the benchmarks' own scripts have theirs) */
		snprintf(f->vars, sizeof(f->vars), "xl='%s%s'; yl='%s (%s)'", d->x,
			 d->flags & SF_FIG_X_SIZE ? " (bytes)" : "", d->metric, unit);
		if (d->flags & SF_FIG_LOGY_AUTO)
			snprintf(f->vars, sizeof(f->vars), "logy=%d; xlo=%g; xhi=%g",
				 series_span(s, ns) > 30, series_xmin(s, ns) / 1.5, series_xmax(s, ns) * 1.5);
		series_save(rp, f, s, ns, "%.0f");
		if (d->flags & SF_FIG_TABLE)
			lines_table(rp, d, f, unit, s, ns);
		if (d->breakeven)
			break_evens(rp, d, f, parts[p], in, nin,
				    !(d->flags & SF_FIG_Y_REPEATS) && !strcmp(unit, "us") ? 1e-3 : 1);
		series_free(s, ns);
	}
	free(in);
}

const struct fig_kind fig_kind_lines = { .name = "lines", .draw = draw };
