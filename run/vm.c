// SPDX-License-Identifier: MIT
/*
 * Guest targets (the table in run/guest_targets.c): build or reuse the guest image
 * (scripts/vm/build-image), boot it once (scripts/vm/run execs QEMU), follow
 * the guest through its serial console, and copy the jobs' results out of
 * the 9p share.  The scripts do the Linux plumbing; this file owns the
 * processes: it times them, limits them, and kills and cleans up after them
 * whatever happens (guest failure, time limit, SIGINT/SIGTERM).
 *
 * Every child runs in its own process group, so a Ctrl-C on the terminal
 * reaches only us and we stop QEMU ourselves, and with PR_SET_PDEATHSIG, so
 * QEMU dies with us even if we are killed outright.  Scratch space (the
 * NVDIMM's backing file and the share) lives in one mkdtemp directory that
 * is removed on every exit path; one left by a syncfault that was SIGKILLed
 * is removed by the next guest run.
 *
 * SYNCFAULT_GUEST_BINARY=PATH makes the guest run PATH instead of this
 * syncfault binary (tests use a stand-in that hangs).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sf_errors.h"
#include "sf_bench.h"
#include "sf_util.h"
#include "sf_result.h"
#include "sf_datadir.h"
#include "sf_guest_targets.h"
#include "sf_vm.h"

#define VM_TIMEOUT_S		1200	/* whole guest run, unless opts say */
#define VM_BOOT_LIMIT_S		180	/* QEMU start to the guest's "ready" */
#define VM_BUILD_LIMIT_S	900	/* image build, Debian download included */
#define VM_POWEROFF_GRACE_S	15	/* "done" to QEMU's exit */
#define VM_KILL_GRACE_S		5	/* SIGTERM to SIGKILL */
#define VM_CLOCK_TRIES		3	/* boots tried for a guest clock that keeps time */
#define VM_CLOCK_MAX_RATIO	1.25	/* guest seconds per host second, either way */
#define VM_TICK_NS		50000000L
#define VM_PLUG_TICK_NS		2000000L	/* while a caller may pull the plug */
#define CONSOLE_TAIL_LINES	30
#define GUEST_TAG		"syncfault-guest: "
#define SCRATCH_PREFIX		"syncfault-guest."

/* Failure kinds: -1 the guest or a tool failed, -2 bad input (usage). */
#define VM_ERR_RUN	(-1)
#define VM_ERR_USAGE	(-2)

/* A file another process appends to, read line by line as it grows. */
struct follow {
	int fd;
	char line[1024];
	size_t len;
};

struct saved_signals {
	struct sigaction act[3];
};

/* One guest: its scratch dir and image, booted once or, by crashtest, often. */
struct sf_vm {
	const char *target;	/* "vm:ext4-dax" */
	const struct sf_guest_target *g;	/* its entry in the table */
	struct sf_vm_opts o;
	char scratch[PATH_MAX];
	char image[PATH_MAX];
	char release[128];
	char kernel_desc[PATH_MAX];
	char kernel_name[PATH_MAX];	/* debian:6.12.117+deb12, a path ... */
	double t_start;
	struct sf_vm_boot *b;	/* the boot in progress */
	double up_ready, up_done;	/* the guest's uptime at ready and done; 0: unknown */
	double clock_ratio;	/* guest over host seconds, ready to done; 0: unknown */
	bool clock_bad;		/* the guest clock does not keep host time */
	int boots;		/* QEMU starts (a bad clock boots again) */
	char fail[512];		/* the guest's FAIL line */
	char missing[512];	/* the guest's MISSING line */
	char last_err[512];	/* last line a script wrote on stderr */
	struct follow con;
	struct follow child_err;
	bool echo_child_err;	/* copy the child's stderr to ours */
	int lock_fd;		/* held on the scratch dir's lock while we run */
	struct saved_signals sigs;
};

static const int handled_signals[3] = { SIGINT, SIGTERM, SIGHUP };

double sf_vm_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static void on_signal(int sig)
{
	sf_interrupted = 1;
}

/* Our handlers for the run, whatever the caller installed (restored after). */
static void catch_signals(struct saved_signals *s)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < 3; i++)
		sigaction(handled_signals[i], &sa, &s->act[i]);
}

static void restore_signals(const struct saved_signals *s)
{
	for (int i = 0; i < 3; i++)
		sigaction(handled_signals[i], &s->act[i], NULL);
}

