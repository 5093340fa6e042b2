// SPDX-License-Identifier: MIT
/*
 * Target probe.  Everything is read from /proc/self/mountinfo, sysfs and one
 * probe file that we create in a directory of our own inside the target and
 * remove again.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "sf_probe.h"
#include "sf_util.h"

#ifndef STATX_ATTR_DAX
#define STATX_ATTR_DAX 0x00200000
#endif

/* Unescape the \040-style octal escapes of mountinfo in place. */
static void unescape(char *s)
{
	char *d = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' && s[2] && s[3]) {
			*d++ = (char)(((s[1] - '0') << 6) | ((s[2] - '0') << 3) | (s[3] - '0'));
			s += 4;
		} else {
			*d++ = *s++;
		}
	}
	*d = 0;
}

/* Find the mount of path: same st_dev preferred, else longest prefix. */
static int find_mount(const char *real, dev_t dev, struct sf_target *t)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[8192];
	size_t best = 0;
	bool best_dev = false;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char mp[4096], opts[1024], fs[64], src[1024], sopts[1024];
		unsigned int maj, min;
		char *sep = strstr(line, " - ");
		size_t l;
		bool same;

		if (!sep || sscanf(line, "%*d %*d %u:%u %*s %4095s %1023s", &maj, &min, mp, opts) != 4)
			continue;
		if (sscanf(sep + 3, "%63s %1023s %1023s", fs, src, sopts) != 3)
			continue;
		unescape(mp);
		l = strlen(mp);
		if (strncmp(real, mp, l) || (real[l] && real[l] != '/' && l > 1))
			continue;
		same = makedev(maj, min) == dev;
		if ((same && !best_dev) || (same == best_dev && l >= best)) {
			best = l;
			best_dev = same;
			snprintf(t->mount_point, sizeof(t->mount_point), "%s", mp);
			snprintf(t->fs, sizeof(t->fs), "%s", fs);
			snprintf(t->device, sizeof(t->device), "%s", src);
			snprintf(t->mount_options, sizeof(t->mount_options), "%s,%s", opts, sopts);
		}
	}
	fclose(f);
	return best ? 0 : -1;
}

/* Walk up from the block device's sysfs node to its nd region and namespace. */
static void probe_pmem(struct sf_target *t)
{
	char path[PATH_MAX], real[PATH_MAX], v[64];
	const char *dev = strrchr(t->device, '/');

	if (!dev || strncmp(dev + 1, "pmem", 4))
		return;
	snprintf(path, sizeof(path), "/sys/block/%.32s/device", dev + 1);
	if (!realpath(path, real))
		return;
	for (char *p = real; strlen(p) > 4; p = dirname(p)) {
		const char *base = strrchr(p, '/') + 1;

		if (!t->namespace_mode[0]) {
			if (!strncmp(base, "pfn", 3))
				snprintf(t->namespace_mode, sizeof(t->namespace_mode), "fsdax");
			else if (!strncmp(base, "btt", 3))
				snprintf(t->namespace_mode, sizeof(t->namespace_mode), "sector");
			else if (!strncmp(base, "namespace", 9)) {
				snprintf(path, sizeof(path), "%s/mode", p);
				if (!sf_read_line(path, v, sizeof(v)))
					snprintf(t->namespace_mode, sizeof(t->namespace_mode), "%s", v);
			}
		}
		snprintf(path, sizeof(path), "%s/persistence_domain", p);
		if (!strncmp(base, "region", 6) && !sf_read_line(path, v, sizeof(v))) {
			snprintf(t->persistence_domain, sizeof(t->persistence_domain),
				 "%s", v[0] ? v : "unknown");
			break;
		}
	}
}

