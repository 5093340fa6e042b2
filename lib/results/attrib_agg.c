// SPDX-License-Identifier: MIT
/*
 * Aggregation of folded events: per kind, the median events' phases
 * (shares, means and their intervals) and percentiles over all events; per
 * task role, the lock hold and wait distributions of contention.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sf_attrib_agg.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of n sorted values. */
static double pct_sorted(const double *v, size_t n, double pct)
{
	size_t i;

	if (!n)
		return NAN;
	i = (size_t)ceil(pct / 100.0 * (double)n);
	return v[i ? i - 1 : 0];
}

static int cmp_event_total(const void *a, const void *b)
{
	return cmp_double(&((const struct sf_event *)a)->total_us, &((const struct sf_event *)b)->total_us);
}

/*
 * Shares of the events between p25 and p75 of total time: the median
 * event, robustly.  Per phase also the mean over those events and its 95%
 * interval (normal approximation: the band has tens to thousands of events).
 */
static void median_shares(struct sf_event *ev, size_t n, struct sf_attrib_kind *k)
{
	size_t lo = n / 4, hi = n - n / 4, m;
	double sum[SF_PH_N] = { 0 }, sq[SF_PH_N] = { 0 }, total = 0;

	qsort(ev, n, sizeof(*ev), cmp_event_total);
	if (hi <= lo)
		hi = lo + 1;
	if (hi > n)
		hi = n;
	for (size_t i = lo; i < hi; i++) {
		total += ev[i].total_us;
		for (int p = 0; p < SF_PH_N; p++) {
			sum[p] += ev[i].phase_us[p];
			sq[p] += ev[i].phase_us[p] * ev[i].phase_us[p];
		}
	}
	m = hi - lo;
	k->nmid = m;
	for (int p = 0; p < SF_PH_N; p++) {
		double mean = sum[p] / (double)m, var;

		k->share[p] = total > 0 ? sum[p] / total : 0;
		k->mid_us[p] = mean;
		var = m > 1 ? (sq[p] - (double)m * mean * mean) / (double)(m - 1) : NAN;
		k->mid_ci_us[p] = m > 1 ? 1.96 * sqrt(var > 0 ? var : 0) / sqrt((double)m) : NAN;
	}
	k->coverage = total > 0 ? 1 - sum[SF_PH_OTHER] / total : 0;
}

bool sf_attrib_aggregate(const struct sf_fold *f, const struct sf_attrib_map *m, int kind,
			 struct sf_attrib_kind *out)
{
	struct sf_event *ev = malloc((f->n ? f->n : 1) * sizeof(*ev));
	double *v = malloc((f->n ? f->n : 1) * sizeof(*v));
	size_t n = 0;

	memset(out, 0, sizeof(*out));
	out->kind = kind;
	out->map_version = SF_ATTRIB_MAP_VERSION;
	if (!ev || !v) {
		free(ev);
		free(v);
		return false;
	}
	for (size_t i = 0; i < f->n; i++)
		if (f->ev[i].kind == kind && f->ev[i].role != SF_TASK_LOCKER)
			ev[n++] = f->ev[i];
	out->n = n;
	for (int p = 0; p < SF_PH_N; p++)
		out->mapped[p] = sf_attrib_map_has_phase(m, p);
	if (n) {
		for (int p = 0; p <= SF_PH_N; p++) {
			for (size_t i = 0; i < n; i++)
				v[i] = p == SF_PH_N ? ev[i].total_us : ev[i].phase_us[p];
			qsort(v, n, sizeof(*v), cmp_double);
			if (p == SF_PH_N) {
				out->total_p50 = pct_sorted(v, n, 50);
				out->total_p99 = pct_sorted(v, n, 99);
			} else {
				out->p50[p] = pct_sorted(v, n, 50);
				out->p99[p] = pct_sorted(v, n, 99);
			}
		}
		median_shares(ev, n, out);
	}
	free(ev);
	free(v);
	return n > 0;
}

/* ---- contention: by task role ---- */

/* Distribution of n values (sorted in place). */
static void dist_of(double *v, size_t n, struct sf_attrib_dist *d)
{
	double sum = 0;

	memset(d, 0, sizeof(*d));
	d->n = n;
	if (!n) {
		d->p50 = d->p99 = d->mean = NAN;
		return;
	}
	qsort(v, n, sizeof(*v), cmp_double);
	for (size_t i = 0; i < n; i++)
		sum += v[i];
	d->p50 = pct_sorted(v, n, 50);
	d->p99 = pct_sorted(v, n, 99);
	d->mean = sum / (double)n;
}

enum role_q { Q_HOLD_MMAP, Q_HOLD_VMA, Q_FAULT, Q_WAIT, Q_OP };

/*
 * A locker's wait for its lock: taking it (down_write_killable for an
 * mmap_lock op, the fault's VMA lock or mmap_lock for an anonymous fault)
 * and sleeping on it.
 */
static double lock_us(const struct sf_event *e)
{
	return e->phase_us[SF_PH_VMA_LOCK] + e->phase_us[SF_PH_MMAP_LOCK] + e->phase_us[SF_PH_LOCK_WAIT];
}

/* One quantity of the events of role (and kind, for lockers). */
static void role_dist(const struct sf_fold *f, int role, int kind, enum role_q q, double *v,
		      struct sf_attrib_dist *d)
{
	size_t n = 0;

	for (size_t i = 0; i < f->n; i++) {
		const struct sf_event *e = &f->ev[i];

		if (e->role != role || e->kind != kind)
			continue;
		v[n++] = q == Q_HOLD_MMAP ? e->hold_us[SF_LOCK_MMAP] :
			 q == Q_HOLD_VMA ? e->hold_us[SF_LOCK_VMA] :
			 q == Q_WAIT ? lock_us(e) : e->total_us;
	}
	dist_of(v, n, d);
}

bool sf_attrib_roles(const struct sf_fold *f, struct sf_attrib_roles *out)
{
	double *v = malloc((f->n ? f->n : 1) * sizeof(*v));
	size_t nop = 0, nfault = 0;

	memset(out, 0, sizeof(*out));
	if (!f->roles || !v) {
		free(v);
		return false;
	}
	for (size_t i = 0; i < f->n; i++) {
		nop += f->ev[i].role == SF_TASK_LOCKER && f->ev[i].kind == SF_EV_LOCKOP;
		nfault += f->ev[i].role == SF_TASK_LOCKER && f->ev[i].kind == SF_EV_FAULT;
	}
	/* a locker does one kind of operation: mmap_lock ops, or anonymous faults */
	out->locker_kind = nop >= nfault ? SF_EV_LOCKOP : SF_EV_FAULT;
	role_dist(f, SF_TASK_FAULTER, SF_EV_FAULT, Q_HOLD_MMAP, v, &out->hold[SF_LOCK_MMAP]);
	role_dist(f, SF_TASK_FAULTER, SF_EV_FAULT, Q_HOLD_VMA, v, &out->hold[SF_LOCK_VMA]);
	role_dist(f, SF_TASK_FAULTER, SF_EV_FAULT, Q_FAULT, v, &out->fault);
	role_dist(f, SF_TASK_LOCKER, out->locker_kind, Q_WAIT, v, &out->wait);
	role_dist(f, SF_TASK_LOCKER, out->locker_kind, Q_OP, v, &out->op);
	free(v);
	return true;
}
