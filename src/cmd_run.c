// SPDX-License-Identifier: MIT
/* syncfault run BENCH: one benchmark over a parameter matrix, on one target. */
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "sf_attrib.h"
#include "sf_harness.h"
#include "sf_util.h"
#include "vm.h"

struct run_opts {
	const struct sf_bench *bench;
	const char *target;
	const char *json;
	const char *timer;
	int repeats;
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
	printf("usage: syncfault run %s [--target DIR|vm:ext4-dax|vm:xfs-dax] [--repeats N]\n"
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
			for (int i = 0; p->values[i]; i++)
				printf(" %s", p->values[i]);
			printf("; default %s\n", p->def);
		} else if (p->type == SF_PT_INT || p->type == SF_PT_SIZE) {
			printf("%17s%lld..%lld%s; default %s\n", "", (long long)p->min,
			       (long long)p->max, p->type == SF_PT_SIZE ? " bytes (k, m, g)" : "", p->def);
		} else {
			printf("%17sdefault %s\n", "", p->def);
		}
	}
	printf("\nrun options:\n"
	       "  --target T      a directory (tmpfs, ext4, a DAX mount ...) or vm:ext4-dax,\n"
	       "                  vm:xfs-dax (QEMU guest on an emulated NVDIMM); default: a\n"
	       "                  DAX mount if this host has one, else vm:ext4-dax\n"
	       "  --repeats N     repeats, each in its own process (default 5)\n"
	       "  --json FILE     write the result (an array for a matrix) atomically\n"
	       "  --timer T       tsc (default where invariant) or clock (clock_gettime)\n"
	       "  --attribute     after the timed repeats, one more repeat traced with\n"
	       "                  function_graph (guest targets; a host needs tracefs and\n"
	       "                  root): time per kernel phase, never in the metrics\n"
	       "  --attribute-fn PHASE=FUNCTION  add a function to a phase (lock,\n"
	       "                  allocation, zeroing, time, handle, journal, writeback,\n"
	       "                  insert)\n"
	       "  --kernel SPEC, --modules DIR, --nvdimm-size SIZE, --vm-timeout SEC,\n"
	       "  --vm-cpus N     guest options for vm: targets (default: the newest Debian\n"
	       "                  kernel, vCPUs = host cores); SPEC: debian:6.12, debian:6.1,\n"
	       "                  a bzImage, a build dir (see syncfault kernel --help)\n");
}

static int want_value(int argc, char **argv, int i, const char *opt)
{
	if (i + 1 >= argc)
		return sf_usage_error("%s needs a value: see syncfault run --help", opt);
	return 0;
}

/* --attribute[=yes|no], --attribute-fn PHASE=FUNCTION (passed on to a guest as given). */
static int parse_attribute_option(const char *name, const char *val)
{
	static int nfns;
	struct sf_attrib_map m = { 0 };
	char err[256];

	if (!strcmp(name, "attribute")) {
		if (strcmp(val, "yes") && strcmp(val, "no") && strcmp(val, "trace"))
			return sf_usage_error("--attribute=%s: use --attribute, --attribute=yes|no, or --attribute=trace to keep the raw trace in the result",
					      val);
		sf_attribute = strcmp(val, "no") != 0;
		sf_attribute_keep_trace = !strcmp(val, "trace");
		return 0;
	}
	if (strcmp(name, "attribute-fn"))
		return -1;	/* not a run option: a benchmark parameter */
	if (sf_attrib_map_add(&m, val, err, sizeof(err)))
		return sf_usage_error("%s", err);
	if (nfns == (int)(sizeof(sf_attribute_fns) / sizeof(sf_attribute_fns[0])) - 1)
		return sf_usage_error("--attribute-fn: at most %d functions", nfns);
	sf_attribute_fns[nfns++] = val;
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
		o->repeats = (int)v;
	} else if (!strcmp(name, "kernel"))
		o->vm.kernel = val;
	else if (!strcmp(name, "modules"))
		o->vm.modules = val;
	else if (!strcmp(name, "vm-cpus")) {
		if (sf_parse_int(val, &v) || v < 1 || v > 64)
			return sf_usage_error("--vm-cpus: '%s' is not valid: expected 1 to 64", val);
		o->vm.cpus = (int)v;
	} else if (!strcmp(name, "nvdimm-size"))
		o->vm.nvdimm_size = val;
	else if (!strcmp(name, "vm-timeout")) {
		if (sf_parse_int(val, &v) || v < 10 || v > 86400)
			return sf_usage_error("--vm-timeout: '%s' is not valid: seconds from 10 to 86400", val);
		o->vm.timeout_s = (int)v;
	} else
		return parse_attribute_option(name, val);
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
			sf_attribute = true;
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

