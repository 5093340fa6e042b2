// SPDX-License-Identifier: MIT
/* The environment record carries what docs/results.md promises. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "sf_clock.h"
#include "sf_cpu.h"
#include "sf_env.h"

static void env_has_keys(void **state)
{
	static const char *const keys[] = { "kernel", "cmdline", "cpu", "hypervisor",
		"mitigations", "thp", "governor", "cores", "numa_nodes", "timer",
		"syncfault_version" };
	json_object *env, *v, *cpu;

	sf_clock_init(false);
	env = sf_env_json();
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		assert_true(json_object_object_get_ex(env, keys[i], &v));
	assert_true(json_object_object_get_ex(env, "cores", &v));
	assert_true(json_object_get_int(v) >= 1);
	assert_true(json_object_object_get_ex(env, "cpu", &cpu));
	assert_true(json_object_object_get_ex(cpu, "flags", &v));
	assert_true(json_object_object_get_ex(v, "clwb", &v));
	json_object_put(env);
}

static void cpuid_matches_proc_cpuinfo(void **state)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[8192] = "";

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "flags", 5))
			break;
	if (f)
		fclose(f);
	assert_int_equal(sf_cpu()->clflush, strstr(line, " clflush ") != NULL);
	assert_int_equal(sf_cpu()->clwb, strstr(line, " clwb") != NULL);
	assert_int_equal(sf_cpu()->sse2, strstr(line, " sse2") != NULL);
}

static void masking_hides_a_flag(void **state)
{
	sf_cpu_mask("clwb");
	assert_false(sf_cpu()->clwb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(env_has_keys),
		cmocka_unit_test(cpuid_matches_proc_cpuinfo),
		cmocka_unit_test(masking_hides_a_flag),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
