// SPDX-License-Identifier: MIT
/*
 * The findings as facts (sf_findings.h), on results made here: a contrast
 * pairs each group with its own (class=hole with hole, never with
 * written), states the change as compare does (8x dearer, its interval
 * around 8 and away from 1, marked worse); a change inside the noise is
 * not marked; a result without its counterpart is no fact; a pair of
 * metrics in one result; the best of each value, the best first; a
 * question without data is not had.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sf_findings.h"

#define MAXR	16

static struct sf_result res[MAXR];
static struct sf_metric met[MAXR][2];
static double vals[MAXR][2][8];
static struct sf_kv kv[MAXR][2];
static int nres;

static const struct sf_finding contrast[] = {
	{ SF_Q_FAULT, SF_FIND_CONTRAST, .metric = "lat", .param = "mode", .value = "mapsync",
	  .against = "none", .what = "a fault" },
	{ 0 }
};
static const struct sf_finding pair[] = {
	{ SF_Q_CONTENTION, SF_FIND_PAIR, .metric = "lat_loaded", .metric2 = "lat_idle" },
	{ 0 }
};
static const struct sf_finding best[] = {
	{ SF_Q_FLUSH, SF_FIND_BEST, .metric = "lat", .by = "mode" },
	{ 0 }
};
static const struct sf_bench b_fault = { .name = "fault", .findings = contrast };
static const struct sf_bench b_cont = { .name = "contention", .findings = pair };
static const struct sf_bench b_flush = { .name = "flush", .findings = best };
static const struct sf_bench *const benches[] = { &b_fault, &b_cont, &b_flush, NULL };

static void set_metric(struct sf_metric *m, double *store, const char *name, double v)
{
	memset(m, 0, sizeof(*m));
	snprintf(m->name, sizeof(m->name), "%s", name);
	snprintf(m->unit, sizeof(m->unit), "ns");
	/* 5 repeats at v +-2%, deterministic */
	for (int i = 0; i < 5; i++)
		store[i] = v * (1 + 0.01 * (i - 2));
	m->repeats = store;
	m->nrepeats = 5;
	m->sum.p50 = v;
}

/* A result of bench with mode and class, metric m1 at v1 (and m2 at v2 when named). */
static struct sf_result *add(const char *bench, const char *mode, const char *cls,
			     const char *m1, double v1, const char *m2, double v2)
{
	int i = nres++;
	struct sf_result *r = &res[i];

	memset(r, 0, sizeof(*r));
	snprintf(r->bench, sizeof(r->bench), "%s", bench);
	kv[i][0].k = "mode";
	kv[i][0].v = (char *)mode;
	kv[i][1].k = "class";
	kv[i][1].v = (char *)cls;
	r->params = kv[i];
	r->nparams = 2;
	snprintf(r->target.fs, sizeof(r->target.fs), "ext4");
	r->target.dax = true;
	set_metric(&met[i][0], vals[i][0], m1, v1);
	r->metrics = met[i];
	r->nmetrics = 1;
	if (m2) {
		set_metric(&met[i][1], vals[i][1], m2, v2);
		r->nmetrics = 2;
	}
	return r;
}

static int setup(void **state)
{
	(void)state;
	nres = 0;
	return 0;
}

static const struct sf_fact *only(const struct sf_findings *fs, enum sf_question q, int k)
{
	for (int i = 0; i < fs->n; i++)
		if (fs->f[i].decl->q == q && !k--)
			return &fs->f[i];
	return NULL;
}

static int count(const struct sf_findings *fs, enum sf_question q)
{
	int n = 0;

	for (int i = 0; i < fs->n; i++)
		n += fs->f[i].decl->q == q;
	return n;
}

