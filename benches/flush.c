// SPDX-License-Identifier: MIT
/* Placeholder: replaced by the real benchmark. */
#include "sf_bench.h"

static const struct sf_param params[] = { { NULL } };

static enum sf_status run(struct sf_ctx *ctx)
{
	return sf_unsupported(ctx, "benchmark not written yet");
}

const struct sf_bench bench_flush = {
	.name = "flush",
	.summary = "(not written yet)",
	.params = params,
	.run = run,
};
