/* SPDX-License-Identifier: MIT */
/*
 * Benchmark parameters: each benchmark declares a table of these; the
 * library parses, validates, fills in defaults and expands comma lists into
 * a matrix of points.  Benchmarks only ever read validated values.
 */
#ifndef SF_PARAMS_H
#define SF_PARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sf_ptype {
	SF_PT_INT,	/* integer in [min, max] */
	SF_PT_SIZE,	/* bytes, suffixes k/m/g (binary), in [min, max] */
	SF_PT_ENUM,	/* one of values[] */
	SF_PT_STR,	/* free text, checked by check() when given */
};

#define SF_MAX_PARAMS	24
#define SF_MAX_VALUES	16

/*
 * Allowed values taken from a table instead of typed again: entry i's
 * name (NULL past the end) and, optionally, which entries to offer.
 */
struct sf_param_table {
	const char *(*name)(int i);
	bool (*keep)(int i);		/* NULL: every entry */
};

struct sf_param {
	const char *name;
	enum sf_ptype type;
	const char *def;		/* default, as text */
	int64_t min, max;		/* INT and SIZE */
	const char *values[SF_MAX_VALUES];	/* ENUM, NULL-terminated */
	const struct sf_param_table *from;	/* ENUM: values from a table instead */
	const char *help;
	/* optional "param=value": this parameter applies only where param has that value */
	const char *applies;
	bool scalar;			/* refuses comma lists */
	/* extra validation: return 0, or -1 with err filled ("expected ...") */
	int (*check)(const char *val, char *err, size_t errlen);
};

/* One point of a parameter matrix: a value for every declared parameter. */
struct sf_point {
	const struct sf_param *params;
	int nparams;
	char *val[SF_MAX_PARAMS];
};

struct sf_assign {
	const char *name;
	const char *value;	/* possibly a comma list */
};

int sf_params_count(const struct sf_param *p);
/* Allowed value i of an ENUM parameter (from values or its table), NULL past the end. */
const char *sf_param_value(const struct sf_param *p, int i);
const struct sf_param *sf_param_find(const struct sf_param *p, const char *name);
/* Validate one (non-list) value; err gets "--name: ... (allowed: ...)". */
int sf_param_validate(const struct sf_param *p, const char *val,
		      char *err, size_t errlen);
int sf_parse_size(const char *s, int64_t *out);
int sf_parse_int(const char *s, int64_t *out);

/*
 * Expand assignments (later ones override earlier ones) into the cartesian
 * product of their comma lists, defaults for the rest.  Returns the number of
 * points, or -1 with a one-line message in err.
 */
int sf_params_expand(const struct sf_param *p, const struct sf_assign *a,
		     int na, struct sf_point **points, char *err, size_t errlen);
void sf_points_free(struct sf_point *pts, int n);
int sf_point_copy(struct sf_point *dst, const struct sf_point *src);

const char *sf_point_str(const struct sf_point *pt, const char *name);
int64_t sf_point_int(const struct sf_point *pt, const char *name);
/* "k=v k=v" for the varying keys of a matrix, or all keys if vary==NULL */
void sf_point_label(const struct sf_point *pt, const bool *vary,
		    char *buf, size_t len);

#endif
