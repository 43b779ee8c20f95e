/* csv.c — a streaming CSV reader over an in-memory UTF-8 buffer.
 *
 * Reads RFC 4180 as Excel writes it: "," separates fields, a field that
 * starts with '"' is quoted and may hold commas and line breaks, "" inside
 * quotes is one quote.  Lines end in CRLF, LF or a lone CR; the last line
 * may lack one; empty lines are skipped.  Excel's leniency is copied: a quote
 * inside an unquoted field is kept literally, and text after a closing quote
 * is appended to the field.
 *
 * Rows are numbered as Excel shows the file: the header is row 1, a blank
 * line is a row of its own, a line break inside quotes stays in its row.
 *
 * Built for million-row imports: one buffer per reader, reused for every
 * row; each field is copied into it once and NUL-terminated, and the
 * callback gets pointers into it. */
#include "io/iobuf.h"
#include "io/table.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bytes that end an unquoted field. */
static const unsigned char stop_byte[256] = {[','] = 1, ['\r'] = 1, ['\n'] = 1};

int csv_read(const char *data, size_t len, table_row_fn fn, void *ctx, char *err, size_t errcap)
{
	iobuf b = {0};
	size_t offs[TABLE_MAX_FIELDS];
	const char *fields[TABLE_MAX_FIELDS];
	size_t pos = 0;
	long line = 1; /* physical line at pos                          */
	long row = 1;  /* the row as Excel numbers it: a line break inside
			* quotes stays in its row; a blank line is a row */
	int rc = TABLE_OK;

	if (!data)
		len = 0;
	while (pos < len) {
		/* Blank lines. */
		if (data[pos] == '\n') {
			pos++;
			line++;
			row++;
			continue;
		}
		if (data[pos] == '\r') {
			pos += (pos + 1 < len && data[pos + 1] == '\n') ? 2 : 1;
			line++;
			row++;
			continue;
		}

		long recline = row;
		int nf = 0;
		b.len = 0;
		for (;;) { /* one field per turn */
			if (nf == TABLE_MAX_FIELDS) {
				io_set_err(err, errcap, "第%ld行的字段超过 %d 个，请检查分隔符是否为英文逗号", recline,
					TABLE_MAX_FIELDS);
				rc = TABLE_ETOOBIG;
				goto out;
			}
			size_t start = b.len;
			if (pos < len && data[pos] == '"') {
				long qline = line;
				pos++;
				for (;;) {
					const char *q = memchr(data + pos, '"', len - pos);
					if (!q && qline == recline) {
						io_set_err(err, errcap,
							"第%ld行的引号没有闭合：以英文双引号开头的内容一直到文件末尾都没有结束引号",
							recline);
					} else if (!q) {
						io_set_err(err, errcap,
							"第%ld行（文本文件的第%ld行）的引号没有闭合：以英文双引号开头的内容"
							"一直到文件末尾都没有结束引号",
							recline, qline);
					}
					if (!q) {
						rc = TABLE_EFORMAT;
						goto out;
					}
					size_t qi = (size_t)(q - data);
					size_t n = qi - pos;
					/* Line breaks inside the quotes still advance the line count. */
					for (size_t i = pos; i < qi; i++) {
						char c = data[i];
						if (c == '\n' || (c == '\r' && data[i + 1] != '\n'))
							line++;
					}
					int esc = qi + 1 < len && data[qi + 1] == '"';
					size_t add = n + (size_t)esc;
					if (b.len - start + add > TABLE_MAX_FIELD_BYTES) {
						io_set_err(err, errcap, "第%ld行有一个字段超过 %d 字节", recline,
							TABLE_MAX_FIELD_BYTES);
						rc = TABLE_ETOOBIG;
						goto out;
					}
					if (iobuf_reserve(&b, add + 1) != 0)
						goto nomem;
					memcpy(b.p + b.len, data + pos, n);
					b.len += n;
					if (esc) {
						b.p[b.len++] = '"';
						pos = qi + 2;
						continue;
					}
					pos = qi + 1;
					break;
				}
			}
			/* Unquoted field, or what follows a closing quote. */
			size_t s = pos;
			while (pos < len && !stop_byte[(unsigned char)data[pos]])
				pos++;
			size_t n = pos - s;
			if (b.len - start + n > TABLE_MAX_FIELD_BYTES) {
				io_set_err(err, errcap, "第%ld行有一个字段超过 %d 字节", recline, TABLE_MAX_FIELD_BYTES);
				rc = TABLE_ETOOBIG;
				goto out;
			}
			if (iobuf_reserve(&b, n + 1) != 0)
				goto nomem;
			memcpy(b.p + b.len, data + s, n);
			b.len += n;
			b.p[b.len++] = '\0';
			offs[nf++] = start;

			if (pos < len && data[pos] == ',') {
				pos++;
				continue;
			}
			/* End of record: a line break or the end of the data. */
			if (pos < len) {
				pos += (data[pos] == '\r' && pos + 1 < len && data[pos + 1] == '\n') ? 2 : 1;
				line++;
			}
			row++;
			break;
		}
		for (int i = 0; i < nf; i++)
			fields[i] = b.p + offs[i];
		rc = fn(ctx, recline, nf, fields);
		if (rc != 0)
			goto out;
	}
	goto out;
nomem:
	io_set_err(err, errcap, "内存不足，无法读取文件");
	rc = TABLE_ENOMEM;
out:
	free(b.p);
	return rc;
}
