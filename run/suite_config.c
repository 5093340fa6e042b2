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

#include "sf_config.h"
#include "sf_guest_targets.h"
#include "sf_util.h"

/* A suite config is a page or two of text */
#define SF_CONFIG_MAX	(1u << 20)

#define MAX_SECTIONS	256
#define MAX_KEYS	64
#define MAX_REPEATS	1000
#define MAX_RUNS	100000

/* inih's own limits (ini.c): longer names are silently cut */
#define INI_NAME_MAX	50

static const char *const global_only[] = {
	"label", "vm_timeout", "nvdimm_size", "kernel", NULL,
};

/* How many repeats: repeats = N | auto, and auto's plan (here or in [global]). */
static const char *const plan_keys[] = {
	"repeats", "precision", "max_time", "min_repeats", "max_repeats", NULL,
};

struct kv {
	char *key, *val;
	int line;
};

struct section {
	char *name;
	int line;
	struct kv kv[MAX_KEYS];
	int nkv;
};

struct parse {
	char *buf;		/* the whole file (bounded, regular file only) */
	size_t len, off;
	const char *file;	/* for messages: the path as given */
	int line;
	struct section sec[MAX_SECTIONS];
	int nsec;
	char *err;
	size_t errlen;
	bool failed;
	const struct sf_bench *const *benches;
};

static void fail(struct parse *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Record the first problem only: one line, the one the user fixes first. */
static void fail(struct parse *p, int line, const char *fmt, ...)
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

static bool name_ok(const char *s)
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
		fail(p, p->line, "section header without its closing ']': write [name]");
		return;
	}
	if (e == s + 1) {
		fail(p, p->line, "empty section name []: write [name]");
		return;
	}
	if (p->nsec == MAX_SECTIONS) {
		fail(p, p->line, "more than %d sections: split the suite", MAX_SECTIONS);
		return;
	}
	sec = &p->sec[p->nsec++];
	sec->name = strndup(s + 1, e - s - 1);
	sec->line = p->line;
	if (!sec->name)
		fail(p, p->line, "out of memory");
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
		fail(p, p->line, "a NUL byte in the line: the config must be text");
		str[0] = 0;
		return str;
	}
	if (len > (size_t)num - 1) {
		fail(p, p->line, "line longer than %d characters: shorten it", num - 2);
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
		fail(p, p->line, "'%s' is outside any section: put it under [global] or a scenario",
		     name);
		return 1;
	}
	for (int i = 0; i < sec->nkv; i++)
		if (!strcmp(sec->kv[i].key, name)) {
			fail(p, p->line, "[%s] '%s' given twice (first at line %d): write one line, lists as a,b,c",
			     sec->name, name, sec->kv[i].line);
			return 1;
		}
	if (sec->nkv == MAX_KEYS) {
		fail(p, p->line, "[%s] more than %d keys", sec->name, MAX_KEYS);
		return 1;
	}
	kv = &sec->kv[sec->nkv++];
	kv->key = strdup(name);
	kv->val = strdup(value);
	kv->line = p->line;
	if (!kv->key || !kv->val)
		fail(p, p->line, "out of memory");
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

static struct kv *find_kv(struct section *s, const char *key)
{
	for (int i = 0; s && i < s->nkv; i++)
		if (!strcmp(s->kv[i].key, key))
			return &s->kv[i];
	return NULL;
}

static const struct sf_bench *find_bench(struct parse *p, const char *name)
{
	for (int i = 0; p->benches[i]; i++)
		if (!strcmp(p->benches[i]->name, name))
			return p->benches[i];
	return NULL;
}

static void bench_names(struct parse *p, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = 0;
	for (int i = 0; p->benches[i]; i++)
		off += snprintf(buf + off, off < len ? len - off : 0, "%s%s",
				i ? ", " : "", p->benches[i]->name);
}

static void param_names(const struct sf_param *q, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = 0;
	for (int i = 0; q && q[i].name; i++)
		off += snprintf(buf + off, off < len ? len - off : 0, "%s%s",
				i ? ", " : "", q[i].name);
}

