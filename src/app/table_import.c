/* table_import.c — the machinery every spreadsheet import shares (see
 * table_import.h): reading, header matching, chunks of rows, the report,
 * the rejects file, the transaction and its summary audit entry. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/table_import.h"
#include "io/table.h"

#define MAX_LISTED_ERRORS 1000

typedef struct pending_row {
	long rowno;
	int nf;
	size_t off; /* the row's fields in arena: nf NUL-terminated strings */
} pending_row;

struct table_import {
	stx *t;
	const scope *sc;
	const import_opts *o;
	const import_spec *spec;
	import_report *rep;
	int col[IMPORT_MAX_COLUMNS]; /* column index of each of the spec's columns, -1 absent */
	char **headers;              /* the file's own header texts */
	int nheaders;
	table_writer *rejects;
	long total_estimate;
	long next_progress;
	int today;
	jn_err fatal;
	pending_row pend[IMPORT_CHUNK_ROWS];
	int npend;
	char *arena;
	size_t alen, acap;
	const char **ptrs;           /* IMPORT_CHUNK_ROWS * TABLE_MAX_FIELDS field pointers */
	import_row rows[IMPORT_CHUNK_ROWS];
};

stx *import_tx(table_import *ti) { return ti->t; }
const scope *import_scope(table_import *ti) { return ti->sc; }
int import_today(table_import *ti) { return ti->today; }
import_report *import_rep(table_import *ti) { return ti->rep; }

static int match_header(const import_spec *spec, const char *h)
{
	/* Trim spaces (ASCII and U+3000) and a trailing "*" marking required. */
	char buf[128];
	size_t n = strlen(h);
	while (n && (h[n - 1] == ' ' || h[n - 1] == '*'))
		n--;
	while (n >= 3 && memcmp(h + n - 3, "\xe3\x80\x80", 3) == 0)
		n -= 3;
	while (*h == ' ' && n)
		h++, n--;
	while (n >= 3 && memcmp(h, "\xe3\x80\x80", 3) == 0)
		h += 3, n -= 3;
	if (n >= sizeof buf)
		return -1;
	memcpy(buf, h, n);
	buf[n] = '\0';
	for (int f = 0; f < spec->ncols; f++) {
		const import_column *c = &spec->cols[f];
		if (strcmp(buf, c->field) == 0 || strcmp(buf, c->label) == 0)
			return f;
		for (int a = 0; a < 6 && c->aliases[a]; a++)
			if (strcmp(buf, c->aliases[a]) == 0)
				return f;
	}
	return -1;
}

static void add_error(table_import *c, long row, const char *column, const char *field, const char *code,
		      const char *message)
{
	if (json_array_size(c->rep->errors) >= MAX_LISTED_ERRORS)
		return;
	json_t *e = json_object();
	json_object_set_new(e, "row", json_integer(row));
	json_object_set_new(e, "column", json_string(column));
	json_object_set_new(e, "field", json_string(field));
	json_object_set_new(e, "code", json_string(code));
	json_object_set_new(e, "message", json_string(message));
	json_array_append_new(c->rep->errors, e);
}

static const char *column_label(table_import *c, const char *field)
{
	for (int f = 0; f < c->spec->ncols; f++)
		if (strcmp(c->spec->cols[f].field, field) == 0)
			return c->col[f] >= 0 ? c->headers[c->col[f]] : c->spec->cols[f].label;
	return field;
}

static int header_row(table_import *c, int nf, const char *const *fields)
{
	const import_spec *spec = c->spec;
	for (int f = 0; f < spec->ncols; f++)
		c->col[f] = -1;
	c->headers = calloc((size_t)nf, sizeof *c->headers);
	if (!c->headers)
		return -1;
	c->nheaders = nf;
	for (int i = 0; i < nf; i++) {
		c->headers[i] = strdup(fields[i]);
		if (!c->headers[i])
			return -1;
		int f = match_header(spec, fields[i]);
		if (f >= 0 && c->col[f] < 0)
			c->col[f] = i;
	}
	int missing = 0;
	for (int f = 0; f < spec->ncols; f++) {
		if (!spec->cols[f].required || c->col[f] >= 0)
			continue;
		char msg[200];
		snprintf(msg, sizeof msg, "缺少必需的列“%s”（也可写作 %s）", spec->cols[f].label, spec->cols[f].field);
		add_error(c, 1, spec->cols[f].label, spec->cols[f].field, "missing_column", msg);
		missing++;
	}
	if (missing) {
		c->rep->rejected = 0;
		c->fatal = JN_EINVAL;
		return 1;
	}
	if (c->o->rejects) {
		c->rejects = table_writer_open(TABLE_CSV, NULL, c->o->rejects, NULL);
		if (c->rejects) {
			const char **h = calloc((size_t)nf + 2, sizeof *h);
			if (!h)
				return -1;
			h[0] = "原行号";
			for (int i = 0; i < nf; i++)
				h[i + 1] = fields[i];
			h[nf + 1] = "错误原因";
			table_writer_row(c->rejects, nf + 2, h);
			free(h);
		}
	}
	return 0;
}

