// SPDX-License-Identifier: MIT
/* The persist step: see sf_persist.h. */
#include <stdint.h>

#include "sf_cpu.h"
#include "sf_flush_insn.h"
#include "sf_persist.h"

#define LINE		SF_FLUSH_LINE

enum best_flush { BEST_CLWB, BEST_CLFLUSHOPT, BEST_CLFLUSH };

static enum best_flush best_flush(void)
{
	const struct sf_cpu_flags *c = sf_cpu();

	if (c->clwb)
		return BEST_CLWB;
	if (c->clflushopt)
		return BEST_CLFLUSHOPT;
	return BEST_CLFLUSH;
}

void sf_flush_range(const void *addr, size_t len)
{
	uintptr_t p = (uintptr_t)addr & ~((uintptr_t)LINE - 1);
	uintptr_t end = (uintptr_t)addr + len;

	if (!len)
		return;
	switch (best_flush()) {
	case BEST_CLWB:
		for (; p < end; p += LINE)
			sf_clwb_line((const void *)p);
		break;
	case BEST_CLFLUSHOPT:
		for (; p < end; p += LINE)
			sf_clflushopt_line((const void *)p);
		break;
	case BEST_CLFLUSH:
		for (; p < end; p += LINE)
			sf_clflush_line((const void *)p);
		break;
	}
}

void sf_persist_range(const void *addr, size_t len)
{
	sf_flush_range(addr, len);
	sf_sfence();
}

void sf_persist_fence(void)
{
	sf_sfence();
}

const char *sf_persist_range_name(void)
{
	switch (best_flush()) {
	case BEST_CLWB:
		return "clwb+sfence";
	case BEST_CLFLUSHOPT:
		return "clflushopt+sfence";
	default:
		return "clflush+sfence";
	}
}
