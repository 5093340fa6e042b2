// SPDX-License-Identifier: MIT
/*
 * A figure's files and title, and the table of the kinds of figure a
 * benchmark can declare: a new kind is one file fig_NAME.c with its
 * struct fig_kind, and one entry in kinds[] below.
 */
#include <stdio.h>
#include <string.h>

#include "report_int.h"
#include "sf_array.h"

static const struct fig_kind *const kinds[] = {
	[SF_FIG_CDF] = &fig_kind_cdf,
	[SF_FIG_LINES] = &fig_kind_lines,
	[SF_FIG_IDLE_LOADED] = &fig_kind_idle_loaded,
};

static void stem_of(const char *prefix, const char *part, char *buf, size_t len)
{
	size_t off = snprintf(buf, len, "%s-", prefix);

	for (const char *c = part; *c && off + 1 < len; c++) {
		char ch = *c;

		if (ch == ' ' || ch == '=')
			ch = ch == ' ' ? '_' : '-';
		else if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			   (ch >= '0' && ch <= '9') || ch == '-' || ch == '.'))
			ch = '_';
		buf[off++] = ch;
	}
	buf[off] = 0;
}

static void clean_title(char *t)
{
	for (; *t; t++)
		if (*t == '\'' || *t == '"' || *t == '\\')
			*t = '`';
}

static int room_for_one(struct report *rp)
{
	return SF_GROW(rp->figs, (size_t)rp->nfigs + 1, rp->figcap);
}

/* A new figure of the report: valid until the next one is made. */
struct fig *rp_new_fig(struct report *rp, const char *script, const char *prefix,
		       const char *part, const char *what, bool emulated)
{
	struct fig *f;

	if (room_for_one(rp))
		return NULL;
	f = &rp->figs[rp->nfigs++];
	memset(f, 0, sizeof(*f));
	snprintf(f->script, sizeof(f->script), "%s", script);
	stem_of(prefix, part, f->stem, sizeof(f->stem));
	snprintf(f->title, sizeof(f->title), "%s - %s%s%s", what, part,
		 emulated ? " - " : "", emulated ? rp->emu_title : "");
	/* the kind says -emulated for file names; the title says it in full */
	for (char *e; (e = strstr(f->title, "-emulated"));)
		memmove(e, e + 9, strlen(e + 9) + 1);
	clean_title(f->title);
	return f;
}

FILE *rp_open_tsv(struct report *rp, const struct fig *f)
{
	char path[4400];

	snprintf(path, sizeof(path), "%s/%s.tsv", rp->plots, f->stem);
	return fopen(path, "we");
}

void rp_fig_script(const struct sf_figure *d, char *buf, size_t len)
{
	if (d->script)
		snprintf(buf, len, "%s", d->script);
	else
		snprintf(buf, len, "%s.gp", d->name);
}

void rp_fig_title(const struct sf_figure *d, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", d->title, d->subtitle ? ", " : "",
		 d->subtitle ? d->subtitle : "");
}

struct fig *rp_series_fig(struct report *rp, const char *script, const char *prefix,
			  const char *part, const char *title, bool emu, struct series *s, int ns)
{
	struct fig *f = ns ? rp_new_fig(rp, script, prefix, part, title, emu) : NULL;

	if (!f) {
		series_free(s, ns);
		return NULL;
	}
	f->nseries = ns;
	return f;
}

void rp_fig_emulated(const struct report *rp, struct fig *f)
{
	size_t l = strlen(f->title);

	snprintf(f->title + l, sizeof(f->title) - l, " - %s", rp->emu_title);
}

void rp_figures(struct report *rp)
{
	for (int b = 0; sf_benches[b]; b++)
		for (const struct sf_figure *d = sf_benches[b]->figures; d && d->name; d++)
			kinds[d->kind]->draw(rp, sf_benches[b], d);
	rp_fig_attrib(rp);
}
