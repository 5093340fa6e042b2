// SPDX-License-Identifier: MIT
/*
 * The memory a flush measurement writes to (sf_flush_buf of sf_flush.h):
 * anonymous memory bound to a NUMA node, a file mapped shared, or a device
 * DAX range; and afterwards, whether its pages stayed where they were put.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <numa.h>
#include <numaif.h>

#include "sf_cpu.h"
#include "sf_flush.h"

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
