/* SPDX-License-Identifier: MIT */
/*
 * Where a benchmark runs, as one thing: a target spec names a kind (a host
 * directory, or a guest on an emulated NVDIMM) and, for a guest, one entry
 * of the guest target table.  That table is the only list of guest targets:
 * the guest init formats and mounts from it (`syncfault vm-recipe`), run,
 * suite and crashtest validate against it, help texts list it.  Adding a
 * guest target is one entry here.
 */
#ifndef SF_TARGETS_H
#define SF_TARGETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Capabilities: behaviour follows these flags, never a target's name. */
#define SF_TGT_GUEST	0x1	/* runs inside a QEMU guest (emulated NVDIMM) */
#define SF_TGT_FILES	0x2	/* a filesystem: benchmarks create files in it */
#define SF_TGT_DEVDAX	0x4	/* a device-DAX character device, no filesystem */

struct sf_guest_target {
	const char *name;	/* "vm:ext4-dax" */
	const char *stem;	/* "ext4-dax": in file names (console-ext4-dax.log) */
	const char *what;	/* a few words, for help texts */
	const char *ns_mode;	/* namespace mode: "fsdax" or "devdax" */
	const char *fs;		/* "ext4", "xfs"; "none" without a filesystem */
	/* the mkfs command line, the device appended; NULL without a filesystem */
	const char *mkfs;
	const char *mount_opts;	/* mount -o; NULL without a filesystem */
	const char *features;	/* what the variant is about ("fast_commit"), or "" */
	unsigned int flags;	/* SF_TGT_* */
};

extern const struct sf_guest_target sf_guest_targets[];
const struct sf_guest_target *sf_guest_target_find(const char *name);
/* "vm:ext4-dax, vm:ext4-dax-fc, ..." for messages and help. */
const char *sf_guest_target_names(void);

struct sf_target_kind;

/* A parsed --target / target = value. */
struct sf_target_spec {
	const struct sf_target_kind *kind;	/* its ops (sf_target_kinds.h) */
	char dir[4096];				/* host: the directory ("": none) */
	const struct sf_guest_target *guest;	/* vm: the table entry */
	char canon[4200];			/* "host:DIR" or "vm:NAME" */
};

/*
 * "vm:NAME", "host:DIR" or a bare "DIR" (the same as host:DIR).  Only the
 * spelling is checked here (a directory is probed when it is used).
 * Returns 0, or -1 with a one-line reason naming the valid spellings.
 */
int sf_target_spec_parse(const char *s, struct sf_target_spec *t, char *err, size_t errlen);
/* Is s a spelling of a target with SF_TGT_GUEST? (false when it does not parse) */
bool sf_target_spec_is_guest(const char *s);
/* No target: this machine, no directory (a benchmark that needs no files). */
void sf_target_spec_here(struct sf_target_spec *t);

/*
 * The entry as shell assignments (ns_mode, fs, mkfs, mount_opts,
 * features): the guest's init evals it, so there is one recipe for every
 * user of the table.
 */
void sf_guest_target_recipe(FILE *f, const struct sf_guest_target *g);

#endif
