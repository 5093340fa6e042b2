// SPDX-License-Identifier: MIT
/*
 * report.html: report.txt's facts as HTML tables and every SVG figure
 * inline; no script, no stylesheet or font from the network.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_int.h"
#include "sf_harness.h"
#include "sf_report.h"
#include "sf_util.h"


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
	"figcaption{font-size:.9em;color:#444}"
	"#findings h3{font-size:1em;margin:.8em 0 .2em}#findings ul{margin:.2em 0;padding-left:1.4em}"
	"#findings li{margin:.15em 0}pre{background:#f8f8f8;padding:.5em;overflow-x:auto;font-size:.8em}";

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

static void metric_value(FILE *f, double v, const char *unit)
{
	char b[64];

	sf_fmt_value(v, unit, b, sizeof(b));
	fprintf(f, "<td class=\"n\">");
	rp_html_esc(f, b);
	fprintf(f, "</td>");
}

static void html_params(FILE *f, const struct sf_result *res, int n, const struct sf_result *r)
{
	bool any = false;

	for (int k = 0; k < r->nparams; k++) {
		if (!strcmp(r->params[k].k, "repeats") ||
		    !sf_param_varies(res, n, r->bench, r->params[k].k, NULL, NULL, NULL))
			continue;
		fprintf(f, "%s", any ? "<br>" : "");
		rp_html_esc(f, r->params[k].k);
		fprintf(f, "=");
		rp_html_esc(f, r->params[k].v);
		any = true;
	}
}

/* One table per benchmark: every result, its varying parameters, every metric. */
static void html_bench(FILE *f, const struct sf_result *res, char *const *files, int n,
		       const char *bench)
{
	int count = 0;

	for (int i = 0; i < n; i++)
		count += !strcmp(res[i].bench, bench);
	if (!count)
		return;
	fprintf(f, "<h2 id=\"bench-%s\">%s (%d result%s)</h2>\n<table>\n<tr><th>result</th><th>parameters</th>"
		   "<th>target</th><th>status</th><th>metric</th><th>p50</th><th>p90</th><th>p99</th><th>mean</th>"
		   "<th>n</th><th>checks</th></tr>\n", bench, bench, count, count == 1 ? "" : "s");
	for (int i = 0; i < n; i++) {
		const struct sf_result *r = &res[i];
		int rows = r->nmetrics ? r->nmetrics : 1;
		char t[128];
		bool ok = sf_result_checks_ok(r);

		if (strcmp(r->bench, bench))
			continue;
		rp_target_name(r, t, sizeof(t));
		for (int m = 0; m < rows; m++) {
			const struct sf_metric *mm = r->nmetrics ? &r->metrics[m] : NULL;

			fprintf(f, "<tr class=\"%s\">", r->status == SF_UNSUPPORTED ? "unsupported" :
				r->status != SF_OK || !ok ? "bad" : "ok");
			if (!m) {
				fprintf(f, "<td rowspan=\"%d\">", rows);
				rp_html_esc(f, files[i]);
				fprintf(f, "</td><td rowspan=\"%d\">", rows);
				html_params(f, res, n, r);
				fprintf(f, "</td><td rowspan=\"%d\">", rows);
				rp_html_esc(f, t);
				if (r->target.emulated[0]) {
					fprintf(f, " <span class=\"emu\">EMULATED (");
					rp_html_esc(f, r->target.emulated);
					fprintf(f, ")</span>");
				}
				fprintf(f, "</td><td rowspan=\"%d\">", rows);
				rp_html_esc(f, sf_status_name(r->status));
				if (r->reason[0]) {
					fprintf(f, ": ");
					rp_html_esc(f, r->reason);
				}
				fprintf(f, "</td>");
			}
			if (mm) {
				fprintf(f, "<td>");
				rp_html_esc(f, mm->name);
				fprintf(f, "</td>");
				metric_value(f, mm->sum.p50, mm->unit);
				metric_value(f, mm->sum.p90, mm->unit);
				metric_value(f, mm->sum.p99, mm->unit);
				metric_value(f, mm->sum.mean, mm->unit);
				fprintf(f, "<td class=\"n\">%zu</td>", mm->sum.n);
			} else {
				fprintf(f, "<td colspan=\"6\">no metrics</td>");
			}
			if (!m) {
				fprintf(f, "<td rowspan=\"%d\">", rows);
				for (int c = 0; c < r->nchecks; c++) {
					fprintf(f, "%s", c ? "<br>" : "");
					fprintf(f, "%s ", r->checks[c].ok ? "ok" : "<b>FAILED</b>");
					rp_html_esc(f, r->checks[c].name);
				}
				fprintf(f, "</td>");
			}
			fprintf(f, "</tr>\n");
		}
	}
	fprintf(f, "</table>\n");
}

/* The findings first: a heading per question, its findings as a list. */
static void html_findings(FILE *f, const struct sf_html_line *find, int nfind)
{
	bool open = false;

	if (!nfind)
		return;
	fprintf(f, "<section id=\"findings\">\n<h2>Findings</h2>\n"
		   "<p>This run's results: medians of the repeats; the change and its 95%% "
		   "interval as <code>syncfault compare</code> states them.</p>\n");
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

int sf_report_html(const char *dir, const struct sf_result *res, char *const *files, int n,
		   const struct sf_html_line *find, int nfind,
		   const struct sf_html_fig *figs, int nfigs, const char *report_txt,
		   char *err, size_t errlen)
{
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
	html_findings(f, find, nfind);
	html_figures(f, dir, figs, nfigs);
	for (int b = 0; sf_benches[b]; b++)
		html_bench(f, res, files, n, sf_benches[b]->name);
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
