/* cmd_money.c — `jineng voucher`, `jineng subsidy`, `jineng fund`: training
 * vouchers, subsidy rules and claims, funds and their ledger, through the
 * same services as the API.  Without --as the system acts; with --as
 * USERNAME that account (its role, region and organisation), as in
 * cmd_cert.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/money.h"
#include "cli/cli.h"

#define MAX_OPTS 64

typedef struct args {
	const char *key[MAX_OPTS], *val[MAX_OPTS];
	int nopt;
	const char *pos[8];
	int npos;
	int help;
	int dry_run;
} args;

static int parse(int argc, char **argv, args *a)
{
	memset(a, 0, sizeof *a);
	for (int i = 0; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			a->help = 1;
		} else if (strcmp(argv[i], "--dry-run") == 0) {
			a->dry_run = 1;
		} else if (strncmp(argv[i], "--", 2) == 0) {
			if (i + 1 >= argc || a->nopt >= MAX_OPTS) {
				fprintf(stderr, "jineng: 选项 %s 需要一个值\n", argv[i]);
				return -1;
			}
			a->key[a->nopt] = argv[i] + 2;
			a->val[a->nopt++] = argv[++i];
		} else if (a->npos < 8) {
			a->pos[a->npos++] = argv[i];
		} else {
			fprintf(stderr, "jineng: 多余的参数“%s”\n", argv[i]);
			return -1;
		}
	}
	return 0;
}

static const char *opt(const args *a, const char *k)
{
	for (int i = a->nopt - 1; i >= 0; i--)
		if (strcmp(a->key[i], k) == 0)
			return a->val[i];
	return NULL;
}

static int only(const args *a, const char *const *allowed)
{
	for (int i = 0; i < a->nopt; i++) {
		int ok = strcmp(a->key[i], "db") == 0 || strcmp(a->key[i], "as") == 0;
		for (const char *const *k = allowed; !ok && *k; k++)
			ok = strcmp(a->key[i], *k) == 0;
		if (!ok) {
			fprintf(stderr, "jineng: 不认识的选项 --%s（--help 查看用法）\n", a->key[i]);
			return 0;
		}
	}
	return 1;
}

static int64_t num(const char *s)
{
	if (!s || !*s)
		return -1;
	char *end;
	long long v = strtoll(s, &end, 10);
	return *end || v < 0 ? -1 : v;
}

static int64_t numopt(const args *a, const char *k, int64_t def)
{
	const char *v = opt(a, k);
	return v ? num(v) : def;
}

static int as_refused;

static store *open_as(const args *a, scope *sc)
{
	as_refused = 0;
	store *s = cli_open(cli_db_url(opt(a, "db")), 1);
	if (!s)
		return NULL;
	const char *as = opt(a, "as");
	if (!as) {
		*sc = scope_system();
		return s;
	}
	stx *t;
	account acct;
	jn_err e = stx_begin(s, 0, &t);
	if (!e) {
		e = store_account_by_username(t, as, &acct);
		stx_rollback(t);
	}
	if (e || acct.disabled) {
		fprintf(stderr, "jineng: 账号“%s”%s\n", as, e == JN_ENOTFOUND ? "不存在" : e ? "无法读取" : "已停用");
		as_refused = e == JN_ENOTFOUND || !e;
		store_close(s);
		return NULL;
	}
	scope_from_account(&acct, sc);
	return s;
}

static int finish(store *s, jn_err e, const jn_fields *fe, json_t *j)
{
	store_close(s);
	if (!e) {
		char *text = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
		if (text)
			printf("%s\n", text);
		free(text);
		json_decref(j);
		return EXIT_OKAY;
	}
	json_decref(j);
	fprintf(stderr, "jineng: %s（%s）\n", jn_err_title_zh(e), jn_err_code(e));
	if (fe)
		cli_print_fields(fe);
	return e == JN_EINVAL || e == JN_ECONFLICT || e == JN_ENOTFOUND || e == JN_EFORBIDDEN ? EXIT_REJECTED : EXIT_FAILED;
}

static int usage(const char *text, int help)
{
	fputs(text, help ? stdout : stderr);
	return help ? EXIT_OKAY : EXIT_USAGE;
}

static const char WHO[] = "\n谁来执行：不给 --as 时以系统身份执行（可及全部数据，审计记为 system）；--as 用户名 则按该账号的角色和地区执行。\n"
			  "输出：成功时打印结果（JSON）；被拒绝时在标准错误逐条说明字段和原因，退出码 1。共同选项：--db URL。\n";

/* Splits "a,b,c" into out (pointers into buf). */
static int split(const char *list, char *buf, size_t cap, const char **out, int max)
{
	if (!list)
		return -1;
	snprintf(buf, cap, "%s", list);
	int n = 0;
	char *save = NULL;
	for (char *tok = strtok_r(buf, ",", &save); tok && n < max; tok = strtok_r(NULL, ",", &save))
		out[n++] = tok;
	return n;
}

