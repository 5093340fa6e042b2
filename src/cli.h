/* SPDX-License-Identifier: MIT */
/* The syncfault CLI: subcommands and what they share. */
#ifndef SF_CLI_H
#define SF_CLI_H

#include <stdbool.h>
#include <stdio.h>

/* Exit statuses, documented in README.md and `syncfault --help`. */
#define SF_EXIT_OK		0
#define SF_EXIT_ERROR		1	/* a run failed (I/O error, guest failure ...) */
#define SF_EXIT_USAGE		2	/* bad arguments, config, result file or target */
#define SF_EXIT_UNSUPPORTED	3	/* a point was unsupported on this target */
#define SF_EXIT_CHECK		4	/* a benchmark's own check failed */
#define SF_EXIT_REGRESSION	5	/* compare: a significant regression */

/* The subcommands: help, man pages and completion are made from this table. */
struct sf_command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
	bool hidden;		/* not in help (build-time tools) */
};

extern const struct sf_command sf_commands[];

int cmd_run(int argc, char **argv);
int cmd_gendoc(int argc, char **argv);
int cmd_suite(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_crashtest(int argc, char **argv);
int cmd_vm_recipe(int argc, char **argv);

/* Print "syncfault: <msg>" on stderr; returns SF_EXIT_USAGE. */
int sf_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The same, for a failure that is not bad input; returns SF_EXIT_ERROR. */
int sf_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * getopt_long's error for the option that made it return '?' or ':' (opterr
 * is 0: its own message would be a second line), as a usage error.
 */
int sf_getopt_error(const char *cmd, char **argv);

/*
 * Check the arguments and stop before any work (nothing probed, created or
 * run): how the CLI argument fuzzer drives every parser (tests/fuzz).
 */
extern bool sf_validate_only;

/* main(), callable: the CLI fuzzer runs many command lines in one process. */
int sf_main(int argc, char **argv);

/* True when stderr is a terminal and CI is not set: progress lines allowed. */
bool sf_interactive(void);

/* Install SIGINT/SIGTERM handlers that set sf_interrupted. */
void sf_install_signals(void);

#endif
