// SPDX-License-Identifier: MIT
/*
 * Guest targets (the table in run/guest_targets.c): build or reuse the guest
 * image (vm_image.c), boot it (scripts/vm/run execs QEMU), follow the guest
 * through its serial console (vm_console.c), and copy the jobs' results out
 * of the 9p share (vm_run.c).  The scripts do the Linux plumbing; these
 * files own the processes (vm_proc.c): they time them, limit them, and kill
 * and clean up after them whatever happens (guest failure, time limit,
 * SIGINT/SIGTERM).
 *
 * Scratch space (the NVDIMM's backing file and the share) lives in one
 * mkdtemp directory that is removed on every exit path; one left by a
 * syncfault that was SIGKILLed is removed by the next guest run.
 *
 * SYNCFAULT_GUEST_BINARY=PATH makes the guest run PATH instead of this
 * syncfault binary (tests use a stand-in that hangs);
 * SYNCFAULT_VM_BOOT_LIMIT_S=N gives a boot N seconds instead of
 * VM_BOOT_LIMIT_S to reach "ready" (tests of the retry after a hang).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sf_errors.h"
#include "sf_util.h"
#include "vm_priv.h"

#define SCRATCH_PREFIX		"syncfault-guest."

/*
 * The scratch dir, locked while we run, as every run's (lib/core/util.c): the
 * next guest run removes one a SIGKILLed syncfault left.
 */
static int make_scratch(struct sf_vm *r, char *err, size_t errlen)
{
	const char *tmpdir = getenv("TMPDIR");

	if (!tmpdir || !*tmpdir)
		tmpdir = "/tmp";
	if (sf_scratch_create_named(tmpdir, SCRATCH_PREFIX, r->scratch, sizeof(r->scratch),
				    &r->lock_fd)) {
		vm_set_err(err, errlen, "cannot create a scratch dir in %s: %s", tmpdir, strerror(errno));
		r->scratch[0] = '\0';
		return -1;
	}
	return 0;
}

/* Is the boot over, and how?  SF_VM_EXITED ... or -1: not yet. */
static int boot_over(struct sf_vm *r, double deadline, double boot_deadline)
{
	struct sf_vm_boot *b = r->b;

	if (sf_interrupted)
		return SF_VM_INTERRUPTED;
	if (boot_deadline && !b->t_ready && !r->fail[0] && sf_vm_now() > boot_deadline)
		return SF_VM_BOOT_TIMEOUT;
	if (r->clock_bad)
		return SF_VM_CLOCK;
	if (b && b->t_done && sf_vm_now() > b->t_done + VM_POWEROFF_GRACE_S)
		return SF_VM_DONE_NO_EXIT;
	if (sf_vm_now() > deadline)
		return SF_VM_TIMEOUT;
	return -1;
}

/*
 * Wait for pid while following its stderr (and the console once a QEMU
 * runs).  Ends when it exits, when the boot's caller pulls the plug, at
 * deadline, on a signal, when the guest does not come up in time, or when
 * it said "done" but does not power off.
 */
enum sf_vm_end vm_wait_child(struct sf_vm *r, pid_t pid, double deadline,
			     double boot_deadline, int *status)
{
	struct sf_vm_boot *b = r->b;

	for (;;) {
		double plug;
		int over;

		sf_follow_drain(&r->child_err, vm_child_err_line, r);
		sf_follow_drain(&r->con, vm_console_line, r);
		if (waitpid(pid, status, WNOHANG) == pid) {
			sf_follow_drain(&r->child_err, vm_child_err_line, r);
			sf_follow_drain(&r->con, vm_console_line, r);
			kill(-pid, SIGKILL);	/* stray members of its group */
			return SF_VM_EXITED;
		}
		plug = b && b->plug_at ? b->plug_at(b->arg) : 0;
		if (plug && sf_vm_now() >= plug) {
			sf_kill_child(pid, status);
			b->t_plugged = sf_vm_now();
			sf_follow_drain(&r->con, vm_console_line, r);
			return SF_VM_PLUGGED;
		}
		over = boot_over(r, deadline, boot_deadline);
		if (over >= 0)
			return (enum sf_vm_end)over;
		sf_sleep_tick(b && b->plug_at, plug);
	}
}

