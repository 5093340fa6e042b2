// SPDX-License-Identifier: MIT
/*
 * report.txt: what was run where, what did not run and why, a table per
 * benchmark and the tables it declares, then the figures' list, their
 * text parts (break-evens, tables of lines) and the key figures as text.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report_int.h"
#include "sf_array.h"
#include "sf_harness.h"
#include "sf_report.h"
#include "sf_util.h"
#include "table.h"

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
			"(mode vs mode, kernel A vs B), not with hardware.\n", rp->emu_accel);
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

		rp_target_kind(rp, &rp->res[i], k, sizeof(k));
		for (int j = 0; j < i && !seen; j++) {
			char kj[96];

			rp_target_kind(rp, &rp->res[j], kj, sizeof(kj));
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
			 t->emulated[0] ? ", " : "", rp_emulated_label(t));
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

/* The compact table: a row per result, every name whole (the columns widen to it). */
static void print_rows(FILE *f, const struct rp_row *rows, int n, const char *metric)
{
	const char *notes[RP_NNOTES];
	int w[4] = { 4, 6, 3, 3 }, nn;

	for (int i = 0; i < n; i++) {
		const char *c[4] = { rows[i].label, rows[i].target, rows[i].p50, rows[i].p99 };

		for (int k = 0; k < 4; k++)
			if ((k < 2 || rows[i].r->status == SF_OK) && tb_cols(c[k]) > w[k])
				w[k] = tb_cols(c[k]);
	}
	fprintf(f, "  %-*s %-*s %*s %*s checks\n", w[0], "case", w[1], "target", w[2], "p50",
		w[3], "p99");
	for (int i = 0; i < n; i++) {
		const struct rp_row *row = &rows[i];
		char first[512], text[1200];

		snprintf(first, sizeof(first), "  %-*s %-*s ", w[0], row->label, w[1], row->target);
		if (row->r->status != SF_OK) {
			snprintf(text, sizeof(text), "%s: %s", sf_status_name(row->r->status),
				 row->r->reason);
			/* under the numbers while they leave room, else a hanging indent */
			sf_wrap(f, first, SF_TEXT_WIDTH - (int)strlen(first) >= 32 ?
				(int)strlen(first) : 6, text);
			continue;
		}
		fputs(first, f);
		tb_pad(f, row->p50, w[2], false);
		fputc(' ', f);
		tb_pad(f, row->p99, w[3], false);
		fprintf(f, " %s%s%s\n", row->checks, metric || !row->metric ? "" : " ",
			metric || !row->metric ? "" : row->metric);
	}
	nn = rp_rows_notes(rows, n, notes);
	for (int k = 0; k < nn; k++)
		sf_wrap(f, "  ", 4, notes[k]);
}

static void print_bench_table(struct report *rp, const struct sf_bench *b, FILE *f)
{
	struct rp_row *rows;
	struct sf_result *sub;
	int n = rp_rows(rp, b->name, &rows);
	const char *metric = n > 0 ? rp_rows_metric(rows, n) : NULL;

	if (n <= 0)
		return;
	fprintf(f, "\n== %s ==%s%s\n", b->name, metric ? "  metric: " : "", metric ? metric : "");
	print_rows(f, rows, n, metric);
	sub = calloc((size_t)n, sizeof(*sub));
	if (b->tables && n > 1 && sub) {
		for (int k = 0; k < n; k++)
			sub[k] = *rows[k].r;	/* shallow: the tables add facts to info only */
		fprintf(f, "\n");
		sf_tables_print(b, sub, n, f);
		for (int k = 0; k < n; k++)
			rows[k].r->info = sub[k].info;	/* a fact added to a result without info */
	}
	free(sub);
	free(rows);
}

/* ---- the appendix: every metric of every result ---- */

