/* SPDX-License-Identifier: MIT */
/* The syncfault CLI: subcommands and what they share. */
#ifndef SF_CLI_H
#define SF_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "sf_errors.h"

/* The subcommands: help, man pages and completion are made from this table. */
struct sf_command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
	bool hidden;		/* not in help (build-time tools) */
	unsigned int flags;	/* SF_CMD_* */
};

/* Its --help is about the CLI itself: no page of its own, no options (help) */
#define SF_CMD_NO_PAGE	0x1
/* Takes a benchmark: its options are each benchmark's parameters (run) */
#define SF_CMD_BENCHES	0x2

extern const struct sf_command sf_commands[];

int cmd_run(int argc, char **argv);
int cmd_gendoc(int argc, char **argv);
int cmd_suite(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_crashtest(int argc, char **argv);
int cmd_vm_recipe(int argc, char **argv);
int cmd_kernel(int argc, char **argv);
int cmd_ab(int argc, char **argv);
int cmd_bisect(int argc, char **argv);
/* syncfault kernel check-phases (cmd_kernel_phases.c) */
int cmd_kernel_phases(int argc, char **argv);

/*
 * getopt_long's error for the option that made it return '?' or ':' (opterr
 * is 0: its own message would be a second line), as a usage error.
 */
int sf_getopt_error(const char *cmd, char **argv);

/*
 * An option given twice is refused: a second value would silently win.
 * seen[] is indexed by getopt's value (below 128); the caller leaves out
 * the options that may repeat.  0, or SF_EXIT_USAGE naming the option.
 */
struct option;
int sf_option_once(const struct option *lo, int c, bool seen[128]);

/*
 * Check the arguments and stop before any work (nothing probed, created or
 * run): how the CLI argument fuzzer drives every parser (tests/fuzz).
 */
extern bool sf_validate_only;

/* main(), callable: the CLI fuzzer runs many command lines in one process. */
int sf_main(int argc, char **argv);

#endif