/* ---- jineng voucher ---- */

static const char VOUCHER_HELP[] =
	"用法：\n"
	"  jineng voucher issue (--person 人员编号 | --region 地区代码 [--tags 脱贫户,退役军人] [--tags-match any|all]\n"
	"          [--age-min 16] [--age-max 60] [--level-max 3]) --occupations 6-18-02-04,6-18 --amount-fen 50000\n"
	"          --expires-on 2026-12-31 [--programme 培训计划编号] [--issued-on 日期] [--dry-run]\n"
	"      发放培训券（--dry-run 只预览选中人数；--issued-on 只供系统身份补录历史发券）。\n"
	"  jineng voucher list [--state issued|used|redeemed|expired] [--person 编号] [--programme 编号] [--region 代码]\n"
	"  jineng voucher show 券号\n"
	"  jineng voucher stats [--region 代码] [--programme 编号]\n";

int cmd_voucher(int argc, char **argv)
{
	if (argc < 2)
		return usage(VOUCHER_HELP, 0);
	if (cli_is_help(argv[1])) {
		printf("%s%s", VOUCHER_HELP, WHO);
		return EXIT_OKAY;
	}
	const char *sub = argv[1];
	args a;
	if (parse(argc - 2, argv + 2, &a) != 0)
		return EXIT_USAGE;
	if (a.help) {
		printf("%s%s", VOUCHER_HELP, WHO);
		return EXIT_OKAY;
	}
	scope sc;
	store *s;
	jn_fields fe = {0};
	json_t *j = NULL;
	jn_err e;
	if (strcmp(sub, "issue") == 0) {
		static const char *const allowed[] = {"person", "region", "tags", "tags-match", "age-min", "age-max",
						      "level-max", "occupations", "amount-fen", "expires-on", "programme",
						      "issued-on", NULL};
		if (!only(&a, allowed) || a.npos)
			return usage(VOUCHER_HELP, 0);
		voucher_issue_input in = VOUCHER_ISSUE_EMPTY;
		char tbuf[512], obuf[1024];
		in.person_id = numopt(&a, "person", 0);
		in.region = opt(&a, "region");
		in.ntags = split(opt(&a, "tags"), tbuf, sizeof tbuf, in.tags, 8);
		in.tags_match = opt(&a, "tags-match");
		in.age_min = (int)numopt(&a, "age-min", -1);
		in.age_max = (int)numopt(&a, "age-max", -1);
		in.level_max = (int)numopt(&a, "level-max", -1);
		in.noccupations = split(opt(&a, "occupations"), obuf, sizeof obuf, in.occupations, 32);
		in.amount_fen = numopt(&a, "amount-fen", -1);
		in.expires_on = opt(&a, "expires-on");
		in.programme_id = numopt(&a, "programme", 0);
		in.dry_run = a.dry_run;
		in.issued_on = opt(&a, "issued-on");
		if (!(s = open_as(&a, &sc)))
			return as_refused ? EXIT_REJECTED : EXIT_FAILED;
		e = voucher_issue(s, &sc, &in, &j, &fe);
	} else if (strcmp(sub, "list") == 0) {
		static const char *const allowed[] = {"state", "person", "programme", "region", "page", NULL};
		if (!only(&a, allowed) || a.npos)
			return usage(VOUCHER_HELP, 0);
		voucher_filter f;
		memset(&f, 0, sizeof f);
		snprintf(f.state, sizeof f.state, "%s", opt(&a, "state") ? opt(&a, "state") : "");
		f.person_id = numopt(&a, "person", 0);
		f.programme_id = numopt(&a, "programme", 0);
		snprintf(f.region, sizeof f.region, "%s", opt(&a, "region") ? opt(&a, "region") : "");
		f.page = (int)numopt(&a, "page", 1);
		f.per_page = 200;
		if (!(s = open_as(&a, &sc)))
			return as_refused ? EXIT_REJECTED : EXIT_FAILED;
		int64_t total = 0;
		e = voucher_list(s, &sc, &f, &j, &total);
	} else if (strcmp(sub, "show") == 0) {
		static const char *const allowed[] = {NULL};
		if (!only(&a, allowed) || a.npos != 1)
			return usage(VOUCHER_HELP, 0);
		if (!(s = open_as(&a, &sc)))
			return as_refused ? EXIT_REJECTED : EXIT_FAILED;
		e = voucher_show(s, &sc, a.pos[0], &j);
	} else if (strcmp(sub, "stats") == 0) {
		static const char *const allowed[] = {"region", "programme", NULL};
		if (!only(&a, allowed) || a.npos)
			return usage(VOUCHER_HELP, 0);
		if (!(s = open_as(&a, &sc)))
			return as_refused ? EXIT_REJECTED : EXIT_FAILED;
		e = voucher_stats(s, &sc, opt(&a, "region") ? opt(&a, "region") : "", numopt(&a, "programme", 0), &j);
	} else {
		return usage(VOUCHER_HELP, 0);
	}
	return finish(s, e, &fe, j);
}

