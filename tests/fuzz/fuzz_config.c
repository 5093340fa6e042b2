// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the suite config reader (sf_config_load: libinih,
 * our line reader, validation against the real benchmarks' parameter
 * tables, matrix expansion, run ids).  Besides not crashing it checks that
 * a refusal is one line and that every accepted run can be turned into a
 * command line (sf_run_argv), which is what `syncfault suite` does next.
 */
#include "fuzz_common.h"
#include "sf_config.h"

static void use_runs(const struct sf_suite *s)
{
	for (int i = 0; i < s->nruns; i++) {
		char **argv;
		int argc = sf_run_argv(&s->runs[i], &argv);

		if (argc < 2 || !s->runs[i].id[0]) {
			fprintf(stderr, "run %d has no command line or no id\n", i);
			abort();
		}
		sf_run_host_dir(&s->runs[i]);
		sf_run_argv_free(argv, argc);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sf_suite s;
	char err[1024];

	if (sf_config_load(fuzz_input_path(data, size), &s, err, sizeof(err))) {
		fuzz_check_message(err);
		return 0;
	}
	use_runs(&s);
	sf_suite_free(&s);
	return 0;
}
