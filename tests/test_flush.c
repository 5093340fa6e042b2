// SPDX-License-Identifier: MIT
/*
 * Flush primitives write exactly the bytes asked, at any size, offset and
 * fence policy, and leave the bytes around them alone; the support check
 * refuses a primitive whose CPU flag is missing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "sf_cpu.h"
#include "sf_env.h"
#include "sf_flush.h"
#include "sf_modes.h"
#include "sf_persist.h"

#define GUARD		192		/* bytes checked on either side */
#define GUARD_BYTE	0xa5
#define MAX_LEN		(3 * 4096 + 77)
#define BUF_LEN		(GUARD + 128 + MAX_LEN + GUARD)

static const size_t sizes[] = {
	1, 2, 7, 8, 15, 31, 33, 63, 64, 65, 100, 127, 128, 129, 191, 255,
	256, 257, 1000, 4095, 4096, 4097, MAX_LEN,
};
static const size_t offsets[] = { 0, 1, 7, 8, 16, 31, 32, 48, 63, 64 + 5 };
static const size_t fences[] = { SF_FENCE_END, 1, 3 };

#define N(a) (sizeof(a) / sizeof((a)[0]))

static unsigned char *buf;	/* 64-byte aligned */
static unsigned char *src;

static int setup(void **state)
{
	if (posix_memalign((void **)&buf, 64, BUF_LEN) ||
	    posix_memalign((void **)&src, 64, MAX_LEN + 64))
		return -1;
	srandom(12345);
	for (size_t i = 0; i < MAX_LEN + 64; i++) {
		src[i] = (unsigned char)random();
		if (src[i] == GUARD_BYTE)	/* a miss must be visible */
			src[i] ^= 0xff;
	}
	return 0;
}

static int teardown(void **state)
{
	free(buf);
	free(src);
	return 0;
}

/* The first differing byte, or -1; reports where to the test log. */
static long check_buf(const struct sf_flush_prim *p, const unsigned char *s,
		      size_t off, size_t len)
{
	unsigned char *d = buf + GUARD + off;

	for (size_t i = 0; i < BUF_LEN; i++) {
		unsigned char *b = buf + i;
		unsigned char want;

		if (b < d || b >= d + len)
			want = GUARD_BYTE;
		else
			want = p->fill ? s[0] : s[b - d];
		if (*b != want) {
			print_error("%s: len %zu off %zu: byte %ld is 0x%02x, want 0x%02x\n",
				    p->name, len, off, (long)(b - d), *b, want);
			return (long)i;
		}
	}
	return -1;
}

/* Every supported primitive over every size, offset and fence policy. */
static void test_exact_bytes(void **state)
{
	int ran = 0;

	for (const struct sf_flush_prim *p = sf_flush_prims; p->name; p++) {
		char why[64];

		if (sf_flush_supported(p, why, sizeof(why))) {
			print_message("skipping %s: %s\n", p->name, why);
			continue;
		}
		for (size_t si = 0; si < N(sizes); si++)
			for (size_t oi = 0; oi < N(offsets); oi++)
				for (size_t fi = 0; fi < N(fences); fi++) {
					size_t len = sizes[si], off = offsets[oi];
					/* vary the source alignment too */
					const unsigned char *s = src + (off * 3 + si) % 64;

					memset(buf, GUARD_BYTE, BUF_LEN);
					p->write(buf + GUARD + off, s, len, fences[fi]);
					assert_int_equal(check_buf(p, s, off, len), -1);
				}
		ran++;
	}
	/* store, memset and clflush exist on every x86-64 */
	assert_true(ran >= 3);
}

/* Flushing written lines must not change them, nor their neighbours. */
static void test_flush_only_keeps_bytes(void **state)
{
	for (const struct sf_flush_prim *p = sf_flush_prims; p->name; p++) {
		char why[64];

		if (!p->flush || sf_flush_supported(p, why, sizeof(why)))
			continue;
		for (size_t oi = 0; oi < N(offsets); oi++) {
			size_t off = offsets[oi], len = 1000 + oi;

			memset(buf, GUARD_BYTE, BUF_LEN);
			memcpy(buf + GUARD + off, src, len);
			p->flush(buf + GUARD + off, len, oi % 2 ? 3 : SF_FENCE_END);
			assert_int_equal(check_buf(p, src, off, len), -1);
		}
	}
}

static void test_persist_range(void **state)
{
	const char *name = sf_persist_range_name();

	memset(buf, GUARD_BYTE, BUF_LEN);
	memcpy(buf + GUARD + 3, src, 777);
	sf_persist_range(buf + GUARD + 3, 777);
	sf_persist_range(buf + GUARD, 0);
	assert_int_equal(check_buf(sf_flush_find("store"), src, 3, 777), -1);
	if (sf_cpu()->clwb)
		assert_string_equal(name, "clwb+sfence");
	else if (sf_cpu()->clflushopt)
		assert_string_equal(name, "clflushopt+sfence");
	else
		assert_string_equal(name, "clflush+sfence");
}

