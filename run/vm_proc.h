/* SPDX-License-Identifier: MIT */
/*
 * The guest runner's processes (run/ only): a child in its own process
 * group that dies with us, followed through the files it appends to,
 * stopped gently or killed outright.  Nothing here knows what a guest is.
 */
#ifndef SF_VM_PROC_H
#define SF_VM_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <signal.h>
#include <sys/types.h>

/* A file another process appends to, read line by line as it grows. */
struct sf_follow {
	int fd;
	char line[1024];
	size_t len;
};

typedef void (*sf_line_fn)(void *arg, const char *line);

int sf_follow_open(struct sf_follow *f, const char *path);
void sf_follow_close(struct sf_follow *f);
/* Read what was appended to f, calling fn on each complete line. */
void sf_follow_drain(struct sf_follow *f, sf_line_fn fn, void *arg);

/* SIGINT, SIGTERM and SIGHUP set sf_interrupted until restored. */
struct sf_saved_signals {
	struct sigaction act[3];
};
void sf_catch_signals(struct sf_saved_signals *s);
void sf_restore_signals(const struct sf_saved_signals *s);

/*
 * Start argv in its own process group with stdout and stderr going to the
 * given files (O_APPEND, created) and, if given, env ("NAME=value", NULL
 * terminated) set.  It dies with us, even on SIGKILL.  The pid, or -1.
 */
pid_t sf_spawn_group(char *const argv[], const char *out_path, const char *err_path,
	       char *const env[]);
/* Sleep one tick (short ones while a plug may be pulled), never past until (0: none). */
void sf_sleep_tick(bool short_ticks, double until);
/* SIGTERM the child's group, then SIGKILL it; reap the child. */
void sf_stop_child(pid_t pid, int *status);
/* SIGKILL and nothing else: the child gets no chance to write anything back. */
void sf_kill_child(pid_t pid, int *status);
/* A waitpid status as a shell would say it (128 + signal). */
int sf_exit_code(int status);

/* The last non-empty line of a small file into buf ("" if none). */
void sf_last_line(const char *path, char *buf, size_t len);
/* Create path empty (truncate it); -1 with errno. */
int sf_create_empty(const char *path);
/* Copy src to dst through a temp file and rename: never a partial dst. */
int sf_copy_atomic(const char *src, const char *dst);

#endif
