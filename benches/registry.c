// SPDX-License-Identifier: MIT
#include <string.h>

#include "sf_bench.h"

#define SF_BENCH(n) extern const struct sf_bench bench_##n;
#include "list.h"
#undef SF_BENCH

const struct sf_bench *const sf_benches[] = {
#define SF_BENCH(n) &bench_##n,
#include "list.h"
#undef SF_BENCH
	NULL,
};

const struct sf_bench *sf_bench_find(const char *name)
{
	for (int i = 0; sf_benches[i]; i++)
		if (!strcmp(sf_benches[i]->name, name))
			return sf_benches[i];
	return NULL;
}
