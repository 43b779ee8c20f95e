/* person.c — creating, changing and reading person records: validation of
 * what people type, the audit entries that go with every write and every
 * full read, and the JSON shape of a person. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "core/idcard.h"
#include "core/mask.h"
#include "core/phone.h"
#include "core/cert.h"
#include "core/regions.h"
#include "core/tags.h"
#include "core/text.h"

/* ---- occupation lookups, remembered during an import ---- */
#define OCC_SLOTS 4096 /* more than the catalogue has, so lookups rarely collide */
struct occ_cache {
	char key[OCC_SLOTS][96];
	char code[OCC_SLOTS][16]; /* "" = known not to exist */
	int used[OCC_SLOTS];
};

occ_cache *occ_cache_create(void) { return calloc(1, sizeof(occ_cache)); }
void occ_cache_destroy(occ_cache *c) { free(c); }

static unsigned hash_str(const char *s)
{
	unsigned h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static int looks_like_code(const char *s)
{
	/* 6-18-02-04, or a group code 6-18-00-00 */
	size_t n = strlen(s);
	if (n != 10)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (i == 1 || i == 4 || i == 7) {
			if (s[i] != '-')
				return 0;
		} else if (s[i] < '0' || s[i] > '9') {
			return 0;
		}
	}
	return 1;
}

/* Finds the occupation code for a code or a name; 1 found, 0 not, -1 error. */
static int occupation_lookup(stx *t, occ_cache *c, const char *text, char code[16])
{
	unsigned slot = 0;
	if (c && strlen(text) < sizeof c->key[0]) {
		slot = hash_str(text) % OCC_SLOTS;
		if (c->used[slot] && strcmp(c->key[slot], text) == 0) {
			memcpy(code, c->code[slot], 16);
			return code[0] ? 1 : 0;
		}
	}
	occupation o;
	jn_err e = looks_like_code(text) ? store_occupation_get(t, text, &o) : store_occupation_by_name(t, text, &o);
	if (e && e != JN_ENOTFOUND)
		return -1;
	if (e == JN_ENOTFOUND)
		o.code[0] = '\0';
	memcpy(code, o.code, 16);
	if (c && strlen(text) < sizeof c->key[0]) {
		c->used[slot] = 1;
		snprintf(c->key[slot], sizeof c->key[slot], "%s", text);
		memcpy(c->code[slot], o.code, 16);
	}
	return code[0] ? 1 : 0;
}

static int is_given(const char *s) { return s != NULL; }
static int is_blank(const char *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t')
			return 0;
	return 1;
}

/* Normalises text into dst or records the reason under field. */
static void take_text(const char *field, const char *label, const char *in, size_t maxc, int name_rules,
		      char *dst, size_t cap, jn_fields *fe)
{
	char *out = NULL, *flat = NULL;
	if (!name_rules) {
		/* Free text from a spreadsheet cell may span lines (Alt+Enter in
		 * Excel): keep it on one line rather than refuse it. */
		flat = strdup(in);
		if (!flat) {
			jn_fields_add(fe, field, "out_of_memory", "%s无法处理", label);
			return;
		}
		for (char *c = flat; *c; c++)
			if (*c == '\r' || *c == '\n' || *c == '\t')
				*c = ' ';
		in = flat;
	}
	text_status st = name_rules ? text_normalize_name(in, strlen(in), maxc, &out)
				    : text_normalize(in, strlen(in), maxc, &out);
	free(flat);
	if (st == TEXT_EMPTY && !name_rules) {
		dst[0] = '\0';
		return;
	}
	if (st != TEXT_OK) {
		if (st == TEXT_TOO_LONG)
			jn_fields_add(fe, field, text_status_code(st), "%s不能超过%zu个字", label, maxc);
		else
			jn_fields_add(fe, field, text_status_code(st), "%s%s", label, text_status_message(st));
		return;
	}
	if (strlen(out) >= cap)
		jn_fields_add(fe, field, "text_too_long", "%s过长", label);
	else
		memcpy(dst, out, strlen(out) + 1);
	free(out);
}

