// SPDX-License-Identifier: MIT
/*
 * compare.html: the A/B page a reviewer opens.  The kernels of each side,
 * the marked rows first with the kernel phases that moved, a forest plot
 * (each row's change and its interval against the noise floor, one panel
 * per benchmark), then every row with its detectable change.  Every figure
 * is what the comparison's rows conclude (sf_cmp_row_effect()), so the page
 * states what compare.txt states.  Self-contained: no file beside it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compare_text_int.h"
#include "report_int.h"
#include "sf_attrib_delta.h"
#include "sf_attrib_map.h"
#include "sf_compare_rows.h"
#include "sf_util.h"

#define PLOT_W	500	/* the plot cell's viewBox width */

static const char *const css =
	"body{font-family:sans-serif;margin:1.5em;color:#222;max-width:80em}"
	"h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ccc}"
	"h3{font-size:1em}table{border-collapse:collapse;margin:.5em 0;font-size:.85em;width:100%}"
	"th,td{border:1px solid #ccc;padding:.15em .4em;text-align:left;vertical-align:middle}"
	"th{background:#eee}td.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}"
	"td{overflow-wrap:anywhere}td.ci{text-align:right;font-variant-numeric:tabular-nums}"
	"tr.worse td{background:#fde2e2}tr.better td{background:#e2f5e2}"
	"table.forest td{border:none;border-bottom:1px solid #eee}table.forest td.plot{width:45%;padding:0}"
	"table.forest svg{display:block;width:100%;height:18px}"
	".emu{color:#a00;font-weight:bold}.phase{font-size:.9em;color:#444;margin-left:1.5em}";

/* The parameters of p's first result that vary among the pairs of its benchmark. */
static void pair_label(const struct sf_cmp *c, const struct sf_cmp_pair *p, char *buf, size_t len)
{
	const struct sf_result *r = p->rb;
	size_t off = (size_t)snprintf(buf, len, "%s", r->bench);
	char t[64], tq[64];
	bool tv = false;

	sf_target_key(&r->target, t, sizeof(t));
	for (int k = 0; k < r->nparams; k++) {
		bool varies = false;

		for (int j = 0; j < c->npairs && !varies; j++) {
			const struct sf_result *q = c->pairs[j].rb;
			const char *v = sf_result_param(q, r->params[k].k);

			varies = !strcmp(q->bench, r->bench) && (!v || strcmp(v, r->params[k].v));
		}
		if (varies && off < len)
			off += snprintf(buf + off, len - off, " %s=%s", r->params[k].k, r->params[k].v);
	}
	for (int j = 0; j < c->npairs && !tv; j++) {
		sf_target_key(&c->pairs[j].rb->target, tq, sizeof(tq));
		tv = !strcmp(c->pairs[j].rb->bench, r->bench) && strcmp(tq, t);
	}
	if (tv && off < len)
		snprintf(buf + off, len - off, " @%s", t);
}

static const char *mark_of(const struct sf_cmp_effect *e)
{
	return e->verdict == SF_WORSE ? "worse" : e->verdict == SF_BETTER ? "better" : "";
}

static void cell_num(FILE *f, double v, const char *unit)
{
	char buf[48];

	sf_fmt_value(v, unit, buf, sizeof(buf));
	fprintf(f, "<td class=\"n\">%s</td>", buf);
}

static void cell_pct(FILE *f, double v, int decimals)
{
	char b[24];

	sf_cmp_fmt_signed(v, decimals, b, sizeof(b));
	fprintf(f, "<td class=\"n\">%s</td>", isfinite(v) ? b : "&mdash;");
}

static void cell_ci(FILE *f, const struct sf_cmp_effect *e, const struct sf_cmp_row *r)
{
	char lo[24], hi[24], why[96];
	int dec = sf_cmp_decimals(e->pct, e->lo, e->hi);

	if (isfinite(e->lo)) {
		sf_cmp_fmt_signed(e->lo, dec, lo, sizeof(lo));
		sf_cmp_fmt_signed(e->hi, dec, hi, sizeof(hi));
		fprintf(f, "<td class=\"ci\">%s to %s</td>", lo, hi);
		return;
	}
	fprintf(f, "<td>none: ");
	rp_html_esc(f, sf_cmp_no_interval_why(r, why, sizeof(why)));
	fprintf(f, "</td>");
}

