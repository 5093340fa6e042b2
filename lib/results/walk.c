// SPDX-License-Identifier: MIT
/* The results-directory walker (sf_walk.h). */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sf_util.h"
#include "sf_walk.h"

struct cand {
	char *path;
	dev_t dev;
	ino_t ino;
	int order;	/* index in path order */
};

struct walk {
	struct cand *c;
	int n, cap;
	struct sf_walk *w;
	sf_walk_into into;
	dev_t adev[SF_WALK_MAX_DEPTH + 1];	/* the directories we are in */
	ino_t aino[SF_WALK_MAX_DEPTH + 1];
	int depth;
	char *err;
	size_t errlen;
};

static void skip(struct walk *k, const char *path, const char *why)
{
	char **s;
	size_t len = strlen(path) + strlen(why) + 3;

	if (k->w->nskipped >= SF_WALK_MAX_FILES)
		return;
	s = realloc(k->w->skipped, (k->w->nskipped + 1) * sizeof(*s));
	if (!s)
		return;
	k->w->skipped = s;
	s[k->w->nskipped] = malloc(len);
	if (!s[k->w->nskipped])
		return;
	snprintf(s[k->w->nskipped++], len, "%s: %s", path, why);
}

static bool is_result_name(const char *name)
{
	size_t l = strlen(name);

	return l > 5 && !strcmp(name + l - 5, ".json") && strcmp(name, "env.json");
}

static int add(struct walk *k, const char *path, const struct stat *st)
{
	if (k->n == SF_WALK_MAX_FILES) {
		snprintf(k->err, k->errlen, "more than %d result files: give a smaller directory",
			 SF_WALK_MAX_FILES);
		return -1;
	}
	if (k->n == k->cap) {
		int cap = k->cap ? k->cap * 2 : 64;
		struct cand *c = realloc(k->c, cap * sizeof(*c));

		if (!c)
			goto oom;
		k->c = c;
		k->cap = cap;
	}
	k->c[k->n].path = strdup(path);
	if (!k->c[k->n].path)
		goto oom;
	k->c[k->n].dev = st->st_dev;
	k->c[k->n].ino = st->st_ino;
	k->n++;
	return 0;
oom:
	snprintf(k->err, k->errlen, "out of memory");
	return -1;
}

static int walk_dir(struct walk *k, const char *dir);

static int entry(struct walk *k, const char *path, const char *name)
{
	struct stat st, lst;

	if (lstat(path, &lst))
		return 0;	/* gone since readdir */
	if (S_ISLNK(lst.st_mode)) {
		if (stat(path, &st)) {
			if (is_result_name(name))
				skip(k, path, "a dangling symlink");
			return 0;
		}
		if (S_ISDIR(st.st_mode)) {
			skip(k, path, "a symlink to a directory, not followed");
			return 0;
		}
	} else {
		st = lst;
	}
	if (S_ISDIR(st.st_mode))
		return k->into && k->into(name, k->depth) ? walk_dir(k, path) : 0;
	if (!is_result_name(name))
		return 0;
	if (!S_ISREG(st.st_mode)) {
		skip(k, path, "not a regular file");
		return 0;
	}
	return add(k, path, &st);
}

static int walk_dir(struct walk *k, const char *dir)
{
	struct dirent *e;
	struct stat st;
	DIR *d;
	int ret = 0;

	if (stat(dir, &st))
		return 0;
	for (int i = 0; i < k->depth; i++)
		if (k->adev[i] == st.st_dev && k->aino[i] == st.st_ino) {
			skip(k, dir, "a loop back to a directory above it, not followed");
			return 0;
		}
	if (k->depth == SF_WALK_MAX_DEPTH) {
		skip(k, dir, "nested too deep, not searched");
		return 0;
	}
	d = opendir(dir);
	if (!d) {
		if (!k->depth) {
			snprintf(k->err, k->errlen, "%s: %s", dir, strerror(errno));
			return -1;
		}
		skip(k, dir, strerror(errno));
		return 0;
	}
	k->adev[k->depth] = st.st_dev;
	k->aino[k->depth] = st.st_ino;
	k->depth++;
	while (!ret && (e = readdir(d))) {
		char *path;
		size_t len;

		if (e->d_name[0] == '.')
			continue;	/* hidden, . and .. */
		len = strlen(dir) + strlen(e->d_name) + 2;
		path = malloc(len);
		if (!path) {
			snprintf(k->err, k->errlen, "out of memory");
			ret = -1;
			break;
		}
		snprintf(path, len, "%s/%s", dir, e->d_name);
		ret = entry(k, path, e->d_name);
		free(path);
	}
	k->depth--;
	closedir(d);
	return ret;
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct cand *)a)->path, ((const struct cand *)b)->path);
}

