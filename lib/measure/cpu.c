// SPDX-License-Identifier: MIT
/* CPU features (CPUID): see sf_cpu.h. */
#include <cpuid.h>
#include <stdint.h>
#include <string.h>

#include "sf_cpu.h"

static struct sf_cpu_flags cpu;
static bool cpu_read;

static uint64_t xgetbv0(void)
{
	uint32_t lo, hi;

	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((uint64_t)hi << 32) | lo;
}

static void read_cpuid(void)
{
	unsigned int a, b, c, d, max;
	bool osxsave = false;
	uint64_t xcr0 = 0;

	max = __get_cpuid_max(0, NULL);
	if (__get_cpuid(1, &a, &b, &c, &d)) {
		cpu.sse2 = d & (1u << 26);
		cpu.clflush = d & (1u << 19);
		cpu.hypervisor = c & (1u << 31);
		osxsave = c & (1u << 27);
	}
	if (osxsave)
		xcr0 = xgetbv0();
	if (max >= 7) {
		__cpuid_count(7, 0, a, b, c, d);
		/* AVX state must be enabled by the OS, not only present */
		cpu.avx2 = (b & (1u << 5)) && (xcr0 & 0x6) == 0x6;
		cpu.avx512f = (b & (1u << 16)) && (xcr0 & 0xe6) == 0xe6;
		cpu.clflushopt = b & (1u << 23);
		cpu.clwb = b & (1u << 24);
		cpu.movdiri = c & (1u << 27);
		cpu.movdir64b = c & (1u << 28);
	}
	if (__get_cpuid_max(0x80000000, NULL) >= 0x80000007) {
		__cpuid(0x80000001, a, b, c, d);
		cpu.rdtscp = d & (1u << 27);
		__cpuid(0x80000007, a, b, c, d);
		cpu.invariant_tsc = d & (1u << 8);
	}
	cpu_read = true;
}

const struct sf_cpu_flags *sf_cpu(void)
{
	if (!cpu_read)
		read_cpuid();
	return &cpu;
}

void sf_cpu_mask(const char *flag)
{
	sf_cpu();
#define MASK(f) if (!strcmp(flag, #f)) cpu.f = false;
	SF_CPU_FLAGS(MASK)
#undef MASK
}

bool sf_cpu_has(const char *flag)
{
	const struct sf_cpu_flags *c = sf_cpu();

#define HAS(f) if (!strcmp(flag, #f)) return c->f;
	SF_CPU_FLAGS(HAS)
#undef HAS
	return false;
}

void sf_cpu_hv_vendor(char buf[13])
{
	unsigned int a, b, c, d;

	buf[0] = 0;
	if (!sf_cpu()->hypervisor)
		return;
	__cpuid(0x40000000, a, b, c, d);
	memcpy(buf, &b, 4);
	memcpy(buf + 4, &c, 4);
	memcpy(buf + 8, &d, 4);
	buf[12] = 0;
}
