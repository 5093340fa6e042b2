// SPDX-License-Identifier: MIT
/* Loading one side of a comparison (sf_cmp_load.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sf_cmp_load.h"
#include "sf_walk.h"

/*
 * The run of a result file: its directory, one suite run (one boot of
 * each target kind).  The id of file's directory among the side's.
 */
static int dir_id(struct sf_cmp_side *s, const char *file)
{
	const char *slash = strrchr(file, '/');
	size_t len = slash ? (size_t)(slash - file) : 0;
	char **more;

	for (int i = 0; i < s->ndirs; i++)
		if (strlen(s->dirs[i]) == len && !strncmp(s->dirs[i], file, len))
			return i;
	more = realloc(s->dirs, (s->ndirs + 1) * sizeof(*more));
	if (!more)
		return -1;
	s->dirs = more;
	s->dirs[s->ndirs] = strndup(file, len);
	return s->dirs[s->ndirs] ? s->ndirs++ : -1;
}

static int add_file(struct sf_cmp_side *s, const char *file, int *nfiles, char *err,
		    size_t errlen)
{
	struct sf_result *r, *all;
	int n = sf_results_read(file, &r, err, errlen), id = n < 0 ? -1 : dir_id(s, file), *run;

	if (n < 0)
		return -1;
	all = realloc(s->res, (s->nres + n) * sizeof(*all));
	if (all)
		s->res = all;
	run = all && id >= 0 ? realloc(s->run_ids, (s->nres + n) * sizeof(*run)) : NULL;
	if (!run) {
		sf_results_free(r, n);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (int i = 0; i < n; i++)
		run[s->nres + i] = id;
	s->run = s->run_ids = run;
	memcpy(all + s->nres, r, n * sizeof(*r));
	free(r);	/* the results themselves moved into all */
	s->nres += n;
	if (nfiles)
		(*nfiles)++;
	return 0;
}

int sf_cmp_side_load(struct sf_cmp_side *s, const char *path, int *nfiles, FILE *skipped,
		     char *err, size_t errlen)
{
	struct sf_walk w;
	int ret = 0, before = s->nres;
	struct stat st;

	if (stat(path, &st)) {
		snprintf(err, errlen, "%s: %s: give a results directory or a result file",
			 path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return add_file(s, path, nfiles, err, errlen);
	/* each file once: a link to a directory or a second name pools nothing twice */
	if (sf_walk_results(path, true, &w, err, errlen))
		return -1;
	if (skipped)
		sf_walk_print_skipped(&w, skipped, 10);
	for (int i = 0; !ret && i < w.nfiles; i++)
		ret = add_file(s, w.files[i], nfiles, err, errlen);
	sf_walk_free(&w);
	if (!ret && s->nres == before) {
		snprintf(err, errlen, "%s: no result files (*.json) in it: give the directory syncfault suite wrote",
			 path);
		ret = -1;
	}
	return ret;
}

void sf_cmp_side_free(struct sf_cmp_side *s)
{
	sf_results_free(s->res, s->nres);
	for (int i = 0; i < s->ndirs; i++)
		free(s->dirs[i]);
	free(s->dirs);
	free(s->run_ids);
	s->res = NULL;
	s->run = s->run_ids = NULL;
	s->dirs = NULL;
	s->nres = s->ndirs = 0;
}
