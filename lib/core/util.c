// SPDX-License-Identifier: MIT
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "sf_util.h"

int sf_read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n, off = 0;

	if (fd < 0)
		return -1;
	while ((size_t)off < len - 1 && (n = read(fd, buf + off, len - 1 - off)) > 0)
		off += n;
	close(fd);
	buf[off] = 0;
	return off;
}

int sf_read_line(const char *path, char *buf, size_t len)
{
	char *nl;

	if (sf_read_file(path, buf, len) < 0) {
		buf[0] = 0;
		return -1;
	}
	nl = strchr(buf, '\n');
	if (nl)
		*nl = 0;
	return 0;
}

int sf_read_keyed(const char *path, const char *key, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	char line[4096];
	size_t kl = strlen(key);
	int ret = -1;

	buf[0] = 0;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *v;

		if (strncmp(line, key, kl) || (line[kl] != ':' && line[kl] != ' ' && line[kl] != '\t'))
			continue;
		v = strchr(line, ':');
		if (!v)
			continue;
		for (v++; *v == ' ' || *v == '\t'; v++)
			;
		v[strcspn(v, "\n")] = 0;
		snprintf(buf, len, "%s", v);
		ret = 0;
		break;
	}
	fclose(f);
	return ret;
}

int sf_cmdline_value(const char *word, char *buf, size_t len)
{
	char cmd[4096], *p, *save = NULL;
	size_t wl = strlen(word);

	if (sf_read_line("/proc/cmdline", cmd, sizeof(cmd)))
		return -1;
	for (p = strtok_r(cmd, " ", &save); p; p = strtok_r(NULL, " ", &save)) {
		if (!strncmp(p, word, wl) && p[wl] == '=') {
			snprintf(buf, len, "%s", p + wl + 1);
			return 0;
		}
	}
	return -1;
}

int sf_mkdir_p(const char *dir, unsigned int mode)
{
	char tmp[4096];

	snprintf(tmp, sizeof(tmp), "%s", dir);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(tmp, mode) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(tmp, mode) && errno != EEXIST)
		return -1;
	return 0;
}

void sf_now_iso(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

double sf_mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void sf_remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4400];

	while (d && (e = readdir(d))) {
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (!lstat(path, &st) && S_ISDIR(st.st_mode))
			sf_remove_tree(path);
		else
			unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

int sf_copy_file(const char *from, const char *to)
{
	char buf[65536];
	int in = open(from, O_RDONLY | O_CLOEXEC), out;
	ssize_t n;

	if (in < 0)
		return -1;
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			break;
	close(in);
	return close(out) || n ? -1 : 0;
}

int sf_read_kv(const char *path, const char *key, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	char line[8192];
	size_t kl = strlen(key);
	int ret = -1;

	while (f && ret && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, key, kl) && line[kl] == '=') {
			snprintf(buf, len, "%s", line + kl + 1);
			ret = 0;
		}
	}
	if (f)
		fclose(f);
	return ret;
}

/* ---- output paths ---- */

/* Filesystems whose "files" are kernel interfaces, never result files. */
static bool pseudo_fs_magic(long type)
{
	static const long magics[] = {
		0x9fa0,		/* proc */
		0x62656572,	/* sysfs */
		0x27e0eb,	/* cgroup */
		0x63677270,	/* cgroup2 */
		0x64626720,	/* debugfs */
		0x74726163,	/* tracefs */
		0x1cd1,		/* devpts */
		0x73636673,	/* securityfs */
		0xcafe4a11,	/* bpf */
		0x62656570,	/* configfs */
		0x6165676c,	/* pstore */
	};

	for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++)
		if (type == magics[i])
			return true;
	return false;
}

static const char *file_kind(mode_t m)
{
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISBLK(m))
		return "a block device";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISSOCK(m))
		return "a socket";
	return "not a regular file";
}

#define OUT_FAIL(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

