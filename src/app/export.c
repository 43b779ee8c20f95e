/* export.c — a whole list as a spreadsheet download (XLSX or CSV).
 *
 * Rows go to a temporary file (libxlsxwriter in constant-memory mode, so a
 * million rows stay small in memory); when the list is complete the export
 * is written to the audit log with its filter and row count, and only then
 * is the file handed out — as a descriptor of a file already removed from
 * the directory, so nothing is left behind whatever happens next. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/app.h"
#include "io/table.h"

/* Excel refuses cells over 32,767 characters; audit entries can be longer. */
#define CELL_MAX_BYTES 32000

struct exporter {
	table_format fmt;
	table_writer *w;
	FILE *f;        /* CSV: the open temporary file */
	char path[64];
	long rows;     /* data rows written (the header not counted) */
	long limit;
	int too_many;
	int failed;
};

/* The row limit; JINENG_EXPORT_MAX_ROWS lowers it (tests). */
static long max_rows(void)
{
	const char *v = getenv("JINENG_EXPORT_MAX_ROWS");
	long n = v ? strtol(v, NULL, 10) : 0;
	return n > 0 && n < EXPORT_MAX_ROWS ? n : EXPORT_MAX_ROWS;
}

static const char *tmp_dir(void)
{
	const char *d = getenv("TMPDIR");
	return d && d[0] && strlen(d) < 32 ? d : "/tmp";
}

jn_err exporter_open(const char *fmt, const char *sheet, int ncols, const char *const *headers, exporter **out)
{
	exporter *x = calloc(1, sizeof *x);
	if (!x)
		return JN_ENOMEM;
	x->fmt = strcmp(fmt, "xlsx") == 0 ? TABLE_XLSX : TABLE_CSV;
	x->limit = max_rows();
	snprintf(x->path, sizeof x->path, "%s/jineng-export-XXXXXX", tmp_dir());
	int fd = mkstemp(x->path);
	if (fd < 0) {
		free(x);
		return JN_EIO;
	}
	if (x->fmt == TABLE_CSV) {
		x->f = fdopen(fd, "w+b");
		if (!x->f) {
			close(fd);
			unlink(x->path);
			free(x);
			return JN_EIO;
		}
		x->w = table_writer_open(TABLE_CSV, NULL, x->f, NULL);
	} else {
		/* libxlsxwriter writes the file itself, at close. */
		close(fd);
		x->w = table_writer_open(TABLE_XLSX, x->path, NULL, sheet);
	}
	if (!x->w || table_writer_row(x->w, ncols, headers) != 0) {
		exporter_abort(x);
		return JN_EIO;
	}
	*out = x;
	return JN_OK;
}

/* A copy of a cell cut to what a spreadsheet holds, at a character
 * boundary (malloc'd), or NULL when it fits as it is. */
static char *cut(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n <= CELL_MAX_BYTES)
		return NULL;
	n = CELL_MAX_BYTES;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	char *c = malloc(n + sizeof "…");
	if (c) {
		memcpy(c, s, n);
		memcpy(c + n, "…", sizeof "…");
	}
	return c;
}

int exporter_row(exporter *x, int ncols, const char *const *cells)
{
	if (x->failed || x->too_many)
		return 1;
	if (x->rows >= x->limit) {
		x->too_many = 1;
		return 1;
	}
	enum { MAXC = 64 };
	const char *row[MAXC] = {0};
	char *owned[MAXC] = {0};
	if (ncols > MAXC)
		ncols = MAXC;
	for (int i = 0; i < ncols; i++) {
		owned[i] = cut(cells[i]);
		row[i] = owned[i] ? owned[i] : cells[i] ? cells[i] : "";
	}
	int rc = table_writer_row(x->w, ncols, row);
	for (int i = 0; i < ncols; i++)
		free(owned[i]);
	if (rc != 0) {
		x->failed = 1;
		return 1;
	}
	x->rows++;
	return 0;
}

void exporter_abort(exporter *x)
{
	if (!x)
		return;
	if (x->w)
		table_writer_close(x->w);
	if (x->f)
		fclose(x->f);
	unlink(x->path);
	free(x);
}

jn_err exporter_finish(exporter *x, store *s, const scope *sc, const char *action, json_t *filter, int *fd,
		       long long *size, long *rows)
{
	*fd = -1;
	*rows = x->rows;
	if (x->too_many || x->failed) {
		jn_err e = x->too_many ? JN_ETOOLARGE : JN_EIO;
		json_decref(filter);
		exporter_abort(x);
		return e;
	}
	int wc = table_writer_close(x->w);
	x->w = NULL;
	int f = -1;
	if (x->f) {
		if (fflush(x->f) != 0)
			wc = -1;
		f = dup(fileno(x->f));
		fclose(x->f);
		x->f = NULL;
	} else {
		f = open(x->path, O_RDONLY | O_CLOEXEC);
	}
	unlink(x->path);
	struct stat st;
	if (wc != 0 || f < 0 || fstat(f, &st) != 0 || lseek(f, 0, SEEK_SET) != 0) {
		if (f >= 0)
			close(f);
		json_decref(filter);
		free(x);
		return JN_EIO;
	}
	/* Audited before any of it leaves: what was asked for, and how much. */
	json_t *after = json_object();
	json_object_set_new(after, "filter", filter ? filter : json_object());
	json_object_set_new(after, "format", json_string(x->fmt == TABLE_XLSX ? "xlsx" : "csv"));
	json_object_set_new(after, "rows", json_integer(x->rows));
	char *text = json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(after);
	free(x);
	stx *t;
	jn_err e = text ? stx_begin(s, 1, &t) : JN_ENOMEM;
	if (!e) {
		const char *subject = strchr(action, '.') ? strchr(action, '.') + 1 : action;
		e = store_audit(t, sc, action, subject, NULL, text);
		if (e)
			stx_rollback(t);
		else
			e = stx_commit(t);
	}
	free(text);
	if (e) {
		close(f);
		return e;
	}
	*fd = f;
	*size = (long long)st.st_size;
	return JN_OK;
}
