/* import.c — importing persons from a spreadsheet (CSV or XLSX).
 *
 * One transaction for the whole file: by default one bad row rejects the
 * file and nothing is written; with partial the good rows are written and
 * the bad ones go to a rejects file with a reason column.  The ID number is
 * the key: a known person is updated (and the change audited), an unchanged
 * row changes nothing, so importing the same file twice is harmless. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "core/idcard.h"
#include "io/table.h"

enum { F_ID, F_NAME, F_GENDER, F_BIRTH, F_PHONE, F_REGION, F_OCC, F_LEVEL, F_EMPLOYER, F_EDU, F_COUNT };

static const struct {
	const char *field;
	const char *label;     /* the Chinese header we write and show */
	const char *aliases[6];
} COLUMNS[F_COUNT] = {
	[F_ID] = {"id_number", "身份证号", {"身份证号码", "公民身份号码", "证件号码", "身份证"}},
	[F_NAME] = {"name", "姓名", {"名字"}},
	[F_GENDER] = {"gender", "性别", {0}},
	[F_BIRTH] = {"birth_date", "出生日期", {0}},
	[F_PHONE] = {"phone", "手机号", {"手机号码", "联系电话", "电话", "手机"}},
	[F_REGION] = {"region", "所属地区", {"地区", "区划代码", "所属区县", "地区代码"}},
	[F_OCC] = {"occupation", "职业", {"职业（工种）", "职业(工种)", "职业编码", "工种"}},
	[F_LEVEL] = {"level", "技能等级", {"等级", "职业技能等级"}},
	[F_EMPLOYER] = {"employer", "工作单位", {"单位", "单位名称"}},
	[F_EDU] = {"education", "文化程度", {"学历"}},
};

/* The ID numbers seen in this file and the row of each (open addressing). */
typedef struct seen_entry {
	char id[19];
	long row;
} seen_entry;

typedef struct idset {
	seen_entry *e;
	size_t cap, n;
} idset;

static size_t id_hash(const char *id, size_t cap)
{
	unsigned long long h = 1469598103934665603ull;
	for (int i = 0; i < 18; i++)
		h = (h ^ (unsigned char)id[i]) * 1099511628211ull;
	return (size_t)h & (cap - 1);
}

/* 0 added, 1 already there (*first_row set), -1 out of memory. */
static int idset_add(idset *s, const char *id, long row, long *first_row)
{
	if ((s->n + 1) * 2 > s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 4096;
		seen_entry *ne = calloc(ncap, sizeof *ne);
		if (!ne)
			return -1;
		for (size_t i = 0; i < s->cap; i++) {
			if (!s->e[i].id[0])
				continue;
			size_t h = id_hash(s->e[i].id, ncap);
			while (ne[h].id[0])
				h = (h + 1) & (ncap - 1);
			ne[h] = s->e[i];
		}
		free(s->e);
		s->e = ne;
		s->cap = ncap;
	}
	size_t h = id_hash(id, s->cap);
	while (s->e[h].id[0]) {
		if (memcmp(s->e[h].id, id, 18) == 0) {
			*first_row = s->e[h].row;
			return 1;
		}
		h = (h + 1) & (s->cap - 1);
	}
	memcpy(s->e[h].id, id, 19);
	s->e[h].row = row;
	s->n++;
	return 0;
}

#define MAX_LISTED_ERRORS 1000

/* Rows are read into chunks and each chunk is checked against the database
 * with one lookup and written with one bulk insert: a few statements (on
 * PostgreSQL, round trips) per chunk instead of three per row. */
#define CHUNK_ROWS 256

typedef struct pending_row {
	long rowno;
	int nf;
	size_t off; /* the row's fields in arena: nf NUL-terminated strings */
} pending_row;

typedef struct import_ctx {
	store *s;
	stx *t;
	const scope *sc;
	const import_opts *o;
	import_report *rep;
	occ_cache *cache;
	idset seen;
	int col[F_COUNT];        /* column index of each field, -1 absent */
	char **headers;          /* the file's own header texts */
	int nheaders;
	table_writer *rejects;
	long total_estimate;
	long next_progress;
	int today;
	jn_err fatal;
	pending_row pend[CHUNK_ROWS];
	int npend;
	char *arena;
	size_t alen, acap;
	person known[CHUNK_ROWS]; /* chunk lookups, and the persons to insert */
	person ins[CHUNK_ROWS];
	int nins;
} import_ctx;

