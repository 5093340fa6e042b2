// SPDX-License-Identifier: MIT
/* Child processes of commands made of other commands (sf_spawn.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sf_errors.h"
#include "sf_spawn.h"

static int self_path(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

static void child(char *const argv[], const char *path, int out_fd, int err_fd)
{
	if (out_fd >= 0 && out_fd != STDOUT_FILENO)
		dup2(out_fd, STDOUT_FILENO);
	if (err_fd >= 0 && err_fd != STDERR_FILENO)
		dup2(err_fd, STDERR_FILENO);
	/* the parent's handlers are not the child's: a subcommand sets its own */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	execv(path, argv);
	_exit(127);
}

int sf_spawn(char *const argv[], int out_fd, int err_fd)
{
	char self[PATH_MAX];
	const char *path = argv[0];
	int status = 0, passed = 0;
	pid_t pid;

	if (!path) {
		if (self_path(self, sizeof(self)))
			return -1;
		/* the running binary's own file, even if a rebuild replaced its name */
		path = "/proc/self/exe";
	}
	fflush(NULL);	/* or the child's exit() writes our buffers again */
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		char *const *args = argv;
		char *own[256];

		if (!argv[0]) {		/* argv[0] of the child: this binary's name */
			int i = 0;

			own[i++] = self;
			for (; argv[i] && i < 255; i++)
				own[i] = argv[i];
			own[i] = NULL;
			args = own;
		}
		child(args, path, out_fd, err_fd);
	}
	for (;;) {
		if (waitpid(pid, &status, 0) == pid)
			break;
		if (errno != EINTR)
			return -1;
		if (sf_interrupted && !passed++)
			kill(pid, SIGINT);
	}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

int sf_spawn_capture(char *const argv[], int err_fd, size_t max, char **out)
{
	FILE *tmp = tmpfile();
	size_t n = 0;
	int rc;

	*out = NULL;
	if (!tmp)
		return -1;
	rc = sf_spawn(argv, fileno(tmp), err_fd);
	*out = malloc(max + 1);
	if (*out) {
		rewind(tmp);
		n = fread(*out, 1, max, tmp);
		(*out)[n] = '\0';
	}
	fclose(tmp);
	return *out ? rc : -1;
}

int sf_spawn_to_file(char *const argv[], const char *path, unsigned int ok)
{
	char tmp[PATH_MAX + 8];
	int fd, rc;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	rc = sf_spawn(argv, fd, -1);
	if (close(fd) && rc >= 0)
		rc = -1;
	if (rc < 0 || rc >= 32 || !(ok & SF_STATUS_BIT(rc))) {
		unlink(tmp);
		return rc;
	}
	if (rename(tmp, path)) {
		unlink(tmp);
		return -1;
	}
	return rc;
}
