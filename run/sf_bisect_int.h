/* SPDX-License-Identifier: MIT */
/* Inside syncfault bisect (run/bisect*.c): the series, the rows, the candidates. */
#ifndef SF_BISECT_INT_H
#define SF_BISECT_INT_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

#include "sf_attrib.h"
#include "sf_bisect.h"
#include "sf_compare_rows.h"
#include "sf_result.h"

/* ---- the series (bisect_series.c, bisect_git.c) ---- */

struct sf_patch {
	char path[PATH_MAX];	/* the bisect's own copy, OUT/series/NNNN-*.patch */
	char subject[160];	/* its Subject:, first line of text, or file name */
	char id[48];		/* commit (abbreviated) or file name */
};

struct sf_series {
	char base[PATH_MAX];	/* kernel build's source: debian:6.12 or a tree */
	char base_desc[256];	/* "debian:6.12", "v6.12 0123456789ab of TREE" */
	struct sf_patch *p;
	int n;
};

/*
 * The series into OUT/series/: the patch files in order, and the index
 * OUT/series/series (quilt's format, each line's comment the patch's id
 * and subject).  A series already there (a resumed bisect) is read back.
 * 0, or an exit status with the error printed.
 */
int sf_series_load(const struct sf_bisect_opts *o, struct sf_series *s);
void sf_series_free(struct sf_series *s);
/* Add text as the series' next patch, written to OUT/series/NNNN-name. */
int sf_series_add_text(struct sf_series *s, const char *out, const char *text, size_t len,
		       const char *name, const char *id);
/* The series of a git range (bisect_git.c): sets base and base_desc too. */
int sf_git_series(const struct sf_bisect_opts *o, struct sf_series *s);
/* SYNCFAULT_CACHE (default ~/.cache/syncfault) / rel into buf. */
void sf_cache_path(const char *rel, char *buf, size_t len);

/* ---- the watched rows (bisect_watch.c) ---- */

#define SF_WATCH_MAX_KV	16

struct sf_watch {
	char spec[1024];	/* as given */
	char bench[32];
	char key[SF_WATCH_MAX_KV][32], val[SF_WATCH_MAX_KV][256];
	int nkv;
	char metric[64];	/* metric=NAME, or the benchmark's primary metric */
};

/*
 * --watch rows (parsed into w) or --config: the suite config text in *ini
 * (malloc'd), checked by the suite's loader; *timing the rounds' --timing
 * (NULL: none), clock what their times count ("icount", "real").  0, or
 * SF_EXIT_USAGE printed.
 */
int sf_watch_prepare(const struct sf_bisect_opts *o, struct sf_watch *w, int *nw, char **ini,
		     const char **timing, char *clock, size_t clen);
/* Is r a run of the watched row w (its benchmark, its parameters)? */
bool sf_watch_match(const struct sf_watch *w, const struct sf_result *r);
/* "fault mode=mapsync class=hole": w's keys, or those varying among all (w NULL). */
void sf_watch_name(const struct sf_watch *w, const struct sf_result *r,
		   const struct sf_result *all, int nall, char *buf, size_t len);

/* ---- what a comparison of two candidates says (bisect_measure.c) ---- */

struct sf_row_fx {
	char name[512];		/* "fault mode=mapsync class=hole (ext4-dax)" */
	char metric[64], unit[16];
	double base, new;	/* medians of the sides' repeats */
	bool lower;		/* lower is better (a time); higher (a rate) otherwise */
	struct sf_cmp_effect e;	/* the row as compare concludes it */
	char clock[320];	/* "emulated (qemu-tcg), real time" ...: what the times count */
	char phases[4][512];	/* attribution: the phases that moved */
	int nphases;
};

/* ---- candidates: built and measured (bisect_measure.c) ---- */

struct sf_cand {
	int k;			/* patches 1..k applied */
	bool built;
	char kernel[64];	/* built:KEY, the kernel cache's name */
	char desc[512];		/* what it was built from: source, patches, config hash */
	char mdir[PATH_MAX];	/* its measurements: the cache's */
	double build_s;		/* the kernel's build, when it was built */
	bool cached;		/* built before this bisect asked for it */
	double wait_s;		/* this bisect's time getting it built */
	double measure_s;	/* this bisect's time measuring it */
	int rounds_here;	/* rounds this bisect ran */
};

struct bisect;

/*
 * What the search and the walk ask of candidates: the real ones build and
 * measure (bisect_measure.c); the unit test's answer from a table.
 */
struct sf_cand_ops {
	int (*build)(struct bisect *b, int k);
	int (*rounds)(const struct bisect *b, int k);
	int (*measure)(struct bisect *b, const int *ks, int n, int want);
	int (*compare)(const struct bisect *b, int a, int k, struct sf_row_fx *rows, int max);
};

extern const struct sf_cand_ops sf_cand_real_ops;

struct bisect {
	const struct sf_bisect_opts *o;
	const struct sf_cand_ops *ops;
	struct sf_series s;
	struct sf_watch w[SF_BISECT_MAX_WATCH];
	int nw;			/* 0: the rows of a config */
	char watch_ini[PATH_MAX];
	char watch_id[48];	/* hash of the watch config, version and guest vCPUs, and the clock */
	const char *timing;	/* the rounds' suite --timing, or NULL */
	char clock[16];		/* what their times count: "icount", "real" */
	struct sf_cand *c;	/* s.n + 1 of them */
	FILE *log;		/* OUT/log.txt */
	double t0;
};

double sf_bisect_now(void);
/* Print to stdout and OUT/log.txt. */
void sf_bisect_say(struct bisect *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Build candidate k (kernel build; cached kernels cost nothing). 0, or an exit status. */
int sf_cand_build(struct bisect *b, int k);
/* Finished rounds of a candidate's measurements. */
int sf_cand_rounds(const struct bisect *b, int k);
/*
 * At least want rounds of each of the candidates ks[0..n-1], one round each
 * in turn, the order reversed every pass (A B, B A ...).  0, or an exit
 * status (130 interrupted).
 */
int sf_cand_measure(struct bisect *b, const int *ks, int n, int want);

#define SF_BISECT_MAX_ROWS	64

/* "88.3 us": a value of unit, ns shown as us or ms where they read better. */
void sf_value_text(double v, const char *unit, char *buf, size_t len);
/* The scale a figure of values like v shows them in: 1e3 and "us" for ns in the thousands. */
double sf_value_scale(double v, const char *unit, const char **shown);
/* "-11.4% [-11.5, -11.3]" with digits decimals; "no interval", "-" where there is none. */
void sf_effect_text(const struct sf_cmp_effect *e, int digits, char *buf, size_t len);

/*
 * Candidate a (base) against candidate k (new): one entry per watched row,
 * in the base's result order.  The count, or -1 (an error printed).
 */
int sf_cand_compare(const struct bisect *b, int a, int k, struct sf_row_fx *rows, int max);

/* "time: WHAT; N kernels built here (T), R rounds measured here (T); all T" */
void sf_bisect_times(FILE *f, const struct bisect *b, const char *what);
/* The search (bisect.c): the answer in OUT/bisect.txt; 0, 6 undecided, or an exit status. */
int sf_bisect_search(struct bisect *b);

/* ---- the walk (bisect_walk.c) ---- */

/* Measure every prefix, write OUT/walk.txt and one figure per row. */
int sf_bisect_walk(struct bisect *b);
/* --build-only: every candidate built (the walk's first half), each one's time said. */
int sf_bisect_build_all(struct bisect *b);

#endif
