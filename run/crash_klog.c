// SPDX-License-Identifier: MIT
/*
 * The crash guest's reading of the kernel log (klogctl: the guest runs as
 * init, with no syslog daemon).  After a power failure the kernel, not the
 * mount(2) errno, says why a filesystem did not mount: "Structure needs
 * cleaning" is all errno tells, "JBD2: ..." says which check failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>

#include "crash_klog.h"

#define SYSLOG_ACTION_READ_ALL		3
#define SYSLOG_ACTION_SIZE_BUFFER	10

/* The whole kernel log buffer, NUL-terminated (free it), or NULL. */
static char *klog_read(int *len)
{
	int size = klogctl(SYSLOG_ACTION_SIZE_BUFFER, NULL, 0);
	char *buf;

	if (size <= 0 || !(buf = malloc((size_t)size + 1)))
		return NULL;
	*len = klogctl(SYSLOG_ACTION_READ_ALL, buf, size);
	if (*len < 0)
		*len = 0;
	buf[*len] = 0;
	return buf;
}

size_t crash_klog_mark(void)
{
	int len;
	char *buf = klog_read(&len);

	free(buf);
	return buf ? (size_t)len : 0;
}

/* A line of the kernel log without its "<3>[    5.214263] " prefix. */
static const char *klog_text(const char *line)
{
	const char *p = line;

	if (*p == '<' && (p = strchr(p, '>')))
		p++;
	else
		p = line;
	if (*p == '[' && strchr(p, ']'))
		p = strchr(p, ']') + 1;
	return p + strspn(p, " ");
}

void crash_klog_why(size_t mark, const char *dev, char *buf, size_t len)
{
	int n;
	char *log = klog_read(&n), *line;
	size_t off = 0;

	buf[0] = 0;
	if (!log)
		return;
	/* the ring buffer of a 5 s old boot has not wrapped; if it has, read it all */
	for (line = strtok(log + (mark <= (size_t)n ? mark : 0), "\n"); line;
	     line = strtok(NULL, "\n")) {
		const char *t = klog_text(line);

		if ((strstr(t, dev) || strstr(t, "JBD2")) && off + 3 < len)
			off += (size_t)snprintf(buf + off, len - off, "%s%s", off ? "; " : "", t);
	}
	free(log);
}

bool crash_klog_recovered(const char *dev)
{
	int n;
	char *log = klog_read(&n), *line;
	bool found = false;

	if (!log)
		return false;
	for (line = strtok(log, "\n"); line; line = strtok(NULL, "\n"))
		if (strstr(line, dev) && (strstr(line, "recovery") || strstr(line, "Recovery")))
			found = true;
	free(log);
	return found;
}