static bool is_one_of(const char *s, const char *const *list)
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
static int split(struct parse *p, const char *sec, const struct kv *kv,
		 char **buf, char **items, int max)
{
	char *s, *save = NULL, *tok;
	size_t len = strlen(kv->val);
	int n = 0;

	*buf = NULL;
	if (!len || kv->val[0] == ',' || kv->val[len - 1] == ',' ||
	    strstr(kv->val, ",,")) {
		fail(p, kv->line, "[%s] %s = '%s' has an empty item: give values like a,b,c",
		     sec, kv->key, kv->val);
		return -1;
	}
	s = *buf = strdup(kv->val);
	if (!s) {
		fail(p, kv->line, "out of memory");
		return -1;
	}
	for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *e;

		while (isspace((unsigned char)*tok))
			tok++;
		for (e = tok + strlen(tok); e > tok && isspace((unsigned char)e[-1]);)
			*--e = 0;
		if (!*tok) {
			fail(p, kv->line, "[%s] %s = '%s' has an empty item: give values like a,b,c",
			     sec, kv->key, kv->val);
			return -1;
		}
		if (n == max) {
			fail(p, kv->line, "[%s] %s has more than %d values: split the scenario",
			     sec, kv->key, max);
			return -1;
		}
		items[n++] = tok;
	}
	return n;
}

static char *keep(struct sf_suite *s, const char *str)
{
	char **n = realloc(s->strings, (s->nstrings + 1) * sizeof(*n));

	if (!n)
		return NULL;
	s->strings = n;
	return s->strings[s->nstrings++] = strdup(str);
}

/* A valid spelling, kept in its canonical form (DIR becomes host:DIR). */
static int check_target(struct parse *p, struct sf_suite *s, const char *sec,
			const struct kv *kv, const char **t)
{
	struct sf_target_spec spec;
	char err[512];

	if (sf_target_spec_parse(*t, &spec, err, sizeof(err))) {
		fail(p, kv->line, "[%s] %s", sec, err);
		return -1;
	}
	*t = keep(s, spec.canon);
	return *t ? 0 : -1;
}

/* Validate one parameter value (a list unless the parameter is scalar). */
static int check_param(struct parse *p, const char *sec, const struct sf_param *q,
		       const struct kv *kv)
{
	char *buf, *items[64], msg[512];
	const char *why;
	int n;

	if (q->type == SF_PT_STR || q->scalar) {
		if (q->type != SF_PT_STR && strchr(kv->val, ',')) {
			fail(p, kv->line, "[%s] %s takes a single value, not the list '%s'",
			     sec, kv->key, kv->val);
			return -1;
		}
		items[0] = kv->val;
		n = 1;
		buf = NULL;
	} else if ((n = split(p, sec, kv, &buf, items, 64)) < 0) {
		free(buf);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		if (!sf_param_validate(q, items[i], msg, sizeof(msg)))
			continue;
		/* drop the "--name: " command-line prefix */
		why = strstr(msg, ": ") ? strstr(msg, ": ") + 2 : msg;
		fail(p, kv->line, "[%s] %s = %s", sec, kv->key, why);
		free(buf);
		return -1;
	}
	free(buf);
	return 0;
}

static int check_int(struct parse *p, const char *sec, const struct kv *kv,
		     int min, int max, int *out)
{
	int64_t v;

	if (sf_parse_int(kv->val, &v) || v < min || v > max) {
		fail(p, kv->line, "[%s] %s = '%s' is not valid: expected an integer from %d to %d",
		     sec, kv->key, kv->val, min, max);
		return -1;
	}
	*out = (int)v;
	return 0;
}

/* Is key a parameter of any benchmark some scenario uses? */
static bool param_of_used_bench(struct parse *p, struct section *global,
				const char *key)
{
	struct kv *gb = find_kv(global, "bench");

	for (int i = 0; i < p->nsec; i++) {
		struct kv *b = find_kv(&p->sec[i], "bench");
		const struct sf_bench *bench;

		if (&p->sec[i] == global)
			continue;
		if (!b)
			b = gb;
		bench = b ? find_bench(p, b->val) : NULL;
		if (bench && sf_param_find(bench->params, key))
			return true;
	}
	return false;
}

static char *keep(struct sf_suite *s, const char *str);

