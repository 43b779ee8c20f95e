/* main.c — jineng: dispatches to the command named by the first argument. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *help;
} COMMANDS[] = {
	{"serve", cmd_serve, "提供 HTTP 接口和网页（默认 http://127.0.0.1:8080）"},
	{"init", cmd_init, "创建或升级数据库结构，装载参考数据（--demo 加演示数据）"},
	{"user", cmd_user, "账号管理：user add"},
	{"import", cmd_import, "批量导入：import persons FILE"},
	{"export", cmd_export, "导出：export persons"},
	{"check", cmd_check, "校验：check id 身份证号 / check uscc 统一社会信用代码"},
	{"audit", cmd_audit, "审计：audit verify 检查审计链是否被篡改"},
	{"gen", cmd_gen, "生成逼真的模拟数据：gen persons N / gen orgs N（测试、演示、压测用）"},
	{"evaluator", cmd_evaluator, "评价机构：evaluator register|staff|list|show"},
	{"batch", cmd_batch, "认定批次：batch create|enrol|score|submit|review|notice|object|answer|approve|issue|revoke|show|list"},
	{"cert", cmd_cert, "证书：cert show|revoke|list"},
	{"train", cmd_train, "培训：train programmes|catalog|class-add|classes|class|enrol|withdraw|code|checkin|attend|close|result|import-…"},
	{"keygen", cmd_keygen, "生成新的证书签名密钥并启用（原密钥停用但仍可验证），写出公钥集 jwks.json"},
	{"keys", cmd_keys, "证书签名密钥：keys list"},
	{"record", cmd_record, "终身职业技能培训电子档案：record 人员编号 [--pdf|--xlsx 文件] / record correct"},
	{"stats", cmd_stats, "统计：stats targets|training|training-share"},
	{"verify-credential", cmd_verify_credential, "离线验证签名证书（VC-JWT）：verify-credential 文件 [--jwks 公钥集]"},
	{"voucher", cmd_voucher, "职业技能电子培训券：voucher issue|list|show|stats"},
	{"subsidy", cmd_subsidy, "培训补贴：subsidy rules|rule-add|claim|claims|show|review|approve|pay|refuse|check-flags|clear-flag"},
	{"fund", cmd_fund, "补贴资金：fund create|list|show|budget|ledger"},
};

static void usage(FILE *f)
{
	fprintf(f, "用法：jineng <命令> [选项]   （每个命令都有 --help）\n\n命令：\n");
	for (size_t i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++)
		fprintf(f, "  %-8s %s\n", COMMANDS[i].name, COMMANDS[i].help);
	fprintf(f, "\n数据库：--db sqlite:路径（默认 sqlite:var/jineng.db）或 --db postgresql://…；也可用环境变量 JINENG_DB。\n");
}

int main(int argc, char **argv)
{
	if (sodium_init() < 0) {
		fprintf(stderr, "jineng: 无法初始化加密库（libsodium）\n");
		return EXIT_FAILED;
	}
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (cli_is_help(argv[1])) {
		usage(stdout);
		return EXIT_OKAY;
	}
	for (size_t i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++)
		if (strcmp(argv[1], COMMANDS[i].name) == 0)
			return COMMANDS[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "jineng: 没有“%s”这个命令\n\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
