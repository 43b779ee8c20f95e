/* condition.c — the application conditions of each level as data:
 * data/level-conditions.csv, loaded by `jineng init` into level_conditions.
 *
 * A row is one alternative (其一) of a level: every requirement in it must
 * hold (a prior certificate of prior_level in the occupation, years since
 * that certificate or in the occupation, one of the diplomas).  Rows with an
 * empty occupation are the defaults (the 2018 national technical rules); rows
 * naming an occupation replace the defaults of that level for it, and an
 * alternative 0 says the occupation does not offer that level at all. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "core/text.h"
#include "io/table.h"

enum { C_OCC, C_LEVEL, C_ALT, C_PRIOR, C_YEARS, C_FROM, C_DIPLOMAS, C_TEXT, C_COUNT };
static const char *const COLS[C_COUNT] = {"occupation", "level", "alternative", "prior_level",
					  "years", "years_from", "diplomas", "description"};
#define MAX_ROWS 1024

typedef struct load_ctx {
	stx *t;
	int col[C_COUNT];
	int header;
	cert_condition *rows;
	int n;
	char *err;
	size_t errcap;
	int failed;
} load_ctx;

static int fail(load_ctx *c, long row, int col, const char *msg)
{
	snprintf(c->err, c->errcap, "level-conditions.csv 第%ld行“%s”列：%s", row, COLS[col], msg);
	c->failed = 1;
	return 1;
}

static int small_int(const char *s, int lo, int hi, int *out)
{
	if (!s[0] || strlen(s) > 3)
		return 0;
	int v = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		v = v * 10 + (*p - '0');
	}
	if (v < lo || v > hi)
		return 0;
	*out = v;
	return 1;
}

static int on_row(void *ctx, long rowno, int nf, const char *const *f)
{
	load_ctx *c = ctx;
	if (!c->header) {
		c->header = 1;
		for (int k = 0; k < C_COUNT; k++) {
			c->col[k] = -1;
			for (int i = 0; i < nf; i++)
				if (strcmp(f[i], COLS[k]) == 0)
					c->col[k] = i;
			if (c->col[k] < 0) {
				snprintf(c->err, c->errcap, "level-conditions.csv 缺少“%s”列", COLS[k]);
				c->failed = 1;
				return 1;
			}
		}
		return 0;
	}
	const char *v[C_COUNT];
	int empty = 1;
	for (int k = 0; k < C_COUNT; k++) {
		v[k] = c->col[k] < nf ? f[c->col[k]] : "";
		empty &= v[k][0] == '\0';
	}
	if (empty)
		return 0;
	if (c->n >= MAX_ROWS)
		return fail(c, rowno, C_OCC, "行数过多");
	cert_condition *x = &c->rows[c->n];
	memset(x, 0, sizeof *x);
	if (v[C_OCC][0]) {
		occupation o;
		jn_err e = store_occupation_get(c->t, v[C_OCC], &o);
		if (e == JN_ENOTFOUND || (!e && strcmp(o.kind, "occupation") != 0))
			return fail(c, rowno, C_OCC, "不是职业分类大典中的职业编码");
		if (e)
			return fail(c, rowno, C_OCC, "查询职业目录失败");
		snprintf(x->occupation, sizeof x->occupation, "%s", v[C_OCC]);
	}
	if (!small_int(v[C_LEVEL], 2, 6, &x->level))
		return fail(c, rowno, C_LEVEL, "应为2（初级工）到6（高级技师）");
	if (!small_int(v[C_ALT], 0, 9, &x->alternative))
		return fail(c, rowno, C_ALT, "应为0到9（0表示该职业不设此等级）");
	if (x->alternative == 0) {
		if (!x->occupation[0])
			return fail(c, rowno, C_ALT, "0（不设此等级）只能用于指定职业的行");
		snprintf(x->text, sizeof x->text, "本职业不设%s", LEVELS[x->level - 1].name);
	} else {
		if (!small_int(v[C_PRIOR][0] ? v[C_PRIOR] : "0", 0, x->level - 1, &x->prior_level) || x->prior_level == 1)
			return fail(c, rowno, C_PRIOR, "应为0（不需要）或低于申报等级的2到5");
		if (!small_int(v[C_YEARS][0] ? v[C_YEARS] : "0", 0, 50, &x->years))
			return fail(c, rowno, C_YEARS, "应为0到50的整数");
		if (strcmp(v[C_FROM], "certificate") == 0)
			x->from = FROM_CERTIFICATE;
		else if (strcmp(v[C_FROM], "occupation") == 0)
			x->from = FROM_OCCUPATION;
		else if (v[C_FROM][0])
			return fail(c, rowno, C_FROM, "应为 certificate（取得证书后）或 occupation（从事本职业）或空");
		if (x->years > 0 && x->from == FROM_NONE)
			return fail(c, rowno, C_FROM, "给出年限时须说明从何时算起");
		if (x->from == FROM_CERTIFICATE && !x->prior_level)
			return fail(c, rowno, C_FROM, "certificate 须同时给出 prior_level");
		char buf[256];
		snprintf(buf, sizeof buf, "%s", v[C_DIPLOMAS]);
		char *save = NULL;
		for (char *tok = strtok_r(buf, "|", &save); tok; tok = strtok_r(NULL, "|", &save)) {
			int d = diploma_parse(tok);
			if (d <= 0)
				return fail(c, rowno, C_DIPLOMAS, "学历应为 apprenticeship、technical_school、"
								  "senior_technical_school、preparatory_technician、"
								  "college_in_field，多个用 | 分隔");
			x->diplomas |= 1u << d;
		}
		if (!v[C_TEXT][0])
			return fail(c, rowno, C_TEXT, "必须写明条件（中文）");
		if (utf8_length(v[C_TEXT], strlen(v[C_TEXT])) > 60 || strlen(v[C_TEXT]) >= sizeof x->text)
			return fail(c, rowno, C_TEXT, "不能超过60个字");
		snprintf(x->text, sizeof x->text, "%s", v[C_TEXT]);
	}
	for (int i = 0; i < c->n; i++)
		if (c->rows[i].level == x->level && c->rows[i].alternative == x->alternative &&
		    strcmp(c->rows[i].occupation, x->occupation) == 0)
			return fail(c, rowno, C_ALT, "与前面的行重复（同一职业、等级、序号）");
	c->n++;
	return 0;
}

jn_err conditions_load(stx *t, const char *csv, size_t len, char *err, size_t errcap)
{
	char *utf8;
	size_t ulen;
	text_encoding enc;
	if (text_to_utf8(csv, len, &utf8, &ulen, &enc, err, errcap) != TABLE_OK)
		return JN_EINVAL;
	load_ctx c = {.t = t, .err = err, .errcap = errcap};
	c.rows = calloc(MAX_ROWS, sizeof *c.rows);
	if (!c.rows) {
		free(utf8);
		return JN_ENOMEM;
	}
	jn_err e = JN_OK;
	if (csv_read(utf8, ulen, on_row, &c, err, errcap) < 0 || c.failed)
		e = JN_EINVAL;
	free(utf8);
	if (!e)
		e = store_conditions_replace(t, c.n, c.rows);
	free(c.rows);
	return e;
}

json_t *condition_json(const cert_condition *c)
{
	json_t *j = json_object();
	char label[64];
	cert_level_label(c->level, label, sizeof label);
	json_object_set_new(j, "occupation", json_string(c->occupation));
	json_object_set_new(j, "level", json_integer(c->level));
	json_object_set_new(j, "level_name", json_string(label));
	json_object_set_new(j, "alternative", json_integer(c->alternative));
	json_object_set_new(j, "offered", json_boolean(c->alternative > 0));
	json_object_set_new(j, "prior_level", json_integer(c->prior_level));
	json_object_set_new(j, "years", json_integer(c->years));
	json_object_set_new(j, "years_from", json_string(c->from == FROM_CERTIFICATE ? "certificate"
							 : c->from == FROM_OCCUPATION ? "occupation"
										      : ""));
	json_t *d = json_array();
	for (int i = 1; i < DIP_COUNT; i++)
		if (c->diplomas & (1u << i))
			json_array_append_new(d, json_string(diploma_name((diploma)i)));
	json_object_set_new(j, "diplomas", d);
	json_object_set_new(j, "description", json_string(c->text));
	return j;
}

static int cond_one(void *ctx, const cert_condition *c)
{
	json_array_append_new((json_t *)ctx, condition_json(c));
	return 0;
}

jn_err conditions_list(store *s, const char *occupation_code, json_t **items)
{
	stx *t;
	jn_err e = stx_begin(s, 0, &t);
	if (e)
		return e;
	json_t *a = json_array();
	e = store_conditions_list(t, occupation_code && occupation_code[0] ? occupation_code : NULL, cond_one, a);
	stx_rollback(t);
	if (e) {
		json_decref(a);
		return e;
	}
	*items = a;
	return JN_OK;
}
