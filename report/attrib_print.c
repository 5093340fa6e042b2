// SPDX-License-Identifier: MIT
/* The run summary's attribution lines, printed from sf_attrib_facts(). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sf_attrib_print.h"

void sf_attrib_roles_lines(const struct sf_attrib_roles *r, const char *indent, FILE *f)
{
	char text[1024];

	sf_attrib_roles_text(r, indent, text, sizeof(text));
	fputs(text, f);
}

static void print_per_update(const struct sf_attrib_kind_facts *kf, FILE *f)
{
	const char *sep = "";

	if (!kf->batch)
		return;
	fprintf(f, "    per update (median call / batch %.0f): ", kf->batch);
	for (int p = 0; p < SF_PH_N; p++) {
		if (!isfinite(kf->per_update_us[p]))
			continue;
		fprintf(f, "%s%s %.1f us", sep, sf_phase_name(p), kf->per_update_us[p]);
		sep = ", ";
	}
	fprintf(f, "\n");
}

static void print_kind(const struct sf_attrib_kind_facts *kf, FILE *f)
{
	fprintf(f, "  attribution %s: %s\n", kf->label, kf->phases);
	fprintf(f, "    %zu traced events, median %.1f us (p99 %.1f us); coverage %.2f%s\n",
		kf->k.n, kf->k.total_p50, kf->k.total_p99, kf->k.coverage,
		kf->coverage_ok ? "" : " < 0.9: the named phases do not explain the traced time");
	print_per_update(kf, f);
}

void sf_attrib_print(const struct sf_result *r, FILE *f)
{
	struct sf_attrib_facts a;

	sf_attrib_facts(r, &a);
	if (!a.present)
		return;
	if (strcmp(a.status, "ok")) {
		fprintf(f, "  attribution: %s: %s\n", a.status, a.reason);
		return;
	}
	for (int i = 0; i < a.nkinds; i++)
		print_kind(&a.kind[i], f);
	if (isfinite(a.slowdown))
		fprintf(f, "    traced repeat (not in the metrics): %s median %.2fx the untraced one\n",
			a.slowdown_metric, a.slowdown);
	if (a.has_roles)
		sf_attrib_roles_lines(&a.roles, "    ", f);
	if (a.retries > 0)
		fprintf(f, "    %.0f faults were tried under the per-VMA lock and retried under mmap_lock: one event each, both tries in it\n",
			a.retries);
	if (a.dropped > 0)
		fprintf(f, "    %.0f events left out: their nesting was garbled when the task moved to another CPU\n",
			a.dropped);
	if (a.lost > 0)
		fprintf(f, "    WARNING: the ring buffer lost %.0f events: some events are missing\n", a.lost);
}
