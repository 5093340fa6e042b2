// SPDX-License-Identifier: MIT
/*
 * syncfault suite CONFIG: run every run of an INI suite into one results
 * directory, then build its report.
 *
 * Every problem with the config or a target is found before the first run.
 * The runs of each target go to that target's run() (target_kinds.h) in one
 * go: on a host one by one, on a guest target in ONE guest boot, since a
 * boot costs seconds under TCG.
 * Each finished run is one JSON file written atomically, so Ctrl-C or a
 * crash loses at most the run in progress, and --resume skips every run
 * whose file is there (a run that ended in error is run again).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "sf_report.h"
#include "sf_config.h"
#include "sf_env.h"
#include "sf_harness.h"
#include "sf_store.h"
#include "sf_util.h"
#include "sf_target_kinds.h"

#define DEFAULT_REPEATS	5	/* as syncfault run */
#define RESULTS_ROOT	"results"

enum run_state { PENDING, DONE, SKIPPED };

struct suite_opts {
	const char *config;
	const char *out;
	const char *resume;
	const char *label;
	bool list;
	int shard, nshards;	/* --shard K/N: this is shard K (1-based) of N; 0/0 none */
	struct sf_vm_opts vm;
};

struct progress {
	int total, done;	/* runs of this invocation */
	double t0;
	double host_s, guest_s;	/* time spent on finished runs of each kind */
	int host_n, guest_n;
	int pending_host, pending_guest;
};

struct suite {
	struct sf_suite cfg;
	struct suite_opts o;
	char dir[4096];
	enum run_state *state;
	enum sf_status *status;	/* of DONE runs */
	bool *checks_failed;
	struct progress pg;
	double prev_wall;	/* wall time of earlier invocations (resume) */
	int printed;		/* runs reported on stdout so far */
	char config[4096];	/* the config as first given (resume keeps it) */
	char started[40];
	/* how this invocation's runs stopped repeating, and how many stayed disturbed */
	int stops[5], unstable;
};

/* info.repeat_plan.stop of a result, in this order; "error" ... are the last */
static const char *const stop_names[] = { "precision", "cap", "maximum", "fixed", NULL };

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void fmt_dur(double s, char *buf, size_t len)
{
	if (!isfinite(s) || s < 0)
		snprintf(buf, len, "?");
	else if (s < 10)
		snprintf(buf, len, "%.1fs", s);
	else if (s < 60)
		snprintf(buf, len, "%.0fs", s);
	else if (s < 3600)
		snprintf(buf, len, "%dm%02ds", (int)s / 60, (int)s % 60);
	else
		snprintf(buf, len, "%dh%02dm", (int)s / 3600, (int)s / 60 % 60);
}

/* ---- progress ---- */

/* Remaining time from the average of finished runs of the same kind. */
static double eta(struct progress *p)
{
	double all = p->host_n + p->guest_n ?
		(p->host_s + p->guest_s) / (p->host_n + p->guest_n) : NAN;
	double h = p->host_n ? p->host_s / p->host_n : all;
	double g = p->guest_n ? p->guest_s / p->guest_n : all;

	return (p->pending_host ? p->pending_host * h : 0) +
	       (p->pending_guest ? p->pending_guest * g : 0);
}

static void show_progress(struct progress *p, const char *what)
{
	char el[16], left[16];
	double rest;

	if (!sf_interactive())
		return;
	rest = eta(p);
	fmt_dur(now_s() - p->t0, el, sizeof(el));
	fmt_dur(rest, left, sizeof(left));
	fprintf(stderr, "\r\033[K[%d of %d] %.42s  elapsed %s, %s%s", p->done + 1,
		p->total, what, el, isfinite(rest) ? "~" : "", isfinite(rest) ? left : "estimating");
	if (isfinite(rest))
		fprintf(stderr, " left");
	fflush(stderr);
}

static void end_progress(void)
{
	if (sf_interactive())
		fprintf(stderr, "\r\033[K");
}

static void finished(struct progress *p, bool guest, double secs)
{
	p->done++;
	if (guest) {
		p->guest_s += secs;
		p->guest_n++;
		p->pending_guest--;
	} else {
		p->host_s += secs;
		p->host_n++;
		p->pending_host--;
	}
}

/* ---- results directory ---- */

/*
 * With kernel = A, B ... every kernel's guest runs live in a directory of
 * their own, DIR/kernel-<name>/, under the same ids: `syncfault compare
 * DIR/kernel-A DIR/kernel-B` pairs them like two suites.
 */