int sf_vm_script(const char *name, char *buf, size_t len, char *err, size_t errlen)
{
	char rel[64];

	snprintf(rel, sizeof(rel), "scripts/vm/%s", name);
	if (sf_data_path(rel, buf, len, err, errlen))
		return -1;
	if (access(buf, X_OK)) {
		set_err(err, errlen, "guest script %s is not executable: reinstall syncfault", buf);
		return -1;
	}
	return 0;
}

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
		set_err(err, errlen, "cannot create a scratch dir in %s: %s", tmpdir, strerror(errno));
		r->scratch[0] = '\0';
		return -1;
	}
	return 0;
}

static int open_follow(struct follow *f, const char *path)
{
	f->len = 0;
	f->fd = open(path, O_RDONLY | O_CLOEXEC);
	return f->fd < 0 ? -1 : 0;
}

static void close_follow(struct follow *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

/* Read what was appended to f, calling fn on each complete line. */
static void drain_follow(struct follow *f, struct sf_vm *r,
			 void (*fn)(struct sf_vm *r, const char *line))
{
	char buf[4096];
	ssize_t n;

	if (f->fd < 0)
		return;
	while ((n = read(f->fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			char c = buf[i];

			if (c == '\r')
				continue;
			if (c != '\n' && f->len < sizeof(f->line) - 1) {
				f->line[f->len++] = c;
				continue;
			}
			if (c != '\n')
				continue;	/* an over-long line: keep its start */
			f->line[f->len] = '\0';
			fn(r, f->line);
			f->len = 0;
		}
	}
}

/* Copy src into dst, cut to fit (a marker line longer than dst is fine). */
static void copy_field(char *dst, size_t len, const char *src)
{
	size_t n = strnlen(src, len - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* The guest's "uptime=SECONDS" on a marker line; 0 if it has none. */
static double uptime_of(const char *m)
{
	const char *u = strstr(m, "uptime=");

	return u ? strtod(u + 7, NULL) : 0;
}

/*
 * Under TCG the guest's TSC runs at the host's rate, but the guest kernel
 * calibrates its frequency at boot against an emulated timer; when the host
 * is loaded the calibration can come out many times too low, and the guest
 * clock then runs ahead (seen here: 326 guest seconds for an 8 s boot, and
 * every time it measured 40-60x too long).  Every figure of such a boot is
 * in wrong units.  The guest cannot tell; the host can: the guest's uptime
 * at "ready" cannot exceed the host's time since QEMU started, and from
 * ready to done both clocks must agree.  Only boots whose jobs time
 * something (b->timed) are held to it.
 */
static bool clock_ran_ahead(const struct sf_vm *r)
{
	double host = r->b->t_ready - r->b->t_qemu;

	return r->b->timed && r->up_ready > 0 && r->up_ready > VM_CLOCK_MAX_RATIO * host + 2;
}

static void clock_check_done(struct sf_vm *r, const struct sf_vm_boot *b)
{
	double host = b->t_done - b->t_ready, guest = r->up_done - r->up_ready;

	if (!b->timed || !b->t_done || r->up_done <= 0 || r->up_ready <= 0 || host < 2)
		return;		/* too short a run to tell the two rates apart */
	r->clock_ratio = guest / host;
	if (r->clock_ratio > VM_CLOCK_MAX_RATIO || r->clock_ratio < 1 / VM_CLOCK_MAX_RATIO)
		r->clock_bad = true;
}

static const char *clock_words(const struct sf_vm *r, const struct sf_vm_boot *b)
{
	static char buf[160];

	if (r->clock_ratio > 0)
		snprintf(buf, sizeof(buf), "guest clock ran %.2fx host time from ready to done",
			 r->clock_ratio);
	else
		snprintf(buf, sizeof(buf), "guest uptime %.0f s at ready, %.1f s after QEMU started",
			 r->up_ready, b->t_ready - b->t_qemu);
	return buf;
}

/* A line of the guest console: look for the init script's markers. */
static void console_line(struct sf_vm *r, const char *line)
{
	const char *m = strstr(line, GUEST_TAG);
	struct sf_vm_boot *b = r->b;

	if (b->on_line)
		b->on_line(b->arg, line);
	if (!m)
		return;
	m += strlen(GUEST_TAG);
	if (!strncmp(m, "ready ", 6) && !b->t_ready) {
		b->t_ready = sf_vm_now();
		r->up_ready = uptime_of(m);
		r->clock_bad = clock_ran_ahead(r);
	} else if (!strncmp(m, "done", 4) && !b->t_done) {
		b->t_done = sf_vm_now();
		r->up_done = uptime_of(m);
	} else if (!strncmp(m, "FAIL ", 5) && !r->fail[0])
		copy_field(r->fail, sizeof(r->fail), m + 5);
	else if (!strncmp(m, "MISSING ", 8) && !r->missing[0])
		copy_field(r->missing, sizeof(r->missing), m + 8);
}

/*
 * A line a script wrote on stderr.  Pass it on (progress such as the kernel
 * download), one line late: the last line of a failing script is its error
 * message, which goes into err instead of being printed twice.
 */
static void child_err_line(struct sf_vm *r, const char *line)
{
	if (r->echo_child_err && r->last_err[0])
		fprintf(stderr, "%s\n", r->last_err);
	copy_field(r->last_err, sizeof(r->last_err), line);
}

/*
 * Start argv in its own process group with stdout and stderr going to the
 * given files (O_APPEND, created) and, if given, SYNCFAULT_QEMU_ARGS set
 * (scripts/vm/run adds them).  Returns the pid, or -1.
 */
static pid_t spawn(char *const argv[], const char *out_path, const char *err_path,
		   const char *qemu_args)
{
	pid_t parent = getpid(), pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		sigset_t none;
		int in = open("/dev/null", O_RDONLY);
		int out = open(out_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
		int er = open(err_path, O_WRONLY | O_CREAT | O_APPEND, 0644);

		setpgid(0, 0);
		/* Die with the syncfault that started us, even on SIGKILL. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		for (int i = 0; i < 3; i++)
			signal(handled_signals[i], SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (in < 0 || out < 0 || er < 0)
			_exit(127);
		dup2(in, STDIN_FILENO);
		dup2(out, STDOUT_FILENO);
		dup2(er, STDERR_FILENO);
		if (qemu_args)
			setenv("SYNCFAULT_QEMU_ARGS", qemu_args, 1);
		execv(argv[0], argv);
		dprintf(STDERR_FILENO, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);	/* also here: no window where a signal misses it */
	return pid;
}

/*
 * One tick, or less when the plug is due sooner; a caller that will pull
 * the plug gets short ticks so that it sees the console lines it times the
 * plug from as they come.
 */
static void sleep_tick(const struct sf_vm_boot *b, double plug)
{
	long ns = b && b->plug_at ? VM_PLUG_TICK_NS : VM_TICK_NS;
	double left = plug - sf_vm_now();
	struct timespec t;

	if (plug && left * 1e9 < ns)
		ns = left > 0 ? (long)(left * 1e9) : 0;
	t = (struct timespec){ 0, ns };
	nanosleep(&t, NULL);	/* a signal cuts it short: fine */
}

/* SIGTERM the child's group, then SIGKILL it; reap the child. */
static void stop_child(pid_t pid, int *status)
{
	double until = sf_vm_now() + VM_KILL_GRACE_S;

	kill(-pid, SIGTERM);
	while (sf_vm_now() < until) {
		if (waitpid(pid, status, WNOHANG) == pid) {
			kill(-pid, SIGKILL);	/* anything the script left behind */
			return;
		}
		sleep_tick(NULL, 0);
	}
	kill(-pid, SIGKILL);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
}

/* SIGKILL and nothing else: QEMU gets no chance to write anything back. */
static void pull_plug(pid_t pid, int *status)
{
	kill(-pid, SIGKILL);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
}

/*
 * Wait for pid while following its stderr (and the console once a QEMU
 * runs).  Ends when it exits, when the boot's caller pulls the plug, at
 * deadline, on a signal, when the guest does not come up in time, or when
 * it said "done" but does not power off.
 */
static enum sf_vm_end wait_child(struct sf_vm *r, pid_t pid, double deadline,
				 double boot_deadline, int *status)
{
	struct sf_vm_boot *b = r->b;

	for (;;) {
		double plug;

		drain_follow(&r->child_err, r, child_err_line);
		drain_follow(&r->con, r, console_line);
		if (waitpid(pid, status, WNOHANG) == pid) {
			drain_follow(&r->child_err, r, child_err_line);
			drain_follow(&r->con, r, console_line);
			kill(-pid, SIGKILL);	/* stray members of its group */
			return SF_VM_EXITED;
		}
		plug = b && b->plug_at ? b->plug_at(b->arg) : 0;
		if (plug && sf_vm_now() >= plug) {
			pull_plug(pid, status);
			b->t_plugged = sf_vm_now();
			drain_follow(&r->con, r, console_line);
			return SF_VM_PLUGGED;
		}
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
		sleep_tick(b, plug);
	}
}

static int exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

static void scratch_file(const struct sf_vm *r, const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", r->scratch, name);
}

/* Read the last non-empty line of a small file into buf. */
static void last_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	char line[1024];

	buf[0] = '\0';
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0])
			snprintf(buf, len, "%s", line);
	}
	if (f)
		fclose(f);
}

static int create_empty(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return -1;
	close(fd);
	return 0;
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
		set_err(err, errlen, "cannot find the syncfault binary (/proc/self/exe): %s",
			strerror(errno));
		return -1;
	}
	buf[n] = '\0';
	return 0;
}

