// SPDX-License-Identifier: MIT
/*
 * A suite's runs: one target at a time, all of its pending runs in one go
 * through the target's run() (target_kinds.h): on a host one by one, on a
 * guest target in ONE guest boot, since a boot costs seconds under TCG.
 * Each finished run is one JSON file written atomically as it ends, so
 * Ctrl-C or a crash loses at most the run in progress.  The progress line
 * is fed by the run context's hooks (a guest's through its console).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_errors.h"
#include "sf_fmt.h"
#include "sf_store.h"
#include "sf_suite_run.h"
#include "sf_util.h"

/* info.repeat_plan.stop of a result, in this order */
static const char *const stop_names[] = { "precision", "cap", "maximum", "fixed", NULL };

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
	sf_fmt_duration(sf_mono_s() - p->t0, el, sizeof(el));
	sf_fmt_duration(rest, left, sizeof(left));
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

/* How this invocation's finished runs stopped repeating (an earlier one's are in its files). */
json_object *sf_suite_repeats_json(const struct sf_suite_state *s)
{
	json_object *o = json_object_new_object();

	for (int k = 0; stop_names[k]; k++)
		json_object_object_add(o, stop_names[k], json_object_new_int(s->stops[k]));
	json_object_object_add(o, "unstable", json_object_new_int(s->unstable));
	return o;
}

