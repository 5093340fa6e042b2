// SPDX-License-Identifier: MIT
/*
 * A suite's results directory: where each run's file goes, which runs an
 * earlier invocation finished (--resume), env.json with what the suite did
 * so far, the checks before anything runs, --shard's split, and the
 * comparison of kernels (kernel = A, B).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <math.h>
#include <signal.h>
#include <stddef.h>

#include "sf_env.h"
#include "sf_errors.h"
#include "sf_spawn.h"
#include "sf_store.h"
#include "sf_suite_run.h"
#include "sf_util.h"

#define RESULTS_ROOT	"results"

/* ---- results directory ---- */

/*
 * With kernel = A, B ... every kernel's guest runs live in a directory of
 * their own, DIR/kernel-<name>/, under the same ids: `syncfault compare
 * DIR/kernel-A DIR/kernel-B` pairs them like two suites.
 */
void sf_suite_kernel_dir(const struct sf_suite_state *s, const char *kernel, char *buf, size_t len)
{
	sf_store_kernel_dir(s->dir, s->cfg.nkernels < 2 ? NULL : kernel, buf, len);
}

void sf_suite_result_path(const struct sf_suite_state *s, const struct sf_run *r, char *buf, size_t len)
{
	char d[4200];

	sf_suite_kernel_dir(s, r->kernel, d, sizeof(d));
	snprintf(buf, len, "%s/%s.json", d, r->id);
}

/* A run is finished when its file holds an ok or unsupported result. */
bool sf_suite_finished_before(struct sf_suite_state *s, int i)
{
	struct sf_result *res;
	char path[4400], err[512];
	int n;

	sf_suite_result_path(s, &s->cfg.runs[i], path, sizeof(path));
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

/*
 * The guest options of the command line, recorded in env.json: a resumed
 * suite boots its guests as the first invocation did (a directory whose
 * guest runs mix clocks or kernels compares nothing).
 */
static const struct {
	const char *key;
	size_t off;
} guest_opts[] = {
	{ "kernel", offsetof(struct sf_vm_opts, kernel) },
	{ "modules", offsetof(struct sf_vm_opts, modules) },
	{ "accel", offsetof(struct sf_vm_opts, accel) },
	{ "timing", offsetof(struct sf_vm_opts, timing) },
};
#define NGUEST_OPTS	(sizeof(guest_opts) / sizeof(guest_opts[0]))

static const char **guest_opt(struct sf_vm_opts *o, size_t k)
{
	return (const char **)((char *)o + guest_opts[k].off);
}

static json_object *guest_opts_json(const struct sf_suite_state *s)
{
	json_object *o = json_object_new_object();
	struct sf_vm_opts vo = s->o.vm;

	for (size_t k = 0; k < NGUEST_OPTS; k++)
		if (*guest_opt(&vo, k))
			json_object_object_add(o, guest_opts[k].key,
					       json_object_new_string(*guest_opt(&vo, k)));
	return o;
}

/* Each option as recorded, unless the same is given again; a different one is refused. */
static int restore_guest_opts(struct sf_suite_state *s, json_object *prev)
{
	for (size_t k = 0; k < NGUEST_OPTS; k++) {
		const char **cur = guest_opt(&s->o.vm, k), *was = NULL;
		json_object *v;

		if (json_object_object_get_ex(prev, guest_opts[k].key, &v) && v)
			was = json_object_get_string(v);
		if (*cur && !was)
			return sf_usage_error("--resume %s: its runs were made without --%s; drop --%s %s, or start a new directory with -o",
					      s->dir, guest_opts[k].key, guest_opts[k].key, *cur);
		if (*cur && strcmp(*cur, was))
			return sf_usage_error("--resume %s: its runs were made with --%s %s; drop --%s %s (a resume keeps the first run's), or start a new directory with -o",
					      s->dir, guest_opts[k].key, was, guest_opts[k].key, *cur);
		if (was) {
			snprintf(s->prev_vm[k], sizeof(s->prev_vm[k]), "%s", was);
			*cur = s->prev_vm[k];
		}
	}
	return 0;
}

/* --shard as recorded (none: the whole suite), unless the same is given again. */
static int restore_shard(struct sf_suite_state *s, json_object *suite)
{
	json_object *v;
	int k = 0, n = 0;

	if (json_object_object_get_ex(suite, "shard", &v) && v &&
	    sscanf(json_object_get_string(v), "%d/%d", &k, &n) != 2)
		k = n = 0;
	if (s->o.nshards && !n)
		return sf_usage_error("--resume %s: its runs are the whole suite, not a shard; drop --shard %d/%d",
				      s->dir, s->o.shard, s->o.nshards);
	if (s->o.nshards && (s->o.shard != k || s->o.nshards != n))
		return sf_usage_error("--resume %s: it is shard %d/%d of its suite; drop --shard %d/%d (a resume keeps the first run's)",
				      s->dir, k, n, s->o.shard, s->o.nshards);
	s->o.shard = k;
	s->o.nshards = n;
	return 0;
}

static json_object *suite_json(struct sf_suite_state *s, bool done, double wall)
{
	json_object *o = json_object_new_object();
	int fin = 0;
	char now[40];

	for (int i = 0; i < s->cfg.nruns; i++)
		fin += s->state[i] != SF_RUN_PENDING;
	sf_now_iso(now, sizeof(now));
	json_object_object_add(o, "label", json_object_new_string(s->cfg.label));
	json_object_object_add(o, "config", json_object_new_string(s->config));
	json_object_object_add(o, "started", json_object_new_string(s->started));
	json_object_object_add(o, "updated", json_object_new_string(now));
	json_object_object_add(o, "wall_s", json_object_new_double(round(wall * 10) / 10));
	json_object_object_add(o, "runs", json_object_new_int(s->cfg.nruns));
	json_object_object_add(o, "finished_runs", json_object_new_int(fin));
	json_object_object_add(o, "interrupted", json_object_new_boolean(!done));
	json_object_object_add(o, "repeats", sf_suite_repeats_json(s));
	if (s->o.nshards) {
		char sh[32];

		snprintf(sh, sizeof(sh), "%d/%d", s->o.shard, s->o.nshards);
		json_object_object_add(o, "shard", json_object_new_string(sh));
	}
	if (s->o.vm.kernel)
		json_object_object_add(o, "guest_kernel", json_object_new_string(s->o.vm.kernel));
	json_object_object_add(o, "guest_options", guest_opts_json(s));
	if (s->cfg.nkernels) {
		json_object *k = json_object_new_array();

		for (int i = 0; i < s->cfg.nkernels; i++)
			json_object_array_add(k, json_object_new_string(s->cfg.kernels[i]));
		json_object_object_add(o, "guest_kernels", k);
	}
	return o;
}

/* env.json: the host environment plus what the suite did so far. */
int sf_suite_write_env(struct sf_suite_state *s, bool done, char *err, size_t errlen)
{
	json_object *env = sf_env_json();
	char path[4200];
	int ret, errnum;

	snprintf(path, sizeof(path), "%s/env.json", s->dir);
	json_object_object_add(env, "suite", suite_json(s, done,
		s->prev_wall + sf_mono_s() - s->pg.t0));
	ret = sf_json_write_atomic(env, path, err, errlen);
	errnum = errno;
	json_object_put(env);
	errno = errnum;		/* a full disk, for the caller's message */
	return ret;
}

/* What an earlier invocation recorded: its start, wall time, config and guest options. */
int sf_suite_read_previous(struct sf_suite_state *s)
{
	char path[4200], err[4400];
	json_object *env, *suite, *v;
	int ret = 0;

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
		ret = restore_shard(s, suite);
		/* a directory from before they were recorded: as given */
		if (!ret && json_object_object_get_ex(suite, "guest_options", &v) && v)
			ret = restore_guest_opts(s, v);
	}
	if (env)
		json_object_put(env);
	return ret;
}

