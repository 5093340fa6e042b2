// SPDX-License-Identifier: MIT
/*
 * One line of a function_graph text trace, as tracefs prints it with the
 * options funcgraph-proc and funcgraph-tail (funcgraph-abstime optional):
 *    TIME | CPU)  COMM-PID | DURATION | name() {
 *    TIME | CPU)  COMM-PID | DURATION | } /+ name +/
 *    TIME | CPU)  COMM-PID | DURATION | name();
 *    TIME | CPU)  COMM-PID |          | /+ sf: begin +/
 * plus headers, context-switch banners and "LOST n EVENTS" lines.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sf_attrib_fold.h"

/* "+ 12.345 us" -> 12.345; NAN when the field has no duration. */
static double parse_duration(const char *p, const char *end)
{
	while (p < end && !isdigit((unsigned char)*p))
		p++;
	if (p == end)
		return NAN;
	return strtod(p, NULL);
}

/* The PID in "  1)  syncfau-158  ": digits after the last '-'. */
static int parse_pid(const char *p, const char *end)
{
	const char *dash = NULL;

	for (const char *q = p; q < end; q++)
		if (*q == '-')
			dash = q;
	if (!dash || !isdigit((unsigned char)dash[1]))
		return -1;
	return atoi(dash + 1);
}

/* Split a trace line into its task, duration and function fields. */
static int split_line(const char *line, const char *end, const char **task, const char **task_end,
		      const char **dur, const char **func)
{
	const char *bar[4];
	int n = 0;

	for (const char *p = line; p < end && n < 4; p++)
		if (*p == '|')
			bar[n++] = p;
	if (n < 2)
		return -1;
	/* with abstime: TIME | CPU) TASK | DUR | FUNC; without: CPU) TASK | DUR | FUNC */
	if (n >= 3 && memchr(line, ')', (size_t)(bar[0] - line)) == NULL) {
		*task = bar[0] + 1;
		*task_end = bar[1];
		*dur = bar[1] + 1;
		*func = bar[2] + 1;
		return 0;
	}
	*task = line;
	*task_end = bar[0];
	*dur = bar[0] + 1;
	*func = bar[1] + 1;
	return 0;
}

/* The function field [func, fe): an open, a close, a leaf or a marker. */
static void parse_func(const char *func, const char *fe, struct sf_trace_line *out)
{
	if (!strncmp(func, "/*", 2)) {
		out->kind = SF_TL_MARKER;
		out->name = func;
		out->len = (size_t)(fe - func);
	} else if (*func == '}') {
		const char *tail = memmem(func, (size_t)(fe - func), "/* ", 3);

		out->kind = SF_TL_CLOSE;
		if (tail) {
			out->name = tail + 3;
			out->len = strcspn(out->name, " *");
		}
	} else if (fe - func > 3 && !strncmp(fe - 3, ") {", 3)) {
		const char *paren = memchr(func, '(', (size_t)(fe - func));

		out->kind = SF_TL_OPEN;
		out->name = func;
		out->len = (size_t)(paren - func);
	} else if (fe - func > 3 && !strncmp(fe - 3, "();", 3)) {
		out->kind = SF_TL_LEAF;
		out->name = func;
		out->len = (size_t)(fe - 3 - func);
	} else {
		out->kind = SF_TL_UNPARSED;
	}
}

void sf_trace_parse_line(const char *line, const char *end, struct sf_trace_line *out)
{
	const char *task, *task_end, *dur, *func, *fe, *lost;
	size_t len = (size_t)(end - line);

	memset(out, 0, sizeof(*out));
	out->dur_us = NAN;
	out->pid = -1;
	if (line == end || *line == '#')
		return;
	lost = memmem(line, len, "LOST", 4);
	if (lost && memmem(line, len, "EVENTS", 6)) {
		out->kind = SF_TL_LOST;
		out->lost = (size_t)strtoul(lost + 4, NULL, 10);
		return;
	}
	if (split_line(line, end, &task, &task_end, &dur, &func)) {
		/* context-switch banners ("---", " 1) a-1 => b-2") carry no event */
		out->kind = memchr(line, '-', len) || memchr(line, '=', len) ? SF_TL_BANNER : SF_TL_UNPARSED;
		return;
	}
	out->pid = parse_pid(task, task_end);
	while (func < end && *func == ' ')
		func++;
	fe = end;
	while (fe > func && isspace((unsigned char)fe[-1]))
		fe--;
	if (out->pid < 0 || func == fe) {
		out->kind = SF_TL_UNPARSED;
		return;
	}
	out->dur_us = parse_duration(dur, func);
	parse_func(func, fe, out);
}
