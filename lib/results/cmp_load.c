// SPDX-License-Identifier: MIT
/* Loading one side of a comparison (sf_cmp_load.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sf_cmp_load.h"
#include "sf_walk.h"

static int add_file(struct sf_cmp_side *s, const char *file, int *nfiles, char *err,
		    size_t errlen)
{
	struct sf_result *r, *all;
	int n = sf_results_read(file, &r, err, errlen);

	if (n < 0)
		return -1;
	all = realloc(s->res, (s->nres + n) * sizeof(*all));
	if (!all) {
		sf_results_free(r, n);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	memcpy(all + s->nres, r, n * sizeof(*r));
	free(r);	/* the results themselves moved into all */
	s->res = all;
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
	s->res = NULL;
	s->nres = 0;
}
