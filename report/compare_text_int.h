/* SPDX-License-Identifier: MIT */
/* What compare_text.c and compare_tail.c share. */
#ifndef COMPARE_TEXT_INT_H
#define COMPARE_TEXT_INT_H

#include <stddef.h>
#include <stdio.h>

#include "sf_compare_rows.h"

/* A change in %, one decimal below 100 and none above; "-" if unknown. */
void sf_cmp_fmt_pct(double v, char *buf, size_t len);
/* That with 'decimals' decimals under 99.95% (none above). */
void sf_cmp_fmt_pct_dec(double v, int decimals, char *buf, size_t len);
/* The decimals a change and its interval are written with: 1, or 2 where
 * the interval is narrower than 0.1 points and all are under 10%. */
int sf_cmp_decimals(double pct, double lo, double hi);
/* A finite change in % with a sign and that many decimals; never "-0%". */
void sf_cmp_fmt_signed(double v, int decimals, char *buf, size_t len);
/* Why row r has no interval in %: its own note, or what its numbers say. */
const char *sf_cmp_no_interval_why(const struct sf_cmp_row *r, char *buf, size_t len);
/* The summary, the exploratory rows' reason and the strata's models. */
void sf_cmp_text_tail(FILE *out, const struct sf_cmp *c);

#endif
