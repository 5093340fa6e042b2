/* SPDX-License-Identifier: MIT */
/*
 * Shared by the libFuzzer harnesses: the readers under test take a path,
 * so each input is put in a memfd and handed over as /proc/self/fd/N.  No
 * file is ever created on disk, and the fd is reused across inputs.
 */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Replace the memfd's contents with data; returns its /proc path. */
static const char *fuzz_input_path(const uint8_t *data, size_t size)
{
	static char path[64];
	static int fd = -1;
	size_t off = 0;

	if (fd < 0) {
		fd = memfd_create("fuzz-input", MFD_CLOEXEC);
		if (fd < 0) {
			perror("memfd_create");
			abort();
		}
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) || lseek(fd, 0, SEEK_SET) < 0)
		abort();
	while (off < size) {
		ssize_t n = write(fd, data + off, size - off);

		if (n <= 0)
			abort();
		off += (size_t)n;
	}
	return path;
}

/*
 * Every refusal must be one line naming the problem: an empty message or
 * one with a newline is a bug worth a crash report of its own.
 */
static void fuzz_check_message(const char *err)
{
#ifdef FUZZ_MEMORY_ONLY
	return;		/* scripts/fuzz --memory-only */
#endif
	if (!err[0] || strchr(err, '\n')) {
		fprintf(stderr, "refusal message is not one line: '%s'\n", err);
		abort();
	}
}

#endif
