// SPDX-License-Identifier: MIT
/*
 * The bisect's search on candidates whose comparisons are known: a table
 * says which patches move which rows, by how much, and how small a change
 * a comparison can see after r rounds.  Checked: the first bad patch is
 * named, in at most log2(n) steps beyond the endpoints; each row is
 * bisected on its own; a row that does not move at the bad end is not
 * bisected; an undecided step takes more rounds, up to the limit, then
 * stops with "undecided" (exit 6); a bad end that is not worse is
 * "nothing to bisect".
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "sf_bisect_int.h"
#include "sf_util.h"

#define NPATCH	8
#define NROWS	2

/* The world the fake candidates live in. */
static struct {
	double step[NROWS][NPATCH + 1];	/* % each patch adds to a row (+ = slower) */
	int nrows;			/* rows the comparisons return */
	double detect0;			/* detectable change at one round; shrinks as 1/rounds */
	int rounds[NPATCH + 1];
	int builds, compares;
	bool built[NPATCH + 1];
} w;

static int fake_build(struct bisect *b, int k)
{
	if (!w.built[k]) {
		w.built[k] = true;
		w.builds++;
	}
	b->c[k].built = true;
	return 0;
}

static int fake_rounds(const struct bisect *b, int k)
{
	return w.rounds[k];
}

static int fake_measure(struct bisect *b, const int *ks, int n, int want)
{
	for (int i = 0; i < n; i++)
		if (w.rounds[ks[i]] < want) {
			b->c[ks[i]].rounds_here += want - w.rounds[ks[i]];
			w.rounds[ks[i]] = want;
		}
	return 0;
}

/* Row r from a to k: the sum of the steps, marked worse when beyond what is detectable. */
static int fake_compare(const struct bisect *b, int a, int k, struct sf_row_fx *rows, int max)
{
	int r0 = w.rounds[a] < w.rounds[k] ? w.rounds[a] : w.rounds[k];

	w.compares++;
	for (int r = 0; r < w.nrows && r < max; r++) {
		struct sf_row_fx *fx = &rows[r];
		double slower = 0;

		memset(fx, 0, sizeof(*fx));
		for (int p = a + 1; p <= k; p++)
			slower += w.step[r][p];
		snprintf(fx->name, sizeof(fx->name), "fault row=%d", r);
		snprintf(fx->metric, sizeof(fx->metric), "fault_latency");
		snprintf(fx->unit, sizeof(fx->unit), "ns");
		fx->base = 1000;
		fx->new = 1000 * (1 + slower / 100);
		fx->lower = true;
		fx->e.pct = -slower;
		fx->e.lo = -slower - 0.5;
		fx->e.hi = -slower + 0.5;
		fx->e.detectable = w.detect0 / r0;
		fx->e.verdict = fabs(slower) > fx->e.detectable ? (slower > 0 ? SF_WORSE : SF_BETTER) :
				SF_SAME;
	}
	return w.nrows;
}

static const struct sf_cand_ops fake_ops = {
	.build = fake_build, .rounds = fake_rounds, .measure = fake_measure,
	.compare = fake_compare,
};

static char dir[] = "/tmp/sf-test-bisect.XXXXXX";
static struct sf_bisect_opts o;
static struct bisect b;
static struct sf_patch patches[NPATCH];
static char answer[16384];

