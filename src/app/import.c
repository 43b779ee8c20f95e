/* import.c — importing persons from a spreadsheet (CSV or XLSX).
 *
 * One transaction for the whole file: by default one bad row rejects the
 * file and nothing is written; with partial the good rows are written and
 * the bad ones go to a rejects file with a reason column.  The ID number is
 * the key: a known person is updated (and the change audited), an unchanged
 * row changes nothing, so importing the same file twice is harmless.  The
 * reading, reporting and transaction are table_import.c's; this file is
 * what is particular to persons: the columns and how a chunk of rows is
 * checked against the registry and written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/table_import.h"
#include "core/idcard.h"

enum { F_ID, F_NAME, F_GENDER, F_BIRTH, F_PHONE, F_REGION, F_OCC, F_LEVEL, F_EMPLOYER, F_EDU, F_TAGS, F_INSURED, F_COUNT };

static const import_column COLUMNS[F_COUNT] = {
	[F_ID] = {"id_number", "身份证号", {"身份证号码", "公民身份号码", "证件号码", "身份证"}, 1},
	[F_NAME] = {"name", "姓名", {"名字"}, 1},
	[F_GENDER] = {"gender", "性别", {0}},
	[F_BIRTH] = {"birth_date", "出生日期", {0}},
	[F_PHONE] = {"phone", "手机号", {"手机号码", "联系电话", "电话", "手机"}},
	[F_REGION] = {"region", "所属地区", {"地区", "区划代码", "所属区县", "地区代码"}, 1},
	[F_OCC] = {"occupation", "职业", {"职业（工种）", "职业(工种)", "职业编码", "工种"}},
	[F_LEVEL] = {"level", "技能等级", {"等级", "职业技能等级"}},
	[F_EMPLOYER] = {"employer", "工作单位", {"单位", "单位名称"}},
	[F_EDU] = {"education", "文化程度", {"学历"}},
	[F_TAGS] = {"tags", "人员类别", {"群体标签", "人员类型", "重点群体"}},
	[F_INSURED] = {"insured_from", "参保起始日期", {"失业保险参保日期", "参保日期", "参保时间"}},
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

typedef struct person_import {
	occ_cache *cache;
	idset seen;
	person known[IMPORT_CHUNK_ROWS]; /* chunk lookups, and the persons to insert */
	person ins[IMPORT_CHUNK_ROWS];
	int nins;
} person_import;

/* What the chunk's lookup said about a row's ID number. */
typedef struct row_lookup {
	const person *known; /* the registered person with this number, or NULL */
	long dup_of;         /* > 0: the earlier row of this file with the number */
} row_lookup;

/* Checks one data row: a known person is updated now, a new one queued in
 * pi->ins (written when the chunk ends); a bad row is rejected.  Anything
 * but JN_OK stops the import. */
static jn_err data_row(person_import *pi, table_import *ti, const import_row *row, const row_lookup *lk)
{
	import_report *rep = import_rep(ti);
	const scope *sc = import_scope(ti);
	const char *const *v = row->v;
	jn_fields fe = {0};
	person_input in = {.id_number = v[F_ID] ? v[F_ID] : "", .name = v[F_NAME] ? v[F_NAME] : "",
			   .gender = v[F_GENDER], .birth_date = v[F_BIRTH], .phone = v[F_PHONE],
			   .region = v[F_REGION] ? v[F_REGION] : "", .occupation = v[F_OCC], .level = v[F_LEVEL],
			   .employer = v[F_EMPLOYER], .education = v[F_EDU], .tags = v[F_TAGS],
			   .insured_from = v[F_INSURED]};
	person p;
	const person *have = lk->known;
	if (lk->dup_of > 0)
		jn_fields_add(&fe, "id_number", "duplicate_in_file", "身份证号与第%ld行重复", lk->dup_of);
	else if (have && !store_scope_allows_region(sc, have->region))
		jn_fields_add(&fe, "id_number", "out_of_scope",
			      "此人已在其他地区登记，不在您的管辖范围内，请联系所属地区经办机构");
	if (!fe.count) {
		jn_err e = person_from_input(import_tx(ti), pi->cache, &in, have, import_today(ti), &p, &fe);
		if (e && e != JN_EINVAL)
			return e;
	}
	if (!fe.count) {
		jn_err e = JN_OK;
		if (have && person_same(have, &p)) {
			rep->unchanged++;
		} else if (have) {
			e = person_write(import_tx(ti), sc, have, &p, 0);
			if (!e)
				rep->updated++;
		} else if (!store_scope_allows_region(sc, p.region)) {
			e = JN_EFORBIDDEN;
		} else {
			pi->ins[pi->nins++] = p;
			rep->created++;
		}
		if (e == JN_EFORBIDDEN)
			jn_fields_add(&fe, "region", "out_of_scope", "所属地区不在您的管辖范围内");
		else if (e)
			return e;
	}
	if (fe.count)
		import_reject(ti, row, &fe);
	return JN_OK;
}

/* Checks and writes a chunk: one lookup of its ID numbers, then row by row
 * in file order, then one bulk insert of the new persons. */
static jn_err person_chunk(void *ctx, table_import *ti, const import_row *rows, int n)
{
	person_import *pi = ctx;
	const char *ids[IMPORT_CHUNK_ROWS];
	char idbuf[IMPORT_CHUNK_ROWS][19];
	int slot[IMPORT_CHUNK_ROWS], found[IMPORT_CHUNK_ROWS], nids = 0;
	row_lookup lk[IMPORT_CHUNK_ROWS];
	for (int k = 0; k < n; k++) {
		lk[k] = (row_lookup){0};
		slot[k] = -1;
		const char *idv = rows[k].v[F_ID];
		id_info info;
		if (!idv || id_parse(idv, strlen(idv), import_today(ti), &info) != ID_OK)
			continue;
		int r = idset_add(&pi->seen, info.number, rows[k].rowno, &lk[k].dup_of);
		if (r < 0)
			return JN_ENOMEM;
		if (r == 1)
			continue;
		lk[k].dup_of = 0;
		memcpy(idbuf[nids], info.number, 19);
		ids[nids] = idbuf[nids];
		slot[k] = nids++;
	}
	jn_err e = store_persons_by_id_numbers(import_tx(ti), nids, ids, pi->known, found);
	if (e)
		return e;
	for (int k = 0; k < n; k++) {
		if (slot[k] >= 0 && found[slot[k]])
			lk[k].known = &pi->known[slot[k]];
		if ((e = data_row(pi, ti, &rows[k], &lk[k])) != JN_OK)
			return e;
	}
	e = person_insert_many(import_tx(ti), import_scope(ti), pi->ins, pi->nins);
	pi->nins = 0;
	return e;
}

jn_err import_persons(store *s, const scope *sc, const char *data, size_t len, const import_opts *o,
		      import_report *rep)
{
	person_import *pi = calloc(1, sizeof *pi);
	if (pi)
		pi->cache = occ_cache_create();
	if (!pi || !pi->cache) {
		free(pi);
		memset(rep, 0, sizeof *rep);
		return JN_ENOMEM;
	}
	import_spec spec = {"persons", COLUMNS, F_COUNT, person_chunk, pi, 1};
	jn_err e = table_import_run(s, sc, data, len, o, &spec, rep);
	free(pi->seen.e);
	occ_cache_destroy(pi->cache);
	free(pi);
	return e;
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
