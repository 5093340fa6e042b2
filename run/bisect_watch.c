// SPDX-License-Identifier: MIT
/*
 * What a bisect watches: rows given as "BENCH k=v ..." (metric=NAME picks
 * the metric; the benchmark's primary metric otherwise), or a suite
 * config whose runs' primary metrics are the rows.  Either way it becomes
 * one suite config, OUT/watch.ini, checked by the suite's own loader
 * before anything is built, and measured as it is in every round.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sf_ab.h"
#include "sf_bench.h"
#include "sf_bisect_int.h"
#include "sf_config.h"
#include "sf_errors.h"
#include "sf_util.h"

static int parse_watch(const char *spec, struct sf_watch *w)
{
	char copy[sizeof(w->spec)], *save = NULL, *tok;

	memset(w, 0, sizeof(*w));
	if (strlen(spec) >= sizeof(w->spec))
		return sf_usage_error("--watch '%.40s...': too long", spec);
	snprintf(w->spec, sizeof(w->spec), "%s", spec);
	snprintf(copy, sizeof(copy), "%s", spec);
	tok = strtok_r(copy, " \t", &save);
	if (!tok || !sf_bench_find(tok))
		return sf_usage_error("--watch '%s': give a benchmark first, e.g. 'fault mode=mapsync class=hole' (syncfault list)",
				      spec);
	snprintf(w->bench, sizeof(w->bench), "%s", tok);
	while ((tok = strtok_r(NULL, " \t", &save))) {
		char *eq = strchr(tok, '=');

		if (!eq || eq == tok || !eq[1])
			return sf_usage_error("--watch '%s': '%s' is not KEY=VALUE", spec, tok);
		*eq = '\0';
		if (!strcmp(tok, "metric")) {
			snprintf(w->metric, sizeof(w->metric), "%s", eq + 1);
			continue;
		}
		if (w->nkv >= SF_WATCH_MAX_KV)
			return sf_usage_error("--watch '%s': more than %d parameters", spec, SF_WATCH_MAX_KV);
		snprintf(w->key[w->nkv], sizeof(w->key[0]), "%s", tok);
		snprintf(w->val[w->nkv], sizeof(w->val[0]), "%s", eq + 1);
		w->nkv++;
	}
	if (!w->metric[0])
		snprintf(w->metric, sizeof(w->metric), "%s", sf_bench_find(w->bench)->primary_metric);
	return 0;
}

/* The suite config of the watched rows. */
static char *watch_ini(const struct sf_bisect_opts *o, const struct sf_watch *w, int n)
{
	size_t cap = 1024 + (size_t)n * 4096, off = 0;
	char *buf = malloc(cap);

	if (!buf)
		return NULL;
	off += (size_t)snprintf(buf, cap, "; the rows syncfault bisect watches\n[global]\nlabel = bisect\n"
				"target = %s\nrepeats = %d\n%s", o->target, o->repeats,
				o->attribute ? "attribute = yes\n" : "");
	for (int i = 0; i < n && off < cap; i++) {
		off += (size_t)snprintf(buf + off, cap - off, "\n; %s\n[w%d]\nbench = %s\n",
					w[i].spec, i + 1, w[i].bench);
		for (int k = 0; k < w[i].nkv && off < cap; k++)
			off += (size_t)snprintf(buf + off, cap - off, "%s = %s\n", w[i].key[k], w[i].val[k]);
	}
	return buf;
}

/*
 * Load path as the suite would (every problem is one line, exit 2): guest
 * runs only, since the candidates are guest kernels; and the clock of the
 * rounds (sf_ab_timing: icount for guests on TCG unless given or set).
 */
