/* SPDX-License-Identifier: MIT */
/*
 * Durability modes (the table in docs/design.md), in the manner of fio engines:
 * one ops table, one entry per mode.  A benchmark creates a file for a mode,
 * maps it, stores, and calls persist; the mode decides what that means.
 */
#ifndef SF_MODES_H
#define SF_MODES_H

#include <stdbool.h>
#include <stddef.h>

#include "sf_params.h"
#include "sf_probe.h"

enum sf_fill {
	SF_FILL_HOLE,		/* sparse: every page is a hole */
	SF_FILL_UNWRITTEN,	/* fallocated: unwritten extents */
	SF_FILL_WRITTEN,	/* every block written and fsync'd */
};

struct sf_file;

struct sf_mode {
	const char *name;
	const char *persist_desc;	/* "clwb+sfence", "msync(MS_SYNC)" ... */
	bool durable;			/* false only for the `none` control */
	bool maps;			/* false for pwrite */
	bool map_sync;			/* maps with MAP_SHARED_VALIDATE|MAP_SYNC */
	bool prewrite;			/* daxfile: whole file written+synced */
	bool cache_flush;		/* persist = flush the bytes + fence */
	bool file_sync;			/* persist is one fsync/fdatasync of the file, timed bare by sync --dirty */
	/*
	 * persist commits the inode's timestamp updates (fsync; fdatasync and
	 * msync, which is vfs_fsync_range(..., 1) at mm/msync.c:96 of 6.1 and 6.12, do not)
	 */
	bool syncs_times;
	/* make [off, off+len) durable; addr is the mapped address of off */
	int (*persist)(struct sf_file *f, char *addr, size_t off, size_t len);
};

struct sf_file {
	const struct sf_mode *mode;
	int fd;
	char path[4096];
	size_t size;
	char *map;		/* aligned mapping of the whole file, or NULL */
	size_t map_len;
	char *raw;		/* what mmap returned (for alignment slack) */
	size_t raw_len;
	bool split;		/* one VMA per page, see sf_file_map_split() */
	bool map_sync_fallback;	/* daxfile mapped MAP_SHARED: MAP_SYNC refused */
	double setup_ns;	/* prewrite + fsync time (daxfile's one-time cost) */
	bool extsize_hint;	/* the filesystem took an extent size hint */
	size_t fill_chunk;	/* bytes per write when filling (SF_FILL_WRITTEN) */
	enum sf_fill fill;	/* the state it was created in */
	bool device;		/* a device-DAX range: never created nor unlinked */
	size_t dev_off;		/* its offset in the device */
};

extern const struct sf_mode sf_modes[];
const struct sf_mode *sf_mode_find(const char *name);
/* Parameter values from the mode table: every mode, or the mapping-only ones
 * (none, mapsync, daxfile: no system call in the persist step). */
extern const struct sf_param_table sf_mode_values, sf_mode_values_mapping;
/* "none,msync,..." for help texts */
const char *sf_mode_names(void);

/* 0 if the target can do mode m, else -1 with "unsupported" reason. */
int sf_mode_supported(const struct sf_mode *m, const struct sf_target *t,
		      char *reason, size_t len);

/*
 * Create path (O_EXCL: never an existing file) of size bytes in the given
 * fill state; a prewrite mode always ends fully written and synced.
 */
int sf_file_create(struct sf_file *f, const struct sf_mode *m, const char *path,
		   size_t size, enum sf_fill fill, char *err, size_t errlen);
/*
 * The same, asking the filesystem to allocate in extents of align bytes
 * (xfs extent size hint) before anything is allocated, so that 2 MiB pages
 * land on 2 MiB aligned blocks and PMD faults are possible.  A filesystem
 * without the hint ignores it: f->extsize_hint says whether it took.
 */
int sf_file_create_aligned(struct sf_file *f, const struct sf_mode *m, const char *path,
			   size_t size, enum sf_fill fill, size_t align,
			   char *err, size_t errlen);
/*
 * The same, filling with writes of chunk bytes (0: the page size, 4 KiB or
 * align).  On a page-cache filesystem with large folios the write size
 * decides the folio size, and with it what a fault maps and an msync writes.
 */
int sf_file_create_chunked(struct sf_file *f, const struct sf_mode *m, const char *path,
			   size_t size, enum sf_fill fill, size_t align, size_t chunk,
			   char *err, size_t errlen);
/*
 * [off, off + size) of a device-DAX device (off and size multiples of its
 * alignment) as f, for a mode that maps without a file of its own (not
 * prewrite, not pwrite): nothing is created, destroy only unmaps.
 */
int sf_file_open_device(struct sf_file *f, const struct sf_mode *m, const char *dev,
			size_t off, size_t size, char *err, size_t errlen);
/* Map the whole file with the mode's flags, virtual address aligned to align. */
int sf_file_map(struct sf_file *f, size_t align, char *err, size_t errlen);
/*
 * Map every page of pgsz as a VMA of its own, with a one-page gap between
 * them so that the kernel cannot merge them: fault-around (which maps up to
 * 64 KiB of cached pages on one read fault) then stops at the VMA and each
 * read fault maps exactly one page.  sf_file_page() finds page i.
 */
int sf_file_map_split(struct sf_file *f, size_t pgsz, char *err, size_t errlen);
static inline char *sf_file_page(const struct sf_file *f, size_t i, size_t pgsz)
{
	return f->map + i * pgsz * (f->split ? 2 : 1);
}
/* Bytes of address space from f->map that the file's pages occupy. */
static inline size_t sf_file_span(const struct sf_file *f)
{
	return f->split ? 2 * f->size : f->size;
}
void sf_file_unmap(struct sf_file *f);
/* Store len bytes at off (through the mapping, or pwrite for pwrite mode). */
int sf_file_store(struct sf_file *f, size_t off, const void *buf, size_t len);
int sf_file_persist(struct sf_file *f, size_t off, size_t len);
/*
 * Make n updates of len bytes at offs[] durable in one persist step: the
 * flush modes flush each update's own bytes and fence once; the system-call
 * modes make one call over the range covering them all.
 */
int sf_file_persist_ranges(struct sf_file *f, const size_t *offs, size_t n, size_t len);
/* Unmap, close and unlink. */
void sf_file_destroy(struct sf_file *f);

#endif