static void test_table(void **state)
{
	const char *names = sf_flush_names();
	static const char *const want[] = {
		"clflush", "clflushopt", "clwb", "movnti", "ntstore-sse2",
		"ntstore-avx2", "ntstore-avx512", "movdir64b", "pmem_persist",
		"pmem_memcpy_persist", "pmem_memcpy_persist-nt", "store", "memset",
	};

	for (size_t i = 0; i < N(want); i++) {
		const struct sf_flush_prim *p = sf_flush_find(want[i]);

		assert_non_null(p);
		assert_non_null(p->write);
		assert_non_null(strstr(names, want[i]));
		assert_int_equal(p->durable, p->kind != SF_PRIM_REF);
	}
	assert_null(sf_flush_find("clflush2"));
	assert_false(sf_cpu_has("no-such-flag"));
}

static void test_numa_pick(void **state)
{
	char why[256] = "";
	int local = sf_numa_pick("local", 0, why, sizeof(why));

	assert_true(local >= 0);
	assert_int_equal(sf_numa_pick("0", 0, why, sizeof(why)), 0);
	assert_int_equal(sf_numa_pick("999", 0, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "node=999: no such NUMA node"));
	if (sf_nnodes() == 1) {
		assert_int_equal(sf_numa_pick("remote", 0, why, sizeof(why)), -1);
		assert_non_null(strstr(why, "single NUMA node"));
	} else {
		assert_true(sf_numa_pick("remote", 0, why, sizeof(why)) != local);
	}
}

/* Anonymous and file buffers: aligned, zeroed, on the node, cleaned up. */
static void test_flush_buf(void **state)
{
	char dir[] = "/tmp/sf-test-flush.XXXXXX", path[64], err[256];
	struct sf_flush_buf b;
	int seen;

	assert_int_equal(sf_flush_buf_alloc(&b, 3 * 4096 + 5, 0, NULL, err, sizeof(err)), 0);
	assert_int_equal((uintptr_t)b.addr % (2u << 20), 0);
	for (size_t i = 0; i < b.len; i++)
		assert_int_equal(b.addr[i], 0);
	assert_int_equal(sf_flush_buf_misplaced(&b, &seen), 0);
	assert_int_equal(seen, 0);
	sf_flush_find("clwb")->write(b.addr + 1, src, b.len - 1, 7);
	sf_flush_buf_free(&b);

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/buf", dir);
	assert_int_equal(sf_flush_buf_alloc(&b, 10000, -1, path, err, sizeof(err)), 0);
	assert_true(b.is_file);
	assert_int_equal(access(path, F_OK), 0);
	sf_flush_find("clflush")->write(b.addr, src, 10000, SF_FENCE_END);
	assert_memory_equal(b.addr, src, 10000);
	sf_flush_buf_free(&b);
	assert_int_equal(access(path, F_OK), -1);
	/* an existing file is never reused */
	assert_int_equal(sf_flush_buf_alloc(&b, 4096, -1, dir, err, sizeof(err)), -1);
	assert_int_equal(rmdir(dir), 0);
}

/*
 * Runs last: masking cannot be undone.  Every primitive with a flag is
 * accepted while the flag is there and refused, naming the flag, once it
 * is masked; persist_range falls back to the next best flush.
 */
static void test_masked_flag_refused(void **state)
{
	for (const struct sf_flush_prim *p = sf_flush_prims; p->name; p++) {
		char why[64] = "", want[64];

		if (!p->flag) {
			assert_int_equal(sf_flush_supported(p, why, sizeof(why)), 0);
			continue;
		}
		assert_int_equal(sf_flush_supported(p, why, sizeof(why)),
				 sf_cpu_has(p->flag) ? 0 : -1);
		sf_cpu_mask(p->flag);
		assert_false(sf_cpu_has(p->flag));
		assert_int_equal(sf_flush_supported(p, why, sizeof(why)), -1);
		snprintf(want, sizeof(want), "%s missing", p->flag);
		assert_string_equal(why, want);
		if (!strcmp(p->flag, "clwb") && sf_cpu()->clflushopt)
			assert_string_equal(sf_persist_range_name(),
					    "clflushopt+sfence");
	}
	assert_string_equal(sf_persist_range_name(), "clflush+sfence");
	/* partial lines of a store primitive now go through clflush: still exact */
	memset(buf, GUARD_BYTE, BUF_LEN);
	sf_flush_find("store")->write(buf + GUARD + 5, src, 300, SF_FENCE_END);
	sf_persist_range(buf + GUARD + 5, 300);
	assert_int_equal(check_buf(sf_flush_find("store"), src, 5, 300), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_exact_bytes),
		cmocka_unit_test(test_flush_only_keeps_bytes),
		cmocka_unit_test(test_persist_range),
		cmocka_unit_test(test_numa_pick),
		cmocka_unit_test(test_flush_buf),
		cmocka_unit_test(test_masked_flag_refused),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
