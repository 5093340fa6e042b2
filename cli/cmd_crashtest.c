// SPDX-License-Identifier: MIT
/*
 * syncfault crashtest: does each durability mode keep what it promised
 * across a power failure?  On the emulated NVDIMM (QEMU, file-backed, so
 * the backing file holds exactly what reached the "media"), a guest writer
 * appends records through the mode and acknowledges each durable one on
 * the serial console; we SIGKILL QEMU at a random moment after the
 * acknowledgements start (the power failure), boot again on the same
 * NVDIMM, mount (journal recovery) and verify that every acknowledged
 * record is present, intact and reachable.
 *
 * Boots are chained: boot k verifies trial k-1 and then writes trial k, so
 * T trials cost T+1 boots.  Modes are interleaved (mapsync, msync, none,
 * mapsync, ...) so that drift over a long run hits every mode alike.
 *
 * The guest side is crash_guest.c; the protocol is in crash.h.  The guest
 * is the one of vm targets (cmd_vm.c: image, boot, console, kill and
 * cleanup); we add the job of each boot, the console lines we act on, the
 * moment the plug is pulled, and the crash NVDIMM: a second NVDIMM added
 * to the runner's QEMU, which init leaves alone (it owns the first one) and
 * whose backing file, in the runner's scratch dir, lives across boots.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "sf_crash.h"
#include "sf_bench.h"
#include "sf_datadir.h"
#include "sf_env.h"
#include "sf_modes.h"
#include "sf_result.h"
#include "sf_util.h"
#include "sf_guest_targets.h"
#include "sf_vm.h"
#include "crashtest.h"

#define BOOT_TIMEOUT_S	600	/* one boot, all of it */
/*
 * init's own NVDIMM, remade every boot: small, but mkfs.xfs with init's
 * options needs a bit over 512M (a 64 MB log).
 */
#define INIT_NVDIMM_MB	768
#define STR_(x)		#x
#define STR(x)		STR_(x)
#define GUEST_MEM_MB	1024	/* run's default --mem */


static uint64_t rng_state;

static uint64_t rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static double rng_unit(void)
{
	return (double)(rng_next() >> 11) / 9007199254740992.0;
}


/* ---- one boot: the runner boots, we read the console and pull the plug ---- */

struct boot {
	const struct ct_opts *o;
	struct trial *verify;		/* the trial to verify first, or NULL */
	struct trial *write;		/* the trial to write, or NULL */
	char console[PATH_MAX + 32];
	double t_ready, t_first_ack, kill_at;
	bool killed, got_verify;
	char guest_error[512];		/* SFCRASH ERROR */
};

static uint64_t kv_u64(const char *line, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), " %s=", key);
	p = strstr(line, pat);
	return p ? strtoull(p + strlen(pat), NULL, 10) : 0;
}

static void kv_str(const char *line, const char *key, char *buf, size_t len)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), " %s=", key);
	p = strstr(line, pat);
	buf[0] = 0;
	if (p)
		snprintf(buf, len, "%.*s", (int)strcspn(p + strlen(pat), " "), p + strlen(pat));
}

static void parse_verify(struct trial *t, const char *line)
{
	if (kv_u64(line, "nonce") != t->nonce)
		return;
	t->verified = true;
	t->mounted = kv_u64(line, "mounted");
	t->file = kv_u64(line, "file");
	t->size_ok = kv_u64(line, "size_ok");
	t->recovered = kv_u64(line, "recovered");
	t->reachable = kv_u64(line, "reachable");
	t->lost = kv_u64(line, "lost");
	t->lost_hole = kv_u64(line, "lost_hole");
	t->lost_corrupt = kv_u64(line, "lost_corrupt");
	t->lost_unreachable = kv_u64(line, "lost_unreachable");
	t->first_lost = kv_u64(line, "first_lost");
	t->beyond = kv_u64(line, "beyond_acked");
}

static void on_ack(struct boot *b, const char *seq)
{
	uint64_t s = strtoull(seq, NULL, 10);

	if (s != b->write->acked + 1)
		b->write->ack_gap = true;
	if (s > b->write->acked)
		b->write->acked = s;
	if (b->t_first_ack)
		return;
	/* the power failure comes at a random moment of the window */
	b->t_first_ack = sf_vm_now();
	b->kill_at = b->t_first_ack + rng_unit() * b->o->window_ms / 1000.0;
}