static void probe_map_sync(int fd, struct sf_target *t)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_SHARED_VALIDATE | MAP_SYNC, fd, 0);

	if (p != MAP_FAILED) {
		t->map_sync = true;
		munmap(p, 4096);
		return;
	}
	if (errno == EOPNOTSUPP)
		snprintf(t->map_sync_reason, sizeof(t->map_sync_reason),
			 "MAP_SYNC refused (EOPNOTSUPP): %s on %s is not a DAX mapping",
			 t->fs, t->mount_point);
	else
		snprintf(t->map_sync_reason, sizeof(t->map_sync_reason),
			 "MAP_SYNC mmap failed: %s", strerror(errno));
}

static void probe_dax(int fd, struct sf_target *t)
{
	struct statx sx;

	if (statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &sx)) {
		snprintf(t->dax_reason, sizeof(t->dax_reason), "statx failed: %s", strerror(errno));
		return;
	}
	if (!(sx.stx_attributes_mask & STATX_ATTR_DAX))
		snprintf(t->dax_reason, sizeof(t->dax_reason),
			 "%s does not report STATX_ATTR_DAX (not a DAX-capable filesystem)", t->fs);
	else if (!(sx.stx_attributes & STATX_ATTR_DAX))
		snprintf(t->dax_reason, sizeof(t->dax_reason),
			 "files on %s are not DAX (mount with -o dax on a pmem device)", t->mount_point);
	else
		t->dax = true;
}

/*
 * Create a probe file in .syncfault-probe.PID inside a scratch directory of
 * our own (nothing outside TARGET/syncfault.XXXXXX), probe, remove all.
 */
static int probe_file(struct sf_target *t, char *err, size_t errlen)
{
	char scratch[4200], dir[4300], file[4400];
	int fd, lock;

	if (sf_scratch_create(t->path, scratch, sizeof(scratch), &lock)) {
		snprintf(err, errlen, "target %s is not writable (%s): choose a directory you can write to",
			 t->path, strerror(errno));
		return -1;
	}
	snprintf(dir, sizeof(dir), "%s/.syncfault-probe.%d", scratch, (int)getpid());
	snprintf(file, sizeof(file), "%s/probe", dir);
	fd = mkdir(dir, 0700) ? -1 : open(file, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || ftruncate(fd, 2 << 20)) {
		snprintf(err, errlen, "cannot create a file in %s: %s", t->path, strerror(errno));
		if (fd >= 0)
			close(fd);
		sf_scratch_remove(scratch, lock);
		return -1;
	}
	t->writable = true;
	probe_dax(fd, t);
	probe_map_sync(fd, t);
	close(fd);
	sf_scratch_remove(scratch, lock);
	return 0;
}

/*
 * Kernel pseudo-filesystems are never targets: a mkdir there is not a
 * directory of files (in cgroupfs it would create a cgroup).
 */
static bool pseudo_fs(const char *fs)
{
	static const char *const names[] = { "proc", "sysfs", "cgroup", "cgroup2", "debugfs",
		"tracefs", "devpts", "securityfs", "bpf", "configfs", "mqueue", "pstore",
		"efivarfs", "fusectl", "binfmt_misc", "hugetlbfs", "autofs", "rpc_pipefs",
		"nsfs", "selinuxfs", NULL };

	for (int i = 0; names[i]; i++)
		if (!strcmp(fs, names[i]))
			return true;
	return false;
}

/* sysfs value of dax device name (dax0.0), as a number; 0 when unreadable. */
static uint64_t dax_attr(const char *name, const char *attr)
{
	char path[512], v[64];

	snprintf(path, sizeof(path), "/sys/bus/dax/devices/%s/%s", name, attr);
	return sf_read_line(path, v, sizeof(v)) ? 0 : strtoull(v, NULL, 0);
}

/* The region above a dax device: its persistence domain. */
static void devdax_region(const char *sysdev, struct sf_target *t)
{
	char real[PATH_MAX], path[PATH_MAX + 32], v[64];

	if (!realpath(sysdev, real))
		return;
	for (char *p = real; strlen(p) > 4; p = dirname(p)) {
		const char *base = strrchr(p, '/') + 1;

		snprintf(path, sizeof(path), "%s/persistence_domain", p);
		if (!strncmp(base, "region", 6) && !sf_read_line(path, v, sizeof(v))) {
			snprintf(t->persistence_domain, sizeof(t->persistence_domain),
				 "%s", v[0] ? v : "unknown");
			return;
		}
	}
}

