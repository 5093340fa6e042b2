// SPDX-License-Identifier: MIT
/* Parameter validation and comma-list matrix expansion. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_params.h"

int sf_params_count(const struct sf_param *p)
{
	int n = 0;

	while (p && p[n].name)
		n++;
	return n;
}

const struct sf_param *sf_param_find(const struct sf_param *p, const char *name)
{
	for (; p && p->name; p++)
		if (!strcmp(p->name, name))
			return p;
	return NULL;
}

int sf_parse_int(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (!*s)
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

int sf_parse_size(const char *s, int64_t *out)
{
	char *end;
	unsigned long long v;
	int shift = 0;

	if (!*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	}
	if (*end == 'i' || *end == 'I')
		end++;
	if (*end == 'b' || *end == 'B')
		end++;
	if (*end || v > (unsigned long long)(INT64_MAX >> shift))
		return -1;
	*out = (int64_t)(v << shift);
	return 0;
}

const char *sf_param_value(const struct sf_param *p, int i)
{
	const char *name;

	if (!p->from)
		return i >= 0 && i < SF_MAX_VALUES ? p->values[i] : NULL;
	for (int k = 0; (name = p->from->name(k)); k++)
		if ((!p->from->keep || p->from->keep(k)) && i-- == 0)
			return name;
	return NULL;
}

static void allowed_values(const struct sf_param *p, char *buf, size_t len)
{
	size_t off = 0;
	const char *v;

	buf[0] = 0;
	for (int i = 0; (v = sf_param_value(p, i)); i++)
		off += snprintf(buf + off, off < len ? len - off : 0, "%s%s", i ? ", " : "", v);
}

static void fmt_range(const struct sf_param *p, char *buf, size_t len)
{
	if (p->type == SF_PT_SIZE)
		snprintf(buf, len, "a size from %" PRId64 " to %" PRId64
			 " bytes (suffixes k, m, g)", p->min, p->max);
	else
		snprintf(buf, len, "an integer from %" PRId64 " to %" PRId64,
			 p->min, p->max);
}

int sf_param_validate(const struct sf_param *p, const char *val,
		      char *err, size_t errlen)
{
	char what[512];
	int64_t v;

	switch (p->type) {
	case SF_PT_INT:
	case SF_PT_SIZE:
		fmt_range(p, what, sizeof(what));
		if ((p->type == SF_PT_INT ? sf_parse_int(val, &v) :
					    sf_parse_size(val, &v)) ||
		    v < p->min || v > p->max) {
			snprintf(err, errlen, "--%s: '%s' is not valid: expected %s",
				 p->name, val, what);
			return -1;
		}
		break;
	case SF_PT_ENUM:
		for (int i = 0; sf_param_value(p, i); i++)
			if (!strcmp(sf_param_value(p, i), val))
				goto extra;
		if (p->check) {
			if (!p->check(val, what, sizeof(what)))
				return 0;
			snprintf(err, errlen, "--%s: '%s' is not valid: %s", p->name, val, what);
			return -1;
		}
		allowed_values(p, what, sizeof(what));
		snprintf(err, errlen, "--%s: '%s' is not valid: allowed values are %s",
			 p->name, val, what);
		return -1;
	case SF_PT_STR:
		break;
	}
extra:
	if (p->check && p->type != SF_PT_ENUM && p->check(val, what, sizeof(what))) {
		snprintf(err, errlen, "--%s: '%s' is not valid: %s", p->name, val, what);
		return -1;
	}
	return 0;
}

/* Split a comma list in place; empty items are an error. */
static int split_list(char *s, char **items, int max, const char *name,
		      char *err, size_t errlen)
{
	int n = 0;
	char *save = NULL, *tok;
	size_t len = strlen(s);

	if (!len || s[0] == ',' || s[len - 1] == ',' || strstr(s, ",,")) {
		snprintf(err, errlen, "--%s: '%s' has an empty item: give values like a,b,c",
			 name, s);
		return -1;
	}
	for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ' || *tok == '\t')
			tok++;
		for (char *e = tok + strlen(tok); e > tok && (e[-1] == ' ' || e[-1] == '\t');)
			*--e = 0;
		if (!*tok) {
			snprintf(err, errlen, "--%s: empty item in list: give values like a,b,c", name);
			return -1;
		}
		if (n == max) {
			snprintf(err, errlen, "--%s: more than %d values in one list", name, max);
			return -1;
		}
		items[n++] = tok;
	}
	return n;
}

#define SF_MAX_LIST 64