static void kernel_dir(const struct suite *s, const char *kernel, char *buf, size_t len)
{
	sf_store_kernel_dir(s->dir, s->cfg.nkernels < 2 ? NULL : kernel, buf, len);
}

static void result_path(const struct suite *s, const struct sf_run *r, char *buf, size_t len)
{
	char d[4200];

	kernel_dir(s, r->kernel, d, sizeof(d));
	snprintf(buf, len, "%s/%s.json", d, r->id);
}

/* A run is finished when its file holds an ok or unsupported result. */
static bool finished_before(struct suite *s, int i)
{
	struct sf_result *res;
	char path[4400], err[512];
	int n;

	result_path(s, &s->cfg.runs[i], path, sizeof(path));
	if (access(path, F_OK))
		return false;
	n = sf_results_read(path, &res, err, sizeof(err));
	if (n < 1)
		return false;
	s->status[i] = res[0].status;
	s->checks_failed[i] = !sf_result_checks_ok(&res[0]);
	sf_results_free(res, n);
	return s->status[i] != SF_ERROR;
}

/* How this invocation's finished runs stopped repeating (an earlier one's are in its files). */
static json_object *repeats_json(const struct suite *s)
{
	json_object *o = json_object_new_object();

	for (int k = 0; stop_names[k]; k++)
		json_object_object_add(o, stop_names[k], json_object_new_int(s->stops[k]));
	json_object_object_add(o, "unstable", json_object_new_int(s->unstable));
	return o;
}

static void print_repeats(const struct suite *s)
{
	printf("repeats: %d runs stopped on precision, %d on the time cap, %d at the maximum, %d fixed; %d unstable\n",
	       s->stops[0], s->stops[1], s->stops[2], s->stops[3], s->unstable);
}

static json_object *suite_json(struct suite *s, bool done, double wall)
{
	json_object *o = json_object_new_object();
	int fin = 0;
	char now[40];

	for (int i = 0; i < s->cfg.nruns; i++)
		fin += s->state[i] != PENDING;
	sf_now_iso(now, sizeof(now));
	json_object_object_add(o, "label", json_object_new_string(s->cfg.label));
	json_object_object_add(o, "config", json_object_new_string(s->config));
	json_object_object_add(o, "started", json_object_new_string(s->started));
	json_object_object_add(o, "updated", json_object_new_string(now));
	json_object_object_add(o, "wall_s", json_object_new_double(round(wall * 10) / 10));
	json_object_object_add(o, "runs", json_object_new_int(s->cfg.nruns));
	json_object_object_add(o, "finished_runs", json_object_new_int(fin));
	json_object_object_add(o, "interrupted", json_object_new_boolean(!done));
	json_object_object_add(o, "repeats", repeats_json(s));
	if (s->o.nshards) {
		char sh[32];

		snprintf(sh, sizeof(sh), "%d/%d", s->o.shard, s->o.nshards);
		json_object_object_add(o, "shard", json_object_new_string(sh));
	}
	if (s->o.vm.kernel)
		json_object_object_add(o, "guest_kernel", json_object_new_string(s->o.vm.kernel));
	if (s->cfg.nkernels) {
		json_object *k = json_object_new_array();

		for (int i = 0; i < s->cfg.nkernels; i++)
			json_object_array_add(k, json_object_new_string(s->cfg.kernels[i]));
		json_object_object_add(o, "guest_kernels", k);
	}
	return o;
}

/* env.json: the host environment plus what the suite did so far. */
static int write_env(struct suite *s, bool done, char *err, size_t errlen)
{
	json_object *env = sf_env_json();
	char path[4200];
	int ret;

	snprintf(path, sizeof(path), "%s/env.json", s->dir);
	json_object_object_add(env, "suite", suite_json(s, done,
		s->prev_wall + now_s() - s->pg.t0));
	ret = sf_json_write_atomic(env, path, err, errlen);
	json_object_put(env);
	return ret;
}

/* What an earlier invocation recorded: its start and wall time. */
static void read_previous(struct suite *s)
{
	char path[4200], err[4400];
	json_object *env, *suite, *v;

	snprintf(path, sizeof(path), "%s/env.json", s->dir);
	env = sf_json_read(path, SF_READ_MAX, err, sizeof(err));	/* optional */
	if (env && json_object_object_get_ex(env, "suite", &suite) && suite) {
		if (json_object_object_get_ex(suite, "wall_s", &v))
			s->prev_wall = json_object_get_double(v);
		if (json_object_object_get_ex(suite, "started", &v))
			snprintf(s->started, sizeof(s->started), "%s", json_object_get_string(v));
		if (json_object_object_get_ex(suite, "config", &v))
			snprintf(s->config, sizeof(s->config), "%s", json_object_get_string(v));
		if (!s->o.label && json_object_object_get_ex(suite, "label", &v))
			snprintf(s->cfg.label, sizeof(s->cfg.label), "%s", json_object_get_string(v));
	}
	if (env)
		json_object_put(env);
}

