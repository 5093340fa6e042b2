// SPDX-License-Identifier: MIT
/* syncfault bisect: which patch moved a watched row (the work is run/bisect*.c). */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "sf_bisect.h"
#include "sf_compare.h"
#include "sf_util.h"

#define MAX_ARGS	128

static void usage(void)
{
	printf("usage: syncfault bisect --base SRC --series SERIES --watch ROW [-o DIR]\n"
	       "       syncfault bisect --tree DIR --good REV --bad REV --watch ROW -o DIR\n"
	       "       syncfault bisect --walk --base SRC --series SERIES --watch ROW [-o DIR]\n"
	       "       syncfault bisect --resume DIR\n"
	       "  Which patch of a series (or commit of a range) made a watched row worse.\n"
	       "  Candidate k is the base with patches 1..k, built with syncfault kernel\n"
	       "  build (cached; one object tree, so a step recompiles what it changed) and\n"
	       "  measured in rounds of one guest boot against the base (candidate 0).  A\n"
	       "  step is bad when compare marks a row the bad end moved worse than the\n"
	       "  base; good when none is marked and each could have seen --size; else one\n"
	       "  more round a side, up to --max-rounds, then undecided.  Prints the first\n"
	       "  bad patch, its change against the last good one with its interval, the\n"
	       "  kernel phases that moved (--attribute), and the time of every step.\n"
	       "  --base SRC        debian:6.12 (Debian's linux-source) or a kernel tree\n"
	       "  --series SERIES   a quilt series file, a directory of *.patch/*.diff\n"
	       "                    (name order) or an mbox (git format-patch --stdout)\n"
	       "  --tree DIR --good REV --bad REV   a git range instead: each first-parent\n"
	       "                    commit of good..bad is a patch on good's tree\n"
	       "  --watch ROW       a row to watch: 'BENCH k=v ...', e.g. 'fault mode=mapsync\n"
	       "                    class=hole'; metric=NAME picks the metric (default the\n"
	       "                    benchmark's primary one); give it again for more rows\n"
	       "  --config CONFIG   watch a suite config's runs (guest targets) instead\n"
	       "  --target T        the rows' guest target (default vm:ext4-dax)\n"
	       "  --repeats N       repeats of each row in a round (default 5)\n"
	       "  --size PCT        the change to find: a step is good only if the change it\n"
	       "                    could detect is below it (default 5)\n"
	       "  --noise PCT       compare's noise floor (default 2)\n"
	       "  --rounds N        rounds a candidate at first (default 3)\n"
	       "  --max-rounds N    at most, while undecided (default 6)\n"
	       "  --timing icount|real   the guests' clock (suite --timing); default icount\n"
	       "                    where the guests run on TCG (instructions counted, 1 ns\n"
	       "                    each: the same every boot, so a small delay shows)\n"
	       "  --attribute       an attribution pass in every round: phase lines\n"
	       "  --walk            measure every prefix instead: per row, a table of each\n"
	       "                    patch's step change and a figure (DIR/walk/, walk.txt)\n"
	       "  -j N              kernel build jobs (default all cores)\n"
	       "  --list            print the series as it is read and the watched config\n"
	       "  --build-only      build every candidate now (measure later, or elsewhere)\n"
	       "  -o DIR            the bisect's directory (default results/bisect-<time>)\n"
	       "  --resume DIR      continue an interrupted bisect (the same command and -o\n"
	       "                    DIR does too); nothing measured or built is done again\n"
	       "Output: DIR/bisect.txt (the answer), DIR/log.txt, DIR/series/ (the patches\n"
	       "bisected), DIR/watch.ini, DIR/candidates/K (links to the measurements, kept\n"
	       "in the cache ~/.cache/syncfault/measure/ by kernel and watched config, so a\n"
	       "second bisect or walk of the same series measures nothing twice).\n"
	       "Exit status: 0 answered (or nothing to bisect), 1 a build or run failed,\n"
	       "2 bad arguments, 6 undecided, 130 interrupted.\n");
}

