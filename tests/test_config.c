// SPDX-License-Identifier: MIT
/*
 * Suite config parsing: good files expand into the right runs with stable
 * ids; every kind of bad file is refused with file:line and the key named.
 * Uses a small benchmark table of its own so that it does not depend on
 * the real benchmarks' parameters.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "sf_config.h"

static const struct sf_param alpha_params[] = {
	{ .name = "mode", .type = SF_PT_ENUM, .def = "none",
	  .values = { "none", "mapsync", "msync" } },
	{ .name = "pages", .type = SF_PT_INT, .def = "16", .min = 1, .max = 1 << 20 },
	{ .name = "size", .type = SF_PT_SIZE, .def = "4k", .min = 64, .max = 1 << 30 },
	{ .name = "note", .type = SF_PT_STR, .def = "" },
	{ .name = "threads", .type = SF_PT_INT, .def = "1", .min = 1, .max = 64,
	  .scalar = true },
	{ 0 }
};

static const struct sf_param beta_params[] = {
	{ .name = "primitive", .type = SF_PT_ENUM, .def = "clwb",
	  .values = { "clwb", "clflush", "movnti" } },
	{ .name = "size", .type = SF_PT_SIZE, .def = "64", .min = 64, .max = 1 << 30 },
	{ 0 }
};

static const struct sf_bench alpha = { .name = "alpha", .params = alpha_params };
static const struct sf_bench beta = { .name = "beta", .params = beta_params };
static const struct sf_bench *const table[] = { &alpha, &beta, NULL };

static char path[64];

static void write_cfg(const char *text)
{
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "/tmp/sf-test-config-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static int load(const char *text, struct sf_suite *s, char *err, size_t len)
{
	int rc;

	err[0] = 0;
	write_cfg(text);
	rc = sf_config_load_with(path, table, s, err, len);
	unlink(path);
	return rc;
}

/* The config must be refused, on that line, with every word in want. */
static void expect_error(const char *text, int line, const char *const *want)
{
	struct sf_suite s;
	char err[1024], loc[80];

	assert_int_equal(load(text, &s, err, sizeof(err)), -1);
	assert_int_equal(s.nruns, 0);
	snprintf(loc, sizeof(loc), "%s:%d: ", path, line);
	if (strncmp(err, loc, strlen(loc)))
		fail_msg("expected '%s' at the start of: %s", loc, err);
	for (; *want; want++)
		if (!strstr(err, *want))
			fail_msg("expected '%s' in: %s", *want, err);
	assert_null(strchr(err, '\n'));
}

#define WANT(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void test_matrix_expansion(void **state)
{
	struct sf_suite s;
	char err[1024];
	int nalpha = 0, nbeta = 0;

	assert_int_equal(load("; a suite\n"
			      "[global]\n"
			      "target = host:/tmp, vm:ext4-dax\n"
			      "repeats = 5\n"
			      "label = unit\n"
			      "size = 4k\n"
			      "\n"
			      "[faults]\n"
			      "bench = alpha\n"
			      "mode = none, mapsync,msync\n"
			      "pages = 8,64\n"
			      "\n"
			      "[flush]\n"
			      "bench = beta\n"
			      "target = host:/dev/shm\n"
			      "primitive = clwb,movnti\n"
			      "size = 64,4096,1m\n"
			      "repeats = 3\n",
			      &s, err, sizeof(err)), 0);
	/* 3 modes x 2 page counts x 2 targets + 2 primitives x 3 sizes */
	assert_int_equal(s.nruns, 12 + 6);
	assert_string_equal(s.label, "unit");
	for (int i = 0; i < s.nruns; i++) {
		struct sf_run *r = &s.runs[i];

		if (r->bench == &alpha) {
			nalpha++;
			assert_int_equal(r->repeats, 5);
			/* [global] size applies where the bench has it */
			assert_string_equal(sf_point_str(&r->pt, "size"), "4k");
			assert_string_equal(sf_point_str(&r->pt, "threads"), "1");
		} else {
			nbeta++;
			assert_int_equal(r->repeats, 3);
			assert_string_equal(r->target, "host:/dev/shm");
		}
		for (int j = 0; j < i; j++)
			assert_string_not_equal(r->id, s.runs[j].id);
		/* ids are file names and guest job names: no quoting needed */
		assert_int_equal(strspn(r->id, "abcdefghijklmnopqrstuvwxyz"
					"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-"),
				 strlen(r->id));
	}
	assert_int_equal(nalpha, 12);
	assert_int_equal(nbeta, 6);
	/* targets outermost, last parameter fastest */
	assert_string_equal(s.runs[0].target, "host:/tmp");
	assert_string_equal(s.runs[0].id,
			    "faults.target_host-tmp.mode_none.pages_8");
	assert_string_equal(s.runs[0].label, "target=host:/tmp mode=none pages=8");
	assert_string_equal(s.runs[1].id,
			    "faults.target_host-tmp.mode_none.pages_64");
	assert_string_equal(s.runs[6].target, "vm:ext4-dax");
	assert_string_equal(s.runs[6].id,
			    "faults.target_vm-ext4-dax.mode_none.pages_8");
	assert_string_equal(s.runs[12].id, "flush.primitive_clwb.size_64");
	assert_string_equal(sf_run_host_dir(&s.runs[0]), "/tmp");
	assert_null(sf_run_host_dir(&s.runs[6]));
	sf_suite_free(&s);
}