static bool dir_empty(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool empty = true;

	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			empty = false;
	if (d)
		closedir(d);
	return empty;
}

static int make_dir(struct suite *s)
{
	struct stat st;

	if (s->o.resume) {
		snprintf(s->dir, sizeof(s->dir), "%s", s->o.resume);
		if (stat(s->dir, &st) || !S_ISDIR(st.st_mode))
			return sf_usage_error("--resume %s: not a results directory", s->dir);
		return 0;
	}
	if (s->o.out) {
		snprintf(s->dir, sizeof(s->dir), "%s", s->o.out);
	} else {
		char ts[32];
		time_t t = time(NULL);

		strftime(ts, sizeof(ts), "%Y%m%d-%H%M%S", localtime(&t));
		snprintf(s->dir, sizeof(s->dir), "%s/%s-%s", RESULTS_ROOT, ts, s->cfg.label);
	}
	if (!stat(s->dir, &st) && !(S_ISDIR(st.st_mode) && dir_empty(s->dir)))
		return sf_usage_error("%s exists and is not empty: continue it with --resume %s, or give another -o",
				      s->dir, s->dir);
	if (sf_mkdir_p(s->dir, 0755))
		return sf_usage_error("cannot create %s: %s", s->dir, strerror(errno));
	return 0;
}

/* ---- checks before anything runs ---- */

static int check_targets(struct suite *s)
{
	struct sf_vm_opts vo = s->o.vm;
	const char *done[64];
	int ndone = 0;
	char err[1024];

	if (s->cfg.nvdimm_size[0])
		vo.nvdimm_size = s->cfg.nvdimm_size;
	if (s->cfg.timing[0] && s->o.vm.timing)
		return sf_usage_error("%s:%d: [global] timing = %s and --timing %s: give the timing in one place (drop --timing, or the key)",
				      s->cfg.path, s->cfg.timing_line, s->cfg.timing, s->o.vm.timing);
	if (s->cfg.timing[0])
		vo.timing = s->cfg.timing;
	/* guest options are checked even when no run uses a guest */
	if (sf_vm_check_opts(&vo, NULL, err, sizeof(err)))
		return sf_usage_error("%s", err);
	if (s->cfg.nkernels && s->o.vm.kernel)
		return sf_usage_error("%s:%d: [global] kernel = ... and --kernel %s: give the kernels in one place (drop --kernel, or the key)",
				      s->cfg.path, s->cfg.kernel_line, s->o.vm.kernel);
	for (int k = 0; k < s->cfg.nkernels; k++)
		if (sf_kernel_check(s->cfg.kernels[k], err, sizeof(err)))
			return sf_usage_error("%s:%d: [global] %s", s->cfg.path,
					      s->cfg.kernel_line, err);
	for (int i = 0; i < s->cfg.nruns; i++) {
		const struct sf_run *r = &s->cfg.runs[i];
		struct sf_target_spec t;
		bool seen = false;

		/* few distinct targets: linear in the runs */
		for (int j = 0; j < ndone && !seen; j++)
			seen = !strcmp(done[j], r->target);
		if (seen)
			continue;
		if (ndone < 64)
			done[ndone++] = r->target;
		if (sf_target_spec_parse(r->target, &t, err, sizeof(err)) ||
		    sf_target_kind_of(&t)->probe(&t, err, sizeof(err)) ||
		    (t.guest && sf_vm_check_opts(&vo, t.guest->fs, err, sizeof(err))))
			return sf_usage_error("%s:%d: [%s] target %s: %s", s->cfg.path, r->line,
					      r->scenario, r->target, err);
	}
	return 0;
}

/* ---- runs: one target at a time, all of its runs in one go ---- */

