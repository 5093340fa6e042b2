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
#include "sf_target_kinds.h"
#include "sf_vm.h"

#define MAX_MODES	8
#define MAX_TARGETS	2
#define BOOT_TIMEOUT_S	600	/* one boot, all of it */
/*
 * init's own NVDIMM, remade every boot: small, but mkfs.xfs with init's
 * options needs a bit over 512M (a 64 MB log).
 */
#define INIT_NVDIMM_MB	768
#define STR_(x)		#x
#define STR(x)		STR_(x)
#define GUEST_MEM_MB	1024	/* run's default --mem */

struct ct_opts {
	const char *targets[MAX_TARGETS];
	int ntargets;
	const struct sf_mode *modes[MAX_MODES];
	int nmodes;
	int trials;
	uint64_t records;
	int window_ms;
	uint64_t seed;
	const char *json;
	const char *kernel, *modules;
	int timeout_s;
};

struct trial {
	const struct sf_mode *mode;
	int index;			/* trial number within its mode, 0-based */
	uint64_t nonce;
	uint64_t acked;
	/*
	 * An ACK line that did not arrive whole (a kernel message in the
	 * middle of it ...): harmless, since ACK s proves 1..s were durable
	 * (the writer acknowledges in order), but recorded.
	 */
	bool ack_gap;
	bool full;			/* the writer ran out of log before the kill */
	double kill_after_ms;		/* first ACK to SIGKILL */
	double write_s;			/* READY to SIGKILL */
	bool verified;
	/* the verifier's findings (crash.h VERIFY line) */
	uint64_t lost, lost_hole, lost_corrupt, lost_unreachable, first_lost;
	uint64_t reachable, beyond;
	bool mounted, file, size_ok, recovered;
	char dax[8], map_sync[8];
	char features[64];		/* read from the superblock by the guest */
};

struct target_run {
	const char *target, *fs;
	struct sf_vm *vm;		/* the runner's guest */
	char work[PATH_MAX];		/* our temp dir: the consoles */
	char nvdimm[PATH_MAX + 32];	/* the crash NVDIMM's backing file */
	char release[128], kernel_desc[PATH_MAX];
	struct trial *trials;
	int ntrials;
	int boots;
	double boot_s_sum;		/* QEMU start to the guest's "ready" */
	double wall_s;
	char err[1024];
};

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

/* ---- arguments ---- */

static void usage(void)
{
	printf("usage: syncfault crashtest [--target vm:ext4-dax[,vm:xfs-dax]] [--mode LIST]\n"
	       "       [--trials N] [--records N] [--kill-window MS] [--seed N] [--json FILE]\n"
	       "       [--kernel SPEC [--modules DIR]] [--vm-timeout SEC]\n\n"
	       "Power-failure test of the durability modes on the emulated NVDIMM.  In a\n"
	       "QEMU guest, a writer appends records to a file through MODE, each record\n"
	       "in a newly allocated page that the previous record points to, makes each\n"
	       "durable with the mode's persist step and acknowledges it on the console.\n"
	       "At a random moment after the acknowledgements start, QEMU is killed with\n"
	       "SIGKILL (the power failure: the file-backed NVDIMM keeps exactly what\n"
	       "reached it); the guest boots again on the same NVDIMM, mounts (journal\n"
	       "recovery) and checks every acknowledged record: present (its block is\n"
	       "allocated), intact (checksum) and reachable (the chain from block 0).\n\n"
	       "  --target T        vm:ext4-dax (default), vm:xfs-dax, or both as a list\n"
	       "  --mode LIST       of %s\n"
	       "                    (default mapsync,msync,none); none is the control\n"
	       "  --trials N        power failures per mode (default 5, 1..1000)\n"
	       "  --records N       log capacity in records (default %d)\n"
	       "  --kill-window MS  the kill comes 0..MS ms after the first ack (default 2000)\n"
	       "  --seed N          seed for kill moments and record contents (default: random;\n"
	       "                    printed)\n"
	       "  --json FILE       write the tallies and every trial atomically\n"
	       "  --kernel, --modules, --vm-timeout   as for vm targets of syncfault run\n\n"
	       "Each trial costs about one guest boot (10-20 s under TCG).  Exit status:\n"
	       "0 every durable mode kept every acknowledged record, 4 one lost some\n"
	       "(printed loudly), 1 the guest failed, 2 bad arguments, 130 interrupted.\n",
	       sf_mode_names(), CRASH_DEFAULT_RECORDS);
}

