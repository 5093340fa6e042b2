// SPDX-License-Identifier: MIT
/*
 * The guest's image and options (vm_priv.h): the guest scripts found with
 * the one data-path lookup, the image built or reused by
 * scripts/vm/build-image (kernel, initramfs, tools), and every guest option
 * checked before any work.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sf_datadir.h"
#include "sf_errors.h"
#include "sf_util.h"
#include "vm_priv.h"

int sf_vm_script(const char *name, char *buf, size_t len, char *err, size_t errlen)
{
	char rel[64];

	snprintf(rel, sizeof(rel), "scripts/vm/%s", name);
	if (sf_data_path(rel, buf, len, err, errlen))
		return -1;
	if (access(buf, X_OK)) {
		vm_set_err(err, errlen, "guest script %s is not executable: reinstall syncfault", buf);
		return -1;
	}
	return 0;
}

/* build-image's arguments; argv has room for 6. */
static int image_argv(const struct sf_vm *r, char **argv, char *script, char *err, size_t errlen)
{
	int argc = 0;

	if (sf_vm_script("build-image", script, PATH_MAX, err, errlen))
		return -1;
	argv[argc++] = script;
	if (r->o.kernel) {
		argv[argc++] = "--kernel";
		argv[argc++] = (char *)r->o.kernel;
	}
	if (r->o.modules) {
		argv[argc++] = "--modules";
		argv[argc++] = (char *)r->o.modules;
	}
	argv[argc] = NULL;
	return 0;
}

/* Run build-image, its stderr passed on (the kernel download ...); its exit status or -1. */
static int run_builder(struct sf_vm *r, char **argv, const char *out, const char *errf,
		       char *err, size_t errlen)
{
	enum sf_vm_end end;
	int status = 0;
	pid_t pid;

	if (sf_create_empty(out) || sf_create_empty(errf) || sf_follow_open(&r->child_err, errf)) {
		vm_set_err(err, errlen, "cannot create files in %s: %s", r->scratch, strerror(errno));
		return -1;
	}
	pid = sf_spawn_group(argv, out, errf, NULL);
	if (pid < 0) {
		sf_follow_close(&r->child_err);
		vm_set_err(err, errlen, "cannot start %s: %s", argv[0], strerror(errno));
		return -1;
	}
	r->echo_child_err = true;
	end = vm_wait_child(r, pid, sf_vm_now() + VM_BUILD_LIMIT_S, 0, &status);
	if (end != SF_VM_EXITED)
		sf_stop_child(pid, &status);
	sf_follow_drain(&r->child_err, vm_child_err_line, r);
	sf_follow_close(&r->child_err);
	r->echo_child_err = false;
	if (end == SF_VM_EXITED && !sf_exit_code(status) && r->last_err[0])
		fprintf(stderr, "%s\n", r->last_err);	/* the held-back line */
	if (end == SF_VM_INTERRUPTED)
		vm_set_err(err, errlen, "interrupted while building the guest image");
	else if (end != SF_VM_EXITED)
		vm_set_err(err, errlen, "building the guest image took over %d s: stopped",
			   VM_BUILD_LIMIT_S);
	return end == SF_VM_EXITED ? sf_exit_code(status) : -1;
}

int vm_build_image(struct sf_vm *r, char *err, size_t errlen)
{
	char script[PATH_MAX], out[PATH_MAX + 16], errf[PATH_MAX + 16], info[PATH_MAX + 16];
	char *argv[8];
	int rc;

	if (image_argv(r, argv, script, err, errlen))
		return VM_ERR_RUN;
	snprintf(out, sizeof(out), "%s/build.out", r->scratch);
	snprintf(errf, sizeof(errf), "%s/build.err", r->scratch);
	rc = run_builder(r, argv, out, errf, err, errlen);
	if (rc < 0)
		return VM_ERR_RUN;
	if (rc) {
		vm_set_err(err, errlen, "%s", r->last_err[0] ? r->last_err : "building the guest image failed");
		return rc == SF_EXIT_USAGE ? VM_ERR_USAGE : VM_ERR_RUN;
	}
	sf_last_line(out, r->image, sizeof(r->image));
	snprintf(info, sizeof(info), "%s/info", r->image);
	if (!r->image[0] || sf_read_kv(info, "release", r->release, sizeof(r->release))) {
		vm_set_err(err, errlen, "build-image gave no usable image (got '%s')", r->image);
		return VM_ERR_RUN;
	}
	sf_read_kv(info, "kernel", r->kernel_desc, sizeof(r->kernel_desc));
	sf_read_kv(info, "kernel_name", r->kernel_name, sizeof(r->kernel_name));
	return 0;
}

bool sf_vm_icount(const struct sf_vm_opts *o)
{
	return o && o->timing && !strcmp(o->timing, "icount");
}

long sf_vm_cpus(const struct sf_vm_opts *o)
{
	/* one vCPU under icount: see sf_vm_check_opts */
	return o && o->cpus > 0 ? o->cpus : sf_vm_icount(o) ? 1 : sysconf(_SC_NPROCESSORS_ONLN);
}

int sf_vm_check_opts(const struct sf_vm_opts *o, const char *fs, char *err, size_t errlen)
{
	char why[256];
	struct stat st;

	if (!o)
		return 0;
	if (o->nvdimm_size && sf_nvdimm_size_check(o->nvdimm_size, fs, why, sizeof(why))) {
		vm_set_err(err, errlen, "--nvdimm-size %s: %s", o->nvdimm_size, why);
		return -1;
	}
	if (o->timing && strcmp(o->timing, "real") && strcmp(o->timing, "icount")) {
		vm_set_err(err, errlen, "--timing %s: use real (the host's clock) or icount (QEMU counts guest instructions)",
			   o->timing);
		return -1;
	}
	if (o->icount_shift < 0 || o->icount_shift > 10) {
		vm_set_err(err, errlen, "--icount-shift %d: use 0 (1 ns per guest instruction) to 10",
			   o->icount_shift);
		return -1;
	}
	if (o->icount_shift && !sf_vm_icount(o)) {
		vm_set_err(err, errlen, "--icount-shift %d needs --timing icount", o->icount_shift);
		return -1;
	}
	if (sf_vm_icount(o) && o->cpus > 1) {
		vm_set_err(err, errlen, "--vm-cpus %d with --timing icount: QEMU 7.2 gives one vCPU the whole instruction budget and the others starve (debian:6.1 hangs bringing up CPU 1); use --vm-cpus 1 (the default under icount) or --timing real",
			   o->cpus);
		return -1;
	}
	if (sf_vm_icount(o) && o->accel && !strcmp(o->accel, "kvm")) {
		vm_set_err(err, errlen, "--timing icount needs TCG: KVM runs the guest in real time (drop --accel kvm)");
		return -1;
	}
	if (o->accel && sf_vm_accel_check(o->accel, err, errlen))
		return -1;
	if (o->modules && !o->kernel) {
		vm_set_err(err, errlen, "--modules needs --kernel (Debian's kernel brings its own modules)");
		return -1;
	}
	if (o->modules && (stat(o->modules, &st) || !S_ISDIR(st.st_mode))) {
		vm_set_err(err, errlen, "--modules %s: not a directory (give the INSTALL_MOD_PATH of 'make modules_install')",
			   o->modules);
		return -1;
	}
	/* after the cheap checks: this one runs scripts/vm/kernel */
	if (o->kernel && sf_kernel_check(o->kernel, err, errlen))
		return -1;
	if (o->timeout_s < 0) {
		vm_set_err(err, errlen, "guest time limit %d s is not valid", o->timeout_s);
		return -1;
	}
	return 0;
}