static json_object *info_get(const struct sf_result *r, const char *obj, const char *key)
{
	json_object *o, *v;

	if (!r->info || !json_object_object_get_ex(r->info, obj, &o) ||
	    !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

/*
 * ", 8 repeats, +-1.4%, precision": how the run's repeats went (adaptive
 * runs say why they stopped), and whether a disturbed repeat was kept.
 */
static void repeats_note(struct suite *s, const struct sf_result *r, char *buf, size_t len)
{
	json_object *run = info_get(r, "repeat_plan", "run"), *hw = info_get(r, "repeat_plan", "half_width_pct");
	json_object *stop = info_get(r, "repeat_plan", "stop"), *un = info_get(r, "disturbance", "unstable");
	const char *st = stop ? json_object_get_string(stop) : "";
	size_t off = 0;

	buf[0] = '\0';
	if (r->status != SF_OK || !run)
		return;
	for (int k = 0; stop_names[k]; k++)
		s->stops[k] += !strcmp(st, stop_names[k]);
	off += snprintf(buf, len, ", %d repeats", json_object_get_int(run));
	if (hw && off < len)
		off += snprintf(buf + off, len - off, ", median +-%.1f%%", json_object_get_double(hw));
	if (strcmp(st, "fixed") && off < len)
		off += snprintf(buf + off, len - off, ", stopped on %s", st);
	if (un && json_object_get_boolean(un) && off < len) {
		s->unstable++;
		snprintf(buf + off, len - off, ", UNSTABLE");
	}
}

static void record(struct suite *s, int i, const struct sf_result *r, double secs)
{
	char d[16], note[128];

	s->state[i] = DONE;
	s->status[i] = r->status;
	s->checks_failed[i] = r->status == SF_OK && !sf_result_checks_ok(r);
	fmt_dur(secs, d, sizeof(d));
	repeats_note(s, r, note, sizeof(note));
	end_progress();
	printf("[%d/%d] %s: %s%s (%s%s)%s%s\n", ++s->printed, s->pg.total, s->cfg.runs[i].id,
	       sf_status_name(r->status), s->checks_failed[i] ? ", CHECK FAILED" : "", d, note,
	       r->status != SF_OK ? ": " : "", r->status != SF_OK ? r->reason : "");
	fflush(stdout);
}

struct target_batch {
	struct suite *s;
	int *idx;		/* job k is run idx[k] */
	bool guest;
	double t0;		/* start of the current run */
	int ended;		/* runs counted by the progress line */
	int write_failures;
};

static int write_result(struct suite *s, int i, const struct sf_result *res)
{
	char path[4400], err[1024];
	json_object *o = sf_result_to_json(res);
	int ret;

	result_path(s, &s->cfg.runs[i], path, sizeof(path));
	ret = sf_json_write_atomic(o, path, err, sizeof(err));
	json_object_put(o);
	if (ret)
		sf_error("%s", err);
	return ret;
}

static void batch_starting(struct sf_job *j, int k, int n, void *arg)
{
	struct target_batch *tb = arg;

	tb->t0 = now_s();
	show_progress(&tb->s->pg, j->name);
}

/* A point ended: the progress line counts it (a guest's result comes after its boot). */
static void batch_ended(struct sf_job *j, void *arg)
{
	struct target_batch *tb = arg;

	finished(&tb->s->pg, tb->guest, now_s() - tb->t0);
	tb->ended++;
	show_progress(&tb->s->pg, tb->guest ? "guest: next run" : j->name);
}

static void batch_finished(struct sf_job *j, void *arg)
{
	struct target_batch *tb = arg;
	double secs = tb->guest ? j->res->duration_s : now_s() - tb->t0;

	tb->write_failures += write_result(tb->s, j->tag, j->res) != 0;
	record(tb->s, j->tag, j->res, secs);
}

/* The analysis pass added facts: the files get them too. */
static void batch_analyzed(struct sf_job *j, void *arg)
{
	struct target_batch *tb = arg;

	tb->write_failures += write_result(tb->s, j->tag, j->res) != 0;
}

static void guest_opts(struct suite *s, int nj, struct sf_vm_opts *vo)
{
	*vo = s->o.vm;
	if (s->cfg.nvdimm_size[0])
		vo->nvdimm_size = s->cfg.nvdimm_size;
	if (s->cfg.timing[0])
		vo->timing = s->cfg.timing;
	/* one boot runs every job: give it time for all of them */
	vo->timeout_s = s->cfg.vm_timeout_s ? s->cfg.vm_timeout_s : 600 + 300 * nj;
}

/* Every pending run of one target (on one kernel) through the target's run(). */
static int run_target(struct suite *s, const char *target, const char *kernel)
{
	struct sf_job *jobs = calloc(s->cfg.nruns, sizeof(*jobs));
	struct sf_result *res = calloc(s->cfg.nruns, sizeof(*res));
	struct target_batch tb = { .s = s };
	struct sf_run_ctx c = { .starting = batch_starting, .ended = batch_ended,
				.finished = batch_finished, .analyzed = batch_analyzed, .arg = &tb };
	struct sf_target_spec t;
	struct sf_vm_opts vo;
	char outdir[4400], kdir[4200], err[1024];
	int nj = 0, ret = 0, missing = 0;

	if (!jobs || !res || sf_target_spec_parse(target, &t, err, sizeof(err))) {
		ret = -1;
		goto out;
	}
	tb.guest = sf_target_spec_flags(&t) & SF_TGT_GUEST;
	for (int i = 0; i < s->cfg.nruns; i++) {
		const struct sf_run *r = &s->cfg.runs[i];

		if (s->state[i] != PENDING || strcmp(r->target, target) || r->kernel != kernel)
			continue;
		jobs[nj] = (struct sf_job){ .bench = r->bench, .pt = &r->pt, .tag = i,
					    .res = &res[nj] };
		sf_run_opts(r, DEFAULT_REPEATS, &jobs[nj].opts);
		snprintf(jobs[nj].name, sizeof(jobs[nj].name), "%s", r->id);
		nj++;
	}
	if (!nj)
		goto out;
	if (tb.guest) {
		kernel_dir(s, kernel, kdir, sizeof(kdir));
		sf_store_guest_dir(kdir, t.guest->stem, outdir, sizeof(outdir));
		if (sf_mkdir_p(outdir, 0755)) {
			fprintf(stderr, "syncfault: cannot create %s: %s\n", outdir, strerror(errno));
			ret = -1;
			goto out;
		}
		guest_opts(s, nj, &vo);
		if (kernel)
			vo.kernel = kernel;
		c.vm = &vo;
		c.outdir = outdir;
		end_progress();
		printf("%s: one guest boot for %d run%s (console log: %s/console-%s.log)\n",
		       target, nj, nj == 1 ? "" : "s", outdir, t.guest->stem);
		fflush(stdout);
		tb.t0 = now_s();
		show_progress(&s->pg, "guest booting");
	}
	ret = sf_target_run(&t, jobs, nj, &c, err, sizeof(err));
	/* runs the progress line did not see end are over too, one way or another */
	for (; tb.ended < nj; tb.ended++)
		finished(&s->pg, tb.guest, 0);
	for (int k = 0; k < nj; k++)
		missing += !jobs[k].done;
	if (ret) {
		/* a failed target: one message, not one per run */
		end_progress();
		fprintf(stderr, "syncfault: %s: %s; %d of %d runs have no result (resume with --resume %s)\n",
			target, err, missing, nj, s->dir);
	}
	ret = ret || tb.write_failures ? -1 : 0;
out:
	for (int k = 0; k < nj; k++)
		if (jobs[k].done)
			sf_result_free(jobs[k].res);
	free(jobs);
	free(res);
	return ret;
}

/* ---- the whole suite ---- */

static void list_runs(struct suite *s)
{
	for (int i = 0; i < s->cfg.nruns; i++) {
		char **argv;
		int argc = sf_run_argv(&s->cfg.runs[i], &argv);

		printf("%s\t%s%s%s\t", s->cfg.runs[i].id, s->cfg.runs[i].target,
		       s->cfg.runs[i].kernel ? "@" : "",
		       s->cfg.runs[i].kernel ? s->cfg.runs[i].kernel : "");
		for (int k = 0; k < argc; k++)
			printf("%s%s", k ? " " : "", argv[k]);
		printf("\n");
		sf_run_argv_free(argv, argc);
	}
}

static int exit_status(struct suite *s, int failures)
{
	int ret = SF_EXIT_OK;

	if (sf_interrupted)
		return 130;
	for (int i = 0; i < s->cfg.nruns; i++) {
		if (s->state[i] == PENDING || s->status[i] == SF_ERROR)
			return SF_EXIT_ERROR;
		if (s->checks_failed[i])
			ret = SF_EXIT_CHECK;
	}
	return failures ? SF_EXIT_ERROR : ret;
}

static int run_all(struct suite *s)
{
	int failures = 0;

	for (int i = 0; i < s->cfg.nruns; i++) {
		if (s->o.resume && finished_before(s, i)) {
			s->state[i] = SKIPPED;
			continue;
		}
		s->pg.total++;
		if (sf_target_spec_is_guest(s->cfg.runs[i].target))
			s->pg.pending_guest++;
		else
			s->pg.pending_host++;
	}
	if (s->o.resume)
		printf("resuming %s: %d of %d runs already finished\n", s->dir,
		       s->cfg.nruns - s->pg.total, s->cfg.nruns);
	/* host targets first: a guest boot is the long part */
	for (int guest = 0; guest < 2; guest++) {
		for (int i = 0; i < s->cfg.nruns && !sf_interrupted; i++) {
			const char *t = s->cfg.runs[i].target, *k = s->cfg.runs[i].kernel;
			bool first = true;

			if (sf_target_spec_is_guest(t) != guest)
				continue;
			/* one go (one boot) per target and kernel */
			for (int j = 0; j < i && first; j++)
				first = strcmp(s->cfg.runs[j].target, t) || s->cfg.runs[j].kernel != k;
			if (first)
				failures += run_target(s, t, k) != 0;
		}
	}
	end_progress();
	return failures;
}

/* `syncfault compare BASE NEW` into out, atomically; its exit status. */
static int compare_into(const char *base, const char *new, const char *out)
{
	char self[4096], tmp[4300];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int status = 0, fd;
	pid_t pid;

	if (n <= 0)
		return -1;
	self[n] = '\0';
	snprintf(tmp, sizeof(tmp), "%s.tmp", out);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	fflush(NULL);
	pid = fork();
	if (!pid) {
		dup2(fd, STDOUT_FILENO);
		execl(self, self, "compare", base, new, (char *)NULL);
		_exit(127);
	}
	close(fd);
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status) == 127 ||
	    WEXITSTATUS(status) == SF_EXIT_USAGE || rename(tmp, out)) {
		unlink(tmp);
		return -1;
	}
	return WEXITSTATUS(status);
}

