/* encoding.c — turns the bytes of an uploaded CSV into UTF-8.
 *
 * Chinese users' CSVs come in three shapes: UTF-8 with a BOM (Excel's
 * "CSV UTF-8"), plain UTF-8, and GBK/GB18030 (Excel's plain "CSV" on a
 * Chinese Windows).  We strip a BOM, accept well-formed UTF-8 as is, and
 * decode everything else as GB18030 with iconv.  Files that are clearly not
 * text (NUL bytes, UTF-16) are refused with a message a person can act on. */
#include "io/iobuf.h"
#include "io/table.h"

#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Multi-byte UTF-8 characters before the first bad byte that make us
 * believe the file is damaged UTF-8 rather than GB18030. */
#define UTF8_TRUST 16

/* Offset of the first byte that is not part of well-formed UTF-8 (RFC 3629:
 * no overlong forms, no surrogates, nothing above U+10FFFF), or len.
 * *multi counts the multi-byte characters before it. */
static size_t utf8_invalid_at(const unsigned char *s, size_t len, size_t *multi)
{
	size_t i = 0;
	*multi = 0;
	while (i < len) {
		/* ASCII fast path, eight bytes at a time. */
		while (i + 8 <= len) {
			uint64_t w;
			memcpy(&w, s + i, 8);
			if (w & 0x8080808080808080ull)
				break;
			i += 8;
		}
		if (i >= len)
			break;
		unsigned c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t n;
		unsigned lo = 0x80, hi = 0xBF;
		if (c >= 0xC2 && c <= 0xDF) {
			n = 2;
		} else if (c >= 0xE0 && c <= 0xEF) {
			n = 3;
			if (c == 0xE0)
				lo = 0xA0;
			else if (c == 0xED)
				hi = 0x9F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			n = 4;
			if (c == 0xF0)
				lo = 0x90;
			else if (c == 0xF4)
				hi = 0x8F;
		} else {
			return i;
		}
		if (len - i < n)
			return i;
		if (s[i + 1] < lo || s[i + 1] > hi)
			return i;
		for (size_t k = 2; k < n; k++)
			if ((s[i + k] & 0xC0) != 0x80)
				return i;
		i += n;
		(*multi)++;
	}
	return len;
}

/* 1-based line number of byte offset off (LF, CRLF or lone CR end lines). */
static long line_of(const char *s, size_t off)
{
	long line = 1;
	for (size_t i = 0; i < off; i++) {
		if (s[i] == '\n')
			line++;
		else if (s[i] == '\r' && !(i + 1 < off && s[i + 1] == '\n'))
			line++;
	}
	return line;
}

static int copy_out(const char *in, size_t len, char **out, size_t *outlen, char *err, size_t errcap)
{
	char *p = malloc(len + 1);
	if (!p) {
		io_set_err(err, errcap, "内存不足，无法读取文件");
		return TABLE_ENOMEM;
	}
	if (len)
		memcpy(p, in, len);
	p[len] = '\0';
	*out = p;
	*outlen = len;
	return TABLE_OK;
}

static int from_gb18030(const char *in, size_t len, char **out, size_t *outlen, char *err, size_t errcap)
{
	iconv_t cd = iconv_open("UTF-8", "GB18030");
	if (cd == (iconv_t)-1) {
		io_set_err(err, errcap, "系统不支持 GB18030 编码转换");
		return TABLE_EFORMAT;
	}
	/* GB18030 → UTF-8 grows at most 3/2 (two bytes become three). */
	size_t cap = len + len / 2 + 16;
	char *buf = malloc(cap);
	if (!buf) {
		iconv_close(cd);
		io_set_err(err, errcap, "内存不足，无法读取文件");
		return TABLE_ENOMEM;
	}
	char *ip = (char *)in;
	size_t ileft = len;
	char *op = buf;
	size_t oleft = cap - 1;
	int rc = TABLE_OK;
	while (ileft > 0) {
		size_t r = iconv(cd, &ip, &ileft, &op, &oleft);
		if (r != (size_t)-1)
			break;
		if (errno == E2BIG) {
			size_t used = (size_t)(op - buf);
			size_t ncap = cap * 2;
			char *nb = realloc(buf, ncap);
			if (!nb) {
				rc = TABLE_ENOMEM;
				io_set_err(err, errcap, "内存不足，无法读取文件");
				break;
			}
			buf = nb;
			cap = ncap;
			op = buf + used;
			oleft = cap - 1 - used;
			continue;
		}
		rc = TABLE_EFORMAT;
		io_set_err(err, errcap,
			"文件编码无法识别：既不是 UTF-8 也不是 GB18030（第%ld行附近有无法解码的字节）。"
			"请在 Excel 中另存为“CSV UTF-8（逗号分隔）”后再导入",
			line_of(in, (size_t)(ip - in)));
		break;
	}
	iconv_close(cd);
	if (rc != TABLE_OK) {
		free(buf);
		return rc;
	}
	*op = '\0';
	*out = buf;
	*outlen = (size_t)(op - buf);
	return TABLE_OK;
}

int text_to_utf8(const char *in, size_t len, char **out, size_t *outlen, text_encoding *enc,
		 char *err, size_t errcap)
{
	*out = NULL;
	*outlen = 0;
	if (len > 0 && !in) {
		io_set_err(err, errcap, "没有文件内容");
		return TABLE_EFORMAT;
	}
	const unsigned char *u = (const unsigned char *)in;
	if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
		io_set_err(err, errcap,
			"文件是 UTF-16 编码（可能是 Excel 的“Unicode 文本”），无法作为 CSV 读取。"
			"请在 Excel 中另存为“CSV UTF-8（逗号分隔）”后再导入");
		return TABLE_EFORMAT;
	}
	if (len > 0 && memchr(in, '\0', len)) {
		io_set_err(err, errcap,
			"文件含有二进制内容（可能是 .xls 等非文本文件），无法作为 CSV 读取。"
			"请另存为 .xlsx 或“CSV UTF-8（逗号分隔）”后再导入");
		return TABLE_EFORMAT;
	}
	if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
		size_t multi;
		size_t bad = utf8_invalid_at(u + 3, len - 3, &multi);
		if (bad != len - 3) {
			io_set_err(err, errcap, "文件标明是 UTF-8 编码，但第%ld行含有不合法的 UTF-8 字节",
				line_of(in + 3, bad));
			return TABLE_EFORMAT;
		}
		if (enc)
			*enc = ENC_UTF8_BOM;
		return copy_out(in + 3, len - 3, out, outlen, err, errcap);
	}
	size_t multi;
	size_t bad = utf8_invalid_at(u, len, &multi);
	if (bad == len) {
		if (enc)
			*enc = ENC_UTF8;
		return copy_out(in, len, out, outlen, err, errcap);
	}
	/* Many good UTF-8 characters, then a bad byte: a damaged UTF-8 file
	 * (cut short, or one stray byte), not GBK — GBK text fails UTF-8 within
	 * a character or two.  Decoding it as GB18030 would succeed more often
	 * than not and turn every name into mojibake, so refuse instead. */
	if (multi >= UTF8_TRUST) {
		io_set_err(err, errcap,
			"文件是 UTF-8 编码，但第%ld行含有不合法的字节（文件可能已损坏或被截断），请检查后重新导出",
			line_of(in, bad));
		return TABLE_EFORMAT;
	}
	int rc = from_gb18030(in, len, out, outlen, err, errcap);
	if (rc == TABLE_OK && enc)
		*enc = ENC_GB18030;
	return rc;
}