static char gender_parse(const char *s)
{
	static const struct {
		const char *text;
		char g;
	} G[] = {{"男", 'M'}, {"M", 'M'}, {"m", 'M'}, {"male", 'M'}, {"女", 'F'}, {"F", 'F'}, {"f", 'F'}, {"female", 'F'}};
	for (size_t i = 0; i < sizeof G / sizeof G[0]; i++)
		if (strcmp(s, G[i].text) == 0)
			return G[i].g;
	return 0;
}

jn_err person_from_input(stx *t, occ_cache *cache, const person_input *in, const person *base, int today,
			 person *out, jn_fields *fe)
{
	person p;
	if (base)
		p = *base;
	else
		memset(&p, 0, sizeof p);

	/* ID number: the key, and the source of gender and birth date. */
	if (!base || is_given(in->id_number)) {
		if (!is_given(in->id_number) || is_blank(in->id_number)) {
			jn_fields_add(fe, "id_number", "required", "身份证号必须填写");
		} else {
			id_info info;
			id_status st = id_parse(in->id_number, strlen(in->id_number), today, &info);
			if (st != ID_OK) {
				char msg[256];
				id_status_message(st, &info, msg, sizeof msg);
				jn_fields_add(fe, "id_number", id_status_code(st), "%s", msg);
			} else if (base && strcmp(info.number, base->id_number) != 0) {
				jn_fields_add(fe, "id_number", "immutable", "身份证号是人员的唯一标识，不能修改");
			} else {
				memcpy(p.id_number, info.number, sizeof p.id_number);
				p.gender = info.gender;
				memcpy(p.birth_date, info.birth_date, sizeof p.birth_date);
			}
		}
	}
	if (!base || is_given(in->name)) {
		if (!is_given(in->name) || is_blank(in->name))
			jn_fields_add(fe, "name", "required", "姓名必须填写");
		else
			take_text("name", "姓名", in->name, 30, 1, p.name, sizeof p.name, fe);
	}
	/* Gender and birth date are derived; a given value must agree. */
	if (is_given(in->gender) && !is_blank(in->gender) && p.gender) {
		char g = gender_parse(in->gender);
		if (!g)
			jn_fields_add(fe, "gender", "invalid", "性别应填“男”或“女”");
		else if (g != p.gender)
			jn_fields_add(fe, "gender", "mismatch", "性别与身份证号不符（身份证号显示为%s）",
				      p.gender == 'M' ? "男" : "女");
	}
	if (is_given(in->birth_date) && !is_blank(in->birth_date) && p.birth_date[0]) {
		if (strcmp(in->birth_date, p.birth_date) != 0) {
			/* Also accept 19900101 and 1990/01/01 as the same date. */
			char digits[16];
			size_t k = 0;
			for (const char *c = in->birth_date; *c && k < sizeof digits - 1; c++)
				if (*c >= '0' && *c <= '9')
					digits[k++] = *c;
			digits[k] = '\0';
			char want[9] = {p.birth_date[0], p.birth_date[1], p.birth_date[2], p.birth_date[3],
					p.birth_date[5], p.birth_date[6], p.birth_date[8], p.birth_date[9], '\0'};
			if (strcmp(digits, want) != 0)
				jn_fields_add(fe, "birth_date", "mismatch", "出生日期与身份证号不符（身份证号显示为%s）",
					      p.birth_date);
		}
	}
	if (!base || is_given(in->region)) {
		if (!is_given(in->region) || is_blank(in->region)) {
			jn_fields_add(fe, "region", "required", "所属地区必须填写（县级区划代码或名称）");
		} else {
			const char *code = region_resolve(in->region);
			if (!code) {
				const region_entry *r = strlen(in->region) == 6 ? region_find(in->region) : NULL;
				if (r)
					jn_fields_add(fe, "region", "region_historical",
						      "地区代码%s（%s）已撤销，请填写现行代码", r->code, r->name);
				else
					jn_fields_add(fe, "region", "unknown_region", "所属地区“%.60s”不存在或不唯一",
						      in->region);
			} else {
				memcpy(p.region, code, 7);
			}
		}
	}
	if (is_given(in->phone)) {
		if (is_blank(in->phone)) {
			p.phone[0] = '\0';
		} else {
			phone_kind kind;
			phone_status st = phone_parse(in->phone, strlen(in->phone), p.phone, sizeof p.phone, &kind);
			if (st != PHONE_OK) {
				jn_fields_add(fe, "phone", phone_status_code(st), "%s", phone_status_message(st));
				p.phone[0] = '\0';
			}
		}
	}
	if (is_given(in->occupation)) {
		if (is_blank(in->occupation)) {
			p.occupation[0] = '\0';
		} else {
			char code[16];
			int r = occupation_lookup(t, cache, in->occupation, code);
			if (r < 0)
				return JN_EDB;
			if (r == 0)
				jn_fields_add(fe, "occupation", "unknown_occupation",
					      "职业“%.60s”不在职业分类大典（2022）中", in->occupation);
			else
				memcpy(p.occupation, code, sizeof p.occupation);
		}
	}
	if (is_given(in->level)) {
		if (is_blank(in->level)) {
			p.level = 0;
		} else {
			int lv = level_parse(in->level);
			if (!lv)
				jn_fields_add(fe, "level", "unknown_level",
					      "技能等级“%.40s”无效，应为学徒工、初级工（五级）…首席技师或1-8", in->level);
			else
				p.level = lv;
		}
	}
	if (is_given(in->employer))
		take_text("employer", "工作单位", in->employer, 100, 0, p.employer, sizeof p.employer, fe);
	if (is_given(in->education))
		take_text("education", "文化程度", in->education, 10, 0, p.education, sizeof p.education, fe);
	if (is_given(in->tags)) {
		char bad[64];
		if (tags_normalise(in->tags, p.tags, sizeof p.tags, bad, sizeof bad) != 0) {
			char known[512] = "";
			for (int i = 0; i < PERSON_TAGS_COUNT; i++)
				snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s", i ? "、" : "",
					 PERSON_TAGS[i]);
			jn_fields_add(fe, "tags", "unknown_tag", "人员类别“%s”无效，可选：%s", bad, known);
		}
	}
	if (is_given(in->insured_from)) {
		if (is_blank(in->insured_from)) {
			p.insured_from[0] = '\0';
		} else {
			int d = cert_date_parse(in->insured_from);
			if (!d)
				jn_fields_add(fe, "insured_from", "invalid_date",
					      "参保起始日期“%.20s”不是有效日期，应为 YYYY-MM-DD", in->insured_from);
			else if (today && d > today)
				jn_fields_add(fe, "insured_from", "future_date", "参保起始日期不能晚于今天");
			else
				cert_date_format(d, p.insured_from);
		}
	}

	*out = p;
	return fe->count ? JN_EINVAL : JN_OK;
}

