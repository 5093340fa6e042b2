// SPDX-License-Identifier: MIT
/*
 * syncfault bisect: the options checked, the bisect's directory set up
 * (the series, the watched config, the log) and the search or the walk
 * run in it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sf_ab.h"
#include "sf_bisect_int.h"
#include "sf_errors.h"
#include "sf_util.h"
#include "sf_vm.h"

static bool is_dir(const char *p)
{
	struct stat st;

	return !stat(p, &st) && S_ISDIR(st.st_mode);
}

/* debian:SERIES or a kernel tree, as kernel build takes them. */
static int check_base(const char *base)
{
	char mk[PATH_MAX + 16], x86[PATH_MAX + 16];
	const char *series = base + strlen("debian:");
	int a, b;
	char extra;

	if (!strncmp(base, "debian:", 7))
		return sscanf(series, "%d.%d%c", &a, &b, &extra) == 2 ? 0 :
		       sf_usage_error("--base %s: give a series, e.g. debian:6.12", base);
	snprintf(mk, sizeof(mk), "%s/Makefile", base);
	snprintf(x86, sizeof(x86), "%s/arch/x86", base);
	if (access(mk, R_OK) || !is_dir(x86))
		return sf_usage_error("--base %s: not a kernel source tree (give debian:6.12 or a tree with Makefile and arch/x86)",
				      base);
	return 0;
}

static int check_source(const struct sf_bisect_opts *o)
{
	bool series = o->base || o->series, git = o->tree || o->good || o->bad;

	if (series && git)
		return sf_usage_error("give --base and --series, or --tree with --good and --bad, not both");
	if (git && (!o->tree || !o->good || !o->bad))
		return sf_usage_error("a git range needs --tree DIR --good REV --bad REV");
	if (!git && (!o->base || !o->series))
		return sf_usage_error("bisect needs --base SRC --series SERIES, or --tree DIR --good REV --bad REV");
	if (git && !is_dir(o->tree))
		return sf_usage_error("--tree %s: no such directory", o->tree);
	if (series && access(o->series, R_OK))
		return sf_usage_error("--series %s: %s", o->series, strerror(errno));
	return series ? check_base(o->base) : 0;
}

static int check_numbers(const struct sf_bisect_opts *o)
{
	if (!(o->size > 0 && o->size < 100))
		return sf_usage_error("--size %g: give the change to find in %%, above 0 and below 100", o->size);
	if (!(o->noise >= 0 && o->noise < 100))
		return sf_usage_error("--noise %g: give a percentage from 0 to below 100", o->noise);
	if (o->rounds < 1 || o->max_rounds < o->rounds || o->max_rounds > SF_AB_MAX_ROUNDS)
		return sf_usage_error("--rounds %d, --max-rounds %d: give 1 <= rounds <= max-rounds <= %d",
				      o->rounds, o->max_rounds, SF_AB_MAX_ROUNDS);
	if (o->repeats < 1 || o->repeats > 1000)
		return sf_usage_error("--repeats %d: give 1 to 1000", o->repeats);
	if (o->jobs < 0 || o->jobs > 1024)
		return sf_usage_error("-j %d: give 1 to 1024", o->jobs);
	return 0;
}

int sf_bisect_check(struct sf_bisect_opts *o, bool only_options)
{
	if (check_source(o) || check_numbers(o))
		return SF_EXIT_USAGE;
	if (!o->nwatch == !o->config)
		return sf_usage_error(o->config ? "give --watch rows or --config, not both" :
				      "what to watch: --watch 'fault mode=mapsync class=hole' or --config CONFIG");
	if (o->config && o->attribute)
		return sf_usage_error("--attribute with --config: put attribute = yes in the config's [global]");
	if (o->timing && strcmp(o->timing, "icount") && strcmp(o->timing, "real"))
		return sf_usage_error("--timing %s: use icount or real", o->timing);
	if (o->out && !*o->out)
		return sf_usage_error("-o '': give the bisect's directory");
	return 0;
}

/* ---- the directory ---- */

/* FNV-1a: a name for the watched config, not a defence. */
static uint64_t hash64(const char *s, uint64_t h)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static int setup_watch(struct bisect *b, const char *ini)
{
	struct sf_vm_opts vo = { .timing = b->clock };
	char err[512], cpus[32];
	uint64_t h = 1469598103934665603ull;

	snprintf(b->watch_ini, sizeof(b->watch_ini), "%s/watch.ini", b->o->out);
	if (sf_write_atomic(b->watch_ini, ini, strlen(ini), err, sizeof(err)))
		return sf_error("%s", err);
	h = hash64(ini, h);
	h = hash64(SYNCFAULT_VERSION, h);
	/* the guests' vCPUs change what is measured (icount guests went from 2 to 1) */
	snprintf(cpus, sizeof(cpus), "cpus=%ld", sf_vm_cpus(&vo));
	h = hash64(cpus, h);
	snprintf(b->watch_id, sizeof(b->watch_id), "%016llx-%s", (unsigned long long)h, b->clock);
	return 0;
}