void sf_suite_print_repeats(const struct sf_suite_state *s)
{
	printf("repeats: %d runs stopped on precision, %d on the time cap, %d at the maximum, %d fixed; %d unstable\n",
	       s->stops[0], s->stops[1], s->stops[2], s->stops[3], s->unstable);
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
static void repeats_note(struct sf_suite_state *s, const struct sf_result *r, char *buf, size_t len)
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

static void record(struct sf_suite_state *s, int i, const struct sf_result *r, double secs)
{
	char d[16], note[128];

	s->state[i] = SF_RUN_DONE;
	s->status[i] = r->status;
	s->checks_failed[i] = r->status == SF_OK && !sf_result_checks_ok(r);
	sf_fmt_duration(secs, d, sizeof(d));
	repeats_note(s, r, note, sizeof(note));
	end_progress();
	printf("[%d/%d] %s: %s%s (%s%s)%s%s\n", ++s->printed, s->pg.total, s->cfg.runs[i].id,
	       sf_status_name(r->status), s->checks_failed[i] ? ", CHECK FAILED" : "", d, note,
	       r->status != SF_OK ? ": " : "", r->status != SF_OK ? r->reason : "");
	fflush(stdout);
}

struct target_batch {
	struct sf_suite_state *s;
	int *idx;		/* job k is run idx[k] */
	bool guest;
	double t0;		/* start of the current run */
	int ended;		/* runs counted by the progress line */
	int write_failures;
};

/*
 * A result into its file.  One that cannot be written (a full disk ...)
 * stops the suite: said once, with the fix, and no further run starts;
 * its run stays pending, for --resume.
 */
static int write_result(struct sf_suite_state *s, int i, const struct sf_result *res)
{
	char path[4400], err[1024];
	json_object *o = sf_result_to_json(res);
	int ret, errnum;

	sf_suite_result_path(s, &s->cfg.runs[i], path, sizeof(path));
	ret = sf_json_write_atomic(o, path, err, sizeof(err));
	errnum = errno;
	json_object_put(o);
	if (ret && !s->write_failed) {
		end_progress();
		sf_suite_write_error(s, err, errnum);
	}
	s->write_failed |= ret != 0;
	return ret;
}

static void batch_starting(struct sf_job *j, int k, int n, void *arg)
{
	struct target_batch *tb = arg;

	tb->t0 = sf_mono_s();
	show_progress(&tb->s->pg, j->name);
}

/* A point ended: the progress line counts it (a guest's result comes after its boot). */
static void batch_ended(struct sf_job *j, void *arg)
{
	struct target_batch *tb = arg;

	finished(&tb->s->pg, tb->guest, sf_mono_s() - tb->t0);
	tb->ended++;
	show_progress(&tb->s->pg, tb->guest ? "guest: next run" : j->name);
}

static void batch_finished(struct sf_job *j, void *arg)
{
	struct target_batch *tb = arg;
	double secs = tb->guest ? j->res->duration_s : sf_mono_s() - tb->t0;

	if (write_result(tb->s, j->tag, j->res)) {
		tb->write_failures++;
		return;
	}
	record(tb->s, j->tag, j->res, secs);
}

/* No further point once a result could not be written. */
static bool batch_stop(void *arg)
{
	struct target_batch *tb = arg;

	return tb->s->write_failed;
}

/* The analysis pass added facts: the files get them too. */
static void batch_analyzed(struct sf_job *j, void *arg)
{
	struct target_batch *tb = arg;

	/* a run whose first write failed stays pending */
	if (tb->s->state[j->tag] == SF_RUN_DONE)
		tb->write_failures += write_result(tb->s, j->tag, j->res) != 0;
}

static void guest_opts(struct sf_suite_state *s, int nj, struct sf_vm_opts *vo)
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
static int run_target(struct sf_suite_state *s, const char *target, const char *kernel)
{
	struct sf_job *jobs = calloc(s->cfg.nruns, sizeof(*jobs));
	struct sf_result *res = calloc(s->cfg.nruns, sizeof(*res));
	struct target_batch tb = { .s = s };
	struct sf_run_ctx c = { .starting = batch_starting, .ended = batch_ended,
				.finished = batch_finished, .analyzed = batch_analyzed,
				.stop = batch_stop, .arg = &tb };
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

		if (s->state[i] != SF_RUN_PENDING || strcmp(r->target, target) || r->kernel != kernel)
			continue;
		jobs[nj] = (struct sf_job){ .bench = r->bench, .pt = &r->pt, .tag = i,
					    .res = &res[nj] };
		sf_run_opts(r, SF_SUITE_REPEATS, &jobs[nj].opts);
		snprintf(jobs[nj].name, sizeof(jobs[nj].name), "%s", r->id);
		nj++;
	}
	if (!nj)
		goto out;
	if (tb.guest) {
		sf_suite_kernel_dir(s, kernel, kdir, sizeof(kdir));
		sf_store_guest_dir(kdir, t.guest->stem, outdir, sizeof(outdir));
		if (sf_mkdir_p(outdir, 0755)) {
			sf_error("cannot create %s: %s", outdir, strerror(errno));
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
		tb.t0 = sf_mono_s();
		show_progress(&s->pg, "guest booting");
	}
	ret = sf_target_run(&t, jobs, nj, &c, err, sizeof(err));
	/* runs the progress line did not see end are over too, one way or another */
	for (; tb.ended < nj; tb.ended++)
		finished(&s->pg, tb.guest, 0);
	for (int k = 0; k < nj; k++)
		missing += !jobs[k].done;
	if (ret && !s->write_failed) {
		/* a failed target: one message, not one per run */
		end_progress();
		sf_error("%s: %s; %d of %d runs have no result (resume with --resume %s)",
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

void sf_suite_list_runs(struct sf_suite_state *s)
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

int sf_suite_exit_status(struct sf_suite_state *s, int failures)
{
	int ret = SF_EXIT_OK;

	if (sf_interrupted)
		return 130;
	for (int i = 0; i < s->cfg.nruns; i++) {
		if (s->state[i] == SF_RUN_PENDING || s->status[i] == SF_ERROR)
			return SF_EXIT_ERROR;
		if (s->checks_failed[i])
			ret = SF_EXIT_CHECK;
	}
	return failures ? SF_EXIT_ERROR : ret;
}

int sf_suite_run_all(struct sf_suite_state *s)
{
	int failures = 0;

	for (int i = 0; i < s->cfg.nruns; i++) {
		if (s->o.resume && sf_suite_finished_before(s, i)) {
			s->state[i] = SF_RUN_SKIPPED;
			continue;
		}
		s->pg.total++;
		if (sf_target_spec_is_guest(s->cfg.runs[i].target))
			s->pg.pending_guest++;
		else
			s->pg.pending_host++;
	}
	if (s->o.resume) {
		int left = sf_suite_remove_leftovers(s);

		printf("resuming %s: %d of %d runs already finished", s->dir,
		       s->cfg.nruns - s->pg.total, s->cfg.nruns);
		if (left)
			printf("; removed %d partial file%s a killed run left", left, left == 1 ? "" : "s");
		printf("\n");
	}
	/* host targets first: a guest boot is the long part */
	for (int guest = 0; guest < 2; guest++) {
		for (int i = 0; i < s->cfg.nruns && !sf_interrupted && !s->write_failed; i++) {
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
