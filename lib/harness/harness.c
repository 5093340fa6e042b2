// SPDX-License-Identifier: MIT
/*
 * The harness.  Each repeat runs in a child process (DESIGN: "repeat in
 * separate processes"), so a repeat starts with a fresh mm and a crash in one
 * (SIGBUS on a full filesystem ...) becomes an error result instead of taking
 * the whole run down.  The child sends its metrics back through a pipe:
 * a JSON header, then each metric's raw samples as doubles.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness_int.h"
#include "sf_attrib_run.h"
#include "sf_disturb.h"
#include "sf_env.h"
#include "sf_harness.h"
#include "sf_util.h"
#include "sf_workers.h"

void sf_result_init(struct sf_result *res, const struct sf_bench *b,
		    const struct sf_point *pt, const struct sf_target *t)
{
	memset(res, 0, sizeof(*res));
	res->schema = SF_SCHEMA;
	snprintf(res->version, sizeof(res->version), "%s", SF_VERSION_STRING);
	snprintf(res->bench, sizeof(res->bench), "%s", b->name);
	res->params = calloc((size_t)pt->nparams + 1, sizeof(*res->params));
	for (int i = 0; res->params && i < pt->nparams; i++) {
		res->params[i].k = strdup(pt->params[i].name);
		res->params[i].v = strdup(pt->val[i]);
		res->nparams++;
	}
	sf_now_iso(res->started, sizeof(res->started));
	if (t)
		res->target = *t;
	res->metrics = calloc(SF_MAX_METRICS, sizeof(*res->metrics));
	res->checks = calloc(SF_MAX_CHECKS, sizeof(*res->checks));
}

static void describe_death(int status, char *buf, size_t len)
{
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGBUS)
		snprintf(buf, len, "died with SIGBUS (a mapped page could not be allocated: filesystem full?)");
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "died with signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		snprintf(buf, len, "exited with status %d without a result", WEXITSTATUS(status));
}

/* One repeat's child: its output, how it ended, what disturbed it. */
struct repeat_out {
	char *buf;
	size_t len;
	int status;
	bool failed;		/* died, or said error: no figure */
	/* stopped, OOM-killed or its own word (sf_disturbed): a failure is the load's */
	bool stalled;
	char error[256];	/* what the child said or how it died, when failed */
	struct sf_disturb d;
};

static bool repeat_ok(const struct repeat_out *o)
{
	return WIFEXITED(o->status) && !WEXITSTATUS(o->status) && o->buf;
}

/*
 * What the parent alone can see (its stops; a SIGKILL from the OOM
 * killer) and what the child said of itself (sf_disturbed) join the
 * judge's verdict.
 */
static void judge_child(struct repeat_out *o, const struct sf_stops *stops, long oom0)
{
	size_t off = 0;
	json_object *h = sf_wire_header_of(o->buf, o->len, &off);
	bool said = false;

	o->failed = !repeat_ok(o) || !h ||
		json_object_get_int(json_object_object_get(h, "status")) == SF_ERROR;
	if (!repeat_ok(o))
		describe_death(o->status, o->error, sizeof(o->error));
	else if (o->failed)
		snprintf(o->error, sizeof(o->error), "%s", h ?
			 json_object_get_string(json_object_object_get(h, "reason")) : "no result");
	sf_disturb_stops(stops, "its process", &o->d);
	o->stalled = stops->stops || stops->continues;
	if (WIFSIGNALED(o->status) && WTERMSIG(o->status) == SIGKILL && sf_oom_kills() > oom0 &&
	    !o->stalled) {
		o->stalled = o->d.disturbed = true;
		snprintf(o->d.why, sizeof(o->d.why), "killed by the OOM killer (memory pressure on the host, not the target)");
	}
	said = h && json_object_get_boolean(json_object_object_get(h, "disturbed"));
	if (said && !o->stalled) {
		/* a stall's words first: it is what broke the repeat */
		char before[sizeof(o->d.why)];

		snprintf(before, sizeof(before), "%s", o->d.disturbed ? o->d.why : "");
		snprintf(o->d.why, sizeof(o->d.why), "%s%s%s",
			 json_object_get_string(json_object_object_get(h, "reason")),
			 before[0] ? "; also: " : "", before);
	}
	o->d.disturbed |= said;
	o->stalled |= said;
	if (h)
		json_object_put(h);
}

