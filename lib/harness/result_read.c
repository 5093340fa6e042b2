// SPDX-License-Identifier: MIT
/*
 * Results back in: a result file (one result or a list) into structs, every
 * key checked, with an error that names the file, the key and the fix.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_result.h"
#include "sf_util.h"

#define FAIL(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

static json_object *need(json_object *o, const char *key, json_type type,
			 char *err, size_t errlen)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v)) {
		snprintf(err, errlen, "key '%s' is missing", key);
		return NULL;
	}
	if (!json_object_is_type(v, type) &&
	    !(type == json_type_double && json_object_is_type(v, json_type_int))) {
		snprintf(err, errlen, "key '%s' has the wrong type", key);
		return NULL;
	}
	return v;
}

static const char *opt_str(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return "";
	return json_object_get_string(v);
}

static double opt_num(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !(json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int)))
		return NAN;
	return json_object_get_double(v);
}

static bool opt_bool(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) && json_object_get_boolean(v);
}

#define CPY(dst, src) snprintf(dst, sizeof(dst), "%s", src)

static void target_from_json(json_object *o, struct sf_target *t)
{
	json_object *v;

	CPY(t->path, opt_str(o, "path"));
	CPY(t->fs, opt_str(o, "fs"));
	CPY(t->mount_point, opt_str(o, "mount_point"));
	CPY(t->mount_options, opt_str(o, "mount_options"));
	CPY(t->device, opt_str(o, "device"));
	t->dax = opt_bool(o, "dax");
	CPY(t->dax_reason, opt_str(o, "dax_reason"));
	t->map_sync = opt_bool(o, "map_sync");
	t->devdax = opt_bool(o, "devdax");
	CPY(t->map_sync_reason, opt_str(o, "map_sync_reason"));
	CPY(t->persistence_domain, opt_str(o, "persistence_domain"));
	CPY(t->namespace_mode, opt_str(o, "namespace_mode"));
	CPY(t->emulated, opt_str(o, "emulated"));
	CPY(t->timing, opt_str(o, "timing"));
	if (strcmp(t->timing, "icount"))
		CPY(t->timing, "real");
	t->icount_shift = json_object_object_get_ex(o, "icount_shift", &v) ?
			  json_object_get_int(v) : -1;
	/* "fixed (nokaslr ...)" or "randomized ..." (sf_target_layout_words) */
	if (!strncmp(opt_str(o, "layout"), "fixed", 5))
		CPY(t->layout, "fixed");
	else if (!strncmp(opt_str(o, "layout"), "random", 6))
		CPY(t->layout, "random");
	CPY(t->kernel, opt_str(o, "kernel"));
}

static int hist_from_json(json_object *a, struct sf_hist *h, char *err, size_t errlen)
{
	size_t n = json_object_array_length(a);

	/* the writer gives each bucket at most one entry */
	if (n > SF_HIST_BUCKETS)
		FAIL("hist has %zu entries, more than the %d buckets there are", n, SF_HIST_BUCKETS);
	for (size_t i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(a, i);
		double lo;
		int64_t c;

		if (!json_object_is_type(e, json_type_array) || json_object_array_length(e) != 3)
			FAIL("hist entry %zu is not [lo, hi, count]", i);
		lo = json_object_get_double(json_object_array_get_idx(e, 0));
		c = json_object_get_int64(json_object_array_get_idx(e, 2));
		if (!isfinite(lo) || lo < 0 || c < 0)
			FAIL("hist entry %zu has a bad bound or count", i);
		h->count[sf_hist_bucket(lo)] += (uint64_t)c;
		h->total += (uint64_t)c;
	}
	return 0;
}

