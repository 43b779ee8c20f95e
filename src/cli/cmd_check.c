/* cmd_check.c — `jineng check id|uscc` and `jineng audit verify`. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "cli/cli.h"
#include "core/idcard.h"
#include "core/regions.h"
#include "core/uscc.h"

int cmd_check(int argc, char **argv)
{
	if (argc < 2 || cli_is_help(argv[1])) {
		printf("用法：jineng check id 身份证号\n      jineng check uscc 统一社会信用代码\n"
		       "  有效时退出码 0，无效时 1 并说明原因（长度、字符、日期、地址码或校验码，给出应有的校验码）。\n");
		return argc < 2 ? EXIT_USAGE : EXIT_OKAY;
	}
	if (argc != 3) {
		fprintf(stderr, "jineng check: 用法 jineng check id|uscc 号码\n");
		return EXIT_USAGE;
	}
	const char *what = argv[1], *v = argv[2];
	if (strcmp(what, "id") == 0) {
		id_info info;
		id_status st = id_parse(v, strlen(v), store_today(), &info);
		if (st != ID_OK) {
			char msg[256];
			id_status_message(st, &info, msg, sizeof msg);
			printf("无效：%s [%s]\n", msg, id_status_code(st));
			return EXIT_REJECTED;
		}
		const region_entry *r = region_find(info.region);
		printf("有效：%s\n  性别 %s，出生日期 %s，地址码 %s（%s%s）%s\n", info.number, info.gender == 'M' ? "男" : "女",
		       info.birth_date, info.region, r ? r->name : "", r && !r->current ? "，已撤销的旧代码" : "",
		       info.converted ? "\n  已由15位旧号码转换为18位" : "");
		return EXIT_OKAY;
	}
	if (strcmp(what, "uscc") == 0) {
		uscc_info info;
		uscc_status st = uscc_parse(v, strlen(v), &info);
		if (st != USCC_OK) {
			char msg[256];
			uscc_status_message(st, &info, msg, sizeof msg);
			printf("无效：%s [%s]\n", msg, uscc_status_code(st));
			return EXIT_REJECTED;
		}
		printf("有效：%s\n", info.code);
		return EXIT_OKAY;
	}
	fprintf(stderr, "jineng check: 只能校验 id 或 uscc\n");
	return EXIT_USAGE;
}

int cmd_audit(int argc, char **argv)
{
	if (argc < 2 || cli_is_help(argv[1])) {
		printf("用法：jineng audit verify [--db URL]\n"
		       "  逐条核对审计日志的哈希链。完好时退出码 0；有记录被改动或删除时退出码 1，并指出第一条出问题的记录。\n");
		return argc < 2 ? EXIT_USAGE : EXIT_OKAY;
	}
	if (strcmp(argv[1], "verify") != 0) {
		fprintf(stderr, "jineng audit: 没有“%s”这个子命令（可用：verify）\n", argv[1]);
		return EXIT_USAGE;
	}
	static const struct option opts[] = {{"db", required_argument, 0, 'd'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
	const char *db = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
		if (c == 'd')
			db = optarg;
		else if (c == 'h')
			return cmd_audit(2, (char *[]){argv[0], "--help", NULL});
		else
			return EXIT_USAGE;
	}
	if (optind != argc - 1) {
		fprintf(stderr, "jineng audit verify: 多余的参数\n");
		return EXIT_USAGE;
	}
	store *s = cli_open(cli_db_url(db), 1);
	if (!s)
		return EXIT_FAILED;
	stx *t;
	jn_err e = stx_begin(s, 0, &t);
	int64_t checked = 0, bad = 0;
	char why[512];
	if (!e) {
		e = store_audit_verify(t, &checked, &bad, why, sizeof why);
		stx_rollback(t);
	}
	store_close(s);
	if (e) {
		fprintf(stderr, "jineng audit verify: 读取审计日志失败（%s）\n", jn_err_code(e));
		return EXIT_FAILED;
	}
	if (bad) {
		printf("审计链已损坏：第一条出问题的记录是第 %lld 条。%s\n", (long long)bad, why);
		return EXIT_REJECTED;
	}
	printf("审计链完好：共 %lld 条记录，逐条核对无误。\n", (long long)checked);
	return EXIT_OKAY;
}
