/* SPDX-License-Identifier: MIT */
/*
 * The crash guest's reading of the kernel log: whether a mount replayed a
 * journal, and what the kernel said when one failed.
 */
#ifndef CRASH_KLOG_H
#define CRASH_KLOG_H

#include <stdbool.h>
#include <stddef.h>

/* Bytes in the kernel log now: where the lines of what follows begin. */
size_t crash_klog_mark(void);

/*
 * The kernel's lines since mark about dev (its name, as "pmem1") or its
 * journal (JBD2), timestamps cut, joined by "; " into buf: why a mount
 * failed, in the kernel's words.  buf is "" when it said nothing.
 */
void crash_klog_why(size_t mark, const char *dev, char *buf, size_t len);

/* Did mounting dev replay a journal?  The kernel log says so. */
bool crash_klog_recovered(const char *dev);

#endif
