// SPDX-License-Identifier: MIT
/*
 * Suite configs: each scenario expanded into runs, the cartesian product
 * of its comma lists (targets and kernels included), each with an id that
 * the same config always gives again (what --resume relies on).
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

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/*
 * Append ".key_value" with characters safe in a file name and a guest job
 * name (letters, digits, '-', '_', '.'), so ids need no quoting anywhere.
 */
static void id_append(char *id, size_t len, const char *key, const char *val)
{
	size_t off = strlen(id);
	char last = 0;

	off += snprintf(id + off, off < len ? len - off : 0, ".%s_", key);
	last = '_';
	for (; *val && off + 1 < len; val++) {
		char c = *val;

		if (!isalnum((unsigned char)c) && c != '_')
			c = '-';
		if (c == '-' && (last == '-' || last == '_'))
			continue;	/* host:/dev/shm -> host-dev-shm */
		id[off++] = last = c;
	}
	if (off >= len)
		off = len - 1;
	id[off] = 0;
}

struct expansion {
	struct section *sec;
	const struct sf_bench *b;
	const char *targets[64];
	int ntargets;
	struct sf_run plan;	/* repeats, adaptive and plan only */
	bool attribute;
	struct sf_point *pts;
	int npts;
	bool vary[SF_MAX_PARAMS];
};

static void make_id(struct sf_run *r, struct expansion *x, int t, int k)
{
	char id[1024];
	bool any = false;

	snprintf(id, sizeof(id), "%s", x->sec->name);
	r->label[0] = 0;
	if (x->ntargets > 1) {
		id_append(id, sizeof(id), "target", x->targets[t]);
		snprintf(r->label, sizeof(r->label), "target=%s", x->targets[t]);
		any = true;
	}
	for (int i = 0; i < x->pts[k].nparams; i++) {
		size_t off = strlen(r->label);

		if (!x->vary[i])
			continue;
		id_append(id, sizeof(id), x->pts[k].params[i].name, x->pts[k].val[i]);
		snprintf(r->label + off, sizeof(r->label) - off, "%s%s=%s",
			 any ? " " : "", x->pts[k].params[i].name, x->pts[k].val[i]);
		any = true;
	}
	/* too long for a file name: keep it recognisable, make it unique */
	if (strlen(id) >= sizeof(r->id))
		snprintf(id + sizeof(r->id) - 19, 19, ".h%016llx",
			 (unsigned long long)fnv1a(r->label));
	snprintf(r->id, sizeof(r->id), "%s", id);
}

static int axis_len(const struct kv *kv, const struct sf_param *q)
{
	int n = 1;

	if (!kv || q->scalar || q->type == SF_PT_STR)
		return 1;
	for (const char *c = kv->val; *c; c++)
		n += *c == ',';
	return n;
}

/* The runs of one scenario: every target (every kernel of a guest) x every point. */
static int add_runs(struct parse *p, struct sf_suite *s, struct expansion *x)
{
	struct section *sec = x->sec;
	struct sf_run *runs;
	const char *scen;
	int total = 0;

	for (int t = 0; t < x->ntargets; t++)
		total += x->npts * (sf_target_spec_is_guest(x->targets[t]) && s->nkernels ? s->nkernels : 1);
	if (s->nruns + total > MAX_RUNS) {
		cfg_fail(p, sec->line, "[%s] the suite expands to more than %d runs: shorten the lists",
			 sec->name, MAX_RUNS);
		return -1;
	}
	runs = realloc(s->runs, (s->nruns + total) * sizeof(*runs));
	if (!runs)
		goto oom;
	s->runs = runs;
	scen = cfg_keep(s, sec->name);
	if (!scen)
		goto oom;
	for (int t = 0; t < x->ntargets; t++) {
		const char *tgt = cfg_keep(s, x->targets[t]);

		if (!tgt)
			goto oom;
		/* a guest target runs on every kernel of kernel = (same ids) */
		int nk = sf_target_spec_is_guest(tgt) && s->nkernels ? s->nkernels : 1;

		for (int kk = 0; kk < nk; kk++)
		for (int k = 0; k < x->npts; k++) {
			struct sf_run *r = &s->runs[s->nruns];

			memset(r, 0, sizeof(*r));
			r->scenario = scen;
			r->bench = x->b;
			r->target = tgt;
			r->kernel = sf_target_spec_is_guest(tgt) && s->nkernels ? s->kernels[kk] : NULL;
			r->repeats = x->plan.repeats;
			r->adaptive = x->plan.adaptive;
			r->plan = x->plan.plan;
			r->attribute = x->attribute;
			r->line = sec->line;
			if (sf_point_copy(&r->pt, &x->pts[k]))
				goto oom;
			s->nruns++;
			make_id(r, x, t, k);
		}
	}
	return 0;
oom:
	cfg_fail(p, sec->line, "out of memory");
	return -1;
}

