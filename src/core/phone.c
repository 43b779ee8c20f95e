/* phone.c — Chinese mobile and landline numbers: the written forms people
 * use (+86 prefixes, spaces, dashes, parenthesised area codes, extensions
 * after '-' or '转') reduced to one normalised form. */
#include "phone.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "text.h"

#define MAX_DIGITS 32
#define MAX_GROUPS 16

enum { SEP_NONE = 0, SEP_SPACE, SEP_DASH, SEP_PAREN };

typedef struct scan {
	char d[MAX_DIGITS];  /* digits before any '转'                 */
	size_t nd;
	char ext[MAX_DIGITS];/* digits after '转'                      */
	size_t next;
	int has_ext;         /* a '转' was written                     */
	int plus;            /* a leading '+'                          */
	int overflow;        /* more digits than any valid number has  */
	size_t end[MAX_GROUPS]; /* groups of d: end offset of each      */
	int sep[MAX_GROUPS];    /* separator written before each group  */
	int ng;
	int too_many_groups;
} scan;

static int is_ascii_space(uint32_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static phone_status tokenize(const char *s, size_t len, scan *sc)
{
	int pending = SEP_NONE; /* strongest separator since the last digit */
	size_t group_start = 0;
	for (size_t i = 0; i < len;) {
		uint32_t c;
		size_t n = utf8_decode(s + i, len - i, &c);
		if (n == 0)
			return PHONE_CHAR;
		i += n;
		if (c >= '0' && c <= '9') {
			if (sc->has_ext) {
				if (sc->next < MAX_DIGITS)
					sc->ext[sc->next++] = (char)c;
				else
					sc->overflow = 1;
				continue;
			}
			/* A separator after some digits closes a group; the next
			 * group remembers which separator came before it. */
			if (pending != SEP_NONE && sc->nd > group_start) {
				if (sc->ng < MAX_GROUPS) {
					sc->end[sc->ng] = sc->nd;
					sc->ng++;
					if (sc->ng < MAX_GROUPS)
						sc->sep[sc->ng] = pending;
				} else {
					sc->too_many_groups = 1;
				}
				group_start = sc->nd;
			}
			pending = SEP_NONE;
			if (sc->nd < MAX_DIGITS)
				sc->d[sc->nd++] = (char)c;
			else
				sc->overflow = 1;
		} else if (is_ascii_space(c) || c == 0x3000) {
			if (pending == SEP_NONE)
				pending = SEP_SPACE;
		} else if (c == '-' || c == 0xFF0D) {
			if (pending != SEP_PAREN)
				pending = SEP_DASH;
		} else if (c == '(' || c == ')' || c == 0xFF08 || c == 0xFF09) {
			pending = SEP_PAREN;
		} else if (c == '+') {
			if (sc->plus || sc->nd || sc->has_ext)
				return PHONE_CHAR;
			sc->plus = 1;
		} else if (c == 0x8F6C) { /* 转 */
			if (sc->has_ext)
				return PHONE_LANDLINE;
			sc->has_ext = 1;
		} else {
			return PHONE_CHAR;
		}
	}
	if (sc->nd > group_start) {
		if (sc->ng < MAX_GROUPS)
			sc->end[sc->ng++] = sc->nd;
		else
			sc->too_many_groups = 1;
	}
	return PHONE_OK;
}

static void set_out(char *out, size_t cap, const char *s)
{
	if (out && cap)
		snprintf(out, cap, "%s", s);
}

phone_status phone_parse(const char *s, size_t len, char *out, size_t cap, phone_kind *kind)
{
	set_out(out, cap, "");
	if (kind)
		*kind = (phone_kind)0;
	if (!s)
		len = 0;
	while (len && is_ascii_space((unsigned char)s[0])) {
		s++;
		len--;
	}
	while (len && is_ascii_space((unsigned char)s[len - 1]))
		len--;
	if (len == 0)
		return PHONE_EMPTY;

	scan sc;
	memset(&sc, 0, sizeof sc);
	phone_status st = tokenize(s, len, &sc);
	if (st != PHONE_OK)
		return st;
	if (sc.nd == 0 && !sc.plus && !sc.has_ext && sc.next == 0)
		return PHONE_EMPTY;

	/* Country prefix. */
	size_t off = 0;
	int intl = 0;
	if (sc.plus) {
		if (sc.nd < 2 || sc.d[0] != '8' || sc.d[1] != '6')
			return PHONE_MOBILE; /* foreign numbers are not taken */
		off = 2;
		intl = 1;
	} else if (sc.nd >= 4 && memcmp(sc.d, "0086", 4) == 0) {
		off = 4;
		intl = 1;
	} else if (sc.nd == 13 && memcmp(sc.d, "861", 3) == 0) {
		off = 2;
		intl = 1;
	}
	const char *r = sc.d + off;
	size_t nr = sc.nd - off;

	/* Mobile numbers start 1; from abroad Beijing's 10 does too, but no
	 * mobile number starts 10. */
	if (nr > 0 && r[0] == '1' && !(intl && nr > 1 && r[1] == '0')) {
		if (sc.has_ext || sc.overflow || nr != 11 || r[1] < '3')
			return PHONE_MOBILE;
		char buf[12];
		memcpy(buf, r, 11);
		buf[11] = '\0';
		set_out(out, cap, buf);
		if (kind)
			*kind = PHONE_KIND_MOBILE;
		return PHONE_OK;
	}

	/* Landline.  From abroad the area code's leading 0 is dropped. */
	if (sc.overflow || sc.too_many_groups || nr == 0)
		return PHONE_LANDLINE;
	char full[MAX_DIGITS + 1];
	size_t nf = 0;
	if (intl && r[0] != '0')
		full[nf++] = '0';
	memcpy(full + nf, r, nr);
	nf += nr;
	if (full[0] != '0' || nf < 3 || full[1] == '0')
		return PHONE_LANDLINE;
	size_t area = ((full[1] == '1' && full[2] == '0') || full[1] == '2') ? 3 : 4;
	if (nf <= area)
		return PHONE_LANDLINE;

	/* An area code written apart must be the whole area code. */
	if (!intl && sc.ng >= 2 && sc.end[0] != area && sc.end[0] < area + 7)
		return PHONE_LANDLINE;

	size_t local = nf - area;
	const char *ext = NULL;
	size_t next = 0;
	if (sc.has_ext) {
		ext = sc.ext;
		next = sc.next;
	} else if (local > 8 && sc.ng >= 2 && sc.sep[sc.ng - 1] == SEP_DASH &&
		   sc.end[sc.ng - 2] > off) {
		/* "0877-2012345-801": the last dash-separated group is the extension. */
		next = sc.end[sc.ng - 1] - sc.end[sc.ng - 2];
		ext = full + nf - next;
		local -= next;
	}
	if (local < 7 || local > 8 || full[area] == '0' || full[area] == '1')
		return PHONE_LANDLINE;
	if (ext && (next < 1 || next > 6))
		return PHONE_LANDLINE;

	char buf[48];
	if (ext)
		snprintf(buf, sizeof buf, "%.*s-%.*s-%.*s", (int)area, full, (int)local, full + area,
			 (int)next, ext);
	else
		snprintf(buf, sizeof buf, "%.*s-%.*s", (int)area, full, (int)local, full + area);
	set_out(out, cap, buf);
	if (kind)
		*kind = PHONE_KIND_LANDLINE;
	return PHONE_OK;
}

const char *phone_status_code(phone_status st)
{
	switch (st) {
	case PHONE_OK: return "ok";
	case PHONE_EMPTY: return "phone_empty";
	case PHONE_CHAR: return "phone_bad_char";
	case PHONE_MOBILE: return "phone_bad_mobile";
	case PHONE_LANDLINE: return "phone_bad_landline";
	}
	return "phone_invalid";
}

const char *phone_status_message(phone_status st)
{
	switch (st) {
	case PHONE_OK: return "电话号码正确";
	case PHONE_EMPTY: return "未填写电话号码";
	case PHONE_CHAR: return "电话号码含有无效字符：只能包含数字、空格、横线、括号、开头的+86和分机号前的“转”";
	case PHONE_MOBILE: return "手机号码应为11位数字，以13至19开头（可带+86）";
	case PHONE_LANDLINE:
		return "固定电话应为区号加7至8位号码（号码不以0或1开头），如0877-2012345，分机号为1至6位数字";
	}
	return "电话号码无效";
}
