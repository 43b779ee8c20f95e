/* record.c — the lifelong record (终身职业技能培训电子档案) as people read
 * it: one timeline per worker, newest first, each entry with where the fact
 * comes from and who recorded it; downloads as PDF and XLSX; corrections,
 * which are new entries pointing at the one they correct (nothing is ever
 * changed or removed — the database refuses both).  Certificates enter the
 * record from the certification services through record_certificate. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/certify.h"
#include "app/record.h"
#include "core/cert.h"
#include "core/mask.h"
#include "core/regions.h"
#include "io/record_pdf.h"
#include "io/table.h"

static const struct {
	const char *kind, *name;
} KINDS[] = {
	{"training", "培训"},
	{"enrolment", "报名培训"},
	{"certificate", "取得证书"},
	{"certificate_revoked", "证书注销"},
	{"voucher", "培训券"},
	{"voucher_used", "使用培训券"},
	{"voucher_expired", "培训券过期"},
	{"subsidy", "补贴"},
	{"correction", "更正"},
	{"contest", "技能竞赛"},
	{"honour", "荣誉"},
	{"credit", "学分"},
};

const char *record_kind_name(const char *kind)
{
	for (size_t i = 0; i < sizeof KINDS / sizeof KINDS[0]; i++)
		if (strcmp(KINDS[i].kind, kind) == 0)
			return KINDS[i].name;
	return kind;
}

/* ---- certificates enter the record ---- */

jn_err record_certificate(stx *t, const scope *sc, const certificate *c, int revoked)
{
	record_entry e;
	memset(&e, 0, sizeof e);
	e.person_id = c->person_id;
	const level_info *li = level_by_rank(c->level);
	const char *lname = li ? li->name : "";
	snprintf(e.on_date, sizeof e.on_date, "%s", revoked ? c->revoked_on : c->issued_on);
	if (!e.on_date[0]) {
		int today = store_today();
		ymd_text(today, e.on_date);
	}
	snprintf(e.kind, sizeof e.kind, "%s", revoked ? "certificate_revoked" : "certificate");
	snprintf(e.title, sizeof e.title, "%s%.160s %s", revoked ? "职业技能等级证书注销：" : "取得职业技能等级证书：",
		 c->occupation_name, lname);
	snprintf(e.ref_kind, sizeof e.ref_kind, "certificate");
	e.ref_id = c->id;
	snprintf(e.source, sizeof e.source, "%s", c->imported ? "历史证书导入" : c->body_name);
	snprintf(e.recorded_by, sizeof e.recorded_by, "%s", actor_name(sc));
	json_t *d = json_pack("{s:s, s:s, s:s, s:i, s:s, s:s}", "number", c->number, "occupation", c->occupation,
			      "occupation_name", c->occupation_name, "level", c->level, "level_name", lname, "body_name",
			      c->body_name);
	if (revoked)
		json_object_set_new(d, "reason", json_string(c->revoke_reason));
	char *text = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(d);
	if (!text)
		return JN_ENOMEM;
	e.detail = text;
	jn_err err = store_record_add(t, &e);
	free(text);
	return err;
}

/* ---- reading ---- */

static json_t *entry_json(const record_entry *e)
{
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(e->id));
	json_object_set_new(j, "on_date", json_string(e->on_date));
	json_object_set_new(j, "kind", json_string(e->kind));
	json_object_set_new(j, "kind_name", json_string(record_kind_name(e->kind)));
	json_object_set_new(j, "title", json_string(e->title));
	json_t *d = e->detail ? json_loads(e->detail, 0, NULL) : NULL;
	if (!json_is_object(d)) {
		json_decref(d);
		d = json_object();
	}
	json_object_set_new(j, "detail", d);
	json_object_set_new(j, "ref_kind", e->ref_kind[0] ? json_string(e->ref_kind) : json_null());
	json_object_set_new(j, "ref_id", e->ref_id ? json_integer(e->ref_id) : json_null());
	json_object_set_new(j, "source", json_string(e->source));
	json_object_set_new(j, "recorded_by", json_string(e->recorded_by));
	json_object_set_new(j, "recorded_at", json_string(e->recorded_at));
	json_object_set_new(j, "corrects", e->corrects ? json_integer(e->corrects) : json_null());
	json_object_set_new(j, "corrected_by", json_null());
	return j;
}

