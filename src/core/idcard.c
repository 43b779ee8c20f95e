/* idcard.c — validation of resident ID numbers (GB 11643-1999): length,
 * characters, address code (against the compiled division table, historical
 * codes included), birth date, and the ISO 7064 MOD 11-2 check character.
 * 15-digit first-generation numbers are converted to 18 digits. */
#include "idcard.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "regions.h"
#include "text.h"

static const int WEIGHTS[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
static const char CHECKS[] = "10X98765432";

/* '\0' when first17 does not start with 17 digits. */
char id_check_char(const char *first17)
{
	if (!first17)
		return '\0';
	int sum = 0;
	for (int i = 0; i < 17; i++) {
		char c = first17[i];
		if (c < '0' || c > '9')
			return '\0';
		sum += (c - '0') * WEIGHTS[i];
	}
	return CHECKS[sum % 11];
}

static int is_ascii_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* A printable rendering of the character at p (n bytes, 0 = ill-formed). */
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

static int leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int num(const char *p, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++)
		v = v * 10 + (p[i] - '0');
	return v;
}

id_status id_parse(const char *s, size_t len, int today, id_info *info)
{
	id_info dummy;
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
		return ID_EMPTY;

	/* Length in characters: a multi-byte character (or a stray byte of a
	 * broken one) counts once. */
	size_t chars = 0;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = utf8_decode(s + i, len - i, &cp);
		i += n ? n : 1;
		chars++;
	}
	if (chars != 15 && chars != 18) {
		info->length = chars > 1000000 ? 1000000 : (int)chars;
		return ID_LENGTH;
	}
	info->length = (int)chars;

	char raw[18];
	size_t pos = 0;
	for (size_t i = 0; i < len; pos++) {
		uint32_t cp;
		size_t n = utf8_decode(s + i, len - i, &cp);
		int ok = n == 1 && ((cp >= '0' && cp <= '9') ||
				    (chars == 18 && pos == 17 && (cp == 'X' || cp == 'x')));
		if (!ok) {
			info->bad_pos = (int)pos + 1;
			describe_char(s + i, n, cp, info->bad_char, sizeof info->bad_char);
			return ID_CHAR;
		}
		raw[pos] = (char)(cp == 'x' ? 'X' : cp);
		i += n;
	}

	/* Everything is ASCII now: one byte per character. */
	char *num18 = info->number;
	if (chars == 15) {
		memcpy(num18, raw, 6);
		num18[6] = '1';
		num18[7] = '9';
		memcpy(num18 + 8, raw + 6, 9);
		num18[17] = id_check_char(num18);
		info->converted = 1;
	} else {
		memcpy(num18, raw, 18);
	}
	num18[18] = '\0';
	memcpy(info->region, num18, 6);
	info->region[6] = '\0';
	info->gender = ((num18[16] - '0') % 2) ? 'M' : 'F';

	if (!region_find(info->region))
		return ID_REGION;

	int y = num(num18 + 6, 4), m = num(num18 + 10, 2), d = num(num18 + 12, 2);
	static const int MDAYS[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m < 1 || m > 12 || d < 1 || d > MDAYS[m - 1] + (m == 2 && leap(y)))
		return ID_DATE;
	if (y < 1900)
		return ID_TOO_OLD;
	memcpy(info->birth_date, num18 + 6, 4);
	info->birth_date[4] = '-';
	memcpy(info->birth_date + 5, num18 + 10, 2);
	info->birth_date[7] = '-';
	memcpy(info->birth_date + 8, num18 + 12, 2);
	info->birth_date[10] = '\0';
	if (today > 0 && y * 10000 + m * 100 + d > today)
		return ID_FUTURE;

	char want = id_check_char(num18);
	if (num18[17] != want) {
		info->expected_check = want;
		return ID_CHECK;
	}
	return ID_OK;
}

const char *id_status_code(id_status st)
{
	switch (st) {
	case ID_OK: return "ok";
	case ID_EMPTY: return "id_empty";
	case ID_LENGTH: return "id_length";
	case ID_CHAR: return "id_bad_char";
	case ID_DATE: return "id_bad_date";
	case ID_FUTURE: return "id_future_date";
	case ID_TOO_OLD: return "id_too_old";
	case ID_REGION: return "id_unknown_region";
	case ID_CHECK: return "id_check_mismatch";
	}
	return "id_invalid";
}

void id_status_message(id_status st, const id_info *info, char *buf, size_t cap)
{
	if (!buf || cap == 0)
		return;
	id_info none;
	if (!info) {
		memset(&none, 0, sizeof none);
		info = &none;
	}
	switch (st) {
	case ID_OK:
		snprintf(buf, cap, "身份证号正确");
		break;
	case ID_EMPTY:
		snprintf(buf, cap, "未填写身份证号");
		break;
	case ID_LENGTH:
		snprintf(buf, cap, "身份证号应为18位（或15位旧号），实际为%d位", info->length);
		break;
	case ID_CHAR:
		snprintf(buf, cap, "第%d位字符“%.7s”无效：身份证号只能由数字组成，18位号码的最后一位可以是X",
			 info->bad_pos, info->bad_char);
		break;
	case ID_DATE:
		if (info->number[0])
			snprintf(buf, cap, "出生日期%.8s不存在", info->number + 6);
		else
			snprintf(buf, cap, "出生日期不存在");
		break;
	case ID_FUTURE:
		snprintf(buf, cap, "出生日期晚于今天");
		break;
	case ID_TOO_OLD:
		if (info->number[0])
			snprintf(buf, cap, "出生年份%.4s早于1900年", info->number + 6);
		else
			snprintf(buf, cap, "出生年份早于1900年");
		break;
	case ID_REGION:
		snprintf(buf, cap, "地址码%.6s不存在", info->region);
		break;
	case ID_CHECK:
		snprintf(buf, cap, "校验码应为%c，实际为%c", info->expected_check ? info->expected_check : '?',
			 info->number[17] ? info->number[17] : '?');
		break;
	default:
		snprintf(buf, cap, "身份证号无效");
		break;
	}
}

const char *id_gender_zh(const char *number18)
{
	if (!number18 || strlen(number18) != 18 || number18[16] < '0' || number18[16] > '9')
		return NULL;
	return (number18[16] - '0') % 2 ? "男" : "女";
}
