// SPDX-License-Identifier: MIT
/*
 * TSC calibration and timer overhead.
 *
 * The TSC rate comes from comparing TSC and CLOCK_MONOTONIC_RAW over a short
 * busy window (repeated, median kept); the overhead is the median of many
 * empty start/stop pairs, so it is what a sample of "nothing" costs and can
 * be subtracted from every real sample.
 */
#include <stdlib.h>
#include <string.h>

#include "sf_clock.h"
#include "sf_cpu.h"
#include "sf_stats.h"

struct sf_clock sf_clock = {
	.source = SF_CLOCK_MONO_RAW,
	.tsc_hz = 1e9,
};

static double calibrate_once(void)
{
	uint64_t n0 = sf_mono_ns(), t0 = sf_rdtsc_fenced();
	uint64_t n1, t1;

	do {
		n1 = sf_mono_ns();
	} while (n1 - n0 < 20 * 1000 * 1000);	/* 20 ms */
	t1 = sf_rdtsc_fenced();
	return (double)(t1 - t0) * 1e9 / (double)(n1 - n0);
}

static double calibrate_tsc(void)
{
	double hz[5];

	for (int i = 0; i < 5; i++)
		hz[i] = calibrate_once();
	return sf_median_of(hz, 5);
}

static double measure_overhead(void)
{
	enum { N = 20001 };
	static double d[N];

	for (int i = 0; i < 1000; i++) {	/* warm up */
		uint64_t a = sf_start();
		uint64_t b = sf_stop();
		(void)a; (void)b;
	}
	for (int i = 0; i < N; i++) {
		uint64_t a = sf_start();
		uint64_t b = sf_stop();
		d[i] = (double)(b - a);
	}
	return sf_median_of(d, N);
}

/* The smallest non-zero difference between back-to-back reads. */
static double measure_resolution(void)
{
	uint64_t best = UINT64_MAX;

	for (int i = 0; i < 10000; i++) {
		uint64_t a = sf_start(), b = sf_stop();

		while (b == a)
			b = sf_stop();
		if (b - a < best)
			best = b - a;
	}
	return (double)best;
}

int sf_clock_init(bool force_fallback)
{
	const struct sf_cpu_flags *cpu = sf_cpu();

	sf_clock.has_rdtscp = cpu->rdtscp;
	if (!force_fallback && cpu->invariant_tsc) {
		sf_clock.source = SF_CLOCK_TSC;
		sf_clock.tsc_hz = calibrate_tsc();
	} else {
		sf_clock.source = SF_CLOCK_MONO_RAW;
		sf_clock.tsc_hz = 1e9;
	}
	sf_clock.overhead_ticks = 0;
	sf_clock.overhead_ticks = measure_overhead();
	sf_clock.overhead_ns = sf_ticks_to_ns(sf_clock.overhead_ticks);
	sf_clock.resolution_ns = sf_ticks_to_ns(measure_resolution());
	return 0;
}

const char *sf_clock_source_name(void)
{
	if (sf_clock.source == SF_CLOCK_MONO_RAW)
		return "clock_gettime(CLOCK_MONOTONIC_RAW)";
	return sf_clock.has_rdtscp ? "tsc (rdtscp+lfence)" : "tsc (lfence+rdtsc+lfence)";
}