static int metric_from_json(json_object *o, struct sf_metric *m, char *err, size_t errlen)
{
	json_object *v, *rep, *hist;
	const char *better;
	double n;

	if (!json_object_is_type(o, json_type_object))
		FAIL("a metric is not an object");
	if (!(v = need(o, "name", json_type_string, err, errlen)))
		return -1;
	CPY(m->name, json_object_get_string(v));
	if (!(v = need(o, "unit", json_type_string, err, errlen)))
		return -1;
	CPY(m->unit, json_object_get_string(v));
	better = opt_str(o, "better");
	if (strcmp(better, "lower") && strcmp(better, "higher") && strcmp(better, "none"))
		FAIL("metric '%s': 'better' must be \"lower\", \"higher\" or \"none\"", m->name);
	m->better = !strcmp(better, "higher") ? SF_HIGHER : !strcmp(better, "none") ? SF_DIAGNOSTIC : SF_LOWER;
	m->scalar = !strcmp(opt_str(o, "kind"), "per-repeat");
	n = opt_num(o, "n");
	if (isnan(n))
		n = 0;
	if (!(n >= 0 && n <= 1e15) || n != floor(n))
		FAIL("metric '%s': 'n' is not a sample count", m->name);
	m->sum.n = (size_t)n;
	m->sum.mean = opt_num(o, "mean");
	m->sum.stddev = opt_num(o, "stddev");
	m->sum.min = opt_num(o, "min");
	m->sum.p50 = opt_num(o, "p50");
	m->sum.p90 = opt_num(o, "p90");
	m->sum.p99 = opt_num(o, "p99");
	m->sum.p999 = opt_num(o, "p999");
	m->sum.max = opt_num(o, "max");
	if (!(rep = need(o, "repeats", json_type_array, err, errlen)))
		return -1;
	m->nrepeats = (int)json_object_array_length(rep);
	if (m->nrepeats > SF_MAX_REPEATS)
		FAIL("metric '%s' has more than %d repeats", m->name, SF_MAX_REPEATS);
	m->repeats = calloc((size_t)m->nrepeats + 1, sizeof(double));
	if (!m->repeats)
		FAIL("out of memory");
	for (int i = 0; i < m->nrepeats; i++) {
		json_object *e = json_object_array_get_idx(rep, (size_t)i);

		/* null is how a repeat that measured nothing was written */
		m->repeats[i] = e && (json_object_is_type(e, json_type_double) ||
				      json_object_is_type(e, json_type_int)) ?
				json_object_get_double(e) : NAN;
	}
	if (json_object_object_get_ex(o, "hist", &hist) && json_object_is_type(hist, json_type_array))
		return hist_from_json(hist, &m->hist, err, errlen);
	return 0;
}

static int params_from_json(json_object *p, struct sf_result *r, char *err, size_t errlen)
{
	if (json_object_object_length(p) > SF_MAX_RESULT_PARAMS)
		FAIL("more than %d params", SF_MAX_RESULT_PARAMS);
	r->params = calloc((size_t)json_object_object_length(p) + 1, sizeof(*r->params));
	if (!r->params)
		FAIL("out of memory");
	json_object_object_foreach(p, k, v) {
		if (!json_object_is_type(v, json_type_string))
			FAIL("params.%s is not a string", k);
		r->params[r->nparams].k = strdup(k);
		r->params[r->nparams].v = strdup(json_object_get_string(v));
		r->nparams++;
	}
	return 0;
}

static int checks_from_json(json_object *a, struct sf_result *r, char *err, size_t errlen)
{
	size_t n = json_object_array_length(a);

	if (n > SF_MAX_RESULT_CHECKS)
		FAIL("more than %d checks", SF_MAX_RESULT_CHECKS);
	r->checks = calloc(n + 1, sizeof(*r->checks));
	if (!r->checks)
		FAIL("out of memory");
	for (size_t i = 0; i < n; i++) {
		json_object *c = json_object_array_get_idx(a, i), *v;

		if (!json_object_is_type(c, json_type_object))
			FAIL("checks[%zu] is not an object", i);
		if (!(v = need(c, "ok", json_type_boolean, err, errlen)))
			return -1;
		r->checks[i].ok = json_object_get_boolean(v);
		CPY(r->checks[i].name, opt_str(c, "name"));
		CPY(r->checks[i].detail, opt_str(c, "detail"));
		r->nchecks++;
	}
	return 0;
}

static int status_from(const char *s, enum sf_status *st)
{
	for (int i = 0; i < 3; i++)
		if (!strcmp(s, sf_status_name((enum sf_status)i))) {
			*st = (enum sf_status)i;
			return 0;
		}
	return -1;
}

