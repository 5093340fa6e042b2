/* SPDX-License-Identifier: MIT */
/*
 * Commands made of other commands (ab, bisect) run this binary's own
 * subcommands as child processes: a suite round, a comparison, a kernel
 * build.  A child is a process of its own so that its exit status, its
 * signals and its resume logic are those of the subcommand a user would
 * run by hand, and so that what it prints goes where the caller says.
 */
#ifndef SF_SPAWN_H
#define SF_SPAWN_H

#include <stddef.h>

/*
 * Run argv (argv[0] NULL: this binary, /proc/self/exe) with stdout on
 * out_fd and stderr on err_fd (-1: inherited) and wait.  An interrupt of
 * ours (sf_interrupted) is passed on to the child as SIGINT, once.
 * Returns the exit status, 128 + the signal that killed it, or -1 with
 * errno when it could not be started (127 when exec failed in the child).
 */
int sf_spawn(char *const argv[], int out_fd, int err_fd);

/*
 * The same with stdout into the file path, written atomically: the child
 * writes path.tmp, renamed to path when it exits with a status in ok
 * (a bitmask of statuses below 32), removed otherwise.  Returns as sf_spawn.
 */
int sf_spawn_to_file(char *const argv[], const char *path, unsigned int ok);

/*
 * The same with stdout read into *out (malloc'd, NUL-terminated, at most
 * max bytes kept) and stderr on err_fd.  Returns as sf_spawn.
 */
int sf_spawn_capture(char *const argv[], int err_fd, size_t max, char **out);

/* Bit of exit status s for sf_spawn_to_file's ok mask. */
#define SF_STATUS_BIT(s)	(1u << (s))

#endif
