// SPDX-License-Identifier: MIT
/*
 * The durability modes of docs/design.md as one ops table.  Adding a mode is one
 * entry here (and, if it needs one, one persist function).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sf_clock.h"
#include "sf_fault.h"
#include "sf_modes.h"
#include "sf_persist.h"


static int persist_nothing(struct sf_file *f, char *addr, size_t off, size_t len)
{
	return 0;
}

static int persist_flush(struct sf_file *f, char *addr, size_t off, size_t len)
{
	sf_persist_range(addr, len);
	return 0;
}

static int persist_msync(struct sf_file *f, char *addr, size_t off, size_t len)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t start = (uintptr_t)addr & ~(page - 1);
	uintptr_t end = ((uintptr_t)addr + len + page - 1) & ~(page - 1);

	return msync((void *)start, end - start, MS_SYNC);
}

static int persist_fsync(struct sf_file *f, char *addr, size_t off, size_t len)
{
	return fsync(f->fd);
}

static int persist_fdatasync(struct sf_file *f, char *addr, size_t off, size_t len)
{
	return fdatasync(f->fd);
}

const struct sf_mode sf_modes[] = {
	{ .name = "none", .persist_desc = "nothing (control: NOT durable)",
	  .durable = false, .maps = true, .persist = persist_nothing },
	{ .name = "msync", .persist_desc = "msync(MS_SYNC) over the dirty pages",
	  .durable = true, .maps = true, .persist = persist_msync },
	{ .name = "fsync", .persist_desc = "fsync(fd)",
	  .durable = true, .maps = true, .file_sync = true, .syncs_times = true,
	  .persist = persist_fsync },
	{ .name = "fdatasync", .persist_desc = "fdatasync(fd)",
	  .durable = true, .maps = true, .file_sync = true, .persist = persist_fdatasync },
	{ .name = "mapsync", .persist_desc = "cache flush + sfence (MAP_SYNC mapping)",
	  .durable = true, .maps = true, .map_sync = true, .cache_flush = true,
	  .persist = persist_flush },
	{ .name = "daxfile", .persist_desc = "cache flush + sfence (pre-written, synced file)",
	  .durable = true, .maps = true, .map_sync = true, .prewrite = true,
	  .cache_flush = true, .persist = persist_flush },
	{ .name = "pwrite", .persist_desc = "pwrite() + fdatasync(fd)",
	  .durable = true, .maps = false, .persist = persist_fdatasync },
	{ .name = NULL },
};

const struct sf_mode *sf_mode_find(const char *name)
{
	for (const struct sf_mode *m = sf_modes; m->name; m++)
		if (!strcmp(m->name, name))
			return m;
	return NULL;
}

static const char *mode_name(int i)
{
	return sf_modes[i].name;
}

/* The mapping is what is measured: no system call makes it durable. */
static bool mode_mapping_only(int i)
{
	return sf_modes[i].maps && (sf_modes[i].cache_flush || !sf_modes[i].durable);
}

const struct sf_param_table sf_mode_values = { mode_name, NULL };
const struct sf_param_table sf_mode_values_mapping = { mode_name, mode_mapping_only };

const char *sf_mode_names(void)
{
	static char buf[256];
	size_t off = 0;

	if (!buf[0])
		for (const struct sf_mode *m = sf_modes; m->name; m++)
			off += snprintf(buf + off, sizeof(buf) - off, "%s%s",
					off ? "," : "", m->name);
	return buf;
}

int sf_mode_supported(const struct sf_mode *m, const struct sf_target *t,
		      char *reason, size_t len)
{
	if (t->devdax && (!m->maps || m->prewrite)) {
		snprintf(reason, len, "device DAX has no filesystem: mode %s needs a file", m->name);
		return -1;
	}
	/* daxfile falls back to MAP_SHARED (and says so); a map_sync mode must have it */
	if (m->map_sync && !m->prewrite && !t->map_sync) {
		snprintf(reason, len, "%s", t->map_sync_reason);
		return -1;
	}
	/* a cache flush only makes data durable when the mapping is the media */
	if (m->prewrite && !t->dax) {
		snprintf(reason, len, "daxfile needs a DAX filesystem (flushes cannot persist page cache): %s",
			 t->dax_reason);
		return -1;
	}
	return 0;
}

/* Write the whole file in fill_chunk writes: the write size decides the folio size. */
static int write_all(struct sf_file *f, char *err, size_t errlen)
{
	const size_t CHUNK = f->fill_chunk;
	char *buf = malloc(CHUNK);
	size_t off;

	if (!buf) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	memset(buf, 0xa5, CHUNK);
	for (off = 0; off < f->size;) {
		size_t n = f->size - off < CHUNK ? f->size - off : CHUNK;
		ssize_t w = pwrite(f->fd, buf, n, (off_t)off);

		/* a short write is followed by the call that says why */
		if (w <= 0) {
			if (!w)
				errno = ENOSPC;
			snprintf(err, errlen, "writing %s: %s%s", f->path, strerror(errno),
				 errno == ENOSPC ? " (filesystem full: use fewer pages or a bigger target)" : "");
			free(buf);
			return -1;
		}
		off += (size_t)w;
	}
	free(buf);
	return 0;
}