static int fork_repeat(const struct sf_bench *b, struct sf_ctx *ctx, struct repeat_out *o)
{
	struct sf_disturb_snap s0, s1;
	struct sf_stops stops;
	struct sf_window w;
	struct rusage ru = { 0 };
	json_object *h;
	double delay = -1;
	long oom0 = sf_oom_kills();
	size_t off = 0;
	siginfo_t si;
	int pfd[2];
	pid_t pid;

	memset(o, 0, sizeof(*o));
	if (pipe(pfd))
		return -1;
	sf_disturb_snap(&s0);
	sf_stops_begin();
	pid = fork();
	if (pid < 0) {
		sf_stops_end(&stops);
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (!pid) {
		sf_stops_end(&stops);	/* the watch is the parent's; its handler would EINTR the child's waits */
		close(pfd[0]);
		sf_wire_child_run(b, ctx, pfd[1]);
	}
	sf_stops_child(pid);
	close(pfd[1]);
	o->buf = sf_wire_read_all(pfd[0], &o->len);
	close(pfd[0]);
	/* a zombie still has its schedstat: read it before reaping */
	while (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT) < 0 && errno == EINTR)
		;
	delay = sf_run_delay_ns(pid);
	/* the rusage includes the worker processes the child waited for */
	while (wait4(pid, &o->status, 0, &ru) < 0 && errno == EINTR)
		;
	sf_stops_end(&stops);
	sf_disturb_snap(&s1);
	h = sf_wire_header_of(o->buf, o->len, &off);
	sf_disturb_judge(&s0, &s1, ru.ru_nivcsw, delay, (int)sysconf(_SC_NPROCESSORS_ONLN),
			 sf_wire_window_from(b, h, &w) ? &w : NULL, &o->d);
	if (h)
		json_object_put(h);
	judge_child(o, &stops, oom0);
	return 0;
}

static int merge_or_fail(struct sf_result *res, struct repeat_out *o, int rep, int nrep)
{
	char why[256];

	if (repeat_ok(o) && !sf_wire_merge_repeat(res, o->buf, o->len, rep, nrep))
		return 0;
	describe_death(o->status, why, sizeof(why));
	res->status = SF_ERROR;
	snprintf(res->reason, sizeof(res->reason), "repeat %d %s", rep + 1, why);
	return -1;
}

static void finish_metrics(struct sf_result *res);

/* The attribution pass's one traced repeat: into a result of its own, never into res. */
static int run_traced_repeat(const struct sf_bench *b, struct sf_ctx *ctx, struct sf_result *traced)
{
	struct sf_result child;
	struct repeat_out o;
	int ret;

	sf_result_init(&child, b, ctx->pt, ctx->target);
	ctx->res = &child;
	ctx->repeat++;
	ret = fork_repeat(b, ctx, &o);
	sf_result_free(&child);
	if (!ret)
		ret = merge_or_fail(traced, &o, 0, 1);
	free(o.buf);
	finish_metrics(traced);
	return ret;
}

static void finish_metrics(struct sf_result *res)
{
	for (int i = 0; i < res->nmetrics; i++) {
		struct sf_metric *m = &res->metrics[i];

		if (m->scalar) {
			/* the distribution of a per-repeat metric is over repeats */
			struct sf_samples s = { 0 };

			for (int r = 0; r < m->nrepeats; r++)
				if (isfinite(m->repeats[r]))
					sf_samples_add(&s, m->repeats[r]);
			sf_samples_summary(&s, &m->sum);
			sf_samples_free(&s);
		} else {
			sf_samples_summary(&m->s, &m->sum);
		}
	}
}

/* Locked while we run: the next run removes it if we are SIGKILLed. */
static int make_scratch(const struct sf_target *t, char *dir, size_t len,
			int *lock_fd, struct sf_result *res)
{
	if (!sf_scratch_create(t->path, dir, len, lock_fd))
		return 0;
	dir[0] = '\0';
	res->status = SF_ERROR;
	snprintf(res->reason, sizeof(res->reason), "cannot create a scratch directory in %s: %s",
		 t->path, strerror(errno));
	return -1;
}