/* kernel = SPEC[, SPEC...]: the guest kernels, each a distinct name. */
static int check_kernels(struct parse *p, const struct kv *kv, struct sf_suite *s)
{
	char *buf, *items[SF_MAX_KERNELS];
	int n = split(p, "global", kv, &buf, items, SF_MAX_KERNELS), ret = -1;

	if (n < 0)
		goto out;
	for (int i = 0; i < n; i++) {
		for (int j = 0; j < i; j++) {
			if (!strcmp(items[i], items[j])) {
				fail(p, kv->line, "[global] kernel = '%s' names %s twice: give each kernel once",
				     kv->val, items[i]);
				goto out;
			}
		}
		if (!(s->kernels[i] = keep(s, items[i]))) {
			fail(p, kv->line, "out of memory");
			goto out;
		}
	}
	s->nkernels = n;
	s->kernel_line = kv->line;
	ret = 0;
out:
	free(buf);
	return ret;
}

static int check_global(struct parse *p, struct section *g, struct sf_suite *s)
{
	for (int i = 0; g && i < g->nkv; i++) {
		struct kv *kv = &g->kv[i];

		if (!strcmp(kv->key, "label")) {
			if (!name_ok(kv->val) || strlen(kv->val) >= sizeof(s->label)) {
				fail(p, kv->line, "[global] label = '%s' is not valid: use up to %zu letters, digits, '-', '_' or '.'",
				     kv->val, sizeof(s->label) - 1);
				return -1;
			}
			snprintf(s->label, sizeof(s->label), "%s", kv->val);
		} else if (!strcmp(kv->key, "vm_timeout")) {
			if (check_int(p, "global", kv, 1, 7 * 86400, &s->vm_timeout_s))
				return -1;
		} else if (!strcmp(kv->key, "nvdimm_size")) {
			char why[256];

			/* the same bounds as run --nvdimm-size: found now, not after the host runs */
			if (sf_nvdimm_size_check(kv->val, NULL, why, sizeof(why)) ||
			    strlen(kv->val) >= sizeof(s->nvdimm_size)) {
				fail(p, kv->line, "[global] nvdimm_size = '%s': %s", kv->val, why);
				return -1;
			}
			snprintf(s->nvdimm_size, sizeof(s->nvdimm_size), "%s", kv->val);
		} else if (!strcmp(kv->key, "kernel")) {
			if (check_kernels(p, kv, s))
				return -1;
		} else if (strcmp(kv->key, "bench") && strcmp(kv->key, "target") &&
			   !is_one_of(kv->key, plan_keys) && strcmp(kv->key, "attribute") &&
			   !param_of_used_bench(p, g, kv->key)) {
			fail(p, kv->line, "[global] unknown key '%s': not a parameter of any benchmark this suite uses (and not bench, target, repeats, precision, max_time, min_repeats, max_repeats, attribute, label, vm_timeout, nvdimm_size, kernel)",
			     kv->key);
			return -1;
		}
	}
	return 0;
}

/* The value of key for a scenario: its own, else [global]'s. */
static struct kv *merged(struct section *sec, struct section *g, const char *key)
{
	struct kv *kv = find_kv(sec, key);

	return kv ? kv : find_kv(g, key);
}

static const struct sf_bench *scenario_bench(struct parse *p, struct section *sec,
					     struct section *g)
{
	struct kv *kv = merged(sec, g, "bench");
	const struct sf_bench *b;
	char names[512];

	bench_names(p, names, sizeof(names));
	if (!kv) {
		fail(p, sec->line, "[%s] no bench: add bench = NAME (one of %s)",
		     sec->name, names);
		return NULL;
	}
	b = find_bench(p, kv->val);
	if (!b)
		fail(p, kv->line, "[%s] unknown bench '%s': known benchmarks are %s",
		     sec->name, kv->val, names);
	return b;
}

