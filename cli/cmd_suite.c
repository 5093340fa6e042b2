// SPDX-License-Identifier: MIT
/*
 * syncfault suite CONFIG: run every run of an INI suite into one results
 * directory (run/suite_run.c, suite_dir.c), then build its report.
 *
 * Every problem with the config or a target is found before the first run.
 * --resume skips every run whose file is there (a run that ended in error
 * is run again).  A result that cannot be written (a full disk) stops the
 * suite: one line with the fix, exit 1, no report until the resume.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "sf_report.h"
#include "sf_config.h"
#include "sf_fmt.h"
#include "sf_suite_run.h"
#include "sf_harness.h"
#include "sf_util.h"

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
	       "                    skipped (its copy of the config, DIR/suite.ini, and the\n"
	       "                    first run's --shard, --kernel, --modules, --accel and\n"
	       "                    --timing are used); temp files a killed run left are removed\n"
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

static int parse(int argc, char **argv, struct sf_suite_opts *o)
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
static int load_config(struct sf_suite_state *s, char *err, size_t errlen)
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

/* env.json and the report, after the runs. */
static void report(struct sf_suite_state *s, int failures)
{
	char err[1024];

	if (sf_suite_write_env(s, !sf_interrupted && !failures, err, sizeof(err)))
		sf_error("%s", err);
	if (sf_report_build(s->dir, err, sizeof(err)))
		sf_error("report: %s", err);
	else
		printf("report: %s/report.txt\n", s->dir);
}

int cmd_suite(int argc, char **argv)
{
	struct sf_suite_state s = { 0 };
	char err[1024], path[4200], wall[16];
	int ret, failures;

	ret = parse(argc, argv, &s.o);
	if (ret)
		return ret < 0 ? SF_EXIT_OK : ret;
	if (load_config(&s, err, sizeof(err)))
		return sf_usage_error("%s", err);
	if (s.o.label)
		snprintf(s.cfg.label, sizeof(s.cfg.label), "%s", s.o.label);
	sf_now_iso(s.started, sizeof(s.started));
	snprintf(s.config, sizeof(s.config), "%s", s.cfg.path);
	/* a resumed suite's shard and guest options are the first run's */
	if (s.o.resume) {
		ret = sf_suite_make_dir(&s);
		if (!ret)
			ret = sf_suite_read_previous(&s);
		if (ret) {
			sf_suite_free(&s.cfg);
			return ret;
		}
	}
	sf_suite_shard_filter(&s);
	if (s.o.list || sf_validate_only) {
		if (s.o.list)
			sf_suite_list_runs(&s);
		sf_suite_free(&s.cfg);
		return SF_EXIT_OK;
	}
	s.state = calloc(s.cfg.nruns, sizeof(*s.state));
	s.status = calloc(s.cfg.nruns, sizeof(*s.status));
	s.checks_failed = calloc(s.cfg.nruns, sizeof(*s.checks_failed));
	ret = sf_suite_check_targets(&s);
	if (!ret && !s.o.resume)
		ret = sf_suite_make_dir(&s);
	if (ret)
		goto out;
	snprintf(path, sizeof(path), "%s/suite.ini", s.dir);
	if (s.o.config && sf_copy_file(s.o.config, path)) {
		snprintf(err, sizeof(err), "cannot write %s: %s", path, strerror(errno));
		sf_suite_write_error(&s, err, errno);
		ret = SF_EXIT_ERROR;
		goto out;
	}
	printf("suite %s: %d runs into %s\n", s.cfg.path, s.cfg.nruns, s.dir);
	fflush(stdout);
	sf_clock_init(false);
	sf_show_progress = false;	/* the suite's own progress line instead */
	sf_install_signals();
	s.pg.t0 = sf_mono_s();
	if (sf_suite_write_env(&s, false, err, sizeof(err))) {
		/* errno: sf_json_write_atomic's, kept through sf_suite_write_env's cleanup */
		sf_suite_write_error(&s, err, errno);
		ret = SF_EXIT_ERROR;
		goto out;
	}
	failures = sf_suite_run_all(&s);
	/* a directory that took no result takes no report either: the resume writes it */
	if (!s.write_failed)
		report(&s, failures);
	/* a shard holds part of each kernel's runs: compare the merged shards */
	if (s.cfg.nkernels > 1 && !sf_interrupted && !s.o.nshards)
		sf_suite_compare_kernels(&s);
	sf_fmt_duration(s.prev_wall + sf_mono_s() - s.pg.t0, wall, sizeof(wall));
	sf_suite_print_repeats(&s);
	printf("wall time %s%s\n", wall, s.o.resume ? " (all invocations)" : "");
	if (sf_interrupted)
		sf_error("interrupted: finished runs are kept; continue with syncfault suite --resume %s",
			s.dir);
	ret = sf_suite_exit_status(&s, failures);
out:
	free(s.state);
	free(s.status);
	free(s.checks_failed);
	sf_suite_free(&s.cfg);
	return ret;
}

