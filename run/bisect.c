// SPDX-License-Identifier: MIT
/* syncfault bisect: the search and its answer (sf_bisect.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sf_ab.h"
#include "sf_bisect_int.h"
#include "sf_errors.h"
#include "sf_fmt.h"
#include "sf_util.h"

enum verdict { V_GOOD, V_BAD, V_MORE, V_FAILED };

static const char *const verdict_name[] = { "good", "bad", "undecided", "failed" };

struct step {
	int k, rounds;
	enum verdict v;
	struct sf_row_fx rows[SF_BISECT_MAX_ROWS];
	int nrows;
};

struct search {
	struct step steps[24];	/* the endpoint, then each step */
	int nsteps;
	char tracked[SF_BISECT_MAX_ROWS][512];	/* rows the bad end moved */
	int ntracked;
	int lo, hi;
	enum verdict end;	/* how the search ended: V_BAD = answered */
};

static bool is_tracked(const struct search *s, const struct sf_row_fx *fx)
{
	if (!s->ntracked)
		return true;
	for (int i = 0; i < s->ntracked; i++)
		if (!strcmp(s->tracked[i], fx->name))
			return true;
	return false;
}

/*
 * Bad when a tracked row is marked worse; good when none is, and each
 * could have seen a change of the size asked for; else more rounds.
 */
static enum verdict judge(const struct bisect *b, const struct search *s,
			  const struct sf_row_fx *rows, int n)
{
	bool good = true;

	for (int i = 0; i < n; i++) {
		const struct sf_cmp_effect *e = &rows[i].e;

		if (!is_tracked(s, &rows[i]))
			continue;
		if (strstr(rows[i].metric, "(failed in"))
			return V_FAILED;
		if (e->verdict == SF_WORSE)
			return V_BAD;
		if (e->verdict == SF_BETTER)
			continue;	/* not worse: no part of a regression */
		if (e->exploratory || !(e->detectable < b->o->size))
			good = false;
	}
	return good ? V_GOOD : V_MORE;
}

/* Measure candidate k against the base, one more round a side while undecided. */
static int decide(struct bisect *b, struct search *s, int k, struct step *st)
{
	int ks[2] = { 0, k }, rc;

	memset(st, 0, sizeof(*st));
	st->k = k;
	for (int want = b->o->rounds;; want++) {
		if ((rc = b->ops->measure(b, ks, 2, want)))
			return rc;
		st->nrows = b->ops->compare(b, 0, k, st->rows, SF_BISECT_MAX_ROWS);
		if (st->nrows < 0)
			return SF_EXIT_ERROR;
		st->v = judge(b, s, st->rows, st->nrows);
		st->rounds = b->ops->rounds(b, k);
		if (st->v != V_MORE || want >= b->o->max_rounds)
			return 0;
		sf_bisect_say(b, "  patch %d: not decided with %d rounds: one more round a side\n",
			      k, want);
	}
}

static void print_step(struct bisect *b, const struct search *s, const struct step *st,
		       const char *what)
{
	char eff[96];

	sf_bisect_say(b, "%s patch %d/%d: %s after %d round%s\n", what, st->k, b->s.n,
		      verdict_name[st->v], st->rounds, st->rounds == 1 ? "" : "s");
	for (int i = 0; i < st->nrows; i++) {
		if (!is_tracked(s, &st->rows[i]))
			continue;
		sf_effect_text(&st->rows[i].e, 1, eff, sizeof(eff));
		sf_bisect_say(b, "  %s %s: %s against the base, detects %.1f%%%s\n", st->rows[i].name,
			      st->rows[i].metric, eff, st->rows[i].e.detectable,
			      st->rows[i].e.verdict == SF_WORSE ? ", WORSE" :
			      st->rows[i].e.verdict == SF_BETTER ? ", better" : "");
	}
}

static int step(struct bisect *b, struct search *s, int k, const char *what)
{
	struct step *st = &s->steps[s->nsteps];
	int rc = b->ops->build(b, k);

	if (!rc)
		rc = decide(b, s, k, st);
	if (rc)
		return rc;
	s->nsteps++;
	print_step(b, s, st, what);
	return 0;
}