static void print_results(const struct sf_bench *b, struct sf_result *r, int n)
{
	for (int i = 0; i < n; i++) {
		sf_result_print(&r[i], stdout);
		printf("\n");
	}
	if (b->summarize && n >= 1)
		b->summarize(r, n, stdout);
}

static int run_host(struct run_opts *o, struct sf_point *pts, int npts)
{
	struct sf_target t, *tp = NULL;
	struct sf_result *res;
	char err[512];
	int done = 0, ret;

	if (o->bench->flags & SF_BENCH_NEEDS_TARGET || o->target) {
		if (sf_target_probe(o->target, &t, err, sizeof(err)))
			return sf_usage_error("%s", err);
		tp = &t;
	}
	res = calloc((size_t)npts, sizeof(*res));
	if (!res)
		return sf_usage_error("out of memory");
	sf_clock_init(o->timer && !strcmp(o->timer, "clock"));
	sf_install_signals();
	sf_show_progress = sf_interactive();
	for (; done < npts && !sf_interrupted; done++) {
		if (npts > 1 && sf_show_progress)
			fprintf(stderr, "\r\033[K[%d/%d] running\n", done + 1, npts);
		sf_run_point(o->bench, &pts[done], tp, o->repeats, &res[done]);
		if (sf_interrupted && res[done].status == SF_ERROR)
			break;	/* the interrupted point is not a result */
		sf_result_print(&res[done], stdout);
		printf("\n");
	}
	if (o->bench->summarize && done >= 1)
		o->bench->summarize(res, done, stdout);
	ret = exit_status(res, done);
	if (o->json && done && write_results(res, done, o->json))
		ret = SF_EXIT_ERROR;
	if (sf_interrupted) {
		fprintf(stderr, "syncfault: interrupted after %d of %d points%s\n", done, npts,
			o->json && done ? "; finished points were written" : "");
		ret = 130;
	}
	for (int i = 0; i <= done && i < npts; i++)
		sf_result_free(&res[i]);
	free(res);
	return ret;
}

/*
 * Rebuild the command line for the guest, minus target/json/guest options.
 * argv is run's own: argv[0] "run", argv[1] the benchmark.
 */
static int guest_argv(int argc, char **argv, char **out)
{
	static const char *const host_only[] = { "--target", "--json", "--kernel", "--modules",
						 "--nvdimm-size", "--vm-timeout", "--vm-cpus", NULL };
	int n = 0;

	out[n++] = "run";
	for (int i = 1; i < argc; i++) {	/* from the benchmark name on */
		bool skip = false;

		for (int k = 0; host_only[k]; k++) {
			size_t l = strlen(host_only[k]);

			if (!strncmp(argv[i], host_only[k], l) && (!argv[i][l] || argv[i][l] == '=')) {
				skip = true;
				if (!argv[i][l])
					i++;
			}
		}
		if (!skip)
			out[n++] = argv[i];
	}
	out[n] = NULL;
	return n;
}

/*
 * Keep the guest's serial console log next to the result file; after a
 * failure without --json, in /tmp, so that the path printed is still there.
 */
static void keep_console_logs(const char *outdir, const char *json)
{
	char from[PATH_MAX], to[PATH_MAX * 2];
	DIR *d = opendir(outdir);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		const char *log = e->d_name;	/* console-<target>.log */

		if (strncmp(log, "console-", 8) || !strstr(log, ".log"))
			continue;
		snprintf(from, sizeof(from), "%s/%s", outdir, log);
		if (json)
			snprintf(to, sizeof(to), "%s.%s", json, log);
		else
			snprintf(to, sizeof(to), "/tmp/syncfault-%.*s.%d.log",
				 (int)(strlen(log) - 4), log, (int)getpid());
		if (!sf_copy_file(from, to))
			fprintf(stderr, "syncfault: guest console log kept in %s\n", to);
	}
	if (d)
		closedir(d);
}

