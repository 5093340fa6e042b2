// SPDX-License-Identifier: MIT
/* Target probe on tmpfs and on things that are not targets. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "sf_modes.h"
#include "sf_probe.h"

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n++;
	if (d)
		closedir(d);
	return n;
}

static void tmpfs_is_not_dax(void **state)
{
	char dir[] = "/dev/shm/sf-test-target.XXXXXX", err[512];
	struct sf_target t;
	char why[256];

	assert_non_null(mkdtemp(dir));
	assert_int_equal(sf_target_probe(dir, &t, err, sizeof(err)), 0);
	assert_string_equal(t.fs, "tmpfs");
	assert_string_equal(t.mount_point, "/dev/shm");
	assert_false(t.dax);
	assert_false(t.map_sync);
	assert_non_null(strstr(t.map_sync_reason, "EOPNOTSUPP"));
	assert_true(t.writable);
	/* the probe removed its own file and directory */
	assert_int_equal(count_entries(dir), 2);
	/* and the modes table agrees */
	assert_int_equal(sf_mode_supported(sf_mode_find("mapsync"), &t, why, sizeof(why)), -1);
	assert_int_equal(sf_mode_supported(sf_mode_find("daxfile"), &t, why, sizeof(why)), -1);
	assert_int_equal(sf_mode_supported(sf_mode_find("msync"), &t, why, sizeof(why)), 0);
	rmdir(dir);
}

static void not_a_target(void **state)
{
	struct sf_target t;
	char err[512];

	assert_int_equal(sf_target_probe("/nonexistent/dir", &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/dir"));
	assert_int_equal(sf_target_probe("/etc/hostname", &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a directory"));
	/* sysfs refuses file creation even for root */
	assert_int_equal(sf_target_probe("/sys/kernel", &t, err, sizeof(err)), -1);
}

static void modes_table_is_complete(void **state)
{
	static const char *const names[] = { "none", "msync", "fsync", "fdatasync",
					     "mapsync", "daxfile", "pwrite" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct sf_mode *m = sf_mode_find(names[i]);

		assert_non_null(m);
		assert_non_null(m->persist);
		assert_int_equal(m->durable, strcmp(names[i], "none") != 0);
	}
	assert_null(sf_mode_find("bogus"));
}

/* A device DAX target is printed as a device: never "dax no". */
static void devdax_print_says_device(void **state)
{
	struct sf_target t = { .devdax = true, .map_sync = true,
			       .devdax_size = 1ull << 30, .devdax_align = 2 << 20 };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	snprintf(t.path, sizeof(t.path), "/dev/dax0.0");
	snprintf(t.fs, sizeof(t.fs), "devdax");
	snprintf(t.namespace_mode, sizeof(t.namespace_mode), "devdax");
	snprintf(t.dax_reason, sizeof(t.dax_reason), "device DAX: no files");
	sf_target_print(&t, f);
	fclose(f);
	assert_non_null(strstr(text, "device      device DAX, 1024 MiB"));
	assert_non_null(strstr(text, "2048 KiB"));
	assert_non_null(strstr(text, "dax         by construction"));
	assert_null(strstr(text, "dax         no"));
	assert_null(strstr(text, "mounted on"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tmpfs_is_not_dax),
		cmocka_unit_test(not_a_target),
		cmocka_unit_test(devdax_print_says_device),
		cmocka_unit_test(modes_table_is_complete),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