/* OUT/command: the command a resumed bisect must be. */
static int same_command(const struct sf_bisect_opts *o, const char *cmd)
{
	char path[PATH_MAX + 16], err[512], *old = NULL;
	size_t len;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/command", o->out);
	if (access(path, F_OK))
		return sf_write_atomic(path, cmd, strlen(cmd), err, sizeof(err)) ?
		       sf_error("%s", err) : 0;
	if (sf_read_regular(path, 1 << 20, &old, &len, err, sizeof(err)))
		return sf_error("%s", err);
	if (strcmp(old, cmd))
		rc = sf_usage_error("%s holds a bisect of another command (%s): continue it with syncfault bisect --resume %s, or give another -o",
				    o->out, path, o->out);
	free(old);
	return rc;
}

static int setup(struct bisect *b, const char *cmd, const char *ini)
{
	char path[PATH_MAX + 16], words[320];
	int rc;

	if ((rc = same_command(b->o, cmd)) || (rc = sf_series_load(b->o, &b->s)) ||
	    (rc = setup_watch(b, ini)))
		return rc;
	b->c = calloc(b->s.n + 1, sizeof(*b->c));
	if (!b->c)
		return sf_error("out of memory");
	for (int k = 0; k <= b->s.n; k++)
		b->c[k].k = k;
	snprintf(path, sizeof(path), "%s/log.txt", b->o->out);
	b->log = fopen(path, "ae");
	if (!b->log)
		return sf_error("cannot write %s: %s", path, strerror(errno));
	sf_ab_timing_words(b->timing, b->timing && !b->o->timing, words, sizeof(words));
	sf_bisect_say(b, "bisect: %d %s on %s; the guests' clock: %s\n", b->s.n,
		      b->o->tree ? "commits" : "patches", b->s.base_desc, b->timing ? words : b->clock);
	return 0;
}

/* --list: the series as the bisect reads it (into a scratch copy) and the watched config. */
static int list(const struct sf_bisect_opts *o, const char *ini, const char *timing)
{
	char words[320];
	struct sf_bisect_opts lo = *o;
	struct sf_series s;
	char tmp[PATH_MAX];
	const char *t = getenv("TMPDIR");
	int rc;

	snprintf(tmp, sizeof(tmp), "%s/syncfault-bisect.XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(tmp))
		return sf_error("cannot create %s: %s", tmp, strerror(errno));
	lo.out = tmp;
	rc = sf_series_load(&lo, &s);
	if (!rc) {
		printf("base: %s\n", s.base_desc);
		for (int i = 0; i < s.n; i++)
			printf("%3d  %-14.14s %s\n", i + 1, s.p[i].id, s.p[i].subject);
		sf_ab_timing_words(timing, false, words, sizeof(words));
		printf("the guests' clock: %s\n", timing ? words :
		       "icount where the guests run on TCG (decided when the bisect starts), else real time");
		printf("watched (a round of each candidate runs this suite config):\n%s", ini);
	}
	sf_series_free(&s);
	sf_remove_tree(tmp);
	return rc;
}

int sf_bisect_run(const struct sf_bisect_opts *o, const char *cmd)
{
	struct bisect b = { .o = o, .ops = &sf_cand_real_ops, .t0 = sf_bisect_now() };
	char *ini = NULL;
	bool created;
	int rc;

	rc = sf_watch_prepare(o, b.w, &b.nw, &ini, &b.timing, b.clock, sizeof(b.clock));
	if (rc || o->list) {
		rc = rc ? rc : list(o, ini, b.timing);
		goto out;
	}
	created = access(o->out, F_OK) != 0;
	if (sf_mkdir_p(o->out, 0755)) {
		rc = sf_usage_error("-o %s: cannot create it: %s", o->out, strerror(errno));
		goto out;
	}
	sf_install_signals();
	rc = setup(&b, cmd, ini);
	if (rc == SF_EXIT_USAGE && created)
		sf_remove_tree(o->out);	/* bad input leaves nothing behind */
	if (!rc)
		rc = o->build_only ? sf_bisect_build_all(&b) :
		     o->walk ? sf_bisect_walk(&b) : sf_bisect_search(&b);
	if (rc == 130 || sf_interrupted) {
		sf_error("bisect interrupted: continue with syncfault bisect --resume %s",
			o->out);
		rc = 130;
	}
out:
	if (b.log)
		fclose(b.log);
	free(b.c);
	sf_series_free(&b.s);
	free(ini);
	return rc;
}
