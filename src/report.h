/* SPDX-License-Identifier: MIT */
/*
 * Building a results directory's report.txt and plots from its result JSON
 * files alone (`syncfault report`, and the end of `syncfault suite`).
 */
#ifndef SF_REPORT_H
#define SF_REPORT_H

#include <stddef.h>

/*
 * Read the DIR/NAME.json result files (env.json aside), write DIR/plots/ (TSV data, the gnuplot
 * scripts, PNG, SVG and text renderings) and DIR/report.txt atomically.
 * Returns 0, or -1 with a one-line message in err (unreadable or invalid
 * result file, no results, unwritable directory).  Missing gnuplot is not
 * an error: report.txt then says the plots were not rendered.
 */
int sf_report_build(const char *dir, char *err, size_t errlen);

#endif