int cfg_expand_scenario(struct parse *p, struct section *sec, struct section *g,
			const struct sf_bench *b, struct sf_suite *s)
{
	struct sf_assign a[2 * MAX_KEYS];
	struct expansion x = { .sec = sec, .b = b };
	struct kv *tkv = cfg_merged(sec, g, "target");
	char *tbuf = NULL, msg[512];
	int na = 0, ret = -1;

	if (!tkv) {
		cfg_fail(p, sec->line, "[%s] no target: add target = DIR, host:DIR or one of %s",
			 sec->name, sf_guest_target_names());
		return -1;
	}
	x.ntargets = cfg_split(p, sec->name, tkv, &tbuf, (char **)x.targets, 64);
	if (x.ntargets < 0)
		goto out;
	for (int i = 0; i < x.ntargets; i++)
		if (cfg_check_target(p, s, sec->name, tkv, &x.targets[i]))
			goto out;
	if (cfg_read_plan(p, sec, g, &x.plan))
		goto out;
	if (cfg_check_attribute(p, sec->name, cfg_merged(sec, g, "attribute"), &x.attribute))
		goto out;

	/* [global]'s parameters first, so the scenario's own override them */
	for (int i = 0; g && i < g->nkv; i++)
		if (sf_param_find(b->params, g->kv[i].key))
			a[na++] = (struct sf_assign){ g->kv[i].key, g->kv[i].val };
	for (int i = 0; i < sec->nkv; i++)
		if (sf_param_find(b->params, sec->kv[i].key))
			a[na++] = (struct sf_assign){ sec->kv[i].key, sec->kv[i].val };
	x.npts = sf_params_expand(b->params, a, na, &x.pts, msg, sizeof(msg));
	if (x.npts < 0) {
		cfg_fail(p, sec->line, "[%s] %s", sec->name, msg);
		goto out;
	}
	for (int i = 0; b->params && b->params[i].name; i++) {
		const struct sf_param *q = &b->params[i];

		x.vary[i] = axis_len(cfg_merged(sec, g, q->name), q) > 1;
	}
	if (add_runs(p, s, &x))
		goto out;
	ret = 0;
out:
	if (x.pts)
		sf_points_free(x.pts, x.npts);
	free(tbuf);
	return ret;
}

/* Ids are unique by construction unless two long ids hash alike or a
 * value lost characters to sanitizing; refuse rather than overwrite. */
static const struct sf_run *ids_base;

/* 0 when two runs would write one file: the same id on the same kernel. */
static int same_file(const struct sf_run *a, const struct sf_run *b)
{
	int c = strcmp(a->id, b->id);

	if (c || a->kernel == b->kernel)
		return c;
	return (uintptr_t)a->kernel < (uintptr_t)b->kernel ? -1 : 1;
}

static int by_id(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	int c = same_file(&ids_base[x], &ids_base[y]);

	return c ? c : x - y;
}

/* Sorted, not pairwise: a suite of 100000 runs is checked in n log n. */
int cfg_check_ids(struct parse *p, struct sf_suite *s)
{
	int *idx, ret = 0;

	if (s->nruns < 2)
		return 0;
	idx = malloc((size_t)s->nruns * sizeof(*idx));
	if (!idx) {
		cfg_fail(p, p->line, "out of memory");
		return -1;
	}
	for (int i = 0; i < s->nruns; i++)
		idx[i] = i;
	ids_base = s->runs;
	qsort(idx, s->nruns, sizeof(*idx), by_id);
	/* blame the earliest run that repeats an id, as a pairwise scan would */
	for (int k = 1, first = idx[0], best = -1, bfirst = -1; k <= s->nruns; k++) {
		if (k == s->nruns) {
			if (best >= 0) {
				const struct sf_run *a = &s->runs[bfirst], *b = &s->runs[best];

				cfg_fail(p, b->line, "[%s] run '%s' would get the same result file name as a run of [%s] (line %d): rename a section or change a value",
					 b->scenario, b->label, a->scenario, a->line);
				ret = -1;
			}
			break;
		}
		if (same_file(&s->runs[first], &s->runs[idx[k]])) {
			first = idx[k];
			continue;
		}
		if (best < 0 || idx[k] < best) {
			best = idx[k];
			bfirst = first;
		}
	}
	free(idx);
	return ret;
}
