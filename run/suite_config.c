// SPDX-License-Identifier: MIT
/*
 * Suite configs: read the INI file with libinih into sections of key/value
 * pairs with their line numbers, validate everything against the benchmarks'
 * parameter tables, then expand every scenario into runs.
 *
 * libinih does not report line numbers to the handler (Debian builds it
 * without INI_HANDLER_LINENO) nor call it for empty or repeated sections,
 * so we feed it through our own line reader, which counts lines and notes
 * section headers.
 */
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_guest_targets.h"
#include "sf_util.h"
#include "suite_parse.h"

void cfg_fail(struct parse *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Record the first problem only: one line, the one the user fixes first. */
void cfg_fail(struct parse *p, int line, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	if (p->failed)
		return;
	p->failed = true;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errlen, "%s:%d: %s", p->file, line, msg);
}

bool cfg_name_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("_.-", *s))
			return false;
	return true;
}

static void note_section(struct parse *p, const char *line)
{
	const char *s = line, *e;
	struct section *sec;

	while (isspace((unsigned char)*s))
		s++;
	if (*s != '[')
		return;
	/* blamed here: inih would go on and the next key take the blame */
	if (!(e = strchr(s, ']'))) {
		cfg_fail(p, p->line, "section header without its closing ']': write [name]");
		return;
	}
	if (e == s + 1) {
		cfg_fail(p, p->line, "empty section name []: write [name]");
		return;
	}
	if (p->nsec == MAX_SECTIONS) {
		cfg_fail(p, p->line, "more than %d sections: split the suite", MAX_SECTIONS);
		return;
	}
	sec = &p->sec[p->nsec++];
	sec->name = strndup(s + 1, e - s - 1);
	sec->line = p->line;
	if (!sec->name)
		cfg_fail(p, p->line, "out of memory");
}

/*
 * fgets for inih over the file in memory: counts lines, sees every section
 * header, drops a UTF-8 byte-order mark before the first line.
 */
static char *reader(char *str, int num, void *stream)
{
	struct parse *p = stream;
	const char *start = p->buf + p->off, *nl;
	size_t left = p->len - p->off, len;

	if (!left)
		return NULL;
	p->line++;
	if (p->line == 1 && left >= 3 && !memcmp(start, "\xEF\xBB\xBF", 3)) {
		start += 3;
		left -= 3;
		p->off += 3;
	}
	nl = memchr(start, '\n', left);
	len = nl ? (size_t)(nl - start) + 1 : left;
	p->off += len;
	if (memchr(start, '\0', len)) {
		cfg_fail(p, p->line, "a NUL byte in the line: the config must be text");
		str[0] = 0;
		return str;
	}
	if (len > (size_t)num - 1) {
		cfg_fail(p, p->line, "line longer than %d characters: shorten it", num - 2);
		str[0] = 0;	/* the line is dropped, not parsed */
		return str;
	}
	memcpy(str, start, len);
	str[len] = 0;
	note_section(p, str);
	return str;
}

static int handler(void *user, const char *section, const char *name,
		   const char *value)
{
	struct parse *p = user;
	struct section *sec = p->nsec ? &p->sec[p->nsec - 1] : NULL;
	struct kv *kv;

	if (!sec || !*section) {
		cfg_fail(p, p->line, "'%s' is outside any section: put it under [global] or a scenario",
			 name);
		return 1;
	}
	for (int i = 0; i < sec->nkv; i++)
		if (!strcmp(sec->kv[i].key, name)) {
			cfg_fail(p, p->line, "[%s] '%s' given twice (first at line %d): write one line, lists as a,b,c",
				 sec->name, name, sec->kv[i].line);
			return 1;
		}
	if (sec->nkv == MAX_KEYS) {
		cfg_fail(p, p->line, "[%s] more than %d keys", sec->name, MAX_KEYS);
		return 1;
	}
	kv = &sec->kv[sec->nkv++];
	kv->key = strdup(name);
	kv->val = strdup(value);
	kv->line = p->line;
	if (!kv->key || !kv->val)
		cfg_fail(p, p->line, "out of memory");
	return 1;
}

static void free_sections(struct parse *p)
{
	for (int i = 0; i < p->nsec; i++) {
		free(p->sec[i].name);
		for (int j = 0; j < p->sec[i].nkv; j++) {
			free(p->sec[i].kv[j].key);
			free(p->sec[i].kv[j].val);
		}
	}
}

struct kv *cfg_find_kv(struct section *s, const char *key)
{
	for (int i = 0; s && i < s->nkv; i++)
		if (!strcmp(s->kv[i].key, key))
			return &s->kv[i];
	return NULL;
}

const struct sf_bench *cfg_find_bench(struct parse *p, const char *name)
{
	for (int i = 0; p->benches[i]; i++)
		if (!strcmp(p->benches[i]->name, name))
			return p->benches[i];
	return NULL;
}

void cfg_bench_names(struct parse *p, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = 0;
	for (int i = 0; p->benches[i]; i++)
		off += snprintf(buf + off, off < len ? len - off : 0, "%s%s",
				i ? ", " : "", p->benches[i]->name);
}

void cfg_param_names(const struct sf_param *q, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = 0;
	for (int i = 0; q && q[i].name; i++)
		off += snprintf(buf + off, off < len ? len - off : 0, "%s%s",
				i ? ", " : "", q[i].name);
}

