// SPDX-License-Identifier: MIT
/*
 * How the report names what it shows: target kinds, labels of results from
 * the parameters that vary, and the partitions figures are drawn in.
 */
#include <stdio.h>
#include <string.h>

#include "report_int.h"
#include "sf_compare.h"
#include "sf_harness.h"
#include "sf_util.h"

/* How each emulator a result can name is shown. */
static const struct {
	const char *emulated, *label;
} emulators[] = {
	{ "qemu-tcg", "EMULATED (QEMU TCG)" },
	{ "qemu-kvm", "EMULATED (QEMU KVM)" },
};

const char *rp_emulated_label(const struct sf_target *t)
{
	if (!t->emulated[0])
		return "";
	for (size_t i = 0; i < sizeof(emulators) / sizeof(emulators[0]); i++)
		if (!strcmp(t->emulated, emulators[i].emulated))
			return emulators[i].label;
	return "EMULATED";
}

void rp_note_guests(struct report *rp)
{
	const struct sf_target *first = NULL;
	bool mixed = false;

	rp->several_guest_kernels = false;
	for (int i = 0; i < rp->n; i++) {
		const struct sf_target *t = &rp->res[i].target;

		if (!t->emulated[0])
			continue;
		if (!first)
			first = t;
		rp->several_guest_kernels |= strcmp(first->kernel, t->kernel) != 0;
		mixed |= strcmp(first->emulated, t->emulated) != 0;
	}
	rp->emu_title = mixed ? "EMULATED (QEMU TCG and KVM)" :
			first ? rp_emulated_label(first) : "EMULATED (QEMU TCG)";
	rp->emu_accel = mixed ? "TCG or KVM" : strstr(rp->emu_title, "KVM") ? "KVM" : "TCG";
}

void rp_target_kind(const struct report *rp, const struct sf_result *r, char *buf, size_t len)
{
	const struct sf_bench *b = sf_bench_find(r->bench);
	const char *mem = b && b->own_memory.param ? sf_result_param(r, b->own_memory.param) : NULL;
	char k[64];

	if (rp->several_guest_kernels && r->target.emulated[0]) {
		/* the series (6.12) keeps the table's target column narrow */
		const char *dot = strchr(r->target.kernel, '.');
		size_t rl = dot ? (size_t)(dot - r->target.kernel) + 1 +
			strspn(dot + 1, "0123456789") : strlen(r->target.kernel);

		sf_target_key(&r->target, k, sizeof(k));
		snprintf(buf, len, "%s-emulated@%.*s", k, (int)rl, r->target.kernel);
		return;
	}

	/* a point on memory of its own (flush on anonymous memory: DRAM), whatever the target */
	if (b && b->own_memory.param && mem && !strcmp(mem, b->own_memory.value)) {
		snprintf(buf, len, "%s%s", b->own_memory.label, r->target.emulated[0] ? "-emulated" : "");
		return;
	}
	sf_target_key(&r->target, k, sizeof(k));
	snprintf(buf, len, "%s%s", k, r->target.emulated[0] ? "-emulated" : "");
}

void rp_target_name(const struct sf_result *r, char *buf, size_t len)
{
	char k[64];

	sf_target_key(&r->target, k, sizeof(k));
	snprintf(buf, len, "%s%s", k, r->target.emulated[0] ? "-emulated" : "");
}

struct kind_of {
	const struct report *rp;
	const char *kind;
};

/* A result of the target kind arg names? */
static bool of_kind(const struct sf_result *r, const void *arg)
{
	const struct kind_of *k = arg;
	char tk[96];

	rp_target_kind(k->rp, r, tk, sizeof(tk));
	return !strcmp(tk, k->kind);
}

/*
 * Do the values of parameter k differ among the results of bench (of one
 * target kind, when kind is given)?
 */
static bool varies(const struct report *rp, const char *bench, const char *k,
		   const char *kind)
{
	struct kind_of ko = { rp, kind };

	return sf_param_varies(rp->res, rp->n, bench, k, kind ? of_kind : NULL, &ko, NULL);
}

void rp_label(const struct report *rp, const struct sf_result *r, const char *const *series,
	      bool of_series, const char *x, char *buf, size_t len)
{
	char kind[96];
	size_t off = 0;

	buf[0] = 0;
	rp_target_kind(rp, r, kind, sizeof(kind));
	for (int i = 0; i < r->nparams; i++) {
		const char *k = r->params[i].k, *v = r->params[i].v;
		bool in_series = series ? sf_in_list(k, series) : true;

		if ((x && !strcmp(k, x)) || in_series != of_series ||
		    !varies(rp, r->bench, k, rp->table ? NULL : kind))
			continue;
		if ((*v >= '0' && *v <= '9') || !of_series)
			off += snprintf(buf + off, off < len ? len - off : 0, "%s%s=%s",
					off ? " " : "", k, v);
		else
			off += snprintf(buf + off, off < len ? len - off : 0, "%s%s",
					off ? " " : "", v);
	}
}

void rp_partition(const struct report *rp, const struct sf_result *r, const char *const *series,
		  const char *x, char *buf, size_t len)
{
	char rest[256];

	rp_target_kind(rp, r, buf, len);
	if (!series)
		return;
	rp_label(rp, r, series, false, x, rest, sizeof(rest));
	if (rest[0])
		snprintf(buf + strlen(buf), len - strlen(buf), " %s", rest);
}

int rp_partitions(struct report *rp, const char *bench, const char *metric,
		  const char *const *series, const char *x, char parts[][256], int max)
{
	int np = 0;

	for (int i = 0; i < rp->n; i++) {
		struct sf_result *r = &rp->res[i];
		char p[256];
		bool seen = false;

		if (strcmp(r->bench, bench) || r->status != SF_OK ||
		    (metric && !sf_result_metric(r, metric)))
			continue;
		rp_partition(rp, r, series, x, p, sizeof(p));
		for (int k = 0; k < np && !seen; k++)
			seen = !strcmp(parts[k], p);
		if (!seen && np < max)
			snprintf(parts[np++], 256, "%s", p);
	}
	return np;
}

bool rp_in_partition(struct report *rp, struct sf_result *r, const char *bench,
		     const char *metric, const char *const *series, const char *x,
		     const char *part)
{
	char p[256];

	if (strcmp(r->bench, bench) || r->status != SF_OK || (metric && !sf_result_metric(r, metric)))
		return false;
	rp_partition(rp, r, series, x, p, sizeof(p));
	return !strcmp(p, part);
}
