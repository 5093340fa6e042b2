/* SPDX-License-Identifier: MIT */
/*
 * The cache-line flush instructions, one line each, for the flush table
 * (lib/measure/flush_prims.c) and the persist step (lib/measure/persist.c) alike.  Inline asm, so
 * the assembler takes them whatever -march says: whether the CPU has them
 * is the caller's check (sf_cpu()).
 */
#ifndef SF_FLUSH_INSN_H
#define SF_FLUSH_INSN_H

#define SF_FLUSH_LINE	64	/* bytes in a cache line */
#define SF_INLINE	static inline __attribute__((always_inline))

SF_INLINE void sf_sfence(void)
{
	__asm__ volatile("sfence" ::: "memory");
}

/* The "memory" clobber keeps the line's stores before the flush. */
SF_INLINE void sf_clflush_line(const void *p)
{
	__asm__ volatile("clflush %0" :: "m"(*(const volatile char *)p) : "memory");
}

SF_INLINE void sf_clflushopt_line(const void *p)
{
	__asm__ volatile("clflushopt %0" :: "m"(*(const volatile char *)p) : "memory");
}

SF_INLINE void sf_clwb_line(const void *p)
{
	__asm__ volatile("clwb %0" :: "m"(*(const volatile char *)p) : "memory");
}

#endif
