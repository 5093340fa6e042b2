// SPDX-License-Identifier: MIT
/*
 * What is said about an attribution: the phase line of an event kind,
 * contention's role lines, and the facts of the run summary's lines (the
 * printing is report/attrib_print.c).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_attrib_json.h"
#include "sf_attrib_lines.h"
#include "sf_fmt.h"
#include "sf_result.h"

void sf_attrib_phase_line(const struct sf_attrib_kind *k, char *buf, size_t len)
{
	int order[SF_PH_N], n = 0;
	size_t off = 0;

	for (int p = 0; p < SF_PH_N; p++)
		if (k->mapped[p] && (k->share[p] >= 0.005 || p == SF_PH_OTHER))
			order[n++] = p;
	/* largest share first; other last */
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			if (order[i] == SF_PH_OTHER || (order[j] != SF_PH_OTHER && k->share[order[j]] > k->share[order[i]])) {
				int t = order[i];

				order[i] = order[j];
				order[j] = t;
			}
	buf[0] = '\0';
	for (int i = 0; i < n && off < len; i++) {
		int w = snprintf(buf + off, len - off, "%s%.0f%% %s", i ? ", " : "",
				 100 * k->share[order[i]], sf_phase_name(order[i]));

		off += w > 0 ? (size_t)w : 0;
	}
}

/* "1.20 ms (p50; p99 3.10 ms, mean 1.40 ms)" */
static void dist_words(const struct sf_attrib_dist *d, char *buf, size_t len)
{
	char a[24], b[24], c[24];

	sf_fmt_value(d->p50 * 1000, "ns", a, sizeof(a));
	sf_fmt_value(d->p99 * 1000, "ns", b, sizeof(b));
	sf_fmt_value(d->mean * 1000, "ns", c, sizeof(c));
	snprintf(buf, len, "%s (p50; p99 %s, mean %s)", a, b, c);
}

/* Append one formatted line to buf at *off. */
static void add_line(char *buf, size_t len, size_t *off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void add_line(char *buf, size_t len, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (*off >= len)
		return;
	va_start(ap, fmt);
	w = vsnprintf(buf + *off, len - *off, fmt, ap);
	va_end(ap);
	*off += w > 0 ? (size_t)w : 0;
}

void sf_attrib_roles_text(const struct sf_attrib_roles *r, const char *indent, char *buf, size_t len)
{
	size_t off = 0;
	char w[96];

	buf[0] = '\0';
	if (r->fault.n) {
		dist_words(&r->hold[SF_LOCK_MMAP], w, sizeof(w));
		add_line(buf, len, &off, "%sfaulters hold mmap_lock %s per fault, over %zu faults\n",
			 indent, w, r->fault.n);
		if (r->hold[SF_LOCK_VMA].mean > 0) {
			dist_words(&r->hold[SF_LOCK_VMA], w, sizeof(w));
			add_line(buf, len, &off, "%s  and the per-VMA lock %s per fault (its try before the retry under mmap_lock)\n",
				 indent, w);
		}
	} else {
		add_line(buf, len, &off, "%sfaulters: no fault traced in the loaded interval\n", indent);
	}
	if (r->op.n) {
		dist_words(&r->wait, w, sizeof(w));
		add_line(buf, len, &off, "%slockers wait %s per %s, over %zu\n", indent, w,
			 r->locker_kind == SF_EV_FAULT ? "anonymous fault for its lock (mmap_lock or per-VMA)" :
			 "operation for mmap_lock (write)", r->op.n);
	} else {
		add_line(buf, len, &off, "%slockers: no operation traced in the loaded interval\n", indent);
	}
}

/* "mapsync hole fault": the point's mode-like parameters, then the event. */
static void point_label(const struct sf_result *r, int kind, char *buf, size_t len)
{
	static const char *const keys[] = { "mode", "class", "pattern", "batch", "size", NULL };
	size_t off = 0;

	buf[0] = '\0';
	for (int i = 0; keys[i] && off < len; i++) {
		const char *v = sf_result_param(r, keys[i]);
		int w;

		if (!v || (!strcmp(keys[i], "size") && !strcmp(v, "4k")))
			continue;
		w = snprintf(buf + off, len - off, !strcmp(keys[i], "batch") ? "batch %s " : "%s ", v);
		off += w > 0 ? (size_t)w : 0;
	}
	if (off < len)
		snprintf(buf + off, len - off, "%s", sf_ev_kind_name(kind));
}

/* A sync call persists a batch: its phases per update, for batch against batch. */
static void kind_facts(const struct sf_result *r, const struct sf_attrib_kind *k, double cov_min,
		       struct sf_attrib_kind_facts *out)
{
	const char *b = sf_result_param(r, "batch");

	out->k = *k;
	point_label(r, k->kind, out->label, sizeof(out->label));
	sf_attrib_phase_line(k, out->phases, sizeof(out->phases));
	out->coverage_ok = k->coverage >= cov_min;
	out->batch = k->kind != SF_EV_FAULT && b && atof(b) >= 1 ? atof(b) : 0;
	for (int p = 0; p < SF_PH_N; p++)
		out->per_update_us[p] = out->batch && k->mapped[p] && k->share[p] >= 0.005 ?
					k->share[p] * k->total_p50 / out->batch : NAN;
}

static void copy_string(json_object *o, const char *key, char *buf, size_t len, const char *dflt)
{
	json_object *v;

	snprintf(buf, len, "%s", o && json_object_object_get_ex(o, key, &v) && v ?
		 json_object_get_string(v) : dflt);
}

void sf_attrib_facts(const struct sf_result *r, struct sf_attrib_facts *out)
{
	json_object *a = r->attribution, *s = NULL;
	struct sf_attrib_kind k[SF_EV_NKINDS];

	memset(out, 0, sizeof(*out));
	out->slowdown = NAN;
	if (!a)
		return;
	out->present = true;
	copy_string(a, "status", out->status, sizeof(out->status), "?");
	copy_string(a, "reason", out->reason, sizeof(out->reason), "?");
	if (strcmp(out->status, "ok"))
		return;
	out->coverage_min = sf_attrib_jdouble(a, "coverage_min");
	out->nkinds = sf_attrib_kinds(a, k);
	for (int i = 0; i < out->nkinds; i++)
		kind_facts(r, &k[i], out->coverage_min, &out->kind[i]);
	if (json_object_object_get_ex(a, "traced_vs_untraced", &s)) {
		out->slowdown = sf_attrib_jdouble(s, "slowdown");
		copy_string(s, "metric", out->slowdown_metric, sizeof(out->slowdown_metric), "?");
	}
	out->has_roles = sf_attrib_roles_get(a, &out->roles);
	out->retries = sf_attrib_jdouble(a, "vma_lock_retries");
	out->dropped = sf_attrib_jdouble(a, "dropped_events");
	out->lost = sf_attrib_jdouble(a, "lost_events");
}