int sf_point_opts_args(const struct sf_point_opts *o, char buf[SF_OPTS_ARGS][320],
		       const char **args)
{
	const struct sf_repeat_plan *pl = &o->plan;
	int n = 0;

	if (!o->repeats) {
		snprintf(buf[n++], sizeof(buf[0]), "--precision=%g", pl->precision_pct);
		snprintf(buf[n++], sizeof(buf[0]), "--min-repeats=%d", pl->min);
		snprintf(buf[n++], sizeof(buf[0]), "--max-repeats=%d", pl->max);
		snprintf(buf[n++], sizeof(buf[0]), "--max-time=%.0f", pl->max_time_s);
	}
	if (o->attrib.on)
		snprintf(buf[n++], sizeof(buf[0]), "%s",
			 o->attrib.keep_trace ? "--attribute=trace" : "--attribute");
	for (int i = 0; o->attrib.on && i < SF_ATTRIB_EXTRA_FNS && o->attrib.fns[i]; i++)
		snprintf(buf[n++], sizeof(buf[0]), "--attribute-fn=%s", o->attrib.fns[i]);
	for (int i = 0; i < n; i++)
		args[i] = buf[i];
	args[n] = NULL;
	return n;
}

/* The metric the precision is judged on: the first distribution, else the first. */
static const struct sf_metric *primary_metric(const struct sf_result *res)
{
	for (int i = 0; i < res->nmetrics; i++)
		if (!res->metrics[i].scalar)
			return &res->metrics[i];
	return res->nmetrics ? &res->metrics[0] : NULL;
}

struct point_run {
	const struct sf_repeat_plan *plan;
	int fixed;		/* > 0: exactly this many repeats */
	int done, reruns, disturbed_kept;
	int dropped;		/* repeats with no figure, disturbed in every try */
	const char *stop;
	double halfwidth;	/* % of the primary metric's median; NAN none */
	char unstable_why[480];
	char dropped_why[700];
	/* the load every repeat saw, re-runs included */
	double run_delay_ms, steal_pct_max;
	int stops;
	json_object *per_repeat;
};

/* After a merged repeat: is the point done, and why? */
static bool point_done(struct point_run *pr, const struct sf_result *res, uint64_t t0)
{
	const struct sf_repeat_plan *pl = pr->plan;
	const struct sf_metric *m = primary_metric(res);
	double el = (double)(sf_mono_ns() - t0) / 1e9;

	pr->halfwidth = m ? sf_median_ci_halfwidth_pct(m->repeats, (size_t)m->nrepeats) : NAN;
	if (pr->fixed)
		return (pr->stop = "fixed", pr->done >= pr->fixed);
	if (pr->done >= pl->min && isfinite(pr->halfwidth) && pr->halfwidth <= pl->precision_pct)
		return (pr->stop = "precision", true);
	if (pr->done >= pl->max)
		return (pr->stop = "maximum", true);
	if (el >= pl->max_time_s)
		return (pr->stop = "cap", true);
	return false;
}

static void note_repeat(struct point_run *pr, const struct repeat_out *o, bool rerun)
{
	json_object *r = json_object_new_object();

	if (isfinite(o->d.run_delay_ms))
		pr->run_delay_ms += o->d.run_delay_ms;
	if (isfinite(o->d.steal_pct) && o->d.steal_pct > pr->steal_pct_max)
		pr->steal_pct_max = o->d.steal_pct;
	pr->stops += o->d.stops;

	json_object_object_add(r, "wall_s", json_object_new_double(o->d.wall_s));
	/* the figures below are for the timed window, else for the whole repeat */
	if (o->d.windowed)
		json_object_object_add(r, "window_ms", json_object_new_double(o->d.window_ms));
	json_object_object_add(r, "cpus", json_object_new_string(o->d.cpus));
	json_object_object_add(r, "involuntary_switches", json_object_new_int64(o->d.invol));
	if (isfinite(o->d.run_delay_pct))
		json_object_object_add(r, "run_delay_pct", json_object_new_double(o->d.run_delay_pct));
	if (isfinite(o->d.steal_pct))
		json_object_object_add(r, "steal_pct", json_object_new_double(o->d.steal_pct));
	if (isfinite(o->d.irq_per_cpu_s))
		json_object_object_add(r, "irq_per_cpu_s", json_object_new_double(o->d.irq_per_cpu_s));
	if (isfinite(o->d.hit_pct))
		json_object_object_add(r, "samples_hit_pct", json_object_new_double(o->d.hit_pct));
	if (isfinite(o->d.hit_inflation_pct))
		json_object_object_add(r, "hit_lengthened_pct", json_object_new_double(o->d.hit_inflation_pct));
	if (o->d.stops)
		json_object_object_add(r, "stops", json_object_new_int(o->d.stops));
	if (o->d.stopped_s > 0)
		json_object_object_add(r, "stopped_s", json_object_new_double(o->d.stopped_s));
	json_object_object_add(r, "disturbed", json_object_new_boolean(o->d.disturbed));
	if (o->d.disturbed)
		json_object_object_add(r, "why", json_object_new_string(o->d.why));
	json_object_object_add(r, "rerun", json_object_new_boolean(rerun));
	json_object_array_add(pr->per_repeat, r);
}

