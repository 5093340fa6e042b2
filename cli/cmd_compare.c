// SPDX-License-Identifier: MIT
/*
 * syncfault compare BASE NEW: pair the results of two runs and print, in
 * 80 columns that survive an email, what changed and whether it is more
 * than noise.  The statistics are in lib/results/compare.c (sf_compare.h explains
 * the method and the pairing key).
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sf_cmp_load.h"
#include "sf_compare.h"
#include "sf_compare_rows.h"
#include "sf_compare_text.h"
#include "sf_harness.h"
#include "sf_report.h"
#include "sf_result.h"
#include "sf_util.h"

struct side {
	struct sf_cmp_side c;	/* name, results, pairing keys */
	const char *path;
	const char *more[64];	/* more directories merged in (shards): --base/--new */
	int nmore;
	int nfiles;
};

struct opts {
	double noise;		/* --noise, NAN: each row's spread across runs */
	double fdr;
	bool ignore_target;
	bool auto_ignore;	/* ignore_target chosen because nothing paired */
	bool tsv;		/* --format tsv */
	const char *html;	/* --html FILE: compare.html */
};

/* ---- loading ---- */

/* A side: its directory and the ones merged into it (shards of one suite). */
static int load_side(struct side *s, char *err, size_t errlen)
{
	int ret = sf_cmp_side_load(&s->c, s->path, &s->nfiles, stderr, err, errlen);

	for (int i = 0; !ret && i < s->nmore; i++)
		ret = sf_cmp_side_load(&s->c, s->more[i], &s->nfiles, stderr, err, errlen);
	return ret;
}

static void free_side(struct side *s)
{
	sf_cmp_side_free(&s->c);
}

static void usage(void)
{
	printf("usage: syncfault compare [--noise PCT] [--fdr Q] [--ignore-target] [--format tsv] BASE NEW\n"
	       "       syncfault compare [options] --base DIR [--base DIR...] --new DIR [--new DIR...]\n"
	       "  BASE, NEW: results directories (searched recursively; each directory of\n"
	       "  results is one run, e.g. the rounds of an A/B run) or single result files.\n"
	       "  A row is tested with %d runs a side or more (syncfault ab --rounds N); with\n"
	       "  fewer its change is exploratory and never marked.\n"
	       "  --base DIR, --new DIR   more directories merged into that side (the\n"
	       "                    shards of a suite run with --shard K/N), repeatable\n"
	       "  --noise PCT       a fixed noise floor: changes within PCT%% are never\n"
	       "                    marked (default: each row's typical spread across runs)\n"
	       "  --fdr Q           false discovery rate over all tests (default %.2f; 0: off,\n"
	       "                    each test at 5%%)\n"
	       "  --ignore-target   pair across target kinds (tmpfs against ext4-dax)\n"
	       "  --format tsv      one tab-separated line per row instead of the table\n"
	       "  --html FILE       also the comparison as a page: marked rows, a forest plot,\n"
	       "                    every row (self-contained HTML)\n"
	       "exit status: 0 no significant regression, %d a significant regression\n"
	       "(or a run that failed only in NEW), %d bad input.\n",
	       SF_MIN_RUNS, SF_FDR_DEFAULT, SF_EXIT_REGRESSION, SF_EXIT_USAGE);
}

static int parse(int argc, char **argv, struct opts *o, struct side *b, struct side *n)
{
	static const struct option lo[] = {
		{ "noise", required_argument, NULL, 'n' },
		{ "ignore-target", no_argument, NULL, 'i' },
		{ "fdr", required_argument, NULL, 'f' },
		{ "base", required_argument, NULL, 'B' },
		{ "new", required_argument, NULL, 'N' },
		{ "format", required_argument, NULL, 'F' },
		{ "html", required_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	char *end;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'n':
			o->noise = strtod(optarg, &end);
			if (*end || end == optarg || !(o->noise >= 0 && o->noise < 100))
				return sf_usage_error("--noise: '%s' is not valid: a percentage from 0 to 100", optarg);
			break;
		case 'i':
			o->ignore_target = true;
			break;
		case 'F':
			if (strcmp(optarg, "text") && strcmp(optarg, "tsv"))
				return sf_usage_error("--format: '%s' is not a format: text or tsv", optarg);
			o->tsv = !strcmp(optarg, "tsv");
			break;
		case 'H':
			if (o->html)
				return sf_usage_error("--html given twice: one page per comparison");
			o->html = optarg;
			break;
		case 'f':
			o->fdr = strtod(optarg, &end);
			if (*end || end == optarg || !(o->fdr >= 0 && o->fdr < 1))
				return sf_usage_error("--fdr: '%s' is not valid: a rate from 0 (off) to below 1", optarg);
			break;
		case 'B':
		case 'N': {
			struct side *s = c == 'B' ? b : n;

			if (s->nmore >= (int)(sizeof(s->more) / sizeof(s->more[0])))
				return sf_usage_error("--%s given too often: at most %zu directories a side",
						      s->c.name, sizeof(s->more) / sizeof(s->more[0]));
			s->more[s->nmore++] = optarg;
			break;
		}
		case 'h':
			usage();
			return -1;
		default:
			return sf_getopt_error("compare", argv);
		}
	}
	if (argc - optind == 2) {
		b->path = argv[optind];
		n->path = argv[optind + 1];
		return 0;
	}
	if (argc - optind != 0 || !b->nmore || !n->nmore)
		return sf_usage_error("compare takes two arguments, BASE and NEW (or --base DIR... --new DIR...): see syncfault compare --help");
	/* the first --base/--new is the side's name */
	b->path = b->more[0];
	n->path = n->more[0];
	memmove(b->more, b->more + 1, --b->nmore * sizeof(b->more[0]));
	memmove(n->more, n->more + 1, --n->nmore * sizeof(n->more[0]));
	return 0;
}

