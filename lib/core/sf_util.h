/* SPDX-License-Identifier: MIT */
/* Small helpers shared by the library: reading sysfs/proc files. */
#ifndef SF_UTIL_H
#define SF_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <json-c/json.h>

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
/*
 * The scratch directory of a run, PARENT/syncfault.XXXXXX, locked for as
 * long as lock_fd (inherited by forked repeats) is open; scratch dirs that
 * SIGKILLed runs left in PARENT are removed first.  -1 with errno.
 */
int sf_scratch_create(const char *parent, char *dir, size_t len, int *lock_fd);
/* The same named PARENT/PREFIX.XXXXXX (a guest run's: "syncfault-guest."). */
int sf_scratch_create_named(const char *parent, const char *prefix, char *dir, size_t len,
			    int *lock_fd);
/* Remove it and drop the lock. */
void sf_scratch_remove(const char *dir, int lock_fd);
/* Copy a file (a console log ...); -1 on error. */
int sf_copy_file(const char *from, const char *to);
/* ISO 8601 UTC timestamp for now. */
void sf_now_iso(char *buf, size_t len);
/* Seconds on the monotonic clock: for elapsed times people read (not benchmarks). */
double sf_mono_s(void);

/*
 * Every file syncfault writes goes through this check first: refuse (-1,
 * one-line err starting with what, e.g. "--json") an empty name, a trailing
 * '/', over-long names, anything that exists and is not a regular file
 * (device nodes, FIFOs, directories), a parent that is not a writable
 * directory, and kernel pseudo-filesystems (/proc, /sys ...).  Nothing is
 * created.
 */
int sf_out_path_check(const char *path, const char *what, char *err, size_t errlen);
/*
 * Write buf to path atomically: a temp file in the same directory, fsync,
 * rename.  Never a partial path.  Returns 0, or -1 with "cannot write PATH:
 * why" in err.  The caller has checked path with sf_out_path_check.
 */
int sf_write_atomic(const char *path, const void *buf, size_t len, char *err, size_t errlen);

/* Largest file any reader of results or configs accepts. */
#define SF_READ_MAX	(32u << 20)
/*
 * Read a regular file (never a FIFO, device or directory: nothing blocks or
 * grows without end) of at most max bytes into a malloc'd, NUL-terminated
 * buffer.  -1 with err "PATH: why" otherwise.
 */
int sf_read_regular(const char *path, size_t max, char **buf, size_t *len,
		    char *err, size_t errlen);
/*
 * Parse one JSON value from a regular file of at most max bytes: no data
 * after it, no NaN or Infinity.  NULL with err "PATH: why" otherwise.
 */
json_object *sf_json_read(const char *path, size_t max, char *err, size_t errlen);

/* The emulated NVDIMM's size: the bounds every guest option path shares. */
#define SF_NVDIMM_MAX	(64ULL << 30)
/* 0 if s ("2G", bytes ...) is a size the guest for fs (NULL: any) can use; else -1, err the fix. */
int sf_nvdimm_size_check(const char *s, const char *fs, char *err, size_t errlen);

/* Is s one of the strings of the NULL-ended list (NULL: none)? */
bool sf_in_list(const char *s, const char *const *list);
/* Replace control characters (newline, ESC ...) by '?': one printable line. */
void sf_one_line(char *s);

/*
 * Text reports are 80 columns, to survive an email: print first, then the
 * words of text wrapped there, continuation lines indented by indent.
 */
#define SF_TEXT_WIDTH	80
void sf_wrap(FILE *f, const char *first, int indent, const char *text);

#endif
