// SPDX-License-Identifier: MIT
/*
 * Who pays: the kernel phases of the median traced event of every result
 * with an attribution pass, stacked, a figure per partition.
 */
#include <string.h>

#include "report_int.h"
#include "sf_attrib_print.h"
#include "sf_harness.h"

static bool attributed(const struct sf_result *r, struct sf_attrib_kind *k, int *nk)
{
	*nk = r->status == SF_OK ? sf_attrib_kinds(r->attribution, k) : 0;
	return *nk > 0;
}

/* contention: the faulter's lock hold and the locker's wait under its rows */
static void attrib_roles_text(struct report *rp, const struct sf_result *r)
{
	struct sf_attrib_roles roles;

	if (sf_attrib_roles_get(r->attribution, &roles))
		sf_attrib_roles_lines(&roles, "    ", rp->text);
}

/* One row per point and event kind: the phases of its median traced event (us). */
static void attrib_rows(struct report *rp, const char *part, struct fig **fp, FILE **tsv, bool *emu)
{
	for (int i = 0; i < rp->n; i++) {
		struct sf_result *r = &rp->res[i];
		struct sf_attrib_kind k[SF_EV_NKINDS];
		char p[256], name[200], line[512];
		int nk;

		rp_partition(rp, r, NULL, NULL, p, sizeof(p));
		if (!attributed(r, k, &nk) || strcmp(p, part))
			continue;
		*emu |= r->target.emulated[0] != 0;
		if (!*fp) {
			*fp = rp_new_fig(rp, "attrib.gp", "attrib", part, "Who pays: kernel phases of the median traced event", false);
			if (!*fp || !(*tsv = rp_open_tsv(rp, *fp)))
				return;
			fprintf(*tsv, "# case");
			for (int ph = 0; ph < SF_PH_N; ph++)
				fprintf(*tsv, "\t%s", sf_phase_name(ph));
			fprintf(*tsv, " (us)\n");
			fprintf(rp->text, "\nWho pays - %s: phases of the median traced event (attribution pass)\n", part);
		}
		for (int e = 0; e < nk; e++) {
			rp_label(rp, r, NULL, true, NULL, name, sizeof(name));
			/* "fault" once where the benchmark and the event share the name */
			snprintf(name + strlen(name), sizeof(name) - strlen(name), "%s%s%s%s",
				 name[0] ? " " : "", strcmp(r->bench, sf_ev_kind_name(k[e].kind)) ? r->bench : "",
				 strcmp(r->bench, sf_ev_kind_name(k[e].kind)) ? " " : "", sf_ev_kind_name(k[e].kind));
			fprintf(*tsv, "%s", name);
			for (int ph = 0; ph < SF_PH_N; ph++)
				fprintf(*tsv, "\t%.6g", k[e].share[ph] * k[e].total_p50);
			fprintf(*tsv, "\n");
			sf_attrib_phase_line(&k[e], line, sizeof(line));
			fprintf(rp->text, "  %s: %.0f us, coverage %.2f: %s\n", name, k[e].total_p50,
				k[e].coverage, line);
			(*fp)->nseries++;
		}
		attrib_roles_text(rp, r);
	}
}

void rp_fig_attrib(struct report *rp)
{
	char parts[32][256];
	int np = 0;

	for (int i = 0; i < rp->n; i++) {
		struct sf_attrib_kind k[SF_EV_NKINDS];
		char p[256];
		bool seen = false;
		int nk;

		if (!attributed(&rp->res[i], k, &nk))
			continue;
		rp_partition(rp, &rp->res[i], NULL, NULL, p, sizeof(p));
		for (int q = 0; q < np && !seen; q++)
			seen = !strcmp(parts[q], p);
		if (!seen && np < 32)
			snprintf(parts[np++], 256, "%s", p);
	}
	for (int q = 0; q < np; q++) {
		struct fig *f = NULL;
		FILE *tsv = NULL;
		bool emu = false;

		attrib_rows(rp, parts[q], &f, &tsv, &emu);
		if (tsv)
			fclose(tsv);
		if (f && emu)
			rp_fig_emulated(rp, f);
	}
}