/* The first cause of an unstable point, for info.disturbance.why. */
static void note_unstable(struct point_run *pr, int rep, const char *what, const char *why)
{
	if (!pr->unstable_why[0])
		snprintf(pr->unstable_why, sizeof(pr->unstable_why), "repeat %d%s: %s",
			 rep + 1, what, why);
}

/*
 * Worth another try: a figure something could have moved, or a failure
 * that came from a stall (its processes stopped, OOM-killed, or its own
 * word).  A failure beside mere CPU sharing is the target's: it stands.
 */
static bool try_again(const struct repeat_out *o)
{
	return o->d.disturbed && (!o->failed || o->stalled);
}

/*
 * One repeat, re-run (bounded) while something disturbed it.  A repeat
 * that failed from a stall has no figure to keep: after the re-runs it
 * is dropped (1), never the point's error; the load is not the target's
 * fault.
 */
static int one_repeat(const struct sf_bench *b, struct sf_ctx *ctx, struct sf_result *res,
		      struct point_run *pr, int nrep)
{
	struct sf_result child;
	struct repeat_out o;
	int ret, tries = 0;

	for (;;) {
		sf_result_init(&child, b, ctx->pt, ctx->target);
		ctx->res = &child;
		fflush(NULL);
		ret = fork_repeat(b, ctx, &o);
		sf_result_free(&child);
		if (ret)
			return -1;
		if (!try_again(&o) || tries >= SF_RERUNS_PER_REPEAT ||
		    pr->reruns >= SF_RERUNS_PER_POINT || sf_interrupted)
			break;
		note_repeat(pr, &o, true);
		pr->reruns++;
		tries++;
		free(o.buf);
	}
	note_repeat(pr, &o, false);
	if (o.d.disturbed && !o.failed) {
		pr->disturbed_kept++;
		note_unstable(pr, ctx->repeat, "", o.d.why);
	} else if (o.stalled && !sf_interrupted) {
		pr->dropped++;
		note_unstable(pr, ctx->repeat, " dropped, disturbed in every try", o.d.why);
		snprintf(pr->dropped_why, sizeof(pr->dropped_why), "%s%s%s", o.d.why,
			 strcmp(o.d.why, o.error) ? "; it ended: " : "", strcmp(o.d.why, o.error) ? o.error : "");
		free(o.buf);
		return 1;
	}
	ret = merge_or_fail(res, &o, ctx->repeat, nrep);
	free(o.buf);
	return ret;
}

