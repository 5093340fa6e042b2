/* SPDX-License-Identifier: MIT */
/*
 * Emulated-NVDIMM guest targets (the table in run/sf_guest_targets.h): boot a
 * QEMU guest on a file-backed NVDIMM, run syncfault inside it, bring the
 * results back.
 */
#ifndef SF_VM_H
#define SF_VM_H

#include <stdbool.h>
#include <stddef.h>

struct sf_vm_opts {
	const char *kernel;	/* SPEC (scripts/vm/kernel); NULL: the newest Debian kernel */
	const char *modules;	/* modules dir for a modular --kernel, or NULL */
	const char *nvdimm_size;/* e.g. "1G"; NULL: default */
	const char *accel;	/* "auto" (NULL), "kvm" or "tcg" */
	int cpus;		/* 0: as many as the host has cores (1 under icount) */
	int timeout_s;		/* 0: default; a hung guest is killed after it */
	/*
	 * "real" (NULL) or "icount": QEMU's instruction-count clock, 2^shift ns
	 * per guest instruction (TCG only), deterministic across boots.
	 */
	const char *timing;
	int icount_shift;
};

/* Does o run the guest on the instruction-count clock? */
bool sf_vm_icount(const struct sf_vm_opts *o);
/* The vCPUs a guest of o boots with (--vm-cpus, else 1 under icount, else the host's cores). */
long sf_vm_cpus(const struct sf_vm_opts *o);

struct sf_result;
struct sf_guest_target;

/* One syncfault invocation inside the guest, e.g. {"run","fault","--mode","mapsync"}. */
struct sf_vm_job {
	const char *name;	/* result files: OUT/<name>.json .out .rc */
	int argc;
	char **argv;		/* without --target and --json: the guest adds them */
};

/*
 * Every guest option checked before any work: --kernel a regular file,
 * --modules a directory and only with --kernel, the NVDIMM size one the
 * guest for fs ("ext4", "xfs"; NULL: any) can use.  -1 with a one-line err.
 */
int sf_vm_check_opts(const struct sf_vm_opts *o, const char *fs, char *err, size_t errlen);

/*
 * Progress from inside the guest: its init says on the console when a job
 * starts and when it ends (index into the jobs, its exit status).
 */
struct sf_vm_progress {
	void (*job_started)(void *arg, int i);
	void (*job_ended)(void *arg, int i, int rc);
	void *arg;
};

/*
 * Boot one guest of target g, run every job in order, copy each job's result,
 * output and exit status into outdir, keep the serial console in
 * outdir/console-<stem>.log; p (or NULL) hears of each job as it goes.  Returns 0 when the guest ran every job (each
 * job's own status is in its .rc); -2 with a message in err for bad input
 * (a missing --kernel, a bad --nvdimm-size ...: exit status 2); -1 for a
 * guest failure (boot failure, timeout, missing kernel option ...; the
 * console tail is printed on stderr).  Never leaves a QEMU process or temp
 * file behind.
 */
int sf_vm_run(const struct sf_guest_target *g, const struct sf_vm_opts *o,
	      const struct sf_vm_job *jobs, int njobs, const struct sf_vm_progress *p,
	      const char *outdir, char *err, size_t errlen);

/*
 * One guest, booted as often as its user needs: sf_vm_run boots it once;
 * crashtest boots it once per power failure, on the same image and scratch
 * dir, pulling the plug itself.  Open checks the target and the options,
 * makes the scratch dir and the image, and takes SIGINT/SIGTERM/SIGHUP
 * (they set sf_interrupted) until close, which also removes the scratch dir.
 */
struct sf_vm;

enum sf_vm_end {
	SF_VM_EXITED,		/* QEMU exited: the guest powered off, or QEMU failed */
	SF_VM_PLUGGED,		/* SIGKILLed when plug_at said: the power failure */
	SF_VM_DONE_NO_EXIT,	/* the guest said "done" but did not power off */
	SF_VM_INTERRUPTED,
	SF_VM_BOOT_TIMEOUT,	/* the guest did not come up */
	SF_VM_TIMEOUT,		/* the deadline passed */
	SF_VM_CLOCK,		/* a timed boot whose guest clock does not keep host time */
};

