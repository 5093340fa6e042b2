// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sf_array.h"

int sf_grow(void **ptr, size_t need, size_t *cap, size_t elem)
{
	size_t ncap = *cap ? *cap : 8;
	void *p;

	if (need <= *cap)
		return 0;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			goto nomem;
		ncap *= 2;
	}
	if (ncap > SIZE_MAX / elem)
		goto nomem;
	p = realloc(*ptr, ncap * elem);
	if (!p)
		goto nomem;
	memset((char *)p + *cap * elem, 0, (ncap - *cap) * elem);
	*ptr = p;
	*cap = ncap;
	return 0;
nomem:
	errno = ENOMEM;
	return -1;
}
