// SPDX-License-Identifier: MIT
/*
 * syncfault kernel check-phases SPEC: is the attribution's phase map true
 * of that kernel?  Every row that applies to its version must be
 * traceable there, no phase may be left without a traceable row, and the
 * rows the kernel lacks by the table's version ranges are named.
 *
 * What a kernel can trace is its available_filter_functions, read in a
 * guest booted on it (twice: ext4 and xfs are modules of Debian's kernels,
 * loaded only for their own target).  Reading it beats System.map or BTF
 * from the package: it is exactly what set_ftrace_filter accepts (no
 * notrace, noinstr or inlined function sneaks in) and it works the same
 * for Debian's kernels and for built ones.  --functions takes a list
 * recorded that way (--save), so the check runs without a guest.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli.h"
#include "sf_array.h"
#include "sf_attrib_check.h"
#include "sf_result.h"
#include "sf_util.h"
#include "sf_guest_targets.h"
#include "sf_vm.h"

#define MAX_USER_FNS	8

struct phases_opts {
	const char *spec;
	const char *functions[4];
	int nfunctions;
	const char *user[MAX_USER_FNS];
	int nuser;
	const char *save;
	bool here, verbose;
	const char *json, *target;	/* --here: where the guest wants the list */
};

static void usage(FILE *f)
{
	fprintf(f, "usage: syncfault kernel check-phases SPEC [--functions FILE]... [--save FILE]\n"
		"                                 [--attribute-fn PHASE=FUNCTION]... [-v]\n"
		"       syncfault kernel check-phases --here [--json FILE] [-v]\n"
		"Checks the attribution's phase map against kernel SPEC (debian:6.12, built:NAME ...):\n"
		"every row that applies to its version is traceable there, no phase is left\n"
		"without one, and which rows it lacks.  The kernel's available_filter_functions\n"
		"come from two guest boots (vm:ext4-dax, vm:xfs-dax), or from --functions, a list\n"
		"recorded by --save.  --attribute-fn adds rows as run does; -v lists every row.\n"
		"--here checks the running kernel (root, tracefs).  Exit 0 when the map holds, 1 when\n"
		"a row is dead or a phase blind, 2 for bad input.\n");
}

/* Bad --attribute-fn rows are refused before anything runs. */
static int check_user_rows(const struct phases_opts *o)
{
	struct sf_attrib_map m = { 0 };
	char err[256];

	for (int u = 0; u < o->nuser; u++)
		if (sf_attrib_map_add(&m, o->user[u], err, sizeof(err)))
			return sf_usage_error("kernel check-phases: %s", err);
	return 0;
}

static int parse(int argc, char **argv, struct phases_opts *o)
{
	static const struct option lo[] = {
		{ "functions", required_argument, NULL, 'f' }, { "save", required_argument, NULL, 's' },
		{ "attribute-fn", required_argument, NULL, 'a' }, { "here", no_argument, NULL, 'H' },
		{ "json", required_argument, NULL, 'j' }, { "target", required_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' }, { "help", no_argument, NULL, 'h' }, { 0 }
	};
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "vh", lo, NULL)) != -1) {
		if (c == 'f' && o->nfunctions < 4)
			o->functions[o->nfunctions++] = optarg;
		else if (c == 'f')
			return sf_usage_error("kernel check-phases: at most 4 --functions lists");
		else if (c == 'a' && o->nuser < MAX_USER_FNS)
			o->user[o->nuser++] = optarg;
		else if (c == 'a')
			return sf_usage_error("kernel check-phases: at most %d --attribute-fn rows", MAX_USER_FNS);
		else if (c == 's')
			o->save = optarg;
		else if (c == 'H')
			o->here = true;
		else if (c == 'j')
			o->json = optarg;
		else if (c == 't')
			o->target = optarg;
		else if (c == 'v')
			o->verbose = true;
		else if (c == 'h')
			return usage(stdout), -1;
		else
			return sf_getopt_error("kernel check-phases", argv);
	}
	if (optind < argc)
		o->spec = argv[optind++];
	if (optind < argc)
		return sf_usage_error("kernel check-phases: one SPEC, not '%s' too", argv[optind]);
	if (!o->spec == !o->here)
		return sf_usage_error("kernel check-phases: name a kernel (SPEC, e.g. debian:6.12) or --here");
	return check_user_rows(o);
}