static int build_image(struct sf_vm *r, char *err, size_t errlen)
{
	char script[PATH_MAX], out[PATH_MAX + 16], errf[PATH_MAX + 16];
	char info[PATH_MAX + 16];
	char *argv[10];
	int argc = 0, status = 0;
	pid_t pid;
	enum sf_vm_end end;

	if (sf_vm_script("build-image", script, sizeof(script), err, errlen))
		return VM_ERR_RUN;
	argv[argc++] = script;
	if (r->o.kernel) {
		argv[argc++] = "--kernel";
		argv[argc++] = (char *)r->o.kernel;
	}
	if (r->o.modules) {
		argv[argc++] = "--modules";
		argv[argc++] = (char *)r->o.modules;
	}
	argv[argc] = NULL;
	scratch_file(r, "build.out", out, sizeof(out));
	scratch_file(r, "build.err", errf, sizeof(errf));
	if (create_empty(out) || create_empty(errf) || open_follow(&r->child_err, errf)) {
		set_err(err, errlen, "cannot create files in %s: %s", r->scratch, strerror(errno));
		return VM_ERR_RUN;
	}
	pid = spawn(argv, out, errf, NULL);
	if (pid < 0) {
		close_follow(&r->child_err);
		set_err(err, errlen, "cannot start %s: %s", script, strerror(errno));
		return VM_ERR_RUN;
	}
	r->echo_child_err = true;
	end = wait_child(r, pid, sf_vm_now() + VM_BUILD_LIMIT_S, 0, &status);
	if (end != SF_VM_EXITED)
		stop_child(pid, &status);
	drain_follow(&r->child_err, r, child_err_line);
	close_follow(&r->child_err);
	r->echo_child_err = false;
	if (end == SF_VM_EXITED && !exit_code(status) && r->last_err[0])
		fprintf(stderr, "%s\n", r->last_err);	/* the held-back line */
	if (end == SF_VM_INTERRUPTED) {
		set_err(err, errlen, "interrupted while building the guest image");
		return VM_ERR_RUN;
	}
	if (end != SF_VM_EXITED) {
		set_err(err, errlen, "building the guest image took over %d s: stopped", VM_BUILD_LIMIT_S);
		return VM_ERR_RUN;
	}
	if (exit_code(status)) {
		set_err(err, errlen, "%s", r->last_err[0] ? r->last_err : "building the guest image failed");
		return exit_code(status) == 2 ? VM_ERR_USAGE : VM_ERR_RUN;
	}
	last_line(out, r->image, sizeof(r->image));
	snprintf(info, sizeof(info), "%s/info", r->image);
	if (!r->image[0] || sf_read_kv(info, "release", r->release, sizeof(r->release))) {
		set_err(err, errlen, "build-image gave no usable image (got '%s')", r->image);
		return VM_ERR_RUN;
	}
	sf_read_kv(info, "kernel", r->kernel_desc, sizeof(r->kernel_desc));
	sf_read_kv(info, "kernel_name", r->kernel_name, sizeof(r->kernel_name));
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

static int check_jobs(const struct sf_vm_job *jobs, int njobs, char *err, size_t errlen)
{
	if (njobs < 1 || njobs > 9999) {
		set_err(err, errlen, "a guest run needs 1 to 9999 jobs, not %d", njobs);
		return -1;
	}
	for (int i = 0; i < njobs; i++) {
		if (!valid_job_name(jobs[i].name)) {
			set_err(err, errlen, "guest job name '%s' is not valid: use letters, digits, - _ .",
				jobs[i].name ? jobs[i].name : "");
			return -1;
		}
		for (int a = 0; a < jobs[i].argc; a++) {
			if (!jobs[i].argv[a] || strchr(jobs[i].argv[a], '\n')) {
				set_err(err, errlen, "guest job %s: argument %d is missing or holds a newline",
					jobs[i].name, a);
				return -1;
			}
		}
	}
	return 0;
}

/* Each job is a file on the share: its name, then one argument a line. */
/*
 * The guest target's recipe goes on the share from the host's table, so the
 * guest's init never has to ask the guest binary (a stand-in may be there).
 */
static int write_recipe(const struct sf_vm *r, char *err, size_t errlen)
{
	const struct sf_guest_target *g = sf_guest_target_find(r->target);
	char path[PATH_MAX + 32];
	FILE *f;

	if (!g)
		return 0;
	snprintf(path, sizeof(path), "%s/share/recipe", r->scratch);
	f = fopen(path, "we");
	if (!f) {
		set_err(err, errlen, "cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	sf_guest_target_recipe(f, g);
	if (fclose(f)) {
		set_err(err, errlen, "cannot write %s: %s", path, strerror(errno));
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
		set_err(err, errlen, "cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/share/out", r->scratch);
	sf_mkdir_p(path, 0755);
	if (write_recipe(r, err, errlen))
		return -1;
	for (int i = 0; i < njobs; i++) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/share/jobs/%04d", r->scratch, i + 1);
		f = fopen(path, "we");
		if (!f) {
			set_err(err, errlen, "cannot write %s: %s", path, strerror(errno));
			return -1;
		}
		fprintf(f, "%s\n", jobs[i].name);
		for (int a = 0; a < jobs[i].argc; a++)
			fprintf(f, "%s\n", jobs[i].argv[a]);
		if (fclose(f)) {
			set_err(err, errlen, "cannot write %s: %s", path, strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* Copy src to dst through a temp file and rename: never a partial dst. */
static int copy_atomic(const char *src, const char *dst)
{
	char tmp[PATH_MAX + 256];

	snprintf(tmp, sizeof(tmp), "%s.tmp", dst);
	if (sf_copy_file(src, tmp)) {
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, dst)) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* Bring each job's .json, .out and .rc from the share into outdir. */
static int collect_results(struct sf_vm *r, const struct sf_vm_job *jobs, int njobs,
			   const char *outdir)
{
	static const char *const exts[] = { "json", "out", "rc" };
	char src[PATH_MAX + 128], dst[PATH_MAX + 128];
	int missing = 0;

	for (int i = 0; i < njobs; i++) {
		for (int e = 0; e < 3; e++) {
			snprintf(src, sizeof(src), "%s/share/out/%s.%s", r->scratch, jobs[i].name, exts[e]);
			snprintf(dst, sizeof(dst), "%s/%s.%s", outdir, jobs[i].name, exts[e]);
			if (access(src, F_OK)) {
				missing += e == 2;	/* no .rc: the job never ended */
				continue;
			}
			if (copy_atomic(src, dst))
				missing++;
		}
	}
	return missing;
}

void sf_vm_console_tail(const char *console)
{
	char *lines[CONSOLE_TAIL_LINES] = { 0 };
	char buf[1024];
	FILE *f = fopen(console, "re");
	int n = 0;

	if (!f) {
		fprintf(stderr, "syncfault: no guest console log at %s\n", console);
		return;
	}
	while (fgets(buf, sizeof(buf), f)) {
		free(lines[n % CONSOLE_TAIL_LINES]);
		lines[n % CONSOLE_TAIL_LINES] = strdup(buf);
		n++;
	}
	fclose(f);
	if (!n) {
		fprintf(stderr, "syncfault: the guest wrote nothing on its serial console (%s); a kernel without SERIAL_8250_CONSOLE, or one QEMU cannot start?\n",
			console);
		return;
	}
	fprintf(stderr, "syncfault: last lines of the guest console (%s):\n", console);
	for (int i = n > CONSOLE_TAIL_LINES ? n - CONSOLE_TAIL_LINES : 0; i < n; i++) {
		const char *l = lines[i % CONSOLE_TAIL_LINES];

		fprintf(stderr, "  | %s%s", l, l[strlen(l) - 1] == '\n' ? "" : "\n");
	}
	for (int i = 0; i < CONSOLE_TAIL_LINES; i++)
		free(lines[i]);
}

static double span(double from, double to)
{
	return from && to && to >= from ? to - from : -1;
}

static void put_seconds(FILE *f, const char *key, double s)
{
	if (s >= 0)
		fprintf(f, "%s=%.2f\n", key, s);
	else
		fprintf(f, "%s=\n", key);	/* not reached: no number */
}

/* outdir/vm-<target>.timing: what the run took, key=value. */
static void write_timing(const struct sf_vm *r, const struct sf_vm_boot *b, const char *outdir,
			 double t_end, const char *result)
{
	char path[PATH_MAX + 64], tmp[PATH_MAX + 80];
	FILE *f;

	snprintf(path, sizeof(path), "%s/vm-%s.timing", outdir, r->target + 3);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "we");
	if (!f)
		return;
	fprintf(f, "target=%s\nresult=%s\nkernel_release=%s\nkernel=%s\nkernel_name=%s\nimage=%s\nconsole=%s\n",
		r->target, result, r->release, r->kernel_desc, r->kernel_name, r->image, b->console);
	put_seconds(f, "image_s", span(r->t_start, b->t_qemu));
	put_seconds(f, "boot_s", span(b->t_qemu, b->t_ready));
	put_seconds(f, "jobs_s", span(b->t_ready, b->t_done));
	put_seconds(f, "total_s", span(r->t_start, t_end));
	if (r->clock_ratio > 0)
		fprintf(f, "guest_clock_ratio=%.3f\n", r->clock_ratio);
	if (r->boots > 1)
		fprintf(f, "boots=%d\n", r->boots);
	if (fclose(f) || rename(tmp, path))
		unlink(tmp);
}

static void explain_failure(const struct sf_vm *r, const struct sf_vm_boot *b,
			    char *err, size_t errlen)
{
	if (b->end == SF_VM_INTERRUPTED)
		set_err(err, errlen, "interrupted: guest stopped");
	else if (r->missing[0])
		set_err(err, errlen, "guest kernel %s cannot run %s: it lacks %s (rebuild it with these enabled, or pass --modules DIR for a modular build)",
			r->release, r->target, r->missing);
	else if (r->fail[0])
		set_err(err, errlen, "guest failed: %s", r->fail);
	else if (b->end == SF_VM_CLOCK || r->clock_bad)
		set_err(err, errlen, "the guest clock did not keep host time in %d boots (%s): the host is too loaded for the guest to calibrate its TSC; run again on a quieter host",
			VM_CLOCK_TRIES, clock_words(r, b));
	else if (b->end == SF_VM_BOOT_TIMEOUT)
		set_err(err, errlen, "the guest did not come up within %d s (kernel %s): stopped",
			VM_BOOT_LIMIT_S, r->release);
	else if (b->end == SF_VM_TIMEOUT)
		set_err(err, errlen, "the guest run exceeded its time limit of %d s (--vm-timeout): stopped",
			b->limit_s);
	else if (b->t_done)
		set_err(err, errlen, "the guest finished but its results are missing from the share");
	else if (r->last_err[0])
		set_err(err, errlen, "QEMU exited (status %d) before the guest finished: %s",
			exit_code(b->status), r->last_err);
	else
		set_err(err, errlen, "QEMU exited (status %d) before the guest finished (kernel %s)",
			exit_code(b->status), r->release);
}

int sf_vm_boot_failed(struct sf_vm *r, const struct sf_vm_boot *b, char *err, size_t errlen)
{
	bool ended = b->end == SF_VM_EXITED || b->end == SF_VM_PLUGGED ||
		     b->end == SF_VM_DONE_NO_EXIT;

	if (ended && !r->fail[0] && !r->missing[0])
		return 0;
	explain_failure(r, b, err, errlen);
	if (b->end != SF_VM_INTERRUPTED)
		sf_vm_console_tail(b->console);
	return -1;
}

static int guest_status_done(const struct sf_vm *r)
{
	char path[PATH_MAX + 32], buf[64];

	snprintf(path, sizeof(path), "%s/share/status", r->scratch);
	return !sf_read_line(path, buf, sizeof(buf)) && !strcmp(buf, "done");
}

/* scripts/vm/run's arguments for one boot; argv has room for 20. */
static int run_argv(struct sf_vm *r, const struct sf_vm_boot *b, char **argv, char *script,
		    char *self, char *cpus, char *err, size_t errlen)
{
	long ncpu = r->o.cpus > 0 ? r->o.cpus : sysconf(_SC_NPROCESSORS_ONLN);
	int argc = 0;

	if (sf_vm_script("run", script, PATH_MAX, err, errlen) ||
	    guest_binary(self, PATH_MAX, err, errlen))
		return VM_ERR_RUN;
	snprintf(cpus, 24, "%ld", ncpu > 0 ? ncpu : 1);
	argv[argc++] = script;
	argv[argc++] = "--image";
	argv[argc++] = r->image;
	argv[argc++] = "--scratch";
	argv[argc++] = r->scratch;
	argv[argc++] = "--console";
	argv[argc++] = (char *)b->console;
	argv[argc++] = "--fs";
	argv[argc++] = (char *)r->g->fs;
	argv[argc++] = "--target";
	argv[argc++] = (char *)r->target;
	argv[argc++] = "--cpus";
	argv[argc++] = cpus;
	argv[argc++] = "--syncfault";
	argv[argc++] = self;
	if (r->o.nvdimm_size) {
		argv[argc++] = "--nvdimm-size";
		argv[argc++] = (char *)r->o.nvdimm_size;
	}
	if (r->o.accel) {
		argv[argc++] = "--accel";
		argv[argc++] = (char *)r->o.accel;
	}
	argv[argc] = NULL;
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
	if (check_jobs(b->jobs, b->njobs, err, errlen))
		return VM_ERR_USAGE;
	snprintf(path, sizeof(path), "%s/ok", r->image);
	if (access(path, F_OK) && build_image(r, err, errlen))
		return VM_ERR_RUN;
	r->b = b;
	r->fail[0] = r->missing[0] = r->last_err[0] = '\0';
	r->up_ready = r->up_done = r->clock_ratio = 0;
	r->clock_bad = false;
	r->boots++;
	snprintf(path, sizeof(path), "%s/share", r->scratch);
	sf_remove_tree(path);
	if (write_jobs(r, b->jobs, b->njobs, err, errlen))
		return VM_ERR_RUN;
	scratch_file(r, "qemu.log", path, sizeof(path));
	if (create_empty(path) || create_empty(b->console) || open_follow(&r->child_err, path) ||
	    open_follow(&r->con, b->console)) {
		set_err(err, errlen, "cannot create %s: %s", b->console, strerror(errno));
		return VM_ERR_RUN;
	}
	return 0;
}

int sf_vm_boot(struct sf_vm *r, struct sf_vm_boot *b, char *err, size_t errlen)
{
	char script[PATH_MAX], cpus[24], self[PATH_MAX], log[PATH_MAX + 16];
	char *argv[20];
	int ret;
	pid_t pid;

	ret = prepare_boot(r, b, err, errlen);
	if (!ret)
		ret = run_argv(r, b, argv, script, self, cpus, err, errlen);
	if (ret)
		goto out;
	if (sf_interrupted) {
		b->end = SF_VM_INTERRUPTED;
		goto out;
	}
	scratch_file(r, "qemu.log", log, sizeof(log));
	b->t_qemu = sf_vm_now();
	pid = spawn(argv, log, log, b->qemu_args);
	if (pid < 0) {
		set_err(err, errlen, "cannot start %s: %s", script, strerror(errno));
		ret = VM_ERR_RUN;
		goto out;
	}
	b->end = wait_child(r, pid, b->deadline, b->t_qemu + VM_BOOT_LIMIT_S, &b->status);
	if (b->end != SF_VM_EXITED && b->end != SF_VM_PLUGGED)
		stop_child(pid, &b->status);
	drain_follow(&r->con, r, console_line);
	drain_follow(&r->child_err, r, child_err_line);
	if (b->end == SF_VM_EXITED && exit_code(b->status) == 2 && !b->t_ready) {
		/* the run script refused its arguments (--nvdimm-size ...) */
		set_err(err, errlen, "%s", r->last_err);
		ret = VM_ERR_USAGE;
	}
out:
	close_follow(&r->con);
	close_follow(&r->child_err);
	r->b = NULL;
	return ret;
}

int sf_vm_check_opts(const struct sf_vm_opts *o, const char *fs, char *err, size_t errlen)
{
	char why[256];
	struct stat st;

	if (!o)
		return 0;
	if (o->nvdimm_size && sf_nvdimm_size_check(o->nvdimm_size, fs, why, sizeof(why))) {
		set_err(err, errlen, "--nvdimm-size %s: %s", o->nvdimm_size, why);
		return -1;
	}
	if (o->accel && sf_vm_accel_check(o->accel, err, errlen))
		return -1;
	if (o->modules && !o->kernel) {
		set_err(err, errlen, "--modules needs --kernel (Debian's kernel brings its own modules)");
		return -1;
	}
	if (o->modules && (stat(o->modules, &st) || !S_ISDIR(st.st_mode))) {
		set_err(err, errlen, "--modules %s: not a directory (give the INSTALL_MOD_PATH of 'make modules_install')",
			o->modules);
		return -1;
	}
	/* after the cheap checks: this one runs scripts/vm/kernel */
	if (o->kernel && sf_kernel_check(o->kernel, err, errlen))
		return -1;
	if (o->timeout_s < 0) {
		set_err(err, errlen, "guest time limit %d s is not valid", o->timeout_s);
		return -1;
	}
	return 0;
}

int sf_vm_open(struct sf_vm **vmp, const char *target, const struct sf_vm_opts *o,
	       char *err, size_t errlen)
{
	const struct sf_guest_target *g = sf_guest_target_find(target);
	struct sf_vm *r;

	*vmp = NULL;
	errno = 0;
	if (!g) {
		set_err(err, errlen, "target '%s' is not a guest target: use one of %s", target,
			sf_guest_target_names());
		return VM_ERR_USAGE;
	}
	if (sf_vm_check_opts(o, g->fs, err, errlen))
		return VM_ERR_USAGE;
	r = calloc(1, sizeof(*r));
	if (!r) {
		set_err(err, errlen, "out of memory");
		return VM_ERR_RUN;
	}
	*r = (struct sf_vm){ .target = target, .g = g, .con.fd = -1, .child_err.fd = -1,
			     .lock_fd = -1, .t_start = sf_vm_now() };
	if (o)
		r->o = *o;
	*vmp = r;
	catch_signals(&r->sigs);
	if (make_scratch(r, err, errlen) || build_image(r, err, errlen))
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
	close_follow(&r->con);
	close_follow(&r->child_err);
	sf_scratch_remove(r->scratch, r->lock_fd);
	restore_signals(&r->sigs);
	free(r);
}

/*
 * Boot, and boot again (VM_CLOCK_TRIES in all) while the guest clock is
 * wrong; each boot has the whole time limit, and starts from a fresh share.
 */
static int boot_keeping_time(struct sf_vm *r, struct sf_vm_boot *b, char *err, size_t errlen)
{
	int ret;

	for (;;) {
		b->deadline = sf_vm_now() + b->limit_s;
		ret = sf_vm_boot(r, b, err, errlen);
		if (!ret && (b->end == SF_VM_EXITED || b->end == SF_VM_DONE_NO_EXIT))
			clock_check_done(r, b);
		if (ret || !r->clock_bad || r->boots >= VM_CLOCK_TRIES || sf_interrupted)
			return ret;
		fprintf(stderr, "guest: %s, so its figures are in wrong units: booting again (%d of %d)\n",
			clock_words(r, b), r->boots + 1, VM_CLOCK_TRIES);
	}
}

int sf_vm_run(const char *target, const struct sf_vm_opts *o,
	      const struct sf_vm_job *jobs, int njobs, const char *outdir,
	      char *err, size_t errlen)
{
	int timeout_s = o && o->timeout_s > 0 ? o->timeout_s : VM_TIMEOUT_S;
	struct sf_vm_boot b = { .jobs = jobs, .njobs = njobs, .limit_s = timeout_s, .timed = true };
	char console[PATH_MAX];
	struct sf_vm *r;
	int ret, lost;
	bool ok;

	if (check_jobs(jobs, njobs, err, errlen))
		return VM_ERR_USAGE;
	ret = sf_vm_open(&r, target, o, err, errlen);
	if (!r)
		return ret;
	snprintf(console, sizeof(console), "%s/console-%s.log", outdir, target + 3);
	b.console = console;
	if (!ret && sf_interactive())
		fprintf(stderr, "guest: booting %s, kernel %s (QEMU %s, emulated NVDIMM)\n",
			target, r->release, o && o->accel ? o->accel : "auto: KVM if usable, else TCG");
	if (!ret)
		ret = boot_keeping_time(r, &b, err, errlen);
	if (ret) {
		write_timing(r, &b, outdir, sf_vm_now(), "error");
		sf_vm_close(r);
		return ret;
	}
	ok = (b.end == SF_VM_EXITED || b.end == SF_VM_DONE_NO_EXIT) && !r->clock_bad &&
	     guest_status_done(r);
	lost = collect_results(r, jobs, njobs, outdir);
	ok = ok && !lost;
	write_timing(r, &b, outdir, sf_vm_now(), ok ? "ok" : "error");
	if (ok) {
		fprintf(stderr, "guest: booted in %.1f s, jobs took %.1f s (%s, kernel %s)\n",
			span(b.t_qemu, b.t_ready), span(b.t_ready, b.t_done), target, r->release);
	} else {
		explain_failure(r, &b, err, errlen);
		if (b.end != SF_VM_INTERRUPTED)
			sf_vm_console_tail(console);
	}
	sf_vm_close(r);
	return ok ? 0 : VM_ERR_RUN;
}

/* What the guest run took and which kernel it booted, into every result. */
void sf_vm_annotate(struct sf_result *res, int n, const char *outdir, const char *target)
{
	static const char *const str_keys[] = { "kernel", "kernel_name", "kernel_release", "image" };
	static const char *const num_keys[] = { "image_s", "boot_s", "jobs_s", "total_s",
						"guest_clock_ratio", "boots" };
	const struct sf_guest_target *g = sf_guest_target_find(target);
	char path[PATH_MAX + 64], v[PATH_MAX];

	snprintf(path, sizeof(path), "%s/vm-%s.timing", outdir, target + 3);
	for (int i = 0; i < n; i++) {
		json_object *vm = json_object_new_object();

		for (size_t k = 0; k < sizeof(str_keys) / sizeof(str_keys[0]); k++)
			if (!sf_read_kv(path, str_keys[k], v, sizeof(v)))
				json_object_object_add(vm, str_keys[k], json_object_new_string(v));
		for (size_t k = 0; k < sizeof(num_keys) / sizeof(num_keys[0]); k++)
			if (!sf_read_kv(path, num_keys[k], v, sizeof(v)) && v[0])
				json_object_object_add(vm, num_keys[k], json_object_new_double(atof(v)));
		if (g && g->mkfs)
			json_object_object_add(vm, "mkfs", json_object_new_string(g->mkfs));
		if (g && g->features[0])
			json_object_object_add(vm, "fs_features", json_object_new_string(g->features));
		if (!res[i].info)
			res[i].info = json_object_new_object();
		json_object_object_add(res[i].info, "vm", vm);
	}
}