/* A console line (the runner's hook): the SFCRASH protocol of crash.h. */
static void console_line(void *arg, const char *line)
{
	struct boot *b = arg;
	const char *m = strstr(line, CRASH_TAG);

	if (!m)
		return;
	m += strlen(CRASH_TAG);
	if (!strncmp(m, "ACK ", 4) && b->write) {
		on_ack(b, m + 4);
	} else if (!strncmp(m, "READY ", 6) && b->write) {
		b->t_ready = sf_vm_now();
		kv_str(m - 1, "dax", b->write->dax, sizeof(b->write->dax));
		kv_str(m - 1, "map_sync", b->write->map_sync, sizeof(b->write->map_sync));
		kv_str(m - 1, "features", b->write->features, sizeof(b->write->features));
	} else if (!strncmp(m, "FULL", 4) && b->write) {
		b->write->full = true;
		b->kill_at = sf_vm_now();
	} else if (!strncmp(m, "UNMOUNTED ", 10) && b->verify && strstr(m, " why=") &&
		   kv_u64(m + 9, "nonce") == b->verify->nonce) {
		snprintf(b->verify->mount_error, sizeof(b->verify->mount_error), "%s",
			 strstr(m, " why=") + 5);
	} else if (!strncmp(m, "VERIFY ", 7) && b->verify) {
		parse_verify(b->verify, m + 6);
		b->got_verify = b->verify->verified;
	} else if (!strncmp(m, "ERROR ", 6) && !b->guest_error[0]) {
		snprintf(b->guest_error, sizeof(b->guest_error), "%s", m + 6);
	}
}

/* When to pull the plug (the runner's hook): at once when the guest side gave up. */
static double plug_at(void *arg)
{
	const struct boot *b = arg;

	return b->guest_error[0] ? sf_vm_now() : b->kill_at;
}

/* The guest's job as arguments: an option and its value each time. */
struct job_args {
	char *argv[24];
	char num[8][24];	/* the numbers' text */
	int argc, nnum;
};

static void job_opt(struct job_args *j, const char *opt, const char *val)
{
	j->argv[j->argc++] = (char *)opt;
	j->argv[j->argc++] = (char *)val;
}

static void job_num(struct job_args *j, const char *opt, uint64_t v)
{
	char *buf = j->num[j->nnum++];

	snprintf(buf, sizeof(j->num[0]), "%" PRIu64, v);
	job_opt(j, opt, buf);
}

/* The guest's one job: verify the last trial, then write the next. */
static void make_job(struct job_args *j, const struct target_run *tr, const struct boot *b,
		     const struct ct_opts *o)
{
	j->argv[j->argc++] = "crashtest";
	j->argv[j->argc++] = "--guest";
	job_opt(j, "--fs-target", tr->target);
	job_num(j, "--device-size", CRASH_NVDIMM_BYTES);
	if (b->verify) {
		job_opt(j, "--verify-mode", b->verify->mode->name);
		job_num(j, "--verify-nonce", b->verify->nonce);
		job_num(j, "--verify-acked", b->verify->acked);
		job_num(j, "--verify-records", o->records);
	}
	if (b->write) {
		job_opt(j, "--write-mode", b->write->mode->name);
		job_num(j, "--write-nonce", b->write->nonce);
		job_num(j, "--records", o->records);
	}
}

/* The crash NVDIMM, added to the runner's QEMU; its file lives across boots. */
static void qemu_args(const struct target_run *tr, char *buf, size_t len)
{
	const char *user = getenv("SYNCFAULT_QEMU_ARGS");
	unsigned long long maxmem = GUEST_MEM_MB + INIT_NVDIMM_MB + (CRASH_NVDIMM_BYTES >> 20);

	/* a later -m merges into run's: room for the second NVDIMM */
	snprintf(buf, len, "%s%s-m maxmem=%lluM "
		 "-object memory-backend-file,id=crashmem,share=on,mem-path=%s,size=%llu "
		 "-device nvdimm,id=crashnv,memdev=crashmem",
		 user && *user ? user : "", user && *user ? " " : "", maxmem, tr->nvdimm,
		 (unsigned long long)CRASH_NVDIMM_BYTES);
}