static int search(int size, int rounds, int max_rounds)
{
	int rc;
	char path[PATH_MAX];

	o = (struct sf_bisect_opts){ .base = "debian:6.12", .size = size, .noise = 2,
				     .rounds = rounds, .max_rounds = max_rounds, .out = dir };
	memset(&b, 0, sizeof(b));
	b.o = &o;
	b.ops = &fake_ops;
	snprintf(b.clock, sizeof(b.clock), "test");
	snprintf(b.s.base_desc, sizeof(b.s.base_desc), "debian:6.12");
	b.s.p = patches;
	b.s.n = NPATCH;
	b.c = calloc(NPATCH + 1, sizeof(*b.c));
	for (int k = 0; k < NPATCH; k++) {
		snprintf(patches[k].path, sizeof(patches[k].path), "%s/series/%04d-p.patch", dir, k + 1);
		snprintf(patches[k].subject, sizeof(patches[k].subject), "patch number %d", k + 1);
		snprintf(patches[k].id, sizeof(patches[k].id), "%04d-p.patch", k + 1);
	}
	for (int k = 0; k <= NPATCH; k++)
		b.c[k].k = k;
	rc = sf_bisect_search(&b);
	snprintf(path, sizeof(path), "%s/bisect.txt", dir);
	answer[0] = '\0';
	sf_read_file(path, answer, sizeof(answer));
	free(b.c);
	return rc;
}

static void world(int nrows, double detect0)
{
	memset(&w, 0, sizeof(w));
	w.nrows = nrows;
	w.detect0 = detect0;
}

static void test_names_the_patch(void **state)
{
	for (int bad = 1; bad <= NPATCH; bad++) {
		char want[64];

		world(1, 2);
		w.step[0][bad] = 10;
		assert_int_equal(search(5, 1, 4), 0);
		snprintf(want, sizeof(want), "first bad patch: %d/%d", bad, NPATCH);
		if (!strstr(answer, want))
			fail_msg("patch %d: %s", bad, answer);
		/* the endpoints and at most log2(8) = 3 steps */
		assert_true(w.builds <= 2 + 3);
		assert_non_null(strstr(answer, "-10.0% [-10.5, -9.5] (+ = better) against"));
	}
}

static void test_each_row_its_own(void **state)
{
	/* row 0 moves at patch 3, row 1 at patch 6: watching both names 3 ... */
	world(2, 2);
	w.step[0][3] = 8;
	w.step[1][6] = 12;
	assert_int_equal(search(5, 1, 4), 0);
	assert_non_null(strstr(answer, "first bad patch: 3/8"));
	/* ... watching row 1 alone names 6 */
	world(2, 2);
	w.step[1][3] = 0;
	w.step[1][6] = 12;
	assert_int_equal(search(5, 1, 4), 0);
	assert_non_null(strstr(answer, "first bad patch: 6/8"));
	assert_null(strstr(answer, "row=0 fault_latency: 1000"));
}

static void test_nothing_to_bisect(void **state)
{
	world(1, 2);
	w.step[0][4] = -10;	/* faster: not a regression */
	assert_int_equal(search(5, 1, 4), 0);
	assert_non_null(strstr(answer, "nothing to bisect"));
	assert_int_equal(w.builds, 2);
}

static void test_more_rounds_then_undecided(void **state)
{
	/* 4% change, detectable 12%/rounds: the bad end needs 3 rounds (4% > 12/3 is false: 4) */
	world(1, 12);
	w.step[0][2] = 4.5;
	assert_int_equal(search(5, 1, 6), 0);
	assert_true(w.rounds[NPATCH] >= 3);
	assert_non_null(strstr(answer, "first bad patch: 2/8"));
	/* a change nothing can resolve within the limit: undecided, exit 6 */
	world(1, 40);
	w.step[0][2] = 4.5;
	assert_int_equal(search(5, 1, 4), SF_EXIT_UNDECIDED);
	assert_int_equal(w.rounds[NPATCH], 4);
	assert_non_null(strstr(answer, "undecided at the bad end"));
	/* decided at the bad end, undecided in the middle (detectable above --size) */
	world(1, 12);
	w.step[0][7] = 20;
	assert_int_equal(search(2, 2, 3), SF_EXIT_UNDECIDED);
	assert_non_null(strstr(answer, "undecided: the first bad patch is one of 1..8; 4 was undecided"));
}

static int setup(void **state)
{
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	sf_remove_tree(dir);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_the_patch),
		cmocka_unit_test(test_each_row_its_own),
		cmocka_unit_test(test_nothing_to_bisect),
		cmocka_unit_test(test_more_rounds_then_undecided),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
