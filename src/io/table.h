/* table.h — reading and writing row tables (CSV, XLSX) as streams of rows.
 *
 * Readers call a row callback once per row, header included, with the
 * 1-based row number a person sees in Excel (for CSV: records counted from
 * the header as row 1, a blank line counting as a row, a line break inside
 * quotes staying in its row).  Fields are UTF-8, NUL-terminated; the arrays are
 * valid only during the call.  A callback returning non-zero stops reading
 * and that value is returned. */
#ifndef JN_TABLE_H
#define JN_TABLE_H

#include <stddef.h>

typedef int (*table_row_fn)(void *ctx, long rowno, int nfields, const char *const *fields);

typedef enum table_rc {
	TABLE_OK = 0,
	TABLE_EFORMAT = -1,   /* not a readable CSV/XLSX file: *err says why     */
	TABLE_ENOMEM = -2,
	TABLE_ETOOBIG = -3,   /* a field or row over the limits below            */
} table_rc;

#define TABLE_MAX_FIELDS 256
#define TABLE_MAX_FIELD_BYTES 65536

/* Which encoding a CSV was in, after detection. */
typedef enum text_encoding { ENC_UTF8 = 1, ENC_UTF8_BOM, ENC_GB18030 } text_encoding;

/* Converts a CSV's bytes to UTF-8: a BOM is stripped; well-formed UTF-8 is
 * taken as is; anything else is decoded as GB18030 (which contains GBK and
 * GB2312).  *out is malloc'd (caller frees).  Fails with TABLE_EFORMAT when
 * the bytes are neither. */
int text_to_utf8(const char *in, size_t len, char **out, size_t *outlen, text_encoding *enc,
		 char *err, size_t errcap);

/* RFC 4180 as Excel writes it: "," separator, "\"" quotes with "" escapes,
 * line breaks inside quoted fields, CRLF or LF, a trailing newline or not.
 * Input must already be UTF-8 (see text_to_utf8).  Blank lines are skipped. */
int csv_read(const char *data, size_t len, table_row_fn fn, void *ctx, char *err, size_t errcap);

/* Reads the first worksheet of an XLSX file held in memory: shared and
 * inline strings, numbers as written (no float formatting of long digit
 * runs: an ID number typed as a number comes back as its digits), empty
 * cells as "".  Row numbers are the sheet's own. */
int xlsx_read(const char *data, size_t len, table_row_fn fn, void *ctx, char *err, size_t errcap);

/* 1 if the bytes look like an XLSX (a ZIP file). */
int table_is_xlsx(const char *data, size_t len);

/* Writers.  A writer takes rows one at a time; all cells are text. */
typedef struct table_writer table_writer;
typedef enum table_format { TABLE_CSV = 1, TABLE_XLSX } table_format;

/* CSV is written UTF-8 with a BOM (so Excel opens it right) and CRLF.
 * XLSX is written to path (libxlsxwriter needs a file); for CSV path may be
 * NULL to write to the FILE* given. */
table_writer *table_writer_open(table_format fmt, const char *path, void *file /* FILE* */,
				const char *sheet_name);
int table_writer_row(table_writer *w, int nfields, const char *const *fields);
int table_writer_close(table_writer *w); /* 0 on success; frees w */

#endif
