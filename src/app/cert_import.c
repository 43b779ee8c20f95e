/* cert_import.c — historical certificates from a spreadsheet (CSV in UTF-8
 * or GB18030, or XLSX) through the shared import machinery (table_import.c):
 * all or nothing by default, partial and dry run on request, every bad row
 * named by row and column.
 *
 * A row: 证书编号 (22 characters in the national format, its level digit
 * agreeing with 技能等级), 姓名 (must match the registered person), 身份证号
 * (the person must be registered and within the importer's reach), 职业编码
 * or 职业名称, 技能等级, 评价机构 (a credit code of a registered organisation,
 * or a name), 发证日期, 状态 (有效 / 已注销, default 有效), 注销日期 and 注销原因
 * (for 已注销).  A number already stored, or twice in the file, is refused.
 * The serial counter of each number's prefix moves past the imported serial,
 * so a number is never handed out again; the holder's derived level follows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/certify.h"
#include "app/record.h"
#include "app/table_import.h"
#include "core/idcard.h"
#include "core/text.h"
#include "core/uscc.h"

enum { K_NUMBER, K_NAME, K_ID, K_OCC, K_OCC_NAME, K_LEVEL, K_BODY, K_ISSUED, K_STATUS, K_REVOKED_ON, K_REASON, K_COUNT };

static const import_column COLUMNS[K_COUNT] = {
	[K_NUMBER] = {"number", "证书编号", {"证书号", "证书编码"}, 1},
	[K_NAME] = {"name", "姓名", {"持证人", "持证人姓名"}, 1},
	[K_ID] = {"id_number", "身份证号", {"身份证号码", "公民身份号码", "证件号码"}, 1},
	[K_OCC] = {"occupation", "职业编码", {"职业代码"}, 0},
	[K_OCC_NAME] = {"occupation_name", "职业名称", {"职业", "职业（工种）", "职业(工种)"}, 0},
	[K_LEVEL] = {"level", "技能等级", {"等级", "职业技能等级"}, 1},
	[K_BODY] = {"body", "评价机构", {"评价机构（名称或统一社会信用代码）", "评价机构名称", "评价机构统一社会信用代码",
					 "发证机构"}, 1},
	[K_ISSUED] = {"issued_on", "发证日期", {"发证时间"}, 1},
	[K_STATUS] = {"status", "状态", {"证书状态"}, 0},
	[K_REVOKED_ON] = {"revoked_on", "注销日期", {0}, 0},
	[K_REASON] = {"revoke_reason", "注销原因", {0}, 0},
};

/* The numbers seen in this file and the row of each. */
typedef struct seen_num {
	char number[23];
	long row;
} seen_num;

typedef struct cert_import {
	seen_num *seen;
	size_t cap, n;
} cert_import;

static size_t num_hash(const char *s, size_t cap)
{
	unsigned long long h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return (size_t)h & (cap - 1);
}

/* 0 added, 1 already there (*first set), -1 out of memory. */
static int seen_add(cert_import *ci, const char *number, long row, long *first)
{
	if ((ci->n + 1) * 2 > ci->cap) {
		size_t ncap = ci->cap ? ci->cap * 2 : 1024;
		seen_num *ns = calloc(ncap, sizeof *ns);
		if (!ns)
			return -1;
		for (size_t i = 0; i < ci->cap; i++) {
			if (!ci->seen[i].number[0])
				continue;
			size_t h = num_hash(ci->seen[i].number, ncap);
			while (ns[h].number[0])
				h = (h + 1) & (ncap - 1);
			ns[h] = ci->seen[i];
		}
		free(ci->seen);
		ci->seen = ns;
		ci->cap = ncap;
	}
	size_t h = num_hash(number, ci->cap);
	while (ci->seen[h].number[0]) {
		if (strcmp(ci->seen[h].number, number) == 0) {
			*first = ci->seen[h].row;
			return 1;
		}
		h = (h + 1) & (ci->cap - 1);
	}
	snprintf(ci->seen[h].number, sizeof ci->seen[h].number, "%s", number);
	ci->seen[h].row = row;
	ci->n++;
	return 0;
}

