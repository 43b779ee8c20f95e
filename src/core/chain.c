/* chain.c — SHA-256 links of the audit log (see chain.h). */
#include "core/chain.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static void put(crypto_hash_sha256_state *st, const char *s)
{
	char len[24];
	int n = s ? snprintf(len, sizeof len, "%zu:", strlen(s)) : snprintf(len, sizeof len, "-:");
	crypto_hash_sha256_update(st, (const unsigned char *)len, (unsigned long long)n);
	if (s)
		crypto_hash_sha256_update(st, (const unsigned char *)s, strlen(s));
}

void chain_hash(const char *prev_hex, const chain_fields *f, char out[65])
{
	crypto_hash_sha256_state st;
	unsigned char h[crypto_hash_sha256_BYTES];
	char seq[24];
	snprintf(seq, sizeof seq, "%lld", (long long)f->seq);
	crypto_hash_sha256_init(&st);
	put(&st, prev_hex);
	put(&st, seq);
	put(&st, f->at);
	put(&st, f->actor);
	put(&st, f->action);
	put(&st, f->subject);
	put(&st, f->before);
	put(&st, f->after);
	crypto_hash_sha256_final(&st, h);
	sodium_bin2hex(out, 65, h, sizeof h);
}
