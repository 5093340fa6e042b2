/* SPDX-License-Identifier: MIT */
/*
 * Emulated-NVDIMM guest targets (the table in lib/sf_targets.h): boot a
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
	int cpus;		/* 0: as many as the host has cores */
	int timeout_s;		/* 0: default; a hung guest is killed after it */
};

struct sf_result;

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
 * Boot one guest for fs, run every job in order, copy each job's result,
 * output and exit status into outdir, keep the serial console in
 * outdir/console-<fs>.log.  Returns 0 when the guest ran every job (each
 * job's own status is in its .rc); -2 with a message in err for bad input
 * (a missing --kernel, a bad --nvdimm-size ...: exit status 2); -1 for a
 * guest failure (boot failure, timeout, missing kernel option ...; the
 * console tail is printed on stderr).  Never leaves a QEMU process or temp
 * file behind.
 */
int sf_vm_run(const char *target, const struct sf_vm_opts *o,
	      const struct sf_vm_job *jobs, int njobs, const char *outdir,
	      char *err, size_t errlen);

/* Add info.vm (kernel booted, image, boot and job seconds) to results. */
void sf_vm_annotate(struct sf_result *res, int n, const char *outdir, const char *target);

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

/* syncfault kernel list|check|resolve|default */
int cmd_kernel(int argc, char **argv);

#endif
