// SPDX-License-Identifier: MIT
/*
 * One guest boot running a list of jobs (sf_vm_run), booted again while
 * its clock cannot be trusted, its results copied out of the share, and
 * what the boot took written beside them (vm-<target>.timing) and into
 * every result (sf_vm_annotate).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sf_errors.h"
#include "sf_result.h"
#include "sf_util.h"
#include "vm_priv.h"

static bool guest_status_done(const struct sf_vm *r)
{
	char path[PATH_MAX + 32], buf[64];

	snprintf(path, sizeof(path), "%s/share/status", r->scratch);
	return !sf_read_line(path, buf, sizeof(buf)) && !strcmp(buf, "done");
}

/* Bring each job's .json, .out and .rc from the share into outdir; how many are lost. */
static int collect_results(struct sf_vm *r, const struct sf_vm_job *jobs, int njobs,
			   const char *outdir)
{
	static const char *const exts[] = { "json", "out", "rc" };
	char src[PATH_MAX + 256], dst[PATH_MAX + 256];
	int missing = 0;

	for (int i = 0; i < njobs; i++) {
		for (int e = 0; e < 3; e++) {
			snprintf(src, sizeof(src), "%s/share/out/%s.%s", r->scratch, jobs[i].name, exts[e]);
			snprintf(dst, sizeof(dst), "%s/%s.%s", outdir, jobs[i].name, exts[e]);
			if (access(src, F_OK)) {
				missing += e == 2;	/* no .rc: the job never ended */
				continue;
			}
			if (sf_copy_atomic(src, dst))
				missing++;
		}
	}
	return missing;
}

static double span(double from, double to)
{
	return from && to && to >= from ? to - from : -1;
}

static void put_seconds(FILE *f, const char *key, double s)
{
	if (s >= 0)
		fprintf(f, "%s=%.2f\n", key, s);
	else
		fprintf(f, "%s=\n", key);	/* not reached: no number */
}

static void timing_path(const struct sf_guest_target *g, const char *outdir, char *buf, size_t len)
{
	snprintf(buf, len, "%s/vm-%s.timing", outdir, g->stem);
}

/* outdir/vm-<target>.timing: what the run took, key=value. */
static void write_timing(const struct sf_vm *r, const struct sf_vm_boot *b, const char *outdir,
			 double t_end, const char *result)
{
	char path[PATH_MAX + 64], tmp[PATH_MAX + 80];
	FILE *f;

	timing_path(r->g, outdir, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "we");
	if (!f)
		return;
	fprintf(f, "target=%s\nresult=%s\nkernel_release=%s\nkernel=%s\nkernel_name=%s\nimage=%s\nconsole=%s\n",
		r->g->name, result, r->release, r->kernel_desc, r->kernel_name, r->image, b->console);
	put_seconds(f, "image_s", span(r->t_start, b->t_qemu));
	put_seconds(f, "boot_s", span(b->t_qemu, b->t_ready));
	put_seconds(f, "jobs_s", span(b->t_ready, b->t_done));
	put_seconds(f, "total_s", span(r->t_start, t_end));
	if (r->clock_ratio > 0)
		fprintf(f, "guest_clock_ratio=%.3f\n", r->clock_ratio);
	if (r->boots > 1)
		fprintf(f, "boots=%d\n", r->boots);
	if (fclose(f) || rename(tmp, path))
		unlink(tmp);
}

/*
 * Did the kernel die or hang before the guest was ready (no job ran), in
 * a way another boot may not repeat?  A guest that said FAIL or MISSING
 * would say it again.  Seen under QEMU 7.2 TCG: Debian's 6.12 with
 * "traps: PANIC: double fault" during ACPI init, one boot in four.
 */
static bool boot_died(const struct sf_vm *r, const struct sf_vm_boot *b)
{
	if (b->t_ready || r->fail[0] || r->missing[0])
		return false;
	return r->panic[0] || b->end == SF_VM_BOOT_TIMEOUT;
}

/*
 * Boot, and boot again (VM_CLOCK_TRIES, VM_BOOT_TRIES in all) while the
 * guest clock is wrong or the kernel dies before ready; each boot has the
 * whole time limit and starts from a fresh share.  r->boots counts them,
 * and the record says so (boots=).
 */
static int boot_keeping_time(struct sf_vm *r, struct sf_vm_boot *b, char *err, size_t errlen)
{
	int ret;

	for (;;) {
		b->deadline = sf_vm_now() + b->limit_s;
		ret = sf_vm_boot(r, b, err, errlen);
		if (!ret && (b->end == SF_VM_EXITED || b->end == SF_VM_DONE_NO_EXIT))
			vm_clock_check_done(r, b);
		if (ret || sf_interrupted)
			return ret;
		if (boot_died(r, b) && r->boots < VM_BOOT_TRIES)
			fprintf(stderr, "guest: kernel %s %s before the guest was ready: booting again (%d of %d)\n",
				r->release, r->panic[0] ? r->panic : "hung", r->boots + 1, VM_BOOT_TRIES);
		else if (r->clock_bad && r->boots < VM_CLOCK_TRIES)
			fprintf(stderr, "guest: %s, so its figures are in wrong units: booting again (%d of %d)\n",
				vm_clock_words(r, b), r->boots + 1, VM_CLOCK_TRIES);
		else
			return ret;
	}
}

