// SPDX-License-Identifier: MIT
/*
 * syncfault crashtest's results: each mode's tally over its trials, the
 * verdict, the table on stdout, the JSON, and the loud line on stderr for a
 * durable mode that lost what it acknowledged.
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

/* ---- tallies, report, JSON ---- */

struct tally {
	int trials, with_loss, recovered, full;
	int unmounted;			/* trials whose filesystem did not mount */
	uint64_t acked, lost, beyond, hole, corrupt, unreachable;
	uint64_t acked_unmounted;	/* acknowledged in those: unreadable, not "lost" */
	const char *mount_error;	/* the first one's reason */
	double kill_ms_min, kill_ms_max;
};

static void tally_mode(const struct target_run *tr, const struct sf_mode *m, struct tally *y)
{
	memset(y, 0, sizeof(*y));
	y->kill_ms_min = INFINITY;
	for (int i = 0; i < tr->ntrials; i++) {
		const struct trial *t = &tr->trials[i];

		if (t->mode != m || !t->verified)
			continue;
		y->trials++;
		y->acked += t->acked;
		if (!t->mounted) {
			y->unmounted++;
			y->acked_unmounted += t->acked;
			if (!y->mount_error)
				y->mount_error = t->mount_error[0] ? t->mount_error : "no reason given";
		}
		y->lost += t->lost;
		y->beyond += t->beyond;
		y->hole += t->lost_hole;
		y->corrupt += t->lost_corrupt;
		y->unreachable += t->lost_unreachable;
		y->with_loss += t->lost > 0;
		y->recovered += t->recovered;
		y->full += t->full;
		y->kill_ms_min = fmin(y->kill_ms_min, t->kill_after_ms);
		y->kill_ms_max = fmax(y->kill_ms_max, t->kill_after_ms);
	}
}

static bool mode_failed(const struct sf_mode *m, const struct tally *y)
{
	return m->durable && (y->lost > 0 || y->unmounted > 0);
}

static void verdict(const struct sf_mode *m, const struct tally *y, char *buf, size_t len)
{
	if (!y->trials)
		snprintf(buf, len, "no trial completed");
	else if (m->durable && y->unmounted)
		snprintf(buf, len, "FAILED: did not mount in %d of %d trials%s", y->unmounted,
			 y->trials, y->lost ? ", and lost records in others" : "");
	else if (m->durable && y->lost)
		snprintf(buf, len, "FAILED: %" PRIu64 " acknowledged records lost in %d of %d trials",
			 y->lost, y->with_loss, y->trials);
	else if (m->durable)
		snprintf(buf, len, "ok: every acknowledged record survived");
	else if (y->lost)
		snprintf(buf, len, "control: loss demonstrated in %d of %d trials", y->with_loss,
			 y->trials);
	else
		snprintf(buf, len, "control: could NOT demonstrate loss in %d trials (the test may lack teeth)",
			 y->trials);
}

