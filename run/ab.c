// SPDX-License-Identifier: MIT
/* syncfault ab: A/B rounds of one suite config (sf_ab.h). */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "sf_ab.h"
#include "sf_config.h"
#include "sf_errors.h"
#include "sf_spawn.h"
#include "sf_util.h"
#include "sf_vm.h"

#define PATHLEN	4200

static bool valid_label(const char *l)
{
	if (!*l || strlen(l) > 48)
		return false;
	for (const char *p = l; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", *p))
			return false;
	return true;
}

/* --noise: a percentage from 0 to below 100, as compare takes it. */
static bool valid_noise(const char *s)
{
	char *end;
	double v;

	if (!*s || strspn(s, "0123456789.") != strlen(s))
		return false;
	errno = 0;
	v = strtod(s, &end);
	return !errno && !*end && v >= 0 && v < 100;
}

/* --aa: side B is side A again, labelled LABEL2 unless named. */
static int apply_aa(struct sf_ab_opts *o)
{
	struct sf_ab_side *a = &o->side[0], *b = &o->side[1];

	if (b->kernel || b->modules || b->setup)
		return sf_usage_error("--aa compares side A with itself: drop the -b options");
	b->kernel = a->kernel;
	b->modules = a->modules;
	b->setup = a->setup;
	if (!strcmp(b->label, "B")) {
		snprintf(o->label_b, sizeof(o->label_b), "%s2", a->label);
		b->label = o->label_b;
	}
	return 0;
}

static int check_options(struct sf_ab_opts *o)
{
	if (!o->config)
		return sf_usage_error("ab needs a suite config: e.g. syncfault ab --aa configs/patch-review.ini");
	if (o->rounds < 1 || o->rounds > SF_AB_MAX_ROUNDS)
		return sf_usage_error("--rounds %d: give an integer from 1 to %d", o->rounds,
				      SF_AB_MAX_ROUNDS);
	if (o->timing && strcmp(o->timing, "icount") && strcmp(o->timing, "real"))
		return sf_usage_error("--timing %s: use icount or real", o->timing);
	if (o->noise && !valid_noise(o->noise))
		return sf_usage_error("--noise '%s': give a percentage from 0 to below 100", o->noise);
	for (int i = 0; i < 2; i++) {
		const struct sf_ab_side *s = &o->side[i];

		if (!valid_label(s->label))
			return sf_usage_error("label '%s': use letters, digits, '.', '_', '-' (at most 48)",
					      s->label);
		if (s->modules && !s->kernel)
			return sf_usage_error("--modules-%c needs --kernel-%c (the bzImage they belong to)",
					      'a' + i, 'a' + i);
		if (s->setup && !*s->setup)
			return sf_usage_error("--setup-%c '': give a shell command", 'a' + i);
	}
	if (o->aa && apply_aa(o))
		return SF_EXIT_USAGE;
	if (!strcmp(o->side[0].label, o->side[1].label))
		return sf_usage_error("the two sides need different labels (both are '%s')",
				      o->side[0].label);
	if (o->out && !*o->out)
		return sf_usage_error("-o '': give the A/B's directory");
	return 0;
}

/*
 * Will a guest of kernel SPEC (NULL: the default) run on TCG?  As a boot
 * would decide (scripts/vm/run --which-accel auto --kernel IMAGE: KVM must
 * run that kernel, cached per host boot): a nested KVM can pass every
 * probe but that.  False when it cannot be told (no guest boots either).
 */
static bool on_tcg(const char *spec)
{
	char kscript[PATH_MAX], rscript[PATH_MAX], err[512], *out = NULL, *img;
	char *resolve[] = { kscript, "resolve", (char *)spec, NULL };
	char *which[] = { rscript, "--which-accel", "auto", "--kernel", NULL, NULL };
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	bool tcg = false;

	if (sf_vm_script("kernel", kscript, sizeof(kscript), err, sizeof(err)) ||
	    sf_vm_script("run", rscript, sizeof(rscript), err, sizeof(err)) ||
	    sf_spawn_capture(resolve, null, 64 << 10, &out) || !(img = strstr(out, "image=")))
		goto out;
	img += strlen("image=");
	img[strcspn(img, "\n")] = '\0';
	which[4] = img;
	free(out);
	out = NULL;
	tcg = !sf_spawn_capture(which, null, 256, &out) && !strncmp(out, "tcg", 3);
out:
	free(out);
	if (null >= 0)
		close(null);
	return tcg;
}

int sf_ab_timing(const struct sf_suite *cfg, const char *given, const char *kernel,
		 const char **timing)
{
	bool guests = false;

	*timing = given;
	if (given && cfg->timing[0])
		return -1;
	if (given || cfg->timing[0])
		return 0;
	for (int i = 0; i < cfg->nruns; i++)
		guests |= !strncmp(cfg->runs[i].target, "vm:", 3);
	if (guests && on_tcg(kernel))
		*timing = "icount";	/* TCG: count instructions, not the host's time */
	return 0;
}

void sf_ab_timing_words(const char *timing, bool chosen, char *buf, size_t len)
{
	if (!timing)
		snprintf(buf, len, "the suite's (real time unless its timing = says)");
	else if (!strcmp(timing, "icount"))
		snprintf(buf, len, "icount%s: QEMU counts guest instructions, 1 ns each, the same on every boot; cache, memory and device latency are not modelled%s",
			 chosen ? " (the default for guests on TCG)" : "",
			 chosen ? "; --timing real for the host's clock" : "");
	else
		snprintf(buf, len, "%s", timing);
}

/* The config is valid before anything runs (the suite's loader says where not), and its clock. */
static int check_config(struct sf_ab_opts *o)
{
	struct sf_suite cfg;
	char err[1024];
	const char *given = o->timing;
	int rc = 0;

	if (sf_config_load(o->config, &cfg, err, sizeof(err)))
		return sf_usage_error("%s", err);
	if (sf_ab_timing(&cfg, given, o->side[0].kernel, &o->timing))
		rc = sf_usage_error("%s:%d: [global] timing = %s and --timing %s: give the clock in one place",
				    o->config, cfg.timing_line, cfg.timing, given);
	o->timing_chosen = o->timing && !given;
	for (int i = 0; i < cfg.nruns; i++)
		o->guests |= !strncmp(cfg.runs[i].target, "vm:", 3);
	sf_suite_free(&cfg);
	return rc;
}

int sf_ab_check(struct sf_ab_opts *o, bool only_options)
{
	char err[1024];
	struct stat st;

	if (check_options(o))
		return SF_EXIT_USAGE;
	if (only_options)
		return 0;
	if (access(o->config, R_OK))
		return sf_usage_error("config %s: %s", o->config, strerror(errno));
	for (int i = 0; i < 2; i++) {
		const struct sf_ab_side *s = &o->side[i];

		if (s->modules && (stat(s->modules, &st) || !S_ISDIR(st.st_mode)))
			return sf_usage_error("--modules-%c %s: no such directory", 'a' + i, s->modules);
		if (s->kernel && sf_kernel_check(s->kernel, err, sizeof(err)))
			return sf_usage_error("--kernel-%c: %s", 'a' + i, err);
	}
	if (check_config(o))
		return SF_EXIT_USAGE;
	if (!o->out) {
		time_t now = time(NULL);

		strftime(o->out_buf, sizeof(o->out_buf), "results/ab-%Y%m%d-%H%M%S",
			 localtime(&now));
		o->out = o->out_buf;
	}
	return 0;
}

/* ---- rounds ---- */

bool sf_ab_round_done(const char *dir)
{
	char path[PATHLEN], err[512];
	json_object *env, *v;
	bool done;

	snprintf(path, sizeof(path), "%s/env.json", dir);
	if (access(path, F_OK))
		return false;
	env = sf_json_read(path, SF_READ_MAX, err, sizeof(err));
	/* the suite's own record: {"suite": {"interrupted": false ...}} */
	done = env && json_object_object_get_ex(env, "suite", &v) &&
	       json_object_object_get_ex(v, "interrupted", &v) &&
	       json_object_is_type(v, json_type_boolean) && !json_object_get_boolean(v);
	json_object_put(env);
	return done;
}

static int run_setup(const char *cmd)
{
	char *argv[] = { "/bin/sh", "-c", (char *)cmd, NULL };

	return sf_spawn(argv, -1, -1) ? -1 : 0;
}

int sf_ab_round(const char *config, const char *dir, const char *label,
		const struct sf_ab_side *s, const char *timing)
{
	char env[PATHLEN];
	char *argv[16];
	int n = 0;

	if (sf_ab_round_done(dir))
		return 0;
	if (s->setup && run_setup(s->setup))
		return -1;
	snprintf(env, sizeof(env), "%s/env.json", dir);
	argv[n++] = NULL;
	argv[n++] = "suite";
	if (!access(env, F_OK)) {
		argv[n++] = "--resume";
		argv[n++] = (char *)dir;
	} else {
		argv[n++] = (char *)config;
		argv[n++] = "-o";
		argv[n++] = (char *)dir;
		argv[n++] = "--label";
		argv[n++] = (char *)label;
	}
	if (s->kernel) {
		argv[n++] = "--kernel";
		argv[n++] = (char *)s->kernel;
	}
	if (s->modules) {
		argv[n++] = "--modules";
		argv[n++] = (char *)s->modules;
	}
	if (timing) {
		argv[n++] = "--timing";
		argv[n++] = (char *)timing;
	}
	argv[n] = NULL;
	return sf_spawn(argv, -1, -1);
}

/* What to do after a round: 0 go on, else the exit status to stop with. */
static int after_round(const struct sf_ab_opts *o, const struct sf_ab_side *s, int r, int rc,
		       const char *dir)
{
	if (rc == 0)
		return 0;
	if (rc == 130 || sf_interrupted) {
		sf_error("ab interrupted; continue with the same command and -o %s",
			o->out);
		return 130;
	}
	if (rc == SF_EXIT_USAGE)
		return SF_EXIT_USAGE;
	if (rc < 0 && s->setup)
		return sf_usage_error("--setup-%c failed: %s", s == &o->side[0] ? 'a' : 'b', s->setup);
	sf_error("ab: %s round %d: suite exited %d (failed runs or checks: see %s/report.txt)",
		s->label, r, rc, dir);
	return 0;
}

/* Rounds that did not finish (every run without a result, a stop): named, never counted. */
struct ab_unfinished {
	int n, side[2];
	char which[256];
};

static void note_unfinished(struct ab_unfinished *u, int side, const char *label, int r,
			    const char *dir)
{
	size_t off = strlen(u->which);

	if (sf_ab_round_done(dir))
		return;
	u->n++;
	u->side[side]++;
	if (off < sizeof(u->which))
		snprintf(u->which + off, sizeof(u->which) - off, "%s%s round %d", off ? ", " : "",
			 label, r);
}

static int run_side(const struct sf_ab_opts *o, int side, int r, struct ab_unfinished *u)
{
	int rc;

	const struct sf_ab_side *s = &o->side[side];
	char dir[PATHLEN], parent[PATHLEN], label[80];

	snprintf(parent, sizeof(parent), "%s/%s", o->out, s->label);
	snprintf(dir, sizeof(dir), "%s/round-%d", parent, r);
	if (sf_ab_round_done(dir)) {
		printf("== %s round %d: done before\n", s->label, r);
		return 0;
	}
	printf("== %s (%c) round %d of %d\n", s->label, 'a' + side, r, o->rounds);
	if (sf_mkdir_p(parent, 0755))
		return sf_error("cannot create %s: %s", parent, strerror(errno));
	snprintf(label, sizeof(label), "%s-r%d", s->label, r);
	rc = after_round(o, s, r, sf_ab_round(o->config, dir, label, s, o->timing), dir);
	if (!rc)
		note_unfinished(u, side, s->label, r, dir);
	return rc;
}

/* ---- the comparison ---- */

void sf_ab_booted(const char *dir, const char *asked, char *buf, size_t len)
{
	char pat[PATHLEN], name[512] = "?", rel[256] = "?", desc[1024] = "?";
	struct utsname u;
	glob_t g;

	snprintf(pat, sizeof(pat), "%s/guest-*/vm-*.timing", dir);
	if (glob(pat, 0, NULL, &g) || !g.gl_pathc) {
		globfree(&g);
		uname(&u);
		snprintf(buf, len, "host kernel %s (no guest runs)", u.release);
		return;
	}
	sf_read_kv(g.gl_pathv[0], "kernel_name", name, sizeof(name));
	sf_read_kv(g.gl_pathv[0], "kernel_release", rel, sizeof(rel));
	sf_read_kv(g.gl_pathv[0], "kernel", desc, sizeof(desc));
	globfree(&g);
	snprintf(buf, len, "%s = %s, release %s (%s)", asked ? asked : "default",
		 name[0] ? name : "?", rel[0] ? rel : "?", desc[0] ? desc : "?");
}

/* OUT/kernels.txt: what each side's guests booted (report.txt states it too). */
static int write_kernels(const struct sf_ab_opts *o, char *text, size_t len)
{
	char dir[PATHLEN], line[2048], path[PATHLEN], err[512];
	size_t off = (size_t)snprintf(text, len, "Kernels (guest targets):\n");

	for (int i = 0; i < 2 && off < len; i++) {
		snprintf(dir, sizeof(dir), "%s/%s/round-1", o->out, o->side[i].label);
		sf_ab_booted(dir, o->side[i].kernel, line, sizeof(line));
		off += (size_t)snprintf(text + off, len - off, "  %s: %s\n", o->side[i].label, line);
	}
	if (off < len)
		off += (size_t)snprintf(text + off, len - off, "\n");
	snprintf(path, sizeof(path), "%s/kernels.txt", o->out);
	if (sf_write_atomic(path, text, strlen(text), err, sizeof(err)))
		return sf_error("%s", err);
	return 0;
}

/* compare.txt: kernels.txt, then compare's table; compare.html; compare's exit status. */
static int compare(const struct sf_ab_opts *o)
{
	char kernels[8192], base[PATHLEN], new[PATHLEN], table[PATHLEN], path[PATHLEN];
	char html[PATHLEN], err[512], *text = NULL, *all;
	char *argv[10];
	size_t tlen = 0;
	int n = 0, rc;

	if (write_kernels(o, kernels, sizeof(kernels)))
		return SF_EXIT_ERROR;
	snprintf(base, sizeof(base), "%s/%s", o->out, o->side[0].label);
	snprintf(new, sizeof(new), "%s/%s", o->out, o->side[1].label);
	snprintf(table, sizeof(table), "%s/.compare-table", o->out);
	argv[n++] = NULL;
	argv[n++] = "compare";
	if (o->noise) {
		argv[n++] = "--noise";
		argv[n++] = (char *)o->noise;
	}
	snprintf(html, sizeof(html), "%s/compare.html", o->out);
	argv[n++] = "--html";
	argv[n++] = html;
	argv[n++] = base;
	argv[n++] = new;
	argv[n] = NULL;
	rc = sf_spawn_to_file(argv, table, SF_STATUS_BIT(0) | SF_STATUS_BIT(SF_EXIT_REGRESSION));
	if (rc != 0 && rc != SF_EXIT_REGRESSION)
		return rc == 130 ? 130 : sf_error("ab: comparing %s with %s failed (exit %d)", base, new, rc);
	if (sf_read_regular(table, SF_READ_MAX, &text, &tlen, err, sizeof(err)))
		return sf_error("%s", err);
	unlink(table);
	all = malloc(strlen(kernels) + tlen + 1);
	if (!all) {
		free(text);
		return sf_error("out of memory");
	}
	strcpy(all, kernels);
	memcpy(all + strlen(kernels), text, tlen + 1);
	snprintf(path, sizeof(path), "%s/compare.txt", o->out);
	if (sf_write_atomic(path, all, strlen(all), err, sizeof(err)))
		rc = sf_error("%s", err);
	else
		fputs(all, stdout);
	free(all);
	free(text);
	return rc;
}

/* report.txt of both sides' rounds; it states kernels.txt. */
static void report(const char *out)
{
	char *argv[] = { NULL, "report", (char *)out, NULL };
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

	if (sf_spawn(argv, null, -1))
		sf_error("ab: the report of %s failed (the comparison stands)", out);
	if (null >= 0)
		close(null);
}

/* OUT/clock: the rounds of one A/B are all of one clock. */
static int same_clock(const struct sf_ab_opts *o)
{
	char path[PATHLEN], err[512], had[32];
	const char *now = o->timing ? o->timing : "suite";

	snprintf(path, sizeof(path), "%s/clock", o->out);
	if (!sf_read_line(path, had, sizeof(had)))
		return strcmp(had, now) ?
		       sf_usage_error("%s holds rounds measured with timing %s, not %s: give another -o",
				      o->out, had, now) : 0;
	return sf_write_atomic(path, now, strlen(now), err, sizeof(err)) ? sf_error("%s", err) : 0;
}

int sf_ab_run(const struct sf_ab_opts *o)
{
	char words[320];
	time_t start = time(NULL);
	struct ab_unfinished u = { 0 };
	int rc;

	if (sf_mkdir_p(o->out, 0755))
		return sf_usage_error("-o %s: cannot create it: %s", o->out, strerror(errno));
	if ((rc = same_clock(o)))
		return rc;
	sf_install_signals();
	sf_ab_timing_words(o->timing, o->timing_chosen, words, sizeof(words));
	if (o->guests)
		printf("ab: the guests' clock: %s\n", words);
	for (int r = 1; r <= o->rounds; r++) {
		int first = (r % 2) ? 0 : 1;	/* A B, B A, A B ... */

		if ((rc = run_side(o, first, r, &u)) || (rc = run_side(o, !first, r, &u)))
			return rc;
	}
	for (int i = 0; i < 2; i++)
		if (u.side[i] == o->rounds)
			return sf_error("ab: no round of %s finished (%s): nothing to compare; fix the cause above and run the same command again",
					o->side[i].label, u.which);
	if (u.n)
		printf("== compare %s (base) with %s (new): %d of the %d rounds did not finish (%s); the comparison has only the others\n",
		       o->side[0].label, o->side[1].label, u.n, 2 * o->rounds, u.which);
	else
		printf("== compare %s (base) with %s (new), %d round%s each\n", o->side[0].label,
		       o->side[1].label, o->rounds, o->rounds > 1 ? "s" : "");
	rc = compare(o);
	if (rc != 0 && rc != SF_EXIT_REGRESSION)
		return rc;
	report(o->out);
	printf("ab: wall time %ld s; comparison in %s/compare.txt, report in %s/report.txt\n",
	       (long)(time(NULL) - start), o->out, o->out);
	if (u.n)
		return sf_error("ab: %d round%s did not finish (%s): run the same command again (same -o) to finish %s",
				u.n, u.n > 1 ? "s" : "", u.which, u.n > 1 ? "them" : "it");
	return rc;
}