/* After the boot: did it end the way this boot had to end? */
static int judge_boot(struct target_run *tr, struct boot *b)
{
	if (b->guest_error[0])
		snprintf(tr->err, sizeof(tr->err), "guest: %s", b->guest_error);
	else if (b->verify && !b->got_verify)
		snprintf(tr->err, sizeof(tr->err), "the guest gave no verdict for trial %d of %s",
			 b->verify->index + 1, b->verify->mode->name);
	else if (b->write && !b->killed)
		snprintf(tr->err, sizeof(tr->err), "the guest ended before the power failure (writer for %s)",
			 b->write->mode->name);
	else
		return 0;
	sf_vm_console_tail(b->console);
	return -1;
}

static int run_boot(struct target_run *tr, struct boot *b, const struct ct_opts *o)
{
	char qargs[PATH_MAX * 2];
	int limit = o->timeout_s ? o->timeout_s : BOOT_TIMEOUT_S;
	struct job_args ja = { .argc = 0 };
	struct sf_vm_job job = { .name = "crash", .argv = ja.argv };
	struct sf_vm_boot vb = {
		.jobs = &job, .njobs = 1, .console = b->console, .qemu_args = qargs,
		.deadline = sf_vm_now() + limit, .limit_s = limit,
		.on_line = console_line, .plug_at = plug_at, .arg = b,
	};

	make_job(&ja, tr, b, o);
	job.argc = ja.argc;
	qemu_args(tr, qargs, sizeof(qargs));
	snprintf(b->console, sizeof(b->console), "%s/console-%03d.log", tr->work, tr->boots);
	if (sf_vm_boot(tr->vm, &vb, tr->err, sizeof(tr->err)))
		return -1;
	tr->boots++;
	if (vb.t_ready)
		tr->boot_s_sum += vb.t_ready - vb.t_qemu;
	if (sf_vm_boot_failed(tr->vm, &vb, tr->err, sizeof(tr->err)))
		return -1;
	b->killed = vb.end == SF_VM_PLUGGED;
	if (b->killed && b->write && b->t_first_ack) {
		b->write->kill_after_ms = (vb.t_plugged - b->t_first_ack) * 1000;
		b->write->write_s = vb.t_plugged - b->t_ready;
	}
	return judge_boot(tr, b);
}

/* ---- a whole target: the runner's guest, our NVDIMM, chained boots ---- */

/* Our temp dir: the consoles, kept as the evidence of a durability failure. */
static int make_work(struct target_run *tr)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(tr->work, sizeof(tr->work), "%s/syncfault-crash.%d.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp", (int)getpid());
	if (!mkdtemp(tr->work)) {
		snprintf(tr->err, sizeof(tr->err), "cannot create a temp dir: %s", strerror(errno));
		tr->work[0] = 0;
		return -1;
	}
	return 0;
}