void crashtest_print_target(const struct target_run *tr, const struct ct_opts *o)
{
	printf("crashtest %s: kernel %s (%s), QEMU TCG, file-backed NVDIMM\n", tr->target,
	       tr->release, tr->kernel_desc);
	printf("  filesystem %s made with: %s; features (from its superblock): %s\n", tr->fs,
	       sf_guest_target_find(tr->target)->mkfs,
	       tr->ntrials && tr->trials[0].features[0] ? tr->trials[0].features : "not read");
	printf("  power failure = SIGKILL of QEMU 0-%d ms after the first acknowledgement;\n"
	       "  %d boots in %.0f s (boot to the guest's \"ready\" %.1f s on average)\n",
	       o->window_ms, tr->boots, tr->wall_s, tr->boots ? tr->boot_s_sum / tr->boots : 0);
	printf("  %-10s %6s %9s %8s %9s %9s  %s\n", "mode", "trials", "acked", "lost",
	       "unacked", "recovery", "verdict");
	for (int k = 0; k < o->nmodes; k++) {
		const struct sf_mode *m = o->modes[k];
		struct tally y;
		char v[160];

		tally_mode(tr, m, &y);
		verdict(m, &y, v, sizeof(v));
		printf("  %-10s %6d %9" PRIu64 " %8" PRIu64 " %9" PRIu64 " %5d/%-3d  %s\n", m->name,
		       y.trials, y.acked, y.lost, y.beyond, y.recovered, y.trials, v);
		if (y.lost)
			printf("  %-10s lost records: %" PRIu64 " block never allocated (hole), %" PRIu64
			       " corrupt, %" PRIu64 " unreachable (chain broken)\n", "",
			       y.hole, y.corrupt, y.unreachable);
		if (y.unmounted)
			printf("  %-10s did not mount after %d power failures (%" PRIu64
			       " acknowledged records unreadable, not counted lost): %s\n", "",
			       y.unmounted, y.acked_unmounted, y.mount_error);
		if (y.full)
			printf("  %-10s %d trials filled the log before the kill: use more --records\n",
			       "", y.full);
	}
	printf("  acked: records acknowledged before the kill (summed over trials); lost: of\n"
	       "  those, not present, intact and reachable after recovery (a filesystem that\n"
	       "  did not mount is reported apart, with the kernel's reason); unacked: records\n"
	       "  found on the chain though the kill came before their acknowledgement;\n"
	       "  recovery: boots whose mount replayed a journal.  EMULATED: no real power\n"
	       "  was lost; the NVDIMM file keeps every store that reached it.\n");
	fflush(stdout);
}

static json_object *trial_json(const struct trial *t)
{
	json_object *j = json_object_new_object();

#define I(k, v) json_object_object_add(j, k, json_object_new_int64((int64_t)(v)))
#define B(k, v) json_object_object_add(j, k, json_object_new_boolean(v))
	I("trial", t->index + 1);
	I("acked", t->acked);
	I("lost", t->lost);
	I("lost_hole", t->lost_hole);
	I("lost_corrupt", t->lost_corrupt);
	I("lost_unreachable", t->lost_unreachable);
	I("first_lost", t->first_lost);
	I("reachable", t->reachable);
	I("unacked_kept", t->beyond);
	B("mounted", t->mounted);
	json_object_object_add(j, "mount_error",
			       t->mounted ? NULL : json_object_new_string(t->mount_error));
	B("file", t->file);
	B("size_ok", t->size_ok);
	B("journal_recovered", t->recovered);
	B("log_full", t->full);
	B("ack_lines_missing", t->ack_gap);
	B("dax", !strcmp(t->dax, "1"));
	B("map_sync", !strcmp(t->map_sync, "1"));
	json_object_object_add(j, "fs_features", json_object_new_string(t->features));
	json_object_object_add(j, "kill_after_ms", json_object_new_double(t->kill_after_ms));
	json_object_object_add(j, "write_s", json_object_new_double(t->write_s));
#undef I
#undef B
	return j;
}

