// SPDX-License-Identifier: MIT
/*
 * The run summary (the sync tables, as `run` prints them after a matrix)
 * and the report (the break-even section under its figures) state the same
 * break-even for every pair of modes, on the stored sync fixture and on
 * variants of it: with fsync and fdatasync lines added, and with mapsync
 * measured at one batch size only (where the summary once compared that
 * one median with every batch of the other mode and the report did not).
 */
#include <math.h>
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "sf_bench.h"
#include "sf_harness.h"
#include "sf_report.h"
#include "sf_util.h"

#define FIXTURE SYNCFAULT_SOURCE_DIR "/tests/e2e/fixtures/report/sync-ext4-dax.json"
static const char *const modes[] = { "msync", "fsync", "fdatasync" };

/* Every time_to_durable_per_update value of r times f. */
static void scale(struct sf_result *r, double f)
{
	struct sf_metric *m = sf_result_metric(r, "time_to_durable_per_update");

	m->sum.p50 *= f;
	for (int i = 0; i < m->nrepeats; i++)
		m->repeats[i] *= f;
}

static void set_param(struct sf_result *r, const char *k, const char *v)
{
	for (int i = 0; i < r->nparams; i++)
		if (!strcmp(r->params[i].k, k)) {
			free(r->params[i].v);
			r->params[i].v = strdup(v);
		}
}

/* What one text says of mode's break-even against mapsync, in one word and a number. */
static void stated(const char *text, const char *re_fmt, const char *mode, char *out, size_t len)
{
	char re[512];
	regex_t rx;
	regmatch_t m[2];

	snprintf(re, sizeof(re), re_fmt, mode);
	assert_int_equal(regcomp(&rx, re, REG_EXTENDED), 0);
	if (regexec(&rx, text, 2, m, 0))
		snprintf(out, len, "none");
	else
		snprintf(out, len, "%.*s", (int)(m[1].rm_eo - m[1].rm_so), text + m[1].rm_so);
	regfree(&rx);
}

/* The text with every run of blanks and newlines made one space (sf_wrap breaks lines). */
static void squeeze(char *s)
{
	char *w = s;

	for (char *r = s; *r; r++)
		if (!((*r == ' ' || *r == '\n') && w > s && w[-1] == ' '))
			*w++ = *r == '\n' ? ' ' : *r;
	*w = 0;
}

static char *summary_of(struct sf_result *res, int n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	sf_tables_print(sf_bench_find("sync"), res, n, f);
	fclose(f);
	squeeze(buf);
	return buf;
}

static char *report_of(struct sf_result *res, int n)
{
	char dir[] = "/tmp/sf-beagree.XXXXXX", path[256], err[512], *txt = NULL, *be;
	json_object *a = json_object_new_array();
	size_t len;

	assert_non_null(mkdtemp(dir));
	for (int i = 0; i < n; i++)
		json_object_array_add(a, sf_result_to_json(&res[i]));
	snprintf(path, sizeof(path), "%s/sync.json", dir);
	assert_int_equal(sf_json_write_atomic(a, path, err, sizeof(err)), 0);
	json_object_put(a);
	assert_int_equal(sf_report_build(dir, err, sizeof(err)), 0);
	snprintf(path, sizeof(path), "%s/report.txt", dir);
	assert_int_equal(sf_read_regular(path, 1 << 24, &txt, &len, err, sizeof(err)), 0);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
	/* the figures' break-even section, not the sync tables report.txt also holds */
	be = strstr(txt, "Break-even, from the medians");
	be = strdup(be ? be : "");
	free(txt);
	squeeze(be);
	return be;
}

/*
 * The same statement in both: an interpolated batch, cheaper from the
 * first batch tried (and which), never cheaper, or nothing stated.
 */
static void agree(struct sf_result *res, int n, int *found)
{
	char *sum = summary_of(res, n), *rep = report_of(res, n);

	for (size_t k = 0; k < sizeof(modes) / sizeof(modes[0]); k++) {
		char s[4][64], r[4][64];

		stated(sum, "mapsync vs %s: [^;]*; break-even between batch [0-9]+ and [0-9]+ \\(about ([0-9.]+)", modes[k], s[0], 64);
		stated(rep, " %s becomes cheaper per update than mapsync at batch ~([0-9.]+)", modes[k], r[0], 64);
		stated(sum, "mapsync vs %s: [a-z]+ is already cheaper per update at the smallest batch tried \\(([0-9]+)\\)", modes[k], s[1], 64);
		stated(rep, " %s is cheaper per update than mapsync already at batch ([0-9]+)", modes[k], r[1], 64);
		stated(sum, "mapsync vs %s: [a-z]+ is never cheaper per update in the range tried \\(batch ([0-9.]+)", modes[k], s[2], 64);
		stated(rep, " %s is not cheaper per update than mapsync at any batch tried \\(([0-9.]+)", modes[k], r[2], 64);
		for (int i = 0; i < 3; i++) {
			if (strcmp(s[i], r[i]))
				fail_msg("mapsync vs %s: the summary states '%s', the report '%s'\nsummary: %s\nreport: %s",
					 modes[k], s[i], r[i], sum, rep);
			*found += strcmp(s[i], "none") != 0;
		}
	}
	free(sum);
	free(rep);
}

static int load(struct sf_result **res)
{
	char err[512];
	int n = sf_results_read(FIXTURE, res, err, sizeof(err));

	if (n < 0)
		fail_msg("%s", err);
	return n;
}

static void fixture_as_stored(void **state)
{
	struct sf_result *res;
	int n = load(&res), found = 0;

	agree(res, n, &found);
	assert_int_equal(found, 1);	/* msync crosses mapsync (fixtures/README) */
	sf_results_free(res, n);
}

/* fsync: cheaper from the first batch; fdatasync: never cheaper. */
static void every_pair(void **state)
{
	struct sf_result *res, *all;
	int n = load(&res), m = 0, found = 0, nmsync = 0;

	all = calloc((size_t)n * 3, sizeof(*all));
	for (int i = 0; i < n; i++)
		nmsync += !strcmp(sf_result_param(&res[i], "mode"), "msync");
	assert_true(nmsync > 1);
	sf_results_free(res, n);
	for (int copy = 0; copy < 3; copy++) {
		n = load(&res);
		for (int i = 0; i < n; i++) {
			if (copy && strcmp(sf_result_param(&res[i], "mode"), "msync")) {
				sf_result_free(&res[i]);
				continue;
			}
			if (copy) {
				set_param(&res[i], "mode", copy == 1 ? "fsync" : "fdatasync");
				scale(&res[i], copy == 1 ? 1e-3 : 1e3);
			}
			all[m++] = res[i];
		}
		free(res);
	}
	agree(all, m, &found);
	assert_int_equal(found, 3);
	sf_results_free(all, m);
}

/* mapsync at batch 1 only: no batch both measured beyond 1, so neither states a crossing. */
static void reference_at_one_batch(void **state)
{
	struct sf_result *res;
	int n = load(&res), m = 0, found = 0;

	for (int i = 0; i < n; i++) {
		if (!strcmp(sf_result_param(&res[i], "mode"), "mapsync") &&
		    strcmp(sf_result_param(&res[i], "batch"), "1")) {
			sf_result_free(&res[i]);
			continue;
		}
		res[m++] = res[i];
	}
	agree(res, m, &found);
	assert_int_equal(found, 1);	/* both: never cheaper at the one batch both measured */
	sf_results_free(res, m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fixture_as_stored),
		cmocka_unit_test(every_pair),
		cmocka_unit_test(reference_at_one_batch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
