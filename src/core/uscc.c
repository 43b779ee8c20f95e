/* uscc.c — validation of unified social credit codes (GB 32100-2015):
 * 18 characters over the 31-character alphabet (no I O S V Z), the last a
 * MOD 31 check character. */
#include "uscc.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "text.h"

static const char ALPHABET[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
static const int WEIGHTS[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};

/* Value of an upper-case character in the alphabet, -1 when not in it. */
static int value_of(char c)
{
	if (c == '\0')
		return -1;
	const char *p = strchr(ALPHABET, c);
	return p ? (int)(p - ALPHABET) : -1;
}

/* '\0' when first17 has a character outside the alphabet. */
char uscc_check_char(const char *first17)
{
	if (!first17)
		return '\0';
	int sum = 0;
	for (int i = 0; i < 17; i++) {
		int v = value_of(first17[i]);
		if (v < 0)
			return '\0';
		sum += v * WEIGHTS[i];
	}
	return ALPHABET[(31 - sum % 31) % 31];
}

static int is_ascii_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static void describe_char(const char *p, size_t n, uint32_t cp, char *out, size_t cap)
{
	if (n == 0)
		snprintf(out, cap, "\\x%02X", (unsigned)(unsigned char)p[0]);
	else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F))
		snprintf(out, cap, "U+%04X", (unsigned)cp);
	else if (n < cap) {
		memcpy(out, p, n);
		out[n] = '\0';
	} else if (cap)
		out[0] = '\0';
}

uscc_status uscc_parse(const char *s, size_t len, uscc_info *info)
{
	uscc_info dummy;
	if (!info)
		info = &dummy;
	memset(info, 0, sizeof *info);
	if (!s)
		len = 0;

	while (len && is_ascii_space(s[0])) {
		s++;
		len--;
	}
	while (len && is_ascii_space(s[len - 1]))
		len--;
	if (len == 0)
		return USCC_EMPTY;

	size_t chars = 0;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = utf8_decode(s + i, len - i, &cp);
		i += n ? n : 1;
		chars++;
	}
	info->length = chars > 1000000 ? 1000000 : (int)chars;
	if (chars != 18)
		return USCC_LENGTH;

	size_t pos = 0;
	for (size_t i = 0; i < len; pos++) {
		uint32_t cp;
		size_t n = utf8_decode(s + i, len - i, &cp);
		char c = (n == 1) ? (char)cp : '\0';
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (value_of(c) < 0) {
			info->bad_pos = (int)pos + 1;
			describe_char(s + i, n, cp, info->bad_char, sizeof info->bad_char);
			info->code[0] = '\0';
			return USCC_CHAR;
		}
		info->code[pos] = c;
		i += n;
	}
	info->code[18] = '\0';
	memcpy(info->region, info->code + 2, 6);
	info->region[6] = '\0';

	char want = uscc_check_char(info->code);
	if (info->code[17] != want) {
		info->expected_check = want;
		return USCC_CHECK;
	}
	return USCC_OK;
}

const char *uscc_status_code(uscc_status st)
{
	switch (st) {
	case USCC_OK: return "ok";
	case USCC_EMPTY: return "uscc_empty";
	case USCC_LENGTH: return "uscc_length";
	case USCC_CHAR: return "uscc_bad_char";
	case USCC_CHECK: return "uscc_check_mismatch";
	}
	return "uscc_invalid";
}

void uscc_status_message(uscc_status st, const uscc_info *info, char *buf, size_t cap)
{
	if (!buf || cap == 0)
		return;
	uscc_info none;
	if (!info) {
		memset(&none, 0, sizeof none);
		info = &none;
	}
	switch (st) {
	case USCC_OK:
		snprintf(buf, cap, "统一社会信用代码正确");
		break;
	case USCC_EMPTY:
		snprintf(buf, cap, "未填写统一社会信用代码");
		break;
	case USCC_LENGTH:
		snprintf(buf, cap, "统一社会信用代码应为18位，实际为%d位", info->length);
		break;
	case USCC_CHAR:
		snprintf(buf, cap,
			 "第%d位字符“%.7s”无效：统一社会信用代码只能由数字和大写字母组成（不含I、O、S、V、Z）",
			 info->bad_pos, info->bad_char);
		break;
	case USCC_CHECK:
		snprintf(buf, cap, "校验码应为%c，实际为%c", info->expected_check ? info->expected_check : '?',
			 info->code[17] ? info->code[17] : '?');
		break;
	default:
		snprintf(buf, cap, "统一社会信用代码无效");
		break;
	}
}