/* The guest runs this very binary; tests may name another one. */
static int guest_binary(char *buf, size_t len, char *err, size_t errlen)
{
	const char *env = getenv("SYNCFAULT_GUEST_BINARY");
	ssize_t n;

	if (env && *env) {
		snprintf(buf, len, "%s", env);
		return 0;
	}
	n = readlink("/proc/self/exe", buf, len - 1);
	if (n <= 0) {
		vm_set_err(err, errlen, "cannot find the syncfault binary (/proc/self/exe): %s",
			   strerror(errno));
		return -1;
	}
	buf[n] = '\0';
	/* rebuilt while this run goes on: its own inode lives on under /proc */
	if (n > 10 && !strcmp(buf + n - 10, " (deleted)"))
		snprintf(buf, len, "/proc/%d/exe", (int)getpid());
	return 0;
}

/* A job name becomes file names, in the guest and here: keep it plain. */
static bool valid_job_name(const char *name)
{
	if (!name || !*name || strlen(name) > 160)
		return false;
	for (const char *c = name; *c; c++)
		if (!(*c == '-' || *c == '_' || *c == '.' || (*c >= '0' && *c <= '9') ||
		      (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z')))
			return false;
	return name[0] != '.';
}

int vm_check_jobs(const struct sf_vm_job *jobs, int njobs, char *err, size_t errlen)
{
	if (njobs < 1 || njobs > 9999) {
		vm_set_err(err, errlen, "a guest run needs 1 to 9999 jobs, not %d", njobs);
		return -1;
	}
	for (int i = 0; i < njobs; i++) {
		if (!valid_job_name(jobs[i].name)) {
			vm_set_err(err, errlen, "guest job name '%s' is not valid: use letters, digits, - _ .",
				   jobs[i].name ? jobs[i].name : "");
			return -1;
		}
		for (int a = 0; a < jobs[i].argc; a++) {
			if (!jobs[i].argv[a] || strchr(jobs[i].argv[a], '\n')) {
				vm_set_err(err, errlen, "guest job %s: argument %d is missing or holds a newline",
					   jobs[i].name, a);
				return -1;
			}
		}
	}
	return 0;
}

/*
 * The guest target's recipe goes on the share from the host's table, so the
 * guest's init never has to ask the guest binary (a stand-in may be there).
 */
static int write_recipe(const struct sf_vm *r, char *err, size_t errlen)
{
	char path[PATH_MAX + 32];
	FILE *f;

	snprintf(path, sizeof(path), "%s/share/recipe", r->scratch);
	f = fopen(path, "we");
	if (f)
		sf_guest_target_recipe(f, r->g);
	if (!f || fclose(f)) {
		vm_set_err(err, errlen, "cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Each job is a file on the share: its name, then one argument a line. */
static int write_job(const struct sf_vm *r, int i, const struct sf_vm_job *j,
		     char *err, size_t errlen)
{
	char path[PATH_MAX + 32];
	FILE *f;

	snprintf(path, sizeof(path), "%s/share/jobs/%04d", r->scratch, i + 1);
	f = fopen(path, "we");
	if (f) {
		fprintf(f, "%s\n", j->name);
		for (int a = 0; a < j->argc; a++)
			fprintf(f, "%s\n", j->argv[a]);
	}
	if (!f || fclose(f)) {
		vm_set_err(err, errlen, "cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int write_jobs(struct sf_vm *r, const struct sf_vm_job *jobs, int njobs,
		      char *err, size_t errlen)
{
	char path[PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/share/jobs", r->scratch);
	if (sf_mkdir_p(path, 0755)) {
		vm_set_err(err, errlen, "cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/share/out", r->scratch);
	sf_mkdir_p(path, 0755);
	if (write_recipe(r, err, errlen))
		return -1;
	for (int i = 0; i < njobs; i++)
		if (write_job(r, i, &jobs[i], err, errlen))
			return -1;
	return 0;
}

/* Room for scripts/vm/run's arguments, kept while QEMU runs. */
struct run_args {
	char script[PATH_MAX], self[PATH_MAX], cpus[24], shift[16];
	char *argv[32];
};

static void add_opt(struct run_args *a, int *argc, const char *opt, const char *val)
{
	if (!val)
		return;
	a->argv[(*argc)++] = (char *)opt;
	a->argv[(*argc)++] = (char *)val;
}

/* scripts/vm/run's arguments for one boot. */
static int run_argv(struct sf_vm *r, const struct sf_vm_boot *b, struct run_args *a,
		    char *err, size_t errlen)
{
	long ncpu = sf_vm_cpus(&r->o);
	int argc = 0;

	if (sf_vm_script("run", a->script, sizeof(a->script), err, errlen) ||
	    guest_binary(a->self, sizeof(a->self), err, errlen))
		return VM_ERR_RUN;
	snprintf(a->cpus, sizeof(a->cpus), "%ld", ncpu > 0 ? ncpu : 1);
	a->argv[argc++] = a->script;
	add_opt(a, &argc, "--image", r->image);
	add_opt(a, &argc, "--scratch", r->scratch);
	add_opt(a, &argc, "--console", b->console);
	add_opt(a, &argc, "--fs", r->g->fs);
	add_opt(a, &argc, "--target", r->g->name);
	add_opt(a, &argc, "--cpus", a->cpus);
	add_opt(a, &argc, "--syncfault", a->self);
	add_opt(a, &argc, "--nvdimm-size", r->o.nvdimm_size);
	add_opt(a, &argc, "--accel", r->o.accel);
	if (sf_vm_icount(&r->o)) {
		snprintf(a->shift, sizeof(a->shift), "%d", r->o.icount_shift);
		add_opt(a, &argc, "--timing", "icount");
		add_opt(a, &argc, "--icount-shift", a->shift);
	}
	a->argv[argc] = NULL;
	return 0;
}

/*
 * What one boot starts from: the jobs on a fresh share (nothing of an
 * earlier boot's jobs, results or status), the image (build-image prunes
 * old images, maybe ours: it is made again), an empty console log.
 */
static int prepare_boot(struct sf_vm *r, struct sf_vm_boot *b, char *err, size_t errlen)
{
	char path[PATH_MAX + 32];

	b->end = SF_VM_EXITED;
	b->status = 0;
	b->t_qemu = b->t_ready = b->t_done = b->t_plugged = 0;
	if (vm_check_jobs(b->jobs, b->njobs, err, errlen))
		return VM_ERR_USAGE;
	snprintf(path, sizeof(path), "%s/ok", r->image);
	if (access(path, F_OK) && vm_build_image(r, err, errlen))
		return VM_ERR_RUN;
	r->b = b;
	r->fail[0] = r->missing[0] = r->last_err[0] = r->panic[0] = '\0';
	r->up_ready = r->up_done = r->clock_ratio = 0;
	r->clock_bad = false;
	r->boots++;
	snprintf(path, sizeof(path), "%s/share", r->scratch);
	sf_remove_tree(path);
	if (write_jobs(r, b->jobs, b->njobs, err, errlen))
		return VM_ERR_RUN;
	snprintf(path, sizeof(path), "%s/qemu.log", r->scratch);
	if (sf_create_empty(path) || sf_create_empty(b->console) ||
	    sf_follow_open(&r->child_err, path) || sf_follow_open(&r->con, b->console)) {
		vm_set_err(err, errlen, "cannot create %s: %s", b->console, strerror(errno));
		return VM_ERR_RUN;
	}
	return 0;
}

/* QEMU from start to end, stopped if it is not over by itself. */
static int follow_qemu(struct sf_vm *r, struct sf_vm_boot *b, struct run_args *a,
		       char *err, size_t errlen)
{
	char log[PATH_MAX + 16], env[4200], *envp[2] = { NULL, NULL };
	pid_t pid;

	snprintf(log, sizeof(log), "%s/qemu.log", r->scratch);
	if (b->qemu_args) {
		snprintf(env, sizeof(env), "SYNCFAULT_QEMU_ARGS=%s", b->qemu_args);
		envp[0] = env;
	}
	b->t_qemu = sf_vm_now();
	pid = sf_spawn_group(a->argv, log, log, envp);
	if (pid < 0) {
		vm_set_err(err, errlen, "cannot start %s: %s", a->script, strerror(errno));
		return VM_ERR_RUN;
	}
	b->end = vm_wait_child(r, pid, b->deadline, b->t_qemu + r->boot_limit_s, &b->status);
	if (b->end != SF_VM_EXITED && b->end != SF_VM_PLUGGED)
		sf_stop_child(pid, &b->status);
	sf_follow_drain(&r->con, vm_console_line, r);
	sf_follow_drain(&r->child_err, vm_child_err_line, r);
	if (b->end == SF_VM_EXITED && sf_exit_code(b->status) == SF_EXIT_USAGE && !b->t_ready) {
		/* the run script refused its arguments (--nvdimm-size ...) */
		vm_set_err(err, errlen, "%s", r->last_err);
		return VM_ERR_USAGE;
	}
	return 0;
}

int sf_vm_boot(struct sf_vm *r, struct sf_vm_boot *b, char *err, size_t errlen)
{
	struct run_args a;
	int ret;

	ret = prepare_boot(r, b, err, errlen);
	if (!ret)
		ret = run_argv(r, b, &a, err, errlen);
	if (!ret && sf_interrupted)
		b->end = SF_VM_INTERRUPTED;
	else if (!ret)
		ret = follow_qemu(r, b, &a, err, errlen);
	sf_follow_close(&r->con);
	sf_follow_close(&r->child_err);
	r->b = NULL;
	return ret;
}

/* The boot's time limit to "ready": VM_BOOT_LIMIT_S unless the environment says. */
static int boot_limit(int *limit_s, char *err, size_t errlen)
{
	const char *env = getenv("SYNCFAULT_VM_BOOT_LIMIT_S");
	char *end;
	long v;

	*limit_s = VM_BOOT_LIMIT_S;
	if (!env || !*env)
		return 0;
	v = strtol(env, &end, 10);
	if (*end || v < 1 || v > 3600) {
		vm_set_err(err, errlen, "SYNCFAULT_VM_BOOT_LIMIT_S=%s: use whole seconds, 1 to 3600 (unset: %d)",
			   env, VM_BOOT_LIMIT_S);
		return -1;
	}
	*limit_s = (int)v;
	return 0;
}

int sf_vm_open(struct sf_vm **vmp, const struct sf_guest_target *g, const struct sf_vm_opts *o,
	       char *err, size_t errlen)
{
	struct sf_vm *r;
	int limit_s;

	*vmp = NULL;
	errno = 0;
	if (sf_vm_check_opts(o, g->fs, err, errlen) || boot_limit(&limit_s, err, errlen))
		return VM_ERR_USAGE;
	r = calloc(1, sizeof(*r));
	if (!r) {
		vm_set_err(err, errlen, "out of memory");
		return VM_ERR_RUN;
	}
	*r = (struct sf_vm){ .g = g, .con.fd = -1, .child_err.fd = -1,
			     .lock_fd = -1, .t_start = sf_vm_now(), .boot_limit_s = limit_s };
	if (o)
		r->o = *o;
	*vmp = r;
	sf_catch_signals(&r->sigs);
	if (make_scratch(r, err, errlen) || vm_build_image(r, err, errlen))
		return VM_ERR_RUN;
	return 0;
}

const char *sf_vm_scratch(const struct sf_vm *r)
{
	return r->scratch;
}

const char *sf_vm_release(const struct sf_vm *r)
{
	return r->release;
}

const char *sf_vm_kernel(const struct sf_vm *r)
{
	return r->kernel_desc;
}

void sf_vm_close(struct sf_vm *r)
{
	if (!r)
		return;
	sf_follow_close(&r->con);
	sf_follow_close(&r->child_err);
	sf_scratch_remove(r->scratch, r->lock_fd);
	sf_restore_signals(&r->sigs);
	free(r);
}
