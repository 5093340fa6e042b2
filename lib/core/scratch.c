// SPDX-License-Identifier: MIT
/*
 * Scratch directories: every file a run makes lives in one of these, made
 * by mkdtemp inside the directory the user named, locked while the run
 * and its repeat processes live, removed at the end or, when the run was
 * SIGKILLed, by the next run that finds its lock free.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sf_util.h"


#define SCRATCH_NAME	"syncfault."
#define SCRATCH_LOCK	".lock"
#define SCRATCH_UNLOCKED_AGE_S	600

static bool scratch_name(const char *name, const char *prefix)
{
	size_t l = strlen(prefix);

	if (strncmp(name, prefix, l) || strlen(name) != l + 6)
		return false;
	for (const char *c = name + l; *c; c++)
		if (!isalnum((unsigned char)*c))
			return false;
	return true;
}

/*
 * A scratch dir is in use while its .lock is flocked (by the run and the
 * repeat processes it forks).  One whose lock is free belongs to a run that
 * was SIGKILLed; one without a lock file is left alone unless old, as it
 * may be one being made right now.
 */
static void remove_stale_scratch(const char *parent, const char *prefix)
{
	DIR *d = opendir(parent);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char path[PATH_MAX], lock[PATH_MAX + 16];
		struct stat st;
		bool stale;
		int fd;

		if (!scratch_name(e->d_name, prefix))
			continue;
		snprintf(path, sizeof(path), "%s/%s", parent, e->d_name);
		if (lstat(path, &st) || !S_ISDIR(st.st_mode))
			continue;
		snprintf(lock, sizeof(lock), "%s/" SCRATCH_LOCK, path);
		fd = open(lock, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
		if (fd >= 0) {
			stale = !flock(fd, LOCK_EX | LOCK_NB);
		} else {
			stale = time(NULL) - st.st_mtime > SCRATCH_UNLOCKED_AGE_S;
		}
		if (stale)
			sf_remove_tree(path);
		if (fd >= 0)
			close(fd);
	}
	if (d)
		closedir(d);
}

int sf_scratch_create_named(const char *parent, const char *prefix, char *dir, size_t len,
			    int *lock_fd)
{
	char lock[PATH_MAX + 16];
	int fd;

	*lock_fd = -1;
	remove_stale_scratch(parent, prefix);
	snprintf(dir, len, "%s/%sXXXXXX", parent, prefix);
	if (!mkdtemp(dir))
		return -1;
	snprintf(lock, sizeof(lock), "%s/" SCRATCH_LOCK, dir);
	fd = open(lock, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB)) {
		int saved = errno;

		if (fd >= 0)
			close(fd);
		sf_remove_tree(dir);
		errno = saved;
		return -1;
	}
	*lock_fd = fd;
	return 0;
}

int sf_scratch_create(const char *parent, char *dir, size_t len, int *lock_fd)
{
	return sf_scratch_create_named(parent, SCRATCH_NAME, dir, len, lock_fd);
}

void sf_scratch_remove(const char *dir, int lock_fd)
{
	if (dir && *dir)
		sf_remove_tree(dir);
	if (lock_fd >= 0)
		close(lock_fd);
}
