// SPDX-License-Identifier: MIT
/*
 * The guest side of `syncfault crashtest` (see crash.h for the protocol).
 * One invocation per boot, run by the guest's init as a job:
 *
 *   syncfault crashtest --guest --fs-target vm:NAME --device-size BYTES
 *       [--verify-mode M --verify-nonce N --verify-acked A --verify-records R]
 *       [--write-mode M --write-nonce N --records R]
 *       --target DIR --json FILE          (added by init; not used)
 *
 * First it verifies the log the previous boot wrote (mount = journal
 * recovery, then walk the chain), then it makes a fresh filesystem and
 * appends records until the host pulls the plug.
 *
 * The crash filesystem lives on the guest's second NVDIMM (namespace1.0,
 * /dev/pmem1), whose backing file the host keeps across boots; init owns
 * the first one and makes a new filesystem there every boot.
 *
 * The log: page 0 is a header whose `first` points at record 1; record s
 * sits alone in page crash_page_of(s) and its `next` points at record s+1.
 * Appending s: write the record into its (hole) page and persist it; then
 * link it from s-1 (or the header) and persist that; then ACK s.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "crash_klog.h"
#include "sf_errors.h"
#include "sf_crash.h"
#include "sf_modes.h"
#include "sf_params.h"
#include "sf_probe.h"
#include "sf_guest_targets.h"
#include "sf_util.h"

#define HDR_MAGIC	0x3152444852434653ull	/* "SFCRHDR1" */
#define REC_MAGIC	0x3143455252434653ull	/* "SFCRREC1" */
#define MNT		"/crash"
#define LOG		MNT "/log"
#define DEV		"/dev/pmem1"
#define NS		"/sys/bus/nd/devices/namespace1.0"

struct crash_hdr {
	uint64_t magic, nonce, npages;
	uint64_t first;		/* page of record 1; 0 until it exists */
	char mode[16];
};

struct crash_rec {
	uint64_t magic, nonce, seq, page;
	uint64_t next;		/* page of record seq+1; 0 until it exists */
	uint64_t sum;		/* over the page but next and sum */
	/* payload: the rest of the page */
};

struct guest_opts {
	const struct sf_guest_target *g;	/* mkfs and mount recipe, from the table */
	uint64_t device_size;
	const char *verify_mode, *write_mode;
	uint64_t verify_nonce, verify_acked, verify_records;
	uint64_t write_nonce, records;
};

static int tty = -1;

/* One protocol line on the serial console (and on stdout, for the .out). */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	if (tty >= 0) {
		char full[1100];
		int len = snprintf(full, sizeof(full), "%s%.*s", CRASH_TAG, n, line);

		(void)!write(tty, full, (size_t)len);	/* one write: one unbroken line */
	}
	/* the job's output goes to the 9p share: not for every ACK */
	if (strncmp(line, "ACK ", 4)) {
		printf("%s%.*s", CRASH_TAG, n, line);
		fflush(stdout);
	}
}

static int guest_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int guest_error(const char *fmt, ...)
{
	char msg[900];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	for (char *c = msg; *c; c++)
		if (*c == '\n')
			*c = ' ';
	say("ERROR %s", msg);
	return SF_EXIT_ERROR;
}

/* ---- tools (mkfs, ndctl): run, wait, keep the tail of their output ---- */

