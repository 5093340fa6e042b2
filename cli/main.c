// SPDX-License-Identifier: MIT
/*
 * syncfault: persistent-memory durability micro-benchmarks.
 * One CLI in the manner of `perf bench`: a table of subcommands.
 */
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "sf_bench.h"
#include "sf_env.h"
#include "sf_harness.h"
#include "sf_modes.h"
#include "sf_util.h"
#include "sf_vm.h"

static int cmd_list(int argc, char **argv);
static int cmd_probe(int argc, char **argv);
static int cmd_env(int argc, char **argv);
static int cmd_help(int argc, char **argv);

const struct sf_command sf_commands[] = {
	{ "list",	cmd_list,	"list the benchmarks" },
	{ "run",	cmd_run,	"run one benchmark: run BENCH [--target DIR|host:DIR|vm:NAME] [--PARAM v[,v...]]",
	  .flags = SF_CMD_BENCHES },
	{ "probe",	cmd_probe,	"what a target directory supports: probe [DIR]" },
	{ "env",	cmd_env,	"print the environment recorded with every result (JSON)" },
	{ "suite",	cmd_suite,	"run an INI suite: suite CONFIG [-o DIR] [--resume DIR]" },
	{ "ab",		cmd_ab,		"A/B rounds of a suite on two kernels or setups: ab --kernel-a A --kernel-b B CONFIG" },
	{ "bisect",	cmd_bisect,	"which patch of a series moved a row: bisect --base debian:6.12 --series S --watch ROW" },
	{ "compare",	cmd_compare,	"compare two result sets: compare BASE NEW" },
	{ "report",	cmd_report,	"rebuild report.txt and plots of a results dir: report DIR" },
	{ "crashtest",	cmd_crashtest,	"power-failure durability test on the emulated NVDIMM" },
	{ "kernel",	cmd_kernel,	"guest kernels: kernel list | check SPEC | resolve SPEC" },
	{ "vm-recipe",	cmd_vm_recipe,	"the guest init's recipe for a guest target (shell variables): vm-recipe vm:NAME",
	  .hidden = true },
	{ "help",	cmd_help,	"this text", .flags = SF_CMD_NO_PAGE },
	{ "gendoc",	cmd_gendoc,	"write the man pages and shell completion (used by the build)",
	  .hidden = true },
	{ NULL },
};

static int cmd_help(int argc, char **argv)
{
	printf("usage: syncfault COMMAND [ARGS]   (syncfault COMMAND --help for more)\n\n"
	       "Persistent-memory durability micro-benchmarks: page-fault latency,\n"
	       "MAP_SYNC vs msync/fsync vs daxfile time-to-durable, cache-flush\n"
	       "throughput and mmap_lock contention, on real or emulated NVDIMMs.\n\n"
	       "commands:\n");
	for (const struct sf_command *c = sf_commands; c->name; c++)
		if (!c->hidden)
			printf("  %-10s %s\n", c->name, c->summary);
	printf("\nexit status: 0 ok, 1 error, 2 bad input, 3 unsupported on this target,\n"
	       "4 a benchmark check failed, 5 compare found a significant regression,\n"
	       "130 interrupted.\n");
	return SF_EXIT_OK;
}

static int cmd_list(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: syncfault list\n  the benchmarks and what they measure\n");
		return 0;
	}
	if (argc > 1)
		return sf_usage_error("list takes no arguments ('%s'): syncfault list", argv[1]);
	for (int i = 0; sf_benches[i]; i++)
		printf("  %-12s %s\n", sf_benches[i]->name, sf_benches[i]->summary);
	printf("\nsyncfault run BENCH --help lists a benchmark's parameters.\n");
	return 0;
}

/* Each mode as a run would judge it on t: the modes table's own test. */
static void print_modes(const struct sf_target *t, FILE *f)
{
	char why[256];

	fprintf(f, "modes      ");
	for (const struct sf_mode *m = sf_modes; m->name; m++)
		if (!sf_mode_supported(m, t, why, sizeof(why)))
			fprintf(f, " %s", m->name);
	fprintf(f, "\n");
	for (const struct sf_mode *m = sf_modes; m->name; m++)
		if (sf_mode_supported(m, t, why, sizeof(why)))
			fprintf(f, "            %s unsupported: %s\n", m->name, why);
}

static int cmd_probe(int argc, char **argv)
{
	struct sf_target t;
	const char *dir = ".";
	char err[512];

	if (argc > 2)
		return sf_usage_error("probe takes one directory: syncfault probe [DIR]");
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: syncfault probe [DIR]\n"
		       "  what DIR (default .) supports: filesystem, DAX, MAP_SYNC, device,\n"
		       "  persistence domain; and the pmem devices of this machine.\n"
		       "  It creates and removes one file in a directory of its own inside DIR.\n");
		return 0;
	}
	if (argc == 2)
		dir = argv[1];
	if (sf_target_probe(dir, &t, err, sizeof(err)))
		return sf_usage_error("%s", err);
	sf_target_print(&t, stdout);
	print_modes(&t, stdout);
	printf("\n");
	sf_pmem_list(stdout);
	return 0;
}

static int cmd_env(int argc, char **argv)
{
	json_object *env;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: syncfault env\n  the environment recorded with every result, as JSON\n");
		return 0;
	}
	if (argc > 1)
		return sf_usage_error("env takes no arguments ('%s'): syncfault env", argv[1]);
	sf_clock_init(false);
	env = sf_env_json();
	printf("%s\n", json_object_to_json_string_ext(env, JSON_C_TO_STRING_PRETTY |
						   JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(env);
	return 0;
}

bool sf_validate_only;

int sf_main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	opterr = 0;	/* getopt's own messages would make errors two lines */
	if (argc < 2)
		return sf_usage_error("no command: syncfault COMMAND (syncfault --help lists them)");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return cmd_help(argc, argv);
	if (!strcmp(argv[1], "--version")) {
		printf("syncfault %s\n", SF_VERSION_STRING);
		return 0;
	}
	for (const struct sf_command *c = sf_commands; c->name; c++)
		if (!strcmp(argv[1], c->name))
			return c->fn(argc - 1, argv + 1);
	return sf_usage_error("unknown command '%s': see syncfault --help", argv[1]);
}

#ifndef SF_FUZZ_NO_MAIN
int main(int argc, char **argv)
{
	return sf_main(argc, argv);
}
#endif

int sf_option_once(const struct option *lo, int c, bool seen[128])
{
	if (c <= 0 || c >= 128 || c == '?' || c == ':' || c == 'h')
		return 0;
	if (seen[c]) {
		for (int k = 0; lo[k].name; k++)
			if (lo[k].val == c)
				return sf_usage_error("--%s given twice: give it once", lo[k].name);
		return sf_usage_error("-%c given twice: give it once", c);
	}
	seen[c] = true;
	return 0;
}

int sf_getopt_error(const char *cmd, char **argv)
{
	const char *arg = argv[optind - 1];

	if (optopt && optopt != '?' && strncmp(arg, "--", 2))
		return sf_usage_error("-%c: unknown option or missing value: see syncfault %s --help",
				      optopt, cmd);
	return sf_usage_error("%s: unknown option or missing value: see syncfault %s --help",
			      arg, cmd);
}