/* A file or a tracefs file, whole, NUL-terminated (NULL, err set, if not). */
static char *slurp(const char *path, char *err, size_t errlen)
{
	char *buf;
	size_t len;

	return sf_read_regular(path, SF_READ_MAX, &buf, &len, err, errlen) ? NULL : buf;
}

/* ---- the report ---- */

static const char *fs_name(unsigned int fs)
{
	return fs == SF_FS_EXT4 ? "ext4" : "xfs";
}

/* "allocation=ext4_mb_new_blocks", "invalidate lock=down_read in ext4_dax_huge_fault" */
static void row_words(const struct sf_phase_fn *r, char *buf, size_t len)
{
	int slot = sf_check_slot(r);

	snprintf(buf, len, "%s=%s%s%s", sf_check_slot_name(slot), r->fn,
		 r->within ? " in " : "", r->within ? r->within : "");
}

static void version_words(const struct sf_phase_fn *r, char *buf, size_t len)
{
	if (r->since && r->until)
		snprintf(buf, len, "%d.%d to %d.%d", r->since / 100, r->since % 100, r->until / 100, r->until % 100);
	else if (r->since)
		snprintf(buf, len, "since %d.%d", r->since / 100, r->since % 100);
	else
		snprintf(buf, len, "before %d.%d", r->until / 100, r->until % 100);
}

static void print_rows(const struct sf_phase_check *c, const char *release, bool verbose)
{
	char w[200], v[40];

	for (int i = 0; i < c->nrows; i++) {
		const struct sf_row_check *r = &c->rows[i];

		row_words(&r->row, w, sizeof(w));
		if (r->verdict == SF_ROW_DEAD)
			printf("  DEAD %s: not traceable on %s (not in its available_filter_functions%s)\n",
			       w, release, r->row.within ? ", or the function it must be within" : "");
		else if (r->verdict == SF_ROW_ABSENT) {
			version_words(&r->row, v, sizeof(v));
			printf("  lacks %s: the table has it %s%s\n", w, v,
			       r->traceable ? " (traceable here all the same)" : "");
		} else if (verbose) {
			printf("  ok   %s  [%s]\n", w, r->row.why ? r->row.why : "");
		}
	}
	for (int s = 0; s < SF_CHECK_SLOTS; s++)
		if (c->applies[s] && !c->live[s])
			printf("  BLIND %s: every row that feeds it is dead\n", sf_check_slot_name(s));
}

/* Check both filesystems' maps; 0 when the map holds. */
static int check_all(const struct phases_opts *o, const struct sf_fnset *fns, const char *release)
{
	static const unsigned int fss[] = { SF_FS_EXT4, SF_FS_XFS };
	int bad = 0;
	char err[256];

	for (size_t i = 0; i < sizeof(fss) / sizeof(fss[0]); i++) {
		struct sf_attrib_map m;
		struct sf_phase_check c;
		int live = 0, absent = 0;

		sf_attrib_map_build(&m, fss[i], 0, true);
		for (int u = 0; u < o->nuser; u++)
			sf_attrib_map_add(&m, o->user[u], err, sizeof(err));	/* checked in parse */
		sf_attrib_check(&m, sf_kernel_version(release), fns, &c);
		for (int r = 0; r < c.nrows; r++) {
			live += c.rows[r].verdict == SF_ROW_LIVE;
			absent += c.rows[r].verdict == SF_ROW_ABSENT;
		}
		printf("%s: %d rows apply to %s, %d traceable; %d for other versions\n", fs_name(fss[i]),
		       c.nrows - absent, release, live, absent);
		print_rows(&c, release, o->verbose);
		bad += c.ndead + c.nblind;
	}
	return bad;
}

/* ---- the list: from the running kernel, the guest, or a file ---- */

