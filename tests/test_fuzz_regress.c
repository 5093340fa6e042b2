// SPDX-License-Identifier: MIT
/*
 * Replays the fuzzing corpus (tests/fuzz/corpus-result/, corpus-config/)
 * through the readers in the normal test run, so every seed and every
 * crash reproducer scripts/fuzz ever found stays fixed.  The file name
 * says what is expected:
 *
 *   ok-*      must be accepted (a result file: at least one result)
 *   bad-*     must be refused with a one-line message
 *   anything else (seed-*, crash-*, leak-*, timeout-* ...): either, but
 *             without crashing, and a refusal is one line
 *
 * Under scripts/sanitize-test the same run also catches memory errors and
 * leaks on every one of these files.
 */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sf_config.h"
#include "sf_result.h"

#define FUZZ_DIR SYNCFAULT_SOURCE_DIR "/tests/fuzz"

enum expect { EXPECT_OK, EXPECT_BAD, EXPECT_ANY };

static enum expect expected(const char *name)
{
	if (!strncmp(name, "ok-", 3))
		return EXPECT_OK;
	if (!strncmp(name, "bad-", 4))
		return EXPECT_BAD;
	return EXPECT_ANY;
}

static void assert_one_line(const char *file, const char *err)
{
	if (!err[0] || strchr(err, '\n'))
		fail_msg("%s: refusal is not one line: '%s'", file, err);
}

/* Read one result file; returns whether it was accepted. */
static bool replay_result(const char *path)
{
	struct sf_result *r;
	char err[1024];
	int n = sf_results_read(path, &r, err, sizeof(err));

	if (n < 0) {
		assert_null(r);
		assert_one_line(path, err);
		return false;
	}
	assert_true(n >= 1);
	for (int i = 0; i < n; i++) {
		json_object *o = sf_result_to_json(&r[i]);
		struct sf_result back;

		/* what was accepted can be written back and read again */
		if (sf_result_from_json(o, &back, err, sizeof(err)))
			fail_msg("%s: result %d does not read back: %s", path, i + 1, err);
		assert_string_equal(back.bench, r[i].bench);
		assert_int_equal(back.nmetrics, r[i].nmetrics);
		assert_int_equal(back.nchecks, r[i].nchecks);
		sf_result_free(&back);
		json_object_put(o);
	}
	sf_results_free(r, n);
	return true;
}

static bool replay_config(const char *path)
{
	struct sf_suite s;
	char err[1024];

	if (sf_config_load(path, &s, err, sizeof(err))) {
		assert_one_line(path, err);
		return false;
	}
	assert_true(s.nruns >= 1);
	for (int i = 0; i < s.nruns; i++) {
		char **argv;
		int argc = sf_run_argv(&s.runs[i], &argv);

		assert_true(argc >= 2);
		assert_true(s.runs[i].id[0] != 0);
		sf_run_argv_free(argv, argc);
	}
	sf_suite_free(&s);
	return true;
}

static int replay_dir(const char *dir, bool (*replay)(const char *))
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort), count = 0;

	if (n < 0)
		fail_msg("cannot read %s", dir);
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		char path[4096];
		bool ok;

		if (name[0] == '.') {
			free(names[i]);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		ok = replay(path);
		if (expected(name) == EXPECT_OK && !ok)
			fail_msg("%s should be accepted but was refused", path);
		if (expected(name) == EXPECT_BAD && ok)
			fail_msg("%s should be refused but was accepted", path);
		count++;
		free(names[i]);
	}
	free(names);
	return count;
}

static void test_result_corpus(void **state)
{
	/* at least the seeds: an empty directory would prove nothing */
	assert_true(replay_dir(FUZZ_DIR "/corpus-result", replay_result) >= 10);
}

static void test_config_corpus(void **state)
{
	assert_true(replay_dir(FUZZ_DIR "/corpus-config", replay_config) >= 10);
}

/* The classification itself: a refused ok-* file must fail this test. */
static void test_expectations_have_teeth(void **state)
{
	struct sf_result *r;
	char err[256];

	assert_int_equal(expected("ok-x.json"), EXPECT_OK);
	assert_int_equal(expected("bad-x.json"), EXPECT_BAD);
	assert_int_equal(expected("crash-123"), EXPECT_ANY);
	assert_false(replay_result(FUZZ_DIR "/corpus-result/bad-scalar.json"));
	assert_true(replay_result(FUZZ_DIR "/corpus-result/ok-minimal.json"));
	assert_int_equal(sf_results_read(FUZZ_DIR "/no-such-file", &r, err, sizeof(err)), -1);
}

/*
 * A repeat without a value is written as null (JSON has no NaN); reading
 * it back must give NaN again, never 0, or compare would use a number
 * that was never measured.
 */
static void test_null_repeat_is_nan(void **state)
{
	struct sf_result *r;
	char err[256];

	assert_int_equal(sf_results_read(FUZZ_DIR "/corpus-result/ok-minimal.json", &r, err,
					 sizeof(err)), 1);
	assert_int_equal(r[0].nmetrics, 1);
	assert_int_equal(r[0].metrics[0].nrepeats, 3);
	assert_true(r[0].metrics[0].repeats[0] == 1.0);
	assert_true(isnan(r[0].metrics[0].repeats[2]));
	sf_results_free(r, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expectations_have_teeth),
		cmocka_unit_test(test_null_repeat_is_nan),
		cmocka_unit_test(test_result_corpus),
		cmocka_unit_test(test_config_corpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