static int match_header(const char *h)
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
	for (int f = 0; f < F_COUNT; f++) {
		if (strcmp(buf, COLUMNS[f].field) == 0 || strcmp(buf, COLUMNS[f].label) == 0)
			return f;
		for (int a = 0; a < 6 && COLUMNS[f].aliases[a]; a++)
			if (strcmp(buf, COLUMNS[f].aliases[a]) == 0)
				return f;
	}
	return -1;
}

static void add_error(import_ctx *c, long row, const char *column, const char *field, const char *code,
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

static const char *column_label(import_ctx *c, const char *field)
{
	for (int f = 0; f < F_COUNT; f++)
		if (strcmp(COLUMNS[f].field, field) == 0)
			return c->col[f] >= 0 ? c->headers[c->col[f]] : COLUMNS[f].label;
	return field;
}

static int header_row(import_ctx *c, int nf, const char *const *fields)
{
	for (int f = 0; f < F_COUNT; f++)
		c->col[f] = -1;
	c->headers = calloc((size_t)nf, sizeof *c->headers);
	if (!c->headers)
		return -1;
	c->nheaders = nf;
	for (int i = 0; i < nf; i++) {
		c->headers[i] = strdup(fields[i]);
		if (!c->headers[i])
			return -1;
		int f = match_header(fields[i]);
		if (f >= 0 && c->col[f] < 0)
			c->col[f] = i;
	}
	int missing = 0;
	const int required[] = {F_ID, F_NAME, F_REGION};
	for (size_t k = 0; k < sizeof required / sizeof required[0]; k++) {
		int f = required[k];
		if (c->col[f] < 0) {
			char msg[200];
			snprintf(msg, sizeof msg, "缺少必需的列“%s”（也可写作 %s）", COLUMNS[f].label, COLUMNS[f].field);
			add_error(c, 1, COLUMNS[f].label, COLUMNS[f].field, "missing_column", msg);
			missing++;
		}
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

static void write_reject(import_ctx *c, long row, int nf, const char *const *fields, const char *reason)
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

/* The field of column f in a row, NULL when absent or empty. */
static const char *field_of(const import_ctx *c, int f, int nf, const char *const *fields)
{
	int i = c->col[f];
	return (i >= 0 && i < nf && fields[i][0]) ? fields[i] : NULL;
}

/* What the chunk's lookup said about a row's ID number. */
typedef struct row_lookup {
	const person *known; /* the registered person with this number, or NULL */
	long dup_of;         /* > 0: the earlier row of this file with the number */
} row_lookup;

/* Handles one data row: 0 go on, non-zero stop (fatal set).  New persons
 * are queued in c->ins and written when the chunk ends. */
static int data_row(import_ctx *c, long row, int nf, const char *const *fields, const row_lookup *lk)
{
	import_report *rep = c->rep;
	rep->rows++;
	const char *v[F_COUNT];
	for (int f = 0; f < F_COUNT; f++)
		v[f] = field_of(c, f, nf, fields);
	jn_fields fe = {0};
	person_input in = {.id_number = v[F_ID] ? v[F_ID] : "", .name = v[F_NAME] ? v[F_NAME] : "",
			   .gender = v[F_GENDER], .birth_date = v[F_BIRTH], .phone = v[F_PHONE],
			   .region = v[F_REGION] ? v[F_REGION] : "", .occupation = v[F_OCC], .level = v[F_LEVEL],
			   .employer = v[F_EMPLOYER], .education = v[F_EDU]};
	person p;
	const person *have = lk->known;
	if (lk->dup_of > 0)
		jn_fields_add(&fe, "id_number", "duplicate_in_file", "身份证号与第%ld行重复", lk->dup_of);
	else if (have && !store_scope_allows_region(c->sc, have->region))
		jn_fields_add(&fe, "id_number", "out_of_scope",
			      "此人已在其他地区登记，不在您的管辖范围内，请联系所属地区经办机构");
	if (!fe.count) {
		jn_err e = person_from_input(c->t, c->cache, &in, have, c->today, &p, &fe);
		if (e && e != JN_EINVAL) {
			c->fatal = e;
			return 1;
		}
	}
	if (!fe.count) {
		jn_err e = JN_OK;
		if (have && person_same(have, &p)) {
			rep->unchanged++;
		} else if (have) {
			e = person_write(c->t, c->sc, have, &p, 0);
			if (!e)
				rep->updated++;
		} else if (!store_scope_allows_region(c->sc, p.region)) {
			e = JN_EFORBIDDEN;
		} else {
			c->ins[c->nins++] = p;
			rep->created++;
		}
		if (e == JN_EFORBIDDEN) {
			jn_fields_add(&fe, "region", "out_of_scope", "所属地区不在您的管辖范围内");
		} else if (e) {
			c->fatal = e;
			return 1;
		}
	}
	if (fe.count) {
		rep->rejected++;
		char reason[1024];
		size_t o = 0;
		reason[0] = '\0';
		for (int k = 0; k < fe.count && k < JN_FIELDS_MAX; k++) {
			const jn_field_error *x = &fe.e[k];
			const char *label = column_label(c, x->field);
			add_error(c, row, label, x->field, x->code, x->message);
			int w = snprintf(reason + o, sizeof reason - o, "%s%s：%s", k ? "；" : "", label, x->message);
			if (w > 0 && (size_t)w < sizeof reason - o)
				o += (size_t)w;
		}
		write_reject(c, row, nf, fields, reason);
	}
	if (c->o->progress && rep->rows >= c->next_progress) {
		c->o->progress(c->o->progress_ctx, rep->rows, c->total_estimate);
		c->next_progress = rep->rows + (c->total_estimate > 0 ? c->total_estimate / 20 + 1 : 10000);
	}
	return 0;
}

/* The fields of pending row k, as pointers into the arena. */
static int pending_fields(const import_ctx *c, int k, const char **f)
{
	const pending_row *r = &c->pend[k];
	const char *x = c->arena + r->off;
	for (int i = 0; i < r->nf; i++) {
		f[i] = x;
		x += strlen(x) + 1;
	}
	return r->nf;
}

/* Checks and writes the pending rows: one lookup of their ID numbers, then
 * row by row in file order, then one bulk insert of the new persons. */
static int process_chunk(import_ctx *c)
{
	const char *ids[CHUNK_ROWS];
	char idbuf[CHUNK_ROWS][19];
	int slot[CHUNK_ROWS], found[CHUNK_ROWS], nids = 0;
	row_lookup lk[CHUNK_ROWS];
	const char *f[TABLE_MAX_FIELDS];
	for (int k = 0; k < c->npend; k++) {
		lk[k] = (row_lookup){0};
		slot[k] = -1;
		int nf = pending_fields(c, k, f);
		const char *idv = field_of(c, F_ID, nf, f);
		id_info info;
		if (!idv || id_parse(idv, strlen(idv), c->today, &info) != ID_OK)
			continue;
		int r = idset_add(&c->seen, info.number, c->pend[k].rowno, &lk[k].dup_of);
		if (r < 0) {
			c->fatal = JN_ENOMEM;
			return 1;
		}
		if (r == 1)
			continue;
		lk[k].dup_of = 0;
		memcpy(idbuf[nids], info.number, 19);
		ids[nids] = idbuf[nids];
		slot[k] = nids++;
	}
	jn_err e = store_persons_by_id_numbers(c->t, nids, ids, c->known, found);
	if (e) {
		c->fatal = e;
		return 1;
	}
	for (int k = 0; k < c->npend; k++) {
		if (slot[k] >= 0 && found[slot[k]])
			lk[k].known = &c->known[slot[k]];
		int nf = pending_fields(c, k, f);
		if (data_row(c, c->pend[k].rowno, nf, f, &lk[k]))
			return 1;
	}
	c->npend = 0;
	c->alen = 0;
	e = person_insert_many(c->t, c->sc, c->ins, c->nins);
	c->nins = 0;
	if (e) {
		c->fatal = e;
		return 1;
	}
	return 0;
}

/* Queues a data row (blank rows are skipped); a full chunk is processed. */
static int queue_row(import_ctx *c, long rowno, int nf, const char *const *fields)
{
	int blank = 1;
	size_t need = 0;
	for (int i = 0; i < nf; i++) {
		need += strlen(fields[i]) + 1;
		if (fields[i][0] && i < c->nheaders)
			for (int f = 0; f < F_COUNT; f++)
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
	return c->npend == CHUNK_ROWS ? process_chunk(c) : 0;
}

static int on_row(void *ctx, long rowno, int nf, const char *const *fields)
{
	import_ctx *c = ctx;
	if (!c->headers) {
		int r = header_row(c, nf, fields);
		if (r < 0)
			c->fatal = JN_ENOMEM;
		return r ? 1 : 0;
	}
	return queue_row(c, rowno, nf, fields);
}

jn_err import_persons(store *s, const scope *sc, const char *data, size_t len, const import_opts *o,
		      import_report *rep)
{
	memset(rep, 0, sizeof *rep);
	rep->errors = json_array();
	import_ctx c = {.s = s, .sc = sc, .o = o, .rep = rep, .today = store_today()};
	c.cache = occ_cache_create();
	if (!c.cache || !rep->errors) {
		occ_cache_destroy(c.cache);
		json_decref(rep->errors);
		rep->errors = NULL;
		return JN_ENOMEM;
	}
	char err[256] = "";
	int rc;
	char *utf8 = NULL;
	size_t ulen = 0;
	jn_err e = stx_begin(s, 1, &c.t);
	if (e) {
		occ_cache_destroy(c.cache);
		return e;
	}
	if (table_is_xlsx(data, len)) {
		snprintf(rep->encoding, sizeof rep->encoding, "xlsx");
		rc = xlsx_read(data, len, on_row, &c, err, sizeof err);
	} else {
		text_encoding enc;
		rc = text_to_utf8(data, len, &utf8, &ulen, &enc, err, sizeof err);
		if (rc == TABLE_OK) {
			snprintf(rep->encoding, sizeof rep->encoding, "%s",
				 enc == ENC_GB18030 ? "gb18030" : enc == ENC_UTF8_BOM ? "utf-8-bom" : "utf-8");
			for (size_t i = 0; i < ulen; i++)
				c.total_estimate += utf8[i] == '\n';
			c.next_progress = c.total_estimate / 20 + 1;
			rc = csv_read(utf8, ulen, on_row, &c, err, sizeof err);
		}
	}
	free(utf8);
	if (rc == TABLE_OK && !c.fatal && c.npend)
		process_chunk(&c);
	if (rc < 0 || (rc == TABLE_OK && !c.headers)) {
		add_error(&c, 0, "", "file", rc == TABLE_ETOOBIG ? "too_large" : "bad_format",
			  err[0] ? err : "文件是空的，没有表头行");
		if (!c.fatal)
			c.fatal = JN_EINVAL;
	}
	if (!c.fatal && rep->rejected && !o->partial)
		c.fatal = JN_EINVAL;
	if (!c.fatal && !o->dry_run && (rep->created || rep->updated)) {
		char summary[200], sha[65];
		unsigned char h[crypto_hash_sha256_BYTES];
		crypto_hash_sha256(h, (const unsigned char *)data, len);
		sodium_bin2hex(sha, sizeof sha, h, sizeof h);
		snprintf(summary, sizeof summary,
			 "{\"rows\":%ld,\"created\":%ld,\"updated\":%ld,\"rejected\":%ld,\"sha256\":\"%s\"}", rep->rows,
			 rep->created, rep->updated, rep->rejected, sha);
		e = store_audit(c.t, sc, "import.persons", "persons", NULL, summary);
		if (e)
			c.fatal = e;
	}
	if (c.fatal || o->dry_run) {
		stx_rollback(c.t);
	} else {
		e = stx_commit(c.t);
		if (e)
			c.fatal = e;
		else
			rep->committed = 1;
	}
	/* A bulk load changes what the query planner should choose. */
	if (rep->committed && rep->created + rep->updated >= 10000)
		store_analyze(s);
	if (c.rejects)
		table_writer_close(c.rejects);
	if (o->progress && !c.fatal)
		o->progress(o->progress_ctx, rep->rows, rep->rows);
	for (int i = 0; i < c.nheaders; i++)
		free(c.headers[i]);
	free(c.headers);
	free(c.seen.e);
	free(c.arena);
	occ_cache_destroy(c.cache);
	if (c.fatal == JN_EINVAL && o->dry_run)
		return JN_EINVAL;
	return c.fatal;
}

json_t *import_report_json(const import_report *rep)
{
	json_t *j = json_object();
	json_object_set_new(j, "rows", json_integer(rep->rows));
	json_object_set_new(j, "created", json_integer(rep->created));
	json_object_set_new(j, "updated", json_integer(rep->updated));
	json_object_set_new(j, "unchanged", json_integer(rep->unchanged));
	json_object_set_new(j, "rejected", json_integer(rep->rejected));
	json_object_set_new(j, "committed", json_boolean(rep->committed));
	json_object_set_new(j, "encoding", json_string(rep->encoding));
	json_object_set_new(j, "errors", rep->errors ? json_incref(rep->errors) : json_array());
	return j;
}

void import_report_free(import_report *rep)
{
	json_decref(rep->errors);
	rep->errors = NULL;
}
