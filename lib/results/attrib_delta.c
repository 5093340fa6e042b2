// SPDX-License-Identifier: MIT
/*
 * compare: which phases of a point's median event moved between two
 * attributions, by how much and outside which interval; contention's
 * lock hold and wait, base against new.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sf_attrib_delta.h"
#include "sf_fmt.h"


bool sf_attrib_diff(const struct sf_attrib_kind *b, const struct sf_attrib_kind *n,
		    double threshold, struct sf_attrib_delta *out)
{
	memset(out, 0, sizeof(*out));
	if (b->kind != n->kind || !b->n || !n->n || !(b->total_p50 > 0))
		return false;
	out->kind = b->kind;
	out->base_us = b->total_p50;
	out->new_us = n->total_p50;
	out->threshold = threshold;
	out->base_map = b->map_version;
	out->new_map = n->map_version;
	if (out->base_map != out->new_map)
		return true;
	out->intervals = b->nmid > 1 && n->nmid > 1;
	for (int p = 0; p < SF_PH_N && out->intervals; p++)
		if ((b->mapped[p] && !isfinite(b->mid_ci_us[p])) ||
		    (n->mapped[p] && !isfinite(n->mid_ci_us[p])))
			out->intervals = false;	/* one side from before intervals */
	for (int p = 0; p < SF_PH_N; p++) {
		bool moved;

		/*
		 * A phase one side's map has no row for (6.1 has no per-VMA
		 * lock, so no VMA lock and no VMA-lock retry): that kernel
		 * spends none of its time there, so its side counts 0.
		 */
		out->only[p] = b->mapped[p] == n->mapped[p] ? 0 : b->mapped[p] ? 1 : 2;
		out->base_phase_us[p] = b->mapped[p] ? b->share[p] * b->total_p50 : 0;
		out->new_phase_us[p] = n->mapped[p] ? n->share[p] * n->total_p50 : 0;
		out->ci_us[p] = NAN;
		if (!b->mapped[p] && !n->mapped[p])
			continue;
		if (out->intervals) {
			out->base_phase_us[p] = b->mapped[p] ? b->mid_us[p] : 0;
			out->new_phase_us[p] = n->mapped[p] ? n->mid_us[p] : 0;
			out->ci_us[p] = hypot(b->mapped[p] ? b->mid_ci_us[p] : 0, n->mapped[p] ? n->mid_ci_us[p] : 0);
		}
		moved = fabs(out->new_phase_us[p] - out->base_phase_us[p]) >= threshold * b->total_p50;
		if (out->intervals)
			moved = moved && fabs(out->new_phase_us[p] - out->base_phase_us[p]) > out->ci_us[p];
		if (moved)
			out->phase[out->n++] = p;
		else
			out->nsame++;
	}
	for (int i = 0; i < out->n; i++)
		for (int j = i + 1; j < out->n; j++) {
			int a = out->phase[i], c = out->phase[j];

			if (fabs(out->new_phase_us[c] - out->base_phase_us[c]) >
			    fabs(out->new_phase_us[a] - out->base_phase_us[a])) {
				out->phase[i] = c;
				out->phase[j] = a;
			}
		}
	return true;
}

/* after a phase whose row only one side's kernel has */
static const char *const only_words[] = { "", "; base kernel only", "; new kernel only" };

void sf_attrib_delta_line(const struct sf_attrib_delta *d, char *buf, size_t len)
{
	size_t off = 0;
	int w;

	buf[0] = '\0';
	if (d->base_map != d->new_map) {
		snprintf(buf, len, "phases not compared: folded with phase maps v%d and v%d (attribute the older again with this syncfault)",
			 d->base_map, d->new_map);
		return;
	}
	for (int i = 0; i < d->n && off < len; i++) {
		int p = d->phase[i];
		double delta = d->new_phase_us[p] - d->base_phase_us[p];
		char num[32];

		sf_fmt_signed(delta, fabs(delta) < 10 ? 1 : 0, " us", num, sizeof(num));
		w = snprintf(buf + off, len - off, "%s%s %s", i ? ", " : "", sf_phase_name(p), num);
		off += w > 0 ? (size_t)w : 0;
		if (d->intervals && off < len) {
			w = snprintf(buf + off, len - off, " (+-%.*f%s)", d->ci_us[p] < 10 ? 1 : 0, d->ci_us[p],
				     only_words[d->only[p]]);
			off += w > 0 ? (size_t)w : 0;
		} else if (d->only[p] && off < len) {
			w = snprintf(buf + off, len - off, " (%s)", only_words[d->only[p]] + 2);
			off += w > 0 ? (size_t)w : 0;
		}
	}
	if (off < len && d->nsame && d->intervals)
		snprintf(buf + off, len - off, "%s%s within noise (95%% interval, or under %.0f%% of the event)",
			 d->n ? "; " : "", d->n ? "other phases" : "every phase", 100 * d->threshold);
	else if (off < len && d->nsame)
		snprintf(buf + off, len - off, "%s%s within %.0f%% of the event", d->n ? "; " : "",
			 d->n ? "other phases" : "every phase", 100 * d->threshold);
}

/* "16.3 ms -> 3.38 ms (p50; mean 20.0 ms -> 7.80 ms)" */
static int dist_change(const struct sf_attrib_dist *b, const struct sf_attrib_dist *n,
		       char *buf, size_t len)
{
	char b50[24], n50[24], bm[24], nm[24];

	sf_fmt_value(b->p50 * 1000, "ns", b50, sizeof(b50));
	sf_fmt_value(n->p50 * 1000, "ns", n50, sizeof(n50));
	sf_fmt_value(b->mean * 1000, "ns", bm, sizeof(bm));
	sf_fmt_value(n->mean * 1000, "ns", nm, sizeof(nm));
	return snprintf(buf, len, "%s -> %s (p50; mean %s -> %s)", b50, n50, bm, nm);
}

void sf_attrib_roles_delta_line(const struct sf_attrib_roles *b, const struct sf_attrib_roles *n,
				char *buf, size_t len)
{
	size_t off = 0;
	int w;

	buf[0] = '\0';
	if (b->fault.n && n->fault.n) {
		w = snprintf(buf, len, "faulter's mmap_lock hold per fault ");
		off += w > 0 ? (size_t)w : 0;
		if (off < len) {
			w = dist_change(&b->hold[SF_LOCK_MMAP], &n->hold[SF_LOCK_MMAP], buf + off, len - off);
			off += w > 0 ? (size_t)w : 0;
		}
	}
	if (b->op.n && n->op.n && off < len) {
		w = snprintf(buf + off, len - off, "%slocker's wait per %s ", off ? "; " : "",
			     n->locker_kind == SF_EV_FAULT ? "fault" : "operation");
		off += w > 0 ? (size_t)w : 0;
		if (off < len)
			dist_change(&b->wait, &n->wait, buf + off, len - off);
	}
}
