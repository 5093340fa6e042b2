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

		rp_target_kind(rp, &rp->res[i], tk, sizeof(tk));
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
		rp_label(rp, r, NULL, true, NULL, name, sizeof(name));
		rp->table = false;
		rp_target_kind(rp, r, tk, sizeof(tk));
		m = r->status == SF_OK ? primary(r) : NULL;
		if (m && m->scalar) {
			sf_fmt_value(rp_median_repeats(m), m->unit, p50, sizeof(p50));
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
	fclose(f);
	snprintf(path, sizeof(path), "%s/report.txt", rp->dir);
	ret = sf_write_atomic(path, buf, len, err, errlen);
	free(buf);
	return ret;
}
