// SPDX-License-Identifier: MIT
/* Folio sizes and block-device write counters (see sf_pagecache.h). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "sf_bench.h"
#include "sf_modes.h"
#include "sf_pagecache.h"

#define PG		4096ul
#define KPF_HEAD	(1ull << 15)	/* KPF_COMPOUND_HEAD */
#define KPF_TAIL	(1ull << 16)	/* KPF_COMPOUND_TAIL */
#define PM_PRESENT	(1ull << 63)
#define PM_PFN		((1ull << 55) - 1)
#define WALK_MAX	(1ul << 18)	/* 1 GiB of pages: no folio is larger */

int sf_folio_order(size_t npages)
{
	int o = 0;

	while ((1ul << o) < npages && o < SF_FOLIO_ORDERS - 1)
		o++;
	return o;
}

static int read_u64(int fd, uint64_t idx, uint64_t *v)
{
	return pread(fd, v, sizeof(*v), (off_t)(idx * sizeof(*v))) == sizeof(*v) ? 0 : -1;
}

/* Pages in the folio holding pfn, from the compound flags; 0 on error. */
static size_t folio_pages(int kpf, uint64_t pfn)
{
	uint64_t fl, head = pfn;
	size_t n = 1;

	if (read_u64(kpf, pfn, &fl))
		return 0;
	if (!(fl & (KPF_HEAD | KPF_TAIL)))
		return 1;
	while ((fl & KPF_TAIL) && pfn - head < WALK_MAX && head > 0)
		if (read_u64(kpf, --head, &fl))
			return 0;
	for (uint64_t p = head + 1; n < WALK_MAX; p++, n++)
		if (read_u64(kpf, p, &fl) || !(fl & KPF_TAIL))
			break;
	return n;
}

static void census_page(const char *map, size_t pg, int pm, int kpf, struct sf_folios *out)
{
	uint64_t e;
	size_t n;

	(void)*(volatile const char *)(map + pg * PG);	/* cached: maps, allocates nothing */
	if (read_u64(pm, (uint64_t)(uintptr_t)(map + pg * PG) / PG, &e) || !(e & PM_PRESENT))
		return;
	if (!(e & PM_PFN)) {
		snprintf(out->why, sizeof(out->why), "unknown: /proc/self/pagemap hides PFNs (needs CAP_SYS_ADMIN)");
		return;
	}
	n = folio_pages(kpf, e & PM_PFN);
	if (n)
		out->pages[sf_folio_order(n)]++;
}

static int census_map(const char *map, size_t npages, size_t max, struct sf_folios *out)
{
	unsigned char *vec = malloc(npages);
	int pm = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	int kpf = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
	size_t step = npages > max ? npages / max : 1;

	if (!vec || pm < 0 || kpf < 0 || mincore((void *)map, npages * PG, vec)) {
		snprintf(out->why, sizeof(out->why), "unknown: %s", !vec ? "out of memory" :
			 pm < 0 ? "no /proc/self/pagemap" : kpf < 0 ? "no /proc/kpageflags (needs root)" :
			 "mincore failed");
	} else {
		for (size_t pg = 0; pg < npages && out->sampled < max && !out->why[0]; pg += step) {
			out->sampled++;
			if (!(vec[pg] & 1))
				continue;
			out->resident++;
			census_page(map, pg, pm, kpf, out);
		}
	}
	free(vec);
	if (pm >= 0)
		close(pm);
	if (kpf >= 0)
		close(kpf);
	return out->why[0] ? -1 : 0;
}

int sf_folio_census(int fd, size_t size, size_t max_samples, struct sf_folios *out)
{
	size_t npages = size / PG;
	char *map;
	int ret;

	memset(out, 0, sizeof(*out));
	if (!npages || !max_samples)
		return 0;
	map = mmap(NULL, npages * PG, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		snprintf(out->why, sizeof(out->why), "unknown: mmap for the census: %s", strerror(errno));
		return -1;
	}
	ret = census_map(map, npages, max_samples, out);
	munmap(map, npages * PG);
	return ret;
}