static int parse_int(const char *opt, const char *val, int64_t min, int64_t max, int64_t *out)
{
	if (sf_parse_int(val, out) || *out < min || *out > max)
		return sf_usage_error("%s: '%s' is not valid: expected an integer from %lld to %lld",
				      opt, val, (long long)min, (long long)max);
	return 0;
}

/* Split a comma list in place; empty items are refused. */
static int split_list(const char *opt, char *val, char **items, int max)
{
	int n = 0;
	char *save = NULL;
	size_t len = strlen(val);

	if (!len || val[0] == ',' || val[len - 1] == ',' || strstr(val, ",,")) {
		sf_usage_error("%s: '%s' has an empty item: give values like a,b,c", opt, val);
		return -1;
	}
	for (char *t = strtok_r(val, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (n == max) {
			sf_usage_error("%s: more than %d values", opt, max);
			return -1;
		}
		items[n++] = t;
	}
	return n;
}

static int set_modes(struct ct_opts *o, char *val)
{
	char *items[MAX_MODES];
	int n = split_list("--mode", val, items, MAX_MODES);

	if (n < 0)
		return SF_EXIT_USAGE;
	for (int i = 0; i < n; i++) {
		o->modes[i] = sf_mode_find(items[i]);
		if (!o->modes[i])
			return sf_usage_error("--mode: '%s' is not a mode: use %s", items[i],
					      sf_mode_names());
		for (int j = 0; j < i; j++)
			if (o->modes[j] == o->modes[i])
				return sf_usage_error("--mode: '%s' given twice", items[i]);
	}
	o->nmodes = n;
	return 0;
}

static int set_targets(struct ct_opts *o, char *val)
{
	char *items[MAX_TARGETS], err[512];
	int n = split_list("--target", val, items, MAX_TARGETS);
	struct sf_target_spec t;

	if (n < 0)
		return SF_EXIT_USAGE;
	for (int i = 0; i < n; i++) {
		if (sf_target_spec_parse(items[i], &t, err, sizeof(err)))
			return sf_usage_error("--target: %s", err);
		if (!(sf_target_spec_flags(&t) & SF_TGT_GUEST))
			return sf_usage_error("--target %s: crashtest needs a guest target (%s): a host directory cannot lose power",
					      items[i], sf_guest_target_names());
		if (!(t.guest->flags & SF_TGT_FILES))
			return sf_usage_error("--target %s: crashtest appends to a file: use a guest target with a filesystem",
					      items[i]);
		o->targets[i] = items[i];
	}
	o->ntargets = n;
	return 0;
}

static int parse_option(struct ct_opts *o, const char *name, char *val)
{
	int64_t v;
	int r = 0;

	if (!strcmp(name, "target"))
		r = set_targets(o, val);
	else if (!strcmp(name, "mode"))
		r = set_modes(o, val);
	else if (!strcmp(name, "trials") && !(r = parse_int("--trials", val, 1, 1000, &v)))
		o->trials = (int)v;
	else if (!strcmp(name, "records") &&
		 !(r = parse_int("--records", val, 16, CRASH_MAX_RECORDS, &v)))
		o->records = (uint64_t)v;
	else if (!strcmp(name, "kill-window") &&
		 !(r = parse_int("--kill-window", val, 0, 600000, &v)))
		o->window_ms = (int)v;
	else if (!strcmp(name, "seed") && !(r = parse_int("--seed", val, 0, INT64_MAX, &v)))
		o->seed = (uint64_t)v;
	else if (!strcmp(name, "vm-timeout") &&
		 !(r = parse_int("--vm-timeout", val, 30, 86400, &v)))
		o->timeout_s = (int)v;
	else if (!strcmp(name, "json"))
		o->json = val;
	else if (!strcmp(name, "kernel"))
		o->kernel = val;
	else if (!strcmp(name, "modules"))
		o->modules = val;
	else if (strcmp(name, "trials") && strcmp(name, "records") && strcmp(name, "kill-window") &&
		 strcmp(name, "seed") && strcmp(name, "vm-timeout"))
		return sf_usage_error("unknown option --%s: see syncfault crashtest --help", name);
	return r;
}

/* The guest options checked as the runner checks them, before any boot. */
static int check_paths(const struct ct_opts *o)
{
	struct sf_vm_opts vo = { .kernel = o->kernel, .modules = o->modules };
	char err[PATH_MAX + 256];

	if (o->json && sf_out_path_check(o->json, "--json", err, sizeof(err)))
		return sf_usage_error("%s", err);
	if (sf_vm_check_opts(&vo, NULL, err, sizeof(err)))
		return sf_usage_error("%s", err);
	return 0;
}

static int parse_args(int argc, char **argv, struct ct_opts *o)
{
	char seen[32][64];
	int nseen = 0;

	for (int i = 1; i < argc; i++) {
		char *arg = argv[i], *eq, name[64], *val;
		int r;

		if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
			usage();
			exit(0);
		}
		if (strncmp(arg, "--", 2) || !arg[2])
			return sf_usage_error("unexpected argument '%s': see syncfault crashtest --help", arg);
		eq = strchr(arg, '=');
		if (eq) {
			snprintf(name, sizeof(name), "%.*s", (int)(eq - arg - 2), arg + 2);
			val = eq + 1;
		} else {
			if (i + 1 >= argc)
				return sf_usage_error("%s needs a value: see syncfault crashtest --help", arg);
			snprintf(name, sizeof(name), "%s", arg + 2);
			val = argv[++i];
		}
		/* given twice is a mistake, not "the last one wins" */
		for (int k = 0; k < nseen; k++)
			if (!strcmp(seen[k], name))
				return sf_usage_error("--%s given twice: give it once, lists as --%s a,b",
						      name, name);
		if (nseen < 32)
			snprintf(seen[nseen++], sizeof(seen[0]), "%s", name);
		r = parse_option(o, name, val);
		if (r)
			return r;
	}
	if (!o->ntargets) {
		o->targets[0] = "vm:ext4-dax";
		o->ntargets = 1;
	}
	if (!o->nmodes) {
		o->modes[o->nmodes++] = sf_mode_find("mapsync");
		o->modes[o->nmodes++] = sf_mode_find("msync");
		o->modes[o->nmodes++] = sf_mode_find("none");
	}
	return check_paths(o);
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

/* ---- tallies, report, JSON ---- */

struct tally {
	int trials, with_loss, recovered, full;
	uint64_t acked, lost, beyond, hole, corrupt, unreachable;
	double kill_ms_min, kill_ms_max;
};

static void tally_mode(const struct target_run *tr, const struct sf_mode *m, struct tally *y)
{
	memset(y, 0, sizeof(*y));
	y->kill_ms_min = INFINITY;
	for (int i = 0; i < tr->ntrials; i++) {
		const struct trial *t = &tr->trials[i];

		if (t->mode != m || !t->verified)
			continue;
		y->trials++;
		y->acked += t->acked;
		y->lost += t->lost;
		y->beyond += t->beyond;
		y->hole += t->lost_hole;
		y->corrupt += t->lost_corrupt;
		y->unreachable += t->lost_unreachable;
		y->with_loss += t->lost > 0;
		y->recovered += t->recovered;
		y->full += t->full;
		y->kill_ms_min = fmin(y->kill_ms_min, t->kill_after_ms);
		y->kill_ms_max = fmax(y->kill_ms_max, t->kill_after_ms);
	}
}

static bool mode_failed(const struct sf_mode *m, const struct tally *y)
{
	return m->durable && y->lost > 0;
}

static void verdict(const struct sf_mode *m, const struct tally *y, char *buf, size_t len)
{
	if (!y->trials)
		snprintf(buf, len, "no trial completed");
	else if (m->durable && y->lost)
		snprintf(buf, len, "FAILED: %" PRIu64 " acknowledged records lost in %d of %d trials",
			 y->lost, y->with_loss, y->trials);
	else if (m->durable)
		snprintf(buf, len, "ok: every acknowledged record survived");
	else if (y->lost)
		snprintf(buf, len, "control: loss demonstrated in %d of %d trials", y->with_loss,
			 y->trials);
	else
		snprintf(buf, len, "control: could NOT demonstrate loss in %d trials (the test may lack teeth)",
			 y->trials);
}

static void print_target(const struct target_run *tr, const struct ct_opts *o)
{
	printf("crashtest %s: kernel %s (%s), QEMU TCG, file-backed NVDIMM\n", tr->target,
	       tr->release, tr->kernel_desc);
	printf("  filesystem %s made with: %s; features (from its superblock): %s\n", tr->fs,
	       sf_guest_target_find(tr->target)->mkfs,
	       tr->ntrials && tr->trials[0].features[0] ? tr->trials[0].features : "not read");
	printf("  power failure = SIGKILL of QEMU 0-%d ms after the first acknowledgement;\n"
	       "  %d boots in %.0f s (boot to the guest's \"ready\" %.1f s on average)\n",
	       o->window_ms, tr->boots, tr->wall_s, tr->boots ? tr->boot_s_sum / tr->boots : 0);
	printf("  %-10s %6s %9s %8s %9s %9s  %s\n", "mode", "trials", "acked", "lost",
	       "unacked", "recovery", "verdict");
	for (int k = 0; k < o->nmodes; k++) {
		const struct sf_mode *m = o->modes[k];
		struct tally y;
		char v[160];

		tally_mode(tr, m, &y);
		verdict(m, &y, v, sizeof(v));
		printf("  %-10s %6d %9" PRIu64 " %8" PRIu64 " %9" PRIu64 " %5d/%-3d  %s\n", m->name,
		       y.trials, y.acked, y.lost, y.beyond, y.recovered, y.trials, v);
		if (y.lost)
			printf("  %-10s lost records: %" PRIu64 " block never allocated (hole), %" PRIu64
			       " corrupt, %" PRIu64 " unreachable (chain broken)\n", "",
			       y.hole, y.corrupt, y.unreachable);
		if (y.full)
			printf("  %-10s %d trials filled the log before the kill: use more --records\n",
			       "", y.full);
	}
	printf("  acked: records acknowledged before the kill (summed over trials); lost: of\n"
	       "  those, not present, intact and reachable after recovery; unacked: records\n"
	       "  found on the chain though the kill came before their acknowledgement;\n"
	       "  recovery: boots whose mount replayed a journal.  EMULATED: no real power\n"
	       "  was lost; the NVDIMM file keeps every store that reached it.\n");
	fflush(stdout);
}

static json_object *trial_json(const struct trial *t)
{
	json_object *j = json_object_new_object();

#define I(k, v) json_object_object_add(j, k, json_object_new_int64((int64_t)(v)))
#define B(k, v) json_object_object_add(j, k, json_object_new_boolean(v))
	I("trial", t->index + 1);
	I("acked", t->acked);
	I("lost", t->lost);
	I("lost_hole", t->lost_hole);
	I("lost_corrupt", t->lost_corrupt);
	I("lost_unreachable", t->lost_unreachable);
	I("first_lost", t->first_lost);
	I("reachable", t->reachable);
	I("unacked_kept", t->beyond);
	B("mounted", t->mounted);
	B("file", t->file);
	B("size_ok", t->size_ok);
	B("journal_recovered", t->recovered);
	B("log_full", t->full);
	B("ack_lines_missing", t->ack_gap);
	B("dax", !strcmp(t->dax, "1"));
	B("map_sync", !strcmp(t->map_sync, "1"));
	json_object_object_add(j, "fs_features", json_object_new_string(t->features));
	json_object_object_add(j, "kill_after_ms", json_object_new_double(t->kill_after_ms));
	json_object_object_add(j, "write_s", json_object_new_double(t->write_s));
#undef I
#undef B
	return j;
}

static json_object *target_json(const struct target_run *tr, const struct ct_opts *o)
{
	json_object *j = json_object_new_object(), *modes = json_object_new_array();

	json_object_object_add(j, "target", json_object_new_string(tr->target));
	json_object_object_add(j, "fs", json_object_new_string(tr->fs ? tr->fs : ""));
	json_object_object_add(j, "kernel_release", json_object_new_string(tr->release));
	json_object_object_add(j, "kernel", json_object_new_string(tr->kernel_desc));
	json_object_object_add(j, "emulated", json_object_new_string("qemu-tcg"));
	json_object_object_add(j, "power_failure", json_object_new_string("SIGKILL of QEMU"));
	json_object_object_add(j, "boots", json_object_new_int(tr->boots));
	json_object_object_add(j, "wall_s", json_object_new_double(tr->wall_s));
	json_object_object_add(j, "error", tr->err[0] ? json_object_new_string(tr->err) : NULL);
	for (int k = 0; k < o->nmodes; k++) {
		const struct sf_mode *m = o->modes[k];
		json_object *mj = json_object_new_object(), *ts = json_object_new_array();
		struct tally y;
		char v[160];

		tally_mode(tr, m, &y);
		verdict(m, &y, v, sizeof(v));
		json_object_object_add(mj, "mode", json_object_new_string(m->name));
		json_object_object_add(mj, "durable", json_object_new_boolean(m->durable));
		json_object_object_add(mj, "persist", json_object_new_string(m->persist_desc));
		json_object_object_add(mj, "trials", json_object_new_int(y.trials));
		json_object_object_add(mj, "acked", json_object_new_int64((int64_t)y.acked));
		json_object_object_add(mj, "lost", json_object_new_int64((int64_t)y.lost));
		json_object_object_add(mj, "trials_with_loss", json_object_new_int(y.with_loss));
		json_object_object_add(mj, "unacked_kept", json_object_new_int64((int64_t)y.beyond));
		json_object_object_add(mj, "ok", json_object_new_boolean(!mode_failed(m, &y)));
		json_object_object_add(mj, "loss_demonstrated", json_object_new_boolean(y.lost > 0));
		json_object_object_add(mj, "verdict", json_object_new_string(v));
		for (int i = 0; i < tr->ntrials; i++)
			if (tr->trials[i].mode == m && tr->trials[i].verified)
				json_object_array_add(ts, trial_json(&tr->trials[i]));
		json_object_object_add(mj, "trial_results", ts);
		json_object_array_add(modes, mj);
	}
	json_object_object_add(j, "modes", modes);
	return j;
}

static int write_json(struct target_run *trs, int n, const struct ct_opts *o,
		      const char *started, double dur)
{
	json_object *j = json_object_new_object(), *p = json_object_new_object();
	json_object *ts = json_object_new_array(), *ml = json_object_new_array();
	char err[512];
	int ret;

	json_object_object_add(j, "crashtest", json_object_new_int(1));
	json_object_object_add(j, "syncfault_version", json_object_new_string(SF_VERSION_STRING));
	json_object_object_add(j, "started", json_object_new_string(started));
	json_object_object_add(j, "duration_s", json_object_new_double(dur));
	for (int k = 0; k < o->nmodes; k++)
		json_object_array_add(ml, json_object_new_string(o->modes[k]->name));
	json_object_object_add(p, "modes", ml);
	json_object_object_add(p, "trials", json_object_new_int(o->trials));
	json_object_object_add(p, "records", json_object_new_int64((int64_t)o->records));
	json_object_object_add(p, "kill_window_ms", json_object_new_int(o->window_ms));
	json_object_object_add(p, "seed", json_object_new_int64((int64_t)o->seed));
	json_object_object_add(j, "params", p);
	for (int i = 0; i < n; i++)
		json_object_array_add(ts, target_json(&trs[i], o));
	json_object_object_add(j, "targets", ts);
	ret = sf_json_write_atomic(j, o->json, err, sizeof(err));
	if (ret)
		sf_error("%s", err);
	json_object_put(j);
	return ret;
}

/* Loud, on stderr too: a durable mode that lost acknowledged records. */
static bool shout_failures(const struct target_run *tr, const struct ct_opts *o)
{
	bool any = false;

	for (int k = 0; k < o->nmodes; k++) {
		struct tally y;

		tally_mode(tr, o->modes[k], &y);
		if (!mode_failed(o->modes[k], &y))
			continue;
		any = true;
		sf_error("DURABILITY FAILURE on %s: mode %s lost %" PRIu64
			" acknowledged records in %d of %d trials (consoles kept in %s)",
			tr->target, o->modes[k]->name, y.lost, y.with_loss, y.trials, tr->work);
	}
	return any;
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
	ret = parse_args(argc, argv, &o);
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
		print_target(tr, &o);
		failed = shout_failures(tr, &o);
		if (failed && rc == SF_EXIT_OK)
			rc = SF_EXIT_CHECK;
		clean_work(tr, failed);
	}
	if (o.json && write_json(trs, o.ntargets, &o, started, sf_vm_now() - t0))
		rc = rc ? rc : SF_EXIT_ERROR;
	for (int i = 0; i < o.ntargets; i++)
		free(trs[i].trials);
	return sf_interrupted ? 130 : rc;
}
