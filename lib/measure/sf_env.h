/* SPDX-License-Identifier: MIT */
/* The machine a result was measured on, recorded with every result. */
#ifndef SF_ENV_H
#define SF_ENV_H

#include <stdbool.h>
#include <json-c/json.h>

#define SF_VERSION_STRING SYNCFAULT_VERSION

/* The whole env object of docs/results.md (kernel, cpu, hypervisor, ...). */
json_object *sf_env_json(void);
int sf_ncores(void);
int sf_nnodes(void);
/*
 * What else the machine was doing: load average and runnable/all tasks
 * (/proc/loadavg), CPU, memory and I/O pressure (/proc/pressure/{cpu,memory,io}: the
 * share of the last 10 s some or all tasks stalled, where the kernel has
 * PSI).  In env at a point's start, in info.disturbance at its end.
 */
json_object *sf_load_json(void);
/* Hypervisor name ("kvm", "qemu-tcg", ...) or "none". */
const char *sf_hypervisor(void);

#endif