static int take_entry(void *ctx, const record_entry *e)
{
	return json_array_append_new((json_t *)ctx, entry_json(e)) ? 1 : 0;
}

/* Sets corrected_by on every entry a later one corrects (the latest
 * correction when there were several). */
static void link_corrections(json_t *items)
{
	size_t i, k;
	json_t *c, *x;
	json_array_foreach(items, i, c)
	{
		json_int_t target = json_integer_value(json_object_get(c, "corrects"));
		json_int_t id = json_integer_value(json_object_get(c, "id"));
		if (!target)
			continue;
		json_array_foreach(items, k, x)
		{
			if (json_integer_value(json_object_get(x, "id")) != target)
				continue;
			json_t *prev = json_object_get(x, "corrected_by");
			if (!json_is_integer(prev) || json_integer_value(prev) < id)
				json_object_set_new(x, "corrected_by", json_integer(id));
		}
	}
}

static json_t *record_person_json(const person *p)
{
	char masked[32];
	mask_id(p->id_number, masked, sizeof masked);
	const region_entry *r = region_find(p->region);
	return json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)p->id, "name", p->name, "id_number_masked",
			 masked, "region", p->region, "region_name", r ? r->name : "");
}

static int self_read(const scope *sc, int64_t person_id)
{
	return !sc->system && sc->role == ROLE_WORKER && sc->person_id == person_id;
}

jn_err record_read(store *s, const scope *sc, int64_t person_id, const char *format, json_t **out)
{
	int audited = !self_read(sc, person_id);
	stx *t;
	jn_err e = stx_begin(s, audited, &t);
	if (e)
		return e;
	person p;
	e = store_person_get(t, sc, person_id, &p);
	json_t *items = json_array();
	if (!e)
		e = store_record_list(t, person_id, take_entry, items);
	if (!e && audited) {
		char subj[64];
		snprintf(subj, sizeof subj, "person:%lld", (long long)person_id);
		char *after = audit_text(json_pack("{s:s, s:I}", "format", format ? format : "json", "entries",
						   (json_int_t)json_array_size(items)));
		e = after ? store_audit(t, sc, "read.person.record", subj, NULL, after) : JN_ENOMEM;
		free(after);
	}
	e = audited ? tx_end(t, e) : (stx_rollback(t), e);
	if (e) {
		json_decref(items);
		return e;
	}
	link_corrections(items);
	char now[32];
	store_now(now);
	json_t *j = json_object();
	json_object_set_new(j, "person", record_person_json(&p));
	json_object_set_new(j, "count", json_integer((json_int_t)json_array_size(items)));
	json_object_set_new(j, "generated_at", json_string(now));
	json_object_set_new(j, "items", items);
	*out = j;
	return JN_OK;
}

static const char *str_of(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));
	return v ? v : "";
}

/* What the downloads print in the 事项 column: the title, with the
 * correction it is or has. */
static void title_cell(json_t *it, char *out, size_t cap)
{
	json_t *cb = json_object_get(it, "corrected_by"), *co = json_object_get(it, "corrects");
	const char *title = str_of(it, "title");
	const char *reason = str_of(json_object_get(it, "detail"), "reason");
	if (json_is_integer(co))
		snprintf(out, cap, "更正第%lld条：%s%s%s%s", (long long)json_integer_value(co), title,
			 reason[0] ? "（原因：" : "", reason, reason[0] ? "）" : "");
	else
		snprintf(out, cap, "%s", title);
	if (json_is_integer(cb)) {
		size_t n = strlen(out);
		snprintf(out + n, cap - n, "（已由第%lld条更正）", (long long)json_integer_value(cb));
	}
}