static void write_reject(table_import *c, long row, int nf, const char *const *fields, const char *reason)
{
	if (!c->rejects)
		return;
	int n = c->nheaders > nf ? c->nheaders : nf;
	const char **r = calloc((size_t)n + 2, sizeof *r);
	if (!r)
		return;
	char num[24];
	snprintf(num, sizeof num, "%ld", row);
	r[0] = num;
	for (int i = 0; i < n; i++)
		r[i + 1] = i < nf ? fields[i] : "";
	r[n + 1] = reason;
	table_writer_row(c->rejects, n + 2, r);
	free(r);
}

void import_reject(table_import *c, const import_row *row, const jn_fields *fe)
{
	c->rep->rejected++;
	char reason[1024];
	size_t o = 0;
	reason[0] = '\0';
	for (int k = 0; k < fe->count && k < JN_FIELDS_MAX; k++) {
		const jn_field_error *x = &fe->e[k];
		const char *label = column_label(c, x->field);
		add_error(c, row->rowno, label, x->field, x->code, x->message);
		int w = snprintf(reason + o, sizeof reason - o, "%s%s：%s", k ? "；" : "", label, x->message);
		if (w > 0 && (size_t)w < sizeof reason - o)
			o += (size_t)w;
	}
	write_reject(c, row->rowno, row->nf, row->fields, reason);
}

/* Hands the pending rows to the import, then reports progress. */
static int process_chunk(table_import *c)
{
	int n = c->npend;
	for (int k = 0; k < n; k++) {
		const pending_row *p = &c->pend[k];
		const char **f = c->ptrs + (size_t)k * TABLE_MAX_FIELDS;
		const char *x = c->arena + p->off;
		for (int i = 0; i < p->nf; i++) {
			f[i] = x;
			x += strlen(x) + 1;
		}
		import_row *r = &c->rows[k];
		r->rowno = p->rowno;
		r->nf = p->nf;
		r->fields = f;
		for (int col = 0; col < c->spec->ncols; col++) {
			int i = c->col[col];
			r->v[col] = (i >= 0 && i < p->nf && f[i][0]) ? f[i] : NULL;
		}
	}
	c->rep->rows += n;
	jn_err e = c->spec->chunk(c->spec->ctx, c, c->rows, n);
	c->npend = 0;
	c->alen = 0;
	if (e) {
		c->fatal = e;
		return 1;
	}
	if (c->o->progress && c->rep->rows >= c->next_progress) {
		c->o->progress(c->o->progress_ctx, c->rep->rows, c->total_estimate);
		c->next_progress = c->rep->rows + (c->total_estimate > 0 ? c->total_estimate / 20 + 1 : 10000);
	}
	return 0;
}

/* Queues a data row (blank rows are skipped); a full chunk is processed. */
static int queue_row(table_import *c, long rowno, int nf, const char *const *fields)
{
	int blank = 1;
	size_t need = 0;
	if (nf > TABLE_MAX_FIELDS)
		nf = TABLE_MAX_FIELDS;
	for (int i = 0; i < nf; i++) {
		need += strlen(fields[i]) + 1;
		if (fields[i][0] && i < c->nheaders)
			for (int f = 0; f < c->spec->ncols; f++)
				if (c->col[f] == i)
					blank = 0;
	}
	if (blank)
		return 0;
	if (c->alen + need > c->acap) {
		size_t ncap = c->acap ? c->acap : 65536;
		while (ncap < c->alen + need)
			ncap *= 2;
		char *na = realloc(c->arena, ncap);
		if (!na) {
			c->fatal = JN_ENOMEM;
			return 1;
		}
		c->arena = na;
		c->acap = ncap;
	}
	pending_row *r = &c->pend[c->npend++];
	*r = (pending_row){rowno, nf, c->alen};
	for (int i = 0; i < nf; i++) {
		size_t l = strlen(fields[i]) + 1;
		memcpy(c->arena + c->alen, fields[i], l);
		c->alen += l;
	}
	return c->npend == IMPORT_CHUNK_ROWS ? process_chunk(c) : 0;
}