static int parse_num(const char *opt, const char *s, double lo, double hi, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	if (errno || end == s || *end || !(*out >= lo && *out <= hi))
		return sf_usage_error("%s '%s': give a number from %g to %g", opt, s, lo, hi);
	return 0;
}

static int parse_int(const char *opt, const char *s, int lo, int hi, int *out)
{
	double v;

	if (parse_num(opt, s, lo, hi, &v))
		return SF_EXIT_USAGE;
	if (v != (int)v)
		return sf_usage_error("%s '%s': give a whole number", opt, s);
	*out = (int)v;
	return 0;
}

static const char **slot(struct sf_bisect_opts *o, int c)
{
	switch (c) {
	case 'b': return &o->base;
	case 's': return &o->series;
	case 't': return &o->tree;
	case 'g': return &o->good;
	case 'B': return &o->bad;
	case 'c': return &o->config;
	case 'T': return &o->target;
	case 'i': return &o->timing;
	case 'o': return &o->out;
	default: return NULL;
	}
}

static int number(struct sf_bisect_opts *o, int c)
{
	switch (c) {
	case 'z': return parse_num("--size", optarg, 0, 100, &o->size);
	case 'n': return parse_num("--noise", optarg, 0, 100, &o->noise);
	case 'r': return parse_int("--rounds", optarg, 1, 100, &o->rounds);
	case 'R': return parse_int("--max-rounds", optarg, 1, 100, &o->max_rounds);
	case 'p': return parse_int("--repeats", optarg, 1, 1000, &o->repeats);
	case 'j': return parse_int("-j", optarg, 1, 1024, &o->jobs);
	default: return SF_EXIT_USAGE;
	}
}

static const struct option long_opts[] = {
	{ "base", required_argument, NULL, 'b' },
	{ "series", required_argument, NULL, 's' },
	{ "tree", required_argument, NULL, 't' },
	{ "good", required_argument, NULL, 'g' },
	{ "bad", required_argument, NULL, 'B' },
	{ "watch", required_argument, NULL, 'w' },
	{ "config", required_argument, NULL, 'c' },
	{ "target", required_argument, NULL, 'T' },
	{ "repeats", required_argument, NULL, 'p' },
	{ "size", required_argument, NULL, 'z' },
	{ "noise", required_argument, NULL, 'n' },
	{ "rounds", required_argument, NULL, 'r' },
	{ "max-rounds", required_argument, NULL, 'R' },
	{ "timing", required_argument, NULL, 'i' },
	{ "attribute", no_argument, NULL, 'a' },
	{ "walk", no_argument, NULL, 'W' },
	{ "list", no_argument, NULL, 'L' },
	{ "build-only", no_argument, NULL, 'O' },
	{ "resume", required_argument, NULL, 'X' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 }
};

/* One option: 0, -1 for --help, or an exit status. */
static int option(struct sf_bisect_opts *o, int c, bool *seen, const char **resume, char **argv)
{
	const char **p = slot(o, c);

	if (c != 'w' && sf_option_once(long_opts, c, seen))
		return SF_EXIT_USAGE;
	if (p) {
		*p = optarg;
		return 0;
	}
	switch (c) {
	case 'w':
		if (o->nwatch >= SF_BISECT_MAX_WATCH)
			return sf_usage_error("--watch: at most %d rows (a --config watches more)",
					      SF_BISECT_MAX_WATCH);
		o->watch[o->nwatch++] = optarg;
		return 0;
	case 'a': o->attribute = true; return 0;
	case 'W': o->walk = true; return 0;
	case 'L': o->list = true; return 0;
	case 'O': o->build_only = true; return 0;
	case 'X': *resume = optarg; return 0;
	case 'h': usage(); return -1;
	case 'z': case 'n': case 'r': case 'R': case 'p': case 'j': return number(o, c);
	default: return sf_getopt_error("bisect", argv);
	}
}

static int parse(int argc, char **argv, struct sf_bisect_opts *o, const char **resume)
{
	bool seen[128] = { false };
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:j:h", long_opts, NULL)) != -1)
		if ((rc = option(o, c, seen, resume, argv)))
			return rc;
	if (optind < argc)
		return sf_usage_error("bisect takes no operand ('%s'): see syncfault bisect --help",
				      argv[optind]);
	if (*resume && argc != 3)
		return sf_usage_error("--resume DIR takes no other option: the bisect's own are in DIR/command");
	return 0;
}

