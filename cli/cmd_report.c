// SPDX-License-Identifier: MIT
/* syncfault report: rebuild a results directory's report, or export its rows. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "sf_report.h"
#include "sf_util.h"

static void report_usage(void)
{
	printf("usage: syncfault report [--format text|csv|tsv|json] [-o OUT] DIR [DIR...]\n"
	       "  text (default): (re)build report.txt, report.html (tables and SVG figures\n"
	       "  inline, self-contained) and plots/ (PNG, SVG, text; TSV data and the\n"
	       "  gnuplot scripts) from the result JSON files alone, in DIR, or in OUT when\n"
	       "  several directories (shards of one suite, rounds) are merged.\n"
	       "  csv, tsv, json: one flat row per (result, metric) -- file, benchmark,\n"
	       "  status, target, kernel, a param.NAME column per parameter, the metric's\n"
	       "  summary and per-repeat values -- on stdout, or atomically into file OUT.\n");
}

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *fmt = "text", *out = NULL;
	char err[1024];
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			fmt = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
			report_usage();
			return SF_EXIT_OK;
		default:
			return sf_getopt_error("report", argv);
		}
	}
	if (optind >= argc)
		return sf_usage_error("report needs a results directory: syncfault report DIR");
	if (strcmp(fmt, "text") && strcmp(fmt, "csv") && strcmp(fmt, "tsv") && strcmp(fmt, "json"))
		return sf_usage_error("--format '%s' is not valid: use text, csv, tsv or json", fmt);
	if (sf_validate_only)	/* the CLI fuzzer: nothing written */
		return SF_EXIT_OK;
	if (strcmp(fmt, "text")) {
		if (sf_report_export((const char *const *)argv + optind, argc - optind, fmt, out,
				err, sizeof(err)))
			return sf_usage_error("%s", err);
		return SF_EXIT_OK;
	}
	if (!out && argc - optind > 1)
		return sf_usage_error("report of %d directories: give -o OUTDIR for the merged report",
				      argc - optind);
	if (out && sf_mkdir_p(out, 0755))
		return sf_usage_error("-o %s: cannot create it: %s", out, strerror(errno));
	if (!out)
		out = argv[optind];
	if (sf_report_build_dirs(out, (const char *const *)argv + optind, argc - optind,
				 err, sizeof(err)))
		return sf_usage_error("%s", err);
	printf("%s/report.txt\n%s/report.html\n", out, out);
	return SF_EXIT_OK;
}