static int on_row(void *ctx, long rowno, int nf, const char *const *fields)
{
	table_import *c = ctx;
	if (!c->headers) {
		int r = header_row(c, nf, fields);
		if (r < 0)
			c->fatal = JN_ENOMEM;
		return r ? 1 : 0;
	}
	return queue_row(c, rowno, nf, fields);
}

jn_err table_import_run(store *s, const scope *sc, const char *data, size_t len, const import_opts *o,
			const import_spec *spec, import_report *rep)
{
	memset(rep, 0, sizeof *rep);
	if (spec->ncols > IMPORT_MAX_COLUMNS)
		return JN_EINTERNAL;
	rep->errors = json_array();
	table_import *c = calloc(1, sizeof *c);
	const char **ptrs = malloc(sizeof *ptrs * IMPORT_CHUNK_ROWS * TABLE_MAX_FIELDS);
	if (!c || !ptrs || !rep->errors) {
		free(c);
		free(ptrs);
		json_decref(rep->errors);
		rep->errors = NULL;
		return JN_ENOMEM;
	}
	*c = (table_import){.sc = sc, .o = o, .spec = spec, .rep = rep, .today = store_today(), .ptrs = ptrs};
	char err[256] = "";
	int rc;
	char *utf8 = NULL;
	size_t ulen = 0;
	jn_err e = stx_begin(s, 1, &c->t);
	if (e) {
		free(ptrs);
		free(c);
		return e;
	}
	if (table_is_xlsx(data, len)) {
		snprintf(rep->encoding, sizeof rep->encoding, "xlsx");
		rc = xlsx_read(data, len, on_row, c, err, sizeof err);
	} else {
		text_encoding enc;
		rc = text_to_utf8(data, len, &utf8, &ulen, &enc, err, sizeof err);
		if (rc == TABLE_OK) {
			snprintf(rep->encoding, sizeof rep->encoding, "%s",
				 enc == ENC_GB18030 ? "gb18030" : enc == ENC_UTF8_BOM ? "utf-8-bom" : "utf-8");
			for (size_t i = 0; i < ulen; i++)
				c->total_estimate += utf8[i] == '\n';
			c->next_progress = c->total_estimate / 20 + 1;
			rc = csv_read(utf8, ulen, on_row, c, err, sizeof err);
		}
	}
	free(utf8);
	if (rc == TABLE_OK && !c->fatal && c->npend)
		process_chunk(c);
	if (rc < 0 || (rc == TABLE_OK && !c->headers)) {
		add_error(c, 0, "", "file", rc == TABLE_ETOOBIG ? "too_large" : "bad_format",
			  err[0] ? err : "文件是空的，没有表头行");
		if (!c->fatal)
			c->fatal = JN_EINVAL;
	}
	if (!c->fatal && rep->rejected && !o->partial)
		c->fatal = JN_EINVAL;
	if (!c->fatal && !o->dry_run && (rep->created || rep->updated)) {
		char summary[200], sha[65], action[64];
		unsigned char h[crypto_hash_sha256_BYTES];
		crypto_hash_sha256(h, (const unsigned char *)data, len);
		sodium_bin2hex(sha, sizeof sha, h, sizeof h);
		snprintf(summary, sizeof summary,
			 "{\"rows\":%ld,\"created\":%ld,\"updated\":%ld,\"rejected\":%ld,\"sha256\":\"%s\"}", rep->rows,
			 rep->created, rep->updated, rep->rejected, sha);
		snprintf(action, sizeof action, "import.%s", spec->what);
		e = store_audit(c->t, sc, action, spec->what, NULL, summary);
		if (e)
			c->fatal = e;
	}
	if (c->fatal || o->dry_run) {
		stx_rollback(c->t);
	} else {
		e = stx_commit(c->t);
		if (e)
			c->fatal = e;
		else
			rep->committed = 1;
	}
	/* A bulk load changes what the query planner should choose. */
	if (spec->analyze_after && rep->committed && rep->created + rep->updated >= 10000)
		store_analyze(s);
	if (c->rejects)
		table_writer_close(c->rejects);
	if (o->progress && !c->fatal)
		o->progress(o->progress_ctx, rep->rows, rep->rows);
	for (int i = 0; i < c->nheaders; i++)
		free(c->headers[i]);
	free(c->headers);
	free(c->arena);
	free(c->ptrs);
	jn_err fatal = c->fatal;
	free(c);
	return fatal;
}
