/* refdata.c — loading the reference catalogues shipped in data/. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/money.h"
#include "app/training.h"
#include "io/table.h"

typedef struct occ_ctx {
	stx *t;
	int cols[5];
	int header;
	long loaded;
	jn_err e;
} occ_ctx;

static int occ_row(void *ctx, long rowno, int nf, const char *const *f)
{
	(void)rowno;
	occ_ctx *c = ctx;
	static const char *names[5] = {"code", "name", "kind", "parent", "mark"};
	if (!c->header) {
		c->header = 1;
		for (int k = 0; k < 5; k++) {
			c->cols[k] = -1;
			for (int i = 0; i < nf; i++)
				if (strcmp(f[i], names[k]) == 0)
					c->cols[k] = i;
		}
		if (c->cols[0] < 0 || c->cols[1] < 0 || c->cols[2] < 0) {
			c->e = JN_EINVAL;
			return 1;
		}
		return 0;
	}
	const char *v[5];
	for (int k = 0; k < 5; k++)
		v[k] = c->cols[k] >= 0 && c->cols[k] < nf ? f[c->cols[k]] : "";
	occupation_row o = {v[0], v[1], v[2], v[3], v[4]};
	if (!o.code[0])
		return 0;
	c->e = store_put_occupation(c->t, &o);
	c->loaded++;
	return c->e ? 1 : 0;
}

/* seed-targets.csv: region,seed,item,programme,metric,unit,target,by */
typedef struct target_ctx {
	stx *t;
	int cols[8];
	int header;
	long loaded;
	jn_err e;
} target_ctx;

static int target_row_cb(void *ctx, long rowno, int nf, const char *const *f)
{
	(void)rowno;
	target_ctx *c = ctx;
	static const char *names[8] = {"region", "seed", "item", "programme", "metric", "unit", "target", "by"};
	if (!c->header) {
		c->header = 1;
		for (int k = 0; k < 8; k++) {
			c->cols[k] = -1;
			for (int i = 0; i < nf; i++)
				if (strcmp(f[i], names[k]) == 0)
					c->cols[k] = i;
			if (c->cols[k] < 0) {
				c->e = JN_EINVAL;
				return 1;
			}
		}
		return 0;
	}
	target_row x;
	memset(&x, 0, sizeof x);
	const char *v[8];
	for (int k = 0; k < 8; k++)
		v[k] = c->cols[k] < nf ? f[c->cols[k]] : "";
	if (strlen(v[0]) != 6)
		return 0;
	snprintf(x.region, sizeof x.region, "%s", v[0]);
	snprintf(x.seed, sizeof x.seed, "%s", v[1]);
	snprintf(x.item, sizeof x.item, "%s", v[2]);
	snprintf(x.programme, sizeof x.programme, "%s", v[3]);
	snprintf(x.metric, sizeof x.metric, "%s", v[4]);
	snprintf(x.unit, sizeof x.unit, "%s", v[5]);
	snprintf(x.target, sizeof x.target, "%s", v[6]);
	snprintf(x.by, sizeof x.by, "%s", v[7]);
	c->e = store_target_put(c->t, &x);
	c->loaded++;
	return c->e ? 1 : 0;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t cap = 0, n = 0;
	for (;;) {
		if (n + 65536 > cap) {
			cap = cap ? cap * 2 : 1 << 20;
			char *nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		size_t r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	fclose(f);
	*len = n;
	return buf;
}

jn_err refdata_load(store *s, const char *datadir, char *err, size_t errcap)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/occupations-2022.csv", datadir);
	size_t len;
	char *raw = slurp(path, &len);
	if (!raw) {
		snprintf(err, errcap, "无法读取 %s", path);
		return JN_EIO;
	}
	char *utf8;
	size_t ulen;
	text_encoding enc;
	if (text_to_utf8(raw, len, &utf8, &ulen, &enc, err, errcap) != TABLE_OK) {
		free(raw);
		return JN_EINVAL;
	}
	free(raw);
	stx *t;
	jn_err e = stx_begin(s, 1, &t);
	if (e) {
		free(utf8);
		return e;
	}
	e = store_load_regions_levels(t);
	occ_ctx c = {.t = t};
	if (!e && csv_read(utf8, ulen, occ_row, &c, err, errcap) < 0)
		e = JN_EINVAL;
	if (!e)
		e = c.e;
	free(utf8);
	if (e) {
		if (!err[0])
			snprintf(err, errcap, "装载职业目录失败：%s", stx_errmsg(t));
		stx_rollback(t);
		return e;
	}
	/* The seed documents' targets (the dashboards measure against them). */
	snprintf(path, sizeof path, "%s/seed-targets.csv", datadir);
	raw = slurp(path, &len);
	if (!raw) {
		snprintf(err, errcap, "无法读取 %s", path);
		stx_rollback(t);
		return JN_EIO;
	}
	int rc = text_to_utf8(raw, len, &utf8, &ulen, &enc, err, errcap);
	free(raw);
	if (rc != TABLE_OK) {
		stx_rollback(t);
		return JN_EINVAL;
	}
	target_ctx tc = {.t = t};
	if (csv_read(utf8, ulen, target_row_cb, &tc, err, errcap) < 0)
		e = JN_EINVAL;
	free(utf8);
	if (!e)
		e = tc.e;
	if (e) {
		if (!err[0])
			snprintf(err, errcap, "装载目标数据 %s 失败：%s", path, tc.e == JN_EINVAL ? "表头不对" : stx_errmsg(t));
		stx_rollback(t);
		return e;
	}
	/* Training: one programme per seed programme, the subsidy catalogue. */
	if ((e = training_refdata_load(t, datadir, err, errcap)) != JN_OK) {
		stx_rollback(t);
		return e;
	}
	/* The application conditions of each level (certification). */
	snprintf(path, sizeof path, "%s/level-conditions.csv", datadir);
	raw = slurp(path, &len);
	if (!raw) {
		snprintf(err, errcap, "无法读取 %s", path);
		stx_rollback(t);
		return JN_EIO;
	}
	e = conditions_load(t, raw, len, err, errcap);
	free(raw);
	if (e) {
		if (!err[0])
			snprintf(err, errcap, "装载申报条件 %s 失败：%s", path, stx_errmsg(t));
		stx_rollback(t);
		return e;
	}
	/* The subsidy rules (national defaults; later versions are added as data). */
	if ((e = subsidy_rules_load(t, datadir, err, errcap)) != JN_OK) {
		stx_rollback(t);
		return e;
	}
	return stx_commit(t);
}
