/* SPDX-License-Identifier: MIT */
/*
 * Exit statuses and the one error printer: every message is one line on
 * stderr, "syncfault: <what> ...: <the fix>", whatever it quotes.
 */
#ifndef SF_ERRORS_H
#define SF_ERRORS_H

#include <stdbool.h>

/* Exit statuses, documented in README.md and `syncfault --help`. */
#define SF_EXIT_OK		0
#define SF_EXIT_ERROR		1	/* a run failed (I/O error, guest failure ...) */
#define SF_EXIT_USAGE		2	/* bad arguments, config, result file or target */
#define SF_EXIT_UNSUPPORTED	3	/* a point was unsupported on this target */
#define SF_EXIT_CHECK		4	/* a benchmark's own check failed */
#define SF_EXIT_REGRESSION	5	/* compare: a significant regression */

/* Print "syncfault: <msg>" on stderr; returns SF_EXIT_USAGE. */
int sf_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The same, for a failure that is not bad input; returns SF_EXIT_ERROR. */
int sf_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* True when stderr is a terminal and CI is not set: progress lines allowed. */
bool sf_interactive(void);

/* Set by SIGINT/SIGTERM/SIGHUP: long loops should stop early and clean up. */
extern volatile int sf_interrupted;

/* Install SIGINT/SIGTERM/SIGHUP handlers that set sf_interrupted. */
void sf_install_signals(void);

#endif