/*
 * kernel = A, B ...: pair every other kernel's guest runs with the first
 * one's, as `syncfault compare` does for two suites, into
 * DIR/compare-<B>.txt, and add the comparison to report.txt.
 */
static void compare_kernels(struct suite *s)
{
	char base[4200], new[4200], out[4400], report[4200], tmp[4300], line[1024];
	FILE *r, *w, *c;

	for (int k = 1; k < s->cfg.nkernels; k++) {
		kernel_dir(s, s->cfg.kernels[0], base, sizeof(base));
		kernel_dir(s, s->cfg.kernels[k], new, sizeof(new));
		snprintf(out, sizeof(out), "%s/compare-%s.txt", s->dir, strrchr(new, '/') + 1);
		if (compare_into(base, new, out) < 0) {
			fprintf(stderr, "syncfault: comparing %s with %s failed\n", base, new);
			continue;
		}
		printf("kernel %s (base) vs %s: %s\n", s->cfg.kernels[0], s->cfg.kernels[k], out);
		snprintf(report, sizeof(report), "%s/report.txt", s->dir);
		snprintf(tmp, sizeof(tmp), "%s.tmp", report);
		r = fopen(report, "re");
		w = fopen(tmp, "we");
		c = fopen(out, "re");
		while (r && w && fgets(line, sizeof(line), r))
			fputs(line, w);
		if (w)
			fprintf(w, "\n== Kernels: %s (base) vs %s (new), guest runs paired ==\n",
				s->cfg.kernels[0], s->cfg.kernels[k]);
		while (c && w && fgets(line, sizeof(line), c))
			fputs(line, w);
		if (r)
			fclose(r);
		if (c)
			fclose(c);
		if (w && !fclose(w))
			rename(tmp, report);
		else
			unlink(tmp);
	}
}

