// SPDX-License-Identifier: MIT
/*
 * What every command shares about talking to its user: the one error
 * printer, whether progress may be shown, and the signals that ask a long
 * run to stop.  In lib/ so that the run and report layers report errors the
 * same way as the commands that call them.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sf_errors.h"
#include "sf_util.h"

/* Set by SIGINT/SIGTERM/SIGHUP: long loops stop early and clean up. */
volatile int sf_interrupted;

/*
 * The one error printer: one line on stderr, whatever the message quotes
 * (a newline in an argument, ESC or BEL from a config) - control
 * characters are shown as '?', never sent to the terminal.
 */
static void print_error(const char *fmt, va_list ap)
{
	char msg[8192];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	sf_one_line(msg);
	fprintf(stderr, "syncfault: %s\n", msg);
}

int sf_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_error(fmt, ap);
	va_end(ap);
	return SF_EXIT_USAGE;
}

int sf_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_error(fmt, ap);
	va_end(ap);
	return SF_EXIT_ERROR;
}

bool sf_interactive(void)
{
	const char *ci = getenv("CI");

	return isatty(STDERR_FILENO) && !(ci && *ci && strcmp(ci, "false"));
}

static void on_signal(int sig)
{
	sf_interrupted = 1;
}

void sf_install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}