/* ---- jineng subsidy ---- */

static const char SUBSIDY_HELP[] =
	"用法：\n"
	"  jineng subsidy rules [--kind training|upgrade] [--as-of 2025-06-01] [--region 地区代码]\n"
	"      补贴规则：不给 --as-of 列出全部版本，给出则列出该日该地现行的规则。\n"
	"  jineng subsidy rule-add --kind upgrade --code per_year --value 2 [--level 0] [--region 530400]\n"
	"          --effective-from 2026-01-01 --description 说明 --source 政策依据\n"
	"  jineng subsidy claim --kind training --class 培训班编号 [--on 日期]\n"
	"  jineng subsidy claim --kind upgrade --certificate 证书编号 [--on 日期]\n"
	"      申请补贴（--on 只供系统身份补录历史申请）。\n"
	"  jineng subsidy claims [--state 状态] [--kind 类别] [--flagged 1] [--org 编号] [--person 编号] [--class 编号]\n"
	"  jineng subsidy show 申请编号\n"
	"  jineng subsidy review|approve 申请编号\n"
	"  jineng subsidy pay 申请编号 [--fund 资金编号]\n"
	"  jineng subsidy refuse 申请编号 --reason 原因\n"
	"  jineng subsidy check-flags 申请编号\n"
	"  jineng subsidy clear-flag 申请编号 --code 提示代码 --reason 原因\n";

