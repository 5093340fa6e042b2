// SPDX-License-Identifier: MIT
/*
 * The text of `syncfault compare` (sf_compare_text.h): the method, the
 * environment that differs, one block per pair and what was not paired;
 * the summary and the model's findings are compare_tail.c's.  80 columns.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_attrib.h"
#include "compare_text_int.h"
#include "sf_compare_text.h"
#include "sf_fmt.h"
#include "sf_util.h"

#define WIDTH	SF_TEXT_WIDTH

/* ---- text helpers ---- */

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

void sf_cmp_fmt_signed(double v, int decimals, char *buf, size_t len)
{
	sf_fmt_signed(v, decimals, "%", buf, len);
}

/*
 * One decimal, or two where the interval is narrower than 0.1 points and
 * every figure is under 10% (so the columns still hold it): on the icount
 * clock a b? row printed "+0.0% [+0.0, +0.0]", an interval that excludes 0
 * written as one that is 0.
 */
int sf_cmp_decimals(double pct, double lo, double hi)
{
	if (!isfinite(lo) || !isfinite(hi) || hi - lo >= 0.1)
		return 1;
	return fabs(pct) < 9.995 && fabs(lo) < 9.995 && fabs(hi) < 9.995 ? 2 : 1;
}

void sf_cmp_fmt_pct_dec(double v, int decimals, char *buf, size_t len)
{
	if (!isfinite(v))
		snprintf(buf, len, "-");
	else
		sf_cmp_fmt_signed(v, fabs(v) < 99.95 ? decimals : 0, buf, len);
}

void sf_cmp_fmt_pct(double v, char *buf, size_t len)
{
	sf_cmp_fmt_pct_dec(v, 1, buf, len);
}

const char *sf_cmp_no_interval_why(const struct sf_cmp_row *r, char *buf, size_t len)
{
	const struct sf_change *c = &r->c;

	if (c->why[0])
		return c->why;
	if (!c->ratio && c->base == 0)
		return c->new == 0 ? "0 on both sides (the medians): no change in % to state" :
		       "base is 0: a change from 0 has no percentage";
	if (!c->has_ci)
		snprintf(buf, len, "%d vs %d repeats: too few for a 95%% interval", c->nbase,
			 c->nnew);
	else
		snprintf(buf, len, "the interval is not finite");
	return buf;
}

static void fmt_ci(const struct sf_change *c, int decimals, char *buf, size_t len)
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
	sf_cmp_fmt_pct_dec(c->lo, decimals, lo, sizeof(lo));
	sf_cmp_fmt_pct_dec(c->hi, decimals, hi, sizeof(hi));
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
static void env_values(const struct sf_cmp_text_side *s, enum env_field f, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = 0;
	for (int i = 0; i < s->c->nres; i++) {
		char v[1024];
		bool seen = false;

		env_value(&s->c->res[i], f, v, sizeof(v));
		for (int j = 0; j < i && !seen; j++) {
			char w[1024];

			env_value(&s->c->res[j], f, w, sizeof(w));
			seen = !strcmp(v, w);
		}
		if (!seen)
			off += snprintf(buf + off, off < len ? len - off : 0, "%s%s",
					off ? "; " : "", v[0] ? v : "(not recorded)");
	}
}

static void print_env(FILE *out, const struct sf_cmp_text_side *b, const struct sf_cmp_text_side *n)
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
		sf_wrap(out, line, 10, bv);
		snprintf(line, sizeof(line), "    new:  ");
		sf_wrap(out, line, 10, nv);
	}
	if (!any)
		fprintf(out, "  none in kernel, cmdline, CPU, hypervisor, target, THP, version\n");
	fprintf(out, "\n");
}

/* ---- pairing and the table ---- */

/* Do values of param k differ among this bench's results on either side? */
static bool param_varies_scan(const struct sf_cmp_text_side *b, const struct sf_cmp_text_side *n,
			      const char *bench, const char *k)
{
	const char *first = NULL;

	return sf_param_varies(b->c->res, b->c->nres, bench, k, NULL, NULL, &first) ||
	       sf_param_varies(n->c->res, n->c->nres, bench, k, NULL, NULL, &first);
}

/*
 * Asked for every param of every row: remembered, so that a table of many
 * rows is not quadratic in the results.
 */