jn_err record_pdf(store *s, const scope *sc, int64_t person_id, char **data, size_t *len, char *err, size_t errcap)
{
	json_t *j;
	jn_err e = record_read(s, sc, person_id, "pdf", &j);
	if (e)
		return e;
	json_t *items = json_object_get(j, "items"), *pj = json_object_get(j, "person");
	size_t n = json_array_size(items);
	record_pdf_row *rows = calloc(n ? n : 1, sizeof *rows);
	char (*titles)[1024] = calloc(n ? n : 1, sizeof *titles);
	char (*ids)[24] = calloc(n ? n : 1, sizeof *ids);
	if (!rows || !titles || !ids) {
		free(rows);
		free(titles);
		free(ids);
		json_decref(j);
		return JN_ENOMEM;
	}
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		snprintf(ids[i], sizeof ids[i], "%lld", (long long)json_integer_value(json_object_get(it, "id")));
		title_cell(it, titles[i], sizeof titles[i]);
		rows[i].id = ids[i];
		rows[i].on_date = str_of(it, "on_date");
		rows[i].kind_name = str_of(it, "kind_name");
		rows[i].title = titles[i];
		rows[i].source = str_of(it, "source");
		rows[i].recorded_by = str_of(it, "recorded_by");
	}
	char made[64];
	snprintf(made, sizeof made, "%.10s %.8s UTC", str_of(j, "generated_at"), str_of(j, "generated_at") + 11);
	record_pdf_doc d = {str_of(pj, "name"), str_of(pj, "id_number_masked"), str_of(pj, "region_name"), made,
			    rows, (int)n};
	unsigned char *pdf = NULL;
	size_t pdflen = 0;
	int rc = record_pdf_render(&d, &pdf, &pdflen, err, errcap);
	free(rows);
	free(titles);
	free(ids);
	json_decref(j);
	if (rc == CERT_PDF_ENOMEM)
		return JN_ENOMEM;
	if (rc != CERT_PDF_OK)
		return JN_EIO;
	*data = (char *)pdf;
	*len = pdflen;
	return JN_OK;
}

static const char *const XLSX_HEAD[] = {"编号", "日期", "类别", "事项", "来源", "记录人", "记录时间",
					"更正第几条", "被第几条更正", "姓名", "证件号码"};
#define XLSX_COLS ((int)(sizeof XLSX_HEAD / sizeof XLSX_HEAD[0]))

/* Reads the whole file at path into *data. */
static jn_err slurp(const char *path, char **data, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0)
		return JN_EIO;
	if (fstat(fd, &st) != 0) {
		close(fd);
		return JN_EIO;
	}
	char *buf = malloc((size_t)st.st_size + 1);
	size_t got = 0;
	while (buf && got < (size_t)st.st_size) {
		ssize_t k = read(fd, buf + got, (size_t)st.st_size - got);
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	close(fd);
	if (!buf || got != (size_t)st.st_size) {
		free(buf);
		return buf ? JN_EIO : JN_ENOMEM;
	}
	*data = buf;
	*len = got;
	return JN_OK;
}

jn_err record_xlsx(store *s, const scope *sc, int64_t person_id, char **data, size_t *len, char *err, size_t errcap)
{
	json_t *j;
	jn_err e = record_read(s, sc, person_id, "xlsx", &j);
	if (e)
		return e;
	const char *dir = getenv("TMPDIR");
	char path[96];
	snprintf(path, sizeof path, "%s/jineng-record-XXXXXX", dir && dir[0] && strlen(dir) < 48 ? dir : "/tmp");
	int fd = mkstemp(path);
	if (fd < 0) {
		json_decref(j);
		snprintf(err, errcap, "无法创建临时文件");
		return JN_EIO;
	}
	close(fd);
	table_writer *w = table_writer_open(TABLE_XLSX, path, NULL, "终身职业技能培训电子档案");
	int rc = w ? table_writer_row(w, XLSX_COLS, XLSX_HEAD) : -1;
	json_t *items = json_object_get(j, "items"), *pj = json_object_get(j, "person");
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		if (rc)
			break;
		char id[24], co[24] = "", cb[24] = "", title[1024];
		snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(it, "id")));
		if (json_is_integer(json_object_get(it, "corrects")))
			snprintf(co, sizeof co, "%lld", (long long)json_integer_value(json_object_get(it, "corrects")));
		if (json_is_integer(json_object_get(it, "corrected_by")))
			snprintf(cb, sizeof cb, "%lld", (long long)json_integer_value(json_object_get(it, "corrected_by")));
		title_cell(it, title, sizeof title);
		const char *row[] = {id,
				     str_of(it, "on_date"),
				     str_of(it, "kind_name"),
				     title,
				     str_of(it, "source"),
				     str_of(it, "recorded_by"),
				     str_of(it, "recorded_at"),
				     co,
				     cb,
				     str_of(pj, "name"),
				     str_of(pj, "id_number_masked")};
		rc = table_writer_row(w, XLSX_COLS, row);
	}
	if (w && table_writer_close(w) != 0)
		rc = -1;
	json_decref(j);
	if (!rc)
		e = slurp(path, data, len);
	unlink(path);
	if (rc) {
		snprintf(err, errcap, "生成档案表格失败");
		return JN_EIO;
	}
	return e;
}

