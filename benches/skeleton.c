// SPDX-License-Identifier: MIT
/*
 * skeleton: the smallest complete benchmark, to copy when writing a new one
 * (as fio's skeleton engine).  It times one pwrite() of --size bytes into a
 * new file in the target, --writes times per repeat, and proves what it
 * measured by reading the file back.
 *
 * A benchmark is this file plus one line in benches/list.h
 * (SF_BENCH(skeleton)); meson builds every file the list names.  The
 * harness does the rest: parsing and validating --PARAM values (a comma
 * list runs each), repeats (each in a process of its own), statistics,
 * the JSON result, `run --help` from the descriptor below, suites and
 * guest targets.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sf_bench.h"

/*
 * Parameters: name, type, default, bounds or allowed values, help.  The
 * harness has checked every value before run() is called.
 */
static const struct sf_param params[] = {
	{ .name = "size", .type = SF_PT_SIZE, .def = "4k", .min = 1, .max = 1 << 20,
	  .help = "bytes per pwrite()" },
	{ .name = "writes", .type = SF_PT_INT, .def = "256", .min = 1, .max = 100000,
	  .help = "timed writes per repeat (samples)" },
	{ NULL },
};

/* Time the writes; a sample is one pwrite() at its own offset. */
static enum sf_status measure(struct sf_ctx *ctx, int fd, const char *buf, size_t size,
			      int writes)
{
	/* metrics are made on first use: name, unit, which way is better */
	struct sf_metric *m = sf_metric(ctx, "write_latency", "ns", SF_LOWER);

	/* reserve first: no allocation inside the timed loop */
	if (sf_metric_reserve(m, (size_t)writes))
		return sf_fail(ctx, "out of memory");
	for (int i = 0; i < writes && !sf_interrupted; i++) {
		uint64_t t0 = sf_start();
		ssize_t n = pwrite(fd, buf, size, (off_t)i * (off_t)size);
		uint64_t t1 = sf_stop();

		if (n != (ssize_t)size)
			return sf_fail(ctx, "pwrite: %s", n < 0 ? strerror(errno) : "short write");
		sf_metric_add(m, sf_sample_ns(t0, t1));
	}
	return SF_OK;
}

/* The proof: what was timed really reached the file. */
static void verify(struct sf_ctx *ctx, int fd, const char *buf, size_t size, int writes)
{
	char *back = malloc(size);
	int bad = 0;

	for (int i = 0; back && i < writes; i++)
		bad += pread(fd, back, size, (off_t)i * (off_t)size) != (ssize_t)size ||
		       memcmp(back, buf, size);
	sf_check(ctx, "read_back", back && !bad, "%d of %d writes read back intact", writes - bad,
		 writes);
	free(back);
}

/* One repeat of one parameter point. */
static enum sf_status run(struct sf_ctx *ctx)
{
	size_t size = (size_t)sf_p_int(ctx, "size");
	int writes = (int)sf_p_int(ctx, "writes");
	char path[4400], *buf;
	enum sf_status st;
	int fd;

	/* what this target cannot do is "unsupported" with a reason, never a number */
	if (!ctx->target->writable)
		return sf_unsupported(ctx, "target %s is not writable", ctx->target->path);
	sf_scratch_path(ctx, "skeleton.dat", path, sizeof(path));
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	buf = malloc(size);
	if (fd < 0 || !buf) {
		free(buf);
		if (fd >= 0)
			close(fd);
		return sf_fail(ctx, "create %s: %s", path, strerror(errno));
	}
	memset(buf, 0x5a, size);
	st = measure(ctx, fd, buf, size, writes);
	if (st == SF_OK)
		verify(ctx, fd, buf, size, writes);
	/* facts that explain the numbers go to info */
	sf_info_str(ctx, "file", "new file in the target, written from offset 0 on");
	close(fd);
	unlink(path);
	free(buf);
	return st;
}

/*
 * The report's figures: here the median latency against --size, a line
 * per what else varies, drawn by the generic plots/lines.gp.  Declaring
 * them is all it takes for `syncfault report` to draw them.
 */
static const struct sf_figure figures[] = {
	{ .kind = SF_FIG_LINES, .name = "skeleton_lat", .script = "lines.gp",
	  .title = "pwrite latency (p50)", .metric = "write_latency", .x = "size",
	  .flags = SF_FIG_X_SIZE | SF_FIG_TABLE },
	{ 0 }
};

const struct sf_bench bench_skeleton = {
	.name = "skeleton",
	.summary = "the smallest complete benchmark (pwrite latency), to copy for a new one",
	.help = "Times --writes pwrite() calls of --size bytes into a new file in the target\n"
		"and reads them back (check read_back).  benches/skeleton.c is commented as\n"
		"the template for a new benchmark.",
	.params = params,
	/* a file in a target directory: no device DAX (no SF_BENCH_DEVDAX) */
	.flags = SF_BENCH_NEEDS_TARGET,
	.run = run,
	/* the report's table shows this metric first */
	.primary_metric = "write_latency",
	.figures = figures,
};
