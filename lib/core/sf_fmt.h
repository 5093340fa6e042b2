/* SPDX-License-Identifier: MIT */
/* Numbers for people: one formatter for every renderer and benchmark. */
#ifndef SF_FMT_H
#define SF_FMT_H

#include <stddef.h>

/* Format v in unit for humans: "12.3 us", "4.56 GB/s", "1234"; "-" if not finite. */
void sf_fmt_value(double v, const char *unit, char *buf, size_t len);

/* A duration for people: "4.2s", "37s", "12m05s", "2h03m"; "?" if not known. */
void sf_fmt_duration(double s, char *buf, size_t len);

/*
 * A signed change with its unit: "+1.2%", "-0.4 us"; a value that rounds
 * to 0 at these decimals prints "+0.0", never "-0.0".
 */
void sf_fmt_signed(double v, int decimals, const char *unit, char *buf, size_t len);

#endif
