/* SPDX-License-Identifier: MIT */
/*
 * What a target directory can do: filesystem, mount options, device, DAX,
 * MAP_SYNC, persistence domain.  Probed by creating (and removing) one file
 * inside the directory; nothing else there is touched.
 */
#ifndef SF_TARGET_H
#define SF_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Older libc headers lack these (values from the kernel's uapi). */
#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif
#ifndef MAP_SYNC
#define MAP_SYNC 0x80000
#endif

struct sf_target {
	char path[4096];
	char fs[32];
	char mount_point[1024];
	char mount_options[512];
	char device[256];		/* e.g. /dev/pmem0, or the mount source */
	bool dax;			/* STATX_ATTR_DAX on a file created here */
	char dax_reason[160];		/* why not, when !dax */
	bool map_sync;			/* MAP_SHARED_VALIDATE|MAP_SYNC worked */
	char map_sync_reason[160];	/* why not, when !map_sync */
	char persistence_domain[32];	/* "memory_controller", "cpu_cache", "" */
	char namespace_mode[32];	/* "fsdax", "raw", "" */
	char emulated[32];		/* "" or "qemu-tcg" */
	/*
	 * What a time measured here is a count of: "real" (a clock: real
	 * hardware, KVM, or TCG's wall clock), or "icount" (QEMU's virtual
	 * clock advancing by guest instructions: at icount_shift 0, 1 ns per
	 * instruction, deterministic across boots; no cache, memory or device
	 * latency modelled).  From the guest's syncfault.timing= and
	 * syncfault.icount_shift= (scripts/vm/run); older results read "real".
	 */
	char timing[16];
	int icount_shift;		/* -1 unless timing is icount */
	/*
	 * Under icount, "fixed" when the guest booted with its addresses the
	 * same on every boot (nokaslr norandmaps, scripts/vm/run) and its
	 * mmap randomization is off; "random" when not; "" on real time.
	 */
	char layout[16];
	char kernel[128];
	bool writable;
	/* a device-DAX character device (/dev/daxN.M): no filesystem, no files */
	bool devdax;
	uint64_t devdax_size;		/* bytes */
	uint64_t devdax_align;		/* every mapping and fault is a multiple of it */
};

/*
 * Probe dir (or a device-DAX character device).  Returns 0, or -1 with a
 * one-line reason in err (missing, not a directory, read-only ...).
 */
int sf_target_probe(const char *dir, struct sf_target *t, char *err, size_t errlen);
/*
 * The device-DAX device on this machine whose alignment is align (t's own
 * when it has it): its path into buf, 0; -1 when there is none.
 */
int sf_devdax_with_align(const struct sf_target *t, uint64_t align, char *buf, size_t len);
/* Print the probe in words, for `syncfault probe`. */
void sf_target_print(const struct sf_target *t, FILE *f);
/* pmem devices on this machine (ndctl-style listing from sysfs). */
void sf_pmem_list(FILE *f);

/* t->layout in words: "fixed (nokaslr norandmaps: ...)" ... */
const char *sf_target_layout_words(const struct sf_target *t);
/* Is a time measured on t an instruction count (the same in every boot)? */
bool sf_target_deterministic(const struct sf_target *t);
/*
 * "virtual time: 1 ns per guest instruction (QEMU icount, shift 0); ...;
 * guest addresses fixed ..." or "real time".
 */
void sf_target_timing_words(const struct sf_target *t, char *buf, size_t len);

#endif
