// SPDX-License-Identifier: MIT
/* Temporary stub until the guest helper lands the real one. */
#include <stdio.h>
#include <string.h>
#include "vm.h"

bool sf_vm_target(const char *target)
{
	return !strncmp(target, "vm:", 3);
}

int sf_vm_fs(const char *target, const char **fs, char *err, size_t errlen)
{
	*fs = target + 3;
	return 0;
}

int sf_vm_run(const char *target, const struct sf_vm_opts *o,
	      const struct sf_vm_job *jobs, int njobs, const char *outdir,
	      char *err, size_t errlen)
{
	snprintf(err, errlen, "guest targets not built yet");
	return -1;
}
