/* iobuf.c — the growing buffer and error message shared by the readers. */
#include "io/iobuf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int iobuf_reserve(iobuf *b, size_t n)
{
	if (b->cap - b->len >= n)
		return 0;
	size_t ncap = b->cap ? b->cap : 4096;
	while (ncap - b->len < n) {
		if (ncap > SIZE_MAX / 2)
			return -1;
		ncap *= 2;
	}
	char *np = realloc(b->p, ncap);
	if (!np)
		return -1;
	b->p = np;
	b->cap = ncap;
	return 0;
}

void io_set_err(char *err, size_t errcap, const char *fmt, ...)
{
	if (!err || errcap == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errcap, fmt, ap);
	va_end(ap);
}
