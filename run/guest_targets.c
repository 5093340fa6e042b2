// SPDX-License-Identifier: MIT
/* The guest target table and the one parser of target specs. */
#include <stdio.h>
#include <string.h>

#include "sf_guest_targets.h"

/*
 * ext4: PMD faults need 2 MiB extents on 2 MiB boundaries.  A stripe of
 * 2 MiB asks mballoc for them; without ^flex_bg it still handed out some
 * misaligned ones on a new filesystem (fault --size 2m: 20 of the first 64
 * fell back to PTEs, measured), with ^flex_bg none did.  busybox's mke2fs
 * does not know -t ext4: e2fsprogs' is called by its own name.
 * xfs: su=2m aligns data allocations to 2 MiB for PMD faults; reflink is
 * off because DAX with reflink is experimental.
 */
#define MKFS_EXT4 "mke2fs.e2fsprogs -q -F -t ext4 -b 4096 -O ^flex_bg -E stride=512,stripe_width=512"
#define MKFS_XFS "mkfs.xfs -q -f -d su=2m,sw=1 -l su=32k -m reflink=0"

/* An entry's name and its stem, spelt once. */
#define GUEST(stem) "vm:" stem, stem

const struct sf_guest_target sf_guest_targets[] = {
	{ GUEST("ext4-dax"), "ext4 mounted -o dax", "fsdax", "ext4", MKFS_EXT4,
	  "dax=always,noinit_itable", "", SF_TGT_GUEST | SF_TGT_FILES },
	{ GUEST("ext4-dax-fc"), "ext4 with fast_commit, -o dax", "fsdax", "ext4",
	  MKFS_EXT4 " -O fast_commit", "dax=always,noinit_itable", "fast_commit",
	  SF_TGT_GUEST | SF_TGT_FILES },
	{ GUEST("xfs-dax"), "xfs mounted -o dax", "fsdax", "xfs", MKFS_XFS, "dax=always", "",
	  SF_TGT_GUEST | SF_TGT_FILES },
	{ GUEST("devdax"), "device DAX (/dev/daxN.M), no filesystem", "devdax", "none", NULL, NULL,
	  "", SF_TGT_GUEST | SF_TGT_DEVDAX },
	{ NULL },
};

const struct sf_guest_target *sf_guest_target_find(const char *name)
{
	for (const struct sf_guest_target *g = sf_guest_targets; g->name; g++)
		if (!strcmp(g->name, name))
			return g;
	return NULL;
}

const char *sf_guest_target_names(void)
{
	static char buf[512];
	size_t off = 0;

	if (buf[0])
		return buf;
	for (const struct sf_guest_target *g = sf_guest_targets; g->name && off < sizeof(buf); g++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s", off ? ", " : "", g->name);
	return buf;
}

/*
 * `syncfault vm-recipe vm:NAME`: the table entry as shell assignments, for
 * the guest's init (scripts/vm/init evals it): one recipe for every user.
 */
void sf_guest_target_recipe(FILE *f, const struct sf_guest_target *g)
{
	fprintf(f, "ns_mode='%s'\nfs='%s'\nmkfs='%s'\nmount_opts='%s'\nfeatures='%s'\n",
		g->ns_mode, g->fs, g->mkfs ? g->mkfs : "", g->mount_opts ? g->mount_opts : "",
		g->features);
}