static int result_body(json_object *o, struct sf_result *r, char *err, size_t errlen)
{
	json_object *v, *ms;

	if (!(v = need(o, "schema", json_type_int, err, errlen)))
		return -1;
	r->schema = json_object_get_int(v);
	if (r->schema < 1 || r->schema > SF_SCHEMA)
		FAIL("schema %d is not one this syncfault reads (1..%d)", r->schema, SF_SCHEMA);
	if (!(v = need(o, "bench", json_type_string, err, errlen)))
		return -1;
	CPY(r->bench, json_object_get_string(v));
	CPY(r->version, opt_str(o, "syncfault_version"));
	if (!(v = need(o, "params", json_type_object, err, errlen)) || params_from_json(v, r, err, errlen))
		return -1;
	if (!(v = need(o, "status", json_type_string, err, errlen)))
		return -1;
	if (status_from(json_object_get_string(v), &r->status))
		FAIL("status '%s' is not ok, unsupported or error", json_object_get_string(v));
	CPY(r->reason, opt_str(o, "reason"));
	CPY(r->started, opt_str(o, "started"));
	r->duration_s = opt_num(o, "duration_s");
	if (!(v = need(o, "target", json_type_object, err, errlen)))
		return -1;
	target_from_json(v, &r->target);
	if (json_object_object_get_ex(o, "env", &v) && v)
		r->env = json_object_get(v);
	if (json_object_object_get_ex(o, "info", &v) && v)
		r->info = json_object_get(v);
	if (json_object_object_get_ex(o, "attribution", &v) && json_object_is_type(v, json_type_object))
		r->attribution = json_object_get(v);
	if (!(ms = need(o, "metrics", json_type_array, err, errlen)))
		return -1;
	if (json_object_array_length(ms) > SF_MAX_RESULT_METRICS)
		FAIL("more than %d metrics", SF_MAX_RESULT_METRICS);
	r->metrics = calloc(json_object_array_length(ms) + 1, sizeof(*r->metrics));
	if (!r->metrics)
		FAIL("out of memory");
	for (size_t i = 0; i < json_object_array_length(ms); i++) {
		/* counted first: a metric that fails half-way is freed too */
		r->nmetrics++;
		if (metric_from_json(json_object_array_get_idx(ms, i), &r->metrics[i], err, errlen))
			return -1;
	}
	if (!(v = need(o, "checks", json_type_array, err, errlen)))
		return -1;
	return checks_from_json(v, r, err, errlen);
}

/* Errors quote file contents: keep them on one line whatever the file holds. */
static void one_line(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = ' ';
}

int sf_result_from_json(json_object *o, struct sf_result *r, char *err, size_t errlen)
{
	memset(r, 0, sizeof(*r));
	if (!json_object_is_type(o, json_type_object))
		FAIL("a result is not a JSON object");
	if (result_body(o, r, err, errlen)) {
		sf_result_free(r);
		one_line(err);
		return -1;
	}
	return 0;
}

static int results_read(const char *path, struct sf_result **out, char *err, size_t errlen);

int sf_results_read(const char *path, struct sf_result **out, char *err, size_t errlen)
{
	int n = results_read(path, out, err, errlen);

	if (n < 0)
		one_line(err);
	return n;
}

static int results_read(const char *path, struct sf_result **out, char *err, size_t errlen)
{
	json_object *root, *one;
	size_t n;
	char why[512];
	int ret;

	*out = NULL;
	root = sf_json_read(path, SF_READ_MAX, why, sizeof(why));
	if (!root)
		FAIL("%s: give a result file written by syncfault --json", why);
	if (json_object_is_type(root, json_type_array) &&
	    json_object_array_length(root) > SF_MAX_RESULTS_PER_FILE) {
		json_object_put(root);
		FAIL("%s: more than %d results in one file: not a file written by syncfault --json",
		     path, SF_MAX_RESULTS_PER_FILE);
	}
	n = json_object_is_type(root, json_type_array) ? json_object_array_length(root) : 1;
	if (!n) {	/* every reader may index result 0 */
		json_object_put(root);
		FAIL("%s: holds no result (an empty array): give a result file written by syncfault --json",
		     path);
	}
	*out = calloc(n + 1, sizeof(**out));
	if (!*out) {
		json_object_put(root);
		FAIL("out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		one = json_object_is_type(root, json_type_array) ? json_object_array_get_idx(root, i) : root;
		if (sf_result_from_json(one, &(*out)[i], why, sizeof(why))) {
			sf_results_free(*out, (int)i);
			*out = NULL;
			json_object_put(root);
			FAIL("%s: result %zu: %s: not a syncfault result (regenerate it with syncfault run --json)",
			     path, i + 1, why);
		}
	}
	ret = (int)n;
	json_object_put(root);
	return ret;
}

void sf_results_free(struct sf_result *r, int n)
{
	for (int i = 0; r && i < n; i++)
		sf_result_free(&r[i]);
	free(r);
}
