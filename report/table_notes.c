// SPDX-License-Identifier: MIT
/*
 * The lines under a declared table: its notes (templates over a result's
 * parameters, metrics and info facts), whether the repeats agree, and the
 * break-evens (paired once, in lib/results/analysis.c).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sf_analysis.h"
#include "sf_harness.h"
#include "table.h"

/* ---- templates ---- */

/* The info value at a dotted path ("disturbance.why"), or NULL. */
static json_object *info_at(const struct sf_result *r, const char *path)
{
	json_object *o = r->info;
	char key[128];

	while (o && *path) {
		size_t l = strcspn(path, ".");

		snprintf(key, sizeof(key), "%.*s", (int)l, path);
		if (!json_object_object_get_ex(o, key, &o))
			return NULL;
		path += l + (path[l] == '.');
	}
	return o;
}

/* A number as the format asks: ".N" N decimals, "%N" a share in percent, "" with unit. */
static int fmt_number(double v, const char *fmt, const char *unit, char *buf, size_t len)
{
	if (!isfinite(v))
		return -1;
	if (fmt[0] == '.')
		snprintf(buf, len, "%.*f", atoi(fmt + 1), v);
	else if (fmt[0] == '%')
		snprintf(buf, len, "%.*f%%", atoi(fmt + 1), v * 100);
	else if (unit)
		sf_fmt_value(v, unit, buf, len);
	else
		snprintf(buf, len, "%g", v);
	return 0;
}

static const char *word_for(const char *const *words, const char *v)
{
	for (; words && words[0] && words[1]; words += 2)
		if (!strcmp(words[0], v))
			return words[1];
	return NULL;
}

/* One reference "{x:NAME:FMT}" (without braces) of r: its text. */
static int reference(char *ref, struct sf_result *r, const char *const *words, char *buf,
		     size_t len)
{
	char *name = strchr(ref, ':'), *fmt;
	struct sf_metric *m;
	json_object *o;
	const char *s;

	if (!name)
		return -1;
	*name++ = 0;
	fmt = strchr(name, ':');
	if (fmt)
		*fmt++ = 0;
	else
		fmt = "";
	if (!strcmp(ref, "p") && (s = sf_result_param(r, name)))
		return snprintf(buf, len, "%s", s), 0;
	if (!strcmp(ref, "t") && !strcmp(name, "emulated"))
		return snprintf(buf, len, "%s", r->target.emulated), 0;
	if (!strcmp(ref, "m") && (m = sf_result_metric(r, name)))
		return fmt_number(tb_stat(r, name, SF_STAT_P50), fmt, m->unit, buf, len);
	o = !strcmp(ref, "i") || !strcmp(ref, "w") ? info_at(r, name) : NULL;
	if (!o)
		return -1;
	if (!strcmp(ref, "w"))
		return (s = word_for(words, json_object_get_string(o))) ?
			snprintf(buf, len, "%s", s), 0 : -1;
	if (json_object_is_type(o, json_type_double) || json_object_is_type(o, json_type_int))
		return fmt_number(json_object_get_double(o), fmt, NULL, buf, len);
	return snprintf(buf, len, "%s", json_object_get_string(o)), 0;
}

int tb_expand(const char *tpl, struct sf_result *r, const char *const *words, char *buf,
	      size_t len)
{
	size_t off = 0;

	buf[0] = 0;
	while (*tpl && off + 1 < len) {
		const char *end = *tpl == '{' ? strchr(tpl, '}') : NULL;
		char ref[128], val[256];

		if (!end) {
			buf[off++] = *tpl++;
			buf[off] = 0;
			continue;
		}
		snprintf(ref, sizeof(ref), "%.*s", (int)(end - tpl - 1), tpl + 1);
		if (reference(ref, r, words, val, sizeof(val)))
			return -1;
		off += (size_t)snprintf(buf + off, len - off, "%s", val);
		off = off < len ? off : len - 1;
		tpl = end + 1;
	}
	return 0;
}

/* ---- do the repeats agree ---- */

/* The harness's verdict: did r keep a disturbed repeat?  Its reason, or NULL. */
static const char *unstable_why(struct sf_result *r)
{
	json_object *u = info_at(r, "disturbance.unstable"), *w = info_at(r, "disturbance.why");

	if (!u || !json_object_get_boolean(u))
		return NULL;
	return w ? json_object_get_string(w) : "disturbed";
}

/* r's cv of the note's metric, where the note's scope covers r; else NAN. */
static double scoped_cv(const struct sf_note *nt, struct sf_result *r)
{
	const char *v = sf_result_param(r, nt->scope_param);
	int64_t x = 0;

	if (r->status != SF_OK || !v || sf_parse_size(v, &x) || x < nt->scope_min)
		return NAN;
	return tb_cv(r, nt->metric);
}

