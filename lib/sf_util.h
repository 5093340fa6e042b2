/* SPDX-License-Identifier: MIT */
/* Small helpers shared by the library: reading sysfs/proc files. */
#ifndef SF_UTIL_H
#define SF_UTIL_H

#include <stddef.h>

/* Read a small file, strip the trailing newline; -1 if it cannot be read. */
int sf_read_line(const char *path, char *buf, size_t len);
/* Read a whole small file (up to len-1 bytes); -1 on error. */
int sf_read_file(const char *path, char *buf, size_t len);
/* Value of KEY in a "key: value" file such as /proc/cpuinfo; NULL if absent. */
int sf_read_keyed(const char *path, const char *key, char *buf, size_t len);
/* Value of key in a key=value file (one per line); -1 if absent. */
int sf_read_kv(const char *path, const char *key, char *buf, size_t len);
/* Value of word=VALUE on /proc/cmdline; -1 if absent. */
int sf_cmdline_value(const char *word, char *buf, size_t len);
/* mkdir -p */
int sf_mkdir_p(const char *dir, unsigned int mode);
/*
 * Remove dir and everything in it.  Only for directories syncfault created
 * itself (mkdtemp): everything inside is ours.
 */
void sf_remove_tree(const char *dir);
/* Copy a file (a console log ...); -1 on error. */
int sf_copy_file(const char *from, const char *to);
/* ISO 8601 UTC timestamp for now. */
void sf_now_iso(char *buf, size_t len);

#endif
