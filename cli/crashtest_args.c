// SPDX-License-Identifier: MIT
/*
 * syncfault crashtest's command line: usage, options, the guest paths
 * checked before any boot.  The run itself is cmd_crashtest.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "crashtest.h"
#include "sf_crash.h"
#include "sf_datadir.h"
#include "sf_env.h"
#include "sf_result.h"
#include "sf_util.h"
#include "sf_guest_targets.h"
#include "sf_target_kinds.h"

/* ---- arguments ---- */

static void usage(void)
{
	printf("usage: syncfault crashtest [--target vm:ext4-dax[,vm:xfs-dax]] [--mode LIST]\n"
	       "       [--trials N] [--records N] [--kill-window MS] [--seed N] [--json FILE]\n"
	       "       [--kernel SPEC [--modules DIR]] [--vm-timeout SEC]\n\n"
	       "Power-failure test of the durability modes on the emulated NVDIMM.  In a\n"
	       "QEMU guest, a writer appends records to a file through MODE, each record\n"
	       "in a newly allocated page that the previous record points to, makes each\n"
	       "durable with the mode's persist step and acknowledges it on the console.\n"
	       "At a random moment after the acknowledgements start, QEMU is killed with\n"
	       "SIGKILL (the power failure: the file-backed NVDIMM keeps exactly what\n"
	       "reached it); the guest boots again on the same NVDIMM, mounts (journal\n"
	       "recovery) and checks every acknowledged record: present (its block is\n"
	       "allocated), intact (checksum) and reachable (the chain from block 0).\n\n"
	       "  --target T        vm:ext4-dax (default), vm:xfs-dax, or both as a list\n"
	       "  --mode LIST       of %s\n"
	       "                    (default mapsync,msync,none); none is the control\n"
	       "  --trials N        power failures per mode (default 5, 1..1000)\n"
	       "  --records N       log capacity in records (default %d)\n"
	       "  --kill-window MS  the kill comes 0..MS ms after the first ack (default 2000)\n"
	       "  --seed N          seed for kill moments and record contents (default: random;\n"
	       "                    printed)\n"
	       "  --json FILE       write the tallies and every trial atomically\n"
	       "  --kernel, --modules, --vm-timeout   as for vm targets of syncfault run\n\n"
	       "Each trial costs about one guest boot (10-20 s under TCG).  Exit status:\n"
	       "0 every durable mode kept every acknowledged record, 4 one lost some\n"
	       "(printed loudly), 1 the guest failed, 2 bad arguments, 130 interrupted.\n",
	       sf_mode_names(), CRASH_DEFAULT_RECORDS);
}

static int parse_int(const char *opt, const char *val, int64_t min, int64_t max, int64_t *out)
{
	if (sf_parse_int(val, out) || *out < min || *out > max)
		return sf_usage_error("%s: '%s' is not valid: expected an integer from %lld to %lld",
				      opt, val, (long long)min, (long long)max);
	return 0;
}

