// SPDX-License-Identifier: MIT
/* The command line of one run, as `syncfault run` takes it (in a guest or a child process). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_config.h"

const char *sf_run_host_dir(const struct sf_run *r)
{
	return strncmp(r->target, "host:", 5) ? NULL : r->target + 5;
}

int sf_point_argv(const struct sf_bench *b, const struct sf_point *pt, int repeats,
		  const char *const *extra, char ***argvp)
{
	int nextra = 0, n = 0;
	char **argv, rep[16];

	while (extra && extra[nextra])
		nextra++;
	argv = calloc((size_t)(2 + 2 * pt->nparams + 2 + nextra + 1), sizeof(*argv));

	if (!argv)
		return -1;
	argv[n++] = strdup("run");
	argv[n++] = strdup(b->name);
	for (int i = 0; i < pt->nparams; i++) {
		char opt[64];

		snprintf(opt, sizeof(opt), "--%s", pt->params[i].name);
		argv[n++] = strdup(opt);
		argv[n++] = strdup(pt->val[i]);
	}
	if (repeats > 0) {
		snprintf(rep, sizeof(rep), "%d", repeats);
		argv[n++] = strdup("--repeats");
		argv[n++] = strdup(rep);
	}
	for (int i = 0; i < nextra; i++)
		argv[n++] = strdup(extra[i]);
	for (int i = 0; i < n; i++)
		if (!argv[i]) {
			sf_run_argv_free(argv, n);
			return -1;
		}
	*argvp = argv;
	return n;
}

int sf_run_argv(const struct sf_run *r, char ***argvp)
{
	char plan[SF_PLAN_ARGS][32];
	const char *extra[SF_PLAN_ARGS + 2];
	int n = 0;

	if (r->adaptive)
		n = sf_repeat_plan_args(&r->plan, plan, extra);
	if (r->attribute)
		extra[n++] = "--attribute";
	extra[n] = NULL;
	return sf_point_argv(r->bench, &r->pt, r->repeats, extra, argvp);
}

void sf_run_argv_free(char **argv, int argc)
{
	for (int i = 0; argv && i < argc; i++)
		free(argv[i]);
	free(argv);
}
