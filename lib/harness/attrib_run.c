// SPDX-License-Identifier: MIT
/*
 * The attribution pass: one extra repeat of a point with function_graph on,
 * filtered (set_ftrace_filter) to the functions of the phase map, limited to
 * this process and the repeat child it forks (set_ftrace_pid +
 * function-fork).  Only the mapped functions are instrumented, so the
 * overhead stays a few function entries per event; it is measured anyway
 * (traced versus untraced median) and the traced repeat's metrics are never
 * merged into the result.
 */
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "sf_attrib.h"
#include "sf_attrib_run.h"
#include "sf_bench.h"
#include "sf_disturb.h"
#include "sf_harness.h"
#include "sf_stats.h"

#define COVERAGE_MIN	0.9
#define BUFFER_KB	"16384"	/* per CPU: a 1024-fault repeat needs about 3 MB */

static int marker_fd = -1;

void sf_attrib_mark(bool begin)
{
	const char *s = begin ? "sf: begin" : "sf: end";

	/* the same window is what the disturbance judge looks at */
	sf_disturb_window(begin);
	if (marker_fd >= 0 && write(marker_fd, s, strlen(s)) < 0)
		marker_fd = -1;
}

void sf_attrib_role(enum sf_task_role role)
{
	static const char *const marks[SF_TASK_NROLES] = {
		[SF_TASK_FAULTER] = "sf: role faulter", [SF_TASK_LOCKER] = "sf: role locker",
	};
	const char *s = role > SF_TASK_ANY && role < SF_TASK_NROLES ? marks[role] : NULL;

	/* every worker writes once, before the clock runs; a failure only loses its role */
	if (s && marker_fd >= 0 && write(marker_fd, s, strlen(s)) < 0)
		return;
}

struct tracefs {
	char root[256];
	char saved_kb[32];
};

static int tf_path(const struct tracefs *t, const char *file, char *buf, size_t len)
{
	return snprintf(buf, len, "%s/%s", t->root, file) >= (int)len ? -1 : 0;
}

static int tf_write(const struct tracefs *t, const char *file, const char *val, bool append)
{
	char path[512];
	int fd, ret, err;

	if (tf_path(t, file, path, sizeof(path)))
		return -1;
	fd = open(path, O_WRONLY | O_CLOEXEC | (append ? O_APPEND : O_TRUNC));
	if (fd < 0)
		return -1;
	ret = write(fd, val, strlen(val)) < 0 ? -1 : 0;
	err = errno;
	close(fd);
	errno = err;
	return ret;
}

