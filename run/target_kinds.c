// SPDX-License-Identifier: MIT
/*
 * The target kinds, the way fio has I/O engines: each kind is one file
 * (run/target_host.c, run/target_vm.c) defining its ops, and one entry of
 * the table below.  A target spelling is parsed once, here, by the kind
 * whose prefix it carries (the last kind takes a bare spelling); what
 * follows reads the kind's ops and flags, never its name.  sf_target_run
 * adds the analysis pass, so a result gets the same keys whichever
 * command made it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_harness.h"
#include "sf_target_kinds.h"

extern const struct sf_target_kind sf_target_host, sf_target_vm;

/* In the order they are tried; the last one takes a spelling with no prefix. */
static const struct sf_target_kind *const kinds[] = {
	&sf_target_vm,
	&sf_target_host,
	NULL
};

static void forms(char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int k = 0; kinds[k] && off < len; k++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", k ? "; " : "", kinds[k]->forms());
}

int sf_target_spec_parse(const char *s, struct sf_target_spec *t, char *err, size_t errlen)
{
	const struct sf_target_kind *k = NULL;
	char all[1024];

	memset(t, 0, sizeof(*t));
	if (!s || !*s) {
		forms(all, sizeof(all));
		snprintf(err, errlen, "empty target: give one of: %s", all);
		return -1;
	}
	for (int i = 0; kinds[i] && !k; i++)
		if (!strncmp(s, kinds[i]->prefix, strlen(kinds[i]->prefix)) || !kinds[i + 1])
			k = kinds[i];
	t->kind = k;
	if (!strncmp(s, k->prefix, strlen(k->prefix)))
		s += strlen(k->prefix);
	return k->parse(s, t, err, errlen);
}

void sf_target_spec_here(struct sf_target_spec *t)
{
	int k = 0;

	memset(t, 0, sizeof(*t));
	while (kinds[k + 1])
		k++;
	t->kind = kinds[k];	/* the kind a bare spelling is */
}

bool sf_target_spec_is_guest(const char *s)
{
	struct sf_target_spec t;
	char err[512];

	return s && !sf_target_spec_parse(s, &t, err, sizeof(err)) &&
	       (sf_target_spec_flags(&t) & SF_TGT_GUEST);
}

const struct sf_target_kind *sf_target_kind_of(const struct sf_target_spec *t)
{
	return t->kind;
}

unsigned int sf_target_spec_flags(const struct sf_target_spec *t)
{
	return t->kind->flags(t);
}

/*
 * The benchmarks' analysis across the points that finished, per benchmark
 * (a suite hands several to one target): facts go into the results.
 */
static void analyze(struct sf_job *jobs, int n, const struct sf_run_ctx *c)
{
	struct sf_result *res = calloc((size_t)n, sizeof(*res));
	int *idx = calloc((size_t)n, sizeof(*idx));

	for (int i = 0; res && idx && i < n; i++) {
		const struct sf_bench *b = jobs[i].bench;
		int m = 0;
		bool first = true;

		for (int k = 0; k < i && first; k++)
			first = jobs[k].bench != b;
		if (!first || !b->analyze)
			continue;
		for (int k = i; k < n; k++)
			if (jobs[k].bench == b && jobs[k].done) {
				idx[m] = k;
				res[m++] = *jobs[k].res;
			}
		if (!m)
			continue;
		b->analyze(res, m);
		for (int k = 0; k < m; k++)
			*jobs[idx[k]].res = res[k];
	}
	for (int i = 0; c->analyzed && i < n; i++)
		if (jobs[i].done)
			c->analyzed(&jobs[i], c->arg);
	free(res);
	free(idx);
}

int sf_target_run(const struct sf_target_spec *t, struct sf_job *jobs, int n,
		  const struct sf_run_ctx *ctx, char *err, size_t errlen)
{
	int ret = sf_target_kind_of(t)->run(t, jobs, n, ctx, err, errlen);

	if (ret != -2)
		analyze(jobs, n, ctx);
	return ret;
}
