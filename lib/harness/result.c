// SPDX-License-Identifier: MIT
/* Results: JSON (json-c) out and back in, atomic writes, the text summary. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sf_result.h"
#include "sf_util.h"

static const char *const status_names[] = { "ok", "unsupported", "error" };

const char *sf_status_name(enum sf_status s)
{
	return status_names[s];
}

struct sf_metric *sf_result_metric(struct sf_result *r, const char *name)
{
	for (int i = 0; i < r->nmetrics; i++)
		if (!strcmp(r->metrics[i].name, name))
			return &r->metrics[i];
	return NULL;
}

const char *sf_result_param(const struct sf_result *r, const char *key)
{
	for (int i = 0; i < r->nparams; i++)
		if (!strcmp(r->params[i].k, key))
			return r->params[i].v;
	return NULL;
}

bool sf_param_varies(const struct sf_result *res, int n, const char *bench, const char *k,
		     sf_result_filter keep, const void *arg, const char **first)
{
	const char *mine = NULL, **f = first ? first : &mine;

	for (int i = 0; i < n; i++) {
		const char *v;

		if (strcmp(res[i].bench, bench) || (keep && !keep(&res[i], arg)))
			continue;
		v = sf_result_param(&res[i], k);
		v = v ? v : "";
		if (!*f)
			*f = v;
		else if (strcmp(*f, v))
			return true;
	}
	return false;
}

void sf_result_free(struct sf_result *r)
{
	for (int i = 0; i < r->nparams; i++) {
		free(r->params[i].k);
		free(r->params[i].v);
	}
	free(r->params);
	for (int i = 0; i < r->nmetrics; i++) {
		sf_samples_free(&r->metrics[i].s);
		free(r->metrics[i].repeats);
	}
	free(r->metrics);
	free(r->checks);
	if (r->env)
		json_object_put(r->env);
	if (r->info)
		json_object_put(r->info);
	if (r->attribution)
		json_object_put(r->attribution);
	memset(r, 0, sizeof(*r));
}

bool sf_result_checks_ok(const struct sf_result *r)
{
	for (int i = 0; i < r->nchecks; i++)
		if (!r->checks[i].ok)
			return false;
	return true;
}

/* ---- writing ---- */

/* JSON has no NaN or infinity: an unmeasured number is null. */
static json_object *num(double v)
{
	return isfinite(v) ? json_object_new_double(v) : NULL;
}

static json_object *hist_json(const struct sf_hist *h)
{
	json_object *a = json_object_new_array();

	for (unsigned int b = 0; b < SF_HIST_BUCKETS; b++) {
		json_object *e;
		double lo, hi;

		if (!h->count[b])
			continue;
		sf_hist_bounds(b, &lo, &hi);
		e = json_object_new_array();
		json_object_array_add(e, json_object_new_double(lo));
		json_object_array_add(e, json_object_new_double(hi));
		json_object_array_add(e, json_object_new_int64((int64_t)h->count[b]));
		json_object_array_add(a, e);
	}
	return a;
}

static json_object *metric_json(const struct sf_metric *m)
{
	json_object *o = json_object_new_object(), *rep = json_object_new_array();
	const struct sf_summary *s = &m->sum;

	json_object_object_add(o, "name", json_object_new_string(m->name));
	json_object_object_add(o, "unit", json_object_new_string(m->unit));
	json_object_object_add(o, "better", json_object_new_string(m->better == SF_HIGHER ? "higher" :
						  m->better == SF_DIAGNOSTIC ? "none" : "lower"));
	json_object_object_add(o, "kind", json_object_new_string(m->scalar ? "per-repeat" : "distribution"));
	json_object_object_add(o, "n", json_object_new_int64((int64_t)s->n));
	json_object_object_add(o, "mean", num(s->mean));
	json_object_object_add(o, "stddev", num(s->stddev));
	json_object_object_add(o, "min", num(s->min));
	json_object_object_add(o, "p50", num(s->p50));
	json_object_object_add(o, "p90", num(s->p90));
	json_object_object_add(o, "p99", num(s->p99));
	json_object_object_add(o, "p999", num(s->p999));
	json_object_object_add(o, "max", num(s->max));
	json_object_object_add(o, "hist", hist_json(&m->hist));
	for (int i = 0; i < m->nrepeats; i++)
		json_object_array_add(rep, num(m->repeats[i]));
	json_object_object_add(o, "repeats", rep);
	return o;
}

