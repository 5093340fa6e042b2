// SPDX-License-Identifier: MIT
/*
 * The phase map for one filesystem and kernel: rows of the table that
 * apply, user rows (--attribute-fn), rows dropped where the running kernel
 * cannot trace them; the names of phases, events and task roles.
 */
#include <stdio.h>
#include <string.h>

#include "sf_attrib_map.h"

/* A phase's name (results, reports) and its key for --attribute-fn PHASE=FUNCTION. */
struct phase_info {
	const char *name, *key;
	bool user;		/* a user row may feed it */
};

static const struct phase_info phases[SF_PH_N] = {
	[SF_PH_VMA_LOCK] = { "VMA lock", "vma-lock", true },
	[SF_PH_VMA_RETRY] = { "VMA-lock retry", "vma-retry", false },
	[SF_PH_MMAP_LOCK] = { "mmap_lock", "mmap-lock", true },
	[SF_PH_LOCK_WAIT] = { "lock wait", "lock-wait", true },
	[SF_PH_HANDLER] = { "fs fault handler", "handler", true },
	[SF_PH_INVAL_LOCK] = { "invalidate lock", "invalidate", true },
	[SF_PH_TIME] = { "time update", "time", true },
	[SF_PH_HANDLE] = { "journal handle", "handle", true },
	[SF_PH_DAX] = { "DAX fault", "dax", true },
	[SF_PH_LOOKUP] = { "block-map lookup", "lookup", true },
	[SF_PH_ALLOC] = { "allocation", "allocation", true },
	[SF_PH_ZERO] = { "zeroing", "zeroing", true },
	[SF_PH_ENTRY_WAIT] = { "DAX entry wait", "entry-wait", true },
	[SF_PH_ENTRY] = { "DAX entry", "entry", true },
	[SF_PH_INSERT] = { "page-table insert", "insert", true },
	[SF_PH_SYNC] = { "MAP_SYNC finish", "sync", true },
	[SF_PH_FSYNC] = { "fsync", "fsync", true },
	[SF_PH_WRITEBACK] = { "writeback", "writeback", true },
	[SF_PH_JOURNAL] = { "journal commit", "journal", true },
	[SF_PH_OTHER] = { "other", "other", false },
};

static const char *const kind_names[SF_EV_NKINDS] = { "fault", "msync", "fsync" };

static const char *const role_names[SF_TASK_NROLES] = { "any", "faulter", "locker" };

const char *sf_phase_name(int phase)
{
	return phase >= 0 && phase < SF_PH_N ? phases[phase].name : "?";
}

const char *sf_phase_key(int phase)
{
	return phase >= 0 && phase < SF_PH_N ? phases[phase].key : "?";
}

const char *sf_ev_kind_name(int kind)
{
	if (kind == SF_EV_LOCKOP)
		return "mmap_lock op";
	return kind >= 0 && kind < SF_EV_NKINDS ? kind_names[kind] : "?";
}

const char *sf_task_role_name(int role)
{
	return role >= 0 && role < SF_TASK_NROLES ? role_names[role] : "?";
}

int sf_phase_find(const char *name)
{
	for (int i = 0; i < SF_PH_N; i++)
		if (!strcmp(name, phases[i].key) || !strcmp(name, phases[i].name))
			return i;
	return -1;
}

int sf_kernel_version(const char *release)
{
	int major, minor;

	if (!release || sscanf(release, "%d.%d", &major, &minor) != 2)
		return 0;
	return major * 100 + minor;
}

unsigned int sf_attrib_fs(const char *fs)
{
	if (fs && !strcmp(fs, "ext4"))
		return SF_FS_EXT4;
	if (fs && !strcmp(fs, "xfs"))
		return SF_FS_XFS;
	return 0;
}

void sf_attrib_map_build(struct sf_attrib_map *m, unsigned int fs, int kver, bool roles)
{
	size_t nrows;
	const struct sf_phase_fn *table = sf_attrib_table(&nrows);

	m->n = 0;
	for (size_t i = 0; i < nrows; i++) {
		const struct sf_phase_fn *r = &table[i];

		if (r->task && !roles)
			continue;	/* no task has that role: not traced at all */
		if (r->fs && !(r->fs & fs) && fs)
			continue;
		if (!fs && r->fs != SF_FS_ANY)
			continue;	/* another filesystem: only the common rows */
		if (kver && ((r->since && kver < r->since) || (r->until && kver >= r->until)))
			continue;
		m->fn[m->n++] = *r;
	}
}