size_t sf_folios_typical(const struct sf_folios *f)
{
	int best = -1;

	for (int o = 0; o < SF_FOLIO_ORDERS; o++)
		if (f->pages[o] && (best < 0 || f->pages[o] > f->pages[best]))
			best = o;
	return best < 0 ? 0 : PG << best;
}

static void size_name(size_t bytes, char *buf, size_t len)
{
	if (bytes >= (1ul << 20))
		snprintf(buf, len, "%zu MiB", bytes >> 20);
	else
		snprintf(buf, len, "%zu KiB", bytes >> 10);
}

void sf_folios_describe(const struct sf_folios *f, char *buf, size_t len)
{
	size_t off = 0, counted = 0;
	char sz[32];

	if (f->why[0]) {
		snprintf(buf, len, "%s", f->why);
		return;
	}
	buf[0] = 0;
	for (int o = SF_FOLIO_ORDERS - 1; o >= 0 && off < len; o--) {
		if (!f->pages[o])
			continue;
		size_name(PG << o, sz, sizeof(sz));
		off += (size_t)snprintf(buf + off, len - off, "%s%s: %zu", off ? ", " : "", sz, f->pages[o]);
		counted += f->pages[o];
	}
	if (off < len)
		snprintf(buf + off, len - off, "%s%zu resident of %zu sampled pages (folio sizes from /proc/kpageflags)",
			 counted ? " of " : "no folio counted: ", f->resident, f->sampled);
}

int sf_blockdev_of(int fd, struct sf_blockdev *b)
{
	struct stat st;

	memset(b, 0, sizeof(*b));
	if (fstat(fd, &st)) {
		snprintf(b->why, sizeof(b->why), "fstat: %s", strerror(errno));
		return -1;
	}
	if (!major(st.st_dev)) {
		snprintf(b->why, sizeof(b->why), "no block device (device %u:%u is anonymous: tmpfs, overlay, btrfs ...)",
			 major(st.st_dev), minor(st.st_dev));
		return -1;
	}
	snprintf(b->stat, sizeof(b->stat), "/sys/dev/block/%u:%u/stat", major(st.st_dev), minor(st.st_dev));
	if (sf_blockdev_written(b) < 0) {
		snprintf(b->why, sizeof(b->why), "cannot read %s", b->stat);
		b->stat[0] = 0;
		return -1;
	}
	return 0;
}

int64_t sf_blockdev_written(const struct sf_blockdev *b)
{
	unsigned long long f[7];
	FILE *fp;
	int n;

	if (!b->stat[0] || !(fp = fopen(b->stat, "re")))
		return -1;
	n = fscanf(fp, "%llu %llu %llu %llu %llu %llu %llu", &f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6]);
	fclose(fp);
	return n == 7 ? (int64_t)f[6] * 512 : -1;	/* field 7: sectors written */
}

size_t sf_fill_chunk_bytes(const char *val, size_t pgsz)
{
	if (!strcmp(val, "4k"))
		return 4096;
	if (!strcmp(val, "64k"))
		return 65536;
	if (!strcmp(val, "2m"))
		return 2ul << 20;
	return pgsz;
}

void sf_state_pagecache(struct sf_ctx *ctx, const struct sf_file *f)
{
	struct sf_folios fo;
	char sz[32], desc[384];

	size_name(f->fill_chunk, sz, sizeof(sz));
	if (f->fill == SF_FILL_WRITTEN)
		sf_info_str(ctx, "fill_chunk", "%s", sz);
	else
		sf_info_str(ctx, "fill_chunk", "none (the file was not written before the measured phase)");
	if (ctx->target && ctx->target->dax) {
		sf_info_str(ctx, "folios", "none: DAX maps the media, there is no page cache");
		return;
	}
	sf_folio_census(f->fd, f->size, 256, &fo);
	sf_folios_describe(&fo, desc, sizeof(desc));
	sf_info_str(ctx, "folios", "%s", desc);
	if (sf_folios_typical(&fo))
		sf_info_int(ctx, "folio_size", (int64_t)sf_folios_typical(&fo));
}