/*
 * --shard K/N.  The units of work are the guest groups (every run of one
 * guest target on one kernel: one boot) and the host runs, in config
 * order.  Guest groups are dealt round-robin to the shards first, then the
 * host runs continue the round, so the same config and N always give the
 * same split, the N shards together are every run exactly once, and no
 * guest is booted in two shards.  The runs of other shards are dropped.
 */
static int shard_of(const struct sf_suite *cfg, int i, int nshards)
{
	const struct sf_run *r = &cfg->runs[i];
	int unit = 0, guests = 0;

	for (int j = 0; j < cfg->nruns; j++) {
		const struct sf_run *q = &cfg->runs[j];
		bool first = true;

		if (!sf_target_spec_is_guest(q->target))
			continue;
		for (int k = 0; k < j && first; k++)
			first = strcmp(cfg->runs[k].target, q->target) || cfg->runs[k].kernel != q->kernel;
		if (!first)
			continue;
		if (sf_target_spec_is_guest(r->target) && !strcmp(q->target, r->target) &&
		    q->kernel == r->kernel)
			unit = guests;
		guests++;
	}
	if (!sf_target_spec_is_guest(r->target)) {
		unit = guests;
		for (int j = 0; j < i; j++)
			unit += !sf_target_spec_is_guest(cfg->runs[j].target);
	}
	return unit % nshards;
}

