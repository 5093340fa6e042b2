// SPDX-License-Identifier: MIT
/*
 * report.html: report.txt's facts as HTML tables and every SVG figure
 * inline; no script, no stylesheet or font from the network.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_int.h"
#include "sf_harness.h"
#include "sf_report.h"
#include "sf_util.h"
#include "table.h"


void rp_html_esc(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
}

static const char *const css =
	"body{font-family:sans-serif;margin:1.5em;color:#222}"
	"h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ccc}"
	"table{border-collapse:collapse;margin:.5em 0;font-size:.85em}"
	"th,td{border:1px solid #bbb;padding:.2em .5em;text-align:left;vertical-align:top}"
	"td.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}th{background:#eee}"
	"tr.bad td{background:#fde2e2}tr.unsupported td{background:#f4f4f4;color:#666}"
	".emu{color:#a00;font-weight:bold}figure{margin:1em 0}figure svg{max-width:100%;height:auto}"
	"figcaption{font-size:.9em;color:#444}td,summary{overflow-wrap:anywhere}"
	"tr.more>td{border-top:none;padding:0 .5em .2em 1.5em;font-size:.9em}"
	"summary{cursor:pointer;color:#555}table.all{font-size:1em}ul.checks{margin:.2em 0}"
	"p.note{font-size:.85em;color:#444;margin:.2em 0}"
	"#findings h3{font-size:1em;margin:.8em 0 .2em}#findings ul{margin:.2em 0;padding-left:1.4em}"
	"#findings li{margin:.1em 0}#findings ul,#findings p{font-size:.85em}pre{background:#f8f8f8;padding:.5em;overflow-x:auto;font-size:.8em}";

/* The SVG file's text from its <svg element on (no XML prolog, no DOCTYPE). */
static void inline_svg(FILE *f, const char *path)
{
	char err[256], *svg = NULL, *start = NULL;
	size_t len;

	if (!sf_read_regular(path, SF_READ_MAX, &svg, &len, err, sizeof(err)))
		start = strstr(svg, "<svg");

	if (start)
		fputs(start, f);
	else
		fprintf(f, "<p>(figure not rendered: %s)</p>", svg ? "no SVG element" : "no SVG file");
	free(svg);
}