/* repeats = auto: adaptive by the merged plan, passed on as run's options */
static void test_adaptive_repeats(void **state)
{
	struct sf_suite s;
	char err[1024], **argv;
	int argc;

	assert_int_equal(load("[global]\nrepeats = auto\nmax_time = 20\n"
			      "[a]\nbench = alpha\ntarget = host:/tmp\nprecision = 1.5\n"
			      "[b]\nbench = beta\ntarget = host:/tmp\nrepeats = 3\n",
			      &s, err, sizeof(err)), -1);
	/* b's fixed repeats do not take [global]'s max_time */
	assert_non_null(strstr(err, "max_time applies to adaptive repeats"));
	assert_int_equal(load("[global]\nrepeats = auto\nmax_time = 20\n"
			      "[a]\nbench = alpha\ntarget = host:/tmp\nprecision = 1.5\n"
			      "max_repeats = 12\n",
			      &s, err, sizeof(err)), 0);
	assert_true(s.runs[0].adaptive);
	assert_int_equal(s.runs[0].repeats, 0);
	assert_float_equal(s.runs[0].plan.precision_pct, 1.5, 0);
	assert_float_equal(s.runs[0].plan.max_time_s, 20, 0);
	assert_int_equal(s.runs[0].plan.min, SF_MIN_REPEATS_DEFAULT);
	assert_int_equal(s.runs[0].plan.max, 12);
	argc = sf_run_argv(&s.runs[0], &argv);
	assert_string_equal(argv[argc - 4], "--precision=1.5");
	assert_string_equal(argv[argc - 3], "--min-repeats=6");
	assert_string_equal(argv[argc - 2], "--max-repeats=12");
	assert_string_equal(argv[argc - 1], "--max-time=20");
	for (int i = 0; i < argc; i++)
		assert_string_not_equal(argv[i], "--repeats");
	sf_run_argv_free(argv, argc);
	sf_suite_free(&s);
	expect_error("[a]\nbench = alpha\ntarget = host:/tmp\nrepeats = auto\nprecision = 0\n", 5,
		     WANT("precision", "'0'", "percentage"));
	expect_error("[a]\nbench = alpha\ntarget = host:/tmp\nrepeats = auto\nmin_repeats = 9\nmax_repeats = 8\n",
		     1, WANT("min_repeats 9", "max_repeats 8"));
	expect_error("[a]\nbench = alpha\ntarget = host:/tmp\nrepeats = sometimes\n", 4,
		     WANT("repeats", "'sometimes'"));
}

static void test_single_run_and_defaults(void **state)
{
	struct sf_suite s;
	char err[1024], **argv;
	int argc;

	assert_int_equal(load("[one]\nbench = alpha\ntarget = host:/tmp\n",
			      &s, err, sizeof(err)), 0);
	assert_int_equal(s.nruns, 1);
	assert_string_equal(s.runs[0].id, "one");
	assert_int_equal(s.runs[0].repeats, 0);
	assert_string_equal(sf_point_str(&s.runs[0].pt, "mode"), "none");
	assert_string_equal(sf_point_str(&s.runs[0].pt, "pages"), "16");
	/* the file's stem is the label when [global] gives none */
	assert_string_equal(s.label, strrchr(path, '/') + 1);

	argc = sf_run_argv(&s.runs[0], &argv);
	assert_int_equal(argc, 2 + 2 * 5);
	assert_string_equal(argv[0], "run");
	assert_string_equal(argv[1], "alpha");
	assert_string_equal(argv[2], "--mode");
	assert_string_equal(argv[3], "none");
	assert_null(argv[argc]);
	sf_run_argv_free(argv, argc);
	sf_suite_free(&s);
}

