/* text.c — UTF-8 checking and the normalisation every stored text goes
 * through: well-formed UTF-8, trimmed, no control characters, Unicode NFC
 * (via libutf8proc), and for people's names collapsed spaces and one middle
 * dot (U+00B7).  Pure functions: no I/O. */
#include "text.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

size_t utf8_decode(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	if (len == 0) {
		*cp = 0;
		return 0;
	}
	uint32_t c = p[0];
	*cp = c;
	if (c < 0x80)
		return 1;
	size_t n;
	uint32_t min;
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		min = 0x80;
		c &= 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		min = 0x800;
		c &= 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		min = 0x10000;
		c &= 0x07;
	} else {
		return 0; /* continuation byte, C0/C1 overlong lead, or F5..FF */
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return n;
}

int utf8_valid(const char *s, size_t len)
{
	if (!s)
		return len == 0;
	size_t i = 0;
	while (i < len) {
		uint32_t cp;
		size_t n = utf8_decode(s + i, len - i, &cp);
		if (n == 0)
			return 0;
		i += n;
	}
	return 1;
}

size_t utf8_length(const char *s, size_t len)
{
	size_t n = 0;
	if (!s)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			n++;
	return n;
}

/* Spaces trimmed from both ends (and, in names, collapsed inside). */
static int is_space_cp(uint32_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' ||
	       c == 0x3000 || c == 0x00A0;
}

static int is_control_cp(uint32_t c)
{
	return c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F);
}

/* Middle-dot look-alikes written in names, all mapped to U+00B7. */
static int is_dot_cp(uint32_t c)
{
	return c == '.' || c == 0x2022 || c == 0x30FB || c == 0x2027 || c == 0xFF0E || c == 0xFF65;
}

static size_t put_utf8(char *dst, uint32_t c)
{
	if (c < 0x80) {
		dst[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		dst[0] = (char)(0xC0 | (c >> 6));
		dst[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		dst[0] = (char)(0xE0 | (c >> 12));
		dst[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		dst[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	dst[0] = (char)(0xF0 | (c >> 18));
	dst[1] = (char)(0x80 | ((c >> 12) & 0x3F));
	dst[2] = (char)(0x80 | ((c >> 6) & 0x3F));
	dst[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

/* Shared pipeline.  max_chars == 0 means no limit. */
static text_status normalize(const char *s, size_t len, size_t max_chars, int name, char **out)
{
	*out = NULL;
	if (!s || len == 0)
		return TEXT_EMPTY;
	if (!utf8_valid(s, len))
		return TEXT_UTF8;

	/* Trim: find the first and one-past-last non-space code points. */
	size_t start = 0, end = 0, i = 0;
	int seen = 0;
	while (i < len) {
		uint32_t c;
		size_t n = utf8_decode(s + i, len - i, &c);
		if (!is_space_cp(c)) {
			if (!seen)
				start = i;
			seen = 1;
			end = i + n;
		}
		i += n;
	}
	if (!seen)
		return TEXT_EMPTY;

	/* Controls inside the trimmed text are refused (tab and newline too). */
	for (i = start; i < end;) {
		uint32_t c;
		size_t n = utf8_decode(s + i, end - i, &c);
		if (is_control_cp(c))
			return TEXT_CONTROL;
		i += n;
	}

	/* Copy, applying the name rules.  Mapping never lengthens by more than
	 * the 2 bytes of U+00B7 for a 1-byte '.', so 2 * n bounds it. */
	size_t span = end - start;
	char *buf = malloc(span * 2 + 1);
	if (!buf)
		return TEXT_UTF8; /* no better status exists for out-of-memory */
	size_t w = 0;
	int in_space = 0;
	for (i = start; i < end;) {
		uint32_t c;
		size_t n = utf8_decode(s + i, end - i, &c);
		if (name && is_space_cp(c)) {
			if (!in_space)
				buf[w++] = ' ';
			in_space = 1;
		} else if (name && is_dot_cp(c)) {
			w += put_utf8(buf + w, 0x00B7);
			in_space = 0;
		} else {
			memcpy(buf + w, s + i, n);
			w += n;
			in_space = 0;
		}
		i += n;
	}
	buf[w] = '\0';

	utf8proc_uint8_t *nfc = NULL;
	utf8proc_ssize_t r = utf8proc_map((const utf8proc_uint8_t *)buf, (utf8proc_ssize_t)w, &nfc,
					  UTF8PROC_COMPOSE | UTF8PROC_STABLE);
	free(buf);
	if (r < 0 || !nfc) {
		free(nfc);
		return TEXT_UTF8;
	}
	if (max_chars && utf8_length((const char *)nfc, (size_t)r) > max_chars) {
		free(nfc);
		return TEXT_TOO_LONG;
	}
	*out = (char *)nfc;
	return TEXT_OK;
}

text_status text_normalize(const char *s, size_t len, size_t max_chars, char **out)
{
	return normalize(s, len, max_chars, 0, out);
}

/* Han ideographs (and their extensions) and the middle dot of names. */
static int is_han_or_dot(uint32_t cp)
{
	return cp == 0xB7 || (cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
	       (cp >= 0x20000 && cp <= 0x3FFFF);
}

/* In Chinese names a space is padding, not part of the name: clerks type
 * "张　三" to line two-character names up with three-character ones.  A
 * space next to a Han character or the middle dot goes; a space between
 * two Latin words ("José Smith") stays. */
static void drop_padding_spaces(char *s)
{
	char *o = s;
	for (char *c = s; *c; c++) {
		if (*c == ' ') {
			uint32_t prev = 0, next = 0;
			char *p = o;
			while (p > s && ((unsigned char)p[-1] & 0xC0) == 0x80)
				p--;
			if (p > s)
				utf8_decode(p - 1, (size_t)(o - p + 1), &prev);
			utf8_decode(c + 1, strnlen(c + 1, 4), &next);
			if (is_han_or_dot(prev) || is_han_or_dot(next))
				continue;
		}
		*o++ = *c;
	}
	*o = '\0';
}

text_status text_normalize_name(const char *s, size_t len, size_t max_chars, char **out)
{
	text_status st = normalize(s, len, max_chars, 1, out);
	if (st == TEXT_OK)
		drop_padding_spaces(*out);
	return st;
}

const char *text_status_code(text_status st)
{
	switch (st) {
	case TEXT_OK: return "ok";
	case TEXT_EMPTY: return "text_empty";
	case TEXT_UTF8: return "text_bad_utf8";
	case TEXT_CONTROL: return "text_control_char";
	case TEXT_TOO_LONG: return "text_too_long";
	}
	return "text_invalid";
}

const char *text_status_message(text_status st)
{
	switch (st) {
	case TEXT_OK: return "正确";
	case TEXT_EMPTY: return "内容不能为空";
	case TEXT_UTF8: return "文字编码有误（不是有效的UTF-8），请检查文件编码";
	case TEXT_CONTROL: return "含有控制字符（如制表符、换行符），请删除后重试";
	case TEXT_TOO_LONG: return "内容超过长度限制";
	}
	return "内容无效";
}
