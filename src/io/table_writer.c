/* table_writer.c — writes row tables as CSV or XLSX, one row at a time.
 *
 * CSV: UTF-8 with a BOM (so Excel picks the right encoding), CRLF line
 * ends, a field quoted only when it must be (it holds , " CR or LF, or
 * starts or ends with a space), quotes doubled.
 *
 * XLSX: libxlsxwriter in constant-memory mode (rows stream to a temporary
 * file, so a million-row export stays small in memory).  Every cell is a
 * string, so ID numbers and phone numbers keep all their digits; the first
 * row is bold and frozen; column widths follow the content of the first
 * rows (CJK characters count double).
 *
 * table_writer_row and table_writer_close return 0, or non-zero on failure
 * (TABLE_ETOOBIG past Excel's limits, TABLE_ENOMEM, -1 on I/O errors). */
#include "io/table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#define WIDTH_SAMPLE_ROWS 1000
#define WIDTH_MIN 8.0
#define WIDTH_MAX 60.0

struct table_writer {
	table_format fmt;
	int failed;
	/* CSV */
	FILE *f;
	int own_file;
	/* XLSX */
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *bold;
	lxw_row_t nrows;
	int *width; /* widest cell seen per column, in character cells */
	int nwidth;
};

/* ---- CSV ---------------------------------------------------------------- */

static int csv_needs_quotes(const char *s)
{
	size_t n = strlen(s);
	if (n == 0)
		return 0;
	if (s[0] == ' ' || s[n - 1] == ' ')
		return 1;
	return strpbrk(s, ",\"\r\n") != NULL;
}

static void csv_put(table_writer *w, const char *s, size_t n)
{
	if (n && fwrite(s, 1, n, w->f) != n)
		w->failed = 1;
}

static int csv_row(table_writer *w, int nfields, const char *const *fields)
{
	for (int i = 0; i < nfields; i++) {
		const char *s = fields[i] ? fields[i] : "";
		if (i > 0)
			csv_put(w, ",", 1);
		if (!csv_needs_quotes(s)) {
			csv_put(w, s, strlen(s));
			continue;
		}
		csv_put(w, "\"", 1);
		for (const char *q; (q = strchr(s, '"')) != NULL; s = q + 1)
			csv_put(w, s, (size_t)(q - s) + 1), csv_put(w, "\"", 1);
		csv_put(w, s, strlen(s));
		csv_put(w, "\"", 1);
	}
	csv_put(w, "\r\n", 2);
	return w->failed ? -1 : 0;
}

/* ---- XLSX --------------------------------------------------------------- */

/* Display width of UTF-8 text: ASCII and other 1–2 byte characters count
 * one cell, 3–4 byte ones (CJK and the like) two. */
static int display_width(const char *s)
{
	int w = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x80 || (*p >= 0xC0 && *p < 0xE0))
			w += 1;
		else if (*p >= 0xE0)
			w += 2;
		if (w > 1000)
			break;
	}
	return w;
}

/* A sheet name Excel accepts: no []:*?/\, no quote at either end, at most
 * 31 characters.  Writes into out (cap ≥ 4·31+1); returns out, or NULL when
 * nothing usable is left. */
static const char *clean_sheet_name(const char *name, char *out, size_t cap)
{
	if (!name)
		return NULL;
	size_t w = 0;
	int chars = 0;
	for (const char *p = name; *p && w + 5 < cap;) {
		unsigned char c = (unsigned char)*p;
		size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
		size_t avail = 1;
		while (avail < n && p[avail])
			avail++;
		if (avail < n)
			break;
		if (chars == LXW_SHEETNAME_MAX)
			break;
		if (n == 1 && (strchr("[]:*?/\\", c) || c < 0x20))
			out[w++] = '_';
		else
			memcpy(out + w, p, n), w += n;
		p += n;
		chars++;
	}
	while (w > 0 && out[w - 1] == '\'')
		w--;
	out[w] = '\0';
	size_t lead = 0;
	while (out[lead] == '\'')
		lead++;
	if (lead)
		memmove(out, out + lead, w - lead + 1);
	return out[0] ? out : NULL;
}

/* OOXML reads "_xHHHH_" in text as an escaped character, and libxlsxwriter
 * does not protect such text when it is meant literally.  Excel's fix: the
 * underscore itself is escaped, "_x005F_xHHHH_".  Returns s itself when
 * nothing needs escaping, a malloc'd copy otherwise, NULL when out of memory. */
