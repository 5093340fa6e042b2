// SPDX-License-Identifier: MIT
/* syncfault kernel: the guest kernels' script (scripts/vm/kernel), found where the data files are. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "sf_spawn.h"
#include "sf_vm.h"

/* What SPEC may be: the table in scripts/vm/kernel, the one place it is kept. */
static void spellings(void)
{
	char script[PATH_MAX], err[512] = "it did not run", *out = NULL;
	char *argv[] = { script, "spellings", NULL };

	if (sf_vm_script("kernel", script, sizeof(script), err, sizeof(err)) ||
	    sf_spawn_capture(argv, -1, 4096, &out) || !out)
		printf("  (the list is in scripts/vm/kernel, not found here: %s)\n", err);
	else
		fputs(out, stdout);
	free(out);
}

static void usage(void)
{
	printf("usage: syncfault kernel list\n"
	       "       syncfault kernel check SPEC\n"
	       "       syncfault kernel resolve [SPEC [--modules DIR]]\n"
	       "       syncfault kernel default\n"
	       "       syncfault kernel build debian:6.12|TREE [--patch FILE]... [--name NAME]\n"
	       "       syncfault kernel check-phases SPEC [--functions FILE]... (see its --help)\n"
	       "Guest kernels for vm: targets (--kernel SPEC of run, suite, crashtest and\n"
	       "ab; kernel = SPEC[, SPEC...] in a suite config).  SPEC is:\n");
	spellings();
	printf("Debian kernels are fetched with apt-get download and unpacked into the\n"
	       "cache (~/.cache/syncfault/kernels), never installed.  list: what is cached\n"
	       "and what Debian offers; check: is SPEC a kernel (exit 2 and the nearest\n"
	       "names if not); resolve: fetch it and print where it is; default: the\n"
	       "kernel used without --kernel (the newest Debian offers); build: a guest\n"
	       "kernel from Debian's linux-source-SERIES or a tree, plus patches, configured\n"
	       "by make tinyconfig + scripts/vm/kernel-guest.config (checked), built with\n"
	       "all cores, cached by hash of source, patches and config; boots as\n"
	       "--kernel built:NAME, results record source, patches and config hash.\n");
}

int cmd_kernel(int argc, char **argv)
{
	char script[PATH_MAX], err[512];
	char **args;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage();
		return argc < 2 ? SF_EXIT_USAGE : SF_EXIT_OK;
	}
	if (!strcmp(argv[1], "check-phases"))
		return cmd_kernel_phases(argc - 1, argv + 1);
	if (sf_vm_script("kernel", script, sizeof(script), err, sizeof(err)))
		return sf_usage_error("%s", err);
	args = calloc(argc + 1, sizeof(*args));
	if (!args)
		return SF_EXIT_ERROR;
	args[0] = script;
	for (int i = 1; i < argc; i++)
		args[i] = argv[i];
	fflush(NULL);
	execv(script, args);
	free(args);
	sf_error("cannot run %s: %s", script, strerror(errno));
	return SF_EXIT_ERROR;
}