static void test_ids_stable(void **state)
{
	const char *text = "[a]\nbench = beta\ntarget = host:/tmp\nsize = 64,128\n"
			   "[b]\nbench = alpha\ntarget = host:/tmp\nmode = none,msync\n";
	struct sf_suite s1, s2;
	char err[1024];

	assert_int_equal(load(text, &s1, err, sizeof(err)), 0);
	assert_int_equal(load(text, &s2, err, sizeof(err)), 0);
	assert_int_equal(s1.nruns, 4);
	assert_int_equal(s2.nruns, 4);
	for (int i = 0; i < s1.nruns; i++)
		assert_string_equal(s1.runs[i].id, s2.runs[i].id);
	sf_suite_free(&s1);
	sf_suite_free(&s2);
}

static void test_long_ids(void **state)
{
	struct sf_suite s;
	char err[1024];

	/* a long section name and long values: cut, and kept unique by a hash */
	assert_int_equal(load("[a-very-long-scenario-name-that-goes-on-and-on-and-o]\n"
			      "bench = alpha\n"
			      "target = host:/a/very/long/directory/name/number/one, "
			      "host:/a/very/long/directory/name/number/two\n"
			      "mode = none,mapsync\npages = 1000000,1000001\n"
			      "size = 1073741824,1073741823\n", &s, err, sizeof(err)), -1);
	/* the section name is too long for inih: refused, not cut */
	assert_non_null(strstr(err, "section name"));
	assert_int_equal(load("[long]\n"
			      "bench = alpha\n"
			      "target = host:/a/very/long/directory/name/number/one/and/more/and/more/"
			      "and/more/and/more/x, "
			      "host:/a/very/long/directory/name/number/one/and/more/and/more/"
			      "and/more/and/more/y\n"
			      "mode = none,mapsync\npages = 1000000,1000001\n"
			      "size = 1073741824,1073741823\n", &s, err, sizeof(err)), 0);
	assert_int_equal(s.nruns, 16);
	for (int i = 0; i < s.nruns; i++) {
		assert_true(strlen(s.runs[i].id) < SF_RUN_ID_MAX);
		assert_non_null(strstr(s.runs[i].id, ".h"));	/* cut and hashed */
		for (int j = 0; j < i; j++)
			assert_string_not_equal(s.runs[i].id, s.runs[j].id);
	}
	sf_suite_free(&s);
}

static void test_str_param_keeps_commas(void **state)
{
	struct sf_suite s;
	char err[1024];

	assert_int_equal(load("[x]\nbench = alpha\ntarget = host:/tmp\nnote = a,b\n",
			      &s, err, sizeof(err)), 0);
	assert_int_equal(s.nruns, 1);
	assert_string_equal(sf_point_str(&s.runs[0].pt, "note"), "a,b");
	sf_suite_free(&s);
}

static void test_unknown_key(void **state)
{
	expect_error("[x]\nbench = alpha\ntarget = host:/tmp\nmodes = none\n", 4,
		     WANT("[x]", "unknown key 'modes'", "mode, pages"));
	expect_error("[global]\npagse = 3\n[x]\nbench = alpha\ntarget = host:/tmp\n", 2,
		     WANT("[global]", "unknown key 'pagse'"));
	/* a parameter of another benchmark, in a scenario */
	expect_error("[x]\nbench = beta\ntarget = host:/tmp\npages = 3\n", 4,
		     WANT("unknown key 'pages'", "beta takes primitive, size"));
	expect_error("[x]\nbench = beta\ntarget = host:/tmp\nlabel = q\n", 4,
		     WANT("label", "[global]"));
}

static void test_bad_value(void **state)
{
	expect_error("[x]\nbench = alpha\ntarget = host:/tmp\nmode = none,bogus\n", 4,
		     WANT("mode", "'bogus'", "none, mapsync, msync"));
	expect_error("[x]\nbench = alpha\ntarget = host:/tmp\npages = -3\n", 4,
		     WANT("pages", "'-3'", "1 to"));
	expect_error("[x]\nbench = alpha\ntarget = host:/tmp\nsize = 4q\n", 4,
		     WANT("size", "'4q'"));
	expect_error("[x]\nbench = alpha\ntarget = host:/tmp\nthreads = 1,2\n", 4,
		     WANT("threads", "single value"));
	expect_error("[x]\nbench = alpha\ntarget = host:/tmp\nrepeats = 0\n", 4,
		     WANT("repeats", "'0'"));
	expect_error("[x]\nbench = alpha\ntarget = host:\n", 3,
		     WANT("target 'host:'", "host:DIR"));
	expect_error("[x]\nbench = alpha\ntarget = vm:ext3-dax\n", 3,
		     WANT("vm:ext3-dax", "vm:xfs-dax"));
	/* a [global] value is checked against the benchmarks that take it */
	expect_error("[global]\nsize = 1\n[x]\nbench = beta\ntarget = host:/tmp\n", 2,
		     WANT("[global]", "size", "'1'"));
}