static int run_tool(char *const argv[], char *out, size_t outlen)
{
	int pfd[2], status;
	size_t n = 0;
	ssize_t r;
	pid_t pid;

	out[0] = 0;
	if (pipe(pfd))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		dup2(pfd[1], STDOUT_FILENO);
		dup2(pfd[1], STDERR_FILENO);
		close(pfd[0]);
		execvp(argv[0], argv);
		dprintf(STDERR_FILENO, "cannot run %s: %s", argv[0], strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	while ((r = read(pfd[0], out + n, outlen - 1 - n)) > 0) {
		n += (size_t)r;
		if (n == outlen - 1)
			n = 0;	/* keep reading; the end is what matters */
	}
	out[n] = 0;
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static bool wait_for(const char *path, int tenths)
{
	struct timespec t = { 0, 100000000L };

	for (int i = 0; i < tenths && access(path, F_OK); i++)
		nanosleep(&t, NULL);
	return !access(path, F_OK);
}

/*
 * Our NVDIMM is the second one: namespace1.0, of the size the host gave
 * it.  Bring it to fsdax once (the mode is stored on the NVDIMM itself).
 */
static int crash_device(const struct guest_opts *o)
{
	char buf[256], out[2048];
	uint64_t size;

	if (sf_read_line("/sys/bus/nd/devices/region1/size", buf, sizeof(buf)))
		return guest_error("no second NVDIMM region (region1): the host did not attach the crash NVDIMM");
	size = strtoull(buf, NULL, 10);
	if (size != o->device_size)
		return guest_error("region1 is %" PRIu64 " bytes, not the crash NVDIMM's %" PRIu64
				   ": refusing to touch it", size, o->device_size);
	if (sf_read_line(NS "/mode", buf, sizeof(buf)) || strcmp(buf, "fsdax")) {
		char *argv[] = { "ndctl", "create-namespace", "-f", "-e", "namespace1.0",
				 "-m", "fsdax", "-M", "mem", NULL };

		if (run_tool(argv, out, sizeof(out)))
			return guest_error("ndctl create-namespace -e namespace1.0 -m fsdax: %s", out);
	}
	if (!wait_for(DEV, 50))
		return guest_error("no %s after making namespace1.0 fsdax", DEV);
	return 0;
}

static int mount_crash(const struct sf_guest_target *g)
{
	mkdir(MNT, 0755);
	if (mount(DEV, MNT, g->fs, 0, g->mount_opts))
		return guest_error("mount -t %s -o %s %s: %s", g->fs, g->mount_opts, DEV, strerror(errno));
	return 0;
}

/* The guest target's own mkfs recipe (the one init uses), on our device. */
static int make_crash_fs(const struct sf_guest_target *g)
{
	char cmd[512], out[2048], *argv[32];
	int n = 0;

	snprintf(cmd, sizeof(cmd), "%s", g->mkfs);
	for (char *w = strtok(cmd, " "); w && n < 30; w = strtok(NULL, " "))
		argv[n++] = w;
	argv[n++] = DEV;
	argv[n] = NULL;
	umount(MNT);
	if (run_tool(argv, out, sizeof(out)))
		return guest_error("%s %s failed: %s", g->mkfs, DEV, out);
	return mount_crash(g);
}

/*
 * The features the filesystem on DEV really has, from its superblock (ext4:
 * s_feature_compat at 0x5c of the superblock at 1024), so the output says
 * what was tested, not what was asked for.
 */
static void fs_features(const struct sf_guest_target *g, char *buf, size_t len)
{
	static const struct { uint32_t bit; const char *name; } compat[] = {
		{ 0x4, "has_journal" }, { 0x400, "fast_commit" },
	};
	unsigned char sb[1024];
	int fd = open(DEV, O_RDONLY | O_CLOEXEC);
	size_t off = 0;
	uint32_t fc;

	snprintf(buf, len, "-");
	if (fd < 0)
		return;
	if (pread(fd, sb, sizeof(sb), 1024) == (ssize_t)sizeof(sb) && sb[0x38] == 0x53 &&
	    sb[0x39] == 0xef) {
		memcpy(&fc, sb + 0x5c, sizeof(fc));
		for (size_t i = 0; i < sizeof(compat) / sizeof(compat[0]); i++)
			if (fc & compat[i].bit)
				off += (size_t)snprintf(buf + off, off < len ? len - off : 0, "%s%s",
							off ? "," : "", compat[i].name);
		if (!off)
			snprintf(buf, len, "none");
	} else if (strcmp(g->fs, "ext4")) {
		snprintf(buf, len, "%s", g->features[0] ? g->features : "-");
	}
	close(fd);
}

/* ---- records ---- */

static uint64_t rec_sum(const char *page)
{
	const struct crash_rec *r = (const void *)page;
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < CRASH_PAGE; i++) {
		if (i >= offsetof(struct crash_rec, next) && i < sizeof(*r))
			continue;
		h = (h ^ (unsigned char)page[i]) * 1099511628211ull;
	}
	(void)r;
	return h;
}

static void make_rec(char *page, uint64_t nonce, uint64_t seq, uint64_t pg)
{
	struct crash_rec *r = (void *)page;
	uint64_t x = nonce ^ (seq * 0x9e3779b97f4a7c15ull) ^ 1;

	for (size_t i = sizeof(*r); i < CRASH_PAGE; i += 8) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(page + i, &x, 8);
	}
	*r = (struct crash_rec){ .magic = REC_MAGIC, .nonce = nonce, .seq = seq, .page = pg };
	r->sum = rec_sum(page);
}

