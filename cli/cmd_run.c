// SPDX-License-Identifier: MIT
/* syncfault run BENCH: one benchmark over a parameter matrix, on one target. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "sf_attrib_map.h"
#include "sf_harness.h"
#include "sf_report.h"
#include "sf_util.h"
#include "sf_target_kinds.h"

struct run_opts {
	const struct sf_bench *bench;
	const char *target;
	const char *json;
	const char *timer;
	struct sf_point_opts opts;	/* repeats, plan, attribution: every point's */
	int nfns;			/* --attribute-fn given */
	struct sf_vm_opts vm;
	struct sf_assign assign[SF_MAX_PARAMS * 2];
	char names[SF_MAX_PARAMS * 2][64];
	int nassign;
};

/* Print text word-wrapped to width, continuation lines indented. */
static void print_wrapped(const char *text, int indent, int width)
{
	int col = indent;
	const char *p = text;

	while (*p) {
		int len = (int)strcspn(p, " ");

		if (col > indent && col + 1 + len > width) {
			printf("\n%*s", indent, "");
			col = indent;
		} else if (col > indent) {
			putchar(' ');
			col++;
		}
		printf("%.*s", len, p);
		col += len;
		p += len;
		while (*p == ' ')
			p++;
	}
	putchar('\n');
}

static void bench_help(const struct sf_bench *b)
{
	printf("usage: syncfault run %s [--target DIR|host:DIR|vm:NAME] [--repeats N]\n"
	       "       [--json FILE] [--PARAM VALUE[,VALUE...]]...\n\n%s\n", b->name, b->summary);
	if (b->help)
		printf("\n%s\n", b->help);
	printf("\nparameters (a comma list runs every value; lists multiply):\n");
	for (const struct sf_param *p = b->params; p->name; p++) {
		printf("  --%-13s", p->name);
		print_wrapped(p->help ? p->help : "", 17, 78);
		if (p->type == SF_PT_ENUM && !p->check) {
			printf("%17s", "");
			printf("one of:");
			for (int i = 0; sf_param_value(p, i); i++)
				printf(" %s", sf_param_value(p, i));
			printf("; default %s\n", p->def);
		} else if (p->type == SF_PT_INT || p->type == SF_PT_SIZE) {
			printf("%17s%lld..%lld%s; default %s\n", "", (long long)p->min,
			       (long long)p->max, p->type == SF_PT_SIZE ? " bytes (k, m, g)" : "", p->def);
		} else {
			printf("%17sdefault %s\n", "", p->def);
		}
	}
	printf("\nrun options:\n"
	       "  --target T      a directory (DIR or host:DIR: tmpfs, ext4, a DAX mount ...)\n"
	       "                  or a QEMU guest on an emulated NVDIMM, one of\n"
	       "                  %s;\n"
	       "                  default: a DAX mount if this host has one, else vm:ext4-dax\n"
	       "  --repeats N     exactly N repeats, each in its own process; without it\n"
	       "                  repeats are adaptive: until the 95%% CI of the first\n"
	       "                  metric's median is within --precision PCT (default 2),\n"
	       "                  between --min-repeats (6) and --max-repeats (30), and\n"
	       "                  at most --max-time SEC (60) per point\n"
	       "  --json FILE     write the result (an array for a matrix) atomically\n"
	       "  --timer T       tsc (default where invariant) or clock (clock_gettime)\n"
	       "  --attribute     after the timed repeats, one more repeat traced with\n"
	       "                  function_graph (guest targets; a host needs tracefs and\n"
	       "                  root): time per kernel phase, never in the metrics\n"
	       "  --attribute-fn PHASE=FUNCTION  add a function to a phase: vma-lock,\n"
	       "                  mmap-lock, lock-wait, invalidate, time, handle, dax,\n"
	       "                  lookup, allocation, zeroing, entry-wait, entry, insert,\n"
	       "                  sync, fsync, writeback, journal (docs/results.md)\n"
	       "  --kernel SPEC, --modules DIR, --nvdimm-size SIZE, --vm-timeout SEC,\n"
	       "  --vm-cpus N     guest options for vm: targets (default: the newest Debian\n"
	       "                  kernel, vCPUs = host cores, 1 under icount); SPEC:\n"
	       "                  debian:6.12, debian:6.1, a bzImage, a build dir (see\n"
	       "                  syncfault kernel --help)\n"
	       "  --accel A       auto (default: KVM where usable, else TCG), kvm, tcg;\n"
	       "                  results say emulated qemu-kvm or qemu-tcg\n"
	       "  --timing T      the guest's clock: real (default: the host's time) or\n"
	       "                  icount (QEMU counts guest instructions, TCG only: 2^N ns\n"
	       "                  each, --icount-shift N, default 0; the same on every\n"
	       "                  boot, but no cache, memory or device latency modelled;\n"
	       "                  one vCPU: QEMU 7.2 starves a second one under icount)\n",
	       sf_guest_target_names());
}