/* A date cell: ISO and the usual Chinese forms, or an Excel day number. */
static int cell_date(const char *s)
{
	int d = cert_date_parse(s);
	if (d)
		return d;
	size_t n = strlen(s);
	if (n >= 4 && n <= 6) {
		char *end;
		long v = strtol(s, &end, 10);
		if (*end == '\0' || (*end == '.' && end[1] == '0'))
			return cert_date_from_excel(v);
	}
	return 0;
}

static jn_err one_row(cert_import *ci, table_import *ti, const import_row *row)
{
	stx *t = import_tx(ti);
	const scope *sc = import_scope(ti);
	const char *const *v = row->v;
	int today = import_today(ti);
	scope sys = scope_system();
	jn_fields fe = {0};
	certificate c;
	memset(&c, 0, sizeof c);
	c.imported = 1;
	c.route = ROUTE_NORMAL;
	snprintf(c.id_type, sizeof c.id_type, "居民身份证");

	/* 证书编号 */
	cert_number_info info;
	cert_number_status ns = cert_number_parse(v[K_NUMBER], &info);
	if (ns != CN_OK) {
		char msg[256];
		cert_number_status_message(ns, &info, msg, sizeof msg);
		fe_add(&fe, "number", cert_number_status_code(ns), "%s", msg);
	} else {
		snprintf(c.number, sizeof c.number, "%s%06d", info.prefix, info.serial);
		long first = 0;
		int r = seen_add(ci, c.number, row->rowno, &first);
		if (r < 0)
			return JN_ENOMEM;
		if (r == 1) {
			fe_add(&fe, "number", "duplicate_in_file", "证书编号与第%ld行重复", first);
		} else {
			certificate have;
			jn_err ge = store_cert_get(t, &sys, c.number, &have);
			if (!ge)
				fe_add(&fe, "number", "duplicate", "证书编号%s已登记，不能重复导入", c.number);
			else if (ge != JN_ENOTFOUND)
				return ge;
		}
		c.body_type = info.type;
		snprintf(c.body_code, sizeof c.body_code, "%s", info.body_code);
	}
	/* 技能等级, and the number's level digit */
	c.level = v[K_LEVEL] ? level_parse(v[K_LEVEL]) : 0;
	if (!v[K_LEVEL])
		fe_add(&fe, "level", "required", "技能等级必须填写");
	else if (c.level < 2 || c.level > 8)
		fe_add(&fe, "level", "invalid_level", "技能等级“%s”无效，应为初级工（五级）…高级技师（一级）、特级技师或首席技师",
		       v[K_LEVEL]);
	else if (ns == CN_OK && info.rank != c.level) {
		char a[64], b[64];
		cert_level_label(info.rank, a, sizeof a);
		cert_level_label(c.level, b, sizeof b);
		fe_add(&fe, "number", "level_mismatch", "证书编号第16位“%d”表示%s，与技能等级“%s”不符", info.digit, a, b);
	}
	/* 身份证号 and 姓名 */
	person p;
	int have_person = 0;
	if (!v[K_ID]) {
		fe_add(&fe, "id_number", "required", "身份证号必须填写");
	} else {
		id_info id;
		id_status st = id_parse(v[K_ID], strlen(v[K_ID]), today, &id);
		if (st != ID_OK) {
			char msg[256];
			id_status_message(st, &id, msg, sizeof msg);
			fe_add(&fe, "id_number", id_status_code(st), "%s", msg);
		} else {
			jn_err pe = store_person_by_id_number(t, sc, id.number, &p);
			if (pe == JN_ENOTFOUND)
				fe_add(&fe, "id_number", "not_registered", "身份证号%s的人员未登记，或不在您的管辖范围内（请先导入人员）",
				       id.number);
			else if (pe)
				return pe;
			else
				have_person = 1;
		}
	}
	if (!v[K_NAME]) {
		fe_add(&fe, "name", "required", "姓名必须填写");
	} else if (have_person) {
		char *nm = NULL;
		if (text_normalize_name(v[K_NAME], strlen(v[K_NAME]), 30, &nm) != TEXT_OK || strcmp(nm, p.name) != 0)
			fe_add(&fe, "name", "name_mismatch", "姓名“%s”与该身份证号登记的姓名不符", v[K_NAME]);
		free(nm);
	}
	if (have_person) {
		c.person_id = p.id;
		snprintf(c.holder_name, sizeof c.holder_name, "%s", p.name);
		snprintf(c.id_number, sizeof c.id_number, "%s", p.id_number);
	}
	/* 职业编码 / 职业名称 */
	occupation occ, occ2;
	int have_occ = 0;
	if (!v[K_OCC] && !v[K_OCC_NAME]) {
		fe_add(&fe, "occupation", "required", "职业编码或职业名称必须填写其一");
	} else {
		const char *given = v[K_OCC] ? v[K_OCC] : v[K_OCC_NAME];
		const char *field = v[K_OCC] ? "occupation" : "occupation_name";
		int rc = occupation_resolve(t, given, &occ);
		if (rc < 0)
			return JN_EDB;
		if (!rc)
			fe_add(&fe, field, "unknown_occupation", "职业“%s”不在职业分类大典（2022）中", given);
		else
			have_occ = 1;
		if (have_occ && v[K_OCC] && v[K_OCC_NAME]) {
			rc = occupation_resolve(t, v[K_OCC_NAME], &occ2);
			if (rc < 0)
				return JN_EDB;
			if (!rc || strcmp(occ2.code, occ.code) != 0)
				fe_add(&fe, "occupation_name", "mismatch", "职业名称“%s”与职业编码%s（%s）不符", v[K_OCC_NAME],
				       occ.code, occ.name);
		}
	}
	if (have_occ) {
		snprintf(c.occupation, sizeof c.occupation, "%s", occ.code);
		snprintf(c.occupation_name, sizeof c.occupation_name, "%s", occ.name);
		if (c.level >= 2 && c.level <= 8) {
			int off = level_offered(t, occ.code, c.level);
			if (off < 0)
				return JN_EDB;
			if (!off)
				fe_add(&fe, "level", "level_not_offered", "%s不设%s", occ.name, LEVELS[c.level - 1].name);
		}
	}
	/* 评价机构: a credit code must be registered; a name is kept as written. */
	if (!v[K_BODY]) {
		fe_add(&fe, "body", "required", "评价机构必须填写（名称或统一社会信用代码）");
	} else {
		uscc_info ui;
		org o;
		int is_code = strlen(v[K_BODY]) == 18 && uscc_parse(v[K_BODY], 18, &ui) == USCC_OK;
		jn_err oe = is_code ? store_org_find(t, ui.code, NULL, &o) : store_org_find(t, NULL, v[K_BODY], &o);
		if (oe && oe != JN_ENOTFOUND)
			return oe;
		if (is_code && oe == JN_ENOTFOUND)
			fe_add(&fe, "body", "unknown_body", "统一社会信用代码%s的机构未登记", ui.code);
		else if (!oe) {
			c.body_org_id = o.id;
			snprintf(c.body_name, sizeof c.body_name, "%s", o.name);
		} else {
			take_text(&fe, "body", "评价机构", v[K_BODY], 80, 1, c.body_name, sizeof c.body_name);
		}
	}
	/* 发证日期, 状态, 注销日期, 注销原因 */
	int issued = v[K_ISSUED] ? cell_date(v[K_ISSUED]) : 0;
	if (!v[K_ISSUED])
		fe_add(&fe, "issued_on", "required", "发证日期必须填写");
	else if (!issued)
		fe_add(&fe, "issued_on", "invalid_date", "发证日期“%s”不是日期（应为 YYYY-MM-DD）", v[K_ISSUED]);
	else if (issued > today)
		fe_add(&fe, "issued_on", "future_date", "发证日期不能晚于今天");
	else
		cert_date_format(issued, c.issued_on);
	c.status = v[K_STATUS] ? cert_status_parse(v[K_STATUS]) : CERT_VALID;
	if (c.status != CERT_VALID && c.status != CERT_REVOKED) {
		fe_add(&fe, "status", "invalid", "状态应为“有效”或“已注销”");
		c.status = CERT_VALID;
	}
	if (c.status == CERT_REVOKED) {
		int rv = v[K_REVOKED_ON] ? cell_date(v[K_REVOKED_ON]) : 0;
		if (!v[K_REVOKED_ON])
			fe_add(&fe, "revoked_on", "required", "已注销的证书须填写注销日期");
		else if (!rv)
			fe_add(&fe, "revoked_on", "invalid_date", "注销日期“%s”不是日期（应为 YYYY-MM-DD）", v[K_REVOKED_ON]);
		else if (rv > today || (issued && rv < issued))
			fe_add(&fe, "revoked_on", "out_of_range", "注销日期应在发证日期和今天之间");
		else
			cert_date_format(rv, c.revoked_on);
		take_text(&fe, "revoke_reason", "注销原因", v[K_REASON], 150, 1, c.revoke_reason, sizeof c.revoke_reason);
	} else {
		if (v[K_REVOKED_ON])
			fe_add(&fe, "revoked_on", "not_applicable", "有效证书不应填写注销日期");
		if (v[K_REASON])
			fe_add(&fe, "revoke_reason", "not_applicable", "有效证书不应填写注销原因");
	}
	if (fe.count) {
		import_reject(ti, row, &fe);
		return JN_OK;
	}
	snprintf(c.approved_on, sizeof c.approved_on, "%s", c.issued_on);
	jn_err e = store_cert_insert(t, &c);
	if (e == JN_ECONFLICT) {
		fe_add(&fe, "number", "duplicate", "证书编号%s已登记，不能重复导入", c.number);
		import_reject(ti, row, &fe);
		return JN_OK;
	}
	if (!e)
		e = store_cert_serial_seen(t, info.prefix, info.serial);
	char subj[64];
	snprintf(subj, sizeof subj, "certificate:%s", c.number);
	if (!e) {
		char *after = audit_text(cert_json(&c, 0));
		e = store_audit(t, sc, "certificate.import", subj, NULL, after);
		free(after);
	}
	/* The holder's record: the certificate, and its revocation when it
	 * came in revoked. */
	if (!e)
		e = record_certificate(t, sc, &c, 0);
	if (!e && c.status == CERT_REVOKED)
		e = record_certificate(t, sc, &c, 1);
	if (!e && c.status == CERT_VALID)
		e = cert_recompute_person(t, sc, c.person_id, subj);
	if (!e)
		import_rep(ti)->created++;
	return e;
}

static jn_err cert_chunk(void *ctx, table_import *ti, const import_row *rows, int n)
{
	for (int k = 0; k < n; k++) {
		jn_err e = one_row(ctx, ti, &rows[k]);
		if (e)
			return e;
	}
	return JN_OK;
}

jn_err import_certificates(store *s, const scope *sc, const char *data, size_t len, const import_opts *o,
			   import_report *rep)
{
	if (!role_may(sc, ROLE_ADMIN | ROLE_COUNTY)) {
		memset(rep, 0, sizeof *rep);
		return JN_EFORBIDDEN;
	}
	cert_import ci = {0};
	import_spec spec = {"certificates", COLUMNS, K_COUNT, cert_chunk, &ci, 0};
	jn_err e = table_import_run(s, sc, data, len, o, &spec, rep);
	free(ci.seen);
	return e;
}
