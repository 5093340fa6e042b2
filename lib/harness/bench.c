// SPDX-License-Identifier: MIT
/* The helpers a benchmark calls: parameters, metrics, checks, info. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sf_harness.h"

bool sf_show_progress;

const char *sf_p_str(struct sf_ctx *ctx, const char *name)
{
	return sf_point_str(ctx->pt, name);
}

int64_t sf_p_int(struct sf_ctx *ctx, const char *name)
{
	return sf_point_int(ctx->pt, name);
}

struct sf_metric *sf_metric(struct sf_ctx *ctx, const char *name,
			    const char *unit, enum sf_better better)
{
	struct sf_result *r = ctx->res;
	struct sf_metric *m = sf_result_metric(r, name);

	if (m)
		return m;
	if (r->nmetrics == SF_MAX_METRICS) {
		fprintf(stderr, "syncfault: internal error: more than %d metrics\n", SF_MAX_METRICS);
		abort();
	}
	m = &r->metrics[r->nmetrics++];
	snprintf(m->name, sizeof(m->name), "%s", name);
	snprintf(m->unit, sizeof(m->unit), "%s", unit);
	m->better = better;
	return m;
}

int sf_metric_reserve(struct sf_metric *m, size_t n)
{
	double *v;

	if (m->s.cap - m->s.n >= n)
		return 0;
	v = realloc(m->s.v, (m->s.n + n) * sizeof(*v));
	if (!v)
		return -1;
	/*
	 * Touched now: storing a sample between timed batches must take no
	 * page fault (an attribution pass counts every fault in its window).
	 */
	memset(v + m->s.n, 0, n * sizeof(*v));
	m->s.v = v;
	m->s.cap = m->s.n + n;
	return 0;
}

void sf_metric_set(struct sf_metric *m, double v)
{
	m->scalar = true;
	m->s.n = 0;
	sf_samples_add(&m->s, v);
}

void sf_check(struct sf_ctx *ctx, const char *name, bool ok, const char *fmt, ...)
{
	struct sf_result *r = ctx->res;
	struct sf_check *c = NULL;
	va_list ap;

	for (int i = 0; i < r->nchecks; i++)
		if (!strcmp(r->checks[i].name, name))
			c = &r->checks[i];
	if (!c) {
		if (r->nchecks == SF_MAX_CHECKS)
			abort();
		c = &r->checks[r->nchecks++];
	}
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->ok = ok;
	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
}

static json_object *info(struct sf_ctx *ctx)
{
	if (!ctx->res->info)
		ctx->res->info = json_object_new_object();
	return ctx->res->info;
}

void sf_info_int(struct sf_ctx *ctx, const char *key, int64_t v)
{
	json_object_object_add(info(ctx), key, json_object_new_int64(v));
}

void sf_info_double(struct sf_ctx *ctx, const char *key, double v)
{
	json_object_object_add(info(ctx), key, json_object_new_double(v));
}

void sf_info_str(struct sf_ctx *ctx, const char *key, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	json_object_object_add(info(ctx), key, json_object_new_string(buf));
}

static enum sf_status set_reason(struct sf_ctx *ctx, enum sf_status s,
				 const char *fmt, va_list ap)
{
	vsnprintf(ctx->res->reason, sizeof(ctx->res->reason), fmt, ap);
	ctx->res->status = s;
	return s;
}

enum sf_status sf_unsupported(struct sf_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	enum sf_status s;

	va_start(ap, fmt);
	s = set_reason(ctx, SF_UNSUPPORTED, fmt, ap);
	va_end(ap);
	return s;
}

enum sf_status sf_fail(struct sf_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	enum sf_status s;

	va_start(ap, fmt);
	s = set_reason(ctx, SF_ERROR, fmt, ap);
	va_end(ap);
	return s;
}

enum sf_status sf_disturbed(struct sf_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	enum sf_status s;

	va_start(ap, fmt);
	s = set_reason(ctx, SF_ERROR, fmt, ap);
	va_end(ap);
	ctx->res->disturbed = true;
	return s;
}

void sf_scratch_path(struct sf_ctx *ctx, const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", ctx->scratch, name);
}

void sf_progress(struct sf_ctx *ctx, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	if (!sf_show_progress)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fprintf(stderr, "\r\033[K  %s: repeat %d: %s", ctx->res->bench, ctx->repeat + 1, buf);
	fflush(stderr);
}
