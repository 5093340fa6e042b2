// SPDX-License-Identifier: MIT
/* Disturbance of a repeat, from /proc/stat and rusage (see sf_disturb.h). */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

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

void sf_disturb_snap(struct sf_disturb_snap *s)
{
	char buf[8192];
	size_t n = 0;
	FILE *f = fopen("/proc/stat", "re");

	memset(s, 0, sizeof(*s));
	s->ns = sf_mono_ns();
	if (!f)
		return;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	sf_disturb_parse(buf, s);
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

void sf_disturb_judge(const struct sf_disturb_snap *a, const struct sf_disturb_snap *b,
		      long invol, double run_delay_ns, int ncpus, struct sf_disturb *d)
{
	uint64_t ticks = b->cpu_ticks - a->cpu_ticks;

	memset(d, 0, sizeof(*d));
	d->wall_s = (double)(b->ns - a->ns) / 1e9;
	d->invol = invol;
	d->steal_pct = a->ok && b->ok && ticks ? 100.0 * (double)(b->steal - a->steal) / (double)ticks : NAN;
	d->run_delay_pct = run_delay_ns >= 0 && d->wall_s > 0 ? run_delay_ns / 1e7 / d->wall_s : NAN;
	d->irq_per_cpu_s = a->ok && b->ok && d->wall_s > 0 && ncpus > 0 ?
		(double)(b->intr - a->intr) / ncpus / d->wall_s : NAN;
	if (isfinite(d->steal_pct) && d->steal_pct > SF_STEAL_PCT_MAX) {
		d->disturbed = true;
		snprintf(d->why, sizeof(d->why), "steal %.1f%% of CPU time (over %.0f%%)",
			 d->steal_pct, SF_STEAL_PCT_MAX);
	} else if (isfinite(d->run_delay_pct) && d->run_delay_pct > SF_RUN_DELAY_PCT_MAX) {
		d->disturbed = true;
		snprintf(d->why, sizeof(d->why), "waited %.1f ms for a CPU, %.1f%% of the repeat (over %.0f%%; %ld involuntary switches): the CPU was shared",
			 run_delay_ns / 1e6, d->run_delay_pct, SF_RUN_DELAY_PCT_MAX, invol);
	}
}
