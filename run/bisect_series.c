// SPDX-License-Identifier: MIT
/*
 * The series a bisect walks, from what the user has: a quilt series file,
 * a directory of patch files, an mbox (git format-patch --stdout), or a
 * git range (each first-parent commit's diff, applied to good's tree).
 * Whatever the input, the bisect keeps its own copies in OUT/series/, so
 * that the candidates are built from what was bisected, a resumed bisect
 * reads the same series back, and the patches' content names the kernels.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sf_bisect_int.h"
#include "sf_errors.h"
#include "sf_spawn.h"
#include "sf_util.h"

#define MAX_PATCH	(64u << 20)

void sf_cache_path(const char *rel, char *buf, size_t len)
{
	const char *c = getenv("SYNCFAULT_CACHE"), *x = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");

	if (c && *c)
		snprintf(buf, len, "%s/%s", c, rel);
	else if (x && *x)
		snprintf(buf, len, "%s/syncfault/%s", x, rel);
	else
		snprintf(buf, len, "%s/.cache/syncfault/%s", home ? home : "/tmp", rel);
}

/* "[PATCH v2 3/8] dax: foo" -> "dax: foo" */
static void strip_tag(char *s)
{
	char *e;

	if (s[0] == '[' && (e = strchr(s, ']'))) {
		e++;
		while (*e == ' ')
			e++;
		memmove(s, e, strlen(e) + 1);
	}
}

static bool diff_start(const char *l)
{
	return !strncmp(l, "diff ", 5) || !strncmp(l, "--- ", 4) || !strncmp(l, "Index: ", 7) ||
	       !strcmp(l, "---");
}

/* The patch's subject: its Subject: header, else its first line of text. */
static void subject_of(const char *text, const char *fallback, char *buf, size_t len)
{
	const char *l = text, *nl;
	char line[512], first[512] = "";

	for (; *l; l = nl + 1) {
		size_t n;

		nl = strchr(l, '\n');
		n = nl ? (size_t)(nl - l) : strlen(l);
		snprintf(line, sizeof(line), "%.*s", (int)(n < 511 ? n : 511), l);
		if (diff_start(line))
			break;
		if (!strncmp(line, "Subject: ", 9)) {
			snprintf(buf, len, "%s", line + 9);
			strip_tag(buf);
			sf_one_line(buf);
			return;
		}
		if (!first[0] && line[0] && strncmp(line, "From ", 5) && !strchr(line, ':'))
			snprintf(first, sizeof(first), "%s", line);
		if (!nl)
			break;
	}
	snprintf(buf, len, "%s", first[0] ? first : fallback);
	sf_one_line(buf);
}

static int grow(struct sf_series *s)
{
	struct sf_patch *p;

	if (s->n >= SF_BISECT_MAX_PATCHES)
		return sf_usage_error("the series has more than %d patches: bisect a part of it",
				      SF_BISECT_MAX_PATCHES);
	p = realloc(s->p, (s->n + 1) * sizeof(*p));
	if (!p)
		return sf_error("out of memory");
	s->p = p;
	memset(&s->p[s->n], 0, sizeof(*p));
	return 0;
}

/* NNNN-name.patch of the bisect's copy: the name's letters that are safe. */
static void copy_name(int i, const char *name, char *buf, size_t len)
{
	size_t off = (size_t)snprintf(buf, len, "%04d-", i + 1);
	const char *b = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;

	if (strspn(b, "0123456789") == 4 && b[4] == '-')
		b += 5;		/* numbered already (git format-patch, quilt) */
	for (; *b && off + 7 < len && off < 64; b++)
		buf[off++] = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", *b) ? *b : '-';
	buf[off] = '\0';
	if (off < 7 || strcmp(buf + off - 6, ".patch"))
		snprintf(buf + off, len - off, ".patch");
}