static void test_empty_list_item(void **state)
{
	expect_error("[x]\nbench = alpha\ntarget = host:/tmp\nmode = none,,msync\n", 4,
		     WANT("mode", "empty item"));
	expect_error("[x]\nbench = alpha\ntarget = host:/tmp\npages = 1,\n", 4,
		     WANT("pages", "empty item"));
	expect_error("[x]\nbench = alpha\ntarget = host:/tmp\npages =\n", 4,
		     WANT("pages", "empty item"));
	expect_error("[x]\nbench = alpha\ntarget = host:/tmp, \n", 3,
		     WANT("target", "empty item"));
}

static void test_duplicates(void **state)
{
	expect_error("[x]\nbench = alpha\ntarget = host:/tmp\n\n[x]\nbench = beta\n", 5,
		     WANT("duplicate section [x]", "line 1"));
	/* a repeated empty section is still a duplicate */
	expect_error("[x]\nbench = alpha\ntarget = host:/tmp\n[x]\n", 4,
		     WANT("duplicate section [x]"));
	expect_error("[x]\nbench = alpha\ntarget = host:/tmp\nmode = none\nmode = msync\n", 5,
		     WANT("'mode' given twice", "line 4"));
}

static void test_bench_problems(void **state)
{
	expect_error("[x]\ntarget = host:/tmp\n", 1,
		     WANT("[x]", "no bench", "alpha, beta"));
	expect_error("[x]\nbench = gamma\ntarget = host:/tmp\n", 2,
		     WANT("unknown bench 'gamma'", "alpha, beta"));
	expect_error("[x]\nbench = alpha\n", 1, WANT("[x]", "no target"));
	expect_error("[global]\nrepeats = 3\n", 2, WANT("no scenarios"));
}

static void test_syntax(void **state)
{
	expect_error("[x]\nbench = alpha\ntarget = host:/tmp\nthis line is wrong\n", 4,
		     WANT("syntax error"));
	expect_error("mode = none\n[x]\nbench = alpha\ntarget = host:/tmp\n", 1,
		     WANT("'mode' is outside any section"));
	expect_error("[bad name]\nbench = alpha\ntarget = host:/tmp\n", 1,
		     WANT("section name [bad name]"));
}

static void test_missing_file(void **state)
{
	struct sf_suite s;
	char err[1024];

	assert_int_equal(sf_config_load_with("/nonexistent/x.ini", table, &s, err,
					     sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/x.ini"));
	assert_non_null(strstr(err, "No such file"));
}

/* The shipped configs must stay valid against the real benchmarks. */
static void test_shipped_configs(void **state)
{
	const char *names[] = { "quick.ini", "full.ini", "patch-review.ini" };
	const char *src = getenv("SYNCFAULT_SOURCE");

	/* benchmarks still being written have no parameter table yet */
	for (int i = 0; sf_benches[i]; i++)
		if (!sf_params_count(sf_benches[i]->params)) {
			print_message("benchmark %s has no parameters yet: configs not checked\n",
				      sf_benches[i]->name);
			skip();
		}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct sf_suite s;
		char p[4096], err[1024];

		snprintf(p, sizeof(p), "%s/configs/%s",
			 src ? src : SYNCFAULT_SOURCE_DIR, names[i]);
		if (sf_config_load(p, &s, err, sizeof(err)))
			fail_msg("%s", err);
		assert_true(s.nruns > 0);
		sf_suite_free(&s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matrix_expansion),
		cmocka_unit_test(test_single_run_and_defaults),
		cmocka_unit_test(test_ids_stable),
		cmocka_unit_test(test_str_param_keeps_commas),
		cmocka_unit_test(test_long_ids),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_bad_value),
		cmocka_unit_test(test_empty_list_item),
		cmocka_unit_test(test_adaptive_repeats),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_bench_problems),
		cmocka_unit_test(test_syntax),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_shipped_configs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
