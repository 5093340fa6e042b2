/* SPDX-License-Identifier: MIT */
/*
 * syncfault ab: one suite config on side A and side B, interleaved for N
 * rounds (A B, B A, A B ...: drift of the machine over time, or what the
 * first run of a round leaves behind, cannot look like a difference
 * between A and B), then every A round compared with every B round.
 * Sides differ by guest kernel, by a setup command run before each of
 * their rounds, or not at all (A/A: the noise).
 *
 * OUT/LABEL/round-N/ is one suite results directory per round and side;
 * OUT/kernels.txt says what each side booted, OUT/compare.txt is it and
 * the comparison, OUT/report.txt the report of both sides' rounds.  The
 * same command with the same OUT continues an interrupted A/B: finished
 * rounds are kept, a round cut short resumes (suite --resume).
 */
#ifndef SF_AB_H
#define SF_AB_H

#include <stdbool.h>
#include <stddef.h>

/* One side: what its rounds run on. */
struct sf_ab_side {
	const char *label;	/* its rounds go to OUT/LABEL/round-N/ */
	const char *kernel;	/* guest kernel SPEC; NULL: the default */
	const char *modules;	/* modules of a bzImage kernel, or NULL */
	const char *setup;	/* shell command before each round, or NULL */
};

struct sf_ab_opts {
	const char *config;
	const char *out;	/* NULL: results/ab-<time> */
	struct sf_ab_side side[2];
	bool aa;		/* side B is side A again */
	int rounds;		/* per side */
	const char *noise;	/* compare's --noise, or NULL */
	const char *timing;	/* the guests' clock (suite --timing), or NULL */
	bool timing_chosen;	/* timing is the default for TCG guests, not given */
	bool guests;		/* the config has guest runs */
	char out_buf[64];
	char label_b[64];
};

#define SF_AB_MAX_ROUNDS	100

/*
 * Everything the user gave, checked before anything runs or is created:
 * labels, rounds, noise, modules, kernels (scripts/vm/kernel says what is
 * wrong with a name) and the config (suite --list says where).  Fills in
 * what --aa and the defaults imply.  0, or SF_EXIT_USAGE with the one-line
 * error printed.  With only_options, nothing is asked of another process
 * (the argument fuzzer).
 */
int sf_ab_check(struct sf_ab_opts *o, bool only_options);

/*
 * The guests' clock of a suite config's rounds when none is given: icount
 * where the config has guest runs that will run on TCG (KVM does not run
 * kernel, NULL: the default one, here) and does not set timing = itself: a
 * kernel A/B on an emulated machine counts instructions, the same on every
 * boot; else NULL (the suite's own, real time).  -1 when both the config's
 * timing = key and given are set (the suite would refuse it); given is
 * returned otherwise.
 */
struct sf_suite;
int sf_ab_timing(const struct sf_suite *cfg, const char *given, const char *kernel,
		 const char **timing);
/* The words for the clock chosen: "icount (the default for TCG guests: ...)". */
void sf_ab_timing_words(const char *timing, bool chosen, char *buf, size_t len);

/* Run the rounds, compare, report: compare's exit status (0, 5), 2, 130. */
int sf_ab_run(const struct sf_ab_opts *o);

/*
 * One round of a suite config into dir for a side (its kernel, modules and
 * setup command), with the suite's --label label: nothing when dir holds a
 * finished round, suite --resume when it holds an unfinished one.  The
 * suite's exit status (0 for a round done before); -1 when the setup
 * command failed or the suite could not be started.
 */
int sf_ab_round(const char *config, const char *dir, const char *label,
		const struct sf_ab_side *s, const char *timing);

/* Does dir hold a finished round (env.json: suite.interrupted false)? */
bool sf_ab_round_done(const char *dir);

/*
 * "debian:6.12 = debian:6.12.118+deb12, release 6.12.118 (debian ...)": what
 * the guests of the round in dir booted (from its guest timing files), or
 * the host kernel where no guest ran.  asked: the SPEC given, or NULL.
 */
void sf_ab_booted(const char *dir, const char *asked, char *buf, size_t len);

#endif
