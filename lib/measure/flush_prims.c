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
 * Also here, because only flush measurements need them: the drained timing
 * window (sf_flush_drain_overhead) and NUMA-placed buffers (sf_flush_buf).
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

/* ---- memory to measure on ---------------------------------------------- */

#define HUGE_ALIGN	(2u << 20)

static bool node_has_memory(int node)
{
	return node >= 0 && node <= numa_max_node() &&
	       numa_node_size64(node, NULL) > 0;
}

int sf_numa_pick(const char *spec, int cpu, char *reason, size_t len)
{
	int nnodes = numa_available() < 0 ? 1 : numa_num_configured_nodes();
	int local = numa_available() < 0 ? 0 : numa_node_of_cpu(cpu);
	int best = -1;
	char *end;
	long n;

	if (local < 0)
		local = 0;
	if (!strcmp(spec, "local"))
		return local;
	if (!strcmp(spec, "remote")) {
		if (nnodes < 2) {
			snprintf(reason, len, "node=remote: this machine has a single NUMA node (node %d), so there is no remote memory",
				 local);
			return -1;
		}
		/* the nearest other node that has memory */
		for (int i = 0; i <= numa_max_node(); i++)
			if (i != local && node_has_memory(i) &&
			    (best < 0 || numa_distance(local, i) < numa_distance(local, best)))
				best = i;
		if (best < 0)
			snprintf(reason, len, "node=remote: no NUMA node other than %d has memory",
				 local);
		return best;
	}
	n = strtol(spec, &end, 10);
	if (*spec && !*end && n >= 0 && n < 4096 &&
	    (numa_available() < 0 ? n == 0 : node_has_memory((int)n)))
		return (int)n;
	snprintf(reason, len, "node=%s: no such NUMA node with memory (this machine has %d node%s)",
		 spec, nnodes, nnodes == 1 ? "" : "s");
	return -1;
}

static int bind_node(char *addr, size_t len, int node, unsigned int flags,
		     char *err, size_t errlen)
{
	struct bitmask *bm;
	long r;

	if (node < 0 || numa_available() < 0)
		return 0;
	bm = numa_allocate_nodemask();
	numa_bitmask_setbit(bm, (unsigned int)node);
	r = mbind(addr, len, MPOL_BIND, bm->maskp, bm->size + 1, flags);
	numa_bitmask_free(bm);
	if (r) {
		snprintf(err, errlen, "mbind to node %d: %s", node, strerror(errno));
		return -1;
	}
	return 0;
}

static int alloc_anon(struct sf_flush_buf *b, char *err, size_t errlen)
{
	b->raw_len = b->len + HUGE_ALIGN;
	b->raw = mmap(NULL, b->raw_len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (b->raw == MAP_FAILED) {
		b->raw = NULL;
		snprintf(err, errlen, "mmap %zu bytes: %s", b->raw_len, strerror(errno));
		return -1;
	}
	b->addr = (char *)(((uintptr_t)b->raw + HUGE_ALIGN - 1) &
			   ~(uintptr_t)(HUGE_ALIGN - 1));
	/* fewer, cheaper first-touch faults and no TLB misses to speak of */
	b->thp = !madvise(b->addr, b->len, MADV_HUGEPAGE);
	return bind_node(b->addr, b->len, b->node, 0, err, errlen);
}

static int alloc_file(struct sf_flush_buf *b, const char *path, char *err,
		      size_t errlen)
{
	size_t size = (b->len + 4095) & ~(size_t)4095;

	b->is_file = true;
	if (sf_file_create(&b->file, sf_mode_find("none"), path, size,
			   SF_FILL_WRITTEN, err, errlen))
		return -1;
	if (sf_file_map(&b->file, HUGE_ALIGN, err, errlen))
		return -1;
	b->addr = b->file.map;
	/* the page cache already holds the file: move it (tmpfs honours this) */
	return bind_node(b->addr, size, b->node, MPOL_MF_MOVE, err, errlen);
}

int sf_flush_buf_device(struct sf_flush_buf *b, size_t len, const char *dev, size_t off,
			size_t align, char *err, size_t errlen)
{
	size_t size = (len + align - 1) / align * align;

	memset(b, 0, sizeof(*b));
	b->len = len;
	b->node = -1;		/* the device's memory is where it is */
	b->is_file = true;
	if (sf_file_open_device(&b->file, sf_mode_find("none"), dev, off, size, err, errlen) ||
	    sf_file_map(&b->file, align, err, errlen)) {
		sf_flush_buf_free(b);
		return -1;
	}
	b->addr = b->file.map;
	memset(b->addr, 0, len);	/* every page present before measuring */
	return 0;
}

int sf_flush_buf_alloc(struct sf_flush_buf *b, size_t len, int node,
		       const char *path, char *err, size_t errlen)
{
	int r;

	memset(b, 0, sizeof(*b));
	b->file.fd = -1;
	b->len = len;
	b->node = numa_available() < 0 ? -1 : node;
	r = path ? alloc_file(b, path, err, errlen) : alloc_anon(b, err, errlen);
	if (r) {
		sf_flush_buf_free(b);
		return -1;
	}
	memset(b->addr, 0, len);	/* every page present before measuring */
	return 0;
}

void sf_flush_buf_free(struct sf_flush_buf *b)
{
	if (b->is_file)
		sf_file_destroy(&b->file);
	else if (b->raw)
		munmap(b->raw, b->raw_len);
	memset(b, 0, sizeof(*b));
	b->file.fd = -1;
}

static int page_node(const void *addr)
{
	int node = -1;

	if (get_mempolicy(&node, NULL, 0, (void *)addr, MPOL_F_NODE | MPOL_F_ADDR))
		return -1;
	return node;
}

int sf_flush_buf_misplaced(const struct sf_flush_buf *b, int *seen)
{
	int bad = 0;

	*seen = page_node(b->addr);
	if (*seen < 0)
		return -1;
	for (size_t off = 0; off < b->len; off += HUGE_ALIGN) {
		int n = page_node(b->addr + off);

		if (n < 0)
			return -1;
		bad += b->node >= 0 && n != b->node;
	}
	bad += b->node >= 0 && page_node(b->addr + b->len - 1) != b->node;
	return bad;
}
