/* SPDX-License-Identifier: MIT */
/*
 * Inside the suite config reader (run/suite_config.c reads the INI file,
 * suite_checks.c validates keys against the benchmarks' parameter tables,
 * suite_expand.c expands scenarios into runs with stable ids): what the
 * three share.  Not for use outside them: sf_config.h is the interface.
 */
#ifndef SF_SUITE_PARSE_H
#define SF_SUITE_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "sf_config.h"

/* A suite config is a page or two of text */
#define SF_CONFIG_MAX	(1u << 20)
#define MAX_SECTIONS	256
#define MAX_KEYS	64
#define MAX_REPEATS	1000
#define MAX_RUNS	100000
/* inih's own limits (ini.c): longer names are silently cut */
#define INI_NAME_MAX	50

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

void cfg_fail(struct parse *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool cfg_name_ok(const char *s);
struct kv *cfg_find_kv(struct section *s, const char *key);
const struct sf_bench *cfg_find_bench(struct parse *p, const char *name);
void cfg_bench_names(struct parse *p, char *buf, size_t len);
void cfg_param_names(const struct sf_param *q, char *buf, size_t len);
bool cfg_is_one_of(const char *s, const char *const *list);
int cfg_split(struct parse *p, const char *sec, const struct kv *kv,
	      char **buf, char **items, int max);
char *cfg_keep(struct sf_suite *s, const char *str);
int cfg_check_target(struct parse *p, struct sf_suite *s, const char *sec,
		     const struct kv *kv, const char **t);
int cfg_check_global(struct parse *p, struct section *g, struct sf_suite *s);
struct kv *cfg_merged(struct section *sec, struct section *g, const char *key);
const struct sf_bench *cfg_scenario_bench(struct parse *p, struct section *sec,
					  struct section *g);
int cfg_check_scenario(struct parse *p, struct section *sec, struct section *g,
		       const struct sf_bench *b);
int cfg_read_plan(struct parse *p, struct section *sec, struct section *g,
		  struct sf_run *x);
int cfg_check_attribute(struct parse *p, const char *sec, const struct kv *kv, bool *out);
int cfg_expand_scenario(struct parse *p, struct section *sec, struct section *g,
			const struct sf_bench *b, struct sf_suite *s);
int cfg_check_ids(struct parse *p, struct sf_suite *s);

#endif