int cmd_subsidy(int argc, char **argv)
{
	if (argc < 2)
		return usage(SUBSIDY_HELP, 0);
	if (cli_is_help(argv[1])) {
		printf("%s%s", SUBSIDY_HELP, WHO);
		return EXIT_OKAY;
	}
	const char *sub = argv[1];
	args a;
	if (parse(argc - 2, argv + 2, &a) != 0)
		return EXIT_USAGE;
	if (a.help) {
		printf("%s%s", SUBSIDY_HELP, WHO);
		return EXIT_OKAY;
	}
	scope sc;
	store *s;
	jn_fields fe = {0};
	json_t *j = NULL;
	jn_err e;
	if (strcmp(sub, "rules") == 0) {
		static const char *const allowed[] = {"kind", "as-of", "region", NULL};
		if (!only(&a, allowed) || a.npos)
			return usage(SUBSIDY_HELP, 0);
		if (!(s = open_as(&a, &sc)))
			return as_refused ? EXIT_REJECTED : EXIT_FAILED;
		e = subsidy_rule_list(s, &sc, opt(&a, "kind"), opt(&a, "as-of"), opt(&a, "region"), &j, &fe);
	} else if (strcmp(sub, "rule-add") == 0) {
		static const char *const allowed[] = {"kind", "code", "value", "level", "region", "effective-from",
						      "description", "source", NULL};
		if (!only(&a, allowed) || a.npos)
			return usage(SUBSIDY_HELP, 0);
		rule_input in = {opt(&a, "kind"), opt(&a, "code"), opt(&a, "region"), opt(&a, "effective-from"),
				 opt(&a, "description"), opt(&a, "source"), (int)numopt(&a, "level", -1), numopt(&a, "value", -1)};
		if (!(s = open_as(&a, &sc)))
			return as_refused ? EXIT_REJECTED : EXIT_FAILED;
		e = subsidy_rule_add(s, &sc, &in, &j, &fe);
	} else if (strcmp(sub, "claim") == 0) {
		static const char *const allowed[] = {"kind", "class", "certificate", "on", NULL};
		if (!only(&a, allowed) || a.npos)
			return usage(SUBSIDY_HELP, 0);
		claim_input in = {opt(&a, "kind"), numopt(&a, "class", 0), opt(&a, "certificate"), opt(&a, "on")};
		if (!(s = open_as(&a, &sc)))
			return as_refused ? EXIT_REJECTED : EXIT_FAILED;
		e = claim_submit(s, &sc, &in, &j, &fe);
	} else if (strcmp(sub, "claims") == 0) {
		static const char *const allowed[] = {"state", "kind", "flagged", "org", "person", "class", "region", "page", NULL};
		if (!only(&a, allowed) || a.npos)
			return usage(SUBSIDY_HELP, 0);
		claim_filter f;
		memset(&f, 0, sizeof f);
		snprintf(f.state, sizeof f.state, "%s", opt(&a, "state") ? opt(&a, "state") : "");
		f.kind = subsidy_kind_parse(opt(&a, "kind"));
		f.flagged = numopt(&a, "flagged", 0) == 1;
		f.org_id = numopt(&a, "org", 0);
		f.person_id = numopt(&a, "person", 0);
		f.class_id = numopt(&a, "class", 0);
		snprintf(f.region, sizeof f.region, "%s", opt(&a, "region") ? opt(&a, "region") : "");
		f.page = (int)numopt(&a, "page", 1);
		f.per_page = 200;
		if (!(s = open_as(&a, &sc)))
			return as_refused ? EXIT_REJECTED : EXIT_FAILED;
		int64_t total = 0;
		e = claim_list(s, &sc, &f, &j, &total);
	} else {
		static const struct {
			const char *name;
			claim_action a;
		} steps[] = {{"review", CLAIM_REVIEW}, {"approve", CLAIM_APPROVE}, {"pay", CLAIM_PAY}, {"refuse", CLAIM_REFUSE}};
		static const char *const allowed[] = {"fund", "reason", "code", NULL};
		if (!only(&a, allowed) || a.npos != 1 || num(a.pos[0]) <= 0)
			return usage(SUBSIDY_HELP, 0);
		int64_t id = num(a.pos[0]);
		int k = -1;
		for (int i = 0; i < 4; i++)
			if (strcmp(sub, steps[i].name) == 0)
				k = i;
		if (k < 0 && strcmp(sub, "show") && strcmp(sub, "check-flags") && strcmp(sub, "clear-flag"))
			return usage(SUBSIDY_HELP, 0);
		if (!(s = open_as(&a, &sc)))
			return as_refused ? EXIT_REJECTED : EXIT_FAILED;
		if (k >= 0)
			e = claim_step(s, &sc, id, steps[k].a, opt(&a, "reason"), numopt(&a, "fund", 0), &j, &fe);
		else if (strcmp(sub, "show") == 0)
			e = claim_show(s, &sc, id, &j);
		else if (strcmp(sub, "check-flags") == 0)
			e = claim_flags_recheck(s, &sc, id, &j, &fe);
		else
			e = claim_flag_clear(s, &sc, id, opt(&a, "code") ? opt(&a, "code") : "", opt(&a, "reason"), &j, &fe);
	}
	return finish(s, e, &fe, j);
}

