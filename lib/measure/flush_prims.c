// SPDX-License-Identifier: MIT
/*
 * Flush primitives: the table of sf_flush.h (the persist step that the
 * modes use is lib/measure/persist.c, on the same instructions, sf_flush_insn.h).
 *
 * Every instruction that needs a CPU feature beyond baseline x86-64 sits in
 * a function compiled for that feature alone (target attribute, or inline
 * asm that the assembler accepts whatever -march says), so the binary runs
 * on any x86-64 and only the table's support check decides what may run.
 *
 * One operation = write len bytes and make them durable under a fence
 * policy.  The policy splits dst into groups of `every` cache lines; each
 * group is written and flushed by a primitive-specific group function and
 * followed by sfence.  The group functions are always inlined into the
 * per-primitive driver so a fence-per-line run pays no call per line.
 *
 * Also here, because only flush measurements need it: the drained timing
 * window (sf_flush_drain_overhead).  NUMA-placed buffers: flush_buf.c.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <immintrin.h>
#include <libpmem.h>
#include <numa.h>
#include <numaif.h>

#include "sf_clock.h"
#include "sf_cpu.h"
#include "sf_flush.h"
#include "sf_flush_insn.h"
#include "sf_modes.h"
#include "sf_persist.h"
#include "sf_stats.h"

#define LINE		SF_FLUSH_LINE
#define LINE_MASK	((uintptr_t)LINE - 1)
#define INLINE		static inline __attribute__((always_inline))

/* ---- single-line instructions (the flushes are in sf_flush_insn.h) ---- */

/* 64-byte direct store: dst must be 64-byte aligned, src need not be. */
INLINE void movdir64b_line(char *d, const char *s)
{
	__asm__ volatile("movdir64b (%1), %0" :: "r"(d), "r"(s) : "memory");
}

INLINE void movnti_line(char *d, const char *s)
{
	for (int i = 0; i < LINE; i += 8) {
		long long v;

		memcpy(&v, s + i, 8);
		_mm_stream_si64((long long *)(d + i), v);
	}
}

INLINE void sse2_line(char *d, const char *s)
{
	for (int i = 0; i < LINE; i += 16)
		_mm_stream_si128((__m128i *)(d + i),
				 _mm_loadu_si128((const __m128i *)(s + i)));
}

#define TARGET_AVX2	__attribute__((target("avx2")))
#define TARGET_AVX512	__attribute__((target("avx512f")))

INLINE TARGET_AVX2 void avx2_line(char *d, const char *s)
{
	for (int i = 0; i < LINE; i += 32)
		_mm256_stream_si256((__m256i *)(d + i),
				    _mm256_loadu_si256((const __m256i *)(s + i)));
}

INLINE TARGET_AVX512 void avx512_line(char *d, const char *s)
{
	_mm512_stream_si512((__m512i *)d, _mm512_loadu_si512((const void *)s));
}

/* ---- groups and the fence policy --------------------------------------- */

/* Bytes from d to the end of its group of `every` lines, at most len. */
INLINE size_t group_len(const char *d, size_t len, size_t every)
{
	size_t n;

	if (every > len / LINE + 1)	/* one group covers it all */
		return len;
	n = every * LINE - ((uintptr_t)d & LINE_MASK);
	return n < len ? n : len;
}

/* Bytes from d to the end of its cache line, at most len. */
INLINE size_t line_len(const char *d, size_t len)
{
	size_t n = LINE - ((uintptr_t)d & LINE_MASK);

	return n < len ? n : len;
}

/*
 * Plain stores of one piece of a line: constant-size copies for a whole
 * line so the compiler emits register moves, never a library call that
 * might pick non-temporal stores by itself.
 */
INLINE void store_piece(char *d, const char *s, size_t n)
{
	if (n == LINE)
		memcpy(d, s, LINE);
	else
		memcpy(d, s, n);
}

/* A partial line of a non-temporal primitive: plain stores + the persist step's flush. */
static void partial_line(char *d, const char *s, size_t n)
{
	memcpy(d, s, n);
	sf_flush_range(d, n);
}

/*
 * The driver every primitive shares.  GROUP(d, s, n) writes and flushes
 * [d, d+n) without fencing; it is a macro argument so that it is inlined
 * into a function compiled with the primitive's target.
 */
#define DEFINE_WRITE(fn, attr, GROUP)					\
	static attr void fn(void *dst, const void *src, size_t len,	\
			    size_t every)				\
	{								\
		char *d = dst;						\
		const char *s = src;					\
									\
		if (every == SF_FENCE_END) {				\
			GROUP(d, s, len);				\
			sf_sfence();					\
			return;						\
		}							\
		while (len) {						\
			size_t n = group_len(d, len, every);		\
									\
			GROUP(d, s, n);					\
			sf_sfence();					\
			d += n;						\
			s += n;						\
			len -= n;					\
		}							\
	}

