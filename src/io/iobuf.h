/* iobuf.h — what the table readers share: a growing byte buffer and the
 * Chinese error message they hand back.  Internal to src/io/. */
#ifndef JN_IOBUF_H
#define JN_IOBUF_H

#include <stddef.h>

typedef struct iobuf {
	char *p;
	size_t len, cap;
} iobuf;

/* Makes room for n more bytes; 0 on success, -1 out of memory. */
int iobuf_reserve(iobuf *b, size_t n);

/* Formats into err (when given) — the reason a reader stopped. */
void io_set_err(char *err, size_t errcap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