static int agree(const struct sf_note *nt, struct sf_result **g, int n, struct tb_section *sec)
{
	int points = 0, met = 0, unstable = 0, worst_at = -1;
	char label[256] = "";

	for (int i = 0; i < n; i++) {
		double cv = scoped_cv(nt, g[i]);

		if (!isfinite(cv))
			continue;
		points++;
		met += cv < nt->goal;
		unstable += cv >= nt->goal && unstable_why(g[i]);
		if (worst_at < 0 || cv >= scoped_cv(nt, g[worst_at]))
			worst_at = i;
	}
	if (!points)
		return tb_add(&sec->after, "  %s", nt->none);
	tb_expand(nt->text, g[worst_at], NULL, label, sizeof(label));
	if (tb_add(&sec->after, "  repeats agree on %s (cv < %.0f%% %s): %d of %d points; worst %.1f%% (%s)",
		   nt->what, nt->goal * 100, nt->scope, met, points,
		   scoped_cv(nt, g[worst_at]) * 100, label))
		return -1;
	if (unstable && tb_add(&sec->after, "    %d of the %d points above %.0f%% are UNSTABLE (a repeat stayed disturbed after re-runs):",
			       unstable, points - met, nt->goal * 100))
		return -1;
	for (int i = 0; i < n; i++) {
		double cv = scoped_cv(nt, g[i]);
		const char *why = unstable_why(g[i]);

		if (!isfinite(cv) || cv < nt->goal)
			continue;
		tb_expand(nt->text, g[i], NULL, label, sizeof(label));
		if (tb_add(&sec->after, "      %s: cv %.1f%%: %s%s", label, cv * 100,
			   why ? "unstable: " : "", why ? why : "not explained by a detected disturbance"))
			return -1;
	}
	return 0;
}

int tb_notes(const struct sf_table *t, struct sf_result **g, int n, struct tb_section *sec)
{
	char line[1024];

	for (const struct sf_note *nt = t->notes; nt && nt->text; nt++) {
		if (nt->kind == SF_NOTE_AGREE) {
			if (agree(nt, g, n, sec))
				return -1;
			continue;
		}
		for (int i = 0; i < n; i++) {
			if (g[i]->status != SF_OK || tb_expand(nt->text, g[i], nt->words, line, sizeof(line)))
				continue;
			if (tb_add(&sec->after, "%s", line))
				return -1;
			if (nt->kind == SF_NOTE_ONCE)
				break;
		}
	}
	return 0;
}

/* ---- break-even ---- */

static const char *unit_of_group(const struct sf_breakeven_spec *sp, struct sf_result **g, int n)
{
	for (int i = 0; i < n; i++) {
		struct sf_metric *m = sf_result_metric(g[i], sp->metric);

		if (m)
			return m->unit;
	}
	return "";
}

/* The repeats of both at the deciding batch overlap: say so, nobody reads noise as a ranking. */
static int caution(const struct sf_be_pair *p, const char *unit, struct tb_section *sec)
{
	char s[4][32];

	sf_fmt_value(p->ref_lo, unit, s[0], sizeof(s[0]));
	sf_fmt_value(p->ref_hi, unit, s[1], sizeof(s[1]));
	sf_fmt_value(p->of_lo, unit, s[2], sizeof(s[2]));
	sf_fmt_value(p->of_hi, unit, s[3], sizeof(s[3]));
	return tb_add(&sec->after, "    caution: at batch %ld the repeat medians overlap (%s %s..%s, %s %s..%s): not a clear difference",
		      p->be.batch, p->ref, s[0], s[1], p->of, s[2], s[3]);
}

int tb_breakevens(const struct sf_table *t, struct sf_result **g, int n, struct tb_section *sec)
{
	const struct sf_breakeven_spec *sp = t->breakeven;
	struct sf_be_pair pairs[16];
	int np = sf_breakeven_pairs(g, n, sp, pairs, 16);
	char line[512];

	for (int i = 0; i < np; i++) {
		const struct sf_be_pair *p = &pairs[i];

		if (p->missing) {
			if (tb_add(&sec->after, "  %s vs %s: no break-even: %s has no result on this target (see above)",
				   p->ref, p->of, p->missing))
				return -1;
			continue;
		}
		sf_breakeven_str(&p->be, p->ref, p->of, line, sizeof(line));
		if (tb_add(&sec->after, "  %s", line))
			return -1;
		if (p->be.kind == SF_BE_FOUND && sf_be_pair_overlap(p) &&
		    caution(p, unit_of_group(sp, g, n), sec))
			return -1;
	}
	return 0;
}
