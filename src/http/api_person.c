/* api_person.c — /api/v1/persons: register, read (full, audited), change,
 * history and search (masked). */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "core/mask.h"
#include "core/regions.h"
#include "http/http.h"

static const char *const PERSON_FIELDS[] = {"id_number", "name", "gender", "birth_date", "phone", "region",
					    "occupation", "level", "employer", "education", "tags", "insured_from",
					    "version", NULL};

/* Reads a person_input from a JSON body; 0 when fe got errors. */
/* tags: an array of group names or one string "脱贫户、残疾人"; into buf. */
static const char *read_tags(json_t *b, char *buf, size_t cap, jn_fields *fe)
{
	json_t *v = json_object_get(b, "tags");
	if (!v || !json_is_array(v))
		return json_field_str(b, "tags", 400, fe);
	size_t i, o = 0;
	json_t *x;
	buf[0] = '\0';
	json_array_foreach(v, i, x)
	{
		if (!json_is_string(x)) {
			jn_fields_add(fe, "tags", "wrong_type", "人员类别应为字符串数组");
			return NULL;
		}
		int w = snprintf(buf + o, cap - o, "%s%s", o ? "," : "", json_string_value(x));
		if (w < 0 || (size_t)w >= cap - o) {
			jn_fields_add(fe, "tags", "too_long", "人员类别太多");
			return NULL;
		}
		o += (size_t)w;
	}
	return buf;
}

static void read_input(json_t *b, person_input *in, char level_buf[24], char tags_buf[512], jn_fields *fe)
{
	json_only_fields(b, PERSON_FIELDS, fe);
	in->id_number = json_field_str(b, "id_number", 40, fe);
	in->name = json_field_str(b, "name", 200, fe);
	in->gender = json_field_str(b, "gender", 10, fe);
	in->birth_date = json_field_str(b, "birth_date", 20, fe);
	in->phone = json_field_str(b, "phone", 40, fe);
	in->region = json_field_str(b, "region", 100, fe);
	in->occupation = json_field_str(b, "occupation", 100, fe);
	in->level = json_field_str_or_int(b, "level", 40, level_buf, fe);
	in->employer = json_field_str(b, "employer", 400, fe);
	in->education = json_field_str(b, "education", 60, fe);
	in->tags = read_tags(b, tags_buf, 512, fe);
	in->insured_from = json_field_str(b, "insured_from", 40, fe);
}

void api_person_create(req *r, resp *out)
{
	json_t *b = req_json(r, out);
	if (!b)
		return;
	jn_fields fe = {0};
	person_input in = {0};
	char level_buf[24], tags_buf[512];
	read_input(b, &in, level_buf, tags_buf, &fe);
	person p;
	jn_err e;
	if (fe.count) {
		/* Report the other fields' problems too, in one answer. */
		person_validate(r->store, &in, &fe);
		e = JN_EINVAL;
	} else {
		e = person_create(r->store, &r->sc, &in, &p, &fe);
	}
	json_decref(b);
	if (e) {
		int dup = e == JN_EINVAL && fe.count == 1 && strcmp(fe.e[0].code, "duplicate") == 0;
		resp_problem(out, dup ? JN_ECONFLICT : e, &fe, NULL);
		return;
	}
	resp_json(out, 201, person_json(&p, 0));
}

void api_person_get(req *r, resp *out)
{
	int64_t id = parse_id(r->params[0]);
	person p;
	jn_err e = id ? person_read_full(r->store, &r->sc, id, &p) : JN_ENOTFOUND;
	if (e) {
		resp_problem(out, e, NULL, e == JN_ENOTFOUND ? "没有编号为%s的人员，或不在您的管辖范围内" : NULL,
			     r->params[0]);
		return;
	}
	resp_json(out, 200, person_json(&p, 0));
}

void api_person_patch(req *r, resp *out)
{
	int64_t id = parse_id(r->params[0]);
	if (!id) {
		resp_problem(out, JN_ENOTFOUND, NULL, NULL);
		return;
	}
	json_t *b = req_json(r, out);
	if (!b)
		return;
	jn_fields fe = {0};
	person_input in = {0};
	char level_buf[24], tags_buf[512];
	read_input(b, &in, level_buf, tags_buf, &fe);
	int version = 0;
	json_t *v = json_object_get(b, "version");
	if (v && !json_is_integer(v))
		jn_fields_add(&fe, "version", "wrong_type", "应为整数");
	else if (v)
		version = (int)json_integer_value(v);
	if (r->sc.role == ROLE_WORKER) {
		/* Workers keep their own contact details; the registry facts
		 * are the bureau's to change. */
		const char *const own[] = {"phone", "education", "version", NULL};
		const char *k;
		json_t *x;
		json_object_foreach(b, k, x)
		{
			int ok = 0;
			for (const char *const *a = own; *a; a++)
				ok |= strcmp(*a, k) == 0;
			if (!ok)
				jn_fields_add(&fe, k, "not_editable", "本人只能修改手机号和文化程度，其他信息请到经办机构办理");
		}
	}
	person p;
	jn_err e = fe.count ? JN_EINVAL : person_update(r->store, &r->sc, id, &in, version, &p, &fe);
	json_decref(b);
	if (e == JN_ECONFLICT) {
		resp_problem(out, e, NULL, "记录已被他人修改，请刷新后重试");
		return;
	}
	if (e) {
		resp_problem(out, e, &fe, NULL);
		return;
	}
	resp_json(out, 200, person_json(&p, 0));
}