/* Every key of a scenario (and [global]'s keys it takes) is valid. */
static int check_scenario(struct parse *p, struct section *sec, struct section *g,
			  const struct sf_bench *b)
{
	char names[512];

	for (int i = 0; i < sec->nkv; i++) {
		struct kv *kv = &sec->kv[i];
		const struct sf_param *q;

		if (!strcmp(kv->key, "bench"))
			continue;
		if (is_one_of(kv->key, global_only)) {
			fail(p, kv->line, "[%s] %s belongs in [global]", sec->name, kv->key);
			return -1;
		}
		if (!strcmp(kv->key, "target") || !strcmp(kv->key, "attribute") ||
		    is_one_of(kv->key, plan_keys))
			continue;	/* checked when expanding */
		q = sf_param_find(b->params, kv->key);
		if (!q) {
			param_names(b->params, names, sizeof(names));
			fail(p, kv->line, "[%s] unknown key '%s': %s takes %s%sbench, target, repeats, precision, max_time, min_repeats, max_repeats, attribute",
			     sec->name, kv->key, b->name, names, *names ? ", " : "");
			return -1;
		}
		if (check_param(p, sec->name, q, kv))
			return -1;
	}
	for (int i = 0; g && i < g->nkv; i++) {
		const struct sf_param *q = sf_param_find(b->params, g->kv[i].key);

		/* a [global] parameter applies where the benchmark has it */
		if (q && !find_kv(sec, g->kv[i].key) && check_param(p, "global", q, &g->kv[i]))
			return -1;
	}
	return 0;
}

/* The section a merged key came from, for messages. */
static const char *origin(struct section *sec, const struct kv *kv)
{
	return kv >= sec->kv && kv < sec->kv + sec->nkv ? sec->name : "global";
}

static int check_precision(struct parse *p, const char *sec, const struct kv *kv, double *out)
{
	char *end;
	double d = strtod(kv->val, &end);

	if (end == kv->val || *end || !(d > 0 && d <= 100)) {
		fail(p, kv->line, "[%s] precision = '%s' is not valid: a percentage above 0, at most 100 (the 95%% interval's half-width)",
		     sec, kv->val);
		return -1;
	}
	*out = d;
	return 0;
}

/*
 * repeats = N runs exactly N; repeats = auto runs until the median's 95%
 * interval is within precision (%), between min_repeats and max_repeats,
 * at most max_time seconds a run (run --precision ... does the same).
 */
static int read_plan(struct parse *p, struct section *sec, struct section *g,
		     struct sf_run *x)
{
	struct kv *rkv = merged(sec, g, "repeats"), *kv;
	struct sf_repeat_plan *pl = &x->plan;
	int64_t v;
	int t;

	*pl = (struct sf_repeat_plan){ SF_PRECISION_DEFAULT, SF_MIN_REPEATS_DEFAULT,
				       SF_MAX_REPEATS_DEFAULT, SF_MAX_TIME_DEFAULT };
	x->adaptive = rkv && !strcmp(rkv->val, "auto");
	if (rkv && !x->adaptive && (sf_parse_int(rkv->val, &v) || v < 1 || v > MAX_REPEATS)) {
		fail(p, rkv->line, "[%s] repeats = '%s' is not valid: expected auto or an integer from 1 to %d",
		     origin(sec, rkv), rkv->val, MAX_REPEATS);
		return -1;
	}
	if (rkv && !x->adaptive)
		x->repeats = (int)v;
	for (int i = 1; plan_keys[i]; i++) {
		kv = merged(sec, g, plan_keys[i]);
		if (kv && !x->adaptive) {
			fail(p, kv->line, "[%s] %s applies to adaptive repeats: add repeats = auto, or drop %s",
			     origin(sec, kv), kv->key, kv->key);
			return -1;
		}
	}
	if (!x->adaptive)
		return 0;
	if ((kv = merged(sec, g, "precision")) &&
	    check_precision(p, origin(sec, kv), kv, &pl->precision_pct))
		return -1;
	if ((kv = merged(sec, g, "max_time"))) {
		if (check_int(p, origin(sec, kv), kv, 1, 86400, &t))
			return -1;
		pl->max_time_s = t;
	}
	if ((kv = merged(sec, g, "min_repeats")) &&
	    check_int(p, origin(sec, kv), kv, 1, MAX_REPEATS, &pl->min))
		return -1;
	if ((kv = merged(sec, g, "max_repeats")) &&
	    check_int(p, origin(sec, kv), kv, 1, MAX_REPEATS, &pl->max))
		return -1;
	if (pl->min > pl->max) {
		fail(p, sec->line, "[%s] min_repeats %d is above max_repeats %d: raise max_repeats",
		     sec->name, pl->min, pl->max);
		return -1;
	}
	return 0;
}

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/*
 * Append ".key_value" with characters safe in a file name and a guest job
 * name (letters, digits, '-', '_', '.'), so ids need no quoting anywhere.
 */