static int read_tracefs(struct sf_fnset *fns, char *why, size_t len)
{
	static const char *const paths[] = {
		"/sys/kernel/tracing/available_filter_functions",
		"/sys/kernel/debug/tracing/available_filter_functions",
	};

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		char *text = slurp(paths[i], why, len);
		int ret;

		if (!text)
			continue;
		ret = sf_fnset_add(fns, text);
		free(text);
		if (ret || !fns->n)
			continue;
		return 0;
	}
	snprintf(why + strlen(why), len - strlen(why), " (root, tracefs mounted, CONFIG_DYNAMIC_FTRACE)");
	return -1;
}

/* In the guest (or on a host): the running kernel's list, into --json for the host. */
static int check_here(const struct phases_opts *o)
{
	struct sf_fnset fns = { 0 };
	struct utsname u;
	char why[512];
	int bad;

	uname(&u);
	if (read_tracefs(&fns, why, sizeof(why)))
		return sf_error("kernel check-phases --here: %s", why);
	if (o->json) {
		json_object *j = json_object_new_object(), *arr = json_object_new_array();

		for (size_t i = 0; i < fns.n; i++)
			json_object_array_add(arr, json_object_new_string(fns.names[i]));
		json_object_object_add(j, "release", json_object_new_string(u.release));
		json_object_object_add(j, "functions", arr);
		if (sf_json_write_atomic(j, o->json, why, sizeof(why))) {
			json_object_put(j);
			sf_fnset_free(&fns);
			return sf_error("kernel check-phases: %s", why);
		}
		json_object_put(j);
	}
	printf("kernel %s: %zu traceable functions\n", u.release, fns.n);
	bad = check_all(o, &fns, u.release);
	sf_fnset_free(&fns);
	return bad ? SF_EXIT_ERROR : SF_EXIT_OK;
}

/* The list a guest job wrote: its names into fns, its release. */
static int read_guest_list(const char *path, struct sf_fnset *fns, char *release, size_t len)
{
	json_object *j = json_object_from_file(path), *arr, *rel;
	size_t off = 0, cap = 0;
	char *text = NULL;
	int ret = -1;

	if (j && json_object_object_get_ex(j, "functions", &arr) &&
	    json_object_object_get_ex(j, "release", &rel)) {
		size_t n = json_object_array_length(arr);

		for (size_t i = 0; i < n; i++) {
			const char *name = json_object_get_string(json_object_array_get_idx(arr, i));

			if (SF_GROW(text, off + strlen(name) + 2, cap))
				break;
			off += (size_t)sprintf(text + off, "%s\n", name);
		}
		snprintf(release, len, "%s", json_object_get_string(rel));
		ret = text ? sf_fnset_add(fns, text) : -1;
	}
	free(text);
	json_object_put(j);
	return ret;
}

/* Boot SPEC once per filesystem, each guest writing its list; the union into fns. */
static int boot_lists(const char *spec, struct sf_fnset *fns, char *release, size_t len)
{
	static const char *const targets[] = { "vm:ext4-dax", "vm:xfs-dax" };
	char *argv[] = { "kernel", "check-phases", "--here" };
	struct sf_vm_job job = { .name = "functions", .argc = 3, .argv = argv };
	struct sf_vm_opts vo = { .kernel = spec };
	char dir[] = "/tmp/sf-check-phases.XXXXXX", path[PATH_MAX], err[512];
	int ret = 0;

	if (!mkdtemp(dir))
		return sf_error("kernel check-phases: cannot make a temp dir: %s", strerror(errno));
	for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]) && !ret; i++) {
		ret = sf_vm_run(sf_guest_target_find(targets[i]), &vo, &job, 1, NULL, dir, err, sizeof(err));
		if (ret)
			ret = ret == -2 ? sf_usage_error("kernel check-phases: %s", err) :
					  sf_error("kernel check-phases: %s: %s", targets[i], err);
		snprintf(path, sizeof(path), "%s/functions.json", dir);
		if (!ret && read_guest_list(path, fns, release, len))
			ret = sf_error("kernel check-phases: the guest on %s wrote no function list (%s/functions.out)",
				       targets[i], dir);
		unlink(path);
	}
	if (!ret)
		sf_remove_tree(dir);
	return ret;
}

