// SPDX-License-Identifier: MIT
/*
 * The attribution in a result's JSON: per event kind, phases keyed by name
 * (null where the map had no function for the phase: unknown, not zero);
 * contention's per-role distributions.  And back, for the readers.
 */
#include <math.h>
#include <string.h>

#include "sf_attrib_json.h"

static const char *const lock_keys[SF_LOCK_N] = { "mmap_lock_hold", "vma_lock_hold" };

double sf_attrib_jdouble(json_object *o, const char *key)
{
	json_object *v;

	return o && json_object_object_get_ex(o, key, &v) && v ? json_object_get_double(v) : NAN;
}

static json_object *num(double v)
{
	return isfinite(v) ? json_object_new_double(round(v * 1000) / 1000) : NULL;
}

/* Shares to 1e-6, so that phases add up to their event. */
static json_object *share(double v)
{
	return isfinite(v) ? json_object_new_double(round(v * 1e6) / 1e6) : NULL;
}

json_object *sf_attrib_kind_json(const struct sf_attrib_kind *k)
{
	json_object *o = json_object_new_object(), *ph = json_object_new_object();

	json_object_object_add(o, "events", json_object_new_int64((int64_t)k->n));
	json_object_object_add(o, "total_p50_us", num(k->total_p50));
	json_object_object_add(o, "total_p99_us", num(k->total_p99));
	json_object_object_add(o, "coverage", num(k->coverage));
	json_object_object_add(o, "mid_events", json_object_new_int64((int64_t)k->nmid));
	for (int p = 0; p < SF_PH_N; p++) {
		json_object *po;

		if (!k->mapped[p]) {
			/* no function for it on this kernel and filesystem: not zero, unknown */
			json_object_object_add(ph, sf_phase_name(p), NULL);
			continue;
		}
		po = json_object_new_object();
		json_object_object_add(po, "share", share(k->share[p]));
		json_object_object_add(po, "p50_us", num(k->p50[p]));
		json_object_object_add(po, "p99_us", num(k->p99[p]));
		json_object_object_add(po, "mid_us", num(k->mid_us[p]));
		json_object_object_add(po, "mid_ci95_us", num(k->mid_ci_us[p]));
		json_object_object_add(ph, sf_phase_name(p), po);
	}
	json_object_object_add(o, "phases", ph);
	return o;
}

/*
 * A phase of an older map that this one does not have ("mmap_lock wait" of
 * map 1): its share of the event is time no phase here names, so it is
 * other's, and the phases still add up to the event.
 */
static void unknown_into_other(json_object *ph, struct sf_attrib_kind *k)
{
	json_object_object_foreach(ph, name, po) {
		if (!po || sf_phase_find(name) >= 0)
			continue;
		k->share[SF_PH_OTHER] += sf_attrib_jdouble(po, "share");
		if (isfinite(sf_attrib_jdouble(po, "mid_us")) && isfinite(k->mid_us[SF_PH_OTHER]))
			k->mid_us[SF_PH_OTHER] += sf_attrib_jdouble(po, "mid_us");
	}
}

/* A kind's facts back from its JSON (what the summary and report print). */
static void kind_from_json(json_object *ko, int kind, int version, struct sf_attrib_kind *k)
{
	json_object *ph, *po;

	memset(k, 0, sizeof(*k));
	k->kind = kind;
	k->map_version = version;
	k->n = (size_t)sf_attrib_jdouble(ko, "events");
	k->total_p50 = sf_attrib_jdouble(ko, "total_p50_us");
	k->total_p99 = sf_attrib_jdouble(ko, "total_p99_us");
	k->coverage = sf_attrib_jdouble(ko, "coverage");
	k->nmid = isfinite(sf_attrib_jdouble(ko, "mid_events")) ? (size_t)sf_attrib_jdouble(ko, "mid_events") : 0;
	for (int p = 0; p < SF_PH_N; p++)
		k->mid_us[p] = k->mid_ci_us[p] = NAN;
	if (!json_object_object_get_ex(ko, "phases", &ph))
		return;
	for (int p = 0; p < SF_PH_N; p++) {
		if (!json_object_object_get_ex(ph, sf_phase_name(p), &po) || !po)
			continue;
		k->mid_us[p] = sf_attrib_jdouble(po, "mid_us");
		k->mid_ci_us[p] = sf_attrib_jdouble(po, "mid_ci95_us");
		k->mapped[p] = true;
		k->share[p] = sf_attrib_jdouble(po, "share");
		k->p50[p] = sf_attrib_jdouble(po, "p50_us");
		k->p99[p] = sf_attrib_jdouble(po, "p99_us");
	}
	unknown_into_other(ph, k);
}