static void id_append(char *id, size_t len, const char *key, const char *val)
{
	size_t off = strlen(id);
	char last = 0;

	off += snprintf(id + off, off < len ? len - off : 0, ".%s_", key);
	last = '_';
	for (; *val && off + 1 < len; val++) {
		char c = *val;

		if (!isalnum((unsigned char)c) && c != '_')
			c = '-';
		if (c == '-' && (last == '-' || last == '_'))
			continue;	/* host:/dev/shm -> host-dev-shm */
		id[off++] = last = c;
	}
	if (off >= len)
		off = len - 1;
	id[off] = 0;
}

struct expansion {
	struct section *sec;
	const struct sf_bench *b;
	const char *targets[64];
	int ntargets;
	struct sf_run plan;	/* repeats, adaptive and plan only */
	bool attribute;
	struct sf_point *pts;
	int npts;
	bool vary[SF_MAX_PARAMS];
};

static void make_id(struct sf_run *r, struct expansion *x, int t, int k)
{
	char id[1024];
	bool any = false;

	snprintf(id, sizeof(id), "%s", x->sec->name);
	r->label[0] = 0;
	if (x->ntargets > 1) {
		id_append(id, sizeof(id), "target", x->targets[t]);
		snprintf(r->label, sizeof(r->label), "target=%s", x->targets[t]);
		any = true;
	}
	for (int i = 0; i < x->pts[k].nparams; i++) {
		size_t off = strlen(r->label);

		if (!x->vary[i])
			continue;
		id_append(id, sizeof(id), x->pts[k].params[i].name, x->pts[k].val[i]);
		snprintf(r->label + off, sizeof(r->label) - off, "%s%s=%s",
			 any ? " " : "", x->pts[k].params[i].name, x->pts[k].val[i]);
		any = true;
	}
	/* too long for a file name: keep it recognisable, make it unique */
	if (strlen(id) >= sizeof(r->id))
		snprintf(id + sizeof(r->id) - 19, 19, ".h%016llx",
			 (unsigned long long)fnv1a(r->label));
	snprintf(r->id, sizeof(r->id), "%s", id);
}

static int axis_len(const struct kv *kv, const struct sf_param *q)
{
	int n = 1;

	if (!kv || q->scalar || q->type == SF_PT_STR)
		return 1;
	for (const char *c = kv->val; *c; c++)
		n += *c == ',';
	return n;
}

/* attribute = yes|no: an attribution pass after each point's timed repeats. */
static int check_attribute(struct parse *p, const char *sec, const struct kv *kv, bool *out)
{
	*out = false;
	if (!kv)
		return 0;
	if (strcmp(kv->val, "yes") && strcmp(kv->val, "no")) {
		fail(p, kv->line, "[%s] attribute = '%s' is not valid: use yes or no", sec, kv->val);
		return -1;
	}
	*out = !strcmp(kv->val, "yes");
	return 0;
}