int sf_series_add_text(struct sf_series *s, const char *out, const char *text, size_t len,
		    const char *name, const char *id)
{
	char file[128], err[512];
	struct sf_patch *p;

	if (grow(s))
		return -1;
	p = &s->p[s->n];
	copy_name(s->n, name, file, sizeof(file));
	snprintf(p->path, sizeof(p->path), "%s/series/%s", out, file);
	if (sf_write_atomic(p->path, text, len, err, sizeof(err)))
		return sf_error("%s", err);
	subject_of(text, name, p->subject, sizeof(p->subject));
	snprintf(p->id, sizeof(p->id), "%s", id);
	s->n++;
	return 0;
}

static int add_file(struct sf_series *s, const char *out, const char *path)
{
	char err[512], *text;
	const char *b = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t len;
	int rc;

	if (sf_read_regular(path, MAX_PATCH, &text, &len, err, sizeof(err)))
		return sf_usage_error("--series: %s", err);
	if (!strstr(text, "\n+++ ") && strncmp(text, "+++ ", 4)) {
		free(text);
		return sf_usage_error("--series: %s is not a patch (no '+++ ' line): give unified diffs",
				      path);
	}
	rc = sf_series_add_text(s, out, text, len, b, b);
	free(text);
	return rc;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int patch_name(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && ((n > 6 && !strcmp(d->d_name + n - 6, ".patch")) ||
				       (n > 5 && !strcmp(d->d_name + n - 5, ".diff")));
}

/* A directory: its *.patch and *.diff files in name order. */
static int from_dir(struct sf_series *s, const char *out, const char *dir)
{
	struct dirent **d;
	char path[PATH_MAX + 256];
	int n = scandir(dir, &d, patch_name, by_name), rc = 0;

	if (n < 0)
		return sf_usage_error("--series %s: %s", dir, strerror(errno));
	if (!n)
		rc = sf_usage_error("--series %s: no *.patch or *.diff files in it", dir);
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, d[i]->d_name);
		if (!rc)
			rc = add_file(s, out, path);
		free(d[i]);
	}
	free(d);
	return rc;
}

/* A quilt series file: a patch per line (relative to it), -p1 only. */
static int from_quilt(struct sf_series *s, const char *out, const char *file, char *text)
{
	char dir[PATH_MAX], path[PATH_MAX * 2], *save = NULL, *line;
	const char *slash = strrchr(file, '/');
	int no = 0;

	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - file) : 1, slash ? file : ".");
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[PATH_MAX], opt[64] = "";

		no++;
		line[strcspn(line, "#")] = '\0';
		if (sscanf(line, "%4095s %63s", name, opt) < 1)
			continue;
		if (opt[0] && strcmp(opt, "-p1"))
			return sf_usage_error("--series %s:%d: '%s': only -p1 patches are applied (as kernel build does)",
					      file, no, opt);
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		if (add_file(s, out, path))
			return -1;
	}
	if (!s->n)
		return sf_usage_error("--series %s: no patches listed in it", file);
	return 0;
}

/* An mbox: each message ("From " line) is a patch, in file order. */
static int from_mbox(struct sf_series *s, const char *out, const char *file, const char *text)
{
	const char *m = text, *next;
	char name[64];

	while (m && *m) {
		next = strstr(m + 1, "\nFrom ");
		next = next ? next + 1 : NULL;
		snprintf(name, sizeof(name), "mbox-%d", s->n + 1);
		if (!strstr(m, "\n+++ ") || (next && strstr(m, "\n+++ ") > next))
			return sf_usage_error("--series %s: message %d has no patch in it", file, s->n + 1);
		if (sf_series_add_text(s, out, m, next ? (size_t)(next - m) : strlen(m), name, name))
			return -1;
		m = next;
	}
	return 0;
}

