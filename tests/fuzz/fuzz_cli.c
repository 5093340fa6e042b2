// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the command-line parsers: every command's argument
 * checking, run in one process with sf_validate_only set, so that nothing
 * is probed, created or run - a command line is only checked.  The input
 * is a command (first byte) and NUL-separated arguments.  Paths in them
 * reach the readers of configs and result files (compare, suite), which
 * must refuse, not hang on, what they find there.
 */
#include "fuzz_common.h"
#include "cli.h"
#include "sf_harness.h"

#define MAX_ARGS	32

/* probe, env and the hidden commands are not parsers worth a fuzzer: probe works at once */
static const char *const cmds[] = { "run", "suite", "compare", "report", "crashtest", "list" };

/* Arguments that exit() (help) or switch to another program (the guest side). */
static bool unwanted(const char *a)
{
	return !strcmp(a, "--help") || !strcmp(a, "-h") || !strcmp(a, "--guest");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[MAX_ARGS + 3];
	int argc = 0, nalloc;
	size_t off = 1;
	bool skip = false;

	if (size < 1)
		return 0;
	/* a command line's options live in its own structures: nothing global to reset */
	sf_interrupted = 0;
	sf_validate_only = true;
	argv[argc++] = strdup("syncfault");
	argv[argc++] = strdup(cmds[data[0] % (sizeof(cmds) / sizeof(cmds[0]))]);
	while (off <= size && argc < MAX_ARGS + 2) {
		const uint8_t *nul = off < size ? memchr(data + off, 0, size - off) : NULL;
		size_t len = nul ? (size_t)(nul - (data + off)) : size - off;

		if (off == size)
			break;
		argv[argc] = strndup((const char *)data + off, len);
		skip = skip || unwanted(argv[argc]);
		argc++;
		off += len + 1;
	}
	argv[argc] = NULL;
	nalloc = argc;
	if (!skip)
		sf_main(argc, argv);	/* getopt may permute argv: the same pointers */
	for (int i = 0; i < nalloc; i++)
		free(argv[i]);
	return 0;
}
