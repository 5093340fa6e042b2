// SPDX-License-Identifier: MIT
/*
 * The findings on top of report.txt and report.html: per question of
 * docs/design.md, a sentence per fact of this run (sf_findings.h), then
 * the questions it has no data for and what would measure them.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report_int.h"
#include "sf_array.h"
#include "sf_findings.h"
#include "sf_util.h"

static int add_line(struct report *rp, bool head, const char *text)
{
	struct sf_html_line *l;

	if (SF_GROW(rp->find, rp->nfind + 1, rp->findcap))
		return -1;
	l = &rp->find[rp->nfind];
	l->head = head;
	l->text = strdup(text);
	if (!l->text)
		return -1;
	rp->nfind++;
	return 0;
}

static const char *unit_of(const struct sf_result *r, const char *metric)
{
	struct sf_metric *m = sf_result_metric((struct sf_result *)r, metric);

	return m ? m->unit : "";
}

/* "x8.00", "x19.0", "x915", "x0.52", "x0.0015" */
static void fmt_ratio(double x, char *buf, size_t len)
{
	if (!isfinite(x))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, x >= 100 ? "x%.0f" : x >= 10 ? "x%.1f" : x >= 0.1 ? "x%.2f" : "x%.2g",
			 x);
}

#define SF_STR_(x)	#x
#define SF_STR(x)	SF_STR_(x)

/* "x19.0 (95% interval x17.3 to x20.5, 5 vs 5 repeats)", and whether it is beyond the noise */
static void fmt_effect(const struct sf_fact *f, char *buf, size_t len)
{
	char r[24], lo[24], hi[24];

	fmt_ratio(f->ratio, r, sizeof(r));
	if (isnan(f->ratio_lo)) {
		snprintf(buf, len, "%s (no 95%% interval: %d vs %d repeats, 4 a side needed)", r,
			 f->nb, f->nn);
		return;
	}
	fmt_ratio(f->ratio_lo, lo, sizeof(lo));
	fmt_ratio(f->ratio_hi, hi, sizeof(hi));
	/* "exploratory" is said once, above the findings (rp_findings_intro) */
	snprintf(buf, len, "%s (95%% interval %s to %s, %d vs %d repeats)%s", r, lo, hi, f->nb,
		 f->nn, f->e.exploratory ? ", exploratory" :
		 f->e.verdict == SF_SAME ? ": no difference beyond the noise floor" : "");
}

static void contrast_line(struct report *rp, const struct sf_fact *f, char *buf, size_t len)
{
	const struct sf_finding *d = f->decl;
	const char *const series[] = { d->param, NULL };
	char where[256], va[32], vb[32], eff[160];

	rp_partition(rp, f->a, series, NULL, where, sizeof(where));
	sf_fmt_value(f->va, unit_of(f->a, d->metric), va, sizeof(va));
	sf_fmt_value(f->vb, unit_of(f->b, d->metric), vb, sizeof(vb));
	fmt_effect(f, eff, sizeof(eff));
	snprintf(buf, len, "%s: %s costs %s with %s=%s against %s with %s: %s", where, d->what,
		 va, d->param, d->value, vb, d->against, eff);
}

static void pair_line(struct report *rp, const struct sf_fact *f, char *buf, size_t len)
{
	static const char *const none[] = { NULL };
	const struct sf_finding *d = f->decl;
	char where[256], va[32], vb[32], eff[160];

	rp_partition(rp, f->a, none, NULL, where, sizeof(where));
	sf_fmt_value(f->va, unit_of(f->a, d->metric), va, sizeof(va));
	sf_fmt_value(f->vb, unit_of(f->a, d->metric2), vb, sizeof(vb));
	fmt_effect(f, eff, sizeof(eff));
	snprintf(buf, len, "%s: %s takes %s %s against %s %s: %s", where, d->what, va,
		 d->as ?: d->metric, vb, d->as2 ?: d->metric2, eff);
}

static void breakeven_line(struct report *rp, const struct sf_fact *f, char *buf, size_t len)
{
	char where[256], be[400];

	rp_target_kind(rp, f->a, where, sizeof(where));
	if (f->be.missing)
		snprintf(be, sizeof(be), "%s vs %s: no break-even: %s did not run", f->be.ref,
			 f->be.of, f->be.missing);
	else
		sf_breakeven_str(&f->be.be, f->be.ref, f->be.of, be, sizeof(be));
	snprintf(buf, len, "%s: %s%s", where, be,
		 f->be.be.kind == SF_BE_FOUND && sf_be_pair_overlap(&f->be) ?
		 " (their repeats overlap there: not a clear crossing)" : "");
}