static void cell(FILE *f, const char *cls, const char *s)
{
	fprintf(f, "<td%s%s%s>", cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
	rp_html_esc(f, s);
	fprintf(f, "</td>");
}

/* Every metric of a result, and its checks: closed until asked for. */
static void html_details(FILE *f, const struct rp_row *row, int ncols)
{
	const struct sf_result *r = row->r;
	char b[64];

	fprintf(f, "<tr class=\"more\"><td colspan=\"%d\"><details><summary>every metric (%d) "
		   "and check (%d) &middot; ", ncols, r->nmetrics, r->nchecks);
	rp_html_esc(f, row->file);
	fprintf(f, "</summary>\n<table class=\"all\"><tr><th>metric</th><th>p50</th><th>p90</th>"
		   "<th>p99</th><th>mean</th><th>n</th></tr>\n");
	for (int m = 0; m < r->nmetrics; m++) {
		const struct sf_metric *mm = &r->metrics[m];
		const double v[4] = { mm->sum.p50, mm->sum.p90, mm->sum.p99, mm->sum.mean };

		fprintf(f, "<tr>");
		cell(f, NULL, mm->name);
		for (int k = 0; k < 4; k++) {
			sf_fmt_value(v[k], mm->unit, b, sizeof(b));
			cell(f, "n", mm->sum.n && isfinite(v[k]) ? b : TB_NONE);
		}
		snprintf(b, sizeof(b), "%zu %s", mm->sum.n, mm->scalar ? "repeats" : "samples");
		cell(f, "n", b);
		fprintf(f, "</tr>\n");
	}
	fprintf(f, "</table>\n<ul class=\"checks\">");
	for (int c = 0; c < r->nchecks; c++) {
		fprintf(f, "<li>%s ", r->checks[c].ok ? "ok" : "<b>FAILED</b>");
		rp_html_esc(f, r->checks[c].name);
		if (r->checks[c].detail[0]) {
			fprintf(f, ": ");
			rp_html_esc(f, r->checks[c].detail);
		}
		fprintf(f, "</li>");
	}
	fprintf(f, "</ul></details></td></tr>\n");
}

static void html_row(FILE *f, const struct rp_row *row, bool metric_col)
{
	const struct sf_result *r = row->r;
	int ncols = 5 + metric_col;
	char st[1100];

	fprintf(f, "<tr class=\"%s\">", r->status == SF_UNSUPPORTED ? "unsupported" :
		r->status != SF_OK || !sf_result_checks_ok(r) ? "bad" : "ok");
	cell(f, NULL, row->label);
	fprintf(f, "<td>");
	rp_html_esc(f, row->target);
	if (r->target.emulated[0]) {
		fprintf(f, " <span class=\"emu\">EMULATED (");
		rp_html_esc(f, r->target.emulated);
		fprintf(f, ")</span>");
	}
	fprintf(f, "</td>");
	if (r->status != SF_OK) {
		snprintf(st, sizeof(st), "%s: %s", sf_status_name(r->status), r->reason);
		fprintf(f, "<td colspan=\"%d\">", ncols - 2);
		rp_html_esc(f, st);
		fprintf(f, "</td></tr>\n");
		return;
	}
	if (metric_col)
		cell(f, NULL, row->metric ? row->metric : TB_NONE);
	cell(f, "n", row->p50);
	cell(f, "n", row->p99);
	cell(f, NULL, row->checks);
	fprintf(f, "</tr>\n");
	if (r->nmetrics || r->nchecks)
		html_details(f, row, ncols);
}

/* One compact table per benchmark: a row per result, its metrics behind <details>. */
static void html_bench(FILE *f, struct report *rp, const char *bench)
{
	const char *notes[RP_NNOTES];
	struct rp_row *rows;
	int n = rp_rows(rp, bench, &rows), nn;
	const char *metric = n > 0 ? rp_rows_metric(rows, n) : NULL;

	if (n <= 0)
		return;
	fprintf(f, "<h2 id=\"bench-%s\">%s (%d result%s)</h2>\n", bench, bench, n, n == 1 ? "" : "s");
	if (metric) {
		fprintf(f, "<p>metric: <code>");
		rp_html_esc(f, metric);
		fprintf(f, "</code>, p50 and p99 over all samples of all repeats</p>\n");
	}
	fprintf(f, "<table class=\"main\">\n<tr><th>case</th><th>target</th>%s"
		   "<th>p50</th><th>p99</th><th>checks</th></tr>\n", metric ? "" : "<th>metric</th>");
	for (int i = 0; i < n; i++)
		html_row(f, &rows[i], !metric);
	fprintf(f, "</table>\n");
	nn = rp_rows_notes(rows, n, notes);
	for (int k = 0; k < nn; k++) {
		fprintf(f, "<p class=\"note\">");
		rp_html_esc(f, notes[k]);
		fprintf(f, "</p>\n");
	}
	free(rows);
}

/* The findings first: a heading per question, its findings as a list. */
static void html_findings(FILE *f, const struct report *rp)
{
	const struct sf_html_line *find = rp->find;
	int nfind = rp->nfind;
	bool open = false;

	if (!nfind)
		return;
	fprintf(f, "<section id=\"findings\">\n<h2>Findings</h2>\n<p>");
	rp_html_esc(f, rp_findings_intro(rp));
	fprintf(f, "</p>\n");
	for (int i = 0; i < nfind; i++) {
		if (find[i].head && open)
			fprintf(f, "</ul>\n");
		if (find[i].head) {
			fprintf(f, "<h3>");
			rp_html_esc(f, find[i].text);
			fprintf(f, "</h3>\n<ul>\n");
			open = true;
			continue;
		}
		fprintf(f, "%s<li>", open ? "" : "<ul>\n");
		open = true;
		rp_html_esc(f, find[i].text);
		fprintf(f, "</li>\n");
	}
	fprintf(f, "%s</section>\n", open ? "</ul>\n" : "");
}

static void html_figures(FILE *f, const char *dir, const struct sf_html_fig *figs, int nfigs)
{
	char path[4200];

	fprintf(f, "<h2 id=\"figures\">Figures</h2>\n");
	if (!nfigs)
		fprintf(f, "<p>none: no result has data for a figure</p>\n");
	for (int i = 0; i < nfigs; i++) {
		snprintf(path, sizeof(path), "%s/plots/%s.svg", dir, figs[i].stem);
		fprintf(f, "<figure id=\"fig-");
		rp_html_esc(f, figs[i].stem);
		fprintf(f, "\">\n");
		inline_svg(f, path);
		fprintf(f, "\n<figcaption>");
		rp_html_esc(f, figs[i].title);
		fprintf(f, " (plots/");
		rp_html_esc(f, figs[i].stem);
		fprintf(f, ".svg, data in .tsv)</figcaption>\n</figure>\n");
	}
}

int rp_write_html(struct report *rp, const struct sf_html_fig *figs, int nfigs,
		  const char *report_txt, char *err, size_t errlen)
{
	const char *dir = rp->dir;
	const struct sf_result *res = rp->res;
	int n = rp->n;
	char *buf = NULL, path[4200];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int ret = -1;
	bool emu = false;

	if (!f) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (int i = 0; i < n; i++)
		emu |= res[i].target.emulated[0] != '\0';
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		   "<title>syncfault report: ");
	rp_html_esc(f, dir);
	fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>syncfault report: ", css);
	rp_html_esc(f, dir);
	fprintf(f, "</h1>\n<p>%d result%s. ", n, n == 1 ? "" : "s");
	if (emu)
		fprintf(f, "<span class=\"emu\">Some targets are EMULATED (QEMU): their absolute times are inflated; "
			   "compare ratios within a run only.</span>");
	fprintf(f, " Benchmarks:");
	for (int b = 0; sf_benches[b]; b++)
		for (int i = 0; i < n; i++)
			if (!strcmp(res[i].bench, sf_benches[b]->name)) {
				fprintf(f, " <a href=\"#bench-%s\">%s</a>", sf_benches[b]->name,
					sf_benches[b]->name);
				break;
			}
	fprintf(f, " &middot; <a href=\"#findings\">findings</a> &middot; <a href=\"#figures\">figures</a> &middot; <a href=\"#text\">report.txt</a></p>\n");
	html_findings(f, rp);
	html_figures(f, dir, figs, nfigs);
	for (int b = 0; sf_benches[b]; b++)
		html_bench(f, rp, sf_benches[b]->name);
	fprintf(f, "<h2 id=\"text\">report.txt</h2>\n<pre>");
	rp_html_esc(f, report_txt ? report_txt : "");
	fprintf(f, "</pre>\n</body>\n</html>\n");
	fclose(f);
	snprintf(path, sizeof(path), "%s/report.html", dir);
	if (sf_out_path_check(path, "report", err, errlen)) {
		free(buf);
		return -1;
	}
	ret = sf_write_atomic(path, buf, len, err, errlen);
	free(buf);
	return ret;
}