static int fill_file(struct sf_file *f, enum sf_fill fill, char *err, size_t errlen)
{
	uint64_t t0 = sf_mono_ns();

	if (ftruncate(f->fd, (off_t)f->size)) {
		snprintf(err, errlen, "ftruncate %s: %s", f->path, strerror(errno));
		return -1;
	}
	if (fill == SF_FILL_UNWRITTEN && fallocate(f->fd, 0, 0, (off_t)f->size)) {
		snprintf(err, errlen, "fallocate %s: %s%s", f->path, strerror(errno),
			 errno == ENOSPC ? " (filesystem full: use fewer pages or a bigger target)" : "");
		return -1;
	}
	if (fill == SF_FILL_WRITTEN && write_all(f, err, errlen))
		return -1;
	/* commit allocation now, so the measured phase sees only its own work */
	if (fsync(f->fd)) {
		snprintf(err, errlen, "fsync %s: %s", f->path, strerror(errno));
		return -1;
	}
	f->setup_ns = (double)(sf_mono_ns() - t0);
	return 0;
}

/* xfs: allocate in align-sized, align-aligned extents; others say no. */
static bool set_extsize(int fd, size_t align)
{
	struct fsxattr fsx;

	if (ioctl(fd, FS_IOC_FSGETXATTR, &fsx))
		return false;
	fsx.fsx_xflags |= FS_XFLAG_EXTSIZE;
	fsx.fsx_extsize = (unsigned int)align;
	return !ioctl(fd, FS_IOC_FSSETXATTR, &fsx);
}

int sf_file_create_aligned(struct sf_file *f, const struct sf_mode *m, const char *path,
			   size_t size, enum sf_fill fill, size_t align,
			   char *err, size_t errlen)
{
	return sf_file_create_chunked(f, m, path, size, fill, align, 0, err, errlen);
}

int sf_file_create_chunked(struct sf_file *f, const struct sf_mode *m, const char *path,
			   size_t size, enum sf_fill fill, size_t align, size_t chunk,
			   char *err, size_t errlen)
{
	memset(f, 0, sizeof(*f));
	f->mode = m;
	f->size = size;
	/* default: the page size the file is used with (4 KiB, or align) */
	f->fill_chunk = chunk ? chunk : align > 4096 ? align : 4096;
	snprintf(f->path, sizeof(f->path), "%s", path);
	f->fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (f->fd < 0) {
		snprintf(err, errlen, "create %s: %s", path, strerror(errno));
		return -1;
	}
	if (align > 4096)
		f->extsize_hint = set_extsize(f->fd, align);
	if (m->prewrite)
		fill = SF_FILL_WRITTEN;
	f->fill = fill;
	if (fill_file(f, fill, err, errlen)) {
		sf_file_destroy(f);
		return -1;
	}
	return 0;
}

int sf_file_open_device(struct sf_file *f, const struct sf_mode *m, const char *dev,
			size_t off, size_t size, char *err, size_t errlen)
{
	memset(f, 0, sizeof(*f));
	f->mode = m;
	f->size = size;
	f->device = true;
	f->dev_off = off;
	snprintf(f->path, sizeof(f->path), "%s", dev);
	if (!m->maps || m->prewrite) {
		snprintf(err, errlen, "mode %s needs a file: device DAX has no filesystem", m->name);
		f->fd = -1;
		return -1;
	}
	f->fd = open(dev, O_RDWR | O_CLOEXEC);
	if (f->fd < 0) {
		snprintf(err, errlen, "open %s: %s", dev, strerror(errno));
		return -1;
	}
	return 0;
}

int sf_file_create(struct sf_file *f, const struct sf_mode *m, const char *path,
		   size_t size, enum sf_fill fill, char *err, size_t errlen)
{
	return sf_file_create_aligned(f, m, path, size, fill, 0, err, errlen);
}