/* The bad end: which rows moved (those are bisected), or nothing to do. */
static int endpoints(struct bisect *b, struct search *s)
{
	const struct step *st;
	int rc;

	if ((rc = b->ops->build(b, 0)) || (rc = step(b, s, b->s.n, "the bad end:")))
		return rc;
	st = &s->steps[0];
	s->end = st->v;
	for (int i = 0; st->v == V_BAD && i < st->nrows; i++)
		if (st->rows[i].e.verdict == SF_WORSE)
			snprintf(s->tracked[s->ntracked++], sizeof(s->tracked[0]), "%s",
				 st->rows[i].name);
	return 0;
}

static int search(struct bisect *b, struct search *s)
{
	int rc;

	s->lo = 0;
	s->hi = b->s.n;
	if ((rc = endpoints(b, s)) || s->end != V_BAD)
		return rc;
	while (s->hi - s->lo > 1 && s->nsteps < (int)(sizeof(s->steps) / sizeof(s->steps[0]))) {
		int mid = s->lo + (s->hi - s->lo) / 2;
		struct step *st = &s->steps[s->nsteps];
		char what[32];

		snprintf(what, sizeof(what), "step %d:", s->nsteps);
		if ((rc = step(b, s, mid, what)))
			return rc;
		if (st->v == V_BAD)
			s->hi = mid;
		else if (st->v == V_GOOD)
			s->lo = mid;
		else {
			s->end = st->v;
			return 0;
		}
	}
	return 0;
}

/* ---- the answer ---- */

/* Each step: patch, verdict, rounds, each tracked row's change, build, measurement. */
static void print_steps(FILE *f, const struct bisect *b, const struct search *s)
{
	char eff[96], build[64], meas[32], t[32];

	fprintf(f, "\nsteps (change against the base, + = better as in compare):\n");
	for (int i = 0; i < s->nsteps; i++) {
		const struct step *st = &s->steps[i];
		const struct sf_cand *c = &b->c[st->k];

		sf_fmt_duration(c->build_s, t, sizeof(t));
		snprintf(build, sizeof(build), c->cached ? "built before (%s)" : "built %s", t);
		sf_fmt_duration(c->measure_s, meas, sizeof(meas));
		fprintf(f, "  %-9s patch %d/%d %-9s %d rounds; %s; measured %s here\n",
			i ? "step" : "bad end", st->k, b->s.n, verdict_name[st->v], st->rounds, build,
			meas);
		for (int j = 0; j < st->nrows; j++) {
			if (!is_tracked(s, &st->rows[j]))
				continue;
			sf_effect_text(&st->rows[j].e, 1, eff, sizeof(eff));
			fprintf(f, "      %s %s: %s, detects %.1f%%\n", st->rows[j].name,
				st->rows[j].metric, eff, st->rows[j].e.detectable);
		}
	}
}

/* The first bad patch against the last good one: the patch's own effect. */
static void print_culprit(FILE *f, const struct bisect *b, const struct search *s)
{
	struct sf_row_fx rows[SF_BISECT_MAX_ROWS];
	int n = b->ops->compare(b, s->lo, s->hi, rows, SF_BISECT_MAX_ROWS);
	const struct sf_patch *p = &b->s.p[s->hi - 1];
	char eff[96], vb[48], vn[48];

	if (b->o->tree)
		fprintf(f, "first bad commit: %d/%d %s \"%s\"\n", s->hi, b->s.n, p->id, p->subject);
	else
		fprintf(f, "first bad patch: %d/%d \"%s\" (%s)\n", s->hi, b->s.n, p->subject, p->id);
	fprintf(f, "  as applied: %s\n", p->path);
	for (int i = 0; i < n; i++) {
		const struct sf_row_fx *r = &rows[i];

		if (!is_tracked(s, r))
			continue;
		sf_effect_text(&r->e, 1, eff, sizeof(eff));
		sf_value_text(r->base, r->unit, vb, sizeof(vb));
		sf_value_text(r->new, r->unit, vn, sizeof(vn));
		fprintf(f, "  %s %s: %s -> %s, %s (+ = better) against %s%s\n", r->name, r->metric,
			vb, vn, eff, s->lo ? "the last good patch" : "the base",
			r->e.verdict == SF_WORSE ? ", WORSE" : " (not marked against it)");
		for (int j = 0; j < r->nphases; j++)
			fprintf(f, "    %s\n", r->phases[j]);
		if (b->o->attribute && !r->nphases)
			fprintf(f, "    (no phase moved beyond its interval, or no attribution in the results)\n");
	}
}

