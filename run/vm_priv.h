/* SPDX-License-Identifier: MIT */
/*
 * One guest of the guest runner (sf_vm.h), shared by its files: vm.c
 * (open, image, boot), vm_console.c (what the console says) and vm_run.c
 * (one boot running a list of jobs, its record).  run/ only.
 */
#ifndef SF_VM_PRIV_H
#define SF_VM_PRIV_H

#include <limits.h>
#include <stdbool.h>

#include "sf_guest_targets.h"
#include "sf_vm.h"
#include "vm_proc.h"

#define VM_TIMEOUT_S		1200	/* whole guest run, unless opts say */
#define VM_BOOT_LIMIT_S		180	/* QEMU start to the guest's "ready" */
#define VM_BUILD_LIMIT_S	900	/* image build, Debian download included */
#define VM_POWEROFF_GRACE_S	15	/* "done" to QEMU's exit */
#define VM_CLOCK_TRIES		3	/* boots tried for a guest clock that keeps time */
#define VM_BOOT_TRIES		3	/* boots tried for a kernel that panics or hangs before ready */
#define VM_CLOCK_MAX_RATIO	1.25	/* guest seconds per host second, either way */
#define GUEST_TAG		"syncfault-guest: "

/* Failure kinds: -1 the guest or a tool failed, -2 bad input (usage). */
#define VM_ERR_RUN	(-1)
#define VM_ERR_USAGE	(-2)

struct sf_vm {
	const struct sf_guest_target *g;	/* the target: its entry in the table */
	struct sf_vm_opts o;
	char scratch[PATH_MAX];
	char image[PATH_MAX];
	char release[128];
	char kernel_desc[PATH_MAX];
	char kernel_name[PATH_MAX];	/* debian:6.12.117+deb12, a path ... */
	double t_start;
	struct sf_vm_boot *b;	/* the boot in progress */
	int boot_limit_s;	/* VM_BOOT_LIMIT_S, or SYNCFAULT_VM_BOOT_LIMIT_S */
	double up_ready, up_done;	/* the guest's uptime at ready and done; 0: unknown */
	double clock_ratio;	/* guest over host seconds, ready to done; 0: unknown */
	bool clock_bad;		/* the guest clock does not keep host time */
	int boots;		/* QEMU starts (a bad clock or boot boots again) */
	char panic[256];	/* the kernel's panic line before ready, or "" */
	char fail[512];		/* the guest's FAIL line */
	char missing[512];	/* the guest's MISSING line */
	char last_err[512];	/* last line a script wrote on stderr */
	struct sf_follow con;
	struct sf_follow child_err;
	bool echo_child_err;	/* copy the child's stderr to ours */
	int lock_fd;		/* held on the scratch dir's lock while we run */
	struct sf_saved_signals sigs;
};

void vm_set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* vm_console.c: the console and the scripts' stderr, as the boot goes */
void vm_console_line(void *vm, const char *line);
void vm_child_err_line(void *vm, const char *line);
void vm_clock_check_done(struct sf_vm *r, const struct sf_vm_boot *b);
const char *vm_clock_words(const struct sf_vm *r, const struct sf_vm_boot *b);
void vm_explain_failure(const struct sf_vm *r, const struct sf_vm_boot *b,
			char *err, size_t errlen);
/* vm_image.c: build or reuse the image (r->image, r->release ...) */
int vm_build_image(struct sf_vm *r, char *err, size_t errlen);
/* vm.c */
int vm_check_jobs(const struct sf_vm_job *jobs, int njobs, char *err, size_t errlen);
enum sf_vm_end vm_wait_child(struct sf_vm *r, pid_t pid, double deadline,
			     double boot_deadline, int *status);

#endif