bool cfg_is_one_of(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

/*
 * Split a comma list into trimmed items; an empty item is an error.  The
 * items point into buf, which the caller frees.
 */
int cfg_split(struct parse *p, const char *sec, const struct kv *kv,
	      char **buf, char **items, int max)
{
	char *s, *save = NULL, *tok;
	size_t len = strlen(kv->val);
	int n = 0;

	*buf = NULL;
	if (!len || kv->val[0] == ',' || kv->val[len - 1] == ',' ||
	    strstr(kv->val, ",,")) {
		cfg_fail(p, kv->line, "[%s] %s = '%s' has an empty item: give values like a,b,c",
			 sec, kv->key, kv->val);
		return -1;
	}
	s = *buf = strdup(kv->val);
	if (!s) {
		cfg_fail(p, kv->line, "out of memory");
		return -1;
	}
	for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *e;

		while (isspace((unsigned char)*tok))
			tok++;
		for (e = tok + strlen(tok); e > tok && isspace((unsigned char)e[-1]);)
			*--e = 0;
		if (!*tok) {
			cfg_fail(p, kv->line, "[%s] %s = '%s' has an empty item: give values like a,b,c",
				 sec, kv->key, kv->val);
			return -1;
		}
		if (n == max) {
			cfg_fail(p, kv->line, "[%s] %s has more than %d values: split the scenario",
				 sec, kv->key, max);
			return -1;
		}
		items[n++] = tok;
	}
	return n;
}

char *cfg_keep(struct sf_suite *s, const char *str)
{
	char **n = realloc(s->strings, (s->nstrings + 1) * sizeof(*n));

	if (!n)
		return NULL;
	s->strings = n;
	return s->strings[s->nstrings++] = strdup(str);
}

static void default_label(struct sf_suite *s, const char *path)
{
	const char *base = strrchr(path, '/');
	char *dot;

	snprintf(s->label, sizeof(s->label), "%s", base ? base + 1 : path);
	dot = strrchr(s->label, '.');
	if (dot && dot != s->label)
		*dot = 0;
	for (char *c = s->label; *c; c++)
		if (!isalnum((unsigned char)*c) && !strchr("_.-", *c))
			*c = '-';
}

static int validate(struct parse *p, struct sf_suite *s)
{
	struct section *g = NULL;
	int nscen = 0;

	for (int i = 0; i < p->nsec; i++) {
		struct section *sec = &p->sec[i];

		if (strlen(sec->name) >= INI_NAME_MAX || !cfg_name_ok(sec->name)) {
			cfg_fail(p, sec->line, "section name [%s] is not valid: use up to %d letters, digits, '-', '_' or '.'",
				 sec->name, INI_NAME_MAX - 1);
			return -1;
		}
		for (int j = 0; j < i; j++)
			if (!strcmp(p->sec[j].name, sec->name)) {
				cfg_fail(p, sec->line, "duplicate section [%s] (first at line %d): give each scenario its own name",
					 sec->name, p->sec[j].line);
				return -1;
			}
		if (!strcmp(sec->name, "global"))
			g = sec;
		else
			nscen++;
	}
	if (!nscen) {
		cfg_fail(p, p->line ? p->line : 1, "no scenarios: add a section such as [fault] with bench = fault and target = host:/dev/shm");
		return -1;
	}
	/* benchmarks first: what [global] may hold depends on them */
	for (int i = 0; i < p->nsec; i++)
		if (&p->sec[i] != g && !cfg_scenario_bench(p, &p->sec[i], g))
			return -1;
	if (cfg_check_global(p, g, s))
		return -1;
	for (int i = 0; i < p->nsec; i++) {
		struct section *sec = &p->sec[i];
		const struct sf_bench *b;

		if (sec == g)
			continue;
		b = cfg_scenario_bench(p, sec, g);
		if (cfg_check_scenario(p, sec, g, b) || cfg_expand_scenario(p, sec, g, b, s))
			return -1;
	}
	return cfg_check_ids(p, s);
}

int sf_config_load_with(const char *path, const struct sf_bench *const *benches,
			struct sf_suite *s, char *err, size_t errlen)
{
	struct parse *p;
	char msg[4400];
	int rc, ret = -1;

	memset(s, 0, sizeof(*s));
	snprintf(s->path, sizeof(s->path), "%s", path);
	default_label(s, path);
	p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	p->file = path;
	p->err = err;
	p->errlen = errlen;
	p->benches = benches;
	if (sf_read_regular(path, SF_CONFIG_MAX, &p->buf, &p->len, msg, sizeof(msg))) {
		snprintf(err, errlen, "%s: cannot read the config: give an INI file", msg);
		goto out;
	}
	rc = ini_parse_stream(reader, p, handler, p);
	if (rc > 0)
		cfg_fail(p, rc, "syntax error: expected [section], key = value or a ; comment");
	else if (rc < 0)
		cfg_fail(p, p->line, "cannot parse the config (error %d)", rc);
	if (p->failed || validate(p, s))
		goto out;
	ret = 0;
out:
	free(p->buf);
	free_sections(p);
	free(p);
	if (ret)
		sf_suite_free(s);
	return ret;
}

void sf_suite_free(struct sf_suite *s)
{
	for (int i = 0; i < s->nruns; i++)
		for (int j = 0; j < s->runs[i].pt.nparams; j++)
			free(s->runs[i].pt.val[j]);
	free(s->runs);
	for (int i = 0; i < s->nstrings; i++)
		free(s->strings[i]);
	free(s->strings);
	s->runs = NULL;
	s->strings = NULL;
	s->nruns = s->nstrings = 0;
	s->nkernels = 0;
}

/* Suites against the built-in benchmarks (benches/list.h). */
int sf_config_load(const char *path, struct sf_suite *s, char *err, size_t errlen)
{
	return sf_config_load_with(path, sf_benches, s, err, errlen);
}
