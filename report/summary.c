// SPDX-License-Identifier: MIT
/* The compact human summary of a result, as printed after a run. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sf_attrib_print.h"
#include "sf_harness.h"

static void print_params(const struct sf_result *r, FILE *f)
{
	fprintf(f, "%s:", r->bench);
	for (int i = 0; i < r->nparams; i++)
		fprintf(f, " %s=%s", r->params[i].k, r->params[i].v);
	fprintf(f, "\n");
}

static void print_target(const struct sf_result *r, FILE *f)
{
	const struct sf_target *t = &r->target;

	if (!t->path[0])
		return;
	fprintf(f, "  target %s (%s%s%s, kernel %s)\n", t->path, t->fs,
		t->devdax ? ", device DAX: no filesystem" : t->dax ? ", DAX" : ", not DAX", t->map_sync ? ", MAP_SYNC" : "", t->kernel);
	if (t->emulated[0])
		fprintf(f, "  EMULATED (%s): absolute times are inflated; compare ratios within a run only\n",
			t->emulated);
}

/*
 * What was subtracted from every sample: the timer's own cost, or what the
 * benchmark says it subtracted instead (flush subtracts a drained window).
 */
static double timer_overhead_ns(const struct sf_result *r)
{
	json_object *timer, *v;

	if (r->info && json_object_object_get_ex(r->info, "timer_overhead_ns", &v))
		return json_object_get_double(v);
	if (r->env && json_object_object_get_ex(r->env, "timer", &timer) &&
	    json_object_object_get_ex(timer, "overhead_ns", &v))
		return json_object_get_double(v);
	return NAN;
}

static void print_metric(const struct sf_metric *m, FILE *f)
{
	char v[6][24];
	double cv = sf_cv_of(m->repeats, (size_t)m->nrepeats);

	if (m->scalar) {
		sf_fmt_value(m->sum.p50, m->unit, v[0], sizeof(v[0]));
		sf_fmt_value(m->sum.min, m->unit, v[1], sizeof(v[1]));
		sf_fmt_value(m->sum.max, m->unit, v[2], sizeof(v[2]));
		fprintf(f, "  %-26s %11s  (median of %d repeats, min %s, max %s)\n",
			m->name, v[0], m->nrepeats, v[1], v[2]);
		return;
	}
	sf_fmt_value(m->sum.p50, m->unit, v[0], sizeof(v[0]));
	sf_fmt_value(m->sum.p90, m->unit, v[1], sizeof(v[1]));
	sf_fmt_value(m->sum.p99, m->unit, v[2], sizeof(v[2]));
	sf_fmt_value(m->sum.p999, m->unit, v[3], sizeof(v[3]));
	sf_fmt_value(m->sum.max, m->unit, v[4], sizeof(v[4]));
	sf_fmt_value(m->sum.mean, m->unit, v[5], sizeof(v[5]));
	fprintf(f, "  %-26s %11s %11s %11s %11s %11s %11s %7zu", m->name,
		v[0], v[1], v[2], v[3], v[4], v[5], m->sum.n);
	if (isfinite(cv))
		fprintf(f, " %5.1f%%", cv * 100);
	fprintf(f, "\n");
}

static const char *info_str(const struct sf_result *r, const char *key)
{
	json_object *v;

	if (r->info && json_object_object_get_ex(r->info, key, &v))
		return json_object_get_string(v);
	return NULL;
}

static json_object *info_obj(const struct sf_result *r, const char *key)
{
	json_object *v;

	return r->info && json_object_object_get_ex(r->info, key, &v) ? v : NULL;
}

static double info_num(const struct sf_result *r, const char *key)
{
	json_object *v = info_obj(r, key);

	return v ? json_object_get_double(v) : NAN;
}

static const char *obj_str(json_object *o, const char *key)
{
	json_object *v;

	return o && json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : "";
}

static double obj_num(json_object *o, const char *key)
{
	json_object *v;

	return o && json_object_object_get_ex(o, key, &v) ? json_object_get_double(v) : NAN;
}

