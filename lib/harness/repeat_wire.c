// SPDX-License-Identifier: MIT
/*
 * A repeat's way back from its process: the child runs the benchmark and
 * sends its result through a pipe (a JSON header: metrics' summaries,
 * checks, info, the measured window; then each metric's raw samples as
 * doubles); the parent reads it and merges the repeat into the point's
 * result.  lib/harness/harness.c forks, judges and repeats.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness_int.h"
#include "sf_attrib_run.h"
#include "sf_disturb.h"
#include "sf_env.h"
#include "sf_harness.h"
#include "sf_util.h"
#include "sf_workers.h"

/* ---- child side ---- */

static int write_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The repeat's timed windows, for the parent's judge (NULL: none marked). */
static json_object *window_json(void)
{
	struct sf_window w;
	json_object *o;

	if (!sf_disturb_window_get(&w))
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "n", json_object_new_int(w.n));
	json_object_object_add(o, "ms", json_object_new_double(w.ms));
	json_object_object_add(o, "delay_ms", json_object_new_double(w.delay_ms));
	json_object_object_add(o, "invol", json_object_new_int64(w.invol));
	json_object_object_add(o, "workers", json_object_new_int(w.workers));
	json_object_object_add(o, "ticks", json_object_new_int64((int64_t)w.ticks));
	json_object_object_add(o, "steal", json_object_new_int64((int64_t)w.steal));
	json_object_object_add(o, "irq", json_object_new_int64((int64_t)w.irq));
	json_object_object_add(o, "cpus", json_object_new_string(w.cpus));
	json_object_object_add(o, "ncpus", json_object_new_int(w.ncpus));
	return o;
}

static double jnum(json_object *o, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_double(v) : 0;
}

static json_object *parse_header(const char *s, uint32_t len);

/* Samples of b's primary metric in a child's header; 0 for a per-repeat figure. */
static long primary_samples(const struct sf_bench *b, json_object *h)
{
	json_object *ms = json_object_object_get(h, "metrics");

	for (size_t i = 0; i < json_object_array_length(ms); i++) {
		json_object *mo = json_object_array_get_idx(ms, i);
		const char *name = json_object_get_string(json_object_object_get(mo, "name"));
		bool scalar = json_object_get_boolean(json_object_object_get(mo, "scalar"));

		if (b->primary_metric ? !strcmp(name, b->primary_metric) : !scalar)
			return scalar ? 0 : (long)jnum(mo, "n");
	}
	return 0;
}

/* The child's header (NULL when unreadable); *off: where its samples start. */
json_object *sf_wire_header_of(const char *buf, size_t len, size_t *off)
{
	uint32_t hl;

	if (!buf || len < sizeof(hl))
		return NULL;
	memcpy(&hl, buf, sizeof(hl));
	if (sizeof(hl) + hl > len)
		return NULL;
	*off = sizeof(hl) + hl;
	return parse_header(buf + sizeof(hl), hl);
}

/* The child's windows back from its header; false when it marked none. */
bool sf_wire_window_from(const struct sf_bench *b, json_object *h, struct sf_window *w)
{
	json_object *o;

	memset(w, 0, sizeof(*w));
	if (!h || !json_object_object_get_ex(h, "window", &o) || !o)
		return false;
	w->n = (int)jnum(o, "n");
	w->ms = jnum(o, "ms");
	w->delay_ms = jnum(o, "delay_ms");
	w->invol = (long)jnum(o, "invol");
	w->workers = (int)jnum(o, "workers");
	w->ticks = (uint64_t)jnum(o, "ticks");
	w->steal = (uint64_t)jnum(o, "steal");
	w->irq = (uint64_t)jnum(o, "irq");
	w->ncpus = (int)jnum(o, "ncpus");
	snprintf(w->cpus, sizeof(w->cpus), "%s",
		 json_object_get_string(json_object_object_get(o, "cpus")));
	w->samples = primary_samples(b, h);
	return w->n > 0;
}