/*
 * A device-DAX character device: the memory itself, mapped whole-aligned;
 * direct access and synchronous by construction (MAP_SYNC is accepted and changes
 * nothing: there is no metadata to sync).
 */
static int probe_devdax(const char *path, const struct stat *st, struct sf_target *t,
			char *err, size_t errlen)
{
	char sys[128], sub[PATH_MAX], real[PATH_MAX], *name;
	int fd;
	void *p;

	snprintf(sys, sizeof(sys), "/sys/dev/char/%u:%u", major(st->st_rdev), minor(st->st_rdev));
	snprintf(sub, sizeof(sub), "%s/subsystem", sys);
	if (!realpath(sub, real) || strcmp(strrchr(real, '/'), "/dax")) {
		snprintf(err, errlen, "target %s is a character device but not device DAX: give a directory or /dev/daxN.M",
			 path);
		return -1;
	}
	name = realpath(sys, NULL);	/* .../dax0.0: the dax bus device itself */
	snprintf(t->path, sizeof(t->path), "%s", path);
	snprintf(t->device, sizeof(t->device), "%s", path);
	snprintf(t->fs, sizeof(t->fs), "devdax");
	snprintf(t->namespace_mode, sizeof(t->namespace_mode), "devdax");
	/* dax is about files (STATX_ATTR_DAX): here there are none */
	t->devdax = true;
	snprintf(t->dax_reason, sizeof(t->dax_reason), "device DAX: no files; the device itself is the DAX mapping");
	t->devdax_size = name ? dax_attr(strrchr(name, '/') + 1, "size") : 0;
	t->devdax_align = name ? dax_attr(strrchr(name, '/') + 1, "align") : 0;
	if (!t->devdax_align)
		t->devdax_align = 2 << 20;	/* before 5.10: 2 MiB unless made otherwise */
	free(name);
	devdax_region(sys, t);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "target %s: %s: device DAX must be writable", path, strerror(errno));
		return -1;
	}
	t->writable = true;
	p = mmap(NULL, t->devdax_align, PROT_READ | PROT_WRITE, MAP_SHARED_VALIDATE | MAP_SYNC, fd, 0);
	t->map_sync = p != MAP_FAILED;
	if (p != MAP_FAILED)
		munmap(p, t->devdax_align);
	else
		snprintf(t->map_sync_reason, sizeof(t->map_sync_reason),
			 "MAP_SYNC mmap of %s failed: %s", path, strerror(errno));
	close(fd);
	return 0;
}

int sf_devdax_with_align(const struct sf_target *t, uint64_t align, char *buf, size_t len)
{
	DIR *d;
	struct dirent *e;
	int ret = -1;

	if (!t->devdax)
		return -1;
	if (t->devdax_align == align) {
		snprintf(buf, len, "%s", t->path);
		return 0;
	}
	d = opendir("/sys/bus/dax/devices");
	while (d && ret && (e = readdir(d))) {
		if (strncmp(e->d_name, "dax", 3) || dax_attr(e->d_name, "align") != align)
			continue;
		snprintf(buf, len, "/dev/%s", e->d_name);
		ret = access(buf, R_OK | W_OK) ? -1 : 0;
	}
	if (d)
		closedir(d);
	return ret;
}

/*
 * Is the guest's address layout the same on every boot?  scripts/vm/run
 * boots icount guests with nokaslr norandmaps (and says so with
 * syncfault.layout=fixed): where the kernel and a process's mappings lie
 * changes how many instructions a fault takes (page-table pages, the VMA
 * tree's shape), by up to 1.1% between boots with randomization on.
 * Fixed only if the randomization really is off.
 */