static void test_contrast_pairs_each_group_with_its_own(void **state)
{
	struct sf_findings fs;
	const struct sf_fact *hole, *written;

	(void)state;
	add("fault", "none", "hole", "lat", 100, NULL, 0);
	add("fault", "none", "written", "lat", 10, NULL, 0);
	add("fault", "mapsync", "written", "lat", 10.1, NULL, 0);
	add("fault", "mapsync", "hole", "lat", 800, NULL, 0);
	add("fault", "mapsync", "unwritten", "lat", 50, NULL, 0);	/* no none: no fact */
	assert_int_equal(sf_findings_build(res, nres, benches, &fs), 0);
	assert_int_equal(count(&fs, SF_Q_FAULT), 2);
	/* in the order of the base results: hole, then written */
	hole = only(&fs, SF_Q_FAULT, 0);
	written = only(&fs, SF_Q_FAULT, 1);
	assert_string_equal(sf_result_param(hole->a, "class"), "hole");
	assert_string_equal(sf_result_param(hole->b, "class"), "hole");
	assert_string_equal(sf_result_param(hole->a, "mode"), "mapsync");
	assert_string_equal(sf_result_param(hole->b, "mode"), "none");
	assert_true(fabs(hole->va - 800) < 1e-9 && fabs(hole->vb - 100) < 1e-9);
	assert_true(fabs(hole->ratio - 8) < 0.05);
	assert_true(hole->ratio_lo <= hole->ratio && hole->ratio <= hole->ratio_hi);
	assert_true(hole->ratio_lo > 7.5 && hole->ratio_hi < 8.5);
	/* one run a side: the interval is the repeats', exploratory, never marked (compare's rule) */
	assert_true(hole->e.exploratory);
	assert_int_equal(hole->e.verdict, SF_SAME);
	assert_int_equal(hole->nb, 5);
	/* +1%: inside the noise floor, not marked */
	assert_string_equal(sf_result_param(written->a, "class"), "written");
	assert_int_equal(written->e.verdict, SF_SAME);
	assert_true(fabs(written->ratio - 1.01) < 0.005);
	assert_false(sf_findings_have(&fs, SF_Q_CONTENTION));
	assert_false(sf_findings_have(&fs, SF_Q_DAXFILE));
	sf_findings_free(&fs);
}

static void test_pair_in_one_result(void **state)
{
	struct sf_findings fs;
	const struct sf_fact *f;

	(void)state;
	add("contention", "threads", "hole", "lat_loaded", 3000, "lat_idle", 100);
	add("contention", "processes", "hole", "lat_loaded", 100, NULL, 0);	/* no idle: none */
	assert_int_equal(sf_findings_build(res, nres, benches, &fs), 0);
	assert_int_equal(count(&fs, SF_Q_CONTENTION), 1);
	f = only(&fs, SF_Q_CONTENTION, 0);
	assert_ptr_equal(f->a, &res[0]);
	assert_true(fabs(f->ratio - 30) < 0.2);
	assert_true(f->ratio_lo > 28 && f->ratio_hi < 32);
	assert_int_equal(f->e.verdict, SF_WORSE);
	assert_true(sf_findings_have(&fs, SF_Q_CONTENTION));
	assert_false(sf_findings_have(&fs, SF_Q_FAULT));
	sf_findings_free(&fs);
}

static void test_best_of_each_value_best_first(void **state)
{
	struct sf_findings fs;

	(void)state;
	add("flush", "clwb", "a", "lat", 5, NULL, 0);
	add("flush", "clwb", "b", "lat", 2.5, NULL, 0);
	add("flush", "ntstore", "a", "lat", 1.5, NULL, 0);
	add("flush", "ntstore", "b", "lat", 4, NULL, 0);
	add("flush", "clflush", "a", "lat", 1, NULL, 0)->status = SF_UNSUPPORTED;
	assert_int_equal(sf_findings_build(res, nres, benches, &fs), 0);
	assert_int_equal(count(&fs, SF_Q_FLUSH), 2);
	assert_ptr_equal(only(&fs, SF_Q_FLUSH, 0)->a, &res[2]);	/* ntstore a, 1.5 */
	assert_ptr_equal(only(&fs, SF_Q_FLUSH, 1)->a, &res[1]);	/* clwb b, 2.5 */
	assert_true(fabs(only(&fs, SF_Q_FLUSH, 0)->lo - 1.47) < 1e-9);
	assert_true(fabs(only(&fs, SF_Q_FLUSH, 0)->hi - 1.53) < 1e-9);
	sf_findings_free(&fs);
}

static void test_questions_in_order(void **state)
{
	struct sf_findings fs;

	(void)state;
	add("flush", "clwb", "a", "lat", 5, NULL, 0);
	add("contention", "threads", "hole", "lat_loaded", 3000, "lat_idle", 100);
	add("fault", "none", "hole", "lat", 100, NULL, 0);
	add("fault", "mapsync", "hole", "lat", 800, NULL, 0);
	assert_int_equal(sf_findings_build(res, nres, benches, &fs), 0);
	assert_int_equal(fs.n, 3);
	assert_int_equal(fs.f[0].decl->q, SF_Q_FAULT);
	assert_int_equal(fs.f[1].decl->q, SF_Q_FLUSH);
	assert_int_equal(fs.f[2].decl->q, SF_Q_CONTENTION);
	for (int q = 0; q < SF_NQUESTIONS; q++)
		assert_true(strlen(sf_question_title(q)) > 10 && strlen(sf_question_how(q)) > 10);
	sf_findings_free(&fs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_contrast_pairs_each_group_with_its_own, setup),
		cmocka_unit_test_setup(test_pair_in_one_result, setup),
		cmocka_unit_test_setup(test_best_of_each_value_best_first, setup),
		cmocka_unit_test_setup(test_questions_in_order, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