int sf_out_path_check(const char *path, const char *what, char *err, size_t errlen)
{
	char dir[PATH_MAX];
	const char *base, *slash;
	struct statfs sfs;
	struct stat st;

	if (!path || !*path)
		OUT_FAIL("%s '': empty file name: give a file name", what);
	if (strlen(path) >= PATH_MAX - 32)
		OUT_FAIL("%s: path longer than %d characters: give a shorter one", what, PATH_MAX - 32);
	if (path[strlen(path) - 1] == '/')
		OUT_FAIL("%s %s: ends in '/': give a file name, not a directory", what, path);
	slash = strrchr(path, '/');
	base = slash ? slash + 1 : path;
	/* room for the ".tmp.PID" of the atomic write */
	if (strlen(base) > NAME_MAX - 16)
		OUT_FAIL("%s %s: file name longer than %d characters: give a shorter one", what,
			 path, NAME_MAX - 16);
	if (!strcmp(base, ".") || !strcmp(base, ".."))
		OUT_FAIL("%s %s: is a directory: give a file name", what, path);
	if (!stat(path, &st) && !S_ISREG(st.st_mode))
		OUT_FAIL("%s %s: is %s: only a regular file or a new name is replaced", what,
			 path, file_kind(st.st_mode));
	if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else if (slash)
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	else
		snprintf(dir, sizeof(dir), ".");
	if (stat(dir, &st))
		OUT_FAIL("%s %s: directory %s: %s: give a path in an existing directory", what,
			 path, dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		OUT_FAIL("%s %s: %s is not a directory: give a path in an existing directory", what,
			 path, dir);
	if (!statfs(dir, &sfs) && pseudo_fs_magic((long)sfs.f_type))
		OUT_FAIL("%s %s: %s is a kernel pseudo-filesystem: give a path on a real filesystem",
			 what, path, dir);
	if (access(dir, W_OK | X_OK))
		OUT_FAIL("%s %s: directory %s is not writable (%s): give a writable path", what,
			 path, dir, strerror(errno));
	return 0;
}

/* ---- bounded reads ---- */

int sf_read_regular(const char *path, size_t max, char **buf, size_t *len,
		    char *err, size_t errlen)
{
	/* O_NONBLOCK: opening a FIFO must not wait for a writer */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	size_t off = 0, cap;
	struct stat st;
	char *b;

	*buf = NULL;
	*len = 0;
	if (fd < 0)
		OUT_FAIL("%s: %s", path, strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		OUT_FAIL("%s: %s, not a regular file", path, file_kind(st.st_mode));
	}
	if ((uint64_t)st.st_size > max) {
		close(fd);
		OUT_FAIL("%s: larger than %zu MiB", path, max >> 20);
	}
	cap = (size_t)st.st_size + 1;
	b = malloc(cap + 1);
	if (!b) {
		close(fd);
		OUT_FAIL("%s: out of memory", path);
	}
	for (;;) {
		ssize_t n = read(fd, b + off, cap - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto fail;
		}
		if (!n)
			break;
		off += (size_t)n;
		if (off == cap) {	/* it grew since fstat */
			char *nb;

			if (cap > max) {
				snprintf(err, errlen, "%s: larger than %zu MiB", path, max >> 20);
				goto fail;
			}
			cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			nb = realloc(b, cap + 1);
			if (!nb) {
				snprintf(err, errlen, "%s: out of memory", path);
				goto fail;
			}
			b = nb;
		}
	}
	close(fd);
	b[off] = '\0';
	*buf = b;
	*len = off;
	return 0;
fail:
	close(fd);
	free(b);
	return -1;
}

/* JSON has no NaN or infinity; json-c accepts them unless told. */
static bool json_finite(json_object *o, int depth)
{
	if (depth > 64)
		return false;
	switch (json_object_get_type(o)) {
	case json_type_double:
		return isfinite(json_object_get_double(o));
	case json_type_array:
		for (size_t i = 0; i < json_object_array_length(o); i++)
			if (!json_finite(json_object_array_get_idx(o, i), depth + 1))
				return false;
		return true;
	case json_type_object: {
		json_object_object_foreach(o, k, v) {
			(void)k;
			if (v && !json_finite(v, depth + 1))
				return false;
		}
		return true;
	}
	default:
		return true;
	}
}

json_object *sf_json_read(const char *path, size_t max, char *err, size_t errlen)
{
	json_tokener *tok;
	json_object *o;
	char *buf, *end;
	size_t len;

	if (sf_read_regular(path, max, &buf, &len, err, errlen))
		return NULL;
	tok = json_tokener_new_ex(64);
	if (!tok) {
		free(buf);
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	o = json_tokener_parse_ex(tok, buf, (int)len);
	if (!o || json_tokener_get_error(tok) != json_tokener_success) {
		enum json_tokener_error e = json_tokener_get_error(tok);

		snprintf(err, errlen, "%s: not valid JSON (%s at byte %zu)", path,
			 e == json_tokener_continue ? "unexpected end of file" :
			 json_tokener_error_desc(e), json_tokener_get_parse_end(tok));
		goto fail;
	}
	end = buf + json_tokener_get_parse_end(tok);
	while (end < buf + len && strchr(" \t\r\n", *end))
		end++;
	if (end < buf + len) {
		snprintf(err, errlen, "%s: not valid JSON (data after the first value, at byte %zu)",
			 path, (size_t)(end - buf));
		goto fail;
	}
	if (!json_finite(o, 0)) {
		snprintf(err, errlen, "%s: not valid JSON (NaN or Infinity is not a JSON number)", path);
		goto fail;
	}
	json_tokener_free(tok);
	free(buf);
	return o;
fail:
	if (o)
		json_object_put(o);
	json_tokener_free(tok);
	free(buf);
	return NULL;
}

/* ---- guest NVDIMM size ---- */

int sf_nvdimm_size_check(const char *s, const char *fs, char *err, size_t errlen)
{
	unsigned long long n, mult = 1, min_mb = fs && !strcmp(fs, "xfs") ? 768 : 512;
	char *end;

	if (!s || *s < '0' || *s > '9')
		goto bad;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno)
		goto bad;
	switch (*end) {
	case 'k': case 'K': mult = 1ULL << 10; end++; break;
	case 'm': case 'M': mult = 1ULL << 20; end++; break;
	case 'g': case 'G': mult = 1ULL << 30; end++; break;
	}
	if (*end || n > SF_NVDIMM_MAX / mult)
		goto bad;
	n *= mult;
	if (n % (2ULL << 20) || n < (min_mb << 20) || n > SF_NVDIMM_MAX)
		goto bad;
	return 0;
bad:
	snprintf(err, errlen, "not a size the guest can use: give a multiple of 2 MiB from %lluM%s to %lluG, e.g. 2G",
		 min_mb, fs ? "" : " (768M for xfs)", SF_NVDIMM_MAX >> 30);
	return -1;
}

/* ---- messages ---- */

void sf_one_line(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

int sf_write_atomic(const char *path, const void *buf, size_t len, char *err, size_t errlen)
{
	char tmp[PATH_MAX + 32];
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0) {
		bool ok = write(fd, buf, len) == (ssize_t)len && !fsync(fd);

		ok = !close(fd) && ok;
		if (ok && !rename(tmp, path))
			return 0;
	}
	snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
	unlink(tmp);
	return -1;
}

void sf_wrap(FILE *f, const char *first, int indent, const char *text)
{
	int col = fprintf(f, "%s", first);
	bool space = col > 0 && first[col - 1] != ' ';
	char *copy = strdup(text), *save = NULL;

	for (char *w = copy ? strtok_r(copy, " ", &save) : NULL; w; w = strtok_r(NULL, " ", &save)) {
		int len = (int)strlen(w);

		if (col > indent && col + space + len > SF_TEXT_WIDTH) {
			fprintf(f, "\n%*s", indent, "");
			col = indent;
			space = false;
		}
		if (space)
			col += fprintf(f, " ");
		col += fprintf(f, "%s", w);
		space = true;
	}
	fprintf(f, "\n");
	free(copy);
}

bool sf_in_list(const char *s, const char *const *list)
{
	for (; list && *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}