static int want_value(int argc, char **argv, int i, const char *opt)
{
	if (i + 1 >= argc)
		return sf_usage_error("%s needs a value: see syncfault run --help", opt);
	return 0;
}

/* --attribute[=yes|no], --attribute-fn PHASE=FUNCTION (passed on to a guest as given). */
static int parse_attribute_option(struct run_opts *o, const char *name, const char *val)
{
	struct sf_attrib_opts *a = &o->opts.attrib;
	struct sf_attrib_map m = { 0 };
	char err[256];

	if (!strcmp(name, "attribute")) {
		if (strcmp(val, "yes") && strcmp(val, "no") && strcmp(val, "trace"))
			return sf_usage_error("--attribute=%s: use --attribute, --attribute=yes|no, or --attribute=trace to keep the raw trace in the result",
					      val);
		a->on = strcmp(val, "no") != 0;
		a->keep_trace = !strcmp(val, "trace");
		return 0;
	}
	if (strcmp(name, "attribute-fn"))
		return -1;	/* not a run option: a benchmark parameter */
	if (sf_attrib_map_add(&m, val, err, sizeof(err)))
		return sf_usage_error("%s", err);
	if (o->nfns == SF_ATTRIB_EXTRA_FNS)
		return sf_usage_error("--attribute-fn: at most %d functions", o->nfns);
	a->fns[o->nfns++] = val;
	return 0;
}

static int parse_run_option(struct run_opts *o, const char *name, const char *val)
{
	int64_t v;

	if (!strcmp(name, "target"))
		o->target = val;
	else if (!strcmp(name, "json"))
		o->json = val;
	else if (!strcmp(name, "timer")) {
		if (strcmp(val, "tsc") && strcmp(val, "clock"))
			return sf_usage_error("--timer: '%s' is not valid: use tsc or clock", val);
		o->timer = val;
	} else if (!strcmp(name, "repeats")) {
		if (sf_parse_int(val, &v) || v < 1 || v > 1000)
			return sf_usage_error("--repeats: '%s' is not valid: expected an integer from 1 to 1000", val);
		o->opts.repeats = (int)v;
	} else if (!strcmp(name, "precision")) {
		char *end;
		double d = strtod(val, &end);

		if (end == val || *end || !(d > 0 && d <= 100))
			return sf_usage_error("--precision: '%s' is not valid: a percentage above 0, at most 100", val);
		o->opts.plan.precision_pct = d;
	} else if (!strcmp(name, "min-repeats") || !strcmp(name, "max-repeats")) {
		if (sf_parse_int(val, &v) || v < 1 || v > 1000)
			return sf_usage_error("--%s: '%s' is not valid: expected an integer from 1 to 1000", name, val);
		*(name[1] == 'i' ? &o->opts.plan.min : &o->opts.plan.max) = (int)v;
	} else if (!strcmp(name, "max-time")) {
		if (sf_parse_int(val, &v) || v < 1 || v > 86400)
			return sf_usage_error("--max-time: '%s' is not valid: seconds from 1 to 86400", val);
		o->opts.plan.max_time_s = (double)v;
	} else if (!strcmp(name, "kernel"))
		o->vm.kernel = val;
	else if (!strcmp(name, "modules"))
		o->vm.modules = val;
	else if (!strcmp(name, "accel"))
		o->vm.accel = val;
	else if (!strcmp(name, "vm-cpus")) {
		if (sf_parse_int(val, &v) || v < 1 || v > 64)
			return sf_usage_error("--vm-cpus: '%s' is not valid: expected 1 to 64", val);
		o->vm.cpus = (int)v;
	} else if (!strcmp(name, "nvdimm-size"))
		o->vm.nvdimm_size = val;
	else if (!strcmp(name, "timing"))
		o->vm.timing = val;	/* checked with the other guest options */
	else if (!strcmp(name, "icount-shift")) {
		if (sf_parse_int(val, &v) || v < 0 || v > 10)
			return sf_usage_error("--icount-shift: '%s' is not valid: expected 0 (1 ns per guest instruction) to 10", val);
		o->vm.icount_shift = (int)v;
	}
	else if (!strcmp(name, "vm-timeout")) {
		if (sf_parse_int(val, &v) || v < 10 || v > 86400)
			return sf_usage_error("--vm-timeout: '%s' is not valid: seconds from 10 to 86400", val);
		o->vm.timeout_s = (int)v;
	} else
		return parse_attribute_option(o, name, val);
	return 0;
}