/* How the repeats went, in the result's info (and so in the JSON and the text). */
static void record_plan(struct sf_result *res, struct point_run *pr)
{
	const struct sf_repeat_plan *pl = pr->plan;
	const struct sf_metric *m = primary_metric(res);
	json_object *rp = json_object_new_object(), *ds = json_object_new_object();
	bool unstable = (pr->disturbed_kept || pr->dropped) && res->status == SF_OK;

	if (!res->info)
		res->info = json_object_new_object();
	json_object_object_add(rp, "mode", json_object_new_string(pr->fixed ? "fixed" : "adaptive"));
	json_object_object_add(rp, "run", json_object_new_int(pr->done));
	json_object_object_add(rp, "stop", json_object_new_string(pr->stop));
	if (m)
		json_object_object_add(rp, "metric", json_object_new_string(m->name));
	if (isfinite(pr->halfwidth))
		json_object_object_add(rp, "half_width_pct", json_object_new_double(pr->halfwidth));
	if (!pr->fixed) {
		json_object_object_add(rp, "precision_pct", json_object_new_double(pl->precision_pct));
		json_object_object_add(rp, "min", json_object_new_int(pl->min));
		json_object_object_add(rp, "max", json_object_new_int(pl->max));
		json_object_object_add(rp, "max_time_s", json_object_new_double(pl->max_time_s));
	}
	json_object_object_add(res->info, "repeat_plan", rp);
	json_object_object_add(ds, "reruns", json_object_new_int(pr->reruns));
	json_object_object_add(ds, "disturbed_kept", json_object_new_int(pr->disturbed_kept));
	json_object_object_add(ds, "dropped", json_object_new_int(pr->dropped));
	/* a result without figures (unsupported, error) is not unstable */
	json_object_object_add(ds, "unstable", json_object_new_boolean(unstable));
	if (unstable)
		json_object_object_add(ds, "why", json_object_new_string(pr->unstable_why));
	json_object_object_add(ds, "run_delay_ms", json_object_new_double(pr->run_delay_ms));
	json_object_object_add(ds, "steal_pct_max", json_object_new_double(pr->steal_pct_max));
	json_object_object_add(ds, "stops", json_object_new_int(pr->stops));
	json_object_object_add(ds, "load_end", sf_load_json());
	json_object_object_add(ds, "repeats", pr->per_repeat);
	json_object_object_add(res->info, "disturbance", ds);
}

void sf_run_point(const struct sf_bench *b, const struct sf_point *pt,
		  const struct sf_target *t, const struct sf_point_opts *o,
		  struct sf_result *res)
{
	struct sf_ctx ctx = { .pt = pt, .target = t };
	struct point_run pr = { .plan = &o->plan, .fixed = o->repeats, .stop = "error",
				.halfwidth = NAN };
	int nrep = o->repeats > 0 ? o->repeats : o->plan.max;
	char scratch[4200] = "";
	int scratch_lock = -1;
	uint64_t t0 = sf_mono_ns();

	sf_result_init(res, b, pt, t);
	res->env = sf_env_json();	/* once per point; a repeat's child needs none */
	if (t && t->devdax && !(b->flags & SF_BENCH_DEVDAX)) {
		res->status = SF_UNSUPPORTED;
		snprintf(res->reason, sizeof(res->reason),
			 "device DAX has no filesystem: %s works on files", b->name);
		return;
	}
	if (t && !t->devdax && make_scratch(t, scratch, sizeof(scratch), &scratch_lock, res))
		return;
	ctx.scratch = scratch;
	pr.per_repeat = json_object_new_array();
	while (!sf_interrupted && pr.done < SF_MAX_REPEATS) {
		int r;

		ctx.repeat = pr.done;
		r = one_repeat(b, &ctx, res, &pr, nrep);
		if (r < 0)
			res->status = SF_ERROR;
		if (res->status != SF_OK)
			break;
		if (r > 0 && pr.reruns >= SF_RERUNS_PER_POINT) {
			pr.stop = "disturbed";	/* no budget left: the point is what it has */
			break;
		}
		if (r > 0)
			continue;
		pr.done++;
		if (point_done(&pr, res, t0))
			break;
	}
	if (!pr.done && pr.dropped && res->status == SF_OK) {
		res->status = SF_ERROR;
		snprintf(res->reason, sizeof(res->reason),
			 "no repeat measured: every one of %d tries was disturbed, the last: %s",
			 pr.reruns + pr.dropped, pr.dropped_why);
	}
	if (sf_interrupted && res->status == SF_OK) {
		res->status = SF_ERROR;
		snprintf(res->reason, sizeof(res->reason), "interrupted");
	}
	if (res->status != SF_OK)
		pr.stop = sf_interrupted ? "interrupted" : res->status == SF_UNSUPPORTED ? "unsupported" : "error";
	finish_metrics(res);
	if (o->attrib.on && res->status == SF_OK && !sf_interrupted)
		sf_attrib_pass(b, &ctx, &o->attrib, res, run_traced_repeat);
	sf_scratch_remove(scratch, scratch_lock);
	record_plan(res, &pr);
	res->duration_s = (double)(sf_mono_ns() - t0) / 1e9;
}