static int run_guest(struct run_opts *o, int argc, char **argv)
{
	char outdir[] = "/tmp/syncfault-vm.XXXXXX", path[PATH_MAX], err[1024];
	char **gargv = calloc((size_t)argc + 4, sizeof(char *));
	struct sf_vm_job job = { .name = "run" };
	struct sf_result *res = NULL;
	int n, ret, rc = SF_EXIT_ERROR;
	FILE *f;

	job.argc = guest_argv(argc, argv, gargv);
	job.argv = gargv;
	if (!mkdtemp(outdir))
		return sf_usage_error("cannot create a temp dir: %s", strerror(errno));
	sf_install_signals();
	ret = sf_vm_run(o->target, &o->vm, &job, 1, outdir, err, sizeof(err));
	if (ret) {
		sf_error("%s", err);
		rc = ret == -2 ? SF_EXIT_USAGE : SF_EXIT_ERROR;
		keep_console_logs(outdir, o->json);
		goto out;
	}
	snprintf(path, sizeof(path), "%s/run.rc", outdir);
	f = fopen(path, "r");
	if (!f || fscanf(f, "%d", &rc) != 1)
		rc = SF_EXIT_ERROR;
	if (f)
		fclose(f);
	snprintf(path, sizeof(path), "%s/run.json", outdir);
	n = sf_results_read(path, &res, err, sizeof(err));
	if (n < 0) {
		snprintf(path, sizeof(path), "%s/run.out", outdir);
		fprintf(stderr, "syncfault: the guest run gave no result (exit %d); its output:\n", rc);
		f = fopen(path, "r");
		while (f && fgets(err, sizeof(err), f))
			fputs(err, stderr);
		if (f)
			fclose(f);
		if (rc == SF_EXIT_OK)
			rc = SF_EXIT_ERROR;
		goto out;
	}
	sf_vm_annotate(res, n, outdir, o->target);
	print_results(o->bench, res, n);
	if (o->json && write_results(res, n, o->json))
		rc = SF_EXIT_ERROR;
	sf_results_free(res, n);
	if (o->json)
		keep_console_logs(outdir, o->json);
out:
	sf_remove_tree(outdir);
	free(gargv);
	return sf_interrupted ? 130 : rc;
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o = { .repeats = 5 };
	struct sf_point *pts;
	char err[512];
	int npts, ret;

	if (argc < 2)
		return sf_usage_error("run needs a benchmark: syncfault run BENCH (syncfault list shows them)");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		printf("usage: syncfault run BENCH [options] [--PARAM VALUE...]\n"
		       "  syncfault list shows the benchmarks; run BENCH --help their parameters.\n");
		return 0;
	}
	o.bench = sf_bench_find(argv[1]);
	if (!o.bench)
		return sf_usage_error("unknown benchmark '%s': see syncfault list", argv[1]);
	ret = parse_args(argc, argv, &o);
	if (ret)
		return ret;
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
		fprintf(stderr, "syncfault: target %s (default%s; --target DIR for a host directory)\n",
			o.target, host_dax_mount() ? ": DAX mount" : ": no pmem on this host");
	}
	if (o.target && sf_vm_target(o.target)) {
		const char *fs;

		if (sf_vm_fs(o.target, &fs, err, sizeof(err)) ||
		    sf_vm_check_opts(&o.vm, fs, err, sizeof(err)))
			ret = sf_usage_error("%s", err);
		else
			ret = run_guest(&o, argc, argv);
	} else if (o.vm.kernel || o.vm.modules || o.vm.nvdimm_size || o.vm.cpus || o.vm.timeout_s) {
		ret = sf_usage_error("--kernel, --modules, --nvdimm-size, --vm-cpus and --vm-timeout are for vm: targets, not %s",
				     o.target ? o.target : "this benchmark");
	} else {
		ret = run_host(&o, pts, npts);
	}
	sf_points_free(pts, npts);
	return ret;
}