/* An option given twice is a mistake, not "the last one wins". */
static int given_twice(char (*seen)[64], int *nseen, const char *name)
{
	for (int k = 0; k < *nseen; k++)
		if (!strcmp(seen[k], name))
			return sf_usage_error("--%s given twice: give it once, lists as --%s a,b,c",
					      name, name);
	if (*nseen < SF_MAX_PARAMS * 2 + 16)
		snprintf(seen[(*nseen)++], 64, "%s", name);
	return 0;
}

static int parse_args(int argc, char **argv, struct run_opts *o)
{
	char seen[SF_MAX_PARAMS * 2 + 16][64];
	int nseen = 0;

	for (int i = 2; i < argc; i++) {
		char *arg = argv[i], *eq, name[64];
		const char *val;
		int r;

		if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
			bench_help(o->bench);
			exit(0);
		}
		if (strncmp(arg, "--", 2) || !arg[2])
			return sf_usage_error("unexpected argument '%s': parameters are --NAME VALUE", arg);
		if (!strcmp(arg, "--attribute")) {	/* the one flag without a value */
			o->opts.attrib.on = true;
			continue;
		}
		eq = strchr(arg, '=');
		if (eq) {
			snprintf(name, sizeof(name), "%.*s", (int)(eq - arg - 2), arg + 2);
			val = eq + 1;
		} else {
			if (want_value(argc, argv, i, arg))
				return SF_EXIT_USAGE;
			snprintf(name, sizeof(name), "%s", arg + 2);
			val = argv[++i];
		}
		if (given_twice(seen, &nseen, name))
			return SF_EXIT_USAGE;
		r = parse_run_option(o, name, val);
		if (r > 0)
			return r;
		if (r == 0)
			continue;
		if (!sf_param_find(o->bench->params, name))
			return sf_usage_error("unknown parameter --%s for benchmark %s: see syncfault run %s --help",
					      name, o->bench->name, o->bench->name);
		if (o->nassign == (int)(sizeof(o->assign) / sizeof(o->assign[0])))
			return sf_usage_error("too many parameters");
		snprintf(o->names[o->nassign], sizeof(o->names[0]), "%s", name);
		o->assign[o->nassign] = (struct sf_assign){ o->names[o->nassign], val };
		o->nassign++;
	}
	return 0;
}

/* The JSON file must be writable (and a file we may replace) before we run. */
static int check_json_path(const char *path)
{
	char err[PATH_MAX + 256];

	if (sf_out_path_check(path, "--json", err, sizeof(err)))
		return sf_usage_error("%s", err);
	return 0;
}

/* A DAX mount on this host, if any: the default target then. */
static const char *host_dax_mount(void)
{
	static char mp[1024];
	FILE *f = fopen("/proc/self/mounts", "re");
	char src[512], dir[1024], fs[64], opts[1024];

	while (f && fscanf(f, "%511s %1023s %63s %1023s %*d %*d", src, dir, fs, opts) == 4) {
		if (!strncmp(src, "/dev/pmem", 9) && strstr(opts, "dax") && !access(dir, W_OK)) {
			snprintf(mp, sizeof(mp), "%s", dir);
			fclose(f);
			return mp;
		}
	}
	if (f)
		fclose(f);
	return NULL;
}

static int exit_status(const struct sf_result *r, int n)
{
	int worst = SF_EXIT_OK;

	for (int i = 0; i < n; i++) {
		if (r[i].status == SF_ERROR)
			return SF_EXIT_ERROR;
		if (r[i].status == SF_OK && !sf_result_checks_ok(&r[i]))
			worst = SF_EXIT_CHECK;
		else if (r[i].status == SF_UNSUPPORTED && worst == SF_EXIT_OK)
			worst = SF_EXIT_UNSUPPORTED;
	}
	return worst;
}

static int write_results(const struct sf_result *r, int n, const char *path)
{
	json_object *o;
	char err[512];
	int ret;

	if (n == 1) {
		o = sf_result_to_json(&r[0]);
	} else {
		o = json_object_new_array();
		for (int i = 0; i < n; i++)
			json_object_array_add(o, sf_result_to_json(&r[i]));
	}
	ret = sf_json_write_atomic(o, path, err, sizeof(err));
	json_object_put(o);
	if (ret)
		sf_error("%s", err);
	return ret;
}

static void starting(struct sf_job *j, int i, int n, void *arg)
{
	if (n > 1 && sf_show_progress)
		fprintf(stderr, "\r\033[K[%d/%d] running\n", i + 1, n);
}

static void finished(struct sf_job *j, void *arg)
{
	sf_result_print(j->res, stdout);
	printf("\n");
	fflush(stdout);
}

