// SPDX-License-Identifier: MIT
/*
 * What a guest says while it boots and runs (vm_priv.h): the init script's
 * "syncfault-guest:" lines on the serial console (ready, a job started or
 * ended, done, FAIL, MISSING), the last words of the scripts on stderr, the
 * guest clock held against the host's, and the one message a failed boot
 * ends in.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_errors.h"
#include "vm_priv.h"

#define CONSOLE_TAIL_LINES	30

void vm_set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Copy src into dst, cut to fit (a marker line longer than dst is fine). */
static void copy_field(char *dst, size_t len, const char *src)
{
	size_t n = strnlen(src, len - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* The guest's "uptime=SECONDS" on a marker line; 0 if it has none. */
static double uptime_of(const char *m)
{
	const char *u = strstr(m, "uptime=");

	return u ? strtod(u + 7, NULL) : 0;
}

/*
 * Under TCG the guest's TSC runs at the host's rate, but the guest kernel
 * calibrates its frequency at boot against an emulated timer; when the host
 * is loaded the calibration can come out many times too low, and the guest
 * clock then runs ahead (seen here: 326 guest seconds for an 8 s boot, and
 * every time it measured 40-60x too long).  Every figure of such a boot is
 * in wrong units.  The guest cannot tell; the host can: the guest's uptime
 * at "ready" cannot exceed the host's time since QEMU started, and from
 * ready to done both clocks must agree.  Only boots whose jobs time
 * something in real time (b->timed) are held to it: a virtual clock
 * (--timing icount) is not host time by design.
 */
static bool clock_ran_ahead(const struct sf_vm *r)
{
	double host = r->b->t_ready - r->b->t_qemu;

	return r->b->timed && r->up_ready > 0 && r->up_ready > VM_CLOCK_MAX_RATIO * host + 2;
}

void vm_clock_check_done(struct sf_vm *r, const struct sf_vm_boot *b)
{
	double host = b->t_done - b->t_ready, guest = r->up_done - r->up_ready;

	if (!b->timed || !b->t_done || r->up_done <= 0 || r->up_ready <= 0 || host < 2)
		return;		/* too short a run to tell the two rates apart */
	r->clock_ratio = guest / host;
	if (r->clock_ratio > VM_CLOCK_MAX_RATIO || r->clock_ratio < 1 / VM_CLOCK_MAX_RATIO)
		r->clock_bad = true;
}

const char *vm_clock_words(const struct sf_vm *r, const struct sf_vm_boot *b)
{
	static char buf[160];

	if (r->clock_ratio > 0)
		snprintf(buf, sizeof(buf), "guest clock ran %.2fx host time from ready to done",
			 r->clock_ratio);
	else
		snprintf(buf, sizeof(buf), "guest uptime %.0f s at ready, %.1f s after QEMU started",
			 r->up_ready, b->t_ready - b->t_qemu);
	return buf;
}

/* The index of the job named at m ("NAME start", "NAME rc=N"), or -1. */
static int job_index(const struct sf_vm_boot *b, const char *m, size_t len)
{
	for (int i = 0; i < b->njobs; i++)
		if (strlen(b->jobs[i].name) == len && !strncmp(b->jobs[i].name, m, len))
			return i;
	return -1;
}

/* "job NAME start" and "job NAME rc=N": the boot's progress hooks. */
static void job_line(const struct sf_vm_boot *b, const char *m)
{
	const char *sp = strrchr(m, ' ');
	int i = sp ? job_index(b, m, (size_t)(sp - m)) : -1;

	if (i < 0)
		return;
	if (!strcmp(sp, " start") && b->job_started)
		b->job_started(b->arg, i);
	else if (!strncmp(sp, " rc=", 4) && b->job_ended)
		b->job_ended(b->arg, i, atoi(sp + 4));
}

/*
 * A kernel that dies before the guest is ready: its panic line (a double
 * fault prints its own first, then "Kernel panic - not syncing: Fatal
 * exception").  panic=-1 and -no-reboot then end QEMU.
 */
static void panic_line(struct sf_vm *r, const char *line)
{
	static const char *const marks[] = { "PANIC: double fault", "Kernel panic - not syncing" };

	for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]) && !r->panic[0]; i++) {
		const char *m = strstr(line, marks[i]);

		if (m)
			copy_field(r->panic, sizeof(r->panic), m);
	}
}

