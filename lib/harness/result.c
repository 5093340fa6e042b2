// SPDX-License-Identifier: MIT
/* Results: what a result holds, JSON (json-c) out, atomic writes (reading: result_read.c). */
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

/* The median of a metric's samples; NaN when it has none. */
double sf_result_p50(struct sf_result *r, const char *metric)
{
	struct sf_metric *m = sf_result_metric(r, metric);

	return m && m->sum.n ? m->sum.p50 : NAN;
}

/* How much a metric's repeat medians vary (cv); NaN with fewer than 2 repeats. */
double sf_result_repeat_cv(struct sf_result *r, const char *metric)
{
	struct sf_metric *m = sf_result_metric(r, metric);

	return m && m->nrepeats > 1 ? sf_cv_of(m->repeats, (size_t)m->nrepeats) : NAN;
}

void sf_result_info_set(struct sf_result *r, const char *key, json_object *v)
{
	if (!r->info)
		r->info = json_object_new_object();
	json_object_object_add(r->info, key, v);
}

double sf_result_info_double(const struct sf_result *r, const char *key)
{
	json_object *o;

	return r->info && json_object_object_get_ex(r->info, key, &o) ? json_object_get_double(o) : NAN;
}

/* Do a and b have the same parameters, apart from except? */
bool sf_result_same_point_but(const struct sf_result *a, const struct sf_result *b,
			      const char *except)
{
	for (int i = 0; i < a->nparams; i++) {
		const char *k = a->params[i].k, *v = sf_result_param(b, k);

		if (strcmp(k, except) && (!v || strcmp(v, a->params[i].v)))
			return false;
	}
	return a->nparams == b->nparams;
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
	if (t->layout[0] && sf_target_deterministic(t))
		STR("layout", sf_target_layout_words(t));
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
	int fd, saved;

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
	if (write(fd, "\n", 1) != 1 || fsync(fd))
		goto fail;
	if (close(fd)) {
		fd = -1;
		goto fail;
	}
	if (rename(tmp, path)) {
		fd = -1;
		goto fail;
	}
	return 0;
fail:
	saved = errno;
	snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	errno = saved;	/* the caller may tell a full disk from the rest */
	return -1;
}