int sf_attrib_kinds(json_object *attribution, struct sf_attrib_kind *out)
{
	double v = sf_attrib_jdouble(attribution, "map_version");
	json_object *ev, *ko;
	int n = 0;

	if (!attribution || !json_object_object_get_ex(attribution, "events", &ev))
		return 0;
	for (int k = 0; k < SF_EV_NKINDS; k++)
		if (json_object_object_get_ex(ev, sf_ev_kind_name(k), &ko) && ko)
			kind_from_json(ko, k, isfinite(v) ? (int)v : 1, &out[n++]);
	return n;
}

/* ---- contention: by task role ---- */

static json_object *dist_json(const struct sf_attrib_dist *d)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "n", json_object_new_int64((int64_t)d->n));
	json_object_object_add(o, "p50_us", num(d->p50));
	json_object_object_add(o, "p99_us", num(d->p99));
	json_object_object_add(o, "mean_us", num(d->mean));
	return o;
}

json_object *sf_attrib_roles_json(const struct sf_attrib_roles *r)
{
	json_object *o = json_object_new_object(), *fo = json_object_new_object();
	json_object *lo = json_object_new_object();

	for (int l = 0; l < SF_LOCK_N; l++)
		json_object_object_add(fo, lock_keys[l], dist_json(&r->hold[l]));
	json_object_object_add(fo, "fault", dist_json(&r->fault));
	json_object_object_add(lo, "kind", json_object_new_string(sf_ev_kind_name(r->locker_kind)));
	json_object_object_add(lo, "lock_wait", dist_json(&r->wait));
	json_object_object_add(lo, "op", dist_json(&r->op));
	json_object_object_add(o, "faulter", fo);
	json_object_object_add(o, "locker", lo);
	return o;
}

static void dist_get(json_object *parent, const char *key, struct sf_attrib_dist *d)
{
	json_object *o;

	d->n = 0;
	d->p50 = d->p99 = d->mean = NAN;
	if (!parent || !json_object_object_get_ex(parent, key, &o) || !o)
		return;
	d->n = (size_t)sf_attrib_jdouble(o, "n");
	d->p50 = sf_attrib_jdouble(o, "p50_us");
	d->p99 = sf_attrib_jdouble(o, "p99_us");
	d->mean = sf_attrib_jdouble(o, "mean_us");
}

bool sf_attrib_roles_get(json_object *attribution, struct sf_attrib_roles *out)
{
	json_object *r, *fo = NULL, *lo = NULL, *k;

	memset(out, 0, sizeof(*out));
	if (!attribution || !json_object_object_get_ex(attribution, "roles", &r) || !r)
		return false;
	json_object_object_get_ex(r, "faulter", &fo);
	json_object_object_get_ex(r, "locker", &lo);
	for (int l = 0; l < SF_LOCK_N; l++)
		dist_get(fo, lock_keys[l], &out->hold[l]);
	dist_get(fo, "fault", &out->fault);
	dist_get(lo, "lock_wait", &out->wait);
	dist_get(lo, "op", &out->op);
	out->locker_kind = lo && json_object_object_get_ex(lo, "kind", &k) &&
			   !strcmp(json_object_get_string(k), "fault") ? SF_EV_FAULT : SF_EV_LOCKOP;
	return true;
}