/* Every point of the matrix through the target's run(), then the summary. */
static int run_points(struct run_opts *o, const struct sf_target_spec *t,
		      struct sf_point *pts, int npts)
{
	struct sf_run_ctx c = { .vm = &o->vm, .keep_logs_as = o->json,
				.starting = starting, .finished = finished };
	struct sf_result *res = calloc((size_t)npts, sizeof(*res));
	struct sf_job *jobs = calloc((size_t)npts, sizeof(*jobs));
	int done = 0, ret, r;
	char err[1024];

	if (!res || !jobs) {
		free(res);
		free(jobs);
		return sf_usage_error("out of memory");
	}
	for (int i = 0; i < npts; i++) {
		jobs[i] = (struct sf_job){ .bench = o->bench, .pt = &pts[i], .opts = o->opts,
					   .res = &res[i] };
		snprintf(jobs[i].name, sizeof(jobs[i].name), "p%04d", i + 1);
	}
	sf_clock_init(o->timer && !strcmp(o->timer, "clock"));
	sf_install_signals();
	sf_show_progress = sf_interactive();
	r = sf_target_run(t, jobs, npts, &c, err, sizeof(err));
	if (r)
		sf_error("%s", err);
	while (done < npts && jobs[done].done)
		done++;
	if (done >= 1)
		sf_tables_print(o->bench, res, done, stdout);
	ret = r == -2 ? SF_EXIT_USAGE : r ? SF_EXIT_ERROR : exit_status(res, done);
	if (o->json && done && write_results(res, done, o->json))
		ret = SF_EXIT_ERROR;
	if (sf_interrupted) {
		sf_error("interrupted after %d of %d points%s", done, npts,
			o->json && done ? "; finished points were written" : "");
		ret = 130;
	}
	for (int i = 0; i < npts; i++)
		if (jobs[i].done)
			sf_result_free(&res[i]);
	free(res);
	free(jobs);
	return ret;
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o = { .opts = SF_POINT_OPTS_DEFAULT };	/* adaptive */
	struct sf_target_spec spec;
	struct sf_point *pts;
	char err[1024];
	int npts, ret;

	if (argc < 2)
		return sf_usage_error("run needs a benchmark: syncfault run BENCH (syncfault list shows them)");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		printf("usage: syncfault run BENCH [options] [--PARAM VALUE...]\n"
		       "  syncfault list shows the benchmarks; run BENCH --help their parameters.\n");
		return 0;
	}
	sf_target_spec_here(&spec);
	o.bench = sf_bench_find(argv[1]);
	if (!o.bench)
		return sf_usage_error("unknown benchmark '%s': see syncfault list", argv[1]);
	ret = parse_args(argc, argv, &o);
	if (ret)
		return ret;
	if (o.opts.plan.min > o.opts.plan.max)
		return sf_usage_error("--min-repeats %d is above --max-repeats %d: raise --max-repeats",
				      o.opts.plan.min, o.opts.plan.max);
	npts = sf_params_expand(o.bench->params, o.assign, o.nassign, &pts, err, sizeof(err));
	if (npts < 0)
		return sf_usage_error("%s", err);
	if (o.json && check_json_path(o.json)) {
		sf_points_free(pts, npts);
		return SF_EXIT_USAGE;
	}
	if (!o.target && (o.bench->flags & SF_BENCH_NEEDS_TARGET)) {
		o.target = host_dax_mount();
		if (!o.target)
			o.target = "vm:ext4-dax";
		sf_error("target %s (default%s; --target DIR for a host directory)",
			o.target, host_dax_mount() ? ": DAX mount" : ": no pmem on this host");
	}
	if (o.target && sf_target_spec_parse(o.target, &spec, err, sizeof(err)))
		ret = sf_usage_error("--target: %s", err);
	else if (!(sf_target_spec_flags(&spec) & SF_TGT_GUEST) &&
		 (o.vm.kernel || o.vm.modules || o.vm.nvdimm_size || o.vm.cpus || o.vm.timeout_s ||
		  o.vm.accel || o.vm.timing || o.vm.icount_shift))
		ret = sf_usage_error("--kernel, --modules, --nvdimm-size, --vm-cpus, --vm-timeout, --accel, --timing and --icount-shift are for vm: targets, not %s",
				     o.target ? o.target : "this benchmark");
	else if ((sf_target_spec_flags(&spec) & SF_TGT_GUEST) && sf_vm_check_opts(&o.vm, spec.guest->fs, err, sizeof(err)))
		ret = sf_usage_error("%s", err);
	else if (sf_validate_only)
		ret = SF_EXIT_OK;
	else
		ret = run_points(&o, &spec, pts, npts);
	sf_points_free(pts, npts);
	return ret;
}