/* ---- jineng fund ---- */

static const char FUND_HELP[] =
	"用法：\n"
	"  jineng fund create --name 名称 --region 地区代码 [--programme 培训计划编号] [--budget-fen 金额] [--note 说明]\n"
	"  jineng fund list [--programme 编号] [--region 代码]\n"
	"  jineng fund show 资金编号\n"
	"  jineng fund budget 资金编号 --amount-fen 金额 [--note 说明]\n"
	"  jineng fund ledger 资金编号 [--page 页]\n";

int cmd_fund(int argc, char **argv)
{
	if (argc < 2)
		return usage(FUND_HELP, 0);
	if (cli_is_help(argv[1])) {
		printf("%s%s", FUND_HELP, WHO);
		return EXIT_OKAY;
	}
	const char *sub = argv[1];
	args a;
	if (parse(argc - 2, argv + 2, &a) != 0)
		return EXIT_USAGE;
	if (a.help) {
		printf("%s%s", FUND_HELP, WHO);
		return EXIT_OKAY;
	}
	scope sc;
	store *s;
	jn_fields fe = {0};
	json_t *j = NULL;
	jn_err e;
	if (strcmp(sub, "create") == 0) {
		static const char *const allowed[] = {"name", "region", "programme", "budget-fen", "note", NULL};
		if (!only(&a, allowed) || a.npos)
			return usage(FUND_HELP, 0);
		fund_input in = {numopt(&a, "programme", 0), opt(&a, "region"), opt(&a, "name"), numopt(&a, "budget-fen", -1),
				 opt(&a, "note")};
		if (!(s = open_as(&a, &sc)))
			return as_refused ? EXIT_REJECTED : EXIT_FAILED;
		e = fund_create(s, &sc, &in, &j, &fe);
	} else if (strcmp(sub, "list") == 0) {
		static const char *const allowed[] = {"programme", "region", NULL};
		if (!only(&a, allowed) || a.npos)
			return usage(FUND_HELP, 0);
		if (!(s = open_as(&a, &sc)))
			return as_refused ? EXIT_REJECTED : EXIT_FAILED;
		e = fund_list(s, &sc, numopt(&a, "programme", 0), opt(&a, "region"), &j);
	} else {
		static const char *const allowed[] = {"amount-fen", "note", "page", NULL};
		if (!only(&a, allowed) || a.npos != 1 || num(a.pos[0]) <= 0)
			return usage(FUND_HELP, 0);
		int64_t id = num(a.pos[0]);
		if (strcmp(sub, "show") && strcmp(sub, "budget") && strcmp(sub, "ledger"))
			return usage(FUND_HELP, 0);
		if (!(s = open_as(&a, &sc)))
			return as_refused ? EXIT_REJECTED : EXIT_FAILED;
		if (strcmp(sub, "show") == 0) {
			e = fund_show(s, &sc, id, &j);
		} else if (strcmp(sub, "budget") == 0) {
			e = fund_budget(s, &sc, id, numopt(&a, "amount-fen", -1), opt(&a, "note"), &j, &fe);
		} else {
			int64_t total = 0;
			e = fund_ledger(s, &sc, id, (int)numopt(&a, "page", 1), 200, &j, &total);
		}
	}
	return finish(s, e, &fe, j);
}
