// SPDX-License-Identifier: MIT
#include <stdio.h>

#include "cli.h"
#include "sf_guest_targets.h"

/* `syncfault vm-recipe vm:NAME`: the guest init evals it (scripts/vm/init). */
int cmd_vm_recipe(int argc, char **argv)
{
	const struct sf_guest_target *g = argc == 2 ? sf_guest_target_find(argv[1]) : NULL;

	if (!g)
		return sf_usage_error("vm-recipe: give one of %s", sf_guest_target_names());
	sf_guest_target_recipe(stdout, g);
	return 0;
}