struct sf_vm_boot {
	/* in */
	const struct sf_vm_job *jobs;
	int njobs;
	const char *console;	/* the serial console's log file */
	const char *qemu_args;	/* more QEMU arguments (a second NVDIMM ...), or NULL */
	double deadline;	/* sf_vm_now() seconds: the guest is stopped then */
	int limit_s;		/* the time limit behind deadline, for the message */
	bool timed;		/* the jobs time things: the guest clock must keep host time */
	void (*on_line)(void *arg, const char *line);	/* each console line; may be NULL */
	void (*job_started)(void *arg, int i);		/* the guest began jobs[i]; may be NULL */
	void (*job_ended)(void *arg, int i, int rc);	/* ... and ended it; may be NULL */
	/* When to SIGKILL QEMU, in sf_vm_now() seconds (0: not yet); may be NULL. */
	double (*plug_at)(void *arg);
	void *arg;
	/* out */
	enum sf_vm_end end;
	int status;		/* QEMU's, from waitpid */
	double t_qemu, t_ready, t_done, t_plugged;	/* sf_vm_now() seconds, 0: not reached */
};

/* CLOCK_MONOTONIC seconds, the clock of struct sf_vm_boot. */
double sf_vm_now(void);

/*
 * 0 with *vm ready to boot; -2 bad input (*vm NULL) or -1 the scratch dir
 * or image failed (*vm set: close it).  err says why.  o is copied, its
 * strings are not: they must live until sf_vm_close.
 */
int sf_vm_open(struct sf_vm **vm, const struct sf_guest_target *g, const struct sf_vm_opts *o,
	       char *err, size_t errlen);
/*
 * Boot once with a fresh share (the jobs) and a fresh first NVDIMM, follow
 * the console until QEMU ends, and say how in b->end.  -1/-2 with err only
 * when the guest could not be started.
 */
int sf_vm_boot(struct sf_vm *vm, struct sf_vm_boot *b, char *err, size_t errlen);
/*
 * Did the boot go wrong in a way the runner knows (interrupted, a time
 * limit, the guest's init failed or its kernel lacks an option)?  -1 with
 * the reason in err, the console tail on stderr unless interrupted; else 0.
 */
int sf_vm_boot_failed(struct sf_vm *vm, const struct sf_vm_boot *b, char *err, size_t errlen);
/* The last lines of a guest console on stderr, for a boot that went wrong. */
void sf_vm_console_tail(const char *console);
const char *sf_vm_scratch(const struct sf_vm *vm);
const char *sf_vm_release(const struct sf_vm *vm);
const char *sf_vm_kernel(const struct sf_vm *vm);	/* the image's kernel, described */
/* Stop what still runs, remove the scratch dir, give the signals back; NULL is fine. */
void sf_vm_close(struct sf_vm *vm);

/* Add info.vm (kernel booted, image, boot and job seconds) to results. */
void sf_vm_annotate(struct sf_result *res, int n, const char *outdir,
		    const struct sf_guest_target *g);

/*
 * Is spec a guest kernel (debian:6.12, a bzImage, a build directory ...)?
 * NULL is (the default).  0 yes; -2 no, with a one-line message naming the
 * nearest names in err (exit status 2); -1 the check itself failed.
 */
int sf_kernel_check(const char *spec, char *err, size_t errlen);

/*
 * --accel: auto (KVM where usable, else TCG), kvm or tcg; scripts/vm/run
 * makes the choice at boot.  0 if req can be had; -2 with err for a bad
 * word or kvm asked for where it is not usable (exit status 2).
 */
int sf_vm_accel_check(const char *req, char *err, size_t errlen);

/*
 * The guest script scripts/vm/NAME, found with the one data-path lookup
 * (sf_datadir.h) from any working directory, built or installed; -1 with a
 * one-line err when it is missing or not executable.
 */
int sf_vm_script(const char *name, char *buf, size_t len, char *err, size_t errlen);

#endif