/* Store each line, then flush it: the usual store+flush loop. */
#define STORE_FLUSH_GROUP(FLUSH)					\
	INLINE void store_##FLUSH(char *d, const char *s, size_t len)	\
	{								\
		while (len) {						\
			size_t n = line_len(d, len);			\
									\
			store_piece(d, s, n);				\
			sf_##FLUSH##_line(d);				\
			d += n;						\
			s += n;						\
			len -= n;					\
		}							\
	}

STORE_FLUSH_GROUP(clflush)
STORE_FLUSH_GROUP(clflushopt)
STORE_FLUSH_GROUP(clwb)

DEFINE_WRITE(write_clflush, , store_clflush)
DEFINE_WRITE(write_clflushopt, , store_clflushopt)
DEFINE_WRITE(write_clwb, , store_clwb)

/* Aligned whole lines with LINE_OP, partial lines at either end by hand. */
#define NT_GROUP(name, attr, LINE_OP)					\
	INLINE attr void name(char *d, const char *s, size_t len)	\
	{								\
		size_t head = (-(uintptr_t)d) & LINE_MASK;		\
									\
		if (head) {						\
			if (head > len)					\
				head = len;				\
			partial_line(d, s, head);			\
			d += head;					\
			s += head;					\
			len -= head;					\
		}							\
		for (; len >= LINE; d += LINE, s += LINE, len -= LINE)	\
			LINE_OP(d, s);					\
		if (len)						\
			partial_line(d, s, len);			\
	}

NT_GROUP(nt_movnti, , movnti_line)
NT_GROUP(nt_sse2, , sse2_line)
NT_GROUP(nt_avx2, TARGET_AVX2, avx2_line)
NT_GROUP(nt_avx512, TARGET_AVX512, avx512_line)
NT_GROUP(nt_movdir64b, , movdir64b_line)

DEFINE_WRITE(write_movnti, , nt_movnti)
DEFINE_WRITE(write_sse2, , nt_sse2)
DEFINE_WRITE(write_avx2, TARGET_AVX2, nt_avx2)
DEFINE_WRITE(write_avx512, TARGET_AVX512, nt_avx512)
DEFINE_WRITE(write_movdir64b, , nt_movdir64b)

/* ---- flush without storing (lines already written: state=clean) -------- */

#define FLUSH_GROUP(FLUSH)						\
	INLINE void only_##FLUSH(const char *d, size_t len)		\
	{								\
		uintptr_t p = (uintptr_t)d & ~LINE_MASK;		\
		uintptr_t end = (uintptr_t)d + len;			\
									\
		for (; p < end; p += LINE)				\
			sf_##FLUSH##_line((const void *)p);			\
	}								\
	static void flushonly_##FLUSH(const void *dst, size_t len,	\
				      size_t every)			\
	{								\
		const char *d = dst;					\
									\
		if (every == SF_FENCE_END) {				\
			only_##FLUSH(d, len);				\
			sf_sfence();					\
			return;						\
		}							\
		while (len) {						\
			size_t n = group_len(d, len, every);		\
									\
			only_##FLUSH(d, n);				\
			sf_sfence();					\
			d += n;						\
			len -= n;					\
		}							\
	}

FLUSH_GROUP(clflush)
FLUSH_GROUP(clflushopt)
FLUSH_GROUP(clwb)

/* ---- libpmem, the reference implementation ----------------------------- */

/*
 * Plain stores over a range, line by line (also the "store" reference).
 * Loop distribution off: gcc must not turn this back into a memcpy call.
 */
__attribute__((optimize("no-tree-loop-distribute-patterns")))
static void store_range(char *d, const char *s, size_t len)
{
	while (len) {
		size_t n = line_len(d, len);

		store_piece(d, s, n);
		d += n;
		s += n;
		len -= n;
	}
}

/* Store, then pmem_persist (per group: pmem_flush + pmem_drain). */
static void write_pmem_persist(void *dst, const void *src, size_t len,
			       size_t every)
{
	char *d = dst;
	const char *s = src;

	if (every == SF_FENCE_END) {
		store_range(d, s, len);
		pmem_persist(d, len);
		return;
	}
	while (len) {
		size_t n = group_len(d, len, every);

		store_range(d, s, n);
		pmem_persist(d, n);
		d += n;
		s += n;
		len -= n;
	}
}

static void flushonly_pmem_persist(const void *dst, size_t len, size_t every)
{
	const char *d = dst;

	if (every == SF_FENCE_END) {
		pmem_persist(d, len);
		return;
	}
	while (len) {
		size_t n = group_len(d, len, every);

		pmem_persist(d, n);
		d += n;
		len -= n;
	}
}

/* fence=end is literally pmem_memcpy_persist; groups drain per group. */
static void pmem_copy(void *dst, const void *src, size_t len, size_t every,
		      unsigned int flags)
{
	char *d = dst;
	const char *s = src;

	if (every == SF_FENCE_END) {
		if (flags)
			pmem_memcpy(d, s, len, flags);
		else
			pmem_memcpy_persist(d, s, len);
		return;
	}
	while (len) {
		size_t n = group_len(d, len, every);

		pmem_memcpy(d, s, n, flags | PMEM_F_MEM_NODRAIN);
		pmem_drain();
		d += n;
		s += n;
		len -= n;
	}
}