static void probe_layout(struct sf_target *t)
{
	char want[16], va[16];

	snprintf(t->layout, sizeof(t->layout), "random");
	if (!sf_cmdline_value("syncfault.layout", want, sizeof(want)) && !strcmp(want, "fixed") &&
	    !sf_read_line("/proc/sys/kernel/randomize_va_space", va, sizeof(va)) && !strcmp(va, "0"))
		snprintf(t->layout, sizeof(t->layout), "fixed");
}

/* The guest's clock, as scripts/vm/run booted it; a host's is real. */
static void probe_timing(struct sf_target *t)
{
	char shift[16];

	t->icount_shift = -1;
	if (sf_cmdline_value("syncfault.timing", t->timing, sizeof(t->timing)) ||
	    strcmp(t->timing, "icount")) {
		snprintf(t->timing, sizeof(t->timing), "real");
		return;
	}
	t->icount_shift = sf_cmdline_value("syncfault.icount_shift", shift, sizeof(shift)) ?
			  0 : atoi(shift);
	probe_layout(t);
}

const char *sf_target_layout_words(const struct sf_target *t)
{
	if (!strcmp(t->layout, "fixed"))
		return "fixed (nokaslr norandmaps: the same on every boot)";
	if (!strcmp(t->layout, "random"))
		return "randomized on every boot (KASLR, mmap randomization)";
	return "not recorded";
}

bool sf_target_deterministic(const struct sf_target *t)
{
	return !strcmp(t->timing, "icount");
}

void sf_target_timing_words(const struct sf_target *t, char *buf, size_t len)
{
	if (sf_target_deterministic(t))
		snprintf(buf, len, "virtual time: %g ns per guest instruction (QEMU icount, shift %d); cache, memory and device latency are not modelled; guest addresses %s",
			 (double)(1 << (t->icount_shift > 0 ? t->icount_shift : 0)), t->icount_shift,
			 sf_target_layout_words(t));
	else
		snprintf(buf, len, "real time");
}

int sf_target_probe(const char *dir, struct sf_target *t, char *err, size_t errlen)
{
	struct stat st;
	struct utsname u;
	char real[PATH_MAX];

	memset(t, 0, sizeof(*t));
	if (stat(dir, &st)) {
		snprintf(err, errlen, "target %s: %s: give an existing directory", dir, strerror(errno));
		return -1;
	}
	if (S_ISCHR(st.st_mode)) {
		uname(&u);
		snprintf(t->kernel, sizeof(t->kernel), "%s", u.release);
		if (sf_cmdline_value("syncfault.emulated", t->emulated, sizeof(t->emulated)))
			t->emulated[0] = 0;
		probe_timing(t);
		return probe_devdax(dir, &st, t, err, errlen);
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "target %s is not a directory: give a directory", dir);
		return -1;
	}
	if (!realpath(dir, real)) {
		snprintf(err, errlen, "target %s: %s", dir, strerror(errno));
		return -1;
	}
	snprintf(t->path, sizeof(t->path), "%s", real);
	uname(&u);
	snprintf(t->kernel, sizeof(t->kernel), "%s", u.release);
	if (find_mount(real, st.st_dev, t))
		snprintf(t->fs, sizeof(t->fs), "unknown");
	if (pseudo_fs(t->fs)) {
		snprintf(err, errlen, "target %s is on %s, a kernel pseudo-filesystem: give a directory on tmpfs, ext4, xfs or a DAX mount",
			 real, t->fs);
		return -1;
	}
	if (sf_cmdline_value("syncfault.emulated", t->emulated, sizeof(t->emulated)))
		t->emulated[0] = 0;
	probe_timing(t);
	probe_pmem(t);
	if (access(real, W_OK)) {
		snprintf(err, errlen, "target %s is read-only for us (%s): choose a writable directory",
			 real, strerror(errno));
		return -1;
	}
	return probe_file(t, err, errlen);
}

/*
 * A device has no files, so "dax" (a property of files, STATX_ATTR_DAX)
 * and a mount say nothing true about it: say what the device is instead.
 */
