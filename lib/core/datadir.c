// SPDX-License-Identifier: MIT
/*
 * The run-time data directory (see sf_datadir.h).  Found relative to the
 * binary, never through a path compiled in: a package may be installed
 * under any prefix, and a build tree may be moved.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sf_datadir.h"
#include "sf_util.h"

#define MARKER	"scripts/vm/run"

static char found[PATH_MAX];
static char tried[1024];

static void note_tried(const char *dir)
{
	size_t n = strlen(tried);

	snprintf(tried + n, sizeof(tried) - n, "%s%s", n ? ", " : "", dir);
}

static int holds_data(const char *dir)
{
	char p[PATH_MAX + 32];

	note_tried(dir);
	snprintf(p, sizeof(p), "%s/" MARKER, dir);
	return !access(p, R_OK);
}

static int take(const char *dir)
{
	char *real = realpath(dir, NULL);

	if (!real)
		return -1;
	snprintf(found, sizeof(found), "%s", real);
	free(real);
	return 0;
}

static int from_env(void)
{
	static const char *const vars[] = { "SYNCFAULT_DATADIR", "SYNCFAULT_SOURCE" };

	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		const char *v = getenv(vars[i]);

		if (v && *v)
			return holds_data(v) ? take(v) : -1;
	}
	return 1;	/* not set: look further */
}

/* The directory holding the running binary. */
static int exe_dir(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);
	char *slash;

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	return 0;
}

static int from_exe(void)
{
	char bin[PATH_MAX], dir[PATH_MAX + 32], src[PATH_MAX];

	if (exe_dir(bin, sizeof(bin)))
		return -1;
	snprintf(dir, sizeof(dir), "%s/../share/syncfault", bin);
	if (holds_data(dir))
		return take(dir);
	/* the build tree: meson leaves the source tree's path beside the binary */
	snprintf(dir, sizeof(dir), "%s/syncfault-datadir", bin);
	if (!sf_read_line(dir, src, sizeof(src)) && src[0] && holds_data(src))
		return take(src);
	return -1;
}

const char *sf_data_dir(char *err, size_t errlen)
{
	int rc;

	if (found[0])
		return found;
	tried[0] = '\0';
	rc = from_env();
	if (rc > 0)
		rc = from_exe();
	if (!rc)
		return found;
	snprintf(err, errlen,
		 "syncfault's data files (scripts/vm, plots, configs) not found in %s: reinstall syncfault, or set SYNCFAULT_DATADIR to its share/syncfault directory",
		 tried[0] ? tried : "any place looked at");
	return NULL;
}

int sf_data_path(const char *rel, char *buf, size_t len, char *err, size_t errlen)
{
	const char *dir = sf_data_dir(err, errlen);

	if (!dir)
		return -1;
	snprintf(buf, len, "%s/%s", dir, rel);
	if (access(buf, R_OK)) {
		snprintf(err, errlen, "%s: %s (the data directory %s is incomplete: reinstall syncfault)",
			 buf, strerror(errno), dir);
		return -1;
	}
	return 0;
}