static void print_head(FILE *f, const struct bisect *b, const struct search *s)
{
	const struct step *end = &s->steps[0];

	fprintf(f, "syncfault bisect of %s + %d %s (%s/series/series)\n", b->s.base_desc, b->s.n,
		b->o->tree ? "commits" : "patches", b->o->out);
	fprintf(f, "watched: %s (%s); times: %s\n", b->o->config ? b->o->config : "--watch rows",
		b->watch_ini, s->nsteps && end->nrows ? end->rows[0].clock : b->clock);
	fprintf(f, "decision: bad when marked worse than the base by compare (noise floor %.1f%%); good when not, and the change it could detect is below %.1f%%; %d to %d rounds a candidate\n\n",
		b->o->noise, b->o->size, b->o->rounds, b->o->max_rounds);
}

void sf_bisect_times(FILE *f, const struct bisect *b, const char *what)
{
	double build = 0, meas = 0;
	int rounds = 0, built = 0;
	char tb[32], tm[32], ta[32];

	for (int k = 0; k <= b->s.n; k++) {
		build += b->c[k].wait_s;
		meas += b->c[k].measure_s;
		rounds += b->c[k].rounds_here;
		built += b->c[k].built && !b->c[k].cached;
	}
	sf_fmt_duration(build, tb, sizeof(tb));
	sf_fmt_duration(meas, tm, sizeof(tm));
	sf_fmt_duration(sf_bisect_now() - b->t0, ta, sizeof(ta));
	fprintf(f, "\ntime: %s; %d kernels built here (%s), %d rounds measured here (%s); all %s\n",
		what, built, tb, rounds, tm, ta);
}

static void print_answer(FILE *f, const struct bisect *b, const struct search *s)
{
	char what[64];

	print_head(f, b, s);
	if (s->end == V_BAD)
		print_culprit(f, b, s);
	else if (s->end == V_GOOD)
		fprintf(f, "nothing to bisect: no watched row is worse at the bad end, and each could have seen %.1f%%\n",
			b->o->size);
	else if (s->nsteps <= 1)
		fprintf(f, "undecided at the bad end: not marked worse than the base, and not able to see %.1f%% with %d rounds a candidate (--max-rounds, or a larger --size)\n",
			b->o->size, b->o->max_rounds);
	else
		fprintf(f, "undecided: the first bad %s is one of %d..%d; %d was %s with %d rounds a candidate (--max-rounds, or a larger --size)\n",
			b->o->tree ? "commit" : "patch", s->lo + 1, s->hi, s->steps[s->nsteps - 1].k,
			verdict_name[s->steps[s->nsteps - 1].v], b->o->max_rounds);
	print_steps(f, b, s);
	snprintf(what, sizeof(what), "%d candidates beyond the endpoints", s->nsteps > 0 ? s->nsteps - 1 : 0);
	sf_bisect_times(f, b, what);
}

/* OUT/bisect.txt, and the same on stdout. */
static int write_answer(struct bisect *b, const struct search *s)
{
	char path[PATH_MAX + 16], err[512], *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int rc = 0;

	if (!f)
		return sf_error("out of memory");
	print_answer(f, b, s);
	fclose(f);
	printf("\n%s", text);
	snprintf(path, sizeof(path), "%s/bisect.txt", b->o->out);
	if (sf_write_atomic(path, text, len, err, sizeof(err)))
		rc = sf_error("%s", err);
	free(text);
	return rc;
}

int sf_bisect_search(struct bisect *b)
{
	struct search *s = calloc(1, sizeof(*s));
	int rc;

	if (!s)
		return sf_error("out of memory");
	rc = search(b, s);
	if (!rc)
		rc = write_answer(b, s);
	if (!rc && s->end != V_BAD && s->end != V_GOOD)
		rc = SF_EXIT_UNDECIDED;
	free(s);
	return rc;
}