static int is_xesc(const char *p)
{
	if (p[0] != '_' || (p[1] != 'x' && p[1] != 'X'))
		return 0;
	for (int i = 2; i < 6; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f') || (p[i] >= 'A' && p[i] <= 'F')))
			return 0;
	return p[6] == '_';
}

static const char *escape_xesc(const char *s, char **owned)
{
	*owned = NULL;
	size_t hits = 0, n = 0;
	for (const char *p = s; *p; p++, n++)
		hits += (size_t)is_xesc(p);
	if (hits == 0)
		return s;
	char *out = malloc(n + hits * 6 + 1), *w = out;
	if (!out)
		return NULL;
	for (const char *p = s; *p; p++) {
		if (is_xesc(p)) {
			memcpy(w, "_x005F", 6);
			w += 6;
		}
		*w++ = *p;
	}
	*w = '\0';
	*owned = out;
	return out;
}

static int xlsx_open(table_writer *w, const char *path, const char *sheet_name)
{
	lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = LXW_TRUE};
	w->wb = workbook_new_opt(path, &opt);
	if (!w->wb)
		return -1;
	char name[LXW_SHEETNAME_MAX * 4 + 8];
	const char *sn = clean_sheet_name(sheet_name, name, sizeof name);
	if (sn && workbook_validate_sheet_name(w->wb, sn) != LXW_NO_ERROR)
		sn = NULL;
	w->ws = workbook_add_worksheet(w->wb, sn);
	if (!w->ws)
		return -1;
	w->bold = workbook_add_format(w->wb);
	if (!w->bold)
		return -1;
	format_set_bold(w->bold);
	worksheet_freeze_panes(w->ws, 1, 0);
	return 0;
}

static int xlsx_row(table_writer *w, int nfields, const char *const *fields)
{
	if (w->nrows >= LXW_ROW_MAX || nfields > LXW_COL_MAX)
		return TABLE_ETOOBIG;
	lxw_format *fmt = w->nrows == 0 ? w->bold : NULL;
	int sample = w->nrows < WIDTH_SAMPLE_ROWS;
	if (sample && nfields > w->nwidth) {
		int *nw = realloc(w->width, (size_t)nfields * sizeof *nw);
		if (!nw)
			return TABLE_ENOMEM;
		for (int i = w->nwidth; i < nfields; i++)
			nw[i] = 0;
		w->width = nw;
		w->nwidth = nfields;
	}
	for (int i = 0; i < nfields; i++) {
		const char *s = fields[i] ? fields[i] : "";
		char *owned;
		const char *text = escape_xesc(s, &owned);
		if (!text)
			return TABLE_ENOMEM;
		lxw_error e = worksheet_write_string(w->ws, w->nrows, (lxw_col_t)i, text, fmt);
		free(owned);
		if (e == LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED || e == LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE)
			return TABLE_ETOOBIG;
		if (e == LXW_ERROR_MEMORY_MALLOC_FAILED)
			return TABLE_ENOMEM;
		if (e != LXW_NO_ERROR)
			return -1;
		if (sample) {
			int dw = display_width(s);
			if (dw > w->width[i])
				w->width[i] = dw;
		}
	}
	w->nrows++;
	return 0;
}

static int xlsx_close(table_writer *w)
{
	int rc = 0;
	if (w->ws) {
		for (int i = 0; i < w->nwidth; i++) {
			double wd = w->width[i] + 2;
			if (wd < WIDTH_MIN)
				wd = WIDTH_MIN;
			if (wd > WIDTH_MAX)
				wd = WIDTH_MAX;
			worksheet_set_column(w->ws, (lxw_col_t)i, (lxw_col_t)i, wd, NULL);
		}
	}
	if (w->wb && workbook_close(w->wb) != LXW_NO_ERROR)
		rc = -1;
	free(w->width);
	return rc;
}

/* ---- entry points ------------------------------------------------------- */

table_writer *table_writer_open(table_format fmt, const char *path, void *file, const char *sheet_name)
{
	table_writer *w = calloc(1, sizeof *w);
	if (!w)
		return NULL;
	w->fmt = fmt;
	if (fmt == TABLE_CSV) {
		if (path) {
			w->f = fopen(path, "wb");
			w->own_file = 1;
		} else {
			w->f = file;
		}
		if (!w->f) {
			free(w);
			return NULL;
		}
		csv_put(w, "\xEF\xBB\xBF", 3);
		return w;
	}
	if (fmt == TABLE_XLSX && path && xlsx_open(w, path, sheet_name) == 0)
		return w;
	if (w->wb) {
		/* Nothing written yet; closing frees the workbook.  Its file is
		 * written, so remove it again. */
		workbook_close(w->wb);
		remove(path);
	}
	free(w);
	return NULL;
}

int table_writer_row(table_writer *w, int nfields, const char *const *fields)
{
	if (!w || nfields < 0 || (nfields > 0 && !fields))
		return -1;
	if (w->failed)
		return -1;
	int rc = w->fmt == TABLE_CSV ? csv_row(w, nfields, fields) : xlsx_row(w, nfields, fields);
	if (rc != 0)
		w->failed = 1;
	return rc;
}

int table_writer_close(table_writer *w)
{
	if (!w)
		return -1;
	int rc = w->failed ? -1 : 0;
	if (w->fmt == TABLE_CSV) {
		if (fflush(w->f) != 0 || ferror(w->f))
			rc = -1;
		if (w->own_file && fclose(w->f) != 0)
			rc = -1;
	} else if (xlsx_close(w) != 0) {
		rc = -1;
	}
	free(w);
	return rc;
}