void api_person_history(req *r, resp *out)
{
	int64_t id = parse_id(r->params[0]);
	json_t *items = NULL;
	jn_err e = id ? person_history(r->store, &r->sc, id, &items) : JN_ENOTFOUND;
	if (e) {
		resp_problem(out, e, NULL, NULL);
		return;
	}
	json_t *j = json_object();
	json_object_set_new(j, "items", items);
	resp_json(out, 200, j);
}

void api_person_photo_put(req *r, resp *out)
{
	int64_t id = parse_id(r->params[0]);
	jn_fields fe = {0};
	json_t *j = NULL;
	jn_err e = id ? person_photo_put(r->store, &r->sc, id, (const unsigned char *)r->body, r->body_len, &j, &fe)
		      : JN_ENOTFOUND;
	if (e == JN_ETOOLARGE) {
		resp_problem(out, e, NULL, "照片不能超过2 MiB");
		return;
	}
	resp_outcome(out, e, &fe, j, 200);
}

void api_person_photo_get(req *r, resp *out)
{
	int64_t id = parse_id(r->params[0]);
	char *data = NULL, mime[16] = "";
	size_t len = 0;
	jn_err e = id ? person_photo_get(r->store, &r->sc, id, &data, &len, mime) : JN_ENOTFOUND;
	if (e) {
		resp_problem(out, e, NULL, e == JN_ENOTFOUND ? "没有这个劳动者，或尚未上传照片" : NULL);
		return;
	}
	out->status = 200;
	out->raw = data;
	out->raw_len = len;
	out->content_type = strcmp(mime, "image/png") == 0 ? "image/png" : "image/jpeg";
	resp_header(out, "Cache-Control", "private, no-store");
}

static int list_one(void *ctx, const person *p)
{
	json_array_append_new((json_t *)ctx, person_json(p, 1));
	return 0;
}

/* The list as a spreadsheet: masked exactly as the JSON list is. */
static int export_one(void *ctx, const person *p)
{
	char id[24], idn[40], phone[40], year[8], level[8];
	snprintf(id, sizeof id, "%lld", (long long)p->id);
	mask_id(p->id_number, idn, sizeof idn);
	mask_phone(p->phone, phone, sizeof phone);
	snprintf(year, sizeof year, "%.4s", p->birth_date);
	const region_entry *re = region_find(p->region);
	const level_info *l = level_by_rank(p->level);
	snprintf(level, sizeof level, "%d", p->level);
	const char *row[] = {id, p->name, idn, p->gender == 'M' ? "男" : p->gender == 'F' ? "女" : "", year, phone,
			     p->region, re ? re->name : "", p->occupation, level, l ? l->name : "", p->employer,
			     p->education, p->tags, p->created_at};
	return exporter_row(ctx, (int)(sizeof row / sizeof row[0]), row);
}

static void export_persons(req *r, resp *out, person_filter *f, const char *fmt)
{
	static const char *const head[] = {"编号", "姓名", "身份证号（脱敏）", "性别", "出生年份", "手机号（脱敏）",
					   "所属地区", "地区名称", "职业编码", "技能等级", "等级名称", "工作单位",
					   "文化程度", "人员类别", "登记时间"};
	exporter *x;
	jn_err e = exporter_open(fmt, "劳动者", (int)(sizeof head / sizeof head[0]), head, &x);
	if (e) {
		resp_problem(out, e, NULL, NULL);
		return;
	}
	stx *t;
	if (!(t = read_tx(r, out))) {
		exporter_abort(x);
		return;
	}
	f->all = 1;
	e = store_person_list(t, &r->sc, f, export_one, x, NULL, NULL);
	stx_rollback(t);
	if (e) {
		exporter_abort(x);
		resp_problem(out, e, NULL, NULL);
		return;
	}
	resp_export(r, out, x, "export.persons", req_query_json(r, "region,occupation,level_min,level_max,q"), "劳动者",
		    "persons", fmt);
}

void api_person_list(req *r, resp *out)
{
	int bad = 0;
	jn_fields fe = {0};
	person_filter f = {0};
	const char *region = req_query(r, "region", 6, &bad);
	const char *q = req_query(r, "q", 90, &bad);
	req_occupation(r, f.occupation, sizeof f.occupation, &fe, &bad);
	f.level_min = req_int(r, "level_min", 0, 0, 8, &fe, &bad);
	f.level_max = req_int(r, "level_max", -1, 0, 8, &fe, &bad);
	f.level_max_on = f.level_max >= 0;
	req_paging(r, &f.page, &f.per_page, &fe, &bad);
	if (resp_bad_query(out, bad, NULL))
		return;
	if (region)
		req_region(region, f.region, &fe);
	if (q) {
		/* Trim spaces people paste around names and numbers. */
		while (*q == ' ')
			q++;
		snprintf(f.q, sizeof f.q, "%s", q);
		size_t n = strlen(f.q);
		while (n && f.q[n - 1] == ' ')
			f.q[--n] = '\0';
	}
	if (f.level_max_on && f.level_max < f.level_min)
		jn_fields_add(&fe, "level_max", "out_of_range", "最高等级不能低于最低等级");
	if (fe.count) {
		resp_problem(out, JN_EINVAL, &fe, NULL);
		return;
	}
	const char *fmt;
	int exp = req_format(r, out, &fmt);
	if (exp < 0)
		return;
	if (exp) {
		export_persons(r, out, &f, fmt);
		return;
	}
	stx *t;
	if (!(t = read_tx(r, out)))
		return;
	jn_err e;
	json_t *items = json_array();
	int64_t total = 0;
	int capped = 0;
	e = store_person_list(t, &r->sc, &f, list_one, items, &total, &capped);
	stx_rollback(t);
	json_t *j = resp_list(out, e, items);
	if (!j)
		return;
	resp_page(j, total, capped, f.page, f.per_page);
}
