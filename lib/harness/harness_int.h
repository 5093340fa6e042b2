/* SPDX-License-Identifier: MIT */
/*
 * What harness.c (forking, judging and repeating) and repeat_wire.c (a
 * repeat's result through its pipe) share.
 */
#ifndef SF_HARNESS_INT_H
#define SF_HARNESS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>

#include "sf_disturb.h"
#include "sf_harness.h"

/* Child: run one repeat of b and send its result down fd (then it exits). */
void sf_wire_child_run(const struct sf_bench *b, struct sf_ctx *ctx, int fd);
/* Parent: everything the child wrote (malloc'd; NULL if nothing). */
char *sf_wire_read_all(int fd, size_t *len);
/* The JSON header at the start of buf (NULL if none), *off past it. */
json_object *sf_wire_header_of(const char *buf, size_t len, size_t *off);
/* The measured window the child's header states, for the disturbance judge. */
bool sf_wire_window_from(const struct sf_bench *b, json_object *h, struct sf_window *w);
/* Merge repeat rep of nrep from buf into res: 0, or -1 if it is malformed. */
int sf_wire_merge_repeat(struct sf_result *res, const char *buf, size_t len, int rep, int nrep);

#endif
