// SPDX-License-Identifier: MIT
/* Disturbance of a repeat (see sf_disturb.h). */
#include <dirent.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "sf_clock.h"
#include "sf_disturb.h"

int sf_disturb_parse(const char *text, struct sf_disturb_snap *s)
{
	unsigned long long v[10] = { 0 };
	const char *intr;
	int n;

	s->ok = false;
	n = sscanf(text, "cpu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
		   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9]);
	if (n < 8)
		return -1;
	/* user nice system idle iowait irq softirq steal (guest times are in user) */
	s->cpu_ticks = 0;
	for (int i = 0; i < 8; i++)
		s->cpu_ticks += v[i];
	s->steal = v[7];
	intr = strstr(text, "\nintr ");
	s->intr = 0;
	if (intr)
		sscanf(intr + 6, "%" SCNu64, &s->intr);
	s->ok = true;
	return 0;
}

static size_t read_text(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	size_t n = 0;

	if (f) {
		n = fread(buf, 1, len - 1, f);
		fclose(f);
	}
	buf[n] = 0;
	return n;
}

void sf_disturb_snap(struct sf_disturb_snap *s)
{
	char buf[8192];

	memset(s, 0, sizeof(*s));
	s->ns = sf_mono_ns();
	if (read_text("/proc/stat", buf, sizeof(buf)))
		sf_disturb_parse(buf, s);
}

/* "cpuN user nice system idle iowait irq softirq steal" lines */
static int parse_cpu_lines(const char *stat, struct sf_cpu_counts *c)
{
	int found = 0;

	for (const char *l = strstr(stat, "\ncpu"); l; l = strstr(l + 1, "\ncpu")) {
		unsigned long long v[8];
		int cpu;

		if (sscanf(l + 1, "cpu%d %llu %llu %llu %llu %llu %llu %llu %llu", &cpu,
			   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) != 9 ||
		    cpu < 0 || cpu >= SF_DISTURB_CPUS)
			continue;
		c->ticks[cpu] = 0;
		for (int i = 0; i < 8; i++)
			c->ticks[cpu] += v[i];
		c->steal[cpu] = v[7];
		found++;
	}
	return found ? 0 : -1;
}

/* /proc/interrupts: a header of CPUn columns, then one row per source. */
static void parse_interrupts(const char *text, struct sf_cpu_counts *c)
{
	unsigned long long v[SF_DISTURB_CPUS];
	int col[SF_DISTURB_CPUS], ncol = 0, k;
	const char *p = text, *eol = strchr(text, '\n');

	while (eol && ncol < SF_DISTURB_CPUS && (p = strstr(p, "CPU")) && p < eol) {
		col[ncol] = atoi(p + 3);
		ncol += col[ncol] >= 0 && col[ncol] < SF_DISTURB_CPUS;
		p += 3;
	}
	for (const char *l = eol; l && l[1]; l = strchr(l + 1, '\n')) {
		const char *q = strchr(l + 1, ':'), *next = strchr(l + 1, '\n');

		if (!q || (next && q > next))
			continue;
		q++;
		for (k = 0; k < ncol; k++) {
			char *end;

			v[k] = strtoull(q, &end, 10);
			if (end == q || (next && end > next))
				break;
			q = end;
		}
		/* ERR: and MIS: are totals, one column: not per CPU */
		for (int i = 0; k == ncol && i < ncol; i++)
			c->irq[col[i]] += v[i];
	}
}

int sf_cpu_counts_parse(const char *stat, const char *interrupts, struct sf_cpu_counts *c)
{
	memset(c, 0, sizeof(*c));
	if (parse_cpu_lines(stat, c))
		return -1;
	if (interrupts)
		parse_interrupts(interrupts, c);
	c->ok = true;
	return 0;
}

static void cpu_counts_now(struct sf_cpu_counts *c)
{
	static char stat[65536], irq[262144];

	read_text("/proc/stat", stat, sizeof(stat));
	read_text("/proc/interrupts", irq, sizeof(irq));
	sf_cpu_counts_parse(stat, irq, c);
}

double sf_run_delay_ns(int pid)
{
	unsigned long long cpu, wait;
	char path[64];
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "/proc/%d/schedstat", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	n = fscanf(f, "%llu %llu", &cpu, &wait);
	fclose(f);
	return n == 2 ? (double)wait : -1;
}

/* ---- the timed window, inside the repeat's process ---- */

