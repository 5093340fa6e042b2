// SPDX-License-Identifier: MIT
/*
 * syncfault compare BASE NEW: pair the results of two runs and print, in
 * 80 columns that survive an email, what changed and whether it is more
 * than noise.  The statistics are in lib/results/compare.c (sf_compare.h explains
 * the method and the pairing key).
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sf_attrib.h"
#include "cli.h"
#include "sf_compare.h"
#include "sf_cmp_load.h"
#include "sf_compare_rows.h"
#include "sf_harness.h"
#include "sf_result.h"
#include "sf_util.h"
#include "sf_walk.h"

#define WIDTH	SF_TEXT_WIDTH

/* Where the report goes: the one pass prints to stdout. */
static FILE *out;

struct side {
	struct sf_cmp_side c;	/* name, results, pairing keys */
	const char *path;
	const char *more[64];	/* more directories merged in (shards): --base/--new */
	int nmore;
	int nfiles;
};

struct opts {
	double noise, fdr;
	bool ignore_target;
	bool auto_ignore;	/* ignore_target chosen because nothing paired */
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

/* ---- text helpers ---- */

/* Everything compare prints goes to out (sf_wrap: 80 columns). */
static void wrap(const char *first, int indent, const char *text)
{
	sf_wrap(out, first, indent, text);
}

static void fmt_value(double v, const char *unit, char *buf, size_t len)
{
	if (!strcmp(unit, "ns")) {
		sf_fmt_value(v, unit, buf, len);
		return;
	}
	if (!isfinite(v))
		snprintf(buf, len, "-");
	else if (fabs(v) >= 1e9)
		snprintf(buf, len, "%.3gG", v / 1e9);
	else if (fabs(v) >= 1e6)
		snprintf(buf, len, "%.3gM", v / 1e6);
	else if (fabs(v) >= 1e4)
		snprintf(buf, len, "%.3gk", v / 1e3);
	else
		snprintf(buf, len, "%.4g", v);
}

static void fmt_pct(double v, char *buf, size_t len)
{
	if (fabs(v) < 0.05)
		v = 0;		/* no "-0.0%" */
	if (!isfinite(v))
		snprintf(buf, len, "-");
	else if (fabs(v) < 100)
		snprintf(buf, len, "%+.1f%%", v);
	else
		snprintf(buf, len, "%+.0f%%", v);
}

static void fmt_ci(const struct sf_change *c, char *buf, size_t len)
{
	char lo[16], hi[16];

	if (!c->has_ci) {
		snprintf(buf, len, "n/a: n=%d/%d", c->nbase, c->nnew);
		return;
	}
	if (isnan(c->lo)) {
		snprintf(buf, len, "%s", c->excludes_zero ? "excl. 0" : "incl. 0");
		return;
	}
	fmt_pct(c->lo, lo, sizeof(lo));
	fmt_pct(c->hi, hi, sizeof(hi));
	lo[strlen(lo) - 1] = hi[strlen(hi) - 1] = 0;	/* no % signs: width */
	snprintf(buf, len, "[%s, %s]", lo, hi);
}

/* ---- environment ---- */

static const char *env_str(const struct sf_result *r, const char *a, const char *b)
{
	json_object *o = r->env, *v;

	if (!o || !json_object_object_get_ex(o, a, &v))
		return "";
	if (b && (!json_object_is_type(v, json_type_object) ||
		  !json_object_object_get_ex(v, b, &v)))
		return "";
	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
}

enum env_field { E_KERNEL, E_CMDLINE, E_CPU, E_HYPERVISOR, E_TARGET, E_THP, E_VERSION, E_N };

static const char *const env_names[E_N] = {
	"kernel", "cmdline", "CPU", "hypervisor", "target", "THP", "syncfault",
};

static void env_value(const struct sf_result *r, enum env_field f, char *buf, size_t len)
{
	char tk[64];

	switch (f) {
	case E_KERNEL:
		snprintf(buf, len, "%s", r->target.kernel[0] ? r->target.kernel : env_str(r, "kernel", NULL));
		break;
	case E_CMDLINE:
		snprintf(buf, len, "%s", env_str(r, "cmdline", NULL));
		break;
	case E_CPU:
		snprintf(buf, len, "%s", env_str(r, "cpu", "model"));
		break;
	case E_HYPERVISOR:
		snprintf(buf, len, "%s", env_str(r, "hypervisor", NULL));
		break;
	case E_TARGET:
		sf_target_key(&r->target, tk, sizeof(tk));
		snprintf(buf, len, "%s%s%s%s", tk, r->target.map_sync ? " map_sync" : "",
			 r->target.emulated[0] ? " emulated:" : "", r->target.emulated);
		break;
	case E_THP:
		snprintf(buf, len, "%s", env_str(r, "thp", NULL));
		break;
	default:
		snprintf(buf, len, "%s", r->version);
	}
}

/* "a; b" of the distinct values of a field over one side. */
static void env_values(const struct side *s, enum env_field f, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = 0;
	for (int i = 0; i < s->c.nres; i++) {
		char v[1024];
		bool seen = false;

		env_value(&s->c.res[i], f, v, sizeof(v));
		for (int j = 0; j < i && !seen; j++) {
			char w[1024];

			env_value(&s->c.res[j], f, w, sizeof(w));
			seen = !strcmp(v, w);
		}
		if (!seen)
			off += snprintf(buf + off, off < len ? len - off : 0, "%s%s",
					off ? "; " : "", v[0] ? v : "(not recorded)");
	}
}

static void print_env(const struct side *b, const struct side *n)
{
	bool any = false;

	fprintf(out, "Environment differences (what differs between the two sides):\n");
	for (int f = 0; f < E_N; f++) {
		char bv[4096], nv[4096], line[128];

		env_values(b, f, bv, sizeof(bv));
		env_values(n, f, nv, sizeof(nv));
		if (!strcmp(bv, nv))
			continue;
		any = true;
		fprintf(out, "  %s\n", env_names[f]);
		snprintf(line, sizeof(line), "    base: ");
		wrap(line, 10, bv);
		snprintf(line, sizeof(line), "    new:  ");
		wrap(line, 10, nv);
	}
	if (!any)
		fprintf(out, "  none in kernel, cmdline, CPU, hypervisor, target, THP, version\n");
	fprintf(out, "\n");
}

/* ---- pairing and the table ---- */

/* Do values of param k differ among this bench's results on either side? */
static bool param_varies_scan(const struct side *b, const struct side *n,
			      const char *bench, const char *k)
{
	const char *first = NULL;

	return sf_param_varies(b->c.res, b->c.nres, bench, k, NULL, NULL, &first) ||
	       sf_param_varies(n->c.res, n->c.nres, bench, k, NULL, NULL, &first);
}

/*
 * Asked for every param of every row: remembered, so that a table of many
 * rows is not quadratic in the results.
 */
static bool param_varies(const struct side *b, const struct side *n,
			 const char *bench, const char *k)
{
	static struct { const struct side *b, *n; char bench[32], k[64]; bool v; } memo[512];
	static int nmemo;

	for (int i = 0; i < nmemo; i++)
		if (memo[i].b == b && memo[i].n == n && !strcmp(memo[i].bench, bench) &&
		    !strcmp(memo[i].k, k))
			return memo[i].v;
	if (nmemo == 512)
		return param_varies_scan(b, n, bench, k);
	memo[nmemo].b = b;
	memo[nmemo].n = n;
	snprintf(memo[nmemo].bench, sizeof(memo[0].bench), "%s", bench);
	snprintf(memo[nmemo].k, sizeof(memo[0].k), "%s", k);
	memo[nmemo].v = param_varies_scan(b, n, bench, k);
	return memo[nmemo++].v;
}

static void describe(const struct side *b, const struct side *n, const struct sf_result *r,
		     const struct sf_result *other, char *buf, size_t len)
{
	size_t off = snprintf(buf, len, "%s", r->bench);
	char t1[64], t2[64];

	for (int i = 0; i < r->nparams; i++)
		if (strcmp(r->params[i].k, "repeats") &&
		    param_varies(b, n, r->bench, r->params[i].k))
			off += snprintf(buf + off, off < len ? len - off : 0, " %s=%s",
					r->params[i].k, r->params[i].v);
	sf_target_key(&r->target, t1, sizeof(t1));
	if (other) {
		sf_target_key(&other->target, t2, sizeof(t2));
		if (strcmp(t1, t2)) {
			snprintf(buf + off, off < len ? len - off : 0, " [%s -> %s]", t1, t2);
			return;
		}
	}
	/* which emulator: qemu-tcg and qemu-kvm figures are not alike */
	snprintf(buf + off, off < len ? len - off : 0, " [%s%s%s]", t1,
		 r->target.emulated[0] ? ", emulated " : "", r->target.emulated);
}

/* A row without a mark says how small a change it could have seen. */
static const char *mark(const struct sf_change *c, bool confirmed, char *buf, size_t len)
{
	switch (c->verdict) {
	case SF_BETTER:
		return confirmed ? "better" : "b?";
	case SF_WORSE:
		return confirmed ? "WORSE" : "w?";
	default:
		if (!isfinite(c->detectable))
			return c->diagnostic ? "diag" : "";
		if (c->detectable >= 100)
			return "blind";
		snprintf(buf, len, c->detectable < 9.95 ? "<%.1f%%" : "<%.0f%%", c->detectable);
		return buf;
	}
}

/*
 * The metric column: the name with its unit where both fit in LABEL_W
 * (ns values carry their own unit).  A longer name is never cut (its end
 * tells _idle from _loaded, _per_update from _per_batch): it gets a line
 * of its own above its numbers, the unit with it where that fits in 80.
 */
#define LABEL_W	23

static bool metric_label(const char *name, const char *unit, char *buf, size_t len)
{
	size_t n = strlen(name);
	bool with_unit = strcmp(unit, "ns") && unit[0];

	if (with_unit && n + strlen(unit) + 3 <= LABEL_W)
		snprintf(buf, len, "%s (%s)", name, unit);
	else if (n <= LABEL_W)
		snprintf(buf, len, "%s", name);
	else if (with_unit && n + strlen(unit) + 5 <= WIDTH)
		snprintf(buf, len, "%s (%s)", name, unit);
	else
		snprintf(buf, len, "%s", name);
	return n <= LABEL_W;
}

static void print_row(const char *name, const char *unit, const struct sf_change *c,
		      bool confirmed)
{
	char label[256], bv[24], nv[24], pct[16], ci[32], mk[16];

	if (!metric_label(name, unit, label, sizeof(label))) {
		fprintf(out, "  %s\n", label);	/* whole, on its own line */
		label[0] = '\0';
	}
	fmt_value(c->base, unit, bv, sizeof(bv));
	fmt_value(c->new, unit, nv, sizeof(nv));
	fmt_pct(c->pct, pct, sizeof(pct));
	if (isnan(c->pct) && c->excludes_zero)
		snprintf(pct, sizeof(pct), "from 0");
	fmt_ci(c, ci, sizeof(ci));
	/* 2 + 23 + 1 + 10 + 1 + 10 + 1 + 8 + 1 + 16 + 1 + 6 = 80 */
	fprintf(out, "  %-*.*s %10.10s %10.10s %8.8s %-16.16s %s\n", LABEL_W, LABEL_W,
	       label, bv, nv, pct, ci, mark(c, confirmed, mk, sizeof(mk)));
}

static void print_unpaired(struct side *s, struct side *b, struct side *n,
			   const struct opts *o)
{
	bool head = false;

	for (int i = 0; i < s->c.nres; i++) {
		char d[2048];
		bool dup = false;

		if (s->c.paired[i])
			continue;
		for (int j = 0; j < i && !dup; j++)
			dup = !s->c.paired[j] && s->c.keys[i] == s->c.keys[j];
		if (dup)
			continue;
		if (!head)
			fprintf(out, "\nOnly in %s (nothing in %s with the same benchmark, parameters%s):\n",
			       s->c.name, s == b ? "new" : "base", o->ignore_target ? "" : ", target");
		head = true;
		describe(b, n, &s->c.res[i], NULL, d, sizeof(d));
		wrap("  ", 4, d);
	}
}

static void print_header(const struct side *b, const struct side *n, const struct opts *o,
			 int nrows)
{
	char text[1024];

	fprintf(out, "syncfault compare\n");
	snprintf(text, sizeof(text), "%s%s (%d results in %d files)", b->path,
		 b->nmore ? " and more" : "", b->c.nres, b->nfiles);
	wrap("  base: ", 8, text);
	snprintf(text, sizeof(text), "%s%s (%d results in %d files)", n->path,
		 n->nmore ? " and more" : "", n->c.nres, n->nfiles);
	wrap("  new:  ", 8, text);
	wrap("change  ", 8, "new vs base in %, positive = better (a lower time, a higher rate): "
	     "the Hodges-Lehmann estimate, the median of all pairwise new/base ratios of the "
	     "per-repeat values (it can differ from the ratio of the medians shown when "
	     "repeats are bimodal)");
	wrap("95% CI  ", 8, "its exact Mann-Whitney interval (normal approximation for large "
	     "samples); the repeats of results with the same key are pooled");
	if (o->fdr > 0)
		snprintf(text, sizeof(text), "WORSE/better where the CI excludes 0, |change| > the "
			 "noise floor %.1f%% and the row is a discovery at a false discovery rate of "
			 "%g%% over all %d rows (Benjamini-Hochberg); a row's p-value is the Mann-Whitney "
			 "p of the pooled repeats or, where both sides have 3 or more rounds "
			 "(syncfault ab), that of the rounds test (runs, not repeats, are independent): "
			 "a t-test on the rounds' log-medians whose variance is moderated toward what "
			 "rows of its target kind that vary alike within a run vary by across runs "
			 "(limma-trend's empirical Bayes; never moderated down); with several rounds the "
			 "change must also show (the same way, beyond the floor) in every round; w?/b?: "
			 "the CI excludes 0 but one of the other conditions does not hold",
			 o->noise, o->fdr * 100, nrows);
	else
		snprintf(text, sizeof(text), "WORSE/better where the CI excludes 0 and |change| > "
			 "the noise floor %.1f%% (--fdr 0: no correction for the %d rows compared) "
			 "and, where both sides have several rounds, the change shows (the same way, "
			 "beyond the floor) in every round; w?/b?: the CI excludes 0 but the change "
			 "does not show in every round",
			 o->noise, nrows);
	wrap("mark    ", 8, text);
	wrap("<X%     ", 8, "in the mark column of an unmarked row: the smallest change that row "
	     "would have marked with 80% power, from the spread and number of its repeats "
	     "or, with rounds, of its rounds (never below the noise floor): no change reads "
	     "as less than X%; blind: not even a change of 100% would have been");
	if (o->ignore_target)
		wrap("pairing ", 8, o->auto_ignore ?
		     "by benchmark and parameters only: each side has a single target kind and "
		     "none paired with it" : "by benchmark and parameters only (--ignore-target)");
	else
		wrap("pairing ", 8, "by benchmark, parameters and target kind (fs, DAX)");
	fprintf(out, "\n");
}

static void usage(void)
{
	printf("usage: syncfault compare [--noise PCT] [--fdr Q] [--ignore-target] BASE NEW\n"
	       "       syncfault compare [options] --base DIR [--base DIR...] --new DIR [--new DIR...]\n"
	       "  BASE, NEW: results directories (searched recursively; repeats of\n"
	       "  results with the same benchmark, parameters and target are pooled,\n"
	       "  e.g. the rounds of an A/B run) or single result files.\n"
	       "  --base DIR, --new DIR   more directories merged into that side (the\n"
	       "                    shards of a suite run with --shard K/N), repeatable\n"
	       "  --noise PCT       changes within PCT%% are never marked (default %.1f)\n"
	       "  --fdr Q           false discovery rate over all rows (default %.2f; 0: off,\n"
	       "                    mark every row whose CI excludes 0)\n"
	       "  --ignore-target   pair across target kinds (tmpfs against ext4-dax)\n"
	       "exit status: 0 no significant regression, %d a significant regression\n"
	       "(or a run that failed only in NEW), %d bad input.\n",
	       SF_NOISE_DEFAULT, SF_FDR_DEFAULT, SF_EXIT_REGRESSION, SF_EXIT_USAGE);
}

static int parse(int argc, char **argv, struct opts *o, struct side *b, struct side *n)
{
	static const struct option lo[] = {
		{ "noise", required_argument, NULL, 'n' },
		{ "ignore-target", no_argument, NULL, 'i' },
		{ "fdr", required_argument, NULL, 'f' },
		{ "base", required_argument, NULL, 'B' },
		{ "new", required_argument, NULL, 'N' },
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

/*
 * Extra lines under a row: the kernel phases that moved go under the first
 * marked row of a pair (one attribution a pair, so shown once).
 */
static void print_row_extra(const struct sf_cmp_pair *p, const struct sf_cmp_row *r,
			    bool *phases_shown)
{
	if (!r->marked || *phases_shown)
		return;
	*phases_shown = true;
	for (int i = 0; i < p->ndelta; i++) {
		const struct sf_attrib_delta *d = &p->delta[i];
		char line[512], head[64];

		sf_attrib_delta_line(d, line, sizeof(line));
		snprintf(head, sizeof(head), "    %s phases %+.0f%%:", sf_ev_kind_name(d->kind),
			 100 * (d->new_us / d->base_us - 1));
		wrap(head, 6, line);
	}
	if (p->roles) {
		char line[512];

		sf_attrib_roles_delta_line(&p->roles_b, &p->roles_n, line, sizeof(line));
		if (line[0])
			wrap("    roles:", 6, line);
	}
}

/* A pair that has no rows: it failed on one side. */
static void print_failed_pair(const struct sf_cmp_pair *p)
{
	char text[700];

	if (p->state == SF_PAIR_FAILED_NEW) {
		snprintf(text, sizeof(text), "%s in new, ok in base: %s",
			 sf_status_name(p->bad->status), p->bad->reason);
		wrap("  WORSE:", 4, text);
		return;
	}
	snprintf(text, sizeof(text), "%s in %s: %s", sf_status_name(p->bad->status),
		 p->bad_in_base ? "base" : "new", p->bad->reason);
	wrap("  not compared:", 4, text);
}

static void print_pair(const struct side *b, const struct side *n, const struct sf_cmp_pair *p)
{
	bool phases_shown = false;
	char title[2048];

	describe(b, n, p->rb, p->rn, title, sizeof(title));
	fprintf(out, "\n");
	wrap("", 2, title);
	if (p->state != SF_PAIR_OK) {
		print_failed_pair(p);
		return;
	}
	for (int i = 0; i < p->nrows; i++) {
		const struct sf_cmp_row *r = &p->rows[i];

		if (r->kind == SF_ROW_NOT_NUMBER) {
			fprintf(out, "  %-23.23s not compared: a repeat value is not a number\n",
				r->metric);
			continue;
		}
		print_row(r->metric, r->unit, &r->c, r->confirmed);
		if (r->kind == SF_ROW_COMPARED)
			print_row_extra(p, r, &phases_shown);
	}
	if (p->only_base[0])
		wrap("  only in base:", 4, p->only_base);
	if (p->only_new[0])
		wrap("  only in new:", 4, p->only_new);
	for (int i = 0; i < p->nchecks; i++) {
		char line[64], text[512];

		snprintf(line, sizeof(line), "  ! check failed in %s:", p->checks[i].side);
		snprintf(text, sizeof(text), "%s: %s", p->checks[i].check->name,
			 p->checks[i].check->detail);
		wrap(line, 4, text);
	}
}

static void print_summary(const struct sf_cmp_tally *t)
{
	char text[1024];

	snprintf(text, sizeof(text),
		 "Summary: %d metrics in %d pairs: %d significantly worse, %d significantly better, "
		 "%d without a significant change, %d with a CI excluding 0 but not confirmed "
		 "(w?/b?; %d of them not shown in every round), %d without a 95%% CI "
		 "(too few repeats)%s; %d of the %d rows could detect a 5%% change.",
		 t->metrics, t->pairs, t->worse, t->better, t->same, t->unconfirmed,
		 t->round_disagree, t->no_ci,
		 t->status_worse ? "; runs that failed only in new: see WORSE above" : "",
		 t->detect5, t->metrics);
	wrap("", 0, text);
	if (t->ncv_run)
		snprintf(text, sizeof(text), "Variation in base: across the repeats of one run, median cv %.1f%% (%d rows); "
			 "across runs of the same point (rounds), median cv %.1f%% (%d rows): the second is what "
			 "running the command again would see.",
			 100 * t->cv_rep, t->ncv_rep, 100 * t->cv_run, t->ncv_run);
	else if (t->ncv_rep)
		snprintf(text, sizeof(text), "Variation in base: across the repeats of one run, median cv %.1f%% (%d rows); "
			 "no across-run cv (one run per point: syncfault ab --rounds gives several); "
			 "a second run of the same command varies more than its repeats.",
			 100 * t->cv_rep, t->ncv_rep);
	if (t->ncv_rep)
		wrap("", 0, text);
}

/* What the rounds test learned from the rows of each target kind (sf_compare.h). */
static void print_prior(const char *name, const struct sf_rounds_prior *pr)
{
	char text[512];

	if (!pr->rows)
		return;
	if (pr->rows < SF_PRIOR_MIN_ROWS)
		snprintf(text, sizeof(text), "%s: %d row%s with spread across rounds, too few for a "
			 "shared prior: each row's own t-test (few degrees of freedom, little power).",
			 name, pr->rows, pr->rows == 1 ? "" : "s");
	else if (isinf(pr->d0))
		snprintf(text, sizeof(text), "%s: the %d rows' round-to-round variances are consistent "
			 "with one, cv %.2g%% across runs, used for every row.",
			 name, pr->rows, 100 * sqrt(pr->s0sq));
	else
		snprintf(text, sizeof(text), "%s: prior from %d rows, typical cv across runs %.2g%%%s, "
			 "worth %.1f degrees of freedom added to each row's own.",
			 name, pr->rows, 100 * sqrt(pr->s0sq),
			 pr->trend ? " (for a row, scaled by its spread within a run)" : "", pr->d0);
	wrap("  ", 4, text);
}

static void print_priors(const struct sf_cmp *c)
{
	int own = c->t.own_variance, fitted = 0;

	for (int s = 0; s < c->nstrata; s++)
		fitted += c->strata[s].prior.rows > 0;
	if (!fitted)
		return;
	fprintf(out, "Rounds test, per target kind:\n");
	for (int s = 0; s < c->nstrata; s++)
		print_prior(c->strata[s].name, &c->strata[s].prior);
	if (own) {
		char text[256];

		snprintf(text, sizeof(text), "%d row%s varied across rounds more than the prior "
			 "would make %s: tested on %s own rounds alone (a variance is never "
			 "moderated down).", own, own == 1 ? "" : "s", own == 1 ? "it" : "them",
			 own == 1 ? "its" : "their");
		wrap("  ", 4, text);
	}
}

/* The whole report, once, from the rows with their marks already decided. */
static void print_report(struct side *b, struct side *n, const struct opts *o,
			 const struct sf_cmp *c)
{
	print_header(b, n, o, c->nfdr);
	print_env(b, n);
	fprintf(out, "  %-23s %10s %10s %8s %-16s %s\n", "metric", "base", "new", "change",
		"95% CI (%)", "mark");
	for (int i = 0; i < c->npairs; i++)
		print_pair(b, n, &c->pairs[i]);
	print_unpaired(b, b, n, o);
	print_unpaired(n, b, n, o);
	fprintf(out, "\n");
	print_summary(&c->t);
	print_priors(c);
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

int cmd_compare(int argc, char **argv)
{
	struct opts o = { .noise = SF_NOISE_DEFAULT, .fdr = SF_FDR_DEFAULT };
	struct side b = { .c.name = "base" }, n = { .c.name = "new" };
	struct sf_cmp_keys keys = { 0 };
	struct sf_cmp c = { 0 };
	char err[1024];
	int ret = SF_EXIT_USAGE, rc;

	out = stdout;
	rc = parse(argc, argv, &o, &b, &n);
	if (rc)
		return rc < 0 ? SF_EXIT_OK : rc;
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
	ret = c.t.worse || c.t.status_worse ? SF_EXIT_REGRESSION : SF_EXIT_OK;
out:
	sf_cmp_free(&c);
	sf_cmp_keys_free(&keys, &b.c, &n.c);
	free_side(&b);
	free_side(&n);
	return ret;
}