static bool rec_ok(const char *page, uint64_t nonce, uint64_t seq, uint64_t pg)
{
	const struct crash_rec *r = (const void *)page;

	return r->magic == REC_MAGIC && r->nonce == nonce && r->seq == seq &&
	       r->page == pg && r->sum == rec_sum(page);
}

static uint64_t log_pages(uint64_t records)
{
	uint64_t m = 1;

	while (m < records)
		m <<= 1;
	return m + 1;
}

/* ---- the writer ---- */

static int store_persist(struct sf_file *f, size_t off, const void *buf, size_t len,
			 const char *what, uint64_t seq)
{
	if (sf_file_store(f, off, buf, len))
		return guest_error("storing %s of record %" PRIu64 ": %s", what, seq, strerror(errno));
	if (sf_file_persist(f, off, len))
		return guest_error("persisting %s of record %" PRIu64 " (%s): %s", what, seq,
				   f->mode->persist_desc, strerror(errno));
	return 0;
}

/* Header written and everything made durable before the first record. */
static int writer_setup(struct sf_file *f, const struct sf_mode *m, uint64_t nonce,
			uint64_t npages)
{
	struct crash_hdr h = { .magic = HDR_MAGIC, .nonce = nonce, .npages = npages };
	char err[512];
	int dfd;

	snprintf(h.mode, sizeof(h.mode), "%s", m->name);
	if (sf_file_create(f, m, LOG, npages * CRASH_PAGE, SF_FILL_HOLE, err, sizeof(err)))
		return guest_error("%s", err);
	if (m->maps) {
		if (sf_file_map(f, CRASH_PAGE, err, sizeof(err)))
			return guest_error("%s", err);
		/* 4 KiB faults: a PMD fault would allocate 2 MiB for many records */
		madvise(f->map, f->map_len, MADV_NOHUGEPAGE);
	}
	if (sf_file_store(f, 0, &h, sizeof(h)))
		return guest_error("writing the log header: %s", strerror(errno));
	if ((m->maps && msync(f->map, CRASH_PAGE, MS_SYNC)) || fsync(f->fd))
		return guest_error("syncing the log header: %s", strerror(errno));
	dfd = open(MNT, O_RDONLY | O_DIRECTORY);
	if (dfd < 0 || fsync(dfd))
		return guest_error("syncing %s: %s", MNT, strerror(errno));
	close(dfd);
	return 0;
}

static int writer(const struct guest_opts *o)
{
	const struct sf_mode *m = sf_mode_find(o->write_mode);
	uint64_t npages = log_pages(o->records), prev = 0;
	static char page[CRASH_PAGE] __attribute__((aligned(64)));
	struct sf_target t;
	struct sf_file f;
	char err[512], feat[128];

	if (!m)
		return guest_error("unknown mode %s", o->write_mode);
	if (make_crash_fs(o->g))
		return SF_EXIT_ERROR;
	if (sf_target_probe(MNT, &t, err, sizeof(err)))
		return guest_error("%s", err);
	if (sf_mode_supported(m, &t, err, sizeof(err)))
		return guest_error("mode %s unsupported on %s: %s", m->name, t.fs, err);
	if (writer_setup(&f, m, o->write_nonce, npages))
		return SF_EXIT_ERROR;
	fs_features(o->g, feat, sizeof(feat));
	say("READY nonce=%" PRIu64 " mode=%s fs=%s dax=%d map_sync=%d features=%s", o->write_nonce,
	    m->name, t.fs, t.dax, t.map_sync, feat);
	for (uint64_t s = 1; s <= o->records; s++) {
		uint64_t pg = crash_page_of(s, npages);
		size_t link = prev ? prev * CRASH_PAGE + offsetof(struct crash_rec, next)
				   : offsetof(struct crash_hdr, first);

		make_rec(page, o->write_nonce, s, pg);
		if (store_persist(&f, pg * CRASH_PAGE, page, CRASH_PAGE, "the body", s) ||
		    store_persist(&f, link, &pg, sizeof(pg), "the link", s))
			return SF_EXIT_ERROR;
		say("ACK %" PRIu64, s);
		prev = pg;
	}
	say("FULL");
	/* The host pulls the plug now; we never tidy up a "crashed" log. */
	for (int i = 0; i < 600; i++)
		sleep(1);
	return guest_error("still running 600 s after FULL: the host did not stop the guest");
}

