// SPDX-License-Identifier: MIT
/* Tracepoint counters: see sf_tracepoint.h. */
#include <errno.h>
#include <inttypes.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sf_tracepoint.h"

int sf_tp_id(const struct sf_tp_event *ev, uint64_t *id, char *why, size_t len)
{
	static const char *const roots[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	char path[256], buf[32];
	FILE *f;

	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/events/%s/%s/id", roots[i], ev->system, ev->name);
		f = fopen(path, "re");
		if (!f)
			continue;
		if (fgets(buf, sizeof(buf), f)) {
			*id = strtoull(buf, NULL, 10);
			fclose(f);
			return 0;
		}
		fclose(f);
	}
	if (access("/sys/kernel/tracing/events", F_OK))
		snprintf(why, len, "tracefs is not mounted at /sys/kernel/tracing (syncfault does not mount it on a host)");
	else
		snprintf(why, len, "no %s:%s tracepoint in this kernel's tracefs", ev->system, ev->name);
	return -1;
}

static int open_one(const struct sf_tp_event *ev, uint64_t id, char *why, size_t len)
{
	struct perf_event_attr a = {
		.type = PERF_TYPE_TRACEPOINT,
		.size = sizeof(a),
		.config = id,
	};
	/* pid 0, cpu -1: this thread, wherever it runs */
	int fd = (int)syscall(SYS_perf_event_open, &a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);

	if (fd < 0) {
		snprintf(why, len, "perf_event_open(%s tracepoint %" PRIu64 "): %s", ev->system, id,
			 strerror(errno));
		return -1;
	}
	if (ev->filter && ioctl(fd, PERF_EVENT_IOC_SET_FILTER, ev->filter)) {
		snprintf(why, len, "tracepoint filter '%s': %s", ev->filter, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int sf_tp_open(struct sf_tp_set *s, const struct sf_tp_event *ev, const uint64_t *ids, int n,
	       char *why, size_t len)
{
	s->n = 0;
	if (n > SF_TP_MAX) {
		snprintf(why, len, "%d tracepoint counters asked for, at most %d", n, SF_TP_MAX);
		return -1;
	}
	for (; s->n < n; s->n++) {
		s->fd[s->n] = open_one(&ev[s->n], ids[s->n], why, len);
		if (s->fd[s->n] < 0) {
			sf_tp_close(s);
			return -1;
		}
	}
	return 0;
}

void sf_tp_read(const struct sf_tp_set *s, uint64_t *v, int n)
{
	for (int i = 0; i < n; i++)
		if (i >= s->n || read(s->fd[i], &v[i], sizeof(v[i])) != sizeof(v[i]))
			v[i] = 0;
}

void sf_tp_close(struct sf_tp_set *s)
{
	for (int i = 0; i < s->n; i++)
		close(s->fd[i]);
	s->n = 0;
}