/* One row of a table: the pair, the metric, both medians, change, interval, detectable, mark. */
static void row_html(FILE *f, const char *label, const struct sf_cmp_row *r, bool detectable)
{
	struct sf_cmp_effect e;

	sf_cmp_row_effect(r, &e);
	fprintf(f, "<tr class=\"%s\"><td>", mark_of(&e));
	rp_html_esc(f, label);
	fprintf(f, "</td><td>");
	rp_html_esc(f, r->metric);
	fprintf(f, "</td>");
	cell_num(f, r->c.base, r->unit);
	cell_num(f, r->c.new, r->unit);
	cell_pct(f, e.pct, sf_cmp_decimals(e.pct, e.lo, e.hi));
	cell_ci(f, &e, r);
	if (detectable && isfinite(e.detectable))
		fprintf(f, "<td class=\"n\">%.1f%%</td>", e.detectable);
	else if (detectable)
		fprintf(f, "<td class=\"n\">&mdash;</td>");
	fprintf(f, "<td>%s%s</td></tr>\n", mark_of(&e),
		r->kind == SF_ROW_DIAGNOSTIC ? "diagnostic" : "");
}

static void phases_html(FILE *f, const struct sf_cmp_pair *p)
{
	char line[512], pct[24];

	for (int i = 0; i < p->ndelta; i++) {
		const struct sf_attrib_delta *d = &p->delta[i];

		sf_attrib_delta_line(d, line, sizeof(line));
		sf_cmp_fmt_signed(100 * (d->new_us / d->base_us - 1), 0, pct, sizeof(pct));
		fprintf(f, "<p class=\"phase\">%s phases %s: ", sf_ev_kind_name(d->kind), pct);
		rp_html_esc(f, line);
		fprintf(f, "</p>\n");
	}
	if (p->roles) {
		sf_attrib_roles_delta_line(&p->roles_b, &p->roles_n, line, sizeof(line));
		if (line[0]) {
			fprintf(f, "<p class=\"phase\">roles: ");
			rp_html_esc(f, line);
			fprintf(f, "</p>\n");
		}
	}
}

static void marked_html(FILE *f, const struct sf_cmp *c)
{
	char label[1024];
	int n = 0;

	fprintf(f, "<h2 id=\"marked\">Marked rows</h2>\n");
	for (int i = 0; i < c->npairs; i++) {
		const struct sf_cmp_pair *p = &c->pairs[i];
		bool phases = false;

		for (int j = 0; j < p->nrows; j++) {
			struct sf_cmp_effect e;

			sf_cmp_row_effect(&p->rows[j], &e);
			if (e.verdict != SF_WORSE && e.verdict != SF_BETTER)
				continue;
			if (!n++)
				fprintf(f, "<table>\n<tr><th>pair</th><th>metric</th><th>base</th><th>new</th>"
					   "<th>change</th><th>95%% interval</th><th>mark</th></tr>\n");
			pair_label(c, p, label, sizeof(label));
			row_html(f, label, &p->rows[j], false);
			if (!phases && (p->ndelta || p->roles)) {
				phases = true;
				fprintf(f, "<tr><td colspan=\"7\">");
				phases_html(f, p);
				fprintf(f, "</td></tr>\n");
			}
		}
	}
	if (n)
		fprintf(f, "</table>\n");
	else
		fprintf(f, "<p>None: no row changed beyond the noise floor with its interval away from 0 "
			   "and held at the false discovery rate.</p>\n");
}

/* ---- the forest plot: a table per benchmark, a plot cell per row on one scale ---- */

/* The noise floor row r was held to (%): the model's, else a fixed --noise, else none. */
static double floor_of(const struct sf_cmp_row *r, double noise)
{
	if (r->tested && isfinite(r->fit.floor))
		return r->fit.floor;
	return isfinite(noise) ? noise : 0;
}

static bool plotted(const struct sf_cmp_row *r)
{
	return r->kind == SF_ROW_COMPARED && isfinite(r->c.pct);
}

/* The panel's half-width in %: its widest interval or change, at least 3x the noise. */
static double panel_scale(const struct sf_cmp *c, const char *bench, double noise)
{
	double l = 5;

	for (int i = 0; i < c->npairs; i++) {
		const struct sf_cmp_pair *p = &c->pairs[i];

		for (int j = 0; j < p->nrows; j++) {
			struct sf_cmp_effect e;

			if (strcmp(p->rb->bench, bench) || !plotted(&p->rows[j]))
				continue;
			sf_cmp_row_effect(&p->rows[j], &e);
			l = fmax(l, fmax(fabs(e.pct), 3 * floor_of(&p->rows[j], noise)));
			if (isfinite(e.lo))
				l = fmax(l, fmax(fabs(e.lo), fabs(e.hi)));
		}
	}
	return ceil(l / 5) * 5;
}

