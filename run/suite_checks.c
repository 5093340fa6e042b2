// SPDX-License-Identifier: MIT
/*
 * Suite configs: every key checked against the benchmarks' parameter
 * tables and the guest target table before anything runs, each problem
 * one line naming file:line, section and key, and what to write instead.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_guest_targets.h"
#include "sf_util.h"
#include "suite_parse.h"

static const char *const global_only[] = {
	"label", "vm_timeout", "nvdimm_size", "kernel", "timing", NULL,
};

/* How many repeats: repeats = N | auto, and auto's plan (here or in [global]). */
static const char *const plan_keys[] = {
	"repeats", "precision", "max_time", "min_repeats", "max_repeats", NULL,
};

/* A valid spelling, kept in its canonical form (DIR becomes host:DIR). */
int cfg_check_target(struct parse *p, struct sf_suite *s, const char *sec,
		     const struct kv *kv, const char **t)
{
	struct sf_target_spec spec;
	char err[512];

	if (sf_target_spec_parse(*t, &spec, err, sizeof(err))) {
		cfg_fail(p, kv->line, "[%s] %s", sec, err);
		return -1;
	}
	*t = cfg_keep(s, spec.canon);
	return *t ? 0 : -1;
}

/* Validate one parameter value (a list unless the parameter is scalar). */
static int check_param(struct parse *p, const char *sec, const struct sf_param *q,
		       const struct kv *kv)
{
	char *buf, *items[64], msg[512];
	const char *why;
	int n;

	if (q->type == SF_PT_STR || q->scalar) {
		if (q->type != SF_PT_STR && strchr(kv->val, ',')) {
			cfg_fail(p, kv->line, "[%s] %s takes a single value, not the list '%s'",
				 sec, kv->key, kv->val);
			return -1;
		}
		items[0] = kv->val;
		n = 1;
		buf = NULL;
	} else if ((n = cfg_split(p, sec, kv, &buf, items, 64)) < 0) {
		free(buf);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		if (!sf_param_validate(q, items[i], msg, sizeof(msg)))
			continue;
		/* drop the "--name: " command-line prefix */
		why = strstr(msg, ": ") ? strstr(msg, ": ") + 2 : msg;
		cfg_fail(p, kv->line, "[%s] %s = %s", sec, kv->key, why);
		free(buf);
		return -1;
	}
	free(buf);
	return 0;
}

static int check_int(struct parse *p, const char *sec, const struct kv *kv,
		     int min, int max, int *out)
{
	int64_t v;

	if (sf_parse_int(kv->val, &v) || v < min || v > max) {
		cfg_fail(p, kv->line, "[%s] %s = '%s' is not valid: expected an integer from %d to %d",
			 sec, kv->key, kv->val, min, max);
		return -1;
	}
	*out = (int)v;
	return 0;
}

/* Is key a parameter of any benchmark some scenario uses? */
static bool param_of_used_bench(struct parse *p, struct section *global,
				const char *key)
{
	struct kv *gb = cfg_find_kv(global, "bench");

	for (int i = 0; i < p->nsec; i++) {
		struct kv *b = cfg_find_kv(&p->sec[i], "bench");
		const struct sf_bench *bench;

		if (&p->sec[i] == global)
			continue;
		if (!b)
			b = gb;
		bench = b ? cfg_find_bench(p, b->val) : NULL;
		if (bench && sf_param_find(bench->params, key))
			return true;
	}
	return false;
}

/* kernel = SPEC[, SPEC...]: the guest kernels, each a distinct name. */
static int check_kernels(struct parse *p, const struct kv *kv, struct sf_suite *s)
{
	char *buf, *items[SF_MAX_KERNELS];
	int n = cfg_split(p, "global", kv, &buf, items, SF_MAX_KERNELS), ret = -1;

	if (n < 0)
		goto out;
	for (int i = 0; i < n; i++) {
		for (int j = 0; j < i; j++) {
			if (!strcmp(items[i], items[j])) {
				cfg_fail(p, kv->line, "[global] kernel = '%s' names %s twice: give each kernel once",
					 kv->val, items[i]);
				goto out;
			}
		}
		if (!(s->kernels[i] = cfg_keep(s, items[i]))) {
			cfg_fail(p, kv->line, "out of memory");
			goto out;
		}
	}
	s->nkernels = n;
	s->kernel_line = kv->line;
	ret = 0;
out:
	free(buf);
	return ret;
}

