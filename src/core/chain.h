/* chain.h — the audit log's hash chain.
 *
 * Each entry's hash is SHA-256 over the previous entry's hash and the
 * entry's own fields, each length-prefixed so no two different entries hash
 * the same input.  Editing or removing any entry breaks every later link. */
#ifndef JN_CHAIN_H
#define JN_CHAIN_H

#include <stdint.h>

#define CHAIN_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

typedef struct chain_fields {
	int64_t seq;
	const char *at, *actor, *action, *subject;
	const char *before, *after; /* NULL allowed (hashed as absent, unlike "") */
} chain_fields;

/* Writes the 64 lower-case hex digits and a NUL into out. */
void chain_hash(const char *prev_hex, const chain_fields *f, char out[65]);

#endif
