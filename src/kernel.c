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

#include "cli.h"
#include "vm.h"

#ifndef SYNCFAULT_SOURCE_DIR
#define SYNCFAULT_SOURCE_DIR "."
#endif

#define KERNEL_PREFIX	"syncfault kernel: "	/* the script's own message prefix */

static int vm_script(const char *name, char *buf, size_t len, char *err, size_t errlen)
{
	const char *s = getenv("SYNCFAULT_SOURCE");

	snprintf(buf, len, "%s/scripts/vm/%s", s && *s ? s : SYNCFAULT_SOURCE_DIR, name);
	if (access(buf, X_OK)) {
		snprintf(err, errlen, "%s is missing or not executable (set SYNCFAULT_SOURCE to the syncfault source tree)",
			 buf);
		return -1;
	}
	return 0;
}

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
	if (vm_script("kernel", script, sizeof(script), err, errlen))
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
		if (vm_script("run", script, sizeof(script), err, errlen))
			return -1;
		return run_script(argv, err, errlen) ? -2 : 0;
	}
	snprintf(err, errlen, "--accel %s: use auto, kvm or tcg", req);
	return -2;
}

static void usage(void)
{
	printf("usage: syncfault kernel list\n"
	       "       syncfault kernel check SPEC\n"
	       "       syncfault kernel resolve [SPEC [--modules DIR]]\n"
	       "       syncfault kernel default\n"
	       "       syncfault kernel build debian:6.12|TREE [--patch FILE]... [--name NAME]\n"
	       "Guest kernels for vm: targets (--kernel SPEC of run, suite, crashtest and\n"
	       "scripts/ab; kernel = SPEC[, SPEC...] in a suite config).  SPEC is:\n"
	       "  debian:6.12, debian:6.1      newest Debian kernel of that series\n"
	       "  debian:6.12-rt, debian:cloud-6.12   a flavour (rt, cloud)\n"
	       "  debian:6.12.117+deb12, debian:6.1.0-57   an exact Debian release\n"
	       "  built:NAME                   made by syncfault kernel build\n"
	       "  DIR                          a kernel build directory (arch/x86/boot/bzImage)\n"
	       "  FILE                         a bzImage (modules: --modules DIR)\n"
	       "Debian kernels are fetched with apt-get download and unpacked into the\n"
	       "cache (~/.cache/syncfault/kernels), never installed.  list: what is cached\n"
	       "and what Debian offers; check: is SPEC a kernel (exit 2 and the nearest\n"
	       "names if not); resolve: fetch it and print where it is; default: the\n"
	       "kernel used without --kernel (the newest Debian offers); build: a guest\n"
	       "kernel from Debian's linux-source-SERIES or a tree, plus patches, configured\n"
	       "by make tinyconfig + scripts/vm/kernel-guest.config (checked), built with\n"
	       "all cores, cached by hash of source, patches and config; boots as\n"
	       "--kernel built:NAME, results record source, patches and config hash.\n");
}

int cmd_kernel(int argc, char **argv)
{
	char script[PATH_MAX], err[512];
	char **args;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage();
		return argc < 2 ? SF_EXIT_USAGE : SF_EXIT_OK;
	}
	if (vm_script("kernel", script, sizeof(script), err, sizeof(err)))
		return sf_usage_error("%s", err);
	args = calloc(argc + 1, sizeof(*args));
	if (!args)
		return SF_EXIT_ERROR;
	args[0] = script;
	for (int i = 1; i < argc; i++)
		args[i] = argv[i];
	fflush(NULL);
	execv(script, args);
	free(args);
	fprintf(stderr, "syncfault: cannot run %s: %s\n", script, strerror(errno));
	return SF_EXIT_ERROR;
}