static int read_lists(const struct phases_opts *o, struct sf_fnset *fns)
{
	for (int i = 0; i < o->nfunctions; i++) {
		char err[512], *text = slurp(o->functions[i], err, sizeof(err));
		int ret;

		if (!text)
			return sf_usage_error("kernel check-phases: cannot read %s", err);
		ret = sf_fnset_add(fns, text);
		free(text);
		if (ret)
			return sf_error("kernel check-phases: out of memory reading %s", o->functions[i]);
	}
	if (!fns->release[0])
		return sf_usage_error("kernel check-phases: %s has no '# release R' line: record the list with --save",
				      o->functions[0]);
	return 0;
}

/*
 * --save: the recorded list, cut to the functions the table names (every
 * version, both filesystems) and the --attribute-fn rows': what a later
 * check of this kernel needs, small enough to keep in tests/attrib/.
 */
static int save_list(const struct phases_opts *o, const struct sf_fnset *fns, const char *release)
{
	struct sf_fnset keep = { 0 };
	size_t n, off = 0, cap = 0;
	const struct sf_phase_fn *t = sf_attrib_table(&n);
	char *text = NULL, err[256];
	int ret;

	if (SF_GROW(text, 4096, cap))
		return sf_error("kernel check-phases: out of memory");
	off = (size_t)snprintf(text, cap, "# release %s\n# available_filter_functions of %s (syncfault kernel check-phases %s --save):\n"
			       "# the functions of the phase map's table that it has\n", release, o->spec, o->spec);
	for (size_t i = 0; i < n + (size_t)o->nuser; i++) {
		const char *fn = i < n ? t[i].fn : strchr(o->user[i - n], '=') + 1;
		const char *in = i < n ? t[i].within : NULL;

		for (int k = 0; k < 2; k++) {
			const char *name = k ? in : fn;

			if (!name || !sf_fnset_has(fns, name) || sf_fnset_has(&keep, name))
				continue;
			if (SF_GROW(text, off + strlen(name) + 2, cap) || sf_fnset_add(&keep, name))
				return sf_fnset_free(&keep), free(text), sf_error("kernel check-phases: out of memory");
			off += (size_t)sprintf(text + off, "%s\n", name);
		}
	}
	sf_fnset_free(&keep);
	ret = sf_write_atomic(o->save, text, off, err, sizeof(err));
	free(text);
	return ret ? sf_error("kernel check-phases: %s", err) : 0;
}

int cmd_kernel_phases(int argc, char **argv)
{
	struct phases_opts o = { 0 };
	struct sf_fnset fns = { 0 };
	char release[128] = "";
	int ret = parse(argc, argv, &o), bad;

	if (ret)
		return ret < 0 ? SF_EXIT_OK : ret;
	if (o.here)
		return check_here(&o);
	if (sf_validate_only)
		return SF_EXIT_OK;
	ret = o.nfunctions ? read_lists(&o, &fns) : boot_lists(o.spec, &fns, release, sizeof(release));
	if (ret)
		return sf_fnset_free(&fns), ret;
	if (!release[0])
		snprintf(release, sizeof(release), "%s", fns.release);
	printf("%s: kernel %s, %zu traceable functions (%s)\n", o.spec, release, fns.n,
	       o.nfunctions ? "recorded lists" : "available_filter_functions of guests on ext4-dax and xfs-dax");
	bad = check_all(&o, &fns, release);
	if (bad == 0 && o.save)
		bad = save_list(&o, &fns, release) ? -1 : 0;
	sf_fnset_free(&fns);
	if (bad < 0)
		return SF_EXIT_ERROR;
	if (bad)
		printf("FAIL: %d dead row(s) or blind phase(s) on %s\n", bad, release);
	else
		printf("ok: every row that applies to %s is traceable, every phase has one\n", release);
	return bad ? SF_EXIT_ERROR : SF_EXIT_OK;
}