static int expand_scenario(struct parse *p, struct section *sec, struct section *g,
			   const struct sf_bench *b, struct sf_suite *s)
{
	struct sf_assign a[2 * MAX_KEYS];
	struct expansion x = { .sec = sec, .b = b };
	struct kv *tkv = merged(sec, g, "target");
	char *tbuf = NULL, msg[512];
	int na = 0, ret = -1, total;
	struct sf_run *runs;
	const char *scen;

	if (!tkv) {
		fail(p, sec->line, "[%s] no target: add target = DIR, host:DIR or one of %s",
		     sec->name, sf_guest_target_names());
		return -1;
	}
	x.ntargets = split(p, sec->name, tkv, &tbuf, (char **)x.targets, 64);
	if (x.ntargets < 0)
		goto out;
	for (int i = 0; i < x.ntargets; i++)
		if (check_target(p, s, sec->name, tkv, &x.targets[i]))
			goto out;
	if (read_plan(p, sec, g, &x.plan))
		goto out;
	if (check_attribute(p, sec->name, merged(sec, g, "attribute"), &x.attribute))
		goto out;

	/* [global]'s parameters first, so the scenario's own override them */
	for (int i = 0; g && i < g->nkv; i++)
		if (sf_param_find(b->params, g->kv[i].key))
			a[na++] = (struct sf_assign){ g->kv[i].key, g->kv[i].val };
	for (int i = 0; i < sec->nkv; i++)
		if (sf_param_find(b->params, sec->kv[i].key))
			a[na++] = (struct sf_assign){ sec->kv[i].key, sec->kv[i].val };
	x.npts = sf_params_expand(b->params, a, na, &x.pts, msg, sizeof(msg));
	if (x.npts < 0) {
		fail(p, sec->line, "[%s] %s", sec->name, msg);
		goto out;
	}
	for (int i = 0; b->params && b->params[i].name; i++) {
		const struct sf_param *q = &b->params[i];

		x.vary[i] = axis_len(merged(sec, g, q->name), q) > 1;
	}
	total = 0;
	for (int t = 0; t < x.ntargets; t++)
		total += x.npts * (sf_target_spec_is_guest(x.targets[t]) && s->nkernels ? s->nkernels : 1);
	if (s->nruns + total > MAX_RUNS) {
		fail(p, sec->line, "[%s] the suite expands to more than %d runs: shorten the lists",
		     sec->name, MAX_RUNS);
		goto out;
	}
	runs = realloc(s->runs, (s->nruns + total) * sizeof(*runs));
	if (!runs || !(scen = keep(s, sec->name)))
		goto oom;
	s->runs = runs;
	for (int t = 0; t < x.ntargets; t++) {
		const char *tgt = keep(s, x.targets[t]);

		if (!tgt)
			goto oom;
		/* a guest target runs on every kernel of kernel = (same ids) */
		int nk = sf_target_spec_is_guest(tgt) && s->nkernels ? s->nkernels : 1;

		for (int kk = 0; kk < nk; kk++)
		for (int k = 0; k < x.npts; k++) {
			struct sf_run *r = &s->runs[s->nruns];

			memset(r, 0, sizeof(*r));
			r->scenario = scen;
			r->bench = b;
			r->target = tgt;
			r->kernel = sf_target_spec_is_guest(tgt) && s->nkernels ? s->kernels[kk] : NULL;
			r->repeats = x.plan.repeats;
			r->adaptive = x.plan.adaptive;
			r->plan = x.plan.plan;
			r->attribute = x.attribute;
			r->line = sec->line;
			if (sf_point_copy(&r->pt, &x.pts[k]))
				goto oom;
			s->nruns++;
			make_id(r, &x, t, k);
		}
	}
	ret = 0;
	goto out;
oom:
	fail(p, sec->line, "out of memory");
out:
	if (x.pts)
		sf_points_free(x.pts, x.npts);
	free(tbuf);
	return ret;
}

/* Ids are unique by construction unless two long ids hash alike or a
 * value lost characters to sanitizing; refuse rather than overwrite. */
static const struct sf_run *ids_base;

/* 0 when two runs would write one file: the same id on the same kernel. */
static int same_file(const struct sf_run *a, const struct sf_run *b)
{
	int c = strcmp(a->id, b->id);

	if (c || a->kernel == b->kernel)
		return c;
	return (uintptr_t)a->kernel < (uintptr_t)b->kernel ? -1 : 1;
}

static int by_id(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	int c = same_file(&ids_base[x], &ids_base[y]);

	return c ? c : x - y;
}

