/* condition.c — the application conditions of each level
 * (data/level-conditions.csv): default rows (occupation "") and rows of an
 * occupation that override the defaults for it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

static const char *from_name(years_from f)
{
	return f == FROM_CERTIFICATE ? "certificate" : f == FROM_OCCUPATION ? "occupation" : "";
}

static years_from from_parse(const char *s)
{
	return strcmp(s, "certificate") == 0 ? FROM_CERTIFICATE : strcmp(s, "occupation") == 0 ? FROM_OCCUPATION : FROM_NONE;
}

/* Diplomas are kept as their names joined with "|". */
static void diplomas_text(unsigned mask, char *out, size_t cap)
{
	out[0] = '\0';
	for (int i = 0; i < DIP_COUNT; i++)
		if (mask & (1u << i)) {
			size_t n = strlen(out);
			snprintf(out + n, cap - n, "%s%s", n ? "|" : "", diploma_name((diploma)i));
		}
}

static unsigned diplomas_parse(const char *s)
{
	unsigned mask = 0;
	char buf[256];
	snprintf(buf, sizeof buf, "%s", s);
	char *save = NULL;
	for (char *tok = strtok_r(buf, "|", &save); tok; tok = strtok_r(NULL, "|", &save)) {
		int d = diploma_parse(tok);
		if (d >= 0)
			mask |= 1u << d;
	}
	return mask;
}

jn_err store_conditions_replace(stx *t, int n, const cert_condition *rows)
{
	const db_driver *d = DRV(t);
	db_rc rc = d->exec(t->c, "DELETE FROM level_conditions", NULL, 0, NULL);
	for (int i = 0; rc == DB_OK && i < n; i++) {
		const cert_condition *c = &rows[i];
		char dips[256];
		diplomas_text(c->diplomas, dips, sizeof dips);
		db_param p[] = {P_TEXT(c->occupation), P_INT(c->level),		P_INT(c->alternative),
				P_INT(c->prior_level), P_INT(c->years),		P_TEXT(from_name(c->from)),
				P_TEXT(dips),	       P_TEXT(c->text)};
		rc = d->exec(t->c,
			     "INSERT INTO level_conditions (occupation, level, alternative, prior_level, years,"
			     " years_from, diplomas, description) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
			     p, 8, NULL);
	}
	return store_db_err(rc);
}

#define COND_COLS "occupation, level, alternative, prior_level, years, years_from, diplomas, description"

static void read_cond(const db_driver *d, db_rows *r, cert_condition *c)
{
	memset(c, 0, sizeof *c);
	rows_copy(d, r, 0, c->occupation, sizeof c->occupation);
	c->level = (int)d->rows_int(r, 1);
	c->alternative = (int)d->rows_int(r, 2);
	c->prior_level = (int)d->rows_int(r, 3);
	c->years = (int)d->rows_int(r, 4);
	c->from = from_parse(d->rows_text(r, 5));
	c->diplomas = diplomas_parse(d->rows_text(r, 6));
	rows_copy(d, r, 7, c->text, sizeof c->text);
}

typedef struct collect {
	cert_condition *out;
	int cap, n;
} collect;

static int collect_row(void *ctx, const db_driver *d, db_rows *r)
{
	collect *c = ctx;
	if (c->n < c->cap)
		read_cond(d, r, &c->out[c->n++]);
	return 0;
}

jn_err store_conditions_for(stx *t, const char *occ_code, int level, cert_condition *out, int cap, int *n)
{
	collect c = {out, cap, 0};
	sqlb b;
	/* The occupation's own rows first; the defaults only when it has none. */
	for (int pass = 0; pass < 2 && c.n == 0; pass++) {
		const char *occ = pass == 0 ? occ_code : "";
		if (pass == 0 && (!occ_code || !occ_code[0]))
			continue;
		sqlb_init(&b, "SELECT " COND_COLS " FROM level_conditions");
		sqlb_and(&b, "occupation = ?", 1, P_TEXT(occ));
		sqlb_and(&b, "level = ?", 1, P_INT(level));
		sqlb_raw(&b, " ORDER BY alternative");
		jn_err e = sqlb_each(t, &b, collect_row, &c);
		if (e)
			return e;
	}
	*n = c.n;
	return JN_OK;
}

STORE_ROW_ADAPTER(cond_row, cond_cb, cert_condition, condition_fn, read_cond)

jn_err store_conditions_list(stx *t, const char *occ_code, condition_fn fn, void *ctx)
{
	sqlb b;
	sqlb_init(&b, "SELECT " COND_COLS " FROM level_conditions");
	if (occ_code)
		sqlb_and(&b, "(occupation = '' OR occupation = ?)", 1, P_TEXT(occ_code));
	sqlb_raw(&b, " ORDER BY occupation, level, alternative");
	cond_cb cb = {fn, ctx};
	return sqlb_each(t, &b, cond_row, &cb);
}
