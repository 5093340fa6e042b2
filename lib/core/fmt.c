// SPDX-License-Identifier: MIT
/* Numbers for people: one formatter for every renderer and benchmark. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sf_fmt.h"

void sf_fmt_value(double v, const char *unit, char *buf, size_t len)
{
	static const char *const time_units[] = { "ns", "us", "ms", "s" };
	int i = 0;

	if (!isfinite(v)) {
		snprintf(buf, len, "-");
		return;
	}
	if (!strcmp(unit, "ns")) {
		/* scale first, deciding on the value as it will be rounded */
		while (fabs(v) >= 999.5 && i < 3) {
			v /= 1000;
			i++;
		}
		if (!i)
			snprintf(buf, len, fabs(v) < 99.95 ? "%.1f ns" : "%.0f ns", v);
		else
			snprintf(buf, len, fabs(v) < 9.995 ? "%.2f %s" : fabs(v) < 99.95 ? "%.1f %s" : "%.0f %s",
				 v, time_units[i]);
		return;
	}
	if (fabs(v) >= 1e9)
		snprintf(buf, len, "%.3g G%s", v / 1e9, unit);
	else if (fabs(v) >= 1e6)
		snprintf(buf, len, "%.3g M%s", v / 1e6, unit);
	else if (fabs(v) >= 1e4)
		snprintf(buf, len, "%.3g k%s", v / 1e3, unit);
	else if (v == floor(v) || fabs(v) >= 999.5)
		snprintf(buf, len, "%.0f %s", v, unit);
	else
		snprintf(buf, len, "%.3g %s", v, unit);
}

void sf_fmt_duration(double s, char *buf, size_t len)
{
	if (!isfinite(s) || s < 0)
		snprintf(buf, len, "?");
	else if (s < 10)
		snprintf(buf, len, "%.1fs", s);
	else if (s < 60)
		snprintf(buf, len, "%.0fs", s);
	else if (s < 3600)
		snprintf(buf, len, "%dm%02ds", (int)s / 60, (int)s % 60);
	else
		snprintf(buf, len, "%dh%02dm", (int)s / 3600, (int)s / 60 % 60);
}

void sf_fmt_signed(double v, int decimals, const char *unit, char *buf, size_t len)
{
	if (fabs(v) < 0.5 * pow(10, -decimals))
		v = 0;
	snprintf(buf, len, "%+.*f%s", decimals, v, unit);
}