/* BEST: one line per target, each value of by with its best result. */
static int best_lines(struct report *rp, const struct sf_fact *f, int n)
{
	const struct sf_finding *d = f->decl;
	const char *const series[] = { d->by, NULL };
	char buf[2048], where[96];
	size_t off;
	int k = 0;

	while (k < n) {
		rp_target_kind(rp, f[k].a, where, sizeof(where));
		off = snprintf(buf, sizeof(buf), "%s: %s costs at best", where, d->what);
		for (; k < n; k++) {
			char tk[96], v[32], lo[32], hi[32], at[256];

			rp_target_kind(rp, f[k].a, tk, sizeof(tk));
			if (strcmp(tk, where))
				break;
			sf_fmt_value(f[k].va, unit_of(f[k].a, d->metric), v, sizeof(v));
			sf_fmt_value(f[k].lo, unit_of(f[k].a, d->metric), lo, sizeof(lo));
			sf_fmt_value(f[k].hi, unit_of(f[k].a, d->metric), hi, sizeof(hi));
			rp_label(rp, f[k].a, series, false, NULL, at, sizeof(at));
			off += snprintf(buf + off, off < sizeof(buf) ? sizeof(buf) - off : 0,
					" %s %s (%s%srepeats %s to %s)",
					sf_result_param(f[k].a, d->by), v, at, at[0] ? ", " : "", lo, hi);
			if (off < sizeof(buf) - 2)
				off += snprintf(buf + off, sizeof(buf) - off, ";");
		}
		if (off && off < sizeof(buf) && buf[off - 1] == ';')
			buf[off - 1] = 0;
		if (add_line(rp, false, buf))
			return -1;
	}
	return 0;
}

/* The lines of the facts f[0..n) of one declaration. */
static int fact_lines(struct report *rp, const struct sf_fact *f, int n)
{
	char buf[1024];

	if (f->decl->kind == SF_FIND_BEST)
		return best_lines(rp, f, n);
	for (int i = 0; i < n; i++) {
		switch (f->decl->kind) {
		case SF_FIND_CONTRAST:
			contrast_line(rp, &f[i], buf, sizeof(buf));
			break;
		case SF_FIND_PAIR:
			pair_line(rp, &f[i], buf, sizeof(buf));
			break;
		case SF_FIND_BREAKEVEN:
			breakeven_line(rp, &f[i], buf, sizeof(buf));
			break;
		case SF_FIND_BEST:
			break;
		}
		if (add_line(rp, false, buf))
			return -1;
	}
	return 0;
}

static int question_lines(struct report *rp, const struct sf_findings *fs, int q)
{
	char head[160];
	int i = 0;

	snprintf(head, sizeof(head), "%d. %s", q + 1, sf_question_title(q));
	if (add_line(rp, true, head))
		return -1;
	while (i < fs->n) {
		int j = i;

		if ((int)fs->f[i].decl->q != q) {
			i++;
			continue;
		}
		while (j < fs->n && fs->f[j].decl == fs->f[i].decl)
			j++;
		if (fact_lines(rp, &fs->f[i], j - i))
			return -1;
		i = j;
	}
	return 0;
}

static int not_measured(struct report *rp, const struct sf_findings *fs)
{
	char buf[512];
	bool head = false;

	for (int q = 0; q < SF_NQUESTIONS; q++) {
		if (sf_findings_have(fs, q))
			continue;
		if (!head && add_line(rp, true, "Not measured in this run"))
			return -1;
		head = true;
		snprintf(buf, sizeof(buf), "%d. %s: add %s", q + 1, sf_question_title(q),
			 sf_question_how(q));
		if (add_line(rp, false, buf))
			return -1;
	}
	return 0;
}

int rp_findings(struct report *rp)
{
	struct sf_findings fs;
	int ret = 0;

	if (sf_findings_build(rp->res, rp->n, sf_benches, &fs))
		return -1;
	for (int q = 0; q < SF_NQUESTIONS && !ret; q++)
		if (sf_findings_have(&fs, q))
			ret = question_lines(rp, &fs, q);
	if (!ret)
		ret = not_measured(rp, &fs);
	sf_findings_free(&fs);
	return ret;
}

void rp_findings_free(struct report *rp)
{
	for (int i = 0; i < rp->nfind; i++)
		free((char *)rp->find[i].text);
	free(rp->find);
	rp->find = NULL;
	rp->nfind = 0;
}

const char *rp_findings_intro(const struct report *rp)
{
	for (int i = 0; i < rp->nfind; i++)
		if (strstr(rp->find[i].text, ", exploratory"))
			return "This run's results: medians of the repeats; the change and its 95% "
			       "interval as syncfault compare states them.  Exploratory: one run a "
			       "side, whose conditions every repeat shares; compare marks a change "
			       "only from " SF_STR(SF_MIN_RUNS) " runs a side (syncfault ab --rounds "
			       SF_STR(SF_MIN_RUNS) ").";
	return "This run's results: medians of the repeats; the change and its 95% interval "
	       "as syncfault compare states them.";
}

void rp_print_findings(const struct report *rp, FILE *f)
{
	if (!rp->nfind)
		return;
	fprintf(f, "\nFindings\n");
	sf_wrap(f, "", 0, rp_findings_intro(rp));
	fprintf(f, "\n");
	for (int i = 0; i < rp->nfind; i++) {
		if (rp->find[i].head)
			fprintf(f, "%s%s\n", i ? "\n" : "", rp->find[i].text);
		else
			sf_wrap(f, "  ", 4, rp->find[i].text);
	}
}