/* ---- the verifier ---- */

struct verdict {
	bool file, size_ok, recovered;
	uint64_t reachable;		/* records on the chain from the header */
	uint64_t intact_acked;		/* acked records whose page checks out */
	uint64_t lost, lost_hole, lost_corrupt, lost_unreachable;
	uint64_t first_lost;
	uint64_t beyond;		/* reachable records past the last ack */
};

static bool page_allocated(int fd, uint64_t pg)
{
	off_t off = (off_t)(pg * CRASH_PAGE);

	return lseek(fd, off, SEEK_DATA) == off;
}

static bool read_page(int fd, uint64_t pg, char *page)
{
	return pread(fd, page, CRASH_PAGE, (off_t)(pg * CRASH_PAGE)) == CRASH_PAGE;
}

/* Follow the links from the header as far as they lead to good records. */
static uint64_t walk_chain(int fd, const struct crash_hdr *h, uint64_t npages, uint64_t nonce)
{
	static char page[CRASH_PAGE];
	uint64_t pg = h->first, n = 0;

	while (pg && n < npages - 1) {
		if (pg != crash_page_of(n + 1, npages) || !read_page(fd, pg, page) ||
		    !rec_ok(page, nonce, n + 1, pg))
			break;
		n++;
		pg = ((struct crash_rec *)page)->next;
	}
	return n;
}

static void check_acked(int fd, const struct guest_opts *o, uint64_t npages, struct verdict *v)
{
	static char page[CRASH_PAGE];

	for (uint64_t s = 1; s <= o->verify_acked; s++) {
		uint64_t pg = crash_page_of(s, npages);
		bool alloc = page_allocated(fd, pg);
		bool good = alloc && read_page(fd, pg, page) &&
			    rec_ok(page, o->verify_nonce, s, pg);

		if (good)
			v->intact_acked++;
		if (good && s <= v->reachable)
			continue;
		if (!v->lost++)
			v->first_lost = s;
		if (!alloc)
			v->lost_hole++;
		else if (!good)
			v->lost_corrupt++;
		else
			v->lost_unreachable++;
	}
}

static void verify_log(const struct guest_opts *o, struct verdict *v)
{
	uint64_t npages = log_pages(o->verify_records);
	struct crash_hdr h;
	struct stat st;
	int fd = open(LOG, O_RDONLY);

	v->file = fd >= 0;
	if (fd >= 0 && !fstat(fd, &st))
		v->size_ok = (uint64_t)st.st_size == npages * CRASH_PAGE;
	if (fd >= 0 && pread(fd, &h, sizeof(h), 0) == sizeof(h) && h.magic == HDR_MAGIC &&
	    h.nonce == o->verify_nonce && h.npages == npages)
		v->reachable = walk_chain(fd, &h, npages, o->verify_nonce);
	if (v->reachable > o->verify_acked)
		v->beyond = v->reachable - o->verify_acked;
	if (fd < 0) {
		v->lost = v->lost_hole = o->verify_acked;
		v->first_lost = o->verify_acked ? 1 : 0;
		return;
	}
	check_acked(fd, o, npages, v);
	close(fd);
}