json_object *sf_target_to_json(const struct sf_target *t)
{
	json_object *o = json_object_new_object();

#define STR(k, v) json_object_object_add(o, k, json_object_new_string(v))
#define STR_OR_NULL(k, v) json_object_object_add(o, k, (v)[0] ? json_object_new_string(v) : NULL)
	STR("path", t->path);
	STR("fs", t->fs);
	STR("mount_point", t->mount_point);
	STR("mount_options", t->mount_options);
	STR("device", t->device);
	json_object_object_add(o, "dax", json_object_new_boolean(t->dax));
	STR_OR_NULL("dax_reason", t->dax_reason);
	json_object_object_add(o, "map_sync", json_object_new_boolean(t->map_sync));
	STR_OR_NULL("map_sync_reason", t->map_sync_reason);
	if (t->devdax) {
		json_object_object_add(o, "devdax", json_object_new_boolean(true));
		json_object_object_add(o, "devdax_align", json_object_new_int64((int64_t)t->devdax_align));
	}
	STR_OR_NULL("persistence_domain", t->persistence_domain);
	STR_OR_NULL("namespace_mode", t->namespace_mode);
	STR_OR_NULL("emulated", t->emulated);
	STR("timing", t->timing[0] ? t->timing : "real");
	if (t->icount_shift >= 0 && sf_target_deterministic(t))
		json_object_object_add(o, "icount_shift", json_object_new_int(t->icount_shift));
	STR("kernel", t->kernel);
#undef STR
#undef STR_OR_NULL
	return o;
}

json_object *sf_checks_to_json(const struct sf_result *r)
{
	json_object *cs = json_object_new_array();

	for (int i = 0; i < r->nchecks; i++) {
		json_object *c = json_object_new_object();

		json_object_object_add(c, "name", json_object_new_string(r->checks[i].name));
		json_object_object_add(c, "ok", json_object_new_boolean(r->checks[i].ok));
		json_object_object_add(c, "detail", json_object_new_string(r->checks[i].detail));
		json_object_array_add(cs, c);
	}
	return cs;
}

json_object *sf_result_to_json(const struct sf_result *r)
{
	json_object *o = json_object_new_object(), *p = json_object_new_object();
	json_object *ms = json_object_new_array();

	json_object_object_add(o, "schema", json_object_new_int(SF_SCHEMA));
	json_object_object_add(o, "syncfault_version", json_object_new_string(r->version));
	json_object_object_add(o, "bench", json_object_new_string(r->bench));
	for (int i = 0; i < r->nparams; i++)
		json_object_object_add(p, r->params[i].k, json_object_new_string(r->params[i].v));
	json_object_object_add(o, "params", p);
	json_object_object_add(o, "started", json_object_new_string(r->started));
	json_object_object_add(o, "duration_s", json_object_new_double(r->duration_s));
	json_object_object_add(o, "status", json_object_new_string(sf_status_name(r->status)));
	json_object_object_add(o, "reason", r->reason[0] ? json_object_new_string(r->reason) : NULL);
	json_object_object_add(o, "target", sf_target_to_json(&r->target));
	json_object_object_add(o, "env", r->env ? json_object_get(r->env) : NULL);
	for (int i = 0; i < r->nmetrics; i++)
		json_object_array_add(ms, metric_json(&r->metrics[i]));
	json_object_object_add(o, "metrics", ms);
	json_object_object_add(o, "checks", sf_checks_to_json(r));
	json_object_object_add(o, "info", r->info ? json_object_get(r->info) : json_object_new_object());
	if (r->attribution)
		json_object_object_add(o, "attribution", json_object_get(r->attribution));
	return o;
}

int sf_json_write_atomic(json_object *obj, const char *path, char *err, size_t errlen)
{
	const char *s = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY |
						       JSON_C_TO_STRING_NOSLASHESCAPE);
	char tmp[4200];
	size_t len = strlen(s), off = 0;
	int fd;

	if (sf_out_path_check(path, "cannot write", err, errlen))
		return -1;
	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	while (off < len) {
		ssize_t n = write(fd, s + off, len - off);

		if (n <= 0)
			goto fail;
		off += (size_t)n;
	}
	if (write(fd, "\n", 1) != 1 || fsync(fd) || close(fd)) {
		fd = -1;
		goto fail;
	}
	if (rename(tmp, path)) {
		fd = -1;
		goto fail;
	}
	return 0;
fail:
	snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return -1;
}

/* ---- reading ---- */

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
		if (!strcmp(s, status_names[i])) {
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
