// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the result reader (sf_results_read and
 * sf_result_from_json, what compare and report feed every file they are
 * given).  Beyond "does not crash" it checks two promises: a refusal is a
 * one-line message, and whatever the reader accepted can be written back
 * (sf_result_to_json), printed (sf_result_print) and read again.
 */
#include <json-c/json.h>

#include "fuzz_common.h"
#include "sf_result.h"

static FILE *devnull;

static void roundtrip(const struct sf_result *r)
{
	json_object *o = sf_result_to_json(r);
	struct sf_result back;
	char err[512];

	if (sf_result_from_json(o, &back, err, sizeof(err))) {
		fprintf(stderr, "a result the reader accepted does not read back: %s\n", err);
		abort();
	}
	sf_result_free(&back);
	json_object_put(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sf_result *r;
	char err[1024];
	int n;

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	n = sf_results_read(fuzz_input_path(data, size), &r, err, sizeof(err));
	if (n < 0) {
		fuzz_check_message(err);
		return 0;
	}
	for (int i = 0; i < n; i++) {
		sf_result_print(&r[i], devnull);
		sf_result_checks_ok(&r[i]);
		roundtrip(&r[i]);
	}
	sf_results_free(r, n);
	return 0;
}