/*
 * The axis is symmetric-logarithmic, log(1 + |change| / 100) with its sign:
 * near linear over the few % most rows move, and a change of +-280% still
 * has its interval on the panel beside them.
 */
static double slog(double pct)
{
	return copysign(log1p(fabs(pct) / 100), pct);
}

static double xpos(double pct, double l)
{
	return PLOT_W / 2.0 + fmax(-1, fmin(1, slog(pct) / slog(l))) * (PLOT_W / 2.0 - 8);
}

static void whisker_svg(FILE *f, const struct sf_cmp_effect *e, double noise, double l)
{
	const char *col = e->verdict == SF_WORSE ? "#c00" : e->verdict == SF_BETTER ? "#080" : "#555";

	fprintf(f, "<svg viewBox=\"0 0 %d 18\" preserveAspectRatio=\"none\" role=\"img\">"
		   "<rect x=\"%.1f\" y=\"0\" width=\"%.1f\" height=\"18\" fill=\"#e8e8e8\"/>"
		   "<line x1=\"%.1f\" y1=\"0\" x2=\"%.1f\" y2=\"18\" stroke=\"#999\"/>",
		PLOT_W, xpos(-noise, l), xpos(noise, l) - xpos(-noise, l), xpos(0, l), xpos(0, l));
	if (isfinite(e->lo))
		fprintf(f, "<line x1=\"%.1f\" y1=\"9\" x2=\"%.1f\" y2=\"9\" stroke=\"%s\" stroke-width=\"2\"/>",
			xpos(e->lo, l), xpos(e->hi, l), col);
	fprintf(f, "<circle cx=\"%.1f\" cy=\"9\" r=\"%d\" fill=\"%s\"/></svg>", xpos(e->pct, l),
		e->verdict == SF_SAME ? 3 : 5, col);
}

static void axis_row(FILE *f, double l)
{
	fprintf(f, "<tr><td></td><td class=\"n\"></td><td class=\"plot\">"
		   "<svg viewBox=\"0 0 %d 18\" preserveAspectRatio=\"none\" role=\"img\">", PLOT_W);
	for (int k = -2; k <= 2; k++) {
		double v = copysign(expm1(fabs(k * slog(l) / 2)) * 100, k), x = xpos(v, l);
		char tick[24];

		sf_cmp_fmt_signed(v, fabs(v) < 9.95 ? 1 : 0, tick, sizeof(tick));
		fprintf(f, "<line x1=\"%.1f\" y1=\"0\" x2=\"%.1f\" y2=\"4\" stroke=\"#555\"/>"
			   "<text x=\"%.1f\" y=\"15\" font-size=\"10\" text-anchor=\"%s\">%s</text>",
			x, x, x, k == -2 ? "start" : k == 2 ? "end" : "middle", tick);
	}
	fprintf(f, "</svg></td><td></td></tr>\n<tr><td colspan=\"4\">change, positive = better, "
		   "on a symmetric log scale (equal steps in 1 + |change|); the grey band is the "
		   "row's noise floor; a line is the 95%% interval, its ends on the right; a "
		   "large dot a marked row</td></tr>\n");
}

static void panel_html(FILE *f, const struct sf_cmp *c, const char *bench, double noise)
{
	double l = panel_scale(c, bench, noise);
	char label[1024];

	fprintf(f, "<h3>%s</h3>\n<table class=\"forest\">\n", bench);
	for (int i = 0; i < c->npairs; i++) {
		const struct sf_cmp_pair *p = &c->pairs[i];

		if (strcmp(p->rb->bench, bench))
			continue;
		pair_label(c, p, label, sizeof(label));
		for (int j = 0; j < p->nrows; j++) {
			struct sf_cmp_effect e;

			if (!plotted(&p->rows[j]))
				continue;
			sf_cmp_row_effect(&p->rows[j], &e);
			fprintf(f, "<tr class=\"%s\"><td>", mark_of(&e));
			rp_html_esc(f, label);
			fprintf(f, " &middot; ");
			rp_html_esc(f, p->rows[j].metric);
			fprintf(f, "</td>");
			cell_pct(f, e.pct, sf_cmp_decimals(e.pct, e.lo, e.hi));
			fprintf(f, "<td class=\"plot\">");
			whisker_svg(f, &e, floor_of(&p->rows[j], noise), l);
			fprintf(f, "</td>");
			cell_ci(f, &e, &p->rows[j]);
			fprintf(f, "</tr>\n");
		}
	}
	axis_row(f, l);
	fprintf(f, "</table>\n");
}