static void shard_filter(struct suite *s)
{
	struct sf_suite *cfg = &s->cfg;
	bool *keep = calloc(cfg->nruns, sizeof(*keep));
	int n = 0;

	if (!keep || !s->o.nshards)
		goto out;
	for (int i = 0; i < cfg->nruns; i++)
		keep[i] = shard_of(cfg, i, s->o.nshards) == s->o.shard - 1;
	for (int i = 0; i < cfg->nruns; i++) {
		if (keep[i]) {
			cfg->runs[n++] = cfg->runs[i];
			continue;
		}
		for (int j = 0; j < cfg->runs[i].pt.nparams; j++)
			free(cfg->runs[i].pt.val[j]);
	}
	cfg->nruns = n;
out:
	free(keep);
}

static void usage(void)
{
	printf("usage: syncfault suite CONFIG [-o DIR] [--label L] [--kernel SPEC]\n"
	       "                       [--modules DIR] [--shard K/N] [--list]\n"
	       "       syncfault suite --resume DIR\n"
	       "  Runs every run of the INI suite CONFIG (configs/quick.ini, full.ini,\n"
	       "  patch-review.ini) into DIR (default results/<time>-<label>/): one JSON per\n"
	       "  run, env.json, guest console logs, report.txt and plots/.\n"
	       "  -o DIR            the results directory (new or empty)\n"
	       "  --resume DIR      continue an interrupted suite: runs with a result are\n"
	       "                    skipped (its copy of the config, DIR/suite.ini, is used)\n"
	       "  --label L         name of the results directory (default: [global] label,\n"
	       "                    else the config's file name)\n"
	       "  --kernel, --modules   the guest kernel for vm: targets (A/B of kernels):\n"
	       "                    debian:6.12, debian:6.1, a bzImage ... (syncfault kernel)\n"
	       "  --accel auto|kvm|tcg  the guests' accelerator (default auto: KVM if usable)\n"
	       "  --timing real|icount  the guests' clock: the host's (default), or QEMU's\n"
	       "                    instruction count (TCG, 1 ns per guest instruction:\n"
	       "                    the same on every boot; [global] timing = in a config)\n"
	       "  --list            print the runs (id, target, command) and exit\n"
	       "  --shard K/N       run only shard K of N: a deterministic 1/N of the runs,\n"
	       "                    each guest target's runs in one shard (one boot each);\n"
	       "                    merge the N directories with report -o OUT DIR...\n"
	       "Config: [global] is merged into every section; a section is a scenario with\n"
	       "bench = NAME, target = DIR|host:DIR|vm:NAME (lists allowed; see run --help),\n"
	       "repeats = N|auto and the benchmark's parameters; comma lists expand into\n"
	       "every combination.  repeats = auto is adaptive (as run without --repeats):\n"
	       "until the median's 95%% interval is within precision = PCT (2), between\n"
	       "min_repeats (6) and max_repeats (30), at most max_time = SEC (60) a run.\n"
	       "Each result records repeats run, the interval reached and why it stopped.\n"
	       "[global] may also set label, vm_timeout, nvdimm_size, timing and\n"
	       "kernel = SPEC[, SPEC...]: every guest run on each kernel, into DIR/kernel-NAME/,\n"
	       "compared with the first kernel's in DIR/compare-kernel-NAME.txt and report.txt.\n");
}

static int parse(int argc, char **argv, struct suite_opts *o)
{
	static const struct option lo[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "resume", required_argument, NULL, 'r' },
		{ "label", required_argument, NULL, 'l' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "modules", required_argument, NULL, 'm' },
		{ "accel", required_argument, NULL, 'a' },
		{ "timing", required_argument, NULL, 'T' },
		{ "list", no_argument, NULL, 'L' },
		{ "shard", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	bool seen[128] = { false };
	char extra;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", lo, NULL)) != -1) {
		if (sf_option_once(lo, c, seen))
			return SF_EXIT_USAGE;
		switch (c) {
		case 'o': o->out = optarg; break;
		case 'r': o->resume = optarg; break;
		case 'l': o->label = optarg; break;
		case 'k': o->vm.kernel = optarg; break;
		case 'm': o->vm.modules = optarg; break;
		case 'a': o->vm.accel = optarg; break;
		case 'T': o->vm.timing = optarg; break;
		case 'L': o->list = true; break;
		case 'S':
			if (sscanf(optarg, "%d/%d%c", &o->shard, &o->nshards, &extra) != 2 ||
			    o->nshards < 1 || o->nshards > 1000 || o->shard < 1 || o->shard > o->nshards)
				return sf_usage_error("--shard '%s' is not valid: give K/N with 1 <= K <= N <= 1000, e.g. 1/2",
						      optarg);
			break;
		case 'h': usage(); return -1;
		default: return sf_getopt_error("suite", argv);
		}
	}
	if (argc - optind > 1)
		return sf_usage_error("suite takes one config file: see syncfault suite --help");
	o->config = argc > optind ? argv[optind] : NULL;
	if (!o->config && !o->resume)
		return sf_usage_error("suite needs a config file, e.g. syncfault suite configs/quick.ini");
	if (o->resume && o->out)
		return sf_usage_error("--resume DIR and -o DIR: give one of them");
	if (o->label && !*o->label)
		return sf_usage_error("--label '': give a name for the results directory");
	if (o->label) {
		for (const char *p = o->label; *p; p++)
			if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.", *p))
				return sf_usage_error("--label '%s': use letters, digits, '-', '_' and '.'", o->label);
	}
	return 0;
}

