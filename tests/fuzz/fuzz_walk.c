// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the results-directory walker (sf_walk_results, as
 * compare and report use it) and the result reader behind it: the input is
 * a little program that builds a tree in a scratch directory - directories,
 * result files with fuzzed contents, symlinks (to ., .., siblings, dangling),
 * hard links, FIFOs - which is then walked, recursively and not, and every
 * file found read.  Checked besides memory safety: each file is listed
 * once (no two paths with one inode), the list is sorted, nothing hangs on
 * a FIFO, and every refusal is one line.
 */
#include <fcntl.h>
#include <sys/stat.h>

#include "fuzz_common.h"
#include "sf_result.h"
#include "sf_util.h"
#include "sf_walk.h"

static char root[64];

static void check_walk(const struct sf_walk *w)
{
	struct stat a, b;

	for (int i = 0; i < w->nfiles; i++) {
		if (i && strcmp(w->files[i - 1], w->files[i]) >= 0) {
			fprintf(stderr, "walk: files not sorted or listed twice: %s, %s\n",
				w->files[i - 1], w->files[i]);
			abort();
		}
		if (stat(w->files[i], &a))
			continue;
		for (int j = 0; j < i; j++)
			if (!stat(w->files[j], &b) && a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
				fprintf(stderr, "walk: one file twice: %s, %s\n", w->files[j], w->files[i]);
				abort();
			}
	}
}

static void read_all(const struct sf_walk *w)
{
	for (int i = 0; i < w->nfiles; i++) {
		struct sf_result *r;
		char err[1024];
		int n = sf_results_read(w->files[i], &r, err, sizeof(err));

		if (n < 0)
			fuzz_check_message(err);
		else
			sf_results_free(r, n);
	}
}

/* Build the tree: each op is one byte (kind, name) and maybe content. */
static void build(const uint8_t *d, size_t n)
{
	static const char *const names[] = { "a.json", "b.json", "env.json", ".h.json", "sub",
					     "c.json", "x", "d.json" };
	char cur[256], path[512], target[512];
	size_t off = 0;
	int depth = 0;

	snprintf(cur, sizeof(cur), "%s", root);
	while (off < n && off < 4096) {
		uint8_t op = d[off++];
		const char *name = names[(op >> 3) & 7];

		snprintf(path, sizeof(path), "%s/%s", cur, name);
		switch (op & 7) {
		case 0:		/* a directory, and go into it */
			if (depth < 6 && !mkdir(path, 0700)) {
				snprintf(cur, sizeof(cur), "%s", path);
				depth++;
			}
			break;
		case 1: {	/* a file with the next bytes (length byte first) */
			size_t len = off < n ? d[off++] * 8u : 0;
			int fd;

			if (len > n - off)
				len = n - off;
			/* the harness must not block on a FIFO it made either */
			fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW,
				  0600);
			if (fd >= 0) {
				if (write(fd, d + off, len) < 0)
					;
				close(fd);
			}
			off += len;
			break;
		}
		case 2:		/* a symlink to ., .. or the root */
			symlink((op >> 6) == 0 ? "." : (op >> 6) == 1 ? ".." : root, path);
			break;
		case 3:		/* a symlink to a sibling, maybe dangling */
			snprintf(target, sizeof(target), "%s", names[(op >> 6) * 2 % 8]);
			symlink(target, path);
			break;
		case 4:		/* a hard link of a sibling */
			snprintf(target, sizeof(target), "%s/%s", cur, names[(op >> 6) * 2 % 8]);
			link(target, path);
			break;
		case 5:
			mkfifo(path, 0600);
			break;
		case 6:		/* back up one level */
			if (depth) {
				*strrchr(cur, '/') = '\0';
				depth--;
			}
			break;
		default:	/* a copy of the previous file under another name */
			break;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sf_walk w;
	char err[1024];

	if (!root[0]) {
		snprintf(root, sizeof(root), "/dev/shm/sf-fuzz-walk.XXXXXX");
		if (!mkdtemp(root))
			abort();
	}
	sf_remove_tree(root);
	if (mkdir(root, 0700))
		abort();
	build(data, size);
	for (int rec = 0; rec < 2; rec++) {
		if (sf_walk_results(root, rec, &w, err, sizeof(err))) {
			fuzz_check_message(err);
			continue;
		}
		check_walk(&w);
		read_all(&w);
		sf_walk_free(&w);
	}
	return 0;
}