json_t *person_json(const person *p, int masked)
{
	char idn[40], phone[40], gbuf[2] = {p->gender, '\0'};
	if (masked) {
		mask_id(p->id_number, idn, sizeof idn);
		mask_phone(p->phone, phone, sizeof phone);
	} else {
		snprintf(idn, sizeof idn, "%s", p->id_number);
		snprintf(phone, sizeof phone, "%s", p->phone);
	}
	const region_entry *r = region_find(p->region);
	const level_info *l = level_by_rank(p->level);
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(p->id));
	json_object_set_new(j, "id_number", json_string(idn));
	json_object_set_new(j, "name", json_string(p->name));
	json_object_set_new(j, "gender", json_string(gbuf));
	/* The hidden middle of a masked ID number is the birth date: a masked
	 * record gives the year only. */
	if (masked) {
		char year[5] = {0};
		memcpy(year, p->birth_date, 4);
		json_object_set_new(j, "birth_date", json_null());
		json_object_set_new(j, "birth_year", json_integer(strtol(year, NULL, 10)));
	} else {
		json_object_set_new(j, "birth_date", json_string(p->birth_date));
	}
	json_object_set_new(j, "region", json_string(p->region));
	json_object_set_new(j, "region_name", json_string(r ? r->name : ""));
	json_object_set_new(j, "phone", json_string(phone));
	json_object_set_new(j, "occupation", json_string(p->occupation));
	json_object_set_new(j, "level", json_integer(p->level));
	json_object_set_new(j, "level_name", json_string(l ? l->name : ""));
	json_object_set_new(j, "employer", json_string(p->employer));
	json_object_set_new(j, "education", json_string(p->education));
	json_t *tags = json_array();
	for (int i = 0; i < PERSON_TAGS_COUNT; i++)
		if (tags_has(p->tags, PERSON_TAGS[i]))
			json_array_append_new(tags, json_string(PERSON_TAGS[i]));
	json_object_set_new(j, "tags", tags);
	json_object_set_new(j, "insured_from", p->insured_from[0] ? json_string(p->insured_from) : json_null());
	json_object_set_new(j, "masked", json_boolean(masked));
	json_object_set_new(j, "created_at", json_string(p->created_at));
	json_object_set_new(j, "updated_at", json_string(p->updated_at));
	json_object_set_new(j, "version", json_integer(p->version));
	return j;
}

