// SPDX-License-Identifier: MIT
/*
 * The vm target kind: "vm:NAME", an entry of the guest target table
 * (run/guest_targets.c) run through the guest runner (run/vm.c): every
 * job of a batch in one guest boot, its results brought back in.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sf_errors.h"
#include "sf_config.h"
#include "sf_harness.h"
#include "sf_util.h"
#include "sf_target_kinds.h"

static int vm_parse(const char *s, struct sf_target_spec *t, char *err, size_t errlen)
{
	char name[256];

	snprintf(name, sizeof(name), "vm:%s", s);
	t->guest = sf_guest_target_find(name);
	if (!t->guest) {
		snprintf(err, errlen, "target '%s' is not a guest target: use one of %s",
			 name, sf_guest_target_names());
		return -1;
	}
	snprintf(t->canon, sizeof(t->canon), "%s", name);
	return 0;
}

static unsigned int vm_flags(const struct sf_target_spec *t)
{
	return t->guest->flags;
}

/*
 * Keep the guest's serial console log: next to keep_as, or after a failure
 * in /tmp, so that the path printed is still there once outdir is gone.
 */
static void keep_console_logs(const char *outdir, const char *keep_as)
{
	char from[PATH_MAX], to[PATH_MAX * 2];
	DIR *d = opendir(outdir);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		const char *log = e->d_name;	/* console-<target>.log */

		if (strncmp(log, "console-", 8) || !strstr(log, ".log"))
			continue;
		snprintf(from, sizeof(from), "%s/%s", outdir, log);
		if (keep_as)
			snprintf(to, sizeof(to), "%s.%s", keep_as, log);
		else
			snprintf(to, sizeof(to), "/tmp/syncfault-%.*s.%d.log",
				 (int)(strlen(log) - 4), log, (int)getpid());
		if (!sf_copy_file(from, to))
			sf_error("guest console log kept in %s", to);
	}
	if (d)
		closedir(d);
}

/* A job the guest gave no result for: say why, with its output. */
static void no_result(const struct sf_job *j, const char *outdir, bool kept)
{
	char path[PATH_MAX + 256], line[1024];
	FILE *f;

	if (kept) {
		printf("%s: no result from the guest (see %s/%s.out)\n", j->name, outdir, j->name);
		return;
	}
	fprintf(stderr, "syncfault: the guest gave no result for %s; its output:\n", j->name);
	snprintf(path, sizeof(path), "%s/%s.out", outdir, j->name);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f))
		fputs(line, stderr);
	if (f)
		fclose(f);
}

/* Bring one job's result in from outdir; false if there is none. */
static bool collect(const struct sf_target_spec *t, struct sf_job *j, const char *outdir)
{
	char path[PATH_MAX + 256], err[512];
	struct sf_result *res;
	int n;

	snprintf(path, sizeof(path), "%s/%s.json", outdir, j->name);
	if (access(path, F_OK))
		return false;
	n = sf_results_read(path, &res, err, sizeof(err));
	if (n < 1) {
		sf_error("%s: unreadable result from the guest: %s", j->name, err);
		return false;
	}
	sf_vm_annotate(res, 1, outdir, t->guest);
	*j->res = res[0];
	for (int i = 1; i < n; i++)
		sf_result_free(&res[i]);
	free(res);
	unlink(path);
	return true;
}

/* Each job as the guest's `syncfault run` command line, its options included. */
static int vm_make_jobs(struct sf_job *jobs, int n, struct sf_vm_job *vj)
{
	for (int i = 0; i < n; i++) {
		char buf[SF_OPTS_ARGS][320];
		const char *extra[SF_OPTS_ARGS + 1];

		sf_point_opts_args(&jobs[i].opts, buf, extra);
		vj[i].name = jobs[i].name;
		vj[i].argc = sf_point_argv(jobs[i].bench, jobs[i].pt, jobs[i].opts.repeats, extra,
					   &vj[i].argv);
		if (vj[i].argc < 0)
			return -1;
	}
	return 0;
}

/* The guest's progress lines, passed on as the run context's hooks. */
struct vm_progress {
	struct sf_job *jobs;
	int n;
	const struct sf_run_ctx *c;
};

static void vm_job_started(void *arg, int i)
{
	struct vm_progress *p = arg;

	if (p->c->starting)
		p->c->starting(&p->jobs[i], i, p->n, p->c->arg);
}

static void vm_job_ended(void *arg, int i, int rc)
{
	struct vm_progress *p = arg;

	if (p->c->ended)
		p->c->ended(&p->jobs[i], p->c->arg);
}

static int vm_run(const struct sf_target_spec *t, struct sf_job *jobs, int n,
		  const struct sf_run_ctx *c, char *err, size_t errlen)
{
	char tmp[] = "/tmp/syncfault-vm.XXXXXX";
	const char *outdir = c->outdir;
	struct sf_vm_job *vj = calloc((size_t)n, sizeof(*vj));
	struct vm_progress vp = { jobs, n, c };
	struct sf_vm_progress p = { vm_job_started, vm_job_ended, &vp };
	int ret = -1;

	if (!vj || vm_make_jobs(jobs, n, vj)) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (!outdir && !(outdir = mkdtemp(tmp))) {
		snprintf(err, errlen, "cannot create a temp dir: %s", strerror(errno));
		goto out;
	}
	ret = sf_vm_run(t->guest, c->vm, vj, n, &p, outdir, err, errlen);
	for (int i = 0; i < n && ret != -2; i++) {
		jobs[i].done = collect(t, &jobs[i], outdir);
		if (jobs[i].done && c->finished)
			c->finished(&jobs[i], c->arg);
		else if (!jobs[i].done && !ret)
			no_result(&jobs[i], outdir, c->outdir != NULL);
	}
	if (!c->outdir) {
		/* Ctrl-C leaves nothing behind: no log in /tmp, none by a result never written */
		if (!sf_interrupted && (ret || c->keep_logs_as))
			keep_console_logs(outdir, ret ? NULL : c->keep_logs_as);
		sf_remove_tree(outdir);
	}
out:
	for (int i = 0; vj && i < n; i++)
		if (vj[i].argc > 0)
			sf_run_argv_free(vj[i].argv, vj[i].argc);
	free(vj);
	return ret;
}

static int vm_probe(const struct sf_target_spec *t, char *err, size_t errlen)
{
	return t->guest ? 0 : (snprintf(err, errlen, "%s is not a guest target", t->canon), -1);
}

const struct sf_target_kind sf_target_vm = {
	.name = "vm",
	.prefix = "vm:",
	.forms = sf_guest_target_names,
	.parse = vm_parse,
	.flags = vm_flags,
	.probe = vm_probe,
	.run = vm_run,
};