int cfg_check_global(struct parse *p, struct section *g, struct sf_suite *s)
{
	for (int i = 0; g && i < g->nkv; i++) {
		struct kv *kv = &g->kv[i];

		if (!strcmp(kv->key, "label")) {
			if (!cfg_name_ok(kv->val) || strlen(kv->val) >= sizeof(s->label)) {
				cfg_fail(p, kv->line, "[global] label = '%s' is not valid: use up to %zu letters, digits, '-', '_' or '.'",
					 kv->val, sizeof(s->label) - 1);
				return -1;
			}
			snprintf(s->label, sizeof(s->label), "%s", kv->val);
		} else if (!strcmp(kv->key, "vm_timeout")) {
			if (check_int(p, "global", kv, 1, 7 * 86400, &s->vm_timeout_s))
				return -1;
		} else if (!strcmp(kv->key, "nvdimm_size")) {
			char why[256];

			/* the same bounds as run --nvdimm-size: found now, not after the host runs */
			if (sf_nvdimm_size_check(kv->val, NULL, why, sizeof(why)) ||
			    strlen(kv->val) >= sizeof(s->nvdimm_size)) {
				cfg_fail(p, kv->line, "[global] nvdimm_size = '%s': %s", kv->val, why);
				return -1;
			}
			snprintf(s->nvdimm_size, sizeof(s->nvdimm_size), "%s", kv->val);
		} else if (!strcmp(kv->key, "kernel")) {
			if (check_kernels(p, kv, s))
				return -1;
		} else if (!strcmp(kv->key, "timing")) {
			if (strcmp(kv->val, "real") && strcmp(kv->val, "icount")) {
				cfg_fail(p, kv->line, "[global] timing = '%s': use real (the host's clock) or icount (QEMU counts guest instructions)",
					 kv->val);
				return -1;
			}
			snprintf(s->timing, sizeof(s->timing), "%s", kv->val);
			s->timing_line = kv->line;
		} else if (strcmp(kv->key, "bench") && strcmp(kv->key, "target") &&
			   !cfg_is_one_of(kv->key, plan_keys) && strcmp(kv->key, "attribute") &&
			   !param_of_used_bench(p, g, kv->key)) {
			cfg_fail(p, kv->line, "[global] unknown key '%s': not a parameter of any benchmark this suite uses (and not bench, target, repeats, precision, max_time, min_repeats, max_repeats, attribute, label, vm_timeout, nvdimm_size, kernel, timing)",
				 kv->key);
			return -1;
		}
	}
	return 0;
}

/* The value of key for a scenario: its own, else [global]'s. */
struct kv *cfg_merged(struct section *sec, struct section *g, const char *key)
{
	struct kv *kv = cfg_find_kv(sec, key);

	return kv ? kv : cfg_find_kv(g, key);
}

const struct sf_bench *cfg_scenario_bench(struct parse *p, struct section *sec,
					  struct section *g)
{
	struct kv *kv = cfg_merged(sec, g, "bench");
	const struct sf_bench *b;
	char names[512];

	cfg_bench_names(p, names, sizeof(names));
	if (!kv) {
		cfg_fail(p, sec->line, "[%s] no bench: add bench = NAME (one of %s)",
			 sec->name, names);
		return NULL;
	}
	b = cfg_find_bench(p, kv->val);
	if (!b)
		cfg_fail(p, kv->line, "[%s] unknown bench '%s': known benchmarks are %s",
			 sec->name, kv->val, names);
	return b;
}

/* Every key of a scenario (and [global]'s keys it takes) is valid. */
int cfg_check_scenario(struct parse *p, struct section *sec, struct section *g,
		       const struct sf_bench *b)
{
	char names[512];

	for (int i = 0; i < sec->nkv; i++) {
		struct kv *kv = &sec->kv[i];
		const struct sf_param *q;

		if (!strcmp(kv->key, "bench"))
			continue;
		if (cfg_is_one_of(kv->key, global_only)) {
			cfg_fail(p, kv->line, "[%s] %s belongs in [global]", sec->name, kv->key);
			return -1;
		}
		if (!strcmp(kv->key, "target") || !strcmp(kv->key, "attribute") ||
		    cfg_is_one_of(kv->key, plan_keys))
			continue;	/* checked when expanding */
		q = sf_param_find(b->params, kv->key);
		if (!q) {
			cfg_param_names(b->params, names, sizeof(names));
			cfg_fail(p, kv->line, "[%s] unknown key '%s': %s takes %s%sbench, target, repeats, precision, max_time, min_repeats, max_repeats, attribute",
				 sec->name, kv->key, b->name, names, *names ? ", " : "");
			return -1;
		}
		if (check_param(p, sec->name, q, kv))
			return -1;
	}
	for (int i = 0; g && i < g->nkv; i++) {
		const struct sf_param *q = sf_param_find(b->params, g->kv[i].key);

		/* a [global] parameter applies where the benchmark has it */
		if (q && !cfg_find_kv(sec, g->kv[i].key) && check_param(p, "global", q, &g->kv[i]))
			return -1;
	}
	return 0;
}

