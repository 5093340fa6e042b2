// SPDX-License-Identifier: MIT
/*
 * Rendering the report's figures: each is a gnuplot script from plots/
 * (copied into DIR/plots/ so that the directory re-renders on its own) fed
 * the TSV file the figure wrote, rendered to PNG, SVG and plain text
 * (`dumb`); DIR/plots/render.sh does it again.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report_int.h"
#include "sf_datadir.h"
#include "sf_util.h"

void rp_clean_plots(struct report *rp)
{
	static const char *const exts[] = { ".png", ".svg", ".tsv", ".txt", ".gp", NULL };
	DIR *d = opendir(rp->plots);
	struct dirent *e;
	char path[4400];

	while (d && (e = readdir(d))) {
		const char *dot = strrchr(e->d_name, '.');

		if (!dot || !sf_in_list(dot, exts))
			continue;
		snprintf(path, sizeof(path), "%s/%s", rp->plots, e->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
}

/* The script every figure loads, then those of the figures this report has. */
static const char *script_of(const struct report *rp, int i)
{
	return i ? rp->figs[i - 1].script : "common.gp";
}

static int copy_scripts(struct report *rp)
{
	const char *env = getenv("SYNCFAULT_PLOTS");
	char dir[4096], from[4200], to[4400];

	if (env && *env)
		snprintf(dir, sizeof(dir), "%s", env);
	else if (sf_data_path("plots", dir, sizeof(dir), rp->gp_problem, sizeof(rp->gp_problem)))
		return -1;
	for (int i = 0; i <= rp->nfigs; i++) {
		const char *script = script_of(rp, i);

		snprintf(from, sizeof(from), "%s/%s", dir, script);
		snprintf(to, sizeof(to), "%s/%s", rp->plots, script);
		if (sf_copy_file(from, to)) {
			snprintf(rp->gp_problem, sizeof(rp->gp_problem),
				 "gnuplot script %s not found (reinstall syncfault, or set SYNCFAULT_PLOTS to a plots/ directory)",
				 from);
			return -1;
		}
	}
	return 0;
}

static void gp_vars(const struct fig *f, const char *fmt, char *buf, size_t len)
{
	snprintf(buf, len, "gpdir='.'; fmt='%s'; out='%s.%s'; data='%s.tsv'; n=%d; ttl='%s'%s%s",
		 fmt, f->stem, !strcmp(fmt, "dumb") ? "txt" : fmt, f->stem, f->nseries,
		 f->title, f->vars[0] ? "; " : "", f->vars);
}

/* Run gnuplot in the plots directory; its messages go to gnuplot.log. */
static int run_gnuplot(struct report *rp, const char *vars, const char *script)
{
	char log[4400];
	pid_t pid;
	int st, fd;

	snprintf(log, sizeof(log), "%s/gnuplot.log", rp->plots);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		if (chdir(rp->plots))
			_exit(126);
		execlp("gnuplot", "gnuplot", "-e", vars, script, (char *)NULL);
		_exit(errno == ENOENT ? 127 : 126);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
		return 127;
	return WIFEXITED(st) && !WEXITSTATUS(st) ? 0 : -1;
}

static bool nonempty(const char *path)
{
	struct stat st;

	return !stat(path, &st) && st.st_size > 0;
}

void rp_render(struct report *rp)
{
	static const char *const fmts[] = { "png", "svg", "dumb", NULL };
	char vars[1024], path[4400];
	FILE *sh;

	if (copy_scripts(rp))
		return;
	snprintf(path, sizeof(path), "%s/render.sh", rp->plots);
	sh = fopen(path, "we");
	if (sh)
		fprintf(sh, "#!/bin/sh\n# Re-render every figure (written by syncfault report).\n"
			"set -e\ncd \"$(dirname \"$0\")\"\n");
	snprintf(path, sizeof(path), "%s/gnuplot.log", rp->plots);
	unlink(path);
	rp->have_gnuplot = true;
	for (int i = 0; i < rp->nfigs; i++) {
		struct fig *f = &rp->figs[i];

		for (int k = 0; fmts[k]; k++) {
			int rc;

			gp_vars(f, fmts[k], vars, sizeof(vars));
			if (sh)
				fprintf(sh, "gnuplot -e \"%s\" %s\n", vars, f->script);
			if (!rp->have_gnuplot)
				continue;
			rc = run_gnuplot(rp, vars, f->script);
			snprintf(path, sizeof(path), "%s/%s.%s", rp->plots, f->stem,
				 !strcmp(fmts[k], "dumb") ? "txt" : fmts[k]);
			if (rc == 127) {
				rp->have_gnuplot = false;
				snprintf(rp->gp_problem, sizeof(rp->gp_problem),
					 "gnuplot is not installed (Debian: gnuplot-nox): plots not rendered; TSV data and scripts are in plots/, run plots/render.sh");
			} else if (rc || !nonempty(path)) {
				snprintf(rp->gp_problem, sizeof(rp->gp_problem),
					 "gnuplot failed on %s (%s): see plots/gnuplot.log", f->stem, fmts[k]);
			}
		}
	}
	snprintf(path, sizeof(path), "%s/gnuplot.log", rp->plots);
	if (!nonempty(path))
		unlink(path);
	if (sh) {
		fclose(sh);
		snprintf(path, sizeof(path), "%s/render.sh", rp->plots);
		chmod(path, 0755);
	}
}
