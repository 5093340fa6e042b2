// SPDX-License-Identifier: MIT
/* SF_FIG_CDF: the CDF of a latency metric's merged histogram, a line per series. */
#include <stdint.h>
#include <string.h>

#include "report_int.h"
#include "sf_harness.h"

/* A CDF of the merged histogram of every repeat of d->metric, a line per series. */
static void draw(struct report *rp, const struct sf_bench *b, const struct sf_figure *d)
{
	char parts[32][256], script[64], title[256];
	int np = rp_partitions(rp, b->name, d->metric, d->series, NULL, parts, 32);

	rp_fig_script(d, script, sizeof(script));
	rp_fig_title(d, title, sizeof(title));
	for (int p = 0; p < np; p++) {
		struct series s[MAX_SERIES];
		bool emu = false;
		int ns = 0;
		struct fig *f;

		for (int i = 0; i < rp->n; i++) {
			struct sf_result *r = &rp->res[i];
			struct sf_metric *m;
			struct series *se;
			char name[160];
			uint64_t cum = 0;
			bool first = true;

			if (!rp_in_partition(rp, r, b->name, d->metric, d->series, NULL, parts[p]))
				continue;
			m = sf_result_metric(r, d->metric);
			if (!m->hist.total)
				continue;
			rp_label(rp, r, d->series, true, NULL, name, sizeof(name));
			se = series_get(s, &ns, name);
			emu |= r->target.emulated[0] != 0;
			for (unsigned int k = 0; se && k < SF_HIST_BUCKETS; k++) {
				double lo, hi;

				if (!m->hist.count[k])
					continue;
				sf_hist_bounds(k, &lo, &hi);
				if (first)
					series_add(se, lo / 1000, 0);
				first = false;
				cum += m->hist.count[k];
				series_add(se, hi / 1000, (double)cum / m->hist.total);
			}
		}
		f = rp_series_fig(rp, script, d->name, parts[p], title, emu, s, ns);
		if (!f)
			continue;
		f->key = d->flags & SF_FIG_KEY;
		series_save(rp, f, s, ns, "%.6g");
		series_free(s, ns);
	}
}

const struct fig_kind fig_kind_cdf = { .name = "cdf", .draw = draw };