/* Split a comma list in place; empty items are refused. */
static int split_list(const char *opt, char *val, char **items, int max)
{
	int n = 0;
	char *save = NULL;
	size_t len = strlen(val);

	if (!len || val[0] == ',' || val[len - 1] == ',' || strstr(val, ",,")) {
		sf_usage_error("%s: '%s' has an empty item: give values like a,b,c", opt, val);
		return -1;
	}
	for (char *t = strtok_r(val, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (n == max) {
			sf_usage_error("%s: more than %d values", opt, max);
			return -1;
		}
		items[n++] = t;
	}
	return n;
}

static int set_modes(struct ct_opts *o, char *val)
{
	char *items[MAX_MODES];
	int n = split_list("--mode", val, items, MAX_MODES);

	if (n < 0)
		return SF_EXIT_USAGE;
	for (int i = 0; i < n; i++) {
		o->modes[i] = sf_mode_find(items[i]);
		if (!o->modes[i])
			return sf_usage_error("--mode: '%s' is not a mode: use %s", items[i],
					      sf_mode_names());
		for (int j = 0; j < i; j++)
			if (o->modes[j] == o->modes[i])
				return sf_usage_error("--mode: '%s' given twice", items[i]);
	}
	o->nmodes = n;
	return 0;
}

static int set_targets(struct ct_opts *o, char *val)
{
	char *items[MAX_TARGETS], err[512];
	int n = split_list("--target", val, items, MAX_TARGETS);
	struct sf_target_spec t;

	if (n < 0)
		return SF_EXIT_USAGE;
	for (int i = 0; i < n; i++) {
		if (sf_target_spec_parse(items[i], &t, err, sizeof(err)))
			return sf_usage_error("--target: %s", err);
		if (!(sf_target_spec_flags(&t) & SF_TGT_GUEST))
			return sf_usage_error("--target %s: crashtest needs a guest target (%s): a host directory cannot lose power",
					      items[i], sf_guest_target_names());
		if (!(t.guest->flags & SF_TGT_FILES))
			return sf_usage_error("--target %s: crashtest appends to a file: use a guest target with a filesystem",
					      items[i]);
		o->targets[i] = items[i];
	}
	o->ntargets = n;
	return 0;
}

static int parse_option(struct ct_opts *o, const char *name, char *val)
{
	int64_t v;
	int r = 0;

	if (!strcmp(name, "target"))
		r = set_targets(o, val);
	else if (!strcmp(name, "mode"))
		r = set_modes(o, val);
	else if (!strcmp(name, "trials") && !(r = parse_int("--trials", val, 1, 1000, &v)))
		o->trials = (int)v;
	else if (!strcmp(name, "records") &&
		 !(r = parse_int("--records", val, 16, CRASH_MAX_RECORDS, &v)))
		o->records = (uint64_t)v;
	else if (!strcmp(name, "kill-window") &&
		 !(r = parse_int("--kill-window", val, 0, 600000, &v)))
		o->window_ms = (int)v;
	else if (!strcmp(name, "seed") && !(r = parse_int("--seed", val, 0, INT64_MAX, &v)))
		o->seed = (uint64_t)v;
	else if (!strcmp(name, "vm-timeout") &&
		 !(r = parse_int("--vm-timeout", val, 30, 86400, &v)))
		o->timeout_s = (int)v;
	else if (!strcmp(name, "json"))
		o->json = val;
	else if (!strcmp(name, "kernel"))
		o->kernel = val;
	else if (!strcmp(name, "modules"))
		o->modules = val;
	else if (strcmp(name, "trials") && strcmp(name, "records") && strcmp(name, "kill-window") &&
		 strcmp(name, "seed") && strcmp(name, "vm-timeout"))
		return sf_usage_error("unknown option --%s: see syncfault crashtest --help", name);
	return r;
}

/* The guest options checked as the runner checks them, before any boot. */
static int check_paths(const struct ct_opts *o)
{
	struct sf_vm_opts vo = { .kernel = o->kernel, .modules = o->modules };
	char err[PATH_MAX + 256];

	if (o->json && sf_out_path_check(o->json, "--json", err, sizeof(err)))
		return sf_usage_error("%s", err);
	if (sf_vm_check_opts(&vo, NULL, err, sizeof(err)))
		return sf_usage_error("%s", err);
	return 0;
}

int crashtest_parse_args(int argc, char **argv, struct ct_opts *o)
{
	char seen[32][64];
	int nseen = 0;

	for (int i = 1; i < argc; i++) {
		char *arg = argv[i], *eq, name[64], *val;
		int r;

		if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
			usage();
			exit(0);
		}
		if (strncmp(arg, "--", 2) || !arg[2])
			return sf_usage_error("unexpected argument '%s': see syncfault crashtest --help", arg);
		eq = strchr(arg, '=');
		if (eq) {
			snprintf(name, sizeof(name), "%.*s", (int)(eq - arg - 2), arg + 2);
			val = eq + 1;
		} else {
			if (i + 1 >= argc)
				return sf_usage_error("%s needs a value: see syncfault crashtest --help", arg);
			snprintf(name, sizeof(name), "%s", arg + 2);
			val = argv[++i];
		}
		/* given twice is a mistake, not "the last one wins" */
		for (int k = 0; k < nseen; k++)
			if (!strcmp(seen[k], name))
				return sf_usage_error("--%s given twice: give it once, lists as --%s a,b",
						      name, name);
		if (nseen < 32)
			snprintf(seen[nseen++], sizeof(seen[0]), "%s", name);
		r = parse_option(o, name, val);
		if (r)
			return r;
	}
	if (!o->ntargets) {
		o->targets[0] = "vm:ext4-dax";
		o->ntargets = 1;
	}
	if (!o->nmodes) {
		o->modes[o->nmodes++] = sf_mode_find("mapsync");
		o->modes[o->nmodes++] = sf_mode_find("msync");
		o->modes[o->nmodes++] = sf_mode_find("none");
	}
	return check_paths(o);
}