static json_object *child_header(const struct sf_result *r)
{
	json_object *o = json_object_new_object(), *ms = json_object_new_array();

	json_object_object_add(o, "status", json_object_new_int(r->status));
	json_object_object_add(o, "reason", json_object_new_string(r->reason));
	for (int i = 0; i < r->nmetrics; i++) {
		const struct sf_metric *m = &r->metrics[i];
		json_object *mo = json_object_new_object();

		json_object_object_add(mo, "name", json_object_new_string(m->name));
		json_object_object_add(mo, "unit", json_object_new_string(m->unit));
		json_object_object_add(mo, "better", json_object_new_int(m->better));
		json_object_object_add(mo, "scalar", json_object_new_boolean(m->scalar));
		json_object_object_add(mo, "n", json_object_new_int64((int64_t)m->s.n));
		json_object_array_add(ms, mo);
	}
	json_object_object_add(o, "metrics", ms);
	json_object_object_add(o, "checks", sf_checks_to_json(r));
	json_object_object_add(o, "info", r->info ? json_object_get(r->info) : NULL);
	json_object_object_add(o, "window", window_json());
	json_object_object_add(o, "disturbed", json_object_new_boolean(r->disturbed));
	return o;
}

static int child_send(int fd, const struct sf_result *r)
{
	json_object *h = child_header(r);
	const char *s = json_object_to_json_string_ext(h, JSON_C_TO_STRING_PLAIN);
	uint32_t len = (uint32_t)strlen(s);
	int ret = write_full(fd, &len, sizeof(len)) || write_full(fd, s, len);

	for (int i = 0; !ret && i < r->nmetrics; i++)
		ret = write_full(fd, r->metrics[i].s.v, r->metrics[i].s.n * sizeof(double));
	json_object_put(h);
	return ret;
}

/* A repeat whose worker processes were stopped is disturbed, whatever it measured. */
static void workers_stopped(struct sf_result *r)
{
	struct sf_stops stops = { 0 };
	struct sf_disturb d = { 0 };

	sf_workers_stops(&stops);
	sf_disturb_stops(&stops, "a worker process", &d);
	if (!d.disturbed || r->disturbed)
		return;
	r->disturbed = true;
	/* an error keeps its own words; an ok result's reason is read only as the cause */
	if (r->status == SF_OK)
		snprintf(r->reason, sizeof(r->reason), "%s", d.why);
}

void sf_wire_child_run(const struct sf_bench *b, struct sf_ctx *ctx, int fd)
{
	enum sf_status s;

	sf_disturb_window_reset();
	s = b->run(ctx);
	workers_stopped(ctx->res);
	if (sf_interrupted && s == SF_OK)
		s = sf_fail(ctx, "interrupted");
	ctx->res->status = s;
	if (sf_show_progress)
		fprintf(stderr, "\r\033[K");
	_exit(child_send(fd, ctx->res) ? 3 : 0);
}

/* ---- parent side ---- */

