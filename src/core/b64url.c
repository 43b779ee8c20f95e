/* b64url.c — base64url without padding over libsodium's constant-time
 * codec (see b64url.h).  Constant time matters because secret keys pass
 * through here on their way to and from the key files. */
#include "core/b64url.h"

#include <sodium.h>
#include <stdlib.h>

#define VARIANT sodium_base64_VARIANT_URLSAFE_NO_PADDING

size_t b64url_encoded_len(size_t n)
{
	return n / 3 * 4 + (n % 3 ? n % 3 + 1 : 0);
}

size_t b64url_decoded_len(size_t len)
{
	return len / 4 * 3 + (len % 4 ? len % 4 - 1 : 0);
}

long b64url_encode(const void *in, size_t n, char *out, size_t cap)
{
	size_t need = b64url_encoded_len(n);
	/* libsodium's own bound (sodium_base64_ENCODED_LEN) is what it checks. */
	if (cap < need + 1 || cap < sodium_base64_ENCODED_LEN(n, VARIANT))
		return -1;
	sodium_bin2base64(out, cap, in, n, VARIANT);
	return (long)need;
}

char *b64url_encode_alloc(const void *in, size_t n)
{
	size_t cap = sodium_base64_ENCODED_LEN(n, VARIANT);
	char *out = malloc(cap);
	if (out)
		b64url_encode(in, n, out, cap);
	return out;
}

long b64url_decode(const char *in, size_t len, unsigned char *out, size_t cap)
{
	/* A lone last character carries 6 bits, not a byte: never a valid
	 * encoding.  libsodium refuses it too; saying so here keeps the rule
	 * visible. */
	if (len % 4 == 1)
		return -1;
	size_t got = 0;
	const char *end = NULL;
	/* ignore = NULL: no whitespace allowed.  libsodium stops at the first
	 * character outside the alphabet and says where in end: anything left
	 * over means a bad character. */
	if (sodium_base642bin(out, cap, in, len, NULL, &got, &end, VARIANT) != 0)
		return -1;
	if (end != in + len)
		return -1;
	return (long)got;
}
