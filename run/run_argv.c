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

void sf_run_opts(const struct sf_run *r, int default_repeats, struct sf_point_opts *o)
{
	*o = (struct sf_point_opts)SF_POINT_OPTS_DEFAULT;
	if (r->adaptive)
		o->plan = r->plan;
	else
		o->repeats = r->repeats ? r->repeats : default_repeats;
	o->attrib.on = r->attribute;
}

int sf_run_argv(const struct sf_run *r, char ***argvp)
{
	char buf[SF_OPTS_ARGS][320];
	const char *extra[SF_OPTS_ARGS + 1];
	struct sf_point_opts o;

	/* without repeats = the run says nothing: the suite's default applies */
	sf_run_opts(r, 1, &o);
	sf_point_opts_args(&o, buf, extra);
	return sf_point_argv(r->bench, &r->pt, r->repeats, extra, argvp);
}

void sf_run_argv_free(char **argv, int argc)
{
	for (int i = 0; argv && i < argc; i++)
		free(argv[i]);
	free(argv);
}
