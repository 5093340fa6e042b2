// SPDX-License-Identifier: MIT
/*
 * syncfault gendoc: the man pages and the bash completion, made at build
 * time from the tables --help is made from, so that they cannot drift:
 * the subcommand table (sf_commands), the benchmark registry and each
 * benchmark's parameter table, the mode table and the guest target table.
 * The text of each page is the subcommand's own --help output, captured.
 *
 *   syncfault gendoc man OUTDIR PAGE...   PAGE: the pages meson expects
 *   syncfault gendoc bash FILE
 *
 * Hidden from `syncfault --help`: it is a build tool.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "gendoc.h"
#include "sf_bench.h"
#include "sf_env.h"
#include "sf_harness.h"
#include "sf_modes.h"
#include "sf_guest_targets.h"

/* ---- capturing a subcommand's --help ---- */

const struct sf_command *gendoc_command(const char *name)
{
	for (const struct sf_command *c = sf_commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

/* Run fn(argv) in a child with stdout into a buffer: its --help text. */
static char *capture(int (*fn)(int, char **), int argc, char **argv)
{
	size_t len = 0, cap = 8192;
	char *buf = malloc(cap);
	int p[2], status;
	ssize_t n;
	pid_t pid;

	if (!buf || pipe(p))
		return free(buf), NULL;
	fflush(NULL);	/* or the child's exit() writes our buffers again */
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		dup2(p[1], STDOUT_FILENO);
		if (!freopen("/dev/null", "w", stderr))
			_exit(1);
		fn(argc, argv);
		fflush(stdout);
		_exit(0);
	}
	close(p[1]);
	while (pid > 0 && (n = read(p[0], buf + len, cap - len - 1)) > 0) {
		len += (size_t)n;
		if (cap - len < 1024) {
			char *nb = realloc(buf, cap *= 2);

			if (!nb)
				break;
			buf = nb;
		}
	}
	close(p[0]);
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !len)
		return free(buf), NULL;
	buf[len] = '\0';
	return buf;
}

char *gendoc_command_help(const char *name)
{
	const struct sf_command *c = gendoc_command(name);
	char *argv[] = { (char *)name, "--help", NULL };

	return c ? capture(c->fn, 2, argv) : NULL;
}

char *gendoc_bench_help(const char *bench)
{
	char *argv[] = { "run", (char *)bench, "--help", NULL };

	return capture(cmd_run, 3, argv);
}

int cmd_gendoc(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "man"))
		return gendoc_gen_man(argv[2], argc - 3, argv + 3);
	if (argc == 3 && !strcmp(argv[1], "bash"))
		return gendoc_gen_bash(argv[2]);
	return sf_usage_error("usage: syncfault gendoc man OUTDIR PAGE... | gendoc bash FILE (a build tool)");
}