static json_object *target_json(const struct target_run *tr, const struct ct_opts *o)
{
	json_object *j = json_object_new_object(), *modes = json_object_new_array();

	json_object_object_add(j, "target", json_object_new_string(tr->target));
	json_object_object_add(j, "fs", json_object_new_string(tr->fs ? tr->fs : ""));
	json_object_object_add(j, "kernel_release", json_object_new_string(tr->release));
	json_object_object_add(j, "kernel", json_object_new_string(tr->kernel_desc));
	json_object_object_add(j, "emulated", json_object_new_string("qemu-tcg"));
	json_object_object_add(j, "power_failure", json_object_new_string("SIGKILL of QEMU"));
	json_object_object_add(j, "boots", json_object_new_int(tr->boots));
	json_object_object_add(j, "wall_s", json_object_new_double(tr->wall_s));
	json_object_object_add(j, "error", tr->err[0] ? json_object_new_string(tr->err) : NULL);
	for (int k = 0; k < o->nmodes; k++) {
		const struct sf_mode *m = o->modes[k];
		json_object *mj = json_object_new_object(), *ts = json_object_new_array();
		struct tally y;
		char v[160];

		tally_mode(tr, m, &y);
		verdict(m, &y, v, sizeof(v));
		json_object_object_add(mj, "mode", json_object_new_string(m->name));
		json_object_object_add(mj, "durable", json_object_new_boolean(m->durable));
		json_object_object_add(mj, "persist", json_object_new_string(m->persist_desc));
		json_object_object_add(mj, "trials", json_object_new_int(y.trials));
		json_object_object_add(mj, "acked", json_object_new_int64((int64_t)y.acked));
		json_object_object_add(mj, "lost", json_object_new_int64((int64_t)y.lost));
		json_object_object_add(mj, "trials_with_loss", json_object_new_int(y.with_loss));
		json_object_object_add(mj, "trials_unmounted", json_object_new_int(y.unmounted));
		json_object_object_add(mj, "acked_unmounted",
				       json_object_new_int64((int64_t)y.acked_unmounted));
		json_object_object_add(mj, "unacked_kept", json_object_new_int64((int64_t)y.beyond));
		json_object_object_add(mj, "ok", json_object_new_boolean(!mode_failed(m, &y)));
		json_object_object_add(mj, "loss_demonstrated", json_object_new_boolean(y.lost > 0));
		json_object_object_add(mj, "verdict", json_object_new_string(v));
		for (int i = 0; i < tr->ntrials; i++)
			if (tr->trials[i].mode == m && tr->trials[i].verified)
				json_object_array_add(ts, trial_json(&tr->trials[i]));
		json_object_object_add(mj, "trial_results", ts);
		json_object_array_add(modes, mj);
	}
	json_object_object_add(j, "modes", modes);
	return j;
}

int crashtest_write_json(struct target_run *trs, int n, const struct ct_opts *o,
		      const char *started, double dur)
{
	json_object *j = json_object_new_object(), *p = json_object_new_object();
	json_object *ts = json_object_new_array(), *ml = json_object_new_array();
	char err[512];
	int ret;

	json_object_object_add(j, "crashtest", json_object_new_int(1));
	json_object_object_add(j, "syncfault_version", json_object_new_string(SF_VERSION_STRING));
	json_object_object_add(j, "started", json_object_new_string(started));
	json_object_object_add(j, "duration_s", json_object_new_double(dur));
	for (int k = 0; k < o->nmodes; k++)
		json_object_array_add(ml, json_object_new_string(o->modes[k]->name));
	json_object_object_add(p, "modes", ml);
	json_object_object_add(p, "trials", json_object_new_int(o->trials));
	json_object_object_add(p, "records", json_object_new_int64((int64_t)o->records));
	json_object_object_add(p, "kill_window_ms", json_object_new_int(o->window_ms));
	json_object_object_add(p, "seed", json_object_new_int64((int64_t)o->seed));
	json_object_object_add(j, "params", p);
	for (int i = 0; i < n; i++)
		json_object_array_add(ts, target_json(&trs[i], o));
	json_object_object_add(j, "targets", ts);
	ret = sf_json_write_atomic(j, o->json, err, sizeof(err));
	if (ret)
		sf_error("%s", err);
	json_object_put(j);
	return ret;
}

/* Loud, on stderr too: a durable mode that lost acknowledged records. */
bool crashtest_shout_failures(const struct target_run *tr, const struct ct_opts *o)
{
	bool any = false;

	for (int k = 0; k < o->nmodes; k++) {
		struct tally y;

		tally_mode(tr, o->modes[k], &y);
		if (!mode_failed(o->modes[k], &y))
			continue;
		any = true;
		if (y.unmounted)
			sf_error("DURABILITY FAILURE on %s: mode %s: the filesystem did not mount in %d of %d trials: %s (consoles kept in %s)",
				 tr->target, o->modes[k]->name, y.unmounted, y.trials, y.mount_error,
				 tr->work);
		if (y.lost)
			sf_error("DURABILITY FAILURE on %s: mode %s lost %" PRIu64
				 " acknowledged records in %d of %d trials (consoles kept in %s)",
				 tr->target, o->modes[k]->name, y.lost, y.with_loss, y.trials, tr->work);
	}
	return any;
}