/* The whole report, once, from the rows with their marks already decided. */
static void print_report(struct side *b, struct side *n, const struct opts *o,
			 const struct sf_cmp *c)
{
	struct sf_cmp_text_side tb = { &b->c, b->path, b->nmore, b->nfiles };
	struct sf_cmp_text_side tn = { &n->c, n->path, n->nmore, n->nfiles };
	struct sf_cmp_text_opts to = { o->fdr, o->ignore_target, o->auto_ignore };

	if (o->tsv)
		sf_cmp_tsv(stdout, c);
	else
		sf_cmp_text(stdout, &tb, &tn, &to, c);
}

/* Pair by target kind too, unless that pairs nothing and each side has one. */
static int pair_sides(struct side *b, struct side *n, struct opts *o, struct sf_cmp_keys *k)
{
	if (sf_cmp_make_keys(k, &b->c, &n->c, !o->ignore_target))
		return -1;
	if (!sf_cmp_count_pairs(&b->c, &n->c) && !o->ignore_target &&
	    sf_cmp_single_target(&b->c) && sf_cmp_single_target(&n->c)) {
		o->ignore_target = o->auto_ignore = true;
		if (sf_cmp_make_keys(k, &b->c, &n->c, false))
			return -1;
	}
	return sf_cmp_count_pairs(&b->c, &n->c);
}

static int write_html(const struct side *b, const struct side *n, const struct opts *o,
		      const struct sf_cmp *c)
{
	struct sf_cmp_page pg = { b->path, n->path, o->noise, o->fdr };
	char err[1024];

	if (!sf_compare_html(o->html, &pg, c, err, sizeof(err)))
		return 0;
	sf_error("%s", err);
	return -1;
}

int cmd_compare(int argc, char **argv)
{
	struct opts o = { .noise = NAN, .fdr = SF_FDR_DEFAULT };
	struct side b = { .c.name = "base" }, n = { .c.name = "new" };
	struct sf_cmp_keys keys = { 0 };
	struct sf_cmp c = { 0 };
	char err[1024];
	int ret = SF_EXIT_USAGE, rc;

	rc = parse(argc, argv, &o, &b, &n);
	if (rc)
		return rc < 0 ? SF_EXIT_OK : rc;
	if (o.html && sf_out_path_check(o.html, "--html", err, sizeof(err)))
		return sf_usage_error("%s", err);
	if (load_side(&b, err, sizeof(err)) || load_side(&n, err, sizeof(err))) {
		sf_usage_error("%s", err);
		goto out;
	}
	rc = pair_sides(&b, &n, &o, &keys);
	if (!rc) {
		sf_usage_error("nothing to compare: no result in %s has the benchmark and parameters%s of one in %s",
			       n.path, o.ignore_target ? "" : " and target kind (--ignore-target pairs across targets)",
			       b.path);
		goto out;
	}
	/* rows, then the FDR cut over all of them, then one print */
	if (rc < 0 || sf_cmp_build(&b.c, &n.c, o.noise, o.fdr, &c)) {
		sf_usage_error("out of memory");
		goto out;
	}
	print_report(&b, &n, &o, &c);
	if (o.html && write_html(&b, &n, &o, &c)) {
		ret = SF_EXIT_ERROR;
		goto out;
	}
	ret = c.t.worse || c.t.shared_worse || c.t.status_worse ? SF_EXIT_REGRESSION : SF_EXIT_OK;
out:
	sf_cmp_free(&c);
	sf_cmp_keys_free(&keys, &b.c, &n.c);
	free_side(&b);
	free_side(&n);
	return ret;
}
