// SPDX-License-Identifier: MIT
/* The layout of a results directory (sf_store.h). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "sf_store.h"

#define KERNEL_PREFIX	"kernel-"

void sf_store_kernel_dir(const char *dir, const char *kernel, char *buf, size_t len)
{
	size_t off;

	if (!kernel) {
		snprintf(buf, len, "%s", dir);
		return;
	}
	off = (size_t)snprintf(buf, len, "%s/" KERNEL_PREFIX, dir);
	for (const char *c = kernel; *c && off + 1 < len; c++)
		buf[off++] = strchr("/:+ ", *c) ? '-' : *c;
	buf[off < len ? off : len - 1] = '\0';
}

void sf_store_guest_dir(const char *kdir, const char *stem, char *buf, size_t len)
{
	snprintf(buf, len, "%s/guest-%s", kdir, stem);
}

static bool kernel_dirs(const char *name, int depth)
{
	return depth == 1 && !strncmp(name, KERNEL_PREFIX, strlen(KERNEL_PREFIX));
}

int sf_store_walk(const char *dir, struct sf_walk *w, char *err, size_t errlen)
{
	if (sf_walk_results_into(dir, kernel_dirs, w, err, errlen))
		return -1;
	if (w->nfiles)
		return 0;
	/* results only further down: an A/B directory (LABEL/round-N) */
	sf_walk_free(w);
	return sf_walk_results(dir, true, w, err, errlen);
}
