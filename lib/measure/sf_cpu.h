/* SPDX-License-Identifier: MIT */
/*
 * CPU features from CPUID, read once.  The bottom of lib/: the clock (is
 * the TSC invariant?), the flush primitives (clwb? movdir64b?) and the
 * environment record all ask here, and this asks nobody.
 */
#ifndef SF_CPU_H
#define SF_CPU_H

#include <stdbool.h>

/* Every flag, for code that walks them by name (X(name) per flag). */
#define SF_CPU_FLAGS(X) X(sse2) X(avx2) X(avx512f) X(clflush) X(clflushopt) \
	X(clwb) X(movdiri) X(movdir64b) X(rdtscp) X(invariant_tsc) X(hypervisor)

struct sf_cpu_flags {
#define SF_CPU_FIELD(f) bool f;
	SF_CPU_FLAGS(SF_CPU_FIELD)
#undef SF_CPU_FIELD
};

/* Read CPUID once; tests may mask bits to simulate older CPUs. */
const struct sf_cpu_flags *sf_cpu(void);
void sf_cpu_mask(const char *flag);	/* pretend a flag is missing */
/* true if sf_cpu() (with masks applied) has the named flag */
bool sf_cpu_has(const char *flag);
/* The hypervisor's CPUID vendor ("KVMKVMKVM" ...), "" when there is none. */
void sf_cpu_hv_vendor(char buf[13]);

#endif
