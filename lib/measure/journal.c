// SPDX-License-Identifier: MIT
/* Journal commit counters: see sf_journal.h for where they come from. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "sf_journal.h"
#include "sf_util.h"

#define EXT4_MAGIC	0xEF53
#define XFS_MAGIC	0x58465342
#define TMPFS_MAGIC	0x01021994

int sf_journal_parse_jbd2(const char *text, struct sf_journal_count *c)
{
	unsigned long long n, m;

	/* jbd2 prints nothing at all until its first commit */
	if (!text[0]) {
		c->commits = c->requested = 0;
		return 0;
	}
	if (sscanf(text, "%llu transactions (%llu requested)", &n, &m) != 2)
		return -1;
	c->commits = n;
	c->requested = m;
	return 0;
}

int sf_journal_parse_xfs(const char *text, struct sf_journal_count *c)
{
	unsigned long long writes, blocks, noiclogs, forces;
	const char *p = text;

	/* "log <writes> <blocks> <noiclogs> <forces> <force_sleeps>" */
	while (p && *p) {
		if (!strncmp(p, "log ", 4) &&
		    sscanf(p + 4, "%llu %llu %llu %llu", &writes, &blocks, &noiclogs, &forces) == 4) {
			c->commits = writes;
			c->requested = forces;
			return 0;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

/* Kernel name of the block device holding dir ("pmem0", "vda1"), or -1. */
static int block_dev_name(const char *dir, char *name, size_t len)
{
	char link[64], target[PATH_MAX];
	struct stat st;
	ssize_t n;

	if (stat(dir, &st))
		return -1;
	snprintf(link, sizeof(link), "/sys/dev/block/%u:%u", major(st.st_dev), minor(st.st_dev));
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return -1;
	target[n] = 0;
	snprintf(name, len, "%s", basename(target));
	return 0;
}

/* ext4 names its journal "<dev>-<journal inode>" (normally "-8"). */
static int find_jbd2(struct sf_journal *j, const char *dev)
{
	size_t dl = strlen(dev);
	DIR *d = opendir("/proc/fs/jbd2");
	struct dirent *e;

	if (!d) {
		snprintf(j->why, sizeof(j->why), "ext4 journal counters unavailable: /proc/fs/jbd2 missing (%s)",
			 strerror(errno));
		return -1;
	}
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, dev, dl) || e->d_name[dl] != '-')
			continue;
		snprintf(j->source, sizeof(j->source), "/proc/fs/jbd2/%s/info", e->d_name);
		closedir(d);
		j->kind = SF_JOURNAL_JBD2;
		return 0;
	}
	closedir(d);
	snprintf(j->why, sizeof(j->why), "no journal on this ext4 (%s has no entry in /proc/fs/jbd2: made without has_journal)",
		 dev);
	return 1;
}

static int find_xfs(struct sf_journal *j, const char *dev)
{
	char buf[32];

	snprintf(j->source, sizeof(j->source), "/sys/fs/xfs/%s/stats/stats", dev);
	if (access(j->source, R_OK)) {
		snprintf(j->source, sizeof(j->source), "/proc/fs/xfs/stat");
		j->global = true;
	}
	if (access(j->source, R_OK)) {
		snprintf(j->why, sizeof(j->why), "xfs log counters unavailable: neither /sys/fs/xfs/%s/stats/stats nor /proc/fs/xfs/stat readable",
			 dev);
		return -1;
	}
	j->kind = SF_JOURNAL_XFS;
	j->period_s = 30;	/* xfs_params.syncd_timer's default */
	if (sf_read_file("/proc/sys/fs/xfs/xfssyncd_centisecs", buf, sizeof(buf)) > 0 && atoi(buf) > 0)
		j->period_s = atoi(buf) / 100.0;
	return 0;
}

int sf_journal_open(struct sf_journal *j, const char *dir)
{
	struct statfs sfs;
	char dev[128];
	struct sf_journal_count c;
	int ret;

	memset(j, 0, sizeof(*j));
	if (statfs(dir, &sfs)) {
		snprintf(j->why, sizeof(j->why), "statfs %s: %s", dir, strerror(errno));
		return -1;
	}
	if (sfs.f_type == TMPFS_MAGIC) {
		snprintf(j->why, sizeof(j->why), "no journal on tmpfs");
		return 1;
	}
	if (sfs.f_type != EXT4_MAGIC && sfs.f_type != XFS_MAGIC) {
		snprintf(j->why, sizeof(j->why), "journal commits are counted on ext4 and xfs only (filesystem magic 0x%lx)",
			 (unsigned long)sfs.f_type);
		return 1;
	}
	if (block_dev_name(dir, dev, sizeof(dev))) {
		snprintf(j->why, sizeof(j->why), "cannot name the block device of %s in /sys/dev/block", dir);
		return -1;
	}
	ret = sfs.f_type == EXT4_MAGIC ? find_jbd2(j, dev) : find_xfs(j, dev);
	if (ret)
		return ret;
	if (sf_journal_read(j, &c)) {
		snprintf(j->why, sizeof(j->why), "cannot parse %s", j->source);
		j->kind = SF_JOURNAL_NONE;
		return -1;
	}
	return 0;
}

int sf_journal_read(const struct sf_journal *j, struct sf_journal_count *c)
{
	char buf[8192];

	if (j->kind == SF_JOURNAL_NONE)
		return -1;
	buf[0] = 0;
	if (sf_read_file(j->source, buf, sizeof(buf)) < 0)
		return -1;
	c->at_s = sf_mono_s();
	if (j->kind == SF_JOURNAL_JBD2)
		return sf_journal_parse_jbd2(buf, c);
	return sf_journal_parse_xfs(buf, c);
}

uint64_t sf_journal_unasked(const struct sf_journal *j, const struct sf_journal_count *a,
			    const struct sf_journal_count *b)
{
	if (j->kind != SF_JOURNAL_XFS || !(j->period_s > 0) || b->at_s < a->at_s)
		return 0;
	return (uint64_t)((b->at_s - a->at_s) / j->period_s) + 1;
}

const char *sf_journal_commits_name(const struct sf_journal *j)
{
	switch (j->kind) {
	case SF_JOURNAL_JBD2:
		return "jbd2 transactions committed";
	case SF_JOURNAL_XFS:
		return "xfs log writes";
	default:
		return "none";
	}
}

const char *sf_journal_requested_name(const struct sf_journal *j)
{
	switch (j->kind) {
	case SF_JOURNAL_JBD2:
		return "jbd2 commits requested (not timer-driven)";
	case SF_JOURNAL_XFS:
		return "xfs log forces";
	default:
		return "none";
	}
}
