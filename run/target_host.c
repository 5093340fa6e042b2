// SPDX-License-Identifier: MIT
/*
 * The host target kind: a directory of this machine ("DIR" or "host:DIR"),
 * or none for a benchmark that needs no files.  Its points run here, one
 * after the other, each in processes of its own (sf_run_point).
 */
#include <stdio.h>
#include <string.h>

#include "sf_errors.h"
#include "sf_harness.h"
#include "sf_target_kinds.h"

static int host_parse(const char *s, struct sf_target_spec *t, char *err, size_t errlen)
{
	if (!*s || strlen(s) >= sizeof(t->dir)) {
		snprintf(err, errlen, "target 'host:%s' names no directory: use host:DIR or DIR", s);
		return -1;
	}
	snprintf(t->dir, sizeof(t->dir), "%s", s);
	snprintf(t->canon, sizeof(t->canon), "host:%s", s);
	return 0;
}

static unsigned int host_flags(const struct sf_target_spec *t)
{
	return SF_TGT_FILES;
}

static const char *host_forms(void)
{
	return "a directory, host:DIR";
}

static int host_probe(const struct sf_target_spec *t, char *err, size_t errlen)
{
	struct sf_target probe;

	return t->dir[0] ? sf_target_probe(t->dir, &probe, err, errlen) : 0;
}

static int host_run(const struct sf_target_spec *t, struct sf_job *jobs, int n,
		    const struct sf_run_ctx *c, char *err, size_t errlen)
{
	struct sf_target probe, *tp = NULL;

	if (t->dir[0]) {
		if (sf_target_probe(t->dir, &probe, err, errlen))
			return -2;
		tp = &probe;
	}
	for (int i = 0; i < n && !sf_interrupted; i++) {
		struct sf_job *j = &jobs[i];

		if (c->stop && c->stop(c->arg))
			break;
		if (c->starting)
			c->starting(j, i, n, c->arg);
		sf_run_point(j->bench, j->pt, tp, &j->opts, j->res);
		if (sf_interrupted && j->res->status == SF_ERROR) {
			sf_result_free(j->res);	/* cut short: not a result */
			break;
		}
		j->done = true;
		if (c->ended)
			c->ended(j, c->arg);
		if (c->finished)
			c->finished(j, c->arg);
	}
	return 0;
}

const struct sf_target_kind sf_target_host = {
	.name = "host",
	.prefix = "host:",
	.forms = host_forms,
	.parse = host_parse,
	.flags = host_flags,
	.probe = host_probe,
	.run = host_run,
};