/* The section a merged key came from, for messages. */
static const char *origin(struct section *sec, const struct kv *kv)
{
	return kv >= sec->kv && kv < sec->kv + sec->nkv ? sec->name : "global";
}

static int check_precision(struct parse *p, const char *sec, const struct kv *kv, double *out)
{
	char *end;
	double d = strtod(kv->val, &end);

	if (end == kv->val || *end || !(d > 0 && d <= 100)) {
		cfg_fail(p, kv->line, "[%s] precision = '%s' is not valid: a percentage above 0, at most 100 (the 95%% interval's half-width)",
			 sec, kv->val);
		return -1;
	}
	*out = d;
	return 0;
}

/*
 * repeats = N runs exactly N; repeats = auto runs until the median's 95%
 * interval is within precision (%), between min_repeats and max_repeats,
 * at most max_time seconds a run (run --precision ... does the same).
 */
int cfg_read_plan(struct parse *p, struct section *sec, struct section *g,
		  struct sf_run *x)
{
	struct kv *rkv = cfg_merged(sec, g, "repeats"), *kv;
	struct sf_repeat_plan *pl = &x->plan;
	int64_t v;
	int t;

	*pl = (struct sf_repeat_plan){ SF_PRECISION_DEFAULT, SF_MIN_REPEATS_DEFAULT,
				       SF_MAX_REPEATS_DEFAULT, SF_MAX_TIME_DEFAULT };
	x->adaptive = rkv && !strcmp(rkv->val, "auto");
	if (rkv && !x->adaptive && (sf_parse_int(rkv->val, &v) || v < 1 || v > MAX_REPEATS)) {
		cfg_fail(p, rkv->line, "[%s] repeats = '%s' is not valid: expected auto or an integer from 1 to %d",
			 origin(sec, rkv), rkv->val, MAX_REPEATS);
		return -1;
	}
	if (rkv && !x->adaptive)
		x->repeats = (int)v;
	for (int i = 1; plan_keys[i]; i++) {
		kv = cfg_merged(sec, g, plan_keys[i]);
		if (kv && !x->adaptive) {
			cfg_fail(p, kv->line, "[%s] %s applies to adaptive repeats: add repeats = auto, or drop %s",
				 origin(sec, kv), kv->key, kv->key);
			return -1;
		}
	}
	if (!x->adaptive)
		return 0;
	if ((kv = cfg_merged(sec, g, "precision")) &&
			     check_precision(p, origin(sec, kv), kv, &pl->precision_pct))
		return -1;
	if ((kv = cfg_merged(sec, g, "max_time"))) {
		if (check_int(p, origin(sec, kv), kv, 1, 86400, &t))
			return -1;
		pl->max_time_s = t;
	}
	if ((kv = cfg_merged(sec, g, "min_repeats")) &&
			     check_int(p, origin(sec, kv), kv, 1, MAX_REPEATS, &pl->min))
		return -1;
	if ((kv = cfg_merged(sec, g, "max_repeats")) &&
			     check_int(p, origin(sec, kv), kv, 1, MAX_REPEATS, &pl->max))
		return -1;
	if (pl->min > pl->max) {
		cfg_fail(p, sec->line, "[%s] min_repeats %d is above max_repeats %d: raise max_repeats",
			 sec->name, pl->min, pl->max);
		return -1;
	}
	return 0;
}

/* attribute = yes|no: an attribution pass after each point's timed repeats. */
int cfg_check_attribute(struct parse *p, const char *sec, const struct kv *kv, bool *out)
{
	*out = false;
	if (!kv)
		return 0;
	if (strcmp(kv->val, "yes") && strcmp(kv->val, "no")) {
		cfg_fail(p, kv->line, "[%s] attribute = '%s' is not valid: use yes or no", sec, kv->val);
		return -1;
	}
	*out = !strcmp(kv->val, "yes");
	return 0;
}