void vm_console_line(void *vm, const char *line)
{
	struct sf_vm *r = vm;
	const char *m = strstr(line, GUEST_TAG);
	struct sf_vm_boot *b = r->b;

	if (b->on_line)
		b->on_line(b->arg, line);
	if (!b->t_ready)
		panic_line(r, line);
	if (!m)
		return;
	m += strlen(GUEST_TAG);
	if (!strncmp(m, "ready ", 6) && !b->t_ready) {
		b->t_ready = sf_vm_now();
		r->up_ready = uptime_of(m);
		r->clock_bad = clock_ran_ahead(r);
	} else if (!strncmp(m, "done", 4) && !b->t_done) {
		b->t_done = sf_vm_now();
		r->up_done = uptime_of(m);
	} else if (!strncmp(m, "job ", 4))
		job_line(b, m + 4);
	else if (!strncmp(m, "FAIL ", 5) && !r->fail[0])
		copy_field(r->fail, sizeof(r->fail), m + 5);
	else if (!strncmp(m, "MISSING ", 8) && !r->missing[0])
		copy_field(r->missing, sizeof(r->missing), m + 8);
}

/*
 * A line a script wrote on stderr.  Pass it on (progress such as the kernel
 * download), one line late: the last line of a failing script is its error
 * message, which goes into err instead of being printed twice.
 */
void vm_child_err_line(void *vm, const char *line)
{
	struct sf_vm *r = vm;

	if (r->echo_child_err && r->last_err[0])
		fprintf(stderr, "%s\n", r->last_err);
	copy_field(r->last_err, sizeof(r->last_err), line);
}

void sf_vm_console_tail(const char *console)
{
	char *lines[CONSOLE_TAIL_LINES] = { 0 };
	char buf[1024];
	FILE *f = fopen(console, "re");
	int n = 0;

	if (!f) {
		sf_error("no guest console log at %s", console);
		return;
	}
	while (fgets(buf, sizeof(buf), f)) {
		free(lines[n % CONSOLE_TAIL_LINES]);
		lines[n % CONSOLE_TAIL_LINES] = strdup(buf);
		n++;
	}
	fclose(f);
	if (!n) {
		sf_error("the guest wrote nothing on its serial console (%s); a kernel without SERIAL_8250_CONSOLE, or one QEMU cannot start?",
			console);
		return;
	}
	fprintf(stderr, "syncfault: last lines of the guest console (%s):\n", console);
	for (int i = n > CONSOLE_TAIL_LINES ? n - CONSOLE_TAIL_LINES : 0; i < n; i++) {
		const char *l = lines[i % CONSOLE_TAIL_LINES];

		if (l)
			fprintf(stderr, "  | %s%s", l, l[0] && l[strlen(l) - 1] == '\n' ? "" : "\n");
	}
	for (int i = 0; i < CONSOLE_TAIL_LINES; i++)
		free(lines[i]);
}

void vm_explain_failure(const struct sf_vm *r, const struct sf_vm_boot *b,
			char *err, size_t errlen)
{
	if (b->end == SF_VM_INTERRUPTED)
		vm_set_err(err, errlen, "interrupted: guest stopped");
	else if (r->missing[0])
		vm_set_err(err, errlen, "guest kernel %s cannot run %s: it lacks %s (rebuild it with these enabled, or pass --modules DIR for a modular build)",
			   r->release, r->g->name, r->missing);
	else if (r->fail[0])
		vm_set_err(err, errlen, "guest failed: %s", r->fail);
	else if (b->end == SF_VM_CLOCK || r->clock_bad)
		vm_set_err(err, errlen, "the guest clock did not keep host time in %d boots (%s): the host is too loaded for the guest to calibrate its TSC; run again on a quieter host",
			   VM_CLOCK_TRIES, vm_clock_words(r, b));
	else if (r->panic[0] && !b->t_ready)
		vm_set_err(err, errlen, "the guest kernel %s panicked before it was ready, in %d boots (last: %s)",
			   r->release, r->boots, r->panic);
	else if (b->end == SF_VM_BOOT_TIMEOUT)
		vm_set_err(err, errlen, "the guest did not come up within %d s (kernel %s), in %d boots: stopped",
			   r->boot_limit_s, r->release, r->boots);
	else if (b->end == SF_VM_TIMEOUT)
		vm_set_err(err, errlen, "the guest run exceeded its time limit of %d s (--vm-timeout): stopped",
			   b->limit_s);
	else if (b->t_done)
		vm_set_err(err, errlen, "the guest finished but its results are missing from the share");
	else if (r->last_err[0])
		vm_set_err(err, errlen, "QEMU exited (status %d) before the guest finished: %s",
			   sf_exit_code(b->status), r->last_err);
	else
		vm_set_err(err, errlen, "QEMU exited (status %d) before the guest finished (kernel %s)",
			   sf_exit_code(b->status), r->release);
}

int sf_vm_boot_failed(struct sf_vm *r, const struct sf_vm_boot *b, char *err, size_t errlen)
{
	bool ended = b->end == SF_VM_EXITED || b->end == SF_VM_PLUGGED ||
		     b->end == SF_VM_DONE_NO_EXIT;

	if (ended && !r->fail[0] && !r->missing[0])
		return 0;
	vm_explain_failure(r, b, err, errlen);
	if (b->end != SF_VM_INTERRUPTED)
		sf_vm_console_tail(b->console);
	return -1;
}