static void write_pmem_memcpy(void *dst, const void *src, size_t len,
			      size_t every)
{
	pmem_copy(dst, src, len, every, 0);
}

static void write_pmem_memcpy_nt(void *dst, const void *src, size_t len,
				 size_t every)
{
	pmem_copy(dst, src, len, every, PMEM_F_MEM_NONTEMPORAL);
}

/* ---- references: not durable, the fence policy does not apply ---------- */

static void write_store(void *dst, const void *src, size_t len, size_t every)
{
	store_range(dst, src, len);
}

static void write_memset(void *dst, const void *src, size_t len, size_t every)
{
	memset(dst, *(const unsigned char *)src, len);
}

/* ---- the table ---------------------------------------------------------- */

const struct sf_flush_prim sf_flush_prims[] = {
	{ "clflush", "clflush", "stores, clflush per line",
	  SF_PRIM_FLUSH, true, false, write_clflush, flushonly_clflush },
	{ "clflushopt", "clflushopt", "stores, clflushopt per line",
	  SF_PRIM_FLUSH, true, false, write_clflushopt, flushonly_clflushopt },
	{ "clwb", "clwb", "stores, clwb per line",
	  SF_PRIM_FLUSH, true, false, write_clwb, flushonly_clwb },
	{ "movnti", "sse2", "8-byte non-temporal stores (movnti)",
	  SF_PRIM_NT, true, false, write_movnti, NULL },
	{ "ntstore-sse2", "sse2", "16-byte non-temporal stores (movntdq xmm)",
	  SF_PRIM_NT, true, false, write_sse2, NULL },
	{ "ntstore-avx2", "avx2", "32-byte non-temporal stores (vmovntdq ymm)",
	  SF_PRIM_NT, true, false, write_avx2, NULL },
	{ "ntstore-avx512", "avx512f", "64-byte non-temporal stores (vmovntdq zmm)",
	  SF_PRIM_NT, true, false, write_avx512, NULL },
	{ "movdir64b", "movdir64b", "64-byte direct stores (movdir64b)",
	  SF_PRIM_NT, true, false, write_movdir64b, NULL },
	{ "pmem_persist", "clflush", "stores, then libpmem pmem_persist",
	  SF_PRIM_LIBPMEM, true, false, write_pmem_persist, flushonly_pmem_persist },
	{ "pmem_memcpy_persist", "sse2", "libpmem pmem_memcpy_persist",
	  SF_PRIM_LIBPMEM, true, false, write_pmem_memcpy, NULL },
	{ "pmem_memcpy_persist-nt", "sse2",
	  "libpmem pmem_memcpy with PMEM_F_MEM_NONTEMPORAL",
	  SF_PRIM_LIBPMEM, true, false, write_pmem_memcpy_nt, NULL },
	{ "store", NULL, "plain stores, no flush, no fence (reference)",
	  SF_PRIM_REF, false, false, write_store, NULL },
	{ "memset", NULL, "glibc memset, no flush, no fence (reference)",
	  SF_PRIM_REF, false, true, write_memset, NULL },
	{ NULL },
};

static const char *prim_name(int i)
{
	return sf_flush_prims[i].name;
}

const struct sf_param_table sf_flush_values = { prim_name, NULL };

const struct sf_flush_prim *sf_flush_find(const char *name)
{
	for (const struct sf_flush_prim *p = sf_flush_prims; p->name; p++)
		if (!strcmp(p->name, name))
			return p;
	return NULL;
}

const char *sf_flush_names(void)
{
	static char buf[512];

	if (!buf[0]) {
		size_t off = 0;

		for (const struct sf_flush_prim *p = sf_flush_prims; p->name; p++)
			off += snprintf(buf + off, sizeof(buf) - off, "%s%s",
					off ? "," : "", p->name);
	}
	return buf;
}

int sf_flush_supported(const struct sf_flush_prim *p, char *reason, size_t len)
{
	if (!p->flag || sf_cpu_has(p->flag))
		return 0;
	snprintf(reason, len, "%s missing", p->flag);
	return -1;
}

/* ---- timing ------------------------------------------------------------ */

static double drain_overhead_ticks = -1;

double sf_flush_drain_overhead(void)
{
	enum { N = 20001 };
	double *d;

	if (drain_overhead_ticks >= 0)
		return drain_overhead_ticks;
	d = malloc(N * sizeof(*d));
	if (!d)
		return sf_clock.overhead_ticks;
	for (int i = 0; i < N + 1000; i++) {	/* the first 1000 warm up */
		uint64_t t0, t1;

		sf_flush_drain();
		t0 = sf_start();
		sf_flush_drain();
		t1 = sf_stop();
		if (i >= 1000)
			d[i - 1000] = (double)(t1 - t0);
	}
	drain_overhead_ticks = sf_median_of(d, N);
	free(d);
	return drain_overhead_ticks;
}

double sf_flush_sample_ns(uint64_t t0, uint64_t t1)
{
	double d = (double)(t1 - t0) - sf_flush_drain_overhead();

	return d > 0 ? sf_ticks_to_ns(d) : 0.0;
}