static int verifier(const struct guest_opts *o)
{
	struct verdict v = { 0 };
	char feat[128], why[768];
	size_t mark;
	bool mounted;

	umount(MNT);
	mkdir(MNT, 0755);
	fs_features(o->g, feat, sizeof(feat));
	mark = crash_klog_mark();
	mounted = !mount(DEV, MNT, o->g->fs, 0, o->g->mount_opts);
	if (!mounted) {
		/*
		 * Not "lost": nothing could be read, and the kernel, not the
		 * records, says why (mount's errno alone is "Structure needs
		 * cleaning" for a dozen different checks).
		 */
		int e = errno;

		crash_klog_why(mark, DEV + 5, why, sizeof(why));
		say("UNMOUNTED nonce=%" PRIu64 " why=%s%smount -t %s -o %s %s: %s", o->verify_nonce,
		    why, why[0] ? "; " : "", o->g->fs, o->g->mount_opts, DEV, strerror(e));
	} else {
		v.recovered = crash_klog_recovered(DEV + 5);
		verify_log(o, &v);
	}
	say("VERIFY nonce=%" PRIu64 " mode=%s fs=%s features=%s acked=%" PRIu64 " mounted=%d file=%d size_ok=%d recovered=%d"
	    " reachable=%" PRIu64 " intact_acked=%" PRIu64 " lost=%" PRIu64 " lost_hole=%" PRIu64
	    " lost_corrupt=%" PRIu64 " lost_unreachable=%" PRIu64 " first_lost=%" PRIu64
	    " beyond_acked=%" PRIu64,
	    o->verify_nonce, o->verify_mode, o->g->fs, feat, o->verify_acked, mounted, v.file, v.size_ok,
	    v.recovered,
	    v.reachable, v.intact_acked, v.lost, v.lost_hole, v.lost_corrupt,
	    v.lost_unreachable, v.first_lost, v.beyond);
	if (mounted && umount(MNT))
		return guest_error("umount %s after verifying: %s", MNT, strerror(errno));
	return 0;
}

/* ---- arguments ---- */

static int num_arg(const char *name, const char *val, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(val, &end, 10);
	if (errno || *end || !*val || val[0] == '-')
		return guest_error("--%s: '%s' is not a number", name, val);
	return 0;
}

static int parse_guest(int argc, char **argv, struct guest_opts *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		int r = 0;

		if (!strcmp(a, "--guest"))
			continue;
		if (!v)
			return guest_error("%s needs a value", a);
		i++;
		if (!strcmp(a, "--fs-target"))
			o->g = sf_guest_target_find(v);
		else if (!strcmp(a, "--device-size"))
			r = num_arg("device-size", v, &o->device_size);
		else if (!strcmp(a, "--verify-mode"))
			o->verify_mode = v;
		else if (!strcmp(a, "--verify-nonce"))
			r = num_arg("verify-nonce", v, &o->verify_nonce);
		else if (!strcmp(a, "--verify-acked"))
			r = num_arg("verify-acked", v, &o->verify_acked);
		else if (!strcmp(a, "--verify-records"))
			r = num_arg("verify-records", v, &o->verify_records);
		else if (!strcmp(a, "--write-mode"))
			o->write_mode = v;
		else if (!strcmp(a, "--write-nonce"))
			r = num_arg("write-nonce", v, &o->write_nonce);
		else if (!strcmp(a, "--records"))
			r = num_arg("records", v, &o->records);
		else if (strcmp(a, "--target") && strcmp(a, "--json"))
			return guest_error("unknown guest argument %s", a);
		if (r)
			return r;
	}
	if (!o->g || !(o->g->flags & SF_TGT_FILES))
		return guest_error("--fs-target: a guest target with a filesystem is needed");
	if (o->write_mode && (o->records < 1 || o->records > CRASH_MAX_RECORDS))
		return guest_error("--records must be 1 to %d", CRASH_MAX_RECORDS);
	if (o->verify_mode && (o->verify_records < 1 || o->verify_records > CRASH_MAX_RECORDS ||
			       o->verify_acked > o->verify_records))
		return guest_error("--verify-records/--verify-acked out of range");
	return 0;
}

int crash_guest_main(int argc, char **argv)
{
	struct guest_opts o = { 0 };
	int ret;

	tty = open("/dev/ttyS0", O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (tty < 0)
		tty = open("/dev/console", O_WRONLY | O_NOCTTY | O_CLOEXEC);
	ret = parse_guest(argc, argv, &o);
	if (!ret)
		ret = crash_device(&o);
	if (!ret && o.verify_mode)
		ret = verifier(&o);
	if (!ret && o.write_mode)
		ret = writer(&o);
	return ret;
}
