// SPDX-License-Identifier: MIT
/*
 * Page-cache shape on real files: the folio census sees what the kernel
 * made (4 KiB folios for a tmpfs file written page by page, nothing for
 * pages never cached), and the block-device counter moves when data is
 * written back.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "sf_pagecache.h"

#define PG	4096

static int tmpfile_in(const char *dir, char *path, size_t len)
{
	int fd;

	snprintf(path, len, "%s/sf-test-pagecache.XXXXXX", dir);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	return fd;
}

static void orders(void **state)
{
	assert_int_equal(sf_folio_order(1), 0);
	assert_int_equal(sf_folio_order(16), 4);
	assert_int_equal(sf_folio_order(512), 9);
}

static void census_small_folios(void **state)
{
	char path[256], page[PG], desc[384];
	struct sf_folios f;
	int fd;

	if (access("/proc/kpageflags", R_OK) || access("/dev/shm", W_OK))
		skip();
	fd = tmpfile_in("/dev/shm", path, sizeof(path));
	memset(page, 0xa5, sizeof(page));
	for (int i = 0; i < 32; i++)
		assert_int_equal(pwrite(fd, page, PG, (off_t)i * PG), PG);
	assert_int_equal(sf_folio_census(fd, 32 * PG, 8, &f), 0);
	sf_folios_describe(&f, desc, sizeof(desc));
	assert_int_equal(f.sampled, 8);
	assert_int_equal(f.resident, 8);
	/* tmpfs without huge= makes 4 KiB folios */
	assert_int_equal(f.pages[0], 8);
	assert_int_equal(sf_folios_typical(&f), PG);
	assert_non_null(strstr(desc, "4 KiB: 8 of 8 resident"));
	close(fd);
	unlink(path);
}

static void census_skips_uncached(void **state)
{
	char path[256];
	struct sf_folios f;
	int fd;

	if (access("/proc/kpageflags", R_OK))
		skip();
	fd = tmpfile_in("/tmp", path, sizeof(path));
	assert_int_equal(ftruncate(fd, 64 * PG), 0);	/* holes: nothing cached */
	assert_int_equal(sf_folio_census(fd, 64 * PG, 16, &f), 0);
	assert_int_equal(f.sampled, 16);
	assert_int_equal(f.resident, 0);
	assert_int_equal(sf_folios_typical(&f), 0);
	close(fd);
	unlink(path);
}

static void blockdev_counts_writeback(void **state)
{
	char path[256], *buf = malloc(1 << 20);
	struct sf_blockdev b;
	int64_t w0, w1;
	int fd;

	assert_non_null(buf);
	fd = tmpfile_in("/dev/shm", path, sizeof(path));
	assert_int_equal(sf_blockdev_of(fd, &b), -1);	/* tmpfs: no device */
	assert_non_null(strstr(b.why, "no block device"));
	close(fd);
	unlink(path);

	fd = tmpfile_in("/var/tmp", path, sizeof(path));
	if (sf_blockdev_of(fd, &b)) {
		close(fd);
		unlink(path);
		free(buf);
		skip();		/* /var/tmp not on a block device here */
	}
	memset(buf, 0x5a, 1 << 20);
	w0 = sf_blockdev_written(&b);
	assert_int_equal(pwrite(fd, buf, 1 << 20, 0), 1 << 20);
	assert_int_equal(fsync(fd), 0);
	w1 = sf_blockdev_written(&b);
	assert_true(w0 >= 0);
	assert_true(w1 - w0 >= (1 << 20));
	close(fd);
	unlink(path);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(orders),
		cmocka_unit_test(census_small_folios),
		cmocka_unit_test(census_skips_uncached),
		cmocka_unit_test(blockdev_counts_writeback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