/* After the boot: results out of the share, the record written; 0 if every job ran. */
static int finish_run(struct sf_vm *r, struct sf_vm_boot *b, const char *outdir,
		      char *err, size_t errlen)
{
	bool ok = (b->end == SF_VM_EXITED || b->end == SF_VM_DONE_NO_EXIT) && !r->clock_bad &&
		  guest_status_done(r);
	int lost = collect_results(r, b->jobs, b->njobs, outdir);

	ok = ok && !lost;
	write_timing(r, b, outdir, sf_vm_now(), ok ? "ok" : "error");
	if (ok) {
		fprintf(stderr, "guest: booted in %.1f s, jobs took %.1f s (%s, kernel %s)\n",
			span(b->t_qemu, b->t_ready), span(b->t_ready, b->t_done), r->g->name,
			r->release);
		return 0;
	}
	vm_explain_failure(r, b, err, errlen);
	if (b->end != SF_VM_INTERRUPTED)
		sf_vm_console_tail(b->console);
	return VM_ERR_RUN;
}

int sf_vm_run(const struct sf_guest_target *g, const struct sf_vm_opts *o,
	      const struct sf_vm_job *jobs, int njobs, const struct sf_vm_progress *p,
	      const char *outdir, char *err, size_t errlen)
{
	int timeout_s = o && o->timeout_s > 0 ? o->timeout_s : VM_TIMEOUT_S;
	/* a virtual clock does not keep host time by design: only real time is held to it */
	struct sf_vm_boot b = { .jobs = jobs, .njobs = njobs, .limit_s = timeout_s,
				.timed = !sf_vm_icount(o) };
	char console[PATH_MAX];
	struct sf_vm *r;
	int ret;

	if (p) {
		b.job_started = p->job_started;
		b.job_ended = p->job_ended;
		b.arg = p->arg;
	}
	if (vm_check_jobs(jobs, njobs, err, errlen))
		return VM_ERR_USAGE;
	ret = sf_vm_open(&r, g, o, err, errlen);
	if (!r)
		return ret;
	snprintf(console, sizeof(console), "%s/console-%s.log", outdir, g->stem);
	b.console = console;
	if (!ret && sf_interactive())
		fprintf(stderr, "guest: booting %s, kernel %s (QEMU %s, emulated NVDIMM%s)\n",
			g->name, r->release, sf_vm_icount(o) ? "TCG" : o && o->accel ? o->accel :
			"auto: KVM if usable, else TCG", sf_vm_icount(o) ? ", icount clock" : "");
	if (!ret)
		ret = boot_keeping_time(r, &b, err, errlen);
	if (ret)
		write_timing(r, &b, outdir, sf_vm_now(), "error");
	else
		ret = finish_run(r, &b, outdir, err, errlen);
	sf_vm_close(r);
	return ret;
}

static void add_vm_keys(json_object *vm, const char *path, const struct sf_guest_target *g)
{
	static const char *const str_keys[] = { "kernel", "kernel_name", "kernel_release", "image" };
	static const char *const num_keys[] = { "image_s", "boot_s", "jobs_s", "total_s",
						"guest_clock_ratio", "boots" };
	char v[PATH_MAX];

	for (size_t k = 0; k < sizeof(str_keys) / sizeof(str_keys[0]); k++)
		if (!sf_read_kv(path, str_keys[k], v, sizeof(v)))
			json_object_object_add(vm, str_keys[k], json_object_new_string(v));
	for (size_t k = 0; k < sizeof(num_keys) / sizeof(num_keys[0]); k++)
		if (!sf_read_kv(path, num_keys[k], v, sizeof(v)) && v[0])
			json_object_object_add(vm, num_keys[k], json_object_new_double(atof(v)));
	if (g->mkfs)
		json_object_object_add(vm, "mkfs", json_object_new_string(g->mkfs));
	if (g->features[0])
		json_object_object_add(vm, "fs_features", json_object_new_string(g->features));
}

/* What the guest run took and which kernel it booted, into every result. */
void sf_vm_annotate(struct sf_result *res, int n, const char *outdir,
		    const struct sf_guest_target *g)
{
	char path[PATH_MAX + 64];

	timing_path(g, outdir, path, sizeof(path));
	for (int i = 0; i < n; i++) {
		json_object *vm = json_object_new_object();

		add_vm_keys(vm, path, g);
		if (!res[i].info)
			res[i].info = json_object_new_object();
		json_object_object_add(res[i].info, "vm", vm);
	}
}