/* The audit form of a record: full, without the bookkeeping fields. */
/* Appends s as a JSON string, escaped as jansson escapes (UTF-8 kept). */
static char *put_json_str(char *o, const char *s)
{
	*o++ = '"';
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		switch (*c) {
		case '"': *o++ = '\\', *o++ = '"'; break;
		case '\\': *o++ = '\\', *o++ = '\\'; break;
		case '\b': *o++ = '\\', *o++ = 'b'; break;
		case '\f': *o++ = '\\', *o++ = 'f'; break;
		case '\n': *o++ = '\\', *o++ = 'n'; break;
		case '\r': *o++ = '\\', *o++ = 'r'; break;
		case '\t': *o++ = '\\', *o++ = 't'; break;
		default:
			if (*c < 0x20)
				o += sprintf(o, "\\u%04X", *c);
			else
				*o++ = (char)*c;
		}
	}
	*o++ = '"';
	return o;
}

/* The record as the audit log keeps it: every field a change can touch,
 * compact with sorted keys (what json_dumps(JSON_COMPACT|JSON_SORT_KEYS)
 * writes, built directly: imports write one per row). */
static char *audit_json(const person *p)
{
	char g[2] = {p->gender, '\0'};
	const struct {
		const char *key, *text;
		long long num;
	} f[] = {
		{"birth_date", p->birth_date, 0}, {"education", p->education, 0}, {"employer", p->employer, 0},
		{"gender", g, 0},		  {"id", NULL, p->id},		  {"id_number", p->id_number, 0},
		{"insured_from", p->insured_from, 0},
		{"level", NULL, p->level},	  {"name", p->name, 0},		  {"occupation", p->occupation, 0},
		{"phone", p->phone, 0},		  {"region", p->region, 0},	  {"tags", p->tags, 0},
		{"version", NULL, p->version},
	};
	size_t cap = 2;
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		cap += strlen(f[i].key) + 4 + (f[i].text ? strlen(f[i].text) * 6 + 2 : 24);
	char *out = malloc(cap), *o = out;
	if (!out)
		return NULL;
	*o++ = '{';
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
		if (i)
			*o++ = ',';
		o = put_json_str(o, f[i].key);
		*o++ = ':';
		if (f[i].text)
			o = put_json_str(o, f[i].text);
		else
			o += sprintf(o, "%lld", f[i].num);
	}
	*o++ = '}';
	*o = '\0';
	return out;
}

static void subject_of(int64_t id, char out[64]) { snprintf(out, 64, "person:%lld", (long long)id); }