/* Sorted, not pairwise: a suite of 100000 runs is checked in n log n. */
static int check_ids(struct parse *p, struct sf_suite *s)
{
	int *idx, ret = 0;

	if (s->nruns < 2)
		return 0;
	idx = malloc((size_t)s->nruns * sizeof(*idx));
	if (!idx) {
		fail(p, p->line, "out of memory");
		return -1;
	}
	for (int i = 0; i < s->nruns; i++)
		idx[i] = i;
	ids_base = s->runs;
	qsort(idx, s->nruns, sizeof(*idx), by_id);
	/* blame the earliest run that repeats an id, as a pairwise scan would */
	for (int k = 1, first = idx[0], best = -1, bfirst = -1; k <= s->nruns; k++) {
		if (k == s->nruns) {
			if (best >= 0) {
				const struct sf_run *a = &s->runs[bfirst], *b = &s->runs[best];

				fail(p, b->line, "[%s] run '%s' would get the same result file name as a run of [%s] (line %d): rename a section or change a value",
				     b->scenario, b->label, a->scenario, a->line);
				ret = -1;
			}
			break;
		}
		if (same_file(&s->runs[first], &s->runs[idx[k]])) {
			first = idx[k];
			continue;
		}
		if (best < 0 || idx[k] < best) {
			best = idx[k];
			bfirst = first;
		}
	}
	free(idx);
	return ret;
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

		if (strlen(sec->name) >= INI_NAME_MAX || !name_ok(sec->name)) {
			fail(p, sec->line, "section name [%s] is not valid: use up to %d letters, digits, '-', '_' or '.'",
			     sec->name, INI_NAME_MAX - 1);
			return -1;
		}
		for (int j = 0; j < i; j++)
			if (!strcmp(p->sec[j].name, sec->name)) {
				fail(p, sec->line, "duplicate section [%s] (first at line %d): give each scenario its own name",
				     sec->name, p->sec[j].line);
				return -1;
			}
		if (!strcmp(sec->name, "global"))
			g = sec;
		else
			nscen++;
	}
	if (!nscen) {
		fail(p, p->line ? p->line : 1, "no scenarios: add a section such as [fault] with bench = fault and target = host:/dev/shm");
		return -1;
	}
	/* benchmarks first: what [global] may hold depends on them */
	for (int i = 0; i < p->nsec; i++)
		if (&p->sec[i] != g && !scenario_bench(p, &p->sec[i], g))
			return -1;
	if (check_global(p, g, s))
		return -1;
	for (int i = 0; i < p->nsec; i++) {
		struct section *sec = &p->sec[i];
		const struct sf_bench *b;

		if (sec == g)
			continue;
		b = scenario_bench(p, sec, g);
		if (check_scenario(p, sec, g, b) || expand_scenario(p, sec, g, b, s))
			return -1;
	}
	return check_ids(p, s);
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
		fail(p, rc, "syntax error: expected [section], key = value or a ; comment");
	else if (rc < 0)
		fail(p, p->line, "cannot parse the config (error %d)", rc);
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

const char *sf_run_host_dir(const struct sf_run *r)
{
	return strncmp(r->target, "host:", 5) ? NULL : r->target + 5;
}

int sf_point_argv(const struct sf_bench *b, const struct sf_point *pt, int repeats,
		  const char *const *extra, char ***argvp)
{
	int nextra = 0, n = 0;
	char **argv, rep[16];

	while (extra && extra[nextra])
		nextra++;
	argv = calloc((size_t)(2 + 2 * pt->nparams + 2 + nextra + 1), sizeof(*argv));

	if (!argv)
		return -1;
	argv[n++] = strdup("run");
	argv[n++] = strdup(b->name);
	for (int i = 0; i < pt->nparams; i++) {
		char opt[64];

		snprintf(opt, sizeof(opt), "--%s", pt->params[i].name);
		argv[n++] = strdup(opt);
		argv[n++] = strdup(pt->val[i]);
	}
	if (repeats > 0) {
		snprintf(rep, sizeof(rep), "%d", repeats);
		argv[n++] = strdup("--repeats");
		argv[n++] = strdup(rep);
	}
	for (int i = 0; i < nextra; i++)
		argv[n++] = strdup(extra[i]);
	for (int i = 0; i < n; i++)
		if (!argv[i]) {
			sf_run_argv_free(argv, n);
			return -1;
		}
	*argvp = argv;
	return n;
}

int sf_run_argv(const struct sf_run *r, char ***argvp)
{
	char plan[SF_PLAN_ARGS][32];
	const char *extra[SF_PLAN_ARGS + 2];
	int n = 0;

	if (r->adaptive)
		n = sf_repeat_plan_args(&r->plan, plan, extra);
	if (r->attribute)
		extra[n++] = "--attribute";
	extra[n] = NULL;
	return sf_point_argv(r->bench, &r->pt, r->repeats, extra, argvp);
}

void sf_run_argv_free(char **argv, int argc)
{
	for (int i = 0; argv && i < argc; i++)
		free(argv[i]);
	free(argv);
}

/* Suites against the built-in benchmarks (benches/list.h). */
int sf_config_load(const char *path, struct sf_suite *s, char *err, size_t errlen)
{
	return sf_config_load_with(path, sf_benches, s, err, errlen);
}
