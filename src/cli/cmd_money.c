/* cmd_money.c — `jineng voucher`, `jineng subsidy`, `jineng fund`: training
 * vouchers, subsidy rules and claims, funds and their ledger, through the
 * same services as the API.  Without --as the system acts; with --as
 * USERNAME that account (its role, region and organisation), as in
 * cmd_cert.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/money.h"
#include "cli/args.h"

static int64_t numopt(const cli_args *a, const char *k, int64_t def)
{
	const char *v = cli_opt(a, k);
	return v ? cli_num(v) : def;
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
	cli_args a;
	if (cli_parse(argc - 2, argv + 2, &a) != 0)
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
		if (!cli_only(&a, allowed) || a.npos)
			return usage(VOUCHER_HELP, 0);
		voucher_issue_input in = VOUCHER_ISSUE_EMPTY;
		char tbuf[512], obuf[1024];
		in.person_id = numopt(&a, "person", 0);
		in.region = cli_opt(&a, "region");
		in.ntags = split(cli_opt(&a, "tags"), tbuf, sizeof tbuf, in.tags, 8);
		in.tags_match = cli_opt(&a, "tags-match");
		in.age_min = (int)numopt(&a, "age-min", -1);
		in.age_max = (int)numopt(&a, "age-max", -1);
		in.level_max = (int)numopt(&a, "level-max", -1);
		in.noccupations = split(cli_opt(&a, "occupations"), obuf, sizeof obuf, in.occupations, 32);
		in.amount_fen = numopt(&a, "amount-fen", -1);
		in.expires_on = cli_opt(&a, "expires-on");
		in.programme_id = numopt(&a, "programme", 0);
		in.dry_run = a.dry_run;
		in.issued_on = cli_opt(&a, "issued-on");
		if (!(s = cli_open_as(&a, &sc)))
			return cli_as_refused() ? EXIT_REJECTED : EXIT_FAILED;
		e = voucher_issue(s, &sc, &in, &j, &fe);
	} else if (strcmp(sub, "list") == 0) {
		static const char *const allowed[] = {"state", "person", "programme", "region", "page", NULL};
		if (!cli_only(&a, allowed) || a.npos)
			return usage(VOUCHER_HELP, 0);
		voucher_filter f;
		memset(&f, 0, sizeof f);
		snprintf(f.state, sizeof f.state, "%s", cli_opt(&a, "state") ? cli_opt(&a, "state") : "");
		f.person_id = numopt(&a, "person", 0);
		f.programme_id = numopt(&a, "programme", 0);
		snprintf(f.region, sizeof f.region, "%s", cli_opt(&a, "region") ? cli_opt(&a, "region") : "");
		f.page = (int)numopt(&a, "page", 1);
		f.per_page = 200;
		if (!(s = cli_open_as(&a, &sc)))
			return cli_as_refused() ? EXIT_REJECTED : EXIT_FAILED;
		int64_t total = 0;
		e = voucher_list(s, &sc, &f, &j, &total);
	} else if (strcmp(sub, "show") == 0) {
		static const char *const allowed[] = {NULL};
		if (!cli_only(&a, allowed) || a.npos != 1)
			return usage(VOUCHER_HELP, 0);
		if (!(s = cli_open_as(&a, &sc)))
			return cli_as_refused() ? EXIT_REJECTED : EXIT_FAILED;
		e = voucher_show(s, &sc, a.pos[0], &j);
	} else if (strcmp(sub, "stats") == 0) {
		static const char *const allowed[] = {"region", "programme", NULL};
		if (!cli_only(&a, allowed) || a.npos)
			return usage(VOUCHER_HELP, 0);
		if (!(s = cli_open_as(&a, &sc)))
			return cli_as_refused() ? EXIT_REJECTED : EXIT_FAILED;
		e = voucher_stats(s, &sc, cli_opt(&a, "region") ? cli_opt(&a, "region") : "", numopt(&a, "programme", 0), &j);
	} else {
		return usage(VOUCHER_HELP, 0);
	}
	return cli_finish(s, e, &fe, j, NULL);
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
	cli_args a;
	if (cli_parse(argc - 2, argv + 2, &a) != 0)
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
		if (!cli_only(&a, allowed) || a.npos)
			return usage(SUBSIDY_HELP, 0);
		if (!(s = cli_open_as(&a, &sc)))
			return cli_as_refused() ? EXIT_REJECTED : EXIT_FAILED;
		e = subsidy_rule_list(s, &sc, cli_opt(&a, "kind"), cli_opt(&a, "as-of"), cli_opt(&a, "region"), &j, &fe);
	} else if (strcmp(sub, "rule-add") == 0) {
		static const char *const allowed[] = {"kind", "code", "value", "level", "region", "effective-from",
						      "description", "source", NULL};
		if (!cli_only(&a, allowed) || a.npos)
			return usage(SUBSIDY_HELP, 0);
		rule_input in = {cli_opt(&a, "kind"), cli_opt(&a, "code"), cli_opt(&a, "region"), cli_opt(&a, "effective-from"),
				 cli_opt(&a, "description"), cli_opt(&a, "source"), (int)numopt(&a, "level", -1), numopt(&a, "value", -1)};
		if (!(s = cli_open_as(&a, &sc)))
			return cli_as_refused() ? EXIT_REJECTED : EXIT_FAILED;
		e = subsidy_rule_add(s, &sc, &in, &j, &fe);
	} else if (strcmp(sub, "claim") == 0) {
		static const char *const allowed[] = {"kind", "class", "certificate", "on", NULL};
		if (!cli_only(&a, allowed) || a.npos)
			return usage(SUBSIDY_HELP, 0);
		claim_input in = {cli_opt(&a, "kind"), numopt(&a, "class", 0), cli_opt(&a, "certificate"), cli_opt(&a, "on")};
		if (!(s = cli_open_as(&a, &sc)))
			return cli_as_refused() ? EXIT_REJECTED : EXIT_FAILED;
		e = claim_submit(s, &sc, &in, &j, &fe);
	} else if (strcmp(sub, "claims") == 0) {
		static const char *const allowed[] = {"state", "kind", "flagged", "org", "person", "class", "region", "page", NULL};
		if (!cli_only(&a, allowed) || a.npos)
			return usage(SUBSIDY_HELP, 0);
		claim_filter f;
		memset(&f, 0, sizeof f);
		snprintf(f.state, sizeof f.state, "%s", cli_opt(&a, "state") ? cli_opt(&a, "state") : "");
		f.kind = subsidy_kind_parse(cli_opt(&a, "kind"));
		f.flagged = numopt(&a, "flagged", 0) == 1;
		f.org_id = numopt(&a, "org", 0);
		f.person_id = numopt(&a, "person", 0);
		f.class_id = numopt(&a, "class", 0);
		snprintf(f.region, sizeof f.region, "%s", cli_opt(&a, "region") ? cli_opt(&a, "region") : "");
		f.page = (int)numopt(&a, "page", 1);
		f.per_page = 200;
		if (!(s = cli_open_as(&a, &sc)))
			return cli_as_refused() ? EXIT_REJECTED : EXIT_FAILED;
		int64_t total = 0;
		e = claim_list(s, &sc, &f, &j, &total);
	} else {
		static const struct {
			const char *name;
			claim_action a;
		} steps[] = {{"review", CLAIM_REVIEW}, {"approve", CLAIM_APPROVE}, {"pay", CLAIM_PAY}, {"refuse", CLAIM_REFUSE}};
		static const char *const allowed[] = {"fund", "reason", "code", NULL};
		if (!cli_only(&a, allowed) || a.npos != 1 || cli_num(a.pos[0]) <= 0)
			return usage(SUBSIDY_HELP, 0);
		int64_t id = cli_num(a.pos[0]);
		int k = -1;
		for (int i = 0; i < 4; i++)
			if (strcmp(sub, steps[i].name) == 0)
				k = i;
		if (k < 0 && strcmp(sub, "show") && strcmp(sub, "check-flags") && strcmp(sub, "clear-flag"))
			return usage(SUBSIDY_HELP, 0);
		if (!(s = cli_open_as(&a, &sc)))
			return cli_as_refused() ? EXIT_REJECTED : EXIT_FAILED;
		if (k >= 0)
			e = claim_step(s, &sc, id, steps[k].a, cli_opt(&a, "reason"), numopt(&a, "fund", 0), &j, &fe);
		else if (strcmp(sub, "show") == 0)
			e = claim_show(s, &sc, id, &j);
		else if (strcmp(sub, "check-flags") == 0)
			e = claim_flags_recheck(s, &sc, id, &j, &fe);
		else
			e = claim_flag_clear(s, &sc, id, cli_opt(&a, "code") ? cli_opt(&a, "code") : "", cli_opt(&a, "reason"), &j, &fe);
	}
	return cli_finish(s, e, &fe, j, NULL);
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
	cli_args a;
	if (cli_parse(argc - 2, argv + 2, &a) != 0)
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
		if (!cli_only(&a, allowed) || a.npos)
			return usage(FUND_HELP, 0);
		fund_input in = {numopt(&a, "programme", 0), cli_opt(&a, "region"), cli_opt(&a, "name"), numopt(&a, "budget-fen", -1),
				 cli_opt(&a, "note")};
		if (!(s = cli_open_as(&a, &sc)))
			return cli_as_refused() ? EXIT_REJECTED : EXIT_FAILED;
		e = fund_create(s, &sc, &in, &j, &fe);
	} else if (strcmp(sub, "list") == 0) {
		static const char *const allowed[] = {"programme", "region", NULL};
		if (!cli_only(&a, allowed) || a.npos)
			return usage(FUND_HELP, 0);
		if (!(s = cli_open_as(&a, &sc)))
			return cli_as_refused() ? EXIT_REJECTED : EXIT_FAILED;
		e = fund_list(s, &sc, numopt(&a, "programme", 0), cli_opt(&a, "region"), &j);
	} else {
		static const char *const allowed[] = {"amount-fen", "note", "page", NULL};
		if (!cli_only(&a, allowed) || a.npos != 1 || cli_num(a.pos[0]) <= 0)
			return usage(FUND_HELP, 0);
		int64_t id = cli_num(a.pos[0]);
		if (strcmp(sub, "show") && strcmp(sub, "budget") && strcmp(sub, "ledger"))
			return usage(FUND_HELP, 0);
		if (!(s = cli_open_as(&a, &sc)))
			return cli_as_refused() ? EXIT_REJECTED : EXIT_FAILED;
		if (strcmp(sub, "show") == 0) {
			e = fund_show(s, &sc, id, &j);
		} else if (strcmp(sub, "budget") == 0) {
			e = fund_budget(s, &sc, id, numopt(&a, "amount-fen", -1), cli_opt(&a, "note"), &j, &fe);
		} else {
			int64_t total = 0;
			e = fund_ledger(s, &sc, id, (int)numopt(&a, "page", 1), 200, &j, &total);
		}
	}
	return cli_finish(s, e, &fe, j, NULL);
}