static int tf_read_small(const struct tracefs *t, const char *file, char *buf, size_t len)
{
	char path[512];
	ssize_t n;
	int fd;

	if (tf_path(t, file, path, sizeof(path)))
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* The whole trace as text (the tracer is off while it is read). */
static char *tf_read_trace(const struct tracefs *t)
{
	size_t cap = 1 << 20, n = 0;
	char path[512], *buf = malloc(cap);
	int fd;

	if (!buf || tf_path(t, "trace", path, sizeof(path)) || (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		free(buf);
		return NULL;
	}
	for (;;) {
		ssize_t r;

		if (cap - n < 65536) {
			char *nb = realloc(buf, cap * 2);

			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	return buf;
}

/* SYNCFAULT_TRACEFS names another mount point (tests hide tracefs with it). */
static int tf_find(struct tracefs *t, char *why, size_t len)
{
	static const char *const roots[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing", NULL };
	const char *env = getenv("SYNCFAULT_TRACEFS");
	char path[512];

	for (int i = 0; env ? i == 0 : roots[i] != NULL; i++) {
		snprintf(t->root, sizeof(t->root), "%s", env ? env : roots[i]);
		if (!tf_path(t, "trace", path, sizeof(path)) && !access(path, W_OK))
			return 0;
	}
	snprintf(why, len, "tracefs is not mounted at %s (mount -t tracefs nodev /sys/kernel/tracing, as root)",
		 env ? env : roots[0]);
	return -1;
}

static bool tf_has_tracer(const struct tracefs *t, const char *tracer)
{
	char buf[1024], *tok, *save;

	if (tf_read_small(t, "available_tracers", buf, sizeof(buf)))
		return false;
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		if (!strcmp(tok, tracer))
			return true;
	return false;
}

/* Put every mapped function in set_ftrace_filter; drop those the kernel cannot trace. */
static int tf_filter(struct tracefs *t, struct sf_attrib_map *m, json_object *missing,
		     int user_from, char *why, size_t len)
{
	bool root = false;

	if (tf_write(t, "set_ftrace_filter", "", false))
		return snprintf(why, len, "cannot write %s/set_ftrace_filter: %s (CONFIG_DYNAMIC_FTRACE)",
				t->root, strerror(errno)), -1;
	for (int i = 0; i < m->n; i++) {
		char line[80];

		/* with its newline, a name the kernel lacks fails this write (not a silent close) */
		snprintf(line, sizeof(line), "%s\n", m->fn[i].fn);
		if (!tf_write(t, "set_ftrace_filter", line, true)) {
			root |= m->fn[i].role == SF_ROLE_ROOT && !m->fn[i].task;
			continue;
		}
		/* a role's event (a locker's mprotect) is not every event: drop it like a phase */
		if (i >= user_from || (m->fn[i].role == SF_ROLE_ROOT && !m->fn[i].task))
			return snprintf(why, len, "function %s (%s) is not traceable on this kernel",
					m->fn[i].fn, m->fn[i].role == SF_ROLE_ROOT ?
					sf_ev_kind_name(m->fn[i].phase) : sf_phase_key(m->fn[i].phase)), -1;
		json_object_array_add(missing, json_object_new_string(m->fn[i].fn));
		sf_attrib_map_drop(m, i--);
		user_from--;
	}
	if (!root)	/* an empty filter would trace every function */
		return snprintf(why, len, "no event function is traceable"), -1;
	return 0;
}

static const char *const graph_options[] = {
	"options/funcgraph-proc", "options/funcgraph-tail", "options/funcgraph-abstime",
	"options/function-fork", "options/sleep-time",
};

static void tf_reset(struct tracefs *t)
{
	tf_write(t, "tracing_on", "0", false);
	tf_write(t, "current_tracer", "nop", false);
	tf_write(t, "set_ftrace_filter", "", false);
	tf_write(t, "set_ftrace_pid", "", false);
	for (size_t i = 0; i < 4; i++)	/* back to the defaults; sleep-time stays on */
		tf_write(t, graph_options[i], "0", false);
	tf_write(t, "options/funcgraph-irqs", "1", false);
	if (t->saved_kb[0])
		tf_write(t, "buffer_size_kb", t->saved_kb, false);
	tf_write(t, "trace", "", false);
}

static int tf_setup(struct tracefs *t, struct sf_attrib_map *m, json_object *missing,
		    int user_from, char *why, size_t len)
{
	char cur[64], pid[32];

	if (tf_find(t, why, len))
		return -1;
	if (!tf_has_tracer(t, "function_graph"))
		return snprintf(why, len, "the function_graph tracer is not in this kernel (CONFIG_FUNCTION_GRAPH_TRACER)"), -1;
	if (tf_read_small(t, "current_tracer", cur, sizeof(cur)) || strcmp(cur, "nop"))
		return snprintf(why, len, "tracefs is in use (current_tracer is %s)", cur), -1;
	tf_read_small(t, "buffer_size_kb", t->saved_kb, sizeof(t->saved_kb));
	if (strspn(t->saved_kb, "0123456789") != strlen(t->saved_kb))
		t->saved_kb[0] = '\0';	/* "7 (expanded: 1408)": leave it */
	if (tf_filter(t, m, missing, user_from, why, len))
		goto fail;
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	for (size_t i = 0; i < sizeof(graph_options) / sizeof(graph_options[0]); i++)
		if (tf_write(t, graph_options[i], "1", false) && i < 2) {
			snprintf(why, len, "cannot set %s: %s", graph_options[i], strerror(errno));
			goto fail;
		}
	tf_write(t, "options/funcgraph-irqs", "0", false);
	tf_write(t, "max_graph_depth", "0", false);
	tf_write(t, "buffer_size_kb", BUFFER_KB, false);
	if (tf_write(t, "set_ftrace_pid", pid, false) ||
	    tf_write(t, "current_tracer", "function_graph", false)) {
		snprintf(why, len, "cannot start function_graph: %s", strerror(errno));
		goto fail;
	}
	tf_write(t, "trace", "", false);
	return 0;
fail:
	tf_reset(t);
	return -1;
}

/*
 * A task that sleeps in a journal wait and wakes on another CPU can have
 * its entry merged with a wrong return by the function_graph printer (such
 * events are dropped, see sf_fold_trace).  A one-task repeat is kept on
 * the CPU it starts on instead; benchmarks with several tasks are not
 * pinned, their contention is what they measure.
 */
static bool pin_here(const struct sf_bench *b, cpu_set_t *saved, json_object *a)
{
	cpu_set_t one;
	int cpu = sched_getcpu();

	if (!(b->flags & SF_BENCH_ONE_TASK) || cpu < 0 || sched_getaffinity(0, sizeof(*saved), saved))
		return false;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	if (sched_setaffinity(0, sizeof(one), &one))
		return false;
	json_object_object_add(a, "pinned_cpu", json_object_new_int(cpu));
	return true;
}

static void set_status(json_object *a, const char *status, const char *reason)
{
	json_object_object_add(a, "status", json_object_new_string(status));
	if (reason)
		json_object_object_add(a, "reason", json_object_new_string(reason));
}

/* The benchmark's first per-sample metric: traced versus untraced median. */
static void add_slowdown(json_object *a, struct sf_result *res, struct sf_result *traced)
{
	json_object *o = json_object_new_object();

	for (int i = 0; i < res->nmetrics; i++) {
		struct sf_metric *m = &res->metrics[i], *tm;

		if (m->scalar || !m->s.n || !(tm = sf_result_metric(traced, m->name)) || !tm->s.n)
			continue;
		json_object_object_add(o, "metric", json_object_new_string(m->name));
		json_object_object_add(o, "untraced_p50", json_object_new_double(m->sum.p50));
		json_object_object_add(o, "traced_p50", json_object_new_double(tm->sum.p50));
		json_object_object_add(o, "slowdown", json_object_new_double(
			m->sum.p50 > 0 ? round(tm->sum.p50 / m->sum.p50 * 1000) / 1000 : NAN));
		break;
	}
	json_object_object_add(a, "traced_vs_untraced", o);
}

static void add_map(json_object *a, const struct sf_attrib_map *m)
{
	json_object *fns = json_object_new_object();

	for (int i = 0; i < m->n; i++) {
		const struct sf_phase_fn *r = &m->fn[i];
		const char *key = r->role == SF_ROLE_ROOT ? sf_ev_kind_name(r->phase) : sf_phase_name(r->phase);
		char name[160];
		json_object *arr;

		if (!json_object_object_get_ex(fns, key, &arr)) {
			arr = json_object_new_array();
			json_object_object_add(fns, key, arr);
		}
		snprintf(name, sizeof(name), r->within ? "%s in %s" : "%s", r->fn, r->within);
		json_object_array_add(arr, json_object_new_string(name));
	}
	json_object_object_add(a, "functions", fns);
}

static void add_events(json_object *a, const struct sf_fold *f, const struct sf_attrib_map *m)
{
	json_object *ev = json_object_new_object();
	struct sf_attrib_roles roles;

	for (int k = 0; k < SF_EV_NKINDS; k++) {
		struct sf_attrib_kind ak;
		json_object *ko;

		if (!sf_attrib_aggregate(f, m, k, &ak))
			continue;
		ko = sf_attrib_kind_json(&ak);
		json_object_object_add(ko, "coverage_ok", json_object_new_boolean(ak.coverage >= COVERAGE_MIN));
		json_object_object_add(ev, sf_ev_kind_name(k), ko);
	}
	json_object_object_add(a, "events", ev);
	if (sf_attrib_roles(f, &roles))
		json_object_object_add(a, "roles", sf_attrib_roles_json(&roles));
	json_object_object_add(a, "coverage_min", json_object_new_double(COVERAGE_MIN));
	json_object_object_add(a, "map_version", json_object_new_int(SF_ATTRIB_MAP_VERSION));
	json_object_object_add(a, "trace_lines", json_object_new_int64((int64_t)f->lines));
	json_object_object_add(a, "lost_events", json_object_new_int64((int64_t)f->lost));
	json_object_object_add(a, "dropped_events", json_object_new_int64((int64_t)f->dropped));
	json_object_object_add(a, "vma_lock_retries", json_object_new_int64((int64_t)f->retries));
}

static int build_map(struct sf_attrib_map *m, const struct sf_bench *b, const struct sf_ctx *ctx,
		     const struct sf_attrib_opts *o, const char *release, char *why, size_t len)
{
	sf_attrib_map_build(m, sf_attrib_fs(ctx->target ? ctx->target->fs : NULL),
			    sf_kernel_version(release), b->flags & SF_BENCH_ROLES);
	for (int i = 0; o->fns[i]; i++)
		if (sf_attrib_map_add(m, o->fns[i], why, len))
			return -1;
	return 0;
}

static void fold_into(json_object *a, const char *text, const struct sf_attrib_map *m)
{
	struct sf_fold f;

	if (sf_fold_trace(text, m, (int)getpid(), &f)) {
		set_status(a, "error", "out of memory folding the trace");
		return;
	}
	set_status(a, f.n ? "ok" : "error", f.n ? NULL : "the traced repeat recorded no event");
	add_events(a, &f, m);
	sf_fold_free(&f);
}

void sf_attrib_pass(const struct sf_bench *b, struct sf_ctx *ctx,
		    const struct sf_attrib_opts *o, struct sf_result *res,
		    sf_attrib_repeat_fn repeat)
{
	json_object *a = json_object_new_object(), *missing = json_object_new_array();
	struct sf_attrib_map m;
	struct tracefs t = { 0 };
	struct sf_result traced;
	struct utsname u;
	cpu_set_t saved;
	bool pinned;
	char why[512], path[512], *text;
	int user_from;

	res->attribution = a;
	uname(&u);
	json_object_object_add(a, "tracer", json_object_new_string("function_graph"));
	json_object_object_add(a, "kernel", json_object_new_string(u.release));
	if (build_map(&m, b, ctx, o, u.release, why, sizeof(why)))
		goto unsupported;
	user_from = m.n;
	for (int i = 0; o->fns[i]; i++)
		user_from--;
	if (tf_setup(&t, &m, missing, user_from, why, sizeof(why)))
		goto unsupported;
	add_map(a, &m);
	json_object_object_add(a, "missing_functions", missing);
	missing = NULL;
	sf_result_init(&traced, b, ctx->pt, ctx->target);
	if (!tf_path(&t, "trace_marker", path, sizeof(path)))
		marker_fd = open(path, O_WRONLY | O_CLOEXEC);
	fflush(NULL);
	pinned = pin_here(b, &saved, a);
	tf_write(&t, "tracing_on", "1", false);
	if (repeat(b, ctx, &traced))
		set_status(a, "error", traced.reason[0] ? traced.reason : "the traced repeat failed");
	tf_write(&t, "tracing_on", "0", false);
	if (pinned)
		sched_setaffinity(0, sizeof(saved), &saved);
	if (marker_fd >= 0)
		close(marker_fd);
	marker_fd = -1;
	text = tf_read_trace(&t);
	snprintf(why, sizeof(why), "cannot read %s/trace: %s", t.root, strerror(errno));
	tf_reset(&t);
	if (!json_object_object_get_ex(a, "status", NULL)) {
		if (!text)
			set_status(a, "error", why);
		else
			fold_into(a, text, &m);
		if (text && o->keep_trace)
			json_object_object_add(a, "trace", json_object_new_string(text));
		add_slowdown(a, res, &traced);
	}
	free(text);
	sf_result_free(&traced);
	return;
unsupported:
	json_object_put(missing);
	set_status(a, "unsupported", why);
}