/* How many repeats ran and why they stopped; whether the point is unstable. */
static void print_repeats(const struct sf_result *r, FILE *f)
{
	json_object *rp = info_obj(r, "repeat_plan"), *ds = info_obj(r, "disturbance");
	double hw = obj_num(rp, "half_width_pct");

	if (rp && !strcmp(obj_str(rp, "mode"), "adaptive"))
		fprintf(f, "  repeats: adaptive, %.0f run, stopped on %s; 95%% CI of %s's median +-%.1f%% (target +-%.1f%%)\n",
			obj_num(rp, "run"), obj_str(rp, "stop"), obj_str(rp, "metric"), hw,
			obj_num(rp, "precision_pct"));
	else if (rp && isfinite(hw))
		fprintf(f, "  repeats: fixed; 95%% CI of %s's median +-%.1f%%\n", obj_str(rp, "metric"), hw);
	if (ds && obj_num(ds, "dropped") > 0)
		fprintf(f, "  UNSTABLE: %.0f repeat(s) dropped, disturbed in every try; %.0f kept disturbed (%s)\n",
			obj_num(ds, "dropped"), obj_num(ds, "disturbed_kept"), obj_str(ds, "why"));
	else if (ds && obj_num(ds, "disturbed_kept") > 0)
		fprintf(f, "  UNSTABLE: %.0f repeat(s) stayed disturbed after %.0f re-run(s) (%s)\n",
			obj_num(ds, "disturbed_kept"), obj_num(ds, "reruns"), obj_str(ds, "why"));
	else if (ds && obj_num(ds, "reruns") > 0)
		fprintf(f, "  %.0f disturbed repeat(s) re-run; none kept\n", obj_num(ds, "reruns"));
}

/* The page-cache shape the benchmark stated (sf_state_pagecache). */
/* Above this many times the pages an update dirtied, write-back is flagged. */
#define WRITEBACK_FLAG_RATIO	16

/*
 * Bytes the block device wrote per update (median of the repeats) against
 * the update and the pages it dirtied: a ratio, and a flag when the folio
 * rather than the update sets it.
 */
static void print_writeback(const struct sf_result *r, FILE *f)
{
	const struct sf_metric *m = sf_result_metric((struct sf_result *)r, "writeback_per_update");
	double upd = info_num(r, "writeback_update_bytes"), dirt = info_num(r, "writeback_dirtied_bytes");
	double per = m ? m->sum.p50 : NAN;

	if (!isfinite(per) || !(upd > 0) || !(dirt > 0))
		return;
	fprintf(f, "  write-back: %.0f bytes per %.0f-byte update (median of repeats): %.0fx the update, %.1fx the %.0f KiB it dirtied\n",
		per, upd, per / upd, per / dirt, dirt / 1024);
	if (per > WRITEBACK_FLAG_RATIO * dirt)
		fprintf(f, "  note: write-back over %dx what the update dirtied: the file's page-cache folios, not the update, set it (kernel behaviour for a file filled this way, see fill_chunk; not an error of the measurement)\n",
			WRITEBACK_FLAG_RATIO);
}

static void print_pagecache(const struct sf_result *r, FILE *f)
{
	const char *fc = info_str(r, "fill_chunk"), *fo = info_str(r, "folios");

	if (fo)
		fprintf(f, "  page cache: fill_chunk %s; folios %s\n", fc ? fc : "-", fo);
	print_writeback(r, f);
}

void sf_result_print(const struct sf_result *r, FILE *f)
{
	bool header = false;

	print_params(r, f);
	print_target(r, f);
	if (r->status != SF_OK) {
		fprintf(f, "  %s: %s\n", sf_status_name(r->status), r->reason);
		return;
	}
	fprintf(f, "  %d repeat(s), %.1f s; timer overhead %.1f ns subtracted from every sample\n",
		r->nmetrics ? r->metrics[0].nrepeats : 0, r->duration_s, timer_overhead_ns(r));
	print_repeats(r, f);
	for (int i = 0; i < r->nmetrics; i++) {
		if (!r->metrics[i].scalar && !header) {
			fprintf(f, "  %-26s %11s %11s %11s %11s %11s %11s %7s %6s\n", "metric",
				"p50", "p90", "p99", "p99.9", "max", "mean", "n", "cv-rep");
			header = true;
		}
		print_metric(&r->metrics[i], f);
	}
	if (header)
		fprintf(f, "  cv-rep: across the repeats of this run (of their p50s); the same command run again varies more (across-run cv: compare, report)\n");
	print_pagecache(r, f);
	for (int i = 0; i < r->nchecks; i++)
		fprintf(f, "  check %-4s %s: %s\n", r->checks[i].ok ? "ok" : "FAIL",
			r->checks[i].name, r->checks[i].detail);
	if (!sf_result_checks_ok(r))
		fprintf(f, "  WARNING: a check failed: these numbers may not measure what they claim\n");
	sf_attrib_print(r, f);
}