/* The config a resumed suite uses: its own copy, unless one is given. */
static int load_config(struct suite *s, char *err, size_t errlen)
{
	char copy[4200];

	if (!s->o.config) {
		snprintf(copy, sizeof(copy), "%s/suite.ini", s->o.resume);
		if (access(copy, R_OK)) {
			snprintf(err, errlen, "--resume %s: no suite.ini in it: give the config too (syncfault suite --resume DIR CONFIG)",
				 s->o.resume);
			return -1;
		}
		return sf_config_load(copy, &s->cfg, err, errlen);
	}
	return sf_config_load(s->o.config, &s->cfg, err, errlen);
}

int cmd_suite(int argc, char **argv)
{
	struct suite s = { 0 };
	char err[1024], path[4200], wall[16];
	int ret, failures;

	ret = parse(argc, argv, &s.o);
	if (ret)
		return ret < 0 ? SF_EXIT_OK : ret;
	if (load_config(&s, err, sizeof(err)))
		return sf_usage_error("%s", err);
	if (s.o.label)
		snprintf(s.cfg.label, sizeof(s.cfg.label), "%s", s.o.label);
	shard_filter(&s);
	if (s.o.list || sf_validate_only) {
		if (s.o.list)
			list_runs(&s);
		sf_suite_free(&s.cfg);
		return SF_EXIT_OK;
	}
	s.state = calloc(s.cfg.nruns, sizeof(*s.state));
	s.status = calloc(s.cfg.nruns, sizeof(*s.status));
	s.checks_failed = calloc(s.cfg.nruns, sizeof(*s.checks_failed));
	ret = check_targets(&s);
	if (!ret)
		ret = make_dir(&s);
	if (ret)
		goto out;
	sf_now_iso(s.started, sizeof(s.started));
	snprintf(s.config, sizeof(s.config), "%s", s.cfg.path);
	if (s.o.resume)
		read_previous(&s);
	snprintf(path, sizeof(path), "%s/suite.ini", s.dir);
	if (s.o.config && sf_copy_file(s.o.config, path)) {
		ret = sf_usage_error("cannot write %s: %s", path, strerror(errno));
		goto out;
	}
	printf("suite %s: %d runs into %s\n", s.cfg.path, s.cfg.nruns, s.dir);
	fflush(stdout);
	sf_clock_init(false);
	sf_show_progress = false;	/* the suite's own progress line instead */
	sf_install_signals();
	s.pg.t0 = now_s();
	if (write_env(&s, false, err, sizeof(err))) {
		ret = sf_usage_error("%s", err);
		goto out;
	}
	failures = run_all(&s);
	if (write_env(&s, !sf_interrupted && !failures, err, sizeof(err)))
		sf_error("%s", err);
	if (sf_report_build(s.dir, err, sizeof(err)))
		sf_error("report: %s", err);
	else
		printf("report: %s/report.txt\n", s.dir);
	/* a shard holds part of each kernel's runs: compare the merged shards */
	if (s.cfg.nkernels > 1 && !sf_interrupted && !s.o.nshards)
		compare_kernels(&s);
	fmt_dur(s.prev_wall + now_s() - s.pg.t0, wall, sizeof(wall));
	print_repeats(&s);
	printf("wall time %s%s\n", wall, s.o.resume ? " (all invocations)" : "");
	if (sf_interrupted)
		fprintf(stderr, "syncfault: interrupted: finished runs are kept; continue with syncfault suite --resume %s\n",
			s.dir);
	ret = exit_status(&s, failures);
out:
	free(s.state);
	free(s.status);
	free(s.checks_failed);
	sf_suite_free(&s.cfg);
	return ret;
}