static void print_devdax(const struct sf_target *t, FILE *f)
{
	fprintf(f, "target      %s\n", t->path);
	fprintf(f, "device      device DAX, %llu MiB, every mapping and fault a multiple of %llu KiB\n",
		(unsigned long long)(t->devdax_size >> 20),
		(unsigned long long)(t->devdax_align >> 10));
	fprintf(f, "filesystem  none: no files, no metadata to sync\n");
	fprintf(f, "dax         by construction: the mapping is the NVDIMM itself (no page cache)\n");
	if (t->map_sync)
		fprintf(f, "MAP_SYNC    accepted (changes nothing: there is no metadata)\n");
	else
		fprintf(f, "MAP_SYNC    no: %s\n", t->map_sync_reason);
	fprintf(f, "persistence %s\n", t->persistence_domain[0] ? t->persistence_domain : "unknown");
	fprintf(f, "namespace   %s\n", t->namespace_mode);
	fprintf(f, "emulated    %s\n", t->emulated[0] ? t->emulated : "no");
	fprintf(f, "kernel      %s\n", t->kernel);
}

void sf_target_print(const struct sf_target *t, FILE *f)
{
	if (t->devdax) {
		print_devdax(t, f);
		return;
	}
	fprintf(f, "target      %s\n", t->path);
	fprintf(f, "filesystem  %s mounted on %s\n", t->fs, t->mount_point);
	fprintf(f, "device      %s\n", t->device[0] ? t->device : "-");
	fprintf(f, "options     %s\n", t->mount_options);
	fprintf(f, "dax         %s\n", t->dax ? "yes (STATX_ATTR_DAX set on a new file)" : "no");
	if (!t->dax)
		fprintf(f, "            %s\n", t->dax_reason);
	fprintf(f, "MAP_SYNC    %s\n", t->map_sync ? "yes" : "no");
	if (!t->map_sync)
		fprintf(f, "            %s\n", t->map_sync_reason);
	fprintf(f, "persistence %s\n", t->persistence_domain[0] ? t->persistence_domain : "- (not pmem)");
	fprintf(f, "namespace   %s\n", t->namespace_mode[0] ? t->namespace_mode : "-");
	fprintf(f, "emulated    %s\n", t->emulated[0] ? t->emulated : "no");
	fprintf(f, "kernel      %s\n", t->kernel);
}

static void print_ns(const char *name, FILE *f)
{
	char path[512], mode[64] = "", size[64] = "", blk[64] = "";

	snprintf(path, sizeof(path), "/sys/bus/nd/devices/%s/mode", name);
	sf_read_line(path, mode, sizeof(mode));
	snprintf(path, sizeof(path), "/sys/bus/nd/devices/%s/size", name);
	sf_read_line(path, size, sizeof(size));
	snprintf(path, sizeof(path), "/sys/bus/nd/devices/%s/block", name);
	if (sf_read_line(path, blk, sizeof(blk)))
		blk[0] = 0;
	fprintf(f, "  %-16s mode %-8s size %-12s %s\n", name, mode[0] ? mode : "?",
		size[0] ? size : "?", blk);
}

void sf_pmem_list(FILE *f)
{
	DIR *d = opendir("/sys/bus/nd/devices");
	struct dirent *e;
	int n = 0;

	fprintf(f, "pmem devices:\n");
	while (d && (e = readdir(d))) {
		char path[512], v[64];

		if (!strncmp(e->d_name, "namespace", 9)) {
			print_ns(e->d_name, f);
			n++;
		} else if (!strncmp(e->d_name, "region", 6)) {
			snprintf(path, sizeof(path), "/sys/bus/nd/devices/%s/persistence_domain", e->d_name);
			if (!sf_read_line(path, v, sizeof(v)))
				fprintf(f, "  %-16s persistence domain %s\n", e->d_name, v[0] ? v : "unknown");
		}
	}
	if (d)
		closedir(d);
	if (!n)
		fprintf(f, "  none (no NVDIMM namespaces in /sys/bus/nd/devices): use --target vm:ext4-dax or vm:xfs-dax\n");
}