/* "x.json.tmp.1234" (pid 1234 gone) or "vm-x.timing.tmp": a writer killed before its rename. */
static bool leftover(const char *name)
{
	const char *t = strstr(name, ".tmp");
	char *end;
	long pid;

	while (t && strstr(t + 1, ".tmp"))
		t = strstr(t + 1, ".tmp");
	if (!t || t == name)
		return false;
	if (!t[4])
		return true;
	if (t[4] != '.' || !t[5])
		return false;
	pid = strtol(t + 5, &end, 10);
	/* a writer that still runs (another resume of this directory) keeps its file */
	return !*end && pid > 0 && pid != getpid() && kill((pid_t)pid, 0) && errno == ESRCH;
}

static int remove_leftovers_in(const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4400];
	int n = 0;

	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (e->d_type == DT_DIR && depth < 2)
			n += remove_leftovers_in(path, depth + 1);
		else if (e->d_type == DT_REG && leftover(e->d_name) && !unlink(path))
			n++;
	}
	if (d)
		closedir(d);
	return n;
}

/* The directory and its kernel-NAME/ and guest-NAME/ directories (two levels). */
int sf_suite_remove_leftovers(const struct sf_suite_state *s)
{
	return remove_leftovers_in(s->dir, 0);
}

void sf_suite_write_error(const struct sf_suite_state *s, const char *err, int errnum)
{
	if (errnum == ENOSPC || errnum == EDQUOT)
		sf_error("%s: the results directory's filesystem is full; free space there (df %s), then continue with syncfault suite --resume %s",
			 err, s->dir, s->dir);
	else
		sf_error("%s; once it can be written, continue with syncfault suite --resume %s",
			 err, s->dir);
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

int sf_suite_make_dir(struct sf_suite_state *s)
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

int sf_suite_check_targets(struct sf_suite_state *s)
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

/* `syncfault compare BASE NEW` into out, atomically; its exit status, -1 if it failed. */
static int compare_into(const char *base, const char *new, const char *out)
{
	char *argv[] = { NULL, "compare", (char *)base, (char *)new, NULL };
	int rc = sf_spawn_to_file(argv, out, ~SF_STATUS_BIT(SF_EXIT_USAGE));

	return rc < 0 || rc == SF_EXIT_USAGE || rc >= 32 ? -1 : rc;
}

/*
 * kernel = A, B ...: pair every other kernel's guest runs with the first
 * one's, as `syncfault compare` does for two suites, into
 * DIR/compare-<B>.txt, and add the comparison to report.txt.
 */
void sf_suite_compare_kernels(struct sf_suite_state *s)
{
	char base[4200], new[4200], out[4400], report[4200], tmp[4300], line[1024];
	FILE *r, *w, *c;

	for (int k = 1; k < s->cfg.nkernels; k++) {
		sf_suite_kernel_dir(s, s->cfg.kernels[0], base, sizeof(base));
		sf_suite_kernel_dir(s, s->cfg.kernels[k], new, sizeof(new));
		snprintf(out, sizeof(out), "%s/compare-%s.txt", s->dir, strrchr(new, '/') + 1);
		if (compare_into(base, new, out) < 0) {
			sf_error("comparing %s with %s failed", base, new);
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

void sf_suite_shard_filter(struct sf_suite_state *s)
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