char *sf_wire_read_all(int fd, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);

	*len = 0;

	while (buf) {
		ssize_t r;

		if (n == cap) {
			char *nb = realloc(buf, cap * 2);

			if (!nb) {
				free(buf);
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	*len = n;
	return buf;
}

static void merge_check(struct sf_result *res, json_object *c, int rep, int nrep)
{
	const char *name = json_object_get_string(json_object_object_get(c, "name"));
	const char *detail = json_object_get_string(json_object_object_get(c, "detail"));
	bool ok = json_object_get_boolean(json_object_object_get(c, "ok"));
	struct sf_check *dst = NULL;

	for (int i = 0; i < res->nchecks; i++)
		if (!strcmp(res->checks[i].name, name))
			dst = &res->checks[i];
	if (!dst) {
		if (res->nchecks == SF_MAX_CHECKS)
			return;
		dst = &res->checks[res->nchecks++];
		snprintf(dst->name, sizeof(dst->name), "%s", name);
		dst->ok = true;
	}
	/* keep the first failure's detail; otherwise the latest */
	if (dst->ok) {
		if (nrep > 1 && !ok)
			snprintf(dst->detail, sizeof(dst->detail), "repeat %d/%d: %s", rep + 1, nrep, detail);
		else
			snprintf(dst->detail, sizeof(dst->detail), "%s", detail);
	}
	dst->ok = dst->ok && ok;
}

static struct sf_metric *merge_metric_head(struct sf_result *res, json_object *mo)
{
	const char *name = json_object_get_string(json_object_object_get(mo, "name"));
	struct sf_metric *m = sf_result_metric(res, name);

	if (m)
		return m;
	if (res->nmetrics == SF_MAX_METRICS)
		return NULL;
	m = &res->metrics[res->nmetrics++];
	snprintf(m->name, sizeof(m->name), "%s", name);
	snprintf(m->unit, sizeof(m->unit), "%s",
		 json_object_get_string(json_object_object_get(mo, "unit")));
	m->better = json_object_get_int(json_object_object_get(mo, "better"));
	m->scalar = json_object_get_boolean(json_object_object_get(mo, "scalar"));
	m->repeats = calloc(SF_MAX_REPEATS, sizeof(double));
	return m;
}

/* raw points into the pipe buffer, which need not be aligned for doubles */
static void merge_samples(struct sf_metric *m, const char *raw, size_t n, int rep)
{
	struct sf_samples one = { 0 };

	for (size_t i = 0; i < n; i++) {
		double v;

		memcpy(&v, raw + i * sizeof(v), sizeof(v));
		sf_samples_add(&m->s, v);
		sf_samples_add(&one, v);
		sf_hist_add(&m->hist, v);
	}
	/* a metric missing from earlier repeats gets NaN there */
	while (m->nrepeats < rep)
		m->repeats[m->nrepeats++] = NAN;
	m->repeats[m->nrepeats++] = n ? sf_samples_pct(&one, 50) : NAN;
	sf_samples_free(&one);
}

static json_object *parse_header(const char *s, uint32_t len)
{
	struct json_tokener *tok = json_tokener_new();
	json_object *h = tok ? json_tokener_parse_ex(tok, s, (int)len) : NULL;

	if (tok)
		json_tokener_free(tok);
	return h;
}

int sf_wire_merge_repeat(struct sf_result *res, const char *buf, size_t len,
			int rep, int nrep)
{
	json_object *h, *ms, *cs, *info;
	size_t off = 0;
	int st;

	h = sf_wire_header_of(buf, len, &off);
	if (!h)
		return -1;
	st = json_object_get_int(json_object_object_get(h, "status"));
	if (st != SF_OK && res->status == SF_OK) {
		res->status = (enum sf_status)st;
		snprintf(res->reason, sizeof(res->reason), "%s",
			 json_object_get_string(json_object_object_get(h, "reason")));
	}
	ms = json_object_object_get(h, "metrics");
	for (size_t i = 0; i < json_object_array_length(ms); i++) {
		json_object *mo = json_object_array_get_idx(ms, i);
		size_t n = (size_t)json_object_get_int64(json_object_object_get(mo, "n"));
		struct sf_metric *m = merge_metric_head(res, mo);

		if (off + n * sizeof(double) > len || !m)
			break;
		merge_samples(m, buf + off, n, rep);
		off += n * sizeof(double);
	}
	cs = json_object_object_get(h, "checks");
	for (size_t i = 0; i < json_object_array_length(cs); i++)
		merge_check(res, json_object_array_get_idx(cs, i), rep, nrep);
	info = json_object_object_get(h, "info");
	if (info && !res->info)
		res->info = json_object_get(info);
	json_object_put(h);
	return 0;
}
