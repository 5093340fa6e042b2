// SPDX-License-Identifier: MIT
/* SF_FIG_IDLE_LOADED: every NAME_idle / NAME_loaded pair of metrics, p50 and p99. */
#include <math.h>
#include <string.h>

#include "report_int.h"
#include "sf_harness.h"

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
	rp_label(rp, r, NULL, true, NULL, name, sizeof(name));
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
	rp_fig_script(d, script, sizeof(script));
	rp_fig_title(d, title, sizeof(title));
	g->f = rp_new_fig(rp, script, d->name, part, title, false);
	if (!g->f || !(g->tsv = rp_open_tsv(rp, g->f)))
		return false;
	fprintf(g->tsv, "# case\tidle_p50\tloaded_p50\tidle_p99\tloaded_p99 (us)\n");
	fprintf(rp->text, "\n%s - %s: p50 idle -> loaded, p99 idle -> loaded\n", d->title, part);
	return true;
}

/* Every NAME_idle / NAME_loaded pair of the benchmark: p50 and p99, idle and loaded. */
static void draw(struct report *rp, const struct sf_bench *b, const struct sf_figure *d)
{
	char parts[32][256];
	int np = rp_partitions(rp, b->name, NULL, NULL, NULL, parts, 32);

	for (int p = 0; p < np; p++) {
		struct idle_fig g = { .lo = INFINITY };
		bool emu = false;

		for (int i = 0; i < rp->n; i++) {
			struct sf_result *r = &rp->res[i];

			if (!rp_in_partition(rp, r, b->name, NULL, NULL, NULL, parts[p]))
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
			rp_fig_emulated(rp, g.f);
		g.f->nseries = g.rows;
		if (g.hi / g.lo > 20)
			snprintf(g.f->vars, sizeof(g.f->vars), "logy=1; ymin=%.6g", g.lo / 2);
	}
}

const struct fig_kind fig_kind_idle_loaded = { .name = "idle_loaded", .draw = draw };
