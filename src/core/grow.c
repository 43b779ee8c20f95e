/* grow.c — see grow.h. */
#include "core/grow.h"

#include <stdlib.h>
#include <string.h>

int grow_push(void **arr, int *n, int *cap, const void *item, size_t size)
{
	if (*n == *cap) {
		int ncap = *cap ? *cap * 2 : 16;
		void *na = realloc(*arr, size * (size_t)ncap);
		if (!na)
			return -1;
		*arr = na;
		*cap = ncap;
	}
	memcpy((char *)*arr + size * (size_t)*n, item, size);
	(*n)++;
	return 0;
}