static int check_suite(const char *path, const char *what, const struct sf_bisect_opts *o,
		       const char **timing, char *clock, size_t clen)
{
	struct sf_suite s;
	char err[1024];
	int rc = 0;

	if (sf_config_load(path, &s, err, sizeof(err)))
		return sf_usage_error("%s: %s", what, err);
	for (int i = 0; i < s.nruns && !rc; i++)
		if (strncmp(s.runs[i].target, "vm:", 3))
			rc = sf_usage_error("%s: run %s is on %s: a bisect boots its candidates, give guest targets (vm:NAME)",
					    what, s.runs[i].id, s.runs[i].target);
	if (!rc && o->timing && s.timing[0])
		rc = sf_usage_error("%s: [global] timing = %s and --timing %s: give the clock in one place",
				    what, s.timing, o->timing);
	*timing = o->timing;
	if (!rc && !o->list)	/* --list boots nothing: no probe of the accelerator */
		sf_ab_timing(&s, o->timing, NULL, timing);
	snprintf(clock, clen, "%s", *timing ? *timing : s.timing[0] ? s.timing : "real");
	sf_suite_free(&s);
	return rc;
}

int sf_watch_prepare(const struct sf_bisect_opts *o, struct sf_watch *w, int *nw, char **ini,
		     const char **timing, char *clock, size_t clen)
{
	char tmp[] = "/tmp/syncfault-watch.XXXXXX";
	char err[512];
	int fd, rc;

	*ini = NULL;
	*nw = 0;
	if (o->config) {
		if (sf_read_regular(o->config, SF_READ_MAX, ini, &(size_t){ 0 }, err, sizeof(err)))
			return sf_usage_error("--config %s", err);
		return check_suite(o->config, "--config", o, timing, clock, clen);
	}
	for (int i = 0; i < o->nwatch; i++)
		if (parse_watch(o->watch[i], &w[i]))
			return SF_EXIT_USAGE;
	*nw = o->nwatch;
	*ini = watch_ini(o, w, *nw);
	if (!*ini)
		return sf_error("out of memory");
	fd = mkstemp(tmp);
	if (fd < 0)
		return sf_error("cannot write %s: %s", tmp, strerror(errno));
	rc = write(fd, *ini, strlen(*ini)) == (ssize_t)strlen(*ini) ? 0 : -1;
	close(fd);
	rc = rc ? sf_error("cannot write %s", tmp) :
	     check_suite(tmp, "--watch", o, timing, clock, clen);
	unlink(tmp);
	return rc;
}

bool sf_watch_match(const struct sf_watch *w, const struct sf_result *r)
{
	if (strcmp(w->bench, r->bench))
		return false;
	for (int k = 0; k < w->nkv; k++) {
		const char *v = sf_result_param(r, w->key[k]);
		char list[sizeof(w->val[0]) + 2], item[sizeof(w->val[0]) + 4];

		/* a comma list matches each of its values */
		snprintf(list, sizeof(list), ",%s,", w->val[k]);
		snprintf(item, sizeof(item), ",%s,", v ? v : "");
		for (char *p = list; *p; p++)
			if (*p == ' ')
				memmove(p, p + 1, strlen(p));
		if (!v || !strstr(list, item))
			return false;
	}
	return true;
}

void sf_watch_name(const struct sf_watch *w, const struct sf_result *r,
		   const struct sf_result *all, int nall, char *buf, size_t len)
{
	size_t off = (size_t)snprintf(buf, len, "%s", r->bench);
	const char *v;

	for (int k = 0; w && k < w->nkv && off < len; k++) {
		v = sf_result_param(r, w->key[k]);
		off += (size_t)snprintf(buf + off, len - off, " %s=%s", w->key[k], v ? v : "");
	}
	/* a config's run: the parameters that vary among its benchmark's runs */
	for (int k = 0; !w && k < r->nparams && off < len; k++)
		if (sf_param_varies(all, nall, r->bench, r->params[k].k, NULL, NULL, NULL))
			off += (size_t)snprintf(buf + off, len - off, " %s=%s", r->params[k].k,
						r->params[k].v);
}