int person_same(const person *a, const person *b)
{
	return strcmp(a->name, b->name) == 0 && strcmp(a->region, b->region) == 0 && strcmp(a->phone, b->phone) == 0 &&
	       strcmp(a->occupation, b->occupation) == 0 && a->level == b->level &&
	       strcmp(a->employer, b->employer) == 0 && strcmp(a->education, b->education) == 0 &&
	       strcmp(a->tags, b->tags) == 0 && strcmp(a->insured_from, b->insured_from) == 0;
}

jn_err person_write(stx *t, const scope *sc, const person *before, person *p, int expect_version)
{
	jn_err e = before ? store_person_update(t, sc, p, expect_version) : store_person_insert(t, sc, p);
	if (e)
		return e;
	char subj[64], *b = before ? audit_json(before) : NULL, *a = audit_json(p);
	subject_of(p->id, subj);
	if (!b || strcmp(b, a) != 0)
		e = store_audit(t, sc, before ? "person.update" : "person.create", subj, b, a);
	free(b);
	free(a);
	return e;
}

jn_err person_write_because(stx *t, const scope *sc, const person *before, person *p, const char *reason)
{
	scope sys = scope_system();
	jn_err e = store_person_update(t, &sys, p, 0);
	if (e)
		return e;
	char subj[64], *b = audit_json(before), *a = audit_json(p);
	json_t *aj = a ? json_loads(a, 0, NULL) : NULL;
	char *after = NULL;
	if (aj) {
		json_object_set_new(aj, "reason", json_string(reason ? reason : ""));
		after = json_dumps(aj, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(aj);
	}
	subject_of(p->id, subj);
	e = b && after ? store_audit(t, sc, "person.update", subj, b, after) : JN_ENOMEM;
	free(b);
	free(a);
	free(after);
	return e;
}

jn_err person_insert_many(stx *t, const scope *sc, person *ps, int n)
{
	jn_err e = store_person_insert_many(t, sc, ps, n);
	if (e || n == 0)
		return e;
	char(*subj)[64] = malloc(sizeof *subj * (size_t)n);
	const char **subjects = malloc(sizeof *subjects * (size_t)n);
	char **afters = calloc((size_t)n, sizeof *afters);
	e = subj && subjects && afters ? JN_OK : JN_ENOMEM;
	for (int i = 0; !e && i < n; i++) {
		subject_of(ps[i].id, subj[i]);
		subjects[i] = subj[i];
		if (!(afters[i] = audit_json(&ps[i])))
			e = JN_ENOMEM;
	}
	if (!e)
		e = store_audit_many(t, sc, "person.create", n, subjects, NULL, (const char *const *)afters);
	for (int i = 0; afters && i < n; i++)
		free(afters[i]);
	free(afters);
	free(subjects);
	free(subj);
	return e;
}

jn_err person_validate(store *s, const person_input *in, jn_fields *fe)
{
	stx *t;
	jn_err e = stx_begin(s, 0, &t);
	if (e)
		return e;
	person p;
	e = person_from_input(t, NULL, in, NULL, store_today(), &p, fe);
	stx_rollback(t);
	return e;
}

jn_err person_create(store *s, const scope *sc, const person_input *in, person *out, jn_fields *fe)
{
	stx *t;
	jn_err e = stx_begin(s, 1, &t);
	if (e)
		return e;
	e = person_from_input(t, NULL, in, NULL, store_today(), out, fe);
	if (!e) {
		e = person_write(t, sc, NULL, out, 0);
		if (e == JN_ECONFLICT)
			jn_fields_add(fe, "id_number", "duplicate", "身份证号%s已登记", out->id_number);
		else if (e == JN_EFORBIDDEN)
			jn_fields_add(fe, "region", "out_of_scope", "所属地区不在您的管辖范围内");
	}
	if (e) {
		stx_rollback(t);
		return e == JN_EFORBIDDEN ? JN_EINVAL : e;
	}
	return stx_commit(t);
}

jn_err person_update(store *s, const scope *sc, int64_t id, const person_input *in, int expect_version,
		     person *out, jn_fields *fe)
{
	stx *t;
	jn_err e = stx_begin(s, 1, &t);
	if (e)
		return e;
	person cur;
	e = store_person_get(t, sc, id, &cur);
	if (!e)
		e = person_from_input(t, NULL, in, &cur, store_today(), out, fe);
	if (!e && person_same(&cur, out)) {
		/* Nothing changes: no new version, no audit entry. */
		if (expect_version > 0 && cur.version != expect_version)
			e = JN_ECONFLICT;
		stx_rollback(t);
		return e;
	}
	if (!e) {
		e = person_write(t, sc, &cur, out, expect_version);
		if (e == JN_EFORBIDDEN)
			jn_fields_add(fe, "region", "out_of_scope", "所属地区不在您的管辖范围内");
	}
	if (e) {
		stx_rollback(t);
		return e == JN_EFORBIDDEN ? JN_EINVAL : e;
	}
	return stx_commit(t);
}

jn_err person_read_full(store *s, const scope *sc, int64_t id, person *out)
{
	stx *t;
	jn_err e = stx_begin(s, 1, &t);
	if (e)
		return e;
	e = store_person_get(t, sc, id, out);
	if (!e) {
		char subj[64];
		subject_of(id, subj);
		e = store_audit(t, sc, "read.person", subj, NULL, NULL);
	}
	if (e) {
		stx_rollback(t);
		return e;
	}
	return stx_commit(t);
}

typedef struct hist_ctx {
	json_t *arr;
} hist_ctx;

static int hist_one(void *ctx, const audit_entry *e)
{
	hist_ctx *h = ctx;
	json_t *j = json_object();
	json_object_set_new(j, "seq", json_integer(e->seq));
	json_object_set_new(j, "at", json_string(e->at));
	json_object_set_new(j, "actor", json_string(e->actor));
	json_object_set_new(j, "action", json_string(e->action));
	json_object_set_new(j, "before", e->before ? json_loads(e->before, 0, NULL) : json_null());
	json_object_set_new(j, "after", e->after ? json_loads(e->after, 0, NULL) : json_null());
	/* What changed, field by field, for people reading the history. */
	json_t *chg = json_array();
	json_t *b = json_object_get(j, "before"), *a = json_object_get(j, "after");
	if (json_is_object(a)) {
		const char *k;
		json_t *v;
		json_object_foreach(a, k, v)
		{
			json_t *old = json_is_object(b) ? json_object_get(b, k) : NULL;
			if (!old || !json_equal(old, v)) {
				json_t *c = json_object();
				json_object_set_new(c, "field", json_string(k));
				json_object_set(c, "from", old ? old : json_null());
				json_object_set(c, "to", v);
				json_array_append_new(chg, c);
			}
		}
	}
	json_object_set_new(j, "changes", chg);
	json_array_append_new(h->arr, j);
	return 0;
}

jn_err person_history(store *s, const scope *sc, int64_t id, json_t **out)
{
	stx *t;
	jn_err e = stx_begin(s, 1, &t); /* the history shows full records: an audited read */
	if (e)
		return e;
	person p;
	e = store_person_get(t, sc, id, &p); /* scope check: not found when out of scope */
	hist_ctx h = {json_array()};
	if (!e) {
		audit_filter f = {0};
		subject_of(id, f.subject);
		snprintf(f.action_prefix, sizeof f.action_prefix, "person.");
		f.per_page = 500;
		/* Reads are audited as "read.*", so the prefix keeps writes. */
		e = store_audit_list(t, &f, hist_one, &h);
		if (!e)
			e = store_audit(t, sc, "read.person.history", f.subject, NULL, NULL);
	}
	if (!e)
		e = stx_commit(t);
	else
		stx_rollback(t);
	if (e) {
		json_decref(h.arr);
		return e;
	}
	*out = h.arr;
	return JN_OK;
}
