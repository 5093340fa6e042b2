// SPDX-License-Identifier: MIT
/*
 * The phase map for one filesystem and kernel: rows of the table that
 * apply, user rows (--attribute-fn), rows dropped where the running kernel
 * cannot trace them; the names of phases, events and task roles.
 */
#include <stdio.h>
#include <string.h>

#include "sf_attrib_map.h"

static const char *const phase_names[SF_PH_N] = {
	[SF_PH_LOCK] = "mmap_lock wait",
	[SF_PH_ALLOC] = "allocation",
	[SF_PH_ZERO] = "zeroing",
	[SF_PH_TIME] = "time update",
	[SF_PH_HANDLE] = "journal handle",
	[SF_PH_JOURNAL] = "journal commit",
	[SF_PH_WRITEBACK] = "writeback",
	[SF_PH_INSERT] = "page-table insert",
	[SF_PH_OTHER] = "other",
};

/* Short names for --attribute-fn PHASE=FUNCTION. */
static const char *const phase_keys[SF_PH_N] = {
	"lock", "allocation", "zeroing", "time", "handle", "journal", "writeback", "insert", "other",
};

static const char *const kind_names[SF_EV_NKINDS] = { "fault", "msync", "fsync" };

static const char *const role_names[SF_TASK_NROLES] = { "any", "faulter", "locker" };

const char *sf_phase_name(int phase)
{
	return phase >= 0 && phase < SF_PH_N ? phase_names[phase] : "?";
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
		if (!strcmp(name, phase_keys[i]) || !strcmp(name, phase_names[i]))
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

int sf_attrib_map_add(struct sf_attrib_map *m, const char *spec, char *err, size_t errlen)
{
	const char *eq = strchr(spec, '=');
	char phase[32];
	int ph;

	if (!eq || eq == spec || !eq[1] || (size_t)(eq - spec) >= sizeof(phase) ||
	    strlen(eq + 1) >= sizeof(m->names[0])) {
		snprintf(err, errlen, "--attribute-fn '%s': expected PHASE=FUNCTION, e.g. journal=jbd2_log_wait_commit",
			 spec);
		return -1;
	}
	snprintf(phase, sizeof(phase), "%.*s", (int)(eq - spec), spec);
	ph = sf_phase_find(phase);
	if (ph < 0 || ph == SF_PH_OTHER) {
		snprintf(err, errlen, "--attribute-fn '%s': unknown phase '%s': use lock, allocation, zeroing, time, handle, journal, writeback or insert",
			 spec, phase);
		return -1;
	}
	if (m->n == SF_ATTRIB_MAX_FNS) {
		snprintf(err, errlen, "--attribute-fn: too many functions");
		return -1;
	}
	snprintf(m->names[m->n], sizeof(m->names[0]), "%s", eq + 1);
	m->fn[m->n] = (struct sf_phase_fn){ m->names[m->n], ph == SF_PH_LOCK ? SF_ROLE_PREFIX :
					    ph == SF_PH_HANDLE ? SF_ROLE_OUTER : SF_ROLE_PHASE,
					    ph, SF_FS_ANY, 0, 0 };
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
	for (int i = 0; i < m->n; i++)
		if (m->fn[i].role != SF_ROLE_ROOT && m->fn[i].phase == phase)
			return true;
	return false;
}
