// SPDX-License-Identifier: MIT
/*
 * A git range as a series: base = good's tree (exported once into the
 * cache, named by its commit, so that its kernels are named by it too),
 * patch k = the diff of the k-th first-parent commit of good..bad against
 * its first parent.  Candidate k is then exactly the tree of commit k,
 * merges included, and the user's work tree is never touched.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sf_bisect_int.h"
#include "sf_errors.h"
#include "sf_spawn.h"
#include "sf_util.h"

#define GIT_OUT_MAX	(256u << 20)

/* git -C tree ARGS... (args: NULL-terminated): its stdout in *out; its exit status. */
static int git(const char *tree, char **out, const char *const args[])
{
	char *cmd[16];
	int n = 0;

	/* /usr/bin/env finds git on PATH: sf_spawn runs a path, not a name */
	cmd[n++] = "/usr/bin/env";
	cmd[n++] = "git";
	cmd[n++] = "-C";
	cmd[n++] = (char *)tree;
	for (int i = 0; args[i] && n < 15; i++)
		cmd[n++] = (char *)args[i];
	cmd[n] = NULL;
	return sf_spawn_capture(cmd, -1, GIT_OUT_MAX, out);
}

/* REV of tree as a full commit id into sha. */
static int commit_of(const char *tree, const char *opt, const char *rev, char *sha, size_t len)
{
	char spec[512], *out = NULL;
	int rc;

	snprintf(spec, sizeof(spec), "%s^{commit}", rev);
	rc = git(tree, &out, (const char *[]){ "rev-parse", "--verify", "--quiet", spec, NULL });
	if (rc || !out || strlen(out) < 40) {
		free(out);
		return sf_usage_error("%s %s: not a commit of %s (git rev-parse)", opt, rev, tree);
	}
	snprintf(sha, len, "%.40s", out);
	free(out);
	return 0;
}

/* good's tree, exported into the cache once. */
static int export_base(const char *tree, const char *sha, char *dir, size_t len)
{
	char rel[128], ok[PATH_MAX + 8], tmp[PATH_MAX + 32], parent[PATH_MAX], err[512];
	char *argv[] = { "/bin/sh", "-c", "git -C \"$1\" archive --format=tar \"$2\" | tar -x -C \"$3\"",
			 "sh", (char *)tree, (char *)sha, tmp, NULL };

	snprintf(rel, sizeof(rel), "kernels/src/git-%s", sha);
	sf_cache_path(rel, dir, len);
	snprintf(ok, sizeof(ok), "%s/.sf-ok", dir);
	if (!access(ok, F_OK))
		return 0;
	sf_cache_path("kernels/src", parent, sizeof(parent));
	snprintf(tmp, sizeof(tmp), "%s/.git-export.XXXXXX", parent);
	if (sf_mkdir_p(parent, 0755) || !mkdtemp(tmp))
		return sf_error("cannot create %s: %s", parent, strerror(errno));
	printf("bisect: exporting %.12s of %s into %s\n", sha, tree, dir);
	if (sf_spawn(argv, -1, -1)) {
		sf_remove_tree(tmp);
		return sf_error("git archive %.12s of %s failed", sha, tree);
	}
	snprintf(ok, sizeof(ok), "%s/.sf-ok", tmp);
	if (sf_write_atomic(ok, sha, strlen(sha), err, sizeof(err)) || rename(tmp, dir)) {
		sf_remove_tree(tmp);
		return sf_error("cannot move the export of %.12s to %s: %s", sha, dir, strerror(errno));
	}
	return 0;
}

/* One commit's diff against its first parent into the series. */
static int add_commit(struct sf_series *s, const struct sf_bisect_opts *o, const char *c)
{
	char parent[64], *diff = NULL, *subj = NULL, name[96], id[16];
	int rc;

	snprintf(parent, sizeof(parent), "%s^", c);
	/*
	 * --full-index: the index lines' object names in full, not abbreviated
	 * to a length git picks by the repository's size, or the same commit
	 * gives another patch (and another kernel key) once the tree grows.
	 */
	if (git(o->tree, &diff, (const char *[]){ "diff", "--no-renames", "--no-color", "--no-ext-diff",
						  "--full-index", parent, c, NULL }) ||
	    git(o->tree, &subj, (const char *[]){ "log", "-1", "--format=%s", c, NULL })) {
		rc = sf_error("git diff %.12s in %s failed", c, o->tree);
		goto out;
	}
	if (strstr(diff, "\nBinary files ") || !strncmp(diff, "Binary files ", 13)) {
		rc = sf_usage_error("commit %.12s changes a binary file: patch(1) cannot apply it; bisect a range without it",
				    c);
		goto out;
	}
	subj[strcspn(subj, "\n")] = '\0';
	snprintf(id, sizeof(id), "%.12s", c);
	snprintf(name, sizeof(name), "%.12s.patch", c);
	rc = 0;
	if (!diff[0])	/* an empty commit cannot be the one: nothing to build */
		printf("bisect: commit %s (%s) changes nothing: left out\n", id, subj);
	else {
		size_t hl = strlen(subj) + 16;
		char *text = malloc(hl + strlen(diff) + 1);

		rc = text ? 0 : sf_error("out of memory");
		if (text) {
			snprintf(text, hl, "Subject: %s\n\n", subj);
			strcat(text, diff);
			rc = sf_series_add_text(s, o->out, text, strlen(text), name, id);
			free(text);
		}
	}
out:
	free(diff);
	free(subj);
	return rc;
}

int sf_git_series(const struct sf_bisect_opts *o, struct sf_series *s)
{
	char good[48], bad[48], range[100], *list = NULL, *save = NULL, *c;
	int rc;

	if (commit_of(o->tree, "--good", o->good, good, sizeof(good)) ||
	    commit_of(o->tree, "--bad", o->bad, bad, sizeof(bad)))
		return SF_EXIT_USAGE;
	rc = git(o->tree, &list, (const char *[]){ "merge-base", "--is-ancestor", good, bad, NULL });
	free(list);
	if (rc)
		return sf_usage_error("--good %s is not an ancestor of --bad %s in %s", o->good, o->bad,
				      o->tree);
	snprintf(range, sizeof(range), "%s..%s", good, bad);
	if (git(o->tree, &list, (const char *[]){ "rev-list", "--reverse", "--first-parent", range, NULL })) {
		free(list);
		return sf_error("git rev-list %s in %s failed", range, o->tree);
	}
	for (c = strtok_r(list, "\n", &save); c; c = strtok_r(NULL, "\n", &save))
		if ((rc = add_commit(s, o, c)))
			break;
	free(list);
	if (rc)
		return rc;
	if (!s->n)
		return sf_usage_error("%s..%s changes nothing: give --good older than --bad", o->good, o->bad);
	snprintf(s->base_desc, sizeof(s->base_desc), "%s %.12s of %s", o->good, good, o->tree);
	if (o->list) {	/* nothing is built: no copy of the tree */
		snprintf(s->base, sizeof(s->base), "%s", good);
		return 0;
	}
	return export_base(o->tree, good, s->base, sizeof(s->base));
}
