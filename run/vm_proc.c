// SPDX-License-Identifier: MIT
/*
 * The guest runner's processes (vm_proc.h).  Every child runs in its own
 * process group, so a Ctrl-C on the terminal reaches only us and we stop
 * the child ourselves, and with PR_SET_PDEATHSIG, so QEMU dies with us
 * even if we are killed outright.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sf_errors.h"
#include "sf_util.h"
#include "sf_vm.h"
#include "vm_proc.h"

#define KILL_GRACE_S	5		/* SIGTERM to SIGKILL */
#define TICK_NS		50000000L
#define SHORT_TICK_NS	2000000L	/* while a caller may pull the plug */

static const int handled_signals[3] = { SIGINT, SIGTERM, SIGHUP };

double sf_vm_now(void)
{
	return sf_mono_s();
}

static void on_signal(int sig)
{
	sf_interrupted = 1;
}

/* Our handlers for the run, whatever the caller installed (restored after). */
void sf_catch_signals(struct sf_saved_signals *s)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < 3; i++)
		sigaction(handled_signals[i], &sa, &s->act[i]);
}

void sf_restore_signals(const struct sf_saved_signals *s)
{
	for (int i = 0; i < 3; i++)
		sigaction(handled_signals[i], &s->act[i], NULL);
}

int sf_follow_open(struct sf_follow *f, const char *path)
{
	f->len = 0;
	f->fd = open(path, O_RDONLY | O_CLOEXEC);
	return f->fd < 0 ? -1 : 0;
}

void sf_follow_close(struct sf_follow *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

/* One byte of f's stream: a complete line goes to fn; an over-long one keeps its start. */
static void follow_byte(struct sf_follow *f, char c, sf_line_fn fn, void *arg)
{
	if (c == '\r')
		return;
	if (c != '\n') {
		if (f->len < sizeof(f->line) - 1)
			f->line[f->len++] = c;
		return;
	}
	f->line[f->len] = '\0';
	fn(arg, f->line);
	f->len = 0;
}

void sf_follow_drain(struct sf_follow *f, sf_line_fn fn, void *arg)
{
	char buf[4096];
	ssize_t n;

	if (f->fd < 0)
		return;
	while ((n = read(f->fd, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < n; i++)
			follow_byte(f, buf[i], fn, arg);
}

/* The child's side of sf_spawn_group: never returns. */
static void exec_child(char *const argv[], const char *out_path, const char *err_path,
		       char *const env[], pid_t parent)
{
	sigset_t none;
	int in = open("/dev/null", O_RDONLY);
	int out = open(out_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
	int er = open(err_path, O_WRONLY | O_CREAT | O_APPEND, 0644);

	setpgid(0, 0);
	/* Die with the syncfault that started us, even on SIGKILL. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
	for (int i = 0; i < 3; i++)
		signal(handled_signals[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (in < 0 || out < 0 || er < 0)
		_exit(127);
	dup2(in, STDIN_FILENO);
	dup2(out, STDOUT_FILENO);
	dup2(er, STDERR_FILENO);
	for (int i = 0; env && env[i]; i++)
		putenv(env[i]);
	execv(argv[0], argv);
	dprintf(STDERR_FILENO, "cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

pid_t sf_spawn_group(char *const argv[], const char *out_path, const char *err_path,
	       char *const env[])
{
	pid_t parent = getpid(), pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0)
		exec_child(argv, out_path, err_path, env, parent);
	setpgid(pid, pid);	/* also here: no window where a signal misses it */
	return pid;
}

void sf_sleep_tick(bool short_ticks, double until)
{
	long ns = short_ticks ? SHORT_TICK_NS : TICK_NS;
	double left = until - sf_vm_now();
	struct timespec t;

	if (until && left * 1e9 < ns)
		ns = left > 0 ? (long)(left * 1e9) : 0;
	t = (struct timespec){ 0, ns };
	nanosleep(&t, NULL);	/* a signal cuts it short: fine */
}

void sf_stop_child(pid_t pid, int *status)
{
	double until = sf_vm_now() + KILL_GRACE_S;

	kill(-pid, SIGTERM);
	while (sf_vm_now() < until) {
		if (waitpid(pid, status, WNOHANG) == pid) {
			kill(-pid, SIGKILL);	/* anything the script left behind */
			return;
		}
		sf_sleep_tick(false, 0);
	}
	sf_kill_child(pid, status);
}

void sf_kill_child(pid_t pid, int *status)
{
	kill(-pid, SIGKILL);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
}

int sf_exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

void sf_last_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	char line[1024];

	buf[0] = '\0';
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0])
			snprintf(buf, len, "%s", line);
	}
	if (f)
		fclose(f);
}

int sf_create_empty(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

int sf_copy_atomic(const char *src, const char *dst)
{
	char tmp[4352];

	snprintf(tmp, sizeof(tmp), "%s.tmp", dst);
	if (sf_copy_file(src, tmp) || rename(tmp, dst)) {
		unlink(tmp);
		return -1;
	}
	return 0;
}