struct axis {
	char *buf;
	char *items[SF_MAX_LIST];
	int n;
};

static int build_axes(const struct sf_param *p, int np, const struct sf_assign *a,
		      int na, struct axis *ax, char *err, size_t errlen)
{
	const char *given[SF_MAX_PARAMS] = { 0 };

	for (int i = 0; i < na; i++) {
		const struct sf_param *q = sf_param_find(p, a[i].name);

		if (!q) {
			snprintf(err, errlen, "unknown parameter --%s: see --help for the parameters of this benchmark",
				 a[i].name);
			return -1;
		}
		given[q - p] = a[i].value;
	}
	for (int i = 0; i < np; i++) {
		const char *v = given[i] ? given[i] : p[i].def;

		ax[i].buf = strdup(v ? v : "");
		if (!ax[i].buf)
			return -1;
		if (p[i].scalar || p[i].type == SF_PT_STR) {
			ax[i].items[0] = ax[i].buf;
			ax[i].n = 1;
		} else {
			ax[i].n = split_list(ax[i].buf, ax[i].items, SF_MAX_LIST,
					     p[i].name, err, errlen);
			if (ax[i].n < 0)
				return -1;
		}
		for (int j = 0; j < ax[i].n; j++)
			if (sf_param_validate(&p[i], ax[i].items[j], err, errlen))
				return -1;
	}
	return 0;
}

static int fill_points(const struct sf_param *p, int np, struct axis *ax,
		       struct sf_point *pts, int total)
{
	for (int k = 0; k < total; k++) {
		int rem = k;

		pts[k].params = p;
		pts[k].nparams = np;
		/* last parameter varies fastest: reads like nested loops */
		for (int i = np - 1; i >= 0; i--) {
			pts[k].val[i] = strdup(ax[i].items[rem % ax[i].n]);
			if (!pts[k].val[i])
				return -1;
			rem /= ax[i].n;
		}
	}
	return 0;
}

int sf_params_expand(const struct sf_param *p, const struct sf_assign *a,
		     int na, struct sf_point **points, char *err, size_t errlen)
{
	int np = sf_params_count(p), total = 1, ret = -1;
	struct axis ax[SF_MAX_PARAMS];

	memset(ax, 0, sizeof(ax));
	*points = NULL;
	if (build_axes(p, np, a, na, ax, err, errlen))
		goto out;
	for (int i = 0; i < np; i++) {
		total *= ax[i].n;
		if (total > 100000) {
			snprintf(err, errlen, "parameter matrix has more than 100000 points: shorten the lists");
			goto out;
		}
	}
	*points = calloc((size_t)total, sizeof(**points));
	if (!*points || fill_points(p, np, ax, *points, total)) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	ret = total;
out:
	for (int i = 0; i < np; i++)
		free(ax[i].buf);
	if (ret < 0 && *points) {
		sf_points_free(*points, total);
		*points = NULL;
	}
	return ret;
}

void sf_points_free(struct sf_point *pts, int n)
{
	for (int k = 0; pts && k < n; k++)
		for (int i = 0; i < pts[k].nparams; i++)
			free(pts[k].val[i]);
	free(pts);
}

int sf_point_copy(struct sf_point *dst, const struct sf_point *src)
{
	*dst = *src;
	for (int i = 0; i < src->nparams; i++)
		if (!(dst->val[i] = strdup(src->val[i])))
			return -1;
	return 0;
}

static int point_index(const struct sf_point *pt, const char *name)
{
	for (int i = 0; i < pt->nparams; i++)
		if (!strcmp(pt->params[i].name, name))
			return i;
	fprintf(stderr, "syncfault: internal error: no parameter '%s'\n", name);
	abort();
}

const char *sf_point_str(const struct sf_point *pt, const char *name)
{
	return pt->val[point_index(pt, name)];
}

int64_t sf_point_int(const struct sf_point *pt, const char *name)
{
	int i = point_index(pt, name);
	int64_t v = 0;

	if (pt->params[i].type == SF_PT_SIZE)
		sf_parse_size(pt->val[i], &v);
	else
		sf_parse_int(pt->val[i], &v);
	return v;
}

void sf_point_label(const struct sf_point *pt, const bool *vary,
		    char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = 0;
	for (int i = 0; i < pt->nparams; i++) {
		if (vary && !vary[i])
			continue;
		off += snprintf(buf + off, off < len ? len - off : 0, "%s%s=%s",
				off ? " " : "", pt->params[i].name, pt->val[i]);
	}
}
