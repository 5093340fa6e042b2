/* SPDX-License-Identifier: MIT */
/*
 * Cycle-accurate timing for single operations.
 *
 * The TSC is read with lfence on both sides (or rdtscp + lfence where the
 * CPU has rdtscp) so that the timed instruction cannot drift out of the
 * window.  The TSC rate is calibrated against CLOCK_MONOTONIC_RAW; where the
 * TSC is not invariant, "ticks" are CLOCK_MONOTONIC_RAW nanoseconds instead.
 */
#ifndef SF_CLOCK_H
#define SF_CLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

enum sf_clock_source {
	SF_CLOCK_TSC,		/* invariant TSC, calibrated */
	SF_CLOCK_MONO_RAW,	/* clock_gettime(CLOCK_MONOTONIC_RAW) */
};

struct sf_clock {
	enum sf_clock_source source;
	bool has_rdtscp;
	double tsc_hz;			/* ticks per second */
	double overhead_ticks;		/* median cost of an empty start/stop */
	double overhead_ns;
	double resolution_ns;		/* smallest step the timer reads */
};

extern struct sf_clock sf_clock;

/* Calibrate once per process; force_fallback is for tests and --timer. */
int sf_clock_init(bool force_fallback);
const char *sf_clock_source_name(void);

static inline uint64_t sf_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static inline uint64_t sf_rdtsc_fenced(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) :: "memory");
	return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t sf_rdtscp_fenced(void)
{
	uint32_t lo, hi, aux;

	__asm__ volatile("rdtscp; lfence" : "=a"(lo), "=d"(hi), "=c"(aux) :: "memory");
	return ((uint64_t)hi << 32) | lo;
}

/* Read before the timed operation. */
static inline uint64_t sf_start(void)
{
	if (sf_clock.source == SF_CLOCK_MONO_RAW)
		return sf_mono_ns();
	return sf_rdtsc_fenced();
}

/* Read after the timed operation: waits for it to retire. */
static inline uint64_t sf_stop(void)
{
	if (sf_clock.source == SF_CLOCK_MONO_RAW)
		return sf_mono_ns();
	if (sf_clock.has_rdtscp)
		return sf_rdtscp_fenced();
	return sf_rdtsc_fenced();
}

/* Raw tick delta to ns, without overhead correction. */
static inline double sf_ticks_to_ns(double ticks)
{
	return ticks * 1e9 / sf_clock.tsc_hz;
}

/*
 * A single timed sample in ns with the timer's own cost subtracted.
 * Clamped at zero: a sample can never be cheaper than nothing.
 */
static inline double sf_sample_ns(uint64_t t0, uint64_t t1)
{
	double d = (double)(t1 - t0) - sf_clock.overhead_ticks;

	return d > 0 ? sf_ticks_to_ns(d) : 0.0;
}

#endif
