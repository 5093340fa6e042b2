// SPDX-License-Identifier: MIT
/*
 * syncfault ab --reference DIR: the rounds of an earlier A/A of side A's
 * kernel (syncfault ab --aa -o DIR, the same config and clock) join side A
 * as more runs of that kernel: nine runs of A against three of B resolve
 * more than three against three (a real-time A/B of injected-regression.ini
 * left the injected rows "not concluded" at 3 v 3 and marked them at 9 v 3),
 * and a row that varies by boot shows it as spread.
 */
#include <glob.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sf_ab.h"
#include "sf_errors.h"
#include "sf_util.h"

#define PATHLEN	4200

/* What a kernels.txt line says was booted: the part after "LABEL: SPEC = ". */
static const char *booted(const char *line)
{
	const char *p = strstr(line, " = ");

	if (p)
		return p + 3;
	p = strchr(line, ':');
	return p ? p + 2 : line;
}

/* The kernel lines of DIR/kernels.txt: "  LABEL: ..." (two of an A/A). */
static int kernel_lines(const char *dir, char lines[2][SF_AB_KERNEL_LEN])
{
	char path[PATHLEN], line[SF_AB_KERNEL_LEN];
	FILE *f;
	int n = 0;

	snprintf(path, sizeof(path), "%s/kernels.txt", dir);
	if (!(f = fopen(path, "r")))
		return -1;
	while (n < 2 && fgets(line, sizeof(line), f))
		if (!strncmp(line, "  ", 2)) {
			line[strcspn(line, "\n")] = 0;
			snprintf(lines[n++], SF_AB_KERNEL_LEN, "%s", line + 2);
		}
	fclose(f);
	return n;
}

/* Rounds of DIR that finished (both sides of the A/A). */
static int finished_rounds(const char *dir)
{
	char pat[PATHLEN];
	glob_t g;
	int n = 0;

	snprintf(pat, sizeof(pat), "%s/*/round-*", dir);
	if (!glob(pat, GLOB_ONLYDIR, NULL, &g))
		for (size_t i = 0; i < g.gl_pathc; i++)
			n += sf_ab_round_done(g.gl_pathv[i]);
	globfree(&g);
	return n;
}

int sf_ab_reference_check(struct sf_ab_opts *o)
{
	char lines[2][SF_AB_KERNEL_LEN], path[PATHLEN];
	const char *r = o->reference;

	if (!r)
		return 0;
	snprintf(path, sizeof(path), "%s/aa", r);
	if (access(path, F_OK))
		return sf_usage_error("--reference %s: not the -o of an A/A (no %s/aa): run syncfault ab --aa -o %s CONFIG first",
				      r, r, r);
	if (kernel_lines(r, lines) != 2)
		return sf_usage_error("--reference %s: not the -o of an A/A (no kernels.txt of two sides): run syncfault ab --aa -o %s CONFIG first",
				      r, r);
	if (strcmp(booted(lines[0]), booted(lines[1])))
		return sf_usage_error("--reference %s compares two kernels (%s; %s): give an A/A (syncfault ab --aa)",
				      r, lines[0], lines[1]);
	if (!(o->reference_rounds = finished_rounds(r)))
		return sf_usage_error("--reference %s: no round of it finished: finish it first (the same ab --aa command)",
				      r);
	snprintf(o->reference_kernel, sizeof(o->reference_kernel), "%s", booted(lines[0]));
	return 0;
}

int sf_ab_reference_clock(const struct sf_ab_opts *o, const char *clock)
{
	char path[PATHLEN], had[32];

	if (!o->reference)
		return 0;
	snprintf(path, sizeof(path), "%s/clock", o->reference);
	if (sf_read_line(path, had, sizeof(had)))
		return sf_usage_error("--reference %s: no %s/clock: not the -o of syncfault ab",
				      o->reference, o->reference);
	if (strcmp(had, clock))
		return sf_usage_error("--reference %s was measured with timing %s, this A/B with %s: its rounds cannot join side A",
				      o->reference, had, clock);
	return 0;
}

int sf_ab_reference_kernel(const struct sf_ab_opts *o, const char *side_a)
{
	if (!o->reference || !strcmp(booted(side_a), o->reference_kernel))
		return 0;
	return sf_usage_error("--reference %s booted %s, side A %s: only an A/A of side A's kernel can join it (the rounds are kept: the same command without --reference compares them)",
			      o->reference, o->reference_kernel, booted(side_a));
}