static int from_file(struct sf_series *s, const char *out, const char *file)
{
	char err[512], *text;
	size_t len;
	int rc;

	if (sf_read_regular(file, MAX_PATCH * 4, &text, &len, err, sizeof(err)))
		return sf_usage_error("--series: %s", err);
	if (!strncmp(text, "From ", 5))
		rc = from_mbox(s, out, file, text);
	else if (strstr(text, "\n+++ ") || !strncmp(text, "+++ ", 4))
		rc = sf_usage_error("--series %s: one patch: give a series (quilt series file, directory of patches or mbox)",
				    file);
	else
		rc = from_quilt(s, out, file, text);
	free(text);
	return rc;
}

/* ---- OUT/series/: the index ---- */

static int write_index(const struct sf_series *s, const char *out)
{
	char path[PATH_MAX + 32], err[512];
	size_t cap = 256 + (size_t)s->n * 512, off = 0;
	char *buf = malloc(cap);
	int rc = 0;

	if (!buf)
		return sf_error("out of memory");
	off += (size_t)snprintf(buf, cap, "# base: %s\n# base is: %s\n", s->base, s->base_desc);
	for (int i = 0; i < s->n && off < cap; i++)
		off += (size_t)snprintf(buf + off, cap - off, "%s\t# %s\t%s\n",
					strrchr(s->p[i].path, '/') + 1, s->p[i].id, s->p[i].subject);
	snprintf(path, sizeof(path), "%s/series/series", out);
	if (sf_write_atomic(path, buf, strlen(buf), err, sizeof(err)))
		rc = sf_error("%s", err);
	free(buf);
	return rc;
}

/* A resumed bisect: the series it wrote. */
static int read_index(struct sf_series *s, const char *out, const char *path)
{
	char line[2048];
	FILE *f = fopen(path, "re");

	if (!f)
		return sf_error("%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char *id, *subj;

		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "# base: %4095[^\n]", s->base) == 1 ||
		    sscanf(line, "# base is: %255[^\n]", s->base_desc) == 1 || line[0] == '#' ||
		    !(id = strstr(line, "\t# ")) || grow(s))
			continue;
		*id = '\0';
		id += 3;
		subj = strchr(id, '\t');
		if (subj)
			*subj++ = '\0';
		snprintf(s->p[s->n].path, sizeof(s->p[s->n].path), "%s/series/%s", out, line);
		snprintf(s->p[s->n].id, sizeof(s->p[s->n].id), "%s", id);
		snprintf(s->p[s->n].subject, sizeof(s->p[s->n].subject), "%s", subj ? subj : line);
		s->n++;
	}
	fclose(f);
	return s->n && s->base[0] ? 0 : sf_error("%s: no series in it (remove %s/series to start again)",
						  path, out);
}

int sf_series_load(const struct sf_bisect_opts *o, struct sf_series *s)
{
	char dir[PATH_MAX + 16], index[PATH_MAX + 32];
	struct stat st;
	int rc;

	memset(s, 0, sizeof(*s));
	snprintf(index, sizeof(index), "%s/series/series", o->out);
	if (!access(index, R_OK))
		return read_index(s, o->out, index);
	snprintf(dir, sizeof(dir), "%s/series", o->out);
	if (sf_mkdir_p(dir, 0755))
		return sf_error("cannot create %s: %s", dir, strerror(errno));
	if (o->tree) {
		rc = sf_git_series(o, s);
	} else {
		snprintf(s->base, sizeof(s->base), "%s", o->base);
		snprintf(s->base_desc, sizeof(s->base_desc), "%s", o->base);
		if (strncmp(o->base, "debian:", 7) && !realpath(o->base, s->base))
			return sf_usage_error("--base %s: %s", o->base, strerror(errno));
		rc = !stat(o->series, &st) && S_ISDIR(st.st_mode) ? from_dir(s, o->out, o->series) :
		     from_file(s, o->out, o->series);
	}
	return rc ? rc : write_index(s, o->out);
}

void sf_series_free(struct sf_series *s)
{
	free(s->p);
	s->p = NULL;
	s->n = 0;
}