static struct {
	pthread_mutex_t lock;
	pid_t pid;			/* the repeat's process; workers forked from it do not count */
	int depth;
	uint64_t t0;
	double delay0;
	long invol0;
	struct sf_cpu_counts c0;
	cpu_set_t ran, pinned;		/* CPUs its threads ran on; workers pinned */
	struct sf_window w;
} win = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* Run-queue wait of every thread of this process, and the CPUs they are on. */
static double threads_delay_ns(cpu_set_t *cpus)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	double sum = 0;

	while (d && (e = readdir(d))) {
		char path[300], buf[1024], *p;
		unsigned long long run, wait;
		int cpu = -1;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/schedstat", e->d_name);
		if (read_text(path, buf, sizeof(buf)) && sscanf(buf, "%llu %llu", &run, &wait) == 2)
			sum += (double)wait;
		/* field 39 of stat, "processor", counted after the ")" of the name */
		snprintf(path, sizeof(path), "/proc/self/task/%s/stat", e->d_name);
		if (read_text(path, buf, sizeof(buf)) && (p = strrchr(buf, ')'))) {
			for (int f = 2; p && f < 39; f++)
				p = strchr(p + 1, ' ');
			if (p)
				cpu = atoi(p + 1);
		}
		if (cpu >= 0 && cpu < CPU_SETSIZE)
			CPU_SET(cpu, cpus);
	}
	if (d)
		closedir(d);
	return sum;
}

static long invol_now(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_SELF, &ru) ? 0 : ru.ru_nivcsw;
}

void sf_disturb_window_reset(void)
{
	struct sf_cpu_counts c;
	cpu_set_t cpus;

	/*
	 * Once through every read before the benchmark runs: the buffers and
	 * the stdio allocations are faulted in now, so a window's own reads
	 * add no page fault to the faults a benchmark counts around it.
	 */
	cpu_counts_now(&c);
	cpu_counts_now(&win.c0);
	threads_delay_ns(&cpus);
	pthread_mutex_lock(&win.lock);
	win.pid = getpid();
	win.depth = 0;
	CPU_ZERO(&win.ran);
	CPU_ZERO(&win.pinned);
	memset(&win.w, 0, sizeof(win.w));
	pthread_mutex_unlock(&win.lock);
}

void sf_disturb_note_cpu(int cpu)
{
	if (cpu < 0 || cpu >= CPU_SETSIZE)
		return;
	pthread_mutex_lock(&win.lock);
	CPU_SET(cpu, &win.pinned);
	pthread_mutex_unlock(&win.lock);
}

static void window_close(void)
{
	struct sf_cpu_counts c1;
	const cpu_set_t *set = CPU_COUNT(&win.pinned) ? &win.pinned : &win.ran;
	size_t off = strlen(win.w.cpus);

	cpu_counts_now(&c1);
	win.w.delay_ms += (threads_delay_ns(&win.ran) - win.delay0) / 1e6;
	win.w.invol += invol_now() - win.invol0;
	win.w.ms += (double)(sf_mono_ns() - win.t0) / 1e6;
	win.w.n++;
	win.w.workers = CPU_COUNT(&win.pinned) ? CPU_COUNT(&win.pinned) : 1;
	win.w.ncpus = 0;
	off = 0;
	for (int cpu = 0; cpu < SF_DISTURB_CPUS; cpu++) {
		if (!CPU_ISSET(cpu, set))
			continue;
		if (win.c0.ok && c1.ok) {
			win.w.ticks += c1.ticks[cpu] - win.c0.ticks[cpu];
			win.w.steal += c1.steal[cpu] - win.c0.steal[cpu];
			win.w.irq += c1.irq[cpu] - win.c0.irq[cpu];
		}
		win.w.ncpus++;
		if (off < sizeof(win.w.cpus))
			off += snprintf(win.w.cpus + off, sizeof(win.w.cpus) - off, "%s%d",
					off ? "," : "", cpu);
	}
}

/* Outside the timed code: the reads here are where the benchmark marks, never inside. */
void sf_disturb_window(bool begin)
{
	pthread_mutex_lock(&win.lock);
	if (win.pid != getpid()) {
		pthread_mutex_unlock(&win.lock);
		return;
	}
	if (begin && win.depth++ == 0) {
		/* cleared per window: a CPU the threads left before it began does not count */
		CPU_ZERO(&win.ran);
		if (sched_getcpu() >= 0)
			CPU_SET(sched_getcpu(), &win.ran);
		cpu_counts_now(&win.c0);
		win.delay0 = threads_delay_ns(&win.ran);
		win.invol0 = invol_now();
		win.t0 = sf_mono_ns();
	} else if (!begin && win.depth > 0 && --win.depth == 0) {
		window_close();
	}
	pthread_mutex_unlock(&win.lock);
}

