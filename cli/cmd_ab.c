// SPDX-License-Identifier: MIT
/* syncfault ab: A/B rounds of one suite config (the work is run/ab.c). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sf_ab.h"

static void usage(void)
{
	printf("usage: syncfault ab [--kernel-a SPEC] [--kernel-b SPEC] [--rounds N] [-o DIR] CONFIG\n"
	       "       syncfault ab --aa [--kernel-a SPEC] CONFIG\n"
	       "       syncfault ab --setup-a CMD --setup-b CMD [--label-a L --label-b L] CONFIG\n"
	       "  Runs the suite CONFIG on side A and side B interleaved for N rounds\n"
	       "  (A B, B A, A B ...: drift of the machine over time cannot look like a\n"
	       "  difference between the sides), then compares every A round with every\n"
	       "  B round (syncfault compare pools their repeats and tests the rounds).\n"
	       "  Kernels apply to the config's vm: targets (the guest boots them); host:\n"
	       "  targets run on the running kernel, so a host A/B differs only by what\n"
	       "  the setup commands change before each of that side's rounds.\n"
	       "  --kernel-a SPEC, --kernel-b SPEC   guest kernels of the sides: debian:6.12,\n"
	       "                    built:NAME, a bzImage, a build dir (syncfault kernel)\n"
	       "  --modules-a DIR, --modules-b DIR   their modules (a modular bzImage)\n"
	       "  --label-a L, --label-b L   names of the sides (default A, B)\n"
	       "  --setup-a CMD, --setup-b CMD   shell command (sh -c) run before each round\n"
	       "                    of that side\n"
	       "  --aa              A/A: side B is side A again (label A2): the noise\n"
	       "  --rounds N        rounds per side (default 3, at most 100)\n"
	       "  -o DIR            output (default results/ab-<time>); the same command\n"
	       "                    with the same -o continues an interrupted A/B\n"
	       "  --noise PCT       compare's noise floor\n"
	       "  --timing icount|real   the guests' clock (suite --timing).  Default:\n"
	       "                    icount where the guests run on TCG (QEMU counts guest\n"
	       "                    instructions, 1 ns each: the same on every boot, so a\n"
	       "                    small change shows; no cache, memory or device latency\n"
	       "                    modelled); real time where KVM runs them, or where the\n"
	       "                    config says timing =.  --timing real: the host's clock,\n"
	       "                    a second opinion with the same command\n"
	       "Output: DIR/LABEL/round-N/ (a suite results directory per round and side),\n"
	       "DIR/kernels.txt (what each side booted), DIR/compare.txt (that, then the\n"
	       "comparison), DIR/report.txt (the report of both sides' rounds).\n"
	       "Exit status: that of compare (0 nothing worse, 5 a significant regression\n"
	       "in B), 2 bad arguments, 130 interrupted.\n");
}

static int parse_rounds(const char *s, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > SF_AB_MAX_ROUNDS)
		return sf_usage_error("--rounds '%s': give an integer from 1 to %d", s,
				      SF_AB_MAX_ROUNDS);
	*out = (int)v;
	return 0;
}

/* Each option once: a second value would silently win. */
static const char **slot(struct sf_ab_opts *o, int c)
{
	switch (c) {
	case 'k': return &o->side[0].kernel;
	case 'K': return &o->side[1].kernel;
	case 'm': return &o->side[0].modules;
	case 'M': return &o->side[1].modules;
	case 'l': return &o->side[0].label;
	case 'L': return &o->side[1].label;
	case 's': return &o->side[0].setup;
	case 'S': return &o->side[1].setup;
	case 'o': return &o->out;
	case 'n': return &o->noise;
	case 't': return &o->timing;
	default: return NULL;
	}
}

static int parse(int argc, char **argv, struct sf_ab_opts *o)
{
	static const struct option lo[] = {
		{ "kernel-a", required_argument, NULL, 'k' },
		{ "kernel-b", required_argument, NULL, 'K' },
		{ "modules-a", required_argument, NULL, 'm' },
		{ "modules-b", required_argument, NULL, 'M' },
		{ "label-a", required_argument, NULL, 'l' },
		{ "label-b", required_argument, NULL, 'L' },
		{ "setup-a", required_argument, NULL, 's' },
		{ "setup-b", required_argument, NULL, 'S' },
		{ "aa", no_argument, NULL, 'A' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "noise", required_argument, NULL, 'n' },
		{ "timing", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	bool seen[128] = { false };
	const char **p;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", lo, NULL)) != -1) {
		if (sf_option_once(lo, c, seen))
			return SF_EXIT_USAGE;
		if ((p = slot(o, c))) {
			*p = optarg;
			continue;
		}
		switch (c) {
		case 'A': o->aa = true; break;
		case 'r': if (parse_rounds(optarg, &o->rounds)) return SF_EXIT_USAGE; break;
		case 'h': usage(); return -1;
		default: return sf_getopt_error("ab", argv);
		}
	}
	if (argc - optind > 1)
		return sf_usage_error("ab takes one config (got %s and %s)", argv[optind], argv[optind + 1]);
	o->config = optind < argc ? argv[optind] : NULL;
	return 0;
}

int cmd_ab(int argc, char **argv)
{
	struct sf_ab_opts o = {
		.side = { { .label = "A" }, { .label = "B" } },
		.rounds = 3,
	};
	int rc = parse(argc, argv, &o);

	if (rc)
		return rc < 0 ? SF_EXIT_OK : rc;
	rc = sf_ab_check(&o, sf_validate_only);
	if (rc || sf_validate_only)
		return rc;
	return sf_ab_run(&o);
}