/* A metric's p50, p90, p99 and mean as the appendix shows them. */
static void metric_cells(const struct sf_metric *m, char c[4][32])
{
	const double v[4] = { m->sum.p50, m->sum.p90, m->sum.p99, m->sum.mean };

	for (int k = 0; k < 4; k++) {
		sf_fmt_value(v[k], m->unit, c[k], sizeof(c[k]));
		if (!m->sum.n || !isfinite(v[k]))
			snprintf(c[k], sizeof(c[k]), TB_NONE);
	}
}

static void print_metrics(FILE *f, const struct sf_result *r)
{
	static const char *const head[4] = { "p50", "p90", "p99", "mean" };
	int w[5] = { 6, 3, 3, 3, 4 };
	char c[4][32];

	for (int i = 0; i < r->nmetrics; i++) {
		metric_cells(&r->metrics[i], c);
		w[0] = (int)strlen(r->metrics[i].name) > w[0] ? (int)strlen(r->metrics[i].name) : w[0];
		for (int k = 0; k < 4; k++)
			w[k + 1] = tb_cols(c[k]) > w[k + 1] ? tb_cols(c[k]) : w[k + 1];
	}
	fprintf(f, "    %-*s", w[0], "metric");
	for (int k = 0; k < 4; k++)
		fprintf(f, " %*s", w[k + 1], head[k]);
	fprintf(f, " n\n");
	for (int i = 0; i < r->nmetrics; i++) {
		const struct sf_metric *m = &r->metrics[i];

		metric_cells(m, c);
		fprintf(f, "    %-*s", w[0], m->name);
		for (int k = 0; k < 4; k++) {
			fputc(' ', f);
			tb_pad(f, c[k], w[k + 1], false);
		}
		fprintf(f, " %zu %s\n", m->sum.n, m->scalar ? "repeats" : "samples");
	}
}

static void print_result_metrics(FILE *f, const struct rp_row *row)
{
	const struct sf_result *r = row->r;
	char text[1024];

	snprintf(text, sizeof(text), "%s on %s (%s)", row->label, row->target, row->file);
	sf_wrap(f, "  ", 4, text);
	if (r->status != SF_OK || !r->nmetrics) {
		snprintf(text, sizeof(text), "%s%s%s", sf_status_name(r->status),
			 r->reason[0] ? ": " : "", r->reason[0] ? r->reason : ": no metrics");
		sf_wrap(f, "    ", 6, text);
		return;
	}
	print_metrics(f, r);
	for (int c = 0; c < r->nchecks; c++) {
		snprintf(text, sizeof(text), "%s %s", r->checks[c].ok ? "ok" : "FAILED",
			 r->checks[c].name);
		sf_wrap(f, c ? "            " : "    checks: ", 12, text);
	}
}

static void print_appendix(struct report *rp, FILE *f)
{
	fprintf(f, "\nAppendix: every metric of every result\n");
	sf_wrap(f, "  ", 2, "p50, p90, p99 and mean over all samples of all repeats, n the "
		"samples; a metric with one value per repeat (a rate, a count) over its repeats. "
		TB_NONE ": the metric recorded no value there.");
	for (int b = 0; sf_benches[b]; b++) {
		struct rp_row *rows;
		int n = rp_rows(rp, sf_benches[b]->name, &rows);

		if (n > 0)
			fprintf(f, "\n== %s ==\n", sf_benches[b]->name);
		for (int i = 0; i < n; i++)
			print_result_metrics(f, &rows[i]);
		if (n > 0)
			free(rows);
	}
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

int rp_write_text(struct report *rp, char *err, size_t errlen)
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
	rp_print_findings(rp, f);
	print_kernels(rp, f);
	print_targets(rp, f);
	print_status(rp, f);
	for (int b = 0; sf_benches[b]; b++)
		print_bench_table(rp, sf_benches[b], f);
	print_figures(rp, f);
	print_appendix(rp, f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/report.txt", rp->dir);
	ret = sf_write_atomic(path, buf, len, err, errlen);
	free(buf);
	return ret;
}