/* "vma-lock, mmap-lock, ..." : the keys a user row may name. */
static void user_keys(char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int p = 0; p < SF_PH_N && off < len; p++) {
		int w;

		if (!phases[p].user)
			continue;
		w = snprintf(buf + off, len - off, "%s%s", off ? ", " : "", phases[p].key);
		off += w > 0 ? (size_t)w : 0;
	}
}

int sf_attrib_map_add(struct sf_attrib_map *m, const char *spec, char *err, size_t errlen)
{
	const char *eq = strchr(spec, '=');
	char phase[32], keys[256];
	int ph;

	if (!eq || eq == spec || !eq[1] || (size_t)(eq - spec) >= sizeof(phase) ||
	    strlen(eq + 1) >= sizeof(m->names[0])) {
		snprintf(err, errlen, "--attribute-fn '%s': expected PHASE=FUNCTION, e.g. journal=jbd2_log_wait_commit",
			 spec);
		return -1;
	}
	snprintf(phase, sizeof(phase), "%.*s", (int)(eq - spec), spec);
	ph = sf_phase_find(phase);
	if (ph < 0 || !phases[ph].user) {
		user_keys(keys, sizeof(keys));
		snprintf(err, errlen, "--attribute-fn '%s': unknown phase '%s': use one of %s", spec, phase, keys);
		return -1;
	}
	if (m->n == SF_ATTRIB_MAX_FNS) {
		snprintf(err, errlen, "--attribute-fn: too many functions");
		return -1;
	}
	snprintf(m->names[m->n], sizeof(m->names[0]), "%s", eq + 1);
	m->fn[m->n] = (struct sf_phase_fn){ .fn = m->names[m->n], .role = SF_ROLE_PHASE, .phase = ph,
					    .fs = SF_FS_ANY, .why = "--attribute-fn" };
	m->n++;
	return 0;
}

void sf_attrib_map_drop(struct sf_attrib_map *m, int i)
{
	if (i < 0 || i >= m->n)
		return;
	for (int k = i; k + 1 < m->n; k++) {
		m->fn[k] = m->fn[k + 1];
		memcpy(m->names[k], m->names[k + 1], sizeof(m->names[k]));
		if (m->fn[k + 1].fn == m->names[k + 1])
			m->fn[k].fn = m->names[k];
	}
	m->n--;
}

bool sf_attrib_map_has_phase(const struct sf_attrib_map *m, int phase)
{
	if (phase == SF_PH_OTHER)
		return true;
	for (int i = 0; i < m->n; i++) {
		const struct sf_phase_fn *r = &m->fn[i];

		/* a retry is told by the per-VMA lock's row */
		if (phase == SF_PH_VMA_RETRY && r->role == SF_ROLE_PREFIX_VMA)
			return true;
		if (r->role != SF_ROLE_ROOT && r->phase == phase)
			return true;
	}
	return false;
}

/* The length of a traced name's function: "f.isra.0", "f [ext4]" -> "f". */
static size_t base_len(const char *name, size_t len)
{
	size_t b = 0;

	while (b < len && name[b] && name[b] != ' ' && name[b] != '.' && name[b] != '(')
		b++;
	return b;
}

int sf_attrib_map_row(const struct sf_attrib_map *m, const char *name, size_t len,
		      const char *parent, int task_role)
{
	size_t base = base_len(name, len), pbase = parent ? base_len(parent, strlen(parent)) : 0;

	for (int i = 0; i < m->n; i++) {
		const struct sf_phase_fn *r = &m->fn[i];

		if (strlen(r->fn) != base || strncmp(r->fn, name, base))
			continue;
		if (r->task && r->task != task_role)
			continue;	/* a row of a task role is no row in a task of another */
		if (r->within && (!parent || strlen(r->within) != pbase || strncmp(r->within, parent, pbase)))
			continue;
		return i;
	}
	return -1;
}