/* Reserve len + align of address space; return the aligned start inside. */
static char *reserve(struct sf_file *f, size_t len, size_t align, char *err, size_t errlen)
{
	if (!f->mode->maps) {
		snprintf(err, errlen, "mode %s does not map the file", f->mode->name);
		return NULL;
	}
	if (align < 4096)
		align = 4096;
	f->raw_len = len + align;
	f->raw = mmap(NULL, f->raw_len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (f->raw == MAP_FAILED) {
		f->raw = NULL;
		snprintf(err, errlen, "mmap reservation: %s", strerror(errno));
		return NULL;
	}
	return (char *)(((uintptr_t)f->raw + align - 1) & ~(uintptr_t)(align - 1));
}

/* Map [off, off+len) of the file at addr with the mode's flags. */
static int map_at(struct sf_file *f, char *addr, size_t off, size_t len,
		  char *err, size_t errlen)
{
	int flags = MAP_SHARED | MAP_FIXED;
	void *p;

	if (f->mode->map_sync)
		flags = MAP_SHARED_VALIDATE | MAP_SYNC | MAP_FIXED;
	p = mmap(addr, len, PROT_READ | PROT_WRITE, flags, f->fd, (off_t)(f->dev_off + off));
	if (p == MAP_FAILED && f->mode->prewrite && errno == EOPNOTSUPP) {
		f->map_sync_fallback = true;
		p = mmap(addr, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, f->fd, (off_t)off);
	}
	if (p != MAP_FAILED)
		return 0;
	snprintf(err, errlen, "mmap %s (%s): %s", f->path,
		 f->mode->map_sync ? "MAP_SHARED_VALIDATE|MAP_SYNC" : "MAP_SHARED", strerror(errno));
	sf_file_unmap(f);
	return -1;
}

int sf_file_map(struct sf_file *f, size_t align, char *err, size_t errlen)
{
	char *want = reserve(f, f->size, align, err, errlen);

	if (!want || map_at(f, want, 0, f->size, err, errlen))
		return -1;
	f->map = want;
	f->map_len = f->size;
	return 0;
}

int sf_file_map_split(struct sf_file *f, size_t pgsz, char *err, size_t errlen)
{
	char *want = reserve(f, 2 * f->size, pgsz, err, errlen);

	if (!want)
		return -1;
	for (size_t off = 0; off < f->size; off += pgsz)
		if (map_at(f, want + 2 * off, off, pgsz, err, errlen))
			return -1;
	f->map = want;
	f->map_len = f->size;
	f->split = true;
	return 0;
}

void sf_file_unmap(struct sf_file *f)
{
	if (f->raw)
		munmap(f->raw, f->raw_len);	/* covers the file mapping too */
	f->raw = NULL;
	f->map = NULL;
}

int sf_file_store(struct sf_file *f, size_t off, const void *buf, size_t len)
{
	if (f->mode->maps) {
		memcpy(f->map + off, buf, len);
		return 0;
	}
	return pwrite(f->fd, buf, len, (off_t)off) == (ssize_t)len ? 0 : -1;
}

int sf_file_persist(struct sf_file *f, size_t off, size_t len)
{
	return f->mode->persist(f, f->map ? f->map + off : NULL, off, len);
}

int sf_file_persist_ranges(struct sf_file *f, const size_t *offs, size_t n, size_t len)
{
	size_t lo = SIZE_MAX, hi = 0;

	if (!n)
		return 0;
	if (f->mode->cache_flush) {
		for (size_t k = 0; k < n; k++)
			sf_flush_range(f->map + offs[k], len);
		sf_persist_fence();
		return 0;
	}
	for (size_t k = 0; k < n; k++) {
		lo = offs[k] < lo ? offs[k] : lo;
		hi = offs[k] + len > hi ? offs[k] + len : hi;
	}
	return sf_file_persist(f, lo, hi - lo);
}

void sf_file_destroy(struct sf_file *f)
{
	sf_file_unmap(f);
	if (f->fd >= 0) {
		close(f->fd);
		if (!f->device)
			unlink(f->path);	/* only ever a file we created (O_EXCL) */
	}
	f->fd = -1;
}

enum sf_fault_class sf_fault_class(const char *name)
{
	static const char *const names[] = { SF_FAULT_CLASS_VALUES };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(names[i], name))
			return (enum sf_fault_class)i;
	return SF_FC_HOLE;	/* not reached: the value was validated */
}

enum sf_fill sf_fault_class_fill(enum sf_fault_class fc)
{
	if (fc == SF_FC_HOLE)
		return SF_FILL_HOLE;
	return fc == SF_FC_UNWRITTEN ? SF_FILL_UNWRITTEN : SF_FILL_WRITTEN;
}

int sf_fault_supported(const struct sf_mode *m, enum sf_fault_class fc,
		       const struct sf_target *t, char *reason, size_t len)
{
	static const char *const names[] = { SF_FAULT_CLASS_VALUES };

	if (sf_mode_supported(m, t, reason, len))
		return -1;
	if (m->prewrite && sf_fault_class_fill(fc) != SF_FILL_WRITTEN) {
		snprintf(reason, len, "daxfile pre-writes every block, so it has no %s pages to fault on: use class written, wp or read",
			 names[fc]);
		return -1;
	}
	return 0;
}
