// SPDX-License-Identifier: MIT
/* Result JSON: write atomically, read back, reject what is not a result. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "sf_harness.h"

static char dir[] = "/tmp/sf-test-result.XXXXXX";

static void make_result(struct sf_result *r)
{
	struct sf_metric *m;

	memset(r, 0, sizeof(*r));
	r->schema = SF_SCHEMA;
	strcpy(r->version, "test");
	strcpy(r->bench, "fault");
	r->params = calloc(2, sizeof(*r->params));
	r->params[0] = (struct sf_kv){ strdup("mode"), strdup("mapsync") };
	r->params[1] = (struct sf_kv){ strdup("pages"), strdup("64") };
	r->nparams = 2;
	strcpy(r->started, "2026-11-22T00:00:00Z");
	r->duration_s = 1.5;
	r->status = SF_OK;
	strcpy(r->target.path, "/mnt/dax");
	strcpy(r->target.fs, "ext4");
	r->target.dax = true;
	r->target.map_sync = true;
	strcpy(r->target.emulated, "qemu-tcg");
	r->env = json_object_new_object();
	r->metrics = calloc(2, sizeof(*r->metrics));
	r->nmetrics = 1;
	m = &r->metrics[0];
	strcpy(m->name, "fault_latency");
	strcpy(m->unit, "ns");
	for (int i = 1; i <= 1000; i++) {
		sf_samples_add(&m->s, i * 10.0);
		sf_hist_add(&m->hist, i * 10.0);
	}
	sf_samples_summary(&m->s, &m->sum);
	m->repeats = calloc(3, sizeof(double));
	m->repeats[0] = 5000;
	m->repeats[1] = 5005;
	m->repeats[2] = 4990;
	m->nrepeats = 3;
	r->checks = calloc(1, sizeof(*r->checks));
	r->nchecks = 1;
	strcpy(r->checks[0].name, "one_fault_per_sample");
	r->checks[0].ok = true;
	strcpy(r->checks[0].detail, "64/64");
}

static void round_trip(void **state)
{
	struct sf_result r, *back;
	char path[256], err[512];
	json_object *o;

	make_result(&r);
	snprintf(path, sizeof(path), "%s/r.json", dir);
	o = sf_result_to_json(&r);
	assert_int_equal(sf_json_write_atomic(o, path, err, sizeof(err)), 0);
	json_object_put(o);
	assert_int_equal(sf_results_read(path, &back, err, sizeof(err)), 1);
	assert_string_equal(back->bench, "fault");
	assert_string_equal(sf_result_param(back, "mode"), "mapsync");
	assert_int_equal(back->status, SF_OK);
	assert_true(back->target.dax && back->target.map_sync);
	assert_string_equal(back->target.emulated, "qemu-tcg");
	assert_int_equal(back->nmetrics, 1);
	assert_int_equal(back->metrics[0].sum.n, 1000);
	assert_float_equal(back->metrics[0].sum.p50, r.metrics[0].sum.p50, 1e-9);
	assert_float_equal(back->metrics[0].sum.p999, r.metrics[0].sum.p999, 1e-9);
	assert_int_equal(back->metrics[0].nrepeats, 3);
	assert_float_equal(back->metrics[0].repeats[2], 4990, 0);
	assert_int_equal(back->metrics[0].hist.total, 1000);
	assert_int_equal(back->nchecks, 1);
	assert_true(back->checks[0].ok);
	sf_results_free(back, 1);
	sf_result_free(&r);
	unlink(path);
}

static void array_of_results(void **state)
{
	struct sf_result r, *back;
	char path[256], err[512];
	json_object *a = json_object_new_array();

	make_result(&r);
	json_object_array_add(a, sf_result_to_json(&r));
	r.status = SF_UNSUPPORTED;
	strcpy(r.reason, "MAP_SYNC refused");
	json_object_array_add(a, sf_result_to_json(&r));
	snprintf(path, sizeof(path), "%s/a.json", dir);
	assert_int_equal(sf_json_write_atomic(a, path, err, sizeof(err)), 0);
	assert_int_equal(sf_results_read(path, &back, err, sizeof(err)), 2);
	assert_int_equal(back[1].status, SF_UNSUPPORTED);
	assert_string_equal(back[1].reason, "MAP_SYNC refused");
	sf_results_free(back, 2);
	sf_result_free(&r);
	json_object_put(a);
	unlink(path);
}

static void expect_rejected(const char *text, const char *want)
{
	struct sf_result *back;
	char path[256], err[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/bad.json", dir);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	assert_int_equal(sf_results_read(path, &back, err, sizeof(err)), -1);
	assert_null(back);
	assert_non_null(strstr(err, want));
	assert_null(strchr(err, '\n'));
	unlink(path);
}

static void rejects_bad_files(void **state)
{
	struct sf_result *back;
	char err[512];

	expect_rejected("{ not json", "not valid JSON");
	expect_rejected("{\"bench\": \"fault\"}", "'schema' is missing");
	expect_rejected("{\"schema\": 99, \"bench\": \"x\"}", "schema 99");
	expect_rejected("{\"schema\": 1, \"bench\": 3}", "'bench' has the wrong type");
	expect_rejected("{\"schema\":1,\"bench\":\"f\",\"params\":{},\"status\":\"maybe\"}", "status 'maybe'");
	expect_rejected("[1, 2]", "result 1");
	expect_rejected("{\"schema\":1,\"bench\":\"f\",\"params\":{},\"status\":\"ok\",\"target\":{},"
			"\"metrics\":[{\"name\":\"m\",\"unit\":\"ns\",\"better\":\"sideways\",\"repeats\":[]}],"
			"\"checks\":[]}", "'better'");
	assert_int_equal(sf_results_read("/nonexistent/x.json", &back, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/x.json"));
}

static void atomic_write_leaves_no_temp(void **state)
{
	json_object *o = json_object_new_object();
	char path[256], err[512];

	snprintf(path, sizeof(path), "%s/missing-dir/x.json", dir);
	assert_int_equal(sf_json_write_atomic(o, path, err, sizeof(err)), -1);
	assert_int_equal(access(path, F_OK), -1);
	json_object_put(o);
}

static int setup(void **state)
{
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	return rmdir(dir);
}

static bool on_fs(const struct sf_result *r, const void *arg)
{
	return !strcmp(r->target.fs, arg);
}

/* One "does this parameter vary" for report, export and compare. */
static void param_varies(void **state)
{
	struct sf_kv a = { "mode", "none" }, b = { "mode", "mapsync" };
	struct sf_result r[3] = { { .bench = "fault", .params = &a, .nparams = 1 },
				  { .bench = "fault", .params = &b, .nparams = 1 },
				  { .bench = "sync", .params = &a, .nparams = 1 } };
	const char *first = NULL;

	snprintf(r[0].target.fs, sizeof(r[0].target.fs), "ext4");
	snprintf(r[1].target.fs, sizeof(r[1].target.fs), "xfs");
	assert_true(sf_param_varies(r, 3, "fault", "mode", NULL, NULL, NULL));
	assert_false(sf_param_varies(r, 3, "sync", "mode", NULL, NULL, NULL));
	/* a parameter none has is "" everywhere: it does not vary */
	assert_false(sf_param_varies(r, 3, "fault", "class", NULL, NULL, NULL));
	/* only the results the filter keeps */
	assert_false(sf_param_varies(r, 3, "fault", "mode", on_fs, "ext4", NULL));
	/* across two arrays: the first value is carried */
	assert_false(sf_param_varies(r, 1, "fault", "mode", NULL, NULL, &first));
	assert_true(sf_param_varies(r + 1, 1, "fault", "mode", NULL, NULL, &first));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(param_varies),
		cmocka_unit_test(array_of_results),
		cmocka_unit_test(rejects_bad_files),
		cmocka_unit_test(atomic_write_leaves_no_temp),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
