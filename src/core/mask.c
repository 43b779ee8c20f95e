/* mask.c — the masked forms list views show of ID numbers, phones and names.
 * Works on code points (a CJK character is masked as one '*'), never reads
 * past the input's NUL, always NUL-terminates, and truncates on whole
 * characters when out is small.  When an input is too short for its usual
 * mask, everything but its first character is masked. */
#include "mask.h"

#include <stdint.h>
#include <string.h>

#include "text.h"

typedef struct sink {
	char *out;
	size_t cap;
	size_t w;
	int full; /* stop once a character did not fit */
} sink;

static void put(sink *k, const char *p, size_t n)
{
	if (k->full || k->w + n >= k->cap) {
		k->full = 1;
		return;
	}
	memcpy(k->out + k->w, p, n);
	k->w += n;
	k->out[k->w] = '\0';
}

/* Length of the character at p (ill-formed bytes count as one each). */
static size_t char_len(const char *p, size_t len)
{
	uint32_t cp;
	size_t n = utf8_decode(p, len, &cp);
	return n ? n : 1;
}

static size_t count_chars(const char *p, size_t len)
{
	size_t c = 0;
	for (size_t i = 0; i < len; c++)
		i += char_len(p + i, len - i);
	return c;
}

/* Writes p[0..len) keeping head characters and tail characters. */
static void mask_span(sink *k, const char *p, size_t len, size_t head, size_t tail)
{
	size_t n = count_chars(p, len);
	if (n < head + tail + 1) {
		head = 1;
		tail = 0;
	}
	size_t idx = 0;
	for (size_t i = 0; i < len; idx++) {
		size_t cl = char_len(p + i, len - i);
		if (idx < head || idx >= n - tail)
			put(k, p + i, cl);
		else
			put(k, "*", 1);
		i += cl;
	}
}

static int start(sink *k, const char *in, char *out, size_t cap)
{
	k->out = out;
	k->cap = cap;
	k->w = 0;
	k->full = 0;
	if (!out || cap == 0)
		return 0;
	out[0] = '\0';
	return in != NULL;
}

void mask_id(const char *id, char *out, size_t cap)
{
	sink k;
	if (start(&k, id, out, cap))
		mask_span(&k, id, strlen(id), 6, 4);
}

void mask_phone(const char *phone, char *out, size_t cap)
{
	sink k;
	if (!start(&k, phone, out, cap))
		return;
	size_t len = strlen(phone);
	const char *dash = memchr(phone, '-', len);
	if (!dash) {
		mask_span(&k, phone, len, 3, 4);
		return;
	}
	/* Landline: area code shown, local number masked but its last 4,
	 * extension shown. */
	size_t area = (size_t)(dash - phone) + 1;
	put(&k, phone, area);
	const char *rest = phone + area;
	size_t rlen = len - area;
	const char *dash2 = memchr(rest, '-', rlen);
	size_t local = dash2 ? (size_t)(dash2 - rest) : rlen;
	mask_span(&k, rest, local, 0, 4);
	if (local < rlen)
		put(&k, rest + local, rlen - local);
}

void mask_name(const char *name, char *out, size_t cap)
{
	sink k;
	if (start(&k, name, out, cap))
		mask_span(&k, name, strlen(name), 1, 1);
}
