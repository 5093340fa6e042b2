// SPDX-License-Identifier: MIT
/*
 * syncfault report DIR: rebuild DIR/report.txt, DIR/report.html and
 * DIR/plots/ from the result JSON files alone (report_int.h lists the
 * modules); and the flat exports of the same results.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "report_int.h"
#include "sf_report.h"
#include "sf_util.h"

/* Where the report goes must take it: found before anything is rendered. */
static int check_outputs(struct report *rp, char *err, size_t errlen)
{
	char path[4200];
	struct stat st;

	if (!lstat(rp->plots, &st) && !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s is not a directory: remove it so that report can put the figures there",
			 rp->plots);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/report.html", rp->dir);
	if (sf_out_path_check(path, "report", err, errlen))
		return -1;
	snprintf(path, sizeof(path), "%s/report.txt", rp->dir);
	return sf_out_path_check(path, "report", err, errlen);
}

/* report.html beside report.txt: the same results, figures inline. */
static int write_html(struct report *rp, char *err, size_t errlen)
{
	struct sf_html_fig *figs = calloc((size_t)rp->nfigs + 1, sizeof(*figs));
	char path[4200], *txt = NULL;
	size_t len;
	int ret;

	if (!figs) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (int i = 0; i < rp->nfigs; i++) {
		figs[i].stem = rp->figs[i].stem;
		figs[i].title = rp->figs[i].title;
	}
	snprintf(path, sizeof(path), "%s/report.txt", rp->dir);
	if (sf_read_regular(path, SF_READ_MAX, &txt, &len, err, errlen)) {
		free(figs);
		return -1;
	}
	ret = rp_write_html(rp, figs, rp->have_gnuplot ? rp->nfigs : 0, txt, err, errlen);
	free(txt);
	free(figs);
	return ret;
}

int sf_report_build(const char *dir, char *err, size_t errlen)
{
	return sf_report_build_dirs(dir, &dir, 1, err, errlen);
}

int sf_report_build_dirs(const char *dir, const char *const *in, int nin, char *err, size_t errlen)
{
	struct report *rp = calloc(1, sizeof(*rp));
	int ret = -1;

	if (!rp) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	rp->in = in;
	rp->nin = nin;
	rp->dir = dir;
	if (rp_load(rp, err, errlen))
		goto out;
	rp_note_guests(rp);
	snprintf(rp->plots, sizeof(rp->plots), "%s/plots", dir);
	if (check_outputs(rp, err, errlen))
		goto out;
	if (sf_mkdir_p(rp->plots, 0755)) {
		snprintf(err, errlen, "cannot create %s: %s", rp->plots, strerror(errno));
		goto out;
	}
	rp_clean_plots(rp);
	rp->text = open_memstream(&rp->text_buf, &rp->text_len);
	if (!rp->text) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (rp_findings(rp)) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	rp_figures(rp);
	rp_render(rp);
	ret = rp_write_text(rp, err, errlen);
	if (!ret)
		ret = write_html(rp, err, errlen);
out:
	if (rp->text)
		fclose(rp->text);
	free(rp->text_buf);
	free(rp->figs);
	rp_findings_free(rp);
	rp_unload(rp);
	free(rp);
	return ret;
}

/* Flat rows of every result in dirs, to out (a file, atomically) or stdout. */
int sf_report_export(const char *const *in, int nin, const char *fmt, const char *out,
		       char *err, size_t errlen)
{
	struct report rp = { .in = in, .nin = nin };
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int rows = -1;

	if (out && sf_out_path_check(out, "-o", err, errlen))
		return -1;
	if (!rp_load(&rp, err, errlen) && (f = open_memstream(&buf, &len))) {
		rows = sf_export_rows(rp.res, rp.file, rp.n, fmt, f, err, errlen);
		fclose(f);
	}
	rp_unload(&rp);
	if (rows < 0) {
		free(buf);
		return -1;
	}
	if (!out) {
		fwrite(buf, 1, len, stdout);
		free(buf);
		return fflush(stdout) ? -1 : 0;
	}
	rows = sf_write_atomic(out, buf, len, err, errlen);
	free(buf);
	return rows;
}