/* The crash NVDIMM: sparse, zero, in the runner's scratch dir (removed with it). */
static int make_nvdimm(struct target_run *tr)
{
	const char *scratch = sf_vm_scratch(tr->vm);
	int fd;

	if (strchr(scratch, ' ')) {
		snprintf(tr->err, sizeof(tr->err), "TMPDIR %s has a blank: QEMU's arguments cannot carry it",
			 scratch);
		return -1;
	}
	snprintf(tr->nvdimm, sizeof(tr->nvdimm), "%s/crash-nvdimm.img", scratch);
	fd = open(tr->nvdimm, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || ftruncate(fd, (off_t)CRASH_NVDIMM_BYTES)) {
		snprintf(tr->err, sizeof(tr->err), "cannot create %s: %s", tr->nvdimm, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* The runner's guest for this target, with crashtest's NVDIMM and accelerator. */
static int open_guest(struct target_run *tr, const struct ct_opts *o)
{
	/* its results say qemu-tcg: keep it so where KVM would be chosen */
	struct sf_vm_opts vo = { .kernel = o->kernel, .modules = o->modules,
				 .nvdimm_size = STR(INIT_NVDIMM_MB) "M", .accel = "tcg",
				 .timeout_s = o->timeout_s };

	if (sf_vm_open(&tr->vm, sf_guest_target_find(tr->target), &vo, tr->err, sizeof(tr->err)))
		return -1;
	snprintf(tr->release, sizeof(tr->release), "%s", sf_vm_release(tr->vm));
	snprintf(tr->kernel_desc, sizeof(tr->kernel_desc), "%s", sf_vm_kernel(tr->vm));
	return make_nvdimm(tr);
}

static void plan_trials(struct target_run *tr, const struct ct_opts *o)
{
	tr->ntrials = o->trials * o->nmodes;
	tr->trials = calloc((size_t)tr->ntrials, sizeof(*tr->trials));
	for (int i = 0; tr->trials && i < tr->ntrials; i++) {
		tr->trials[i].mode = o->modes[i % o->nmodes];
		tr->trials[i].index = i / o->nmodes;
		do
			tr->trials[i].nonce = rng_next() >> 1;
		while (!tr->trials[i].nonce);
	}
}

static void progress(const struct target_run *tr, int i)
{
	const struct trial *t = &tr->trials[i];

	fprintf(stderr, "crashtest %s: %s trial %d: %" PRIu64 " acked, %" PRIu64 " lost%s\n",
		tr->target, t->mode->name, t->index + 1, t->acked, t->lost,
		t->lost && t->mode->durable ? "  <-- DURABILITY FAILURE" : "");
}

static int run_target(struct target_run *tr, const struct ct_opts *o)
{
	double t0 = sf_vm_now();
	int ret = 0;

	tr->fs = sf_guest_target_find(tr->target)->fs;
	if (make_work(tr) || open_guest(tr, o))
		return -1;
	plan_trials(tr, o);
	if (!tr->trials) {
		snprintf(tr->err, sizeof(tr->err), "out of memory");
		return -1;
	}
	if (sf_interactive())
		fprintf(stderr, "crashtest %s: kernel %s, %d trials (%d boots)\n", tr->target,
			tr->release, tr->ntrials, tr->ntrials + 1);
	for (int i = 0; i <= tr->ntrials && !ret; i++) {
		struct boot b = {
			.o = o,
			.verify = i ? &tr->trials[i - 1] : NULL,
			.write = i < tr->ntrials ? &tr->trials[i] : NULL,
		};

		ret = run_boot(tr, &b, o);
		if (!ret && b.verify)
			progress(tr, i - 1);
	}
	tr->wall_s = sf_vm_now() - t0;
	return ret;
}


/*
 * Remove our temp dir, unless a durability failure makes its consoles the
 * evidence (every ACK and VERIFY line); the runner removes its scratch dir
 * and the 1 GiB crash NVDIMM in it.
 */
static void clean_work(struct target_run *tr, bool keep_consoles)
{
	if (tr->work[0] && !keep_consoles)
		sf_remove_tree(tr->work);
	else if (tr->work[0])
		sf_error("the guest consoles of %s are kept in %s", tr->target,
			tr->work);
	sf_vm_close(tr->vm);
	tr->vm = NULL;
}

int cmd_crashtest(int argc, char **argv)
{
	struct ct_opts o = { .trials = 5, .records = CRASH_DEFAULT_RECORDS, .window_ms = 2000 };
	struct target_run trs[MAX_TARGETS];
	char started[40];
	double t0 = sf_vm_now();
	int ret, rc = SF_EXIT_OK;

	if (argc > 1 && !strcmp(argv[1], "--guest"))
		return crash_guest_main(argc, argv);
	ret = crashtest_parse_args(argc, argv, &o);
	if (ret || sf_validate_only)
		return ret;
	if (!o.seed)
		o.seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	rng_state = o.seed;
	sf_now_iso(started, sizeof(started));
	fprintf(stderr, "crashtest: seed %" PRIu64 " (--seed to repeat the record contents and kill moments)\n",
		o.seed);
	memset(trs, 0, sizeof(trs));
	for (int i = 0; i < o.ntargets && !sf_interrupted; i++) {
		struct target_run *tr = &trs[i];
		bool failed;

		tr->target = o.targets[i];
		if (run_target(tr, &o)) {
			sf_error("crashtest %s: %s", tr->target, tr->err);
			rc = sf_interrupted ? 130 : SF_EXIT_ERROR;
		}
		crashtest_print_target(tr, &o);
		failed = crashtest_shout_failures(tr, &o);
		if (failed && rc == SF_EXIT_OK)
			rc = SF_EXIT_CHECK;
		clean_work(tr, failed);
	}
	if (o.json && crashtest_write_json(trs, o.ntargets, &o, started, sf_vm_now() - t0))
		rc = rc ? rc : SF_EXIT_ERROR;
	for (int i = 0; i < o.ntargets; i++)
		free(trs[i].trials);
	return sf_interrupted ? 130 : rc;
}
