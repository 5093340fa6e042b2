/* SPDX-License-Identifier: MIT */
/* A result's "attribution" object: the aggregated facts to JSON and back. */
#ifndef SF_ATTRIB_JSON_H
#define SF_ATTRIB_JSON_H

#include <json-c/json.h>

#include "sf_attrib_agg.h"

/* JSON of one kind's facts (phases keyed by name; an unmapped phase is null). */
json_object *sf_attrib_kind_json(const struct sf_attrib_kind *k);
/* Back from a result's "attribution": fills out[SF_EV_NKINDS], returns the count. */
int sf_attrib_kinds(json_object *attribution, struct sf_attrib_kind *out);

json_object *sf_attrib_roles_json(const struct sf_attrib_roles *r);
/* Back from a result's "attribution"; false without a "roles" object. */
bool sf_attrib_roles_get(json_object *attribution, struct sf_attrib_roles *out);

/* A number of the attribution object (NAN when absent or null). */
double sf_attrib_jdouble(json_object *o, const char *key);

#endif