static void forest_html(FILE *f, const struct sf_cmp *c, double noise)
{
	fprintf(f, "<h2 id=\"forest\">Forest plot</h2>\n");
	for (int b = 0; sf_benches[b]; b++) {
		bool any = false;

		for (int i = 0; i < c->npairs && !any; i++)
			for (int j = 0; j < c->pairs[i].nrows && !any; j++)
				any = !strcmp(c->pairs[i].rb->bench, sf_benches[b]->name) &&
				      plotted(&c->pairs[i].rows[j]);
		if (any)
			panel_html(f, c, sf_benches[b]->name, noise);
	}
}

static void all_rows_html(FILE *f, const struct sf_cmp *c)
{
	char label[1024];

	fprintf(f, "<h2 id=\"rows\">Every row</h2>\n<table>\n<tr><th>pair</th><th>metric</th>"
		   "<th>base</th><th>new</th><th>change</th><th>95%% interval</th>"
		   "<th>detectable change</th><th>mark</th></tr>\n");
	for (int i = 0; i < c->npairs; i++) {
		const struct sf_cmp_pair *p = &c->pairs[i];

		pair_label(c, p, label, sizeof(label));
		if (p->state != SF_PAIR_OK) {
			fprintf(f, "<tr class=\"%s\"><td>", p->state == SF_PAIR_FAILED_NEW ? "worse" : "");
			rp_html_esc(f, label);
			fprintf(f, "</td><td colspan=\"7\">%s in %s: ", sf_status_name(p->bad->status),
				p->bad_in_base ? "base" : "new");
			rp_html_esc(f, p->bad->reason);
			fprintf(f, "</td></tr>\n");
			continue;
		}
		for (int j = 0; j < p->nrows; j++)
			if (p->rows[j].kind != SF_ROW_NOT_NUMBER)
				row_html(f, label, &p->rows[j], true);
	}
	fprintf(f, "</table>\n");
}

/* Each side's kernels, as its results name them, and whether they were emulated. */
static void side_html(FILE *f, const char *name, const char *path, const struct sf_cmp *c,
		      bool base)
{
	char seen[8][320];
	int ns = 0;

	fprintf(f, "<li>%s: <code>", name);
	rp_html_esc(f, path);
	fprintf(f, "</code>, kernel");
	for (int i = 0; i < c->npairs && ns < 8; i++) {
		const struct sf_result *r = base ? c->pairs[i].rb : c->pairs[i].rn;
		char k[320];
		bool dup = false;

		snprintf(k, sizeof(k), "%s%s%s", r->target.kernel,
			 r->target.emulated[0] ? ", " : "", rp_emulated_label(&r->target));
		for (int j = 0; j < ns && !dup; j++)
			dup = !strcmp(seen[j], k);
		if (dup)
			continue;
		snprintf(seen[ns], sizeof(seen[ns]), "%s", k);
		fprintf(f, "%s ", ns++ ? "," : "");
		rp_html_esc(f, k);
	}
	fprintf(f, "</li>\n");
}

int sf_compare_html(const char *path, const struct sf_cmp_page *pg, const struct sf_cmp *c,
		    char *err, size_t errlen)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	char floor[96];
	int ret;

	if (isfinite(pg->noise))
		snprintf(floor, sizeof(floor), "changes within %.1f%% are never marked", pg->noise);
	else
		snprintf(floor, sizeof(floor), "each row's noise floor is its typical spread across runs");

	if (!f) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		   "<meta name=\"viewport\" content=\"width=device-width\">\n"
		   "<title>syncfault compare</title>\n<style>%s</style>\n</head>\n<body>\n"
		   "<h1>syncfault compare</h1>\n<ul>\n", css);
	side_html(f, "base", pg->base, c, true);
	side_html(f, "new", pg->new, c, false);
	fprintf(f, "</ul>\n<p>%d metrics in %d pairs: <b>%d worse</b>, <b>%d better</b>, %d without a "
		   "significant change, %d without a 95%% interval; %s; false discovery rate %g%% "
		   "over all %d rows. "
		   "<a href=\"#marked\">marked</a> &middot; <a href=\"#forest\">forest plot</a> "
		   "&middot; <a href=\"#rows\">every row</a></p>\n",
		c->t.metrics, c->t.pairs, c->t.worse, c->t.better, c->t.same, c->t.no_ci, floor,
		pg->fdr * 100, c->nfdr);
	marked_html(f, c);
	forest_html(f, c, pg->noise);
	all_rows_html(f, c);
	fprintf(f, "</body>\n</html>\n");
	fclose(f);
	ret = sf_write_atomic(path, buf, len, err, errlen);
	free(buf);
	return ret;
}
