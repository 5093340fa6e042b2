// SPDX-License-Identifier: MIT
/*
 * The phase map against one kernel's traceable functions (pure: the list
 * comes from the guest, see cli/cmd_kernel_phases.c).  A row that applies
 * to the kernel and is not traceable is dead: at run time the pass would
 * drop it and its phase would read low, so the check fails and names it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_array.h"
#include "sf_attrib_check.h"

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One line: a comment ("# release R" kept), or a name up to its first blank. */
static int add_line(struct sf_fnset *s, const char *line, size_t len)
{
	size_t n = 0;

	if (len > 10 && !strncmp(line, "# release ", 10)) {
		snprintf(s->release, sizeof(s->release), "%.*s", (int)strcspn(line + 10, " \t\n"), line + 10);
		return 0;
	}
	if (!len || *line == '#')
		return 0;
	while (n < len && line[n] != ' ' && line[n] != '\t')
		n++;
	if (SF_GROW(s->names, s->n + 1, s->cap))
		return -1;
	s->names[s->n] = strndup(line, n);
	return s->names[s->n++] ? 0 : -1;
}

int sf_fnset_add(struct sf_fnset *s, const char *text)
{
	const char *p = text;

	while (*p) {
		size_t len = strcspn(p, "\n");

		if (add_line(s, p, len))
			return -1;
		p += len + (p[len] == '\n');
	}
	qsort(s->names, s->n, sizeof(*s->names), cmp_name);
	return 0;
}

bool sf_fnset_has(const struct sf_fnset *s, const char *fn)
{
	return s->n && bsearch(&fn, s->names, s->n, sizeof(*s->names), cmp_name);
}

void sf_fnset_free(struct sf_fnset *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->names[i]);
	free(s->names);
	memset(s, 0, sizeof(*s));
}

int sf_check_slot(const struct sf_phase_fn *r)
{
	if (r->role == SF_ROLE_ROOT)
		return SF_PH_N + (r->phase == SF_EV_LOCKOP ? SF_EV_NKINDS : r->phase);
	return r->phase;
}

const char *sf_check_slot_name(int slot)
{
	return slot < SF_PH_N ? sf_phase_name(slot) : sf_ev_kind_name(slot - SF_PH_N);
}

static bool applies(const struct sf_phase_fn *r, int kver)
{
	return !kver || !((r->since && kver < r->since) || (r->until && kver >= r->until));
}

void sf_attrib_check(const struct sf_attrib_map *m, int kver, const struct sf_fnset *fns,
		     struct sf_phase_check *out)
{
	memset(out, 0, sizeof(*out));
	out->kver = kver;
	for (int i = 0; i < m->n; i++) {
		struct sf_row_check *c = &out->rows[out->nrows++];
		int slot = sf_check_slot(&m->fn[i]);

		c->row = m->fn[i];
		c->traceable = sf_fnset_has(fns, c->row.fn) && (!c->row.within || sf_fnset_has(fns, c->row.within));
		c->verdict = !applies(&c->row, kver) ? SF_ROW_ABSENT : c->traceable ? SF_ROW_LIVE : SF_ROW_DEAD;
		out->ndead += c->verdict == SF_ROW_DEAD;
		if (slot < 0 || c->verdict == SF_ROW_ABSENT)
			continue;
		out->applies[slot]++;
		out->live[slot] += c->verdict == SF_ROW_LIVE;
	}
	for (int s = 0; s < SF_CHECK_SLOTS; s++)
		out->nblind += out->applies[s] && !out->live[s];
}
