// SPDX-License-Identifier: MIT
/* Placeholder: replaced by the real subcommand. */
#include <stdio.h>
#include "cli.h"

int cmd_crashtest(int argc, char **argv)
{
	fprintf(stderr, "syncfault crashtest: not written yet\n");
	return 2;
}
