/* SPDX-License-Identifier: MIT */
/* Printing an attribution: the facts come from lib/results/sf_attrib_lines.h. */
#ifndef SF_ATTRIB_PRINT_H
#define SF_ATTRIB_PRINT_H

#include <stdio.h>

#include "sf_attrib.h"

struct sf_result;

/* The run summary's attribution lines. */
void sf_attrib_print(const struct sf_result *r, FILE *f);
/* Contention's role lines, each after indent. */
void sf_attrib_roles_lines(const struct sf_attrib_roles *r, const char *indent, FILE *f);

#endif
