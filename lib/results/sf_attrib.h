/* SPDX-License-Identifier: MIT */
/*
 * Attribution: who pays for a fault or a sync call, phase by phase.
 *
 * One extra repeat of a point runs with the kernel's function_graph tracer
 * on, filtered to the functions of one table (the phase map, per filesystem
 * and kernel version: sf_attrib_map.h); lib/harness/attrib_run.c drives
 * tracefs (sf_attrib_run.h).  The recorded text trace is folded into events
 * (sf_attrib_fold.h), aggregated per event kind and task role
 * (sf_attrib_agg.h), kept in the result (sf_attrib_json.h), compared
 * (sf_attrib_delta.h) and stated (sf_attrib_lines.h).  This header is all
 * of them, for readers of results.
 */
#ifndef SF_ATTRIB_H
#define SF_ATTRIB_H

#include "sf_attrib_map.h"
#include "sf_attrib_fold.h"
#include "sf_attrib_agg.h"
#include "sf_attrib_json.h"
#include "sf_attrib_delta.h"
#include "sf_attrib_lines.h"

#endif