/* ---- corrections ---- */

typedef struct find_corr {
	int64_t target, by;
} find_corr;

static int corr_of(void *ctx, const record_entry *e)
{
	find_corr *f = ctx;
	if (e->corrects == f->target && e->id > f->by)
		f->by = e->id;
	return 0;
}

jn_err record_correct(store *s, const scope *sc, int64_t person_id, int64_t entry_id, const record_correction *in,
		      json_t **out, jn_fields *fe)
{
	*out = NULL;
	if (!role_may(sc, ROLE_ADMIN | ROLE_COUNTY))
		return refuse_role(fe, sc, "更正档案");
	stx *t;
	jn_err e = stx_begin(s, 1, &t);
	if (e)
		return e;
	/* Someone out of scope, or an entry not theirs: not found, whatever the body says. */
	person p;
	if ((e = store_person_get(t, sc, person_id, &p)) != JN_OK)
		return tx_end(t, e);
	record_entry old;
	if ((e = store_record_get(t, person_id, entry_id, &old)) != JN_OK)
		return tx_end(t, e);
	char title[256], reason[512];
	take_text(fe, "title", "更正后的事项", in->title, 80, 1, title, sizeof title);
	take_text(fe, "reason", "更正原因", in->reason, 150, 1, reason, sizeof reason);
	if (in->detail && !json_is_object(in->detail))
		fe_add(fe, "detail", "wrong_type", "详情应为 JSON 对象");
	if (fe->count)
		return tx_end(t, JN_EINVAL);
	find_corr fc = {entry_id, 0};
	if ((e = store_record_list(t, person_id, corr_of, &fc)) != JN_OK)
		return tx_end(t, e);
	if (fc.by) {
		fe_add(fe, "entry_id", "already_corrected", "第%lld条记录已由第%lld条更正，请更正第%lld条", (long long)entry_id,
		       (long long)fc.by, (long long)fc.by);
		return tx_end(t, JN_ECONFLICT);
	}
	record_entry n;
	memset(&n, 0, sizeof n);
	n.person_id = person_id;
	ymd_text(store_today(), n.on_date);
	snprintf(n.kind, sizeof n.kind, "correction");
	snprintf(n.title, sizeof n.title, "%s", title);
	snprintf(n.ref_kind, sizeof n.ref_kind, "%s", old.ref_kind);
	n.ref_id = old.ref_id;
	const region_entry *r = sc->region[0] ? region_find(sc->region) : NULL;
	snprintf(n.source, sizeof n.source, "%s人力资源和社会保障部门更正", r ? r->name : "");
	snprintf(n.recorded_by, sizeof n.recorded_by, "%s", actor_name(sc));
	n.corrects = entry_id;
	json_t *details = in->detail ? json_incref(in->detail) : json_object();
	json_t *d = json_pack("{s:s, s:o, s:{s:s, s:s, s:s}}", "reason", reason, "details", details, "original",
			      "on_date", old.on_date, "kind", old.kind, "title", old.title);
	char *dt = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
	n.detail = dt;
	e = dt ? store_record_add(t, &n) : JN_ENOMEM;
	if (!e) {
		char subj[64];
		snprintf(subj, sizeof subj, "person:%lld", (long long)person_id);
		char *after = audit_text(json_pack("{s:I, s:I, s:s, s:s}", "entry_id", (json_int_t)n.id, "corrects",
						   (json_int_t)entry_id, "title", title, "reason", reason));
		e = after ? store_audit(t, sc, "record.correct", subj, NULL, after) : JN_ENOMEM;
		free(after);
	}
	if (!e)
		*out = entry_json(&n);
	free(dt);
	json_decref(d);
	e = tx_end(t, e);
	if (e && *out) {
		json_decref(*out);
		*out = NULL;
	}
	return e;
}
