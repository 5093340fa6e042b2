// SPDX-License-Identifier: MIT
/* The result files of the report's input directories, each once (sf_store.h). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report_int.h"
#include "sf_array.h"
#include "sf_harness.h"
#include "sf_store.h"
#include "sf_util.h"

/* The results of one file, named rel (or, when several directories are merged, path). */
static int add_file(struct report *rp, const char *path, const char *rel, char *err, size_t errlen)
{
	struct sf_result *r;
	int k = sf_results_read(path, &r, err, errlen);

	if (k < 0)
		return -1;
	if (SF_GROW(rp->res, (size_t)rp->n + k, rp->rcap) ||
	    SF_GROW(rp->file, (size_t)rp->n + k, rp->fcap)) {
		sf_results_free(r, k);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	memcpy(rp->res + rp->n, r, k * sizeof(*r));
	free(r);
	for (int j = 0; j < k; j++)
		rp->file[rp->n + j] = strdup(rp->nin > 1 ? path : rel);
	rp->n += k;
	rp->nfiles++;
	return 0;
}

static int load_dir(struct report *rp, const char *dir, char *err, size_t errlen)
{
	struct sf_walk w;
	char path[4096];
	int ret = 0;
	size_t dl = strlen(dir);

	/* the files of this directory, each once; what was skipped is said */
	if (sf_store_walk(dir, &w, err, errlen)) {
		snprintf(path, sizeof(path), "%s", err);
		snprintf(err, errlen, "%s: give a results directory", path);
		return -1;
	}
	sf_walk_print_skipped(&w, stderr, 10);
	for (int i = 0; i < w.nfiles && !ret; i++) {
		const char *rel = w.files[i] + dl + 1;

		snprintf(path, sizeof(path), "%s/%s", dir, rel);
		ret = add_file(rp, path, rel, err, errlen);
	}
	sf_walk_free(&w);
	return ret;
}

int rp_load(struct report *rp, char *err, size_t errlen)
{
	char path[4096];
	int ret = 0;

	for (int d = 0; d < rp->nin && !ret; d++)
		ret = load_dir(rp, rp->in[d], err, errlen);
	if (!ret && !rp->n) {
		snprintf(err, errlen, "%s: no result files (*.json): give a directory written by syncfault suite",
			 rp->in[0]);
		ret = -1;
	}
	snprintf(path, sizeof(path), "%s/env.json", rp->in[0]);
	if (!ret && !access(path, F_OK))
		rp->envjson = sf_json_read(path, SF_READ_MAX, err, errlen);	/* optional */
	return ret;
}

void rp_unload(struct report *rp)
{
	for (int i = 0; i < rp->n; i++)
		free(rp->file[i]);
	free(rp->file);
	sf_results_free(rp->res, rp->n);
	if (rp->envjson)
		json_object_put(rp->envjson);
	rp->file = NULL;
	rp->res = NULL;
	rp->envjson = NULL;
	rp->n = 0;
}
