// SPDX-License-Identifier: MIT
/*
 * Guest kernels by name.  What a --kernel SPEC means (debian:6.12, an exact
 * Debian release, a bzImage, a kernel build directory, a built kernel) is
 * decided in ONE place, the table of kernel sources in scripts/vm/kernel,
 * which also fetches Debian's packages and prepares modules.  This file
 * checks a SPEC through it before anything runs (so a misspelt name is one
 * line and exit 2, not a failed guest boot), and is `syncfault kernel`.
 * The same for --accel: scripts/vm/run decides (one place), this asks it.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sf_errors.h"
#include "sf_vm.h"

#define KERNEL_PREFIX	"syncfault kernel: "	/* the script's own message prefix */

/* Run the script with argv[1..]; its last stderr line goes into err. */
static int run_script(char *const argv[], char *err, size_t errlen)
{
	int pfd[2], status = 0;
	char line[1024], last[1024] = "";
	pid_t pid;
	FILE *f;

	if (pipe(pfd)) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (!pid) {
		close(pfd[0]);
		dup2(pfd[1], STDERR_FILENO);
		if (!freopen("/dev/null", "w", stdout))
			_exit(127);
		execv(argv[0], argv);
		_exit(127);
	}
	close(pfd[1]);
	f = fdopen(pfd[0], "r");
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0])
			snprintf(last, sizeof(last), "%s", line);
	}
	if (f)
		fclose(f);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && !WEXITSTATUS(status))
		return 0;
	snprintf(err, errlen, "%s", !strncmp(last, KERNEL_PREFIX, strlen(KERNEL_PREFIX)) ?
		 last + strlen(KERNEL_PREFIX) : !strncmp(last, "run: ", 5) ? last + 5 :
		 last[0] ? last : "cannot check the kernel");
	return WIFEXITED(status) && WEXITSTATUS(status) == SF_EXIT_USAGE ? -2 : -1;
}

int sf_kernel_check(const char *spec, char *err, size_t errlen)
{
	char script[PATH_MAX];
	char *argv[] = { script, "check", (char *)spec, NULL };

	if (!spec)
		return 0;	/* the default kernel */
	if (sf_vm_script("kernel", script, sizeof(script), err, errlen))
		return -1;
	return run_script(argv, err, errlen);
}

/* The words --accel takes; whether the machine can have it is run's call. */
static const struct {
	const char *name;
	bool probe;		/* ask scripts/vm/run whether it is usable */
} accels[] = {
	{ "auto", false },	/* falls back to tcg: always usable */
	{ "kvm", true },
	{ "tcg", false },
};

int sf_vm_accel_check(const char *req, char *err, size_t errlen)
{
	char script[PATH_MAX];
	char *argv[] = { script, "--which-accel", (char *)req, NULL };

	for (size_t i = 0; i < sizeof(accels) / sizeof(accels[0]); i++) {
		if (strcmp(req, accels[i].name))
			continue;
		if (!accels[i].probe)
			return 0;
		if (sf_vm_script("run", script, sizeof(script), err, errlen))
			return -1;
		return run_script(argv, err, errlen) ? -2 : 0;
	}
	snprintf(err, errlen, "--accel %s: use auto, kvm or tcg", req);
	return -2;
}
