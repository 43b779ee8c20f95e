/* b64url.h — base64url without padding (RFC 4648 §5, as JOSE uses it).
 *
 * Decoding is strict: only A–Z a–z 0–9 - _, no padding, no whitespace, no
 * length that leaves a lone character, and the unused low bits of the last
 * character must be zero.  So every byte string has exactly one encoding,
 * and a changed character never decodes to the same bytes (a signature
 * cannot be re-spelled). */
#ifndef JN_B64URL_H
#define JN_B64URL_H

#include <stddef.h>

/* Characters the encoding of n bytes takes (without the NUL). */
size_t b64url_encoded_len(size_t n);

/* Encodes n bytes into out with a NUL; cap must be at least
 * b64url_encoded_len(n) + 1.  Returns the length, or -1 when cap is short. */
long b64url_encode(const void *in, size_t n, char *out, size_t cap);

/* The same into a malloc'd string (caller frees); NULL when out of memory. */
char *b64url_encode_alloc(const void *in, size_t n);

/* Decodes len characters into out (cap bytes).  Returns the number of
 * bytes, or -1 on a bad character, a bad length, non-zero spare bits, or
 * when the result does not fit in cap. */
long b64url_decode(const char *in, size_t len, unsigned char *out, size_t cap);

/* Bytes the decoding of len valid characters gives (for sizing buffers). */
size_t b64url_decoded_len(size_t len);

#endif