static void defaults(struct sf_bisect_opts *o)
{
	*o = (struct sf_bisect_opts){
		.target = "vm:ext4-dax", .repeats = 5, .size = 5, .noise = SF_NOISE_DEFAULT,
		.rounds = 3, .max_rounds = 6,
	};
}

/* The command as DIR/command keeps it: the directory it ran in, then each argument. */
static char *command_text(int argc, char **argv, const char *out_added)
{
	char cwd[PATH_MAX], *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f || !getcwd(cwd, sizeof(cwd))) {
		if (f)
			fclose(f);
		free(text);
		return NULL;
	}
	fprintf(f, "%s\n", cwd);
	for (int i = 1; i < argc; i++)
		fprintf(f, "%s\n", argv[i]);
	if (out_added)
		fprintf(f, "-o\n%s\n", out_added);
	fclose(f);
	return text;
}

/* --resume DIR: DIR/command's arguments, run from its directory. */
static int load_resume(const char *dir, char *text, size_t tlen, char **args, int *nargs)
{
	char path[PATH_MAX + 16], err[512], *buf = NULL, *save = NULL, *line;
	size_t len;

	snprintf(path, sizeof(path), "%s/command", dir);
	if (sf_read_regular(path, tlen - 1, &buf, &len, err, sizeof(err)))
		return sf_usage_error("--resume %s: %s (not a bisect's directory?)", dir, err);
	memcpy(text, buf, len + 1);
	free(buf);
	line = strtok_r(text, "\n", &save);
	if (!line || chdir(line))
		return sf_usage_error("--resume %s: cannot go back to the directory it ran in (%s)",
				      dir, line ? line : "none");
	args[(*nargs)++] = "bisect";
	while ((line = strtok_r(NULL, "\n", &save)) && *nargs < MAX_ARGS - 1)
		args[(*nargs)++] = line;
	args[*nargs] = NULL;
	return 0;
}

static bool has_newline(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strchr(argv[i], '\n'))
			return true;
	return false;
}

static int run(int argc, char **argv, struct sf_bisect_opts *o, bool resumed)
{
	char out[64] = "", *cmd;
	int rc;

	if (!o->out && !resumed) {
		time_t now = time(NULL);

		strftime(out, sizeof(out), "results/bisect-%Y%m%d-%H%M%S", localtime(&now));
		o->out = out;
	}
	cmd = command_text(argc, argv, out[0] ? out : NULL);
	if (!cmd)
		return sf_error("out of memory");
	rc = sf_bisect_run(o, cmd);
	free(cmd);
	return rc;
}

int cmd_bisect(int argc, char **argv)
{
	static char text[64 << 10];
	struct sf_bisect_opts o;
	const char *resume = NULL;
	char *args[MAX_ARGS], dir[PATH_MAX];
	int nargs = 0, rc;
	bool seen_max;

	defaults(&o);
	rc = parse(argc, argv, &o, &resume);
	if (!rc && resume) {
		if (!realpath(resume, dir))
			return sf_usage_error("--resume %s: %s", resume, strerror(errno));
		if ((rc = load_resume(dir, text, sizeof(text), args, &nargs)))
			return rc;
		argc = nargs;
		argv = args;
		defaults(&o);
		resume = NULL;
		rc = parse(argc, argv, &o, &resume);
	}
	if (rc)
		return rc < 0 ? SF_EXIT_OK : rc;
	if (has_newline(argc, argv))
		return sf_usage_error("an argument with a newline in it: give each on one line");
	seen_max = false;
	for (int i = 1; i < argc; i++)
		seen_max |= !strncmp(argv[i], "--max-rounds", 12);
	if (!seen_max && o.max_rounds < o.rounds)
		o.max_rounds = o.rounds;
	rc = sf_bisect_check(&o, sf_validate_only);
	if (rc || sf_validate_only)
		return rc;
	return run(argc, argv, &o, nargs > 0);
}