static bool param_varies(const struct sf_cmp_text_side *b, const struct sf_cmp_text_side *n,
			 const char *bench, const char *k)
{
	static struct { const struct sf_cmp_text_side *b, *n; char bench[32], k[64]; bool v; } memo[512];
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

static void describe(const struct sf_cmp_text_side *b, const struct sf_cmp_text_side *n,
		     const struct sf_result *r, const struct sf_result *other, char *buf, size_t len)
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
	/* which emulator and clock: qemu-tcg, qemu-kvm and icount figures are not alike */
	snprintf(buf + off, off < len ? len - off : 0, " [%s%s%s%s]", t1,
		 r->target.emulated[0] ? ", emulated " : "", r->target.emulated,
		 sf_target_deterministic(&r->target) ? ", icount" : "");
}

/*
 * The mark column: the verdict, or for an unmarked row the change it would
 * have marked with 80% power; exploratory rows are never marked.
 */
static const char *mark(const struct sf_cmp_row *r, char *buf, size_t len)
{
	const struct sf_change *c = &r->c;

	if (r->kind == SF_ROW_DIAGNOSTIC)
		return "diag";
	if (r->exploratory)
		return "expl";
	if (r->marked)
		return c->verdict == SF_BETTER ? "better" : "WORSE";
	if (c->excludes_zero)
		return c->pct > 0 ? "b?" : "w?";
	if (!isfinite(c->detectable))
		return "";
	if (c->detectable >= 100)
		return "blind";
	snprintf(buf, len, c->detectable < 9.95 ? "80%%@%.1f%%" : "80%%@%.0f%%", c->detectable);
	return buf;
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

static void print_row(FILE *out, const struct sf_cmp_row *r)
{
	const struct sf_change *c = &r->c;
	char label[256], bv[24], nv[24], pct[16], ci[32], mk[16];
	int dec = sf_cmp_decimals(c->pct, c->lo, c->hi);

	if (!metric_label(r->metric, r->unit, label, sizeof(label))) {
		fprintf(out, "  %s\n", label);	/* whole, on its own line */
		label[0] = '\0';
	}
	fmt_value(c->base, r->unit, bv, sizeof(bv));
	fmt_value(c->new, r->unit, nv, sizeof(nv));
	sf_cmp_fmt_pct_dec(c->pct, dec, pct, sizeof(pct));
	if (isnan(c->pct) && c->excludes_zero)
		snprintf(pct, sizeof(pct), "from 0");
	fmt_ci(c, dec, ci, sizeof(ci));
	/* 2 + 23 + 1 + 10 + 1 + 10 + 1 + 8 + 1 + 14 + 1 + 8 = 80 */
	fprintf(out, "  %-*.*s %10.10s %10.10s %8.8s %-14.14s %s\n", LABEL_W, LABEL_W,
	       label, bv, nv, pct, ci, mark(r, mk, sizeof(mk)));
}

static void print_unpaired(FILE *out, const struct sf_cmp_text_side *s,
			   const struct sf_cmp_text_side *b,
			   const struct sf_cmp_text_side *n, const struct sf_cmp_text_opts *o)
{
	bool head = false;

	for (int i = 0; i < s->c->nres; i++) {
		char d[2048];
		bool dup = false;

		if (s->c->paired[i])
			continue;
		for (int j = 0; j < i && !dup; j++)
			dup = !s->c->paired[j] && s->c->keys[i] == s->c->keys[j];
		if (dup)
			continue;
		if (!head)
			fprintf(out, "\nOnly in %s (nothing in %s with the same benchmark, parameters%s):\n",
			       s->c->name, s == b ? "new" : "base", o->ignore_target ? "" : ", target");
		head = true;
		describe(b, n, &s->c->res[i], NULL, d, sizeof(d));
		sf_wrap(out, "  ", 4, d);
	}
}

/*
 * Under a w?/b? row: this comparison cannot conclude on it, and the runs a
 * side that would mark a change of the size it showed (80% power).
 */
static void print_not_concluded(FILE *out, const struct sf_cmp_row *r)
{
	char text[300];
	int n = r->fit.nb < r->fit.nn ? r->fit.nb : r->fit.nn;

	if (!r->need_runs)
		return;
	if (r->need_runs == SF_NEED_FLOOR)
		snprintf(text, sizeof(text), "not concluded at %d runs a side: within its noise "
			 "floor (%.2g%%), which more runs do not lower", n, r->fit.floor);
	else if (r->need_runs == SF_NEED_MORE)
		snprintf(text, sizeof(text), "not concluded at %d runs a side: a change of this "
			 "size needs more than %d runs a side to be marked", n, SF_MAX_ROUNDS);
	else
		snprintf(text, sizeof(text), "not concluded at %d runs a side: a change of this "
			 "size is marked with 80%% power from %d runs a side (syncfault ab --rounds "
			 "%d)", n, r->need_runs, r->need_runs);
	sf_wrap(out, "    ", 6, text);
}

/*
 * Extra lines under a row: the kernel phases that moved go under the first
 * marked row of a pair (one attribution a pair, so shown once).
 */
static void print_row_extra(FILE *out, const struct sf_cmp_pair *p, const struct sf_cmp_row *r,
			    bool *phases_shown)
{
	print_not_concluded(out, r);
	/* with runs, under a mark; exploratory, where the repeats moved */
	if (!(r->marked || (r->exploratory && r->c.excludes_zero)) || *phases_shown)
		return;
	*phases_shown = true;
	for (int i = 0; i < p->ndelta; i++) {
		const struct sf_attrib_delta *d = &p->delta[i];
		char line[512], head[64], pct[16];

		sf_attrib_delta_line(d, line, sizeof(line));
		sf_cmp_fmt_signed(100 * (d->new_us / d->base_us - 1), 0, pct, sizeof(pct));
		snprintf(head, sizeof(head), "    %s phases %s:", sf_ev_kind_name(d->kind), pct);
		sf_wrap(out, head, 6, line);
	}
	if (p->roles) {
		char line[512];

		sf_attrib_roles_delta_line(&p->roles_b, &p->roles_n, line, sizeof(line));
		if (line[0])
			sf_wrap(out, "    roles:", 6, line);
	}
}

/* A pair that has no rows: it failed on one side. */
static void print_failed_pair(FILE *out, const struct sf_cmp_pair *p)
{
	char text[700];

	if (p->state == SF_PAIR_FAILED_NEW) {
		snprintf(text, sizeof(text), "%s in new, ok in base: %s",
			 sf_status_name(p->bad->status), p->bad->reason);
		sf_wrap(out, "  WORSE:", 4, text);
		return;
	}
	snprintf(text, sizeof(text), "%s in %s: %s", sf_status_name(p->bad->status),
		 p->bad_in_base ? "base" : "new", p->bad->reason);
	sf_wrap(out, "  not compared:", 4, text);
}

static void print_pair(FILE *out, const struct sf_cmp_text_side *b,
		       const struct sf_cmp_text_side *n,
		       const struct sf_cmp_pair *p)
{
	bool phases_shown = false;
	char title[2048];

	describe(b, n, p->rb, p->rn, title, sizeof(title));
	fprintf(out, "\n");
	sf_wrap(out, "", 2, title);
	if (p->state != SF_PAIR_OK) {
		print_failed_pair(out, p);
		return;
	}
	for (int i = 0; i < p->nrows; i++) {
		const struct sf_cmp_row *r = &p->rows[i];

		if (r->kind == SF_ROW_NOT_NUMBER) {
			fprintf(out, "  %-23.23s not compared: a repeat value is not a number\n",
				r->metric);
			continue;
		}
		print_row(out, r);
		if (r->kind == SF_ROW_COMPARED)
			print_row_extra(out, p, r, &phases_shown);
	}
	if (p->only_base[0])
		sf_wrap(out, "  only in base:", 4, p->only_base);
	if (p->only_new[0])
		sf_wrap(out, "  only in new:", 4, p->only_new);
	for (int i = 0; i < p->nchecks; i++) {
		char line[64], text[512];

		snprintf(line, sizeof(line), "  ! check failed in %s:", p->checks[i].side);
		snprintf(text, sizeof(text), "%s: %s", p->checks[i].check->name,
			 p->checks[i].check->detail);
		sf_wrap(out, line, 4, text);
	}
}


/* ---- the method, the summary and what the model found ---- */

static void print_header(FILE *out, const struct sf_cmp_text_side *b,
			 const struct sf_cmp_text_side *n,
			 const struct sf_cmp_text_opts *o, const struct sf_cmp *c)
{
	char text[1400], fl[64];

	fprintf(out, "syncfault compare\n");
	snprintf(text, sizeof(text), "%s%s (%d results in %d files)", b->path,
		 b->nmore ? " and more" : "", b->c->nres, b->nfiles);
	sf_wrap(out, "  base: ", 8, text);
	snprintf(text, sizeof(text), "%s%s (%d results in %d files)", n->path,
		 n->nmore ? " and more" : "", n->c->nres, n->nfiles);
	sf_wrap(out, "  new:  ", 8, text);
	sf_wrap(out, "change  ", 8, "new vs base in %, positive = better (a lower time, a higher rate). "
	     "With 3 or more runs a side (syncfault ab --rounds N): from one run-level model of "
	     "the runs' medians (runs, not repeats, are the independent samples): each run's "
	     "offset, shared by the rows of its target kind, is estimated from them and taken "
	     "out, and the change is the row's own, beyond its target kind's shared shift "
	     "(under the table); its variance across runs is moderated toward what the rows "
	     "of its target kind vary by (limma's empirical Bayes, fitted robustly), and is "
	     "never less than a run's median varies by over its own repeats (their bootstrap: "
	     "repeats that take two levels flip the median from run to run). base and "
	     "new: the medians of the pooled repeats.");
	sf_wrap(out, "95% CI  ", 8, "with runs, the model's t interval: the one the mark uses. With "
	     "fewer than 3 runs a side: the Hodges-Lehmann change of the pooled repeats and "
	     "its Mann-Whitney interval, exploratory (one run's conditions set every repeat "
	     "in it: they say nothing about the next run).");
	if (isfinite(c->noise))
		snprintf(fl, sizeof(fl), "the noise floor %.1f%% (--noise)", c->noise);
	else
		snprintf(fl, sizeof(fl), "its noise floor (the row's typical spread across runs)");
	if (o->fdr > 0)
		snprintf(text, sizeof(text), "WORSE/better: a discovery at a false discovery rate "
			 "of %g%% over all %d tests (the rows with runs and each target kind's "
			 "shared shift; Benjamini-Hochberg) with |change| beyond %s; w?/b?: the "
			 "interval excludes 0 but the row is not both (the line under it: the runs a side that "
			 "would mark a change of its size).", o->fdr * 100, c->nfdr, fl);
	else
		snprintf(text, sizeof(text), "WORSE/better: p < 5%% for the row alone (--fdr 0: no "
			 "correction for the %d tests) with |change| beyond %s; w?/b?: the interval "
			 "excludes 0 but the row is not both (the line under it: the runs a side that "
			 "would mark a change of its size).", c->nfdr, fl);
	sf_wrap(out, "mark    ", 8, text);
	sf_wrap(out, "80%@X%  ", 8, "an unmarked row: this comparison marks a change of X% in it "
	     "with 80% power, every rule of the mark in (the level a lone discovery needs, the "
	     "floor); an unmarked row does not show that its change was smaller. blind: not "
	     "even a change of 100%.");
	sf_wrap(out, "expl    ", 8, "exploratory: fewer than 3 runs a side, never marked.");
	if (o->ignore_target)
		sf_wrap(out, "pairing ", 8, o->auto_ignore ?
		     "by benchmark and parameters only: each side has a single target kind and "
		     "none paired with it" : "by benchmark and parameters only (--ignore-target)");
	else
		sf_wrap(out, "pairing ", 8, "by benchmark, parameters and target kind (fs, DAX)");
	fprintf(out, "\n");
}

void sf_cmp_text(FILE *out, const struct sf_cmp_text_side *b, const struct sf_cmp_text_side *n,
		 const struct sf_cmp_text_opts *o, const struct sf_cmp *c)
{
	print_header(out, b, n, o, c);
	print_env(out, b, n);
	fprintf(out, "  %-23s %10s %10s %8s %-14s %s\n", "metric", "base", "new", "change",
		"95% CI (%)", "mark");
	for (int i = 0; i < c->npairs; i++)
		print_pair(out, b, n, &c->pairs[i]);
	print_unpaired(out, b, b, n, o);
	print_unpaired(out, n, b, n, o);
	fprintf(out, "\n");
	sf_cmp_text_tail(out, c);
}