bool sf_disturb_window_get(struct sf_window *w)
{
	pthread_mutex_lock(&win.lock);
	if (win.depth > 0 && win.pid == getpid()) {
		win.depth = 0;	/* a window left open ends with the repeat */
		window_close();
	}
	*w = win.w;
	pthread_mutex_unlock(&win.lock);
	return w->n > 0;
}

/* ---- the verdict ---- */

static void judge_window(const struct sf_window *w, struct sf_disturb *d)
{
	double cpu_ms = w->ms * (w->ncpus ? w->ncpus : 1);
	long hits = w->invol + (long)w->steal;

	d->windowed = true;
	d->window_ms = w->ms;
	d->invol = w->invol;
	snprintf(d->cpus, sizeof(d->cpus), "%s", w->cpus);
	d->run_delay_pct = w->ms > 0 ? 100.0 * w->delay_ms / (w->ms * w->workers) : NAN;
	d->run_delay_ms = w->delay_ms;
	d->steal_pct = w->ticks ? 100.0 * (double)w->steal / (double)w->ticks : NAN;
	d->irq_per_cpu_s = cpu_ms > 0 ? (double)w->irq / (cpu_ms / 1e3) : NAN;
	d->hit_pct = w->samples > 0 ? 100.0 * (double)hits / (double)w->samples : NAN;
	if (w->samples > 0) {
		/*
		 * A median: only the share of samples hit can move it, and a
		 * hit sample moves only by the time lost in it (a switch to a
		 * kernel thread and straight back costs microseconds).
		 */
		double lost_ms = w->delay_ms + (double)w->steal * 1000.0 / (double)sysconf(_SC_CLK_TCK);
		double sample_ms = w->ms * w->workers / (double)w->samples;
		double per_hit = hits ? lost_ms / (double)hits : 0;

		d->hit_inflation_pct = sample_ms > 0 ? 100.0 * per_hit / sample_ms : NAN;
		if (d->hit_pct <= SF_HIT_PCT_MAX || !(d->hit_inflation_pct > SF_HIT_INFLATION_PCT_MAX))
			return;
		d->disturbed = true;
		snprintf(d->why, sizeof(d->why), "in its %.1f ms timed window %ld involuntary switches and %" PRIu64 " stolen ticks on cpu %s could each have hit one of its %ld samples (%.1f%%, over %.0f%%) and lengthened it by %.3g ms on average, %.0f%% of a sample (over %.0f%%; %.1f ms waiting for a CPU)",
			 w->ms, w->invol, w->steal, w->cpus, w->samples, d->hit_pct, SF_HIT_PCT_MAX,
			 per_hit, d->hit_inflation_pct, SF_HIT_INFLATION_PCT_MAX, w->delay_ms);
	} else if (isfinite(d->run_delay_pct) && d->run_delay_pct > SF_RUN_DELAY_PCT_MAX) {
		d->disturbed = true;
		snprintf(d->why, sizeof(d->why), "in its %.1f ms timed window its thread%s waited %.1f ms for a CPU (%.1f%% of the window, over %.0f%%; %ld involuntary switches; %.0f interrupts/s on cpu %s): another task had the CPU",
			 w->ms, w->workers > 1 ? "s" : "", w->delay_ms, d->run_delay_pct,
			 SF_RUN_DELAY_PCT_MAX, w->invol, d->irq_per_cpu_s, w->cpus);
	} else if (isfinite(d->steal_pct) && w->steal >= SF_STEAL_TICKS_MIN &&
		   d->steal_pct > SF_STEAL_PCT_MAX) {
		d->disturbed = true;
		snprintf(d->why, sizeof(d->why), "in its %.1f ms timed window the hypervisor stole %.1f%% of cpu %s (%" PRIu64 " ticks, over %.0f%%)",
			 w->ms, d->steal_pct, w->cpus, w->steal, SF_STEAL_PCT_MAX);
	}
}