static int by_inode(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return x->order - y->order;
}

static int by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Keep the first name in path order of every file: n log n. */
static int dedupe(struct walk *k)
{
	char **files;
	int nf = 0;

	if (k->n <= 0)
		return 0;
	qsort(k->c, k->n, sizeof(*k->c), by_path);
	for (int i = 0; i < k->n; i++)
		k->c[i].order = i;
	qsort(k->c, k->n, sizeof(*k->c), by_inode);
	for (int i = 0; i < k->n;) {
		int j = i + 1;

		for (; j < k->n && k->c[j].dev == k->c[i].dev && k->c[j].ino == k->c[i].ino; j++) {
			char why[4200];

			snprintf(why, sizeof(why), "the same file as %s, counted once", k->c[i].path);
			skip(k, k->c[j].path, why);
			free(k->c[j].path);
			k->c[j].path = NULL;
		}
		i = j;
	}
	files = calloc(k->n > 0 ? (size_t)k->n : 1, sizeof(*files));
	if (!files) {
		snprintf(k->err, k->errlen, "out of memory");
		return -1;
	}
	for (int i = 0; i < k->n; i++)
		if (k->c[i].path)
			files[nf++] = k->c[i].path;
	qsort(files, nf, sizeof(*files), by_str);
	k->w->files = files;
	k->w->nfiles = nf;
	return 0;
}

static bool every_dir(const char *name, int depth)
{
	return true;
}

int sf_walk_results(const char *dir, bool recursive, struct sf_walk *w,
		    char *err, size_t errlen)
{
	return sf_walk_results_into(dir, recursive ? every_dir : NULL, w, err, errlen);
}

int sf_walk_results_into(const char *dir, sf_walk_into into, struct sf_walk *w,
			 char *err, size_t errlen)
{
	struct walk k = { .w = w, .into = into, .err = err, .errlen = errlen };
	int ret;

	memset(w, 0, sizeof(*w));
	ret = walk_dir(&k, dir);
	if (!ret)
		ret = dedupe(&k);
	if (ret) {
		for (int i = 0; i < k.n; i++)
			free(k.c[i].path);
		free(w->files);
		w->files = NULL;
		w->nfiles = 0;
	}
	free(k.c);	/* the paths kept moved into w->files */
	if (w->nskipped > 1)
		qsort(w->skipped, w->nskipped, sizeof(*w->skipped), by_str);
	return ret;
}

void sf_walk_print_skipped(const struct sf_walk *w, FILE *f, int max)
{
	for (int i = 0; i < w->nskipped && i < max; i++) {
		char line[4400];

		snprintf(line, sizeof(line), "%s", w->skipped[i]);
		sf_one_line(line);	/* file names are anyone's */
		fprintf(f, "syncfault: skipped %s\n", line);
	}
	if (w->nskipped > max)
		fprintf(f, "syncfault: skipped %d more\n", w->nskipped - max);
}

void sf_walk_free(struct sf_walk *w)
{
	for (int i = 0; i < w->nfiles; i++)
		free(w->files[i]);
	free(w->files);
	for (int i = 0; i < w->nskipped; i++)
		free(w->skipped[i]);
	free(w->skipped);
	memset(w, 0, sizeof(*w));
}