/* No window marked: the whole repeat, all CPUs, the main thread's wait. */
static void judge_repeat(const struct sf_disturb_snap *a, const struct sf_disturb_snap *b,
			 long invol, double run_delay_ns, int ncpus, struct sf_disturb *d)
{
	uint64_t ticks = b->cpu_ticks - a->cpu_ticks, steal = b->steal - a->steal;

	d->invol = invol;
	snprintf(d->cpus, sizeof(d->cpus), "all");
	d->steal_pct = a->ok && b->ok && ticks ? 100.0 * (double)steal / (double)ticks : NAN;
	d->run_delay_pct = run_delay_ns >= 0 && d->wall_s > 0 ? run_delay_ns / 1e7 / d->wall_s : NAN;
	d->run_delay_ms = run_delay_ns >= 0 ? run_delay_ns / 1e6 : NAN;
	d->irq_per_cpu_s = a->ok && b->ok && d->wall_s > 0 && ncpus > 0 ?
		(double)(b->intr - a->intr) / ncpus / d->wall_s : NAN;
	if (isfinite(d->steal_pct) && steal >= SF_STEAL_TICKS_MIN && d->steal_pct > SF_STEAL_PCT_MAX) {
		d->disturbed = true;
		snprintf(d->why, sizeof(d->why), "steal %.1f%% of CPU time during the repeat (over %.0f%%; no timed window marked)",
			 d->steal_pct, SF_STEAL_PCT_MAX);
	} else if (isfinite(d->run_delay_pct) && d->run_delay_pct > SF_RUN_DELAY_PCT_MAX) {
		d->disturbed = true;
		snprintf(d->why, sizeof(d->why), "waited %.1f ms for a CPU, %.1f%% of the repeat (over %.0f%%; %ld involuntary switches; no timed window marked): the CPU was shared",
			 run_delay_ns / 1e6, d->run_delay_pct, SF_RUN_DELAY_PCT_MAX, invol);
	}
}

void sf_disturb_judge(const struct sf_disturb_snap *a, const struct sf_disturb_snap *b,
		      long invol, double run_delay_ns, int ncpus,
		      const struct sf_window *w, struct sf_disturb *d)
{
	memset(d, 0, sizeof(*d));
	d->wall_s = (double)(b->ns - a->ns) / 1e9;
	d->window_ms = NAN;
	d->run_delay_ms = NAN;
	d->hit_pct = NAN;
	d->hit_inflation_pct = NAN;
	if (w && w->n > 0)
		judge_window(w, d);
	else
		judge_repeat(a, b, invol, run_delay_ns, ncpus, d);
}

/* ---- a repeat's process stopped and continued ---- */

static struct {
	volatile sig_atomic_t pid, stops, continues;
	volatile uint64_t stop_ns, stopped_ns;
	struct sigaction old;
} watch;

static void on_child_state(int sig, siginfo_t *si, void *uc)
{
	uint64_t now = sf_mono_ns();

	(void)sig;
	(void)uc;
	if (!watch.pid || (watch.pid > 0 && si->si_pid != watch.pid))
		return;
	if (si->si_code == CLD_STOPPED || si->si_code == CLD_TRAPPED) {
		watch.stops++;
		watch.stop_ns = now;
	} else if (si->si_code == CLD_CONTINUED) {
		watch.continues++;
		if (watch.stop_ns)
			watch.stopped_ns += now - watch.stop_ns;
		watch.stop_ns = 0;
	}
}

void sf_stops_begin(void)
{
	struct sigaction sa = { .sa_sigaction = on_child_state, .sa_flags = SA_SIGINFO };

	sigemptyset(&sa.sa_mask);
	watch.pid = 0;
	watch.stops = watch.continues = 0;
	watch.stop_ns = watch.stopped_ns = 0;
	sigaction(SIGCHLD, &sa, &watch.old);
}

void sf_stops_child(int pid)
{
	watch.pid = pid;
}

void sf_stops_end(struct sf_stops *s)
{
	sigaction(SIGCHLD, &watch.old, NULL);
	s->stops = watch.stops;
	s->continues = watch.continues;
	s->stopped_s = (double)watch.stopped_ns / 1e9;
	watch.pid = 0;
}

void sf_disturb_stops(const struct sf_stops *s, const char *who, struct sf_disturb *d)
{
	char how[64] = "", before[sizeof(d->why)];

	if (!s->stops && !s->continues)
		return;
	/*
	 * The notices' times bound the stop from below; when syncfault was
	 * stopped too, both arrive at once after it and say nothing.
	 */
	if (s->stopped_s >= 0.01)
		snprintf(how, sizeof(how), " for at least %.2f s", s->stopped_s);
	else
		snprintf(how, sizeof(how), " (how long unknown: syncfault was stopped too)");
	snprintf(before, sizeof(before), "%s", d->disturbed ? d->why : "");
	snprintf(d->why, sizeof(d->why), "%s was stopped%s and continued (SIGSTOP, a freezer or a stalled host): the time stood still, not the target%s%s",
		 who, how, before[0] ? "; also: " : "", before);
	d->disturbed = true;
	d->stopped_s = s->stopped_s >= 0.01 ? s->stopped_s : 0;
	d->stops = s->stops > s->continues ? s->stops : s->continues;
}

long sf_oom_kills(void)
{
	char buf[16384], *p;

	if (!read_text("/proc/vmstat", buf, sizeof(buf)))
		return -1;
	p = strstr(buf, "\noom_kill ");
	return p ? atol(p + 10) : -1;
}
