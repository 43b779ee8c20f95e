/* cmd_record.c — `jineng record` (a worker's lifelong record, its PDF and
 * XLSX, corrections) and `jineng stats` (targets and training figures),
 * through the same services as the API.  Without --as the system acts
 * (every scope, audited as system); with --as USERNAME that account. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/record.h"
#include "cli/args.h"
#include "core/regions.h"
#include "io/cert_pdf.h"

static int64_t id_of(const char *s)
{
	if (!s || !*s)
		return 0;
	char *end;
	long long v = strtoll(s, &end, 10);
	return *end || v <= 0 ? 0 : v;
}

static int usage(const char *text, int help)
{
	fputs(text, help ? stdout : stderr);
	return help ? EXIT_OKAY : EXIT_USAGE;
}

static const char COMMON[] = "\n谁来执行：不给 --as 时以系统身份执行（审计记为 system）；--as 用户名 则按该账号的角色和地区执行。\n"
			     "共同选项：--db URL（默认 sqlite:var/jineng.db 或环境变量 JINENG_DB）。\n";

/* ---- jineng record ---- */

static const char RECORD_HELP[] =
	"用法：\n"
	"  jineng record 人员编号 [--pdf 文件.pdf | --xlsx 文件.xlsx]\n"
	"      终身职业技能培训电子档案：培训、证书、培训券、补贴等记录，按日期由近及远（JSON）；\n"
	"      --pdf / --xlsx 写出可下载的档案文件（“-” 为标准输出）。查看他人档案留痕。\n"
	"  jineng record correct 人员编号 记录编号 --title 更正后的事项 --reason 原因 [--detail JSON对象]\n"
	"      追加一条更正记录（原记录保留并标注“已更正”）；县级、市级经办人员。\n";

static int record_correct_cmd(const cli_args *a)
{
	static const char *const allowed[] = {"title", "reason", "detail", NULL};
	if (!cli_only(a, allowed) || a->npos != 3)
		return usage(RECORD_HELP, 0);
	int64_t pid = id_of(a->pos[1]), eid = id_of(a->pos[2]);
	if (!pid || !eid) {
		fprintf(stderr, "jineng: 人员编号和记录编号应为正整数\n");
		return EXIT_USAGE;
	}
	json_t *detail = NULL;
	if (cli_opt(a, "detail")) {
		detail = json_loads(cli_opt(a, "detail"), 0, NULL);
		if (!json_is_object(detail)) {
			json_decref(detail);
			fprintf(stderr, "jineng: --detail 应为 JSON 对象，如 {\"score\": 85}\n");
			return EXIT_USAGE;
		}
	}
	scope sc;
	store *s = cli_open_as(a, &sc);
	if (!s) {
		json_decref(detail);
		return cli_not_opened();
	}
	record_correction in = {cli_opt(a, "title"), detail, cli_opt(a, "reason")};
	jn_fields fe = {0};
	json_t *j = NULL;
	jn_err e = record_correct(s, &sc, pid, eid, &in, &j, &fe);
	json_decref(detail);
	return cli_finish(s, e, &fe, j, e == JN_ENOTFOUND ? "没有这条档案记录，或不在管辖范围内" : NULL);
}

int cmd_record(int argc, char **argv)
{
	cli_args a;
	if (cli_parse(argc - 1, argv + 1, &a) != 0)
		return EXIT_USAGE;
	if (a.help) {
		printf("%s%s", RECORD_HELP, COMMON);
		return EXIT_OKAY;
	}
	if (a.npos >= 1 && strcmp(a.pos[0], "correct") == 0)
		return record_correct_cmd(&a);
	static const char *const allowed[] = {"pdf", "xlsx", NULL};
	if (!cli_only(&a, allowed) || a.npos != 1 || (cli_opt(&a, "pdf") && cli_opt(&a, "xlsx")))
		return usage(RECORD_HELP, 0);
	int64_t pid = id_of(a.pos[0]);
	if (!pid) {
		fprintf(stderr, "jineng: 人员编号应为正整数\n");
		return EXIT_USAGE;
	}
	scope sc;
	store *s = cli_open_as(&a, &sc);
	if (!s)
		return cli_not_opened();
	const char *pdf = cli_opt(&a, "pdf"), *xlsx = cli_opt(&a, "xlsx");
	if (!pdf && !xlsx) {
		json_t *j = NULL;
		jn_err e = record_read(s, &sc, pid, "json", &j);
		return cli_finish(s, e, NULL, j, e == JN_ENOTFOUND ? "没有这个人员，或不在管辖范围内" : NULL);
	}
	char *data = NULL, why[256] = "";
	size_t len = 0;
	jn_err e = pdf ? record_pdf(s, &sc, pid, &data, &len, why, sizeof why)
		       : record_xlsx(s, &sc, pid, &data, &len, why, sizeof why);
	if (pdf)
		cert_pdf_thread_done();
	if (e) {
		free(data);
		return cli_finish(s, e, NULL, NULL, e == JN_ENOTFOUND ? "没有这个人员，或不在管辖范围内" : why);
	}
	store_close(s);
	int rc = cli_write_file(pdf ? pdf : xlsx, data, len);
	free(data);
	return rc ? EXIT_FAILED : EXIT_OKAY;
}

/* ---- jineng stats ---- */

static const char STATS_HELP[] =
	"用法：\n"
	"  jineng stats targets [--region 区划代码] [--year 年份]\n"
	"      各项规划目标及该年完成情况（培训类目标按培训班结业人次、人数统计；默认今年）。\n"
	"  jineng stats training [--region 区划代码] [--year 年份]\n"
	"      培训人次和人数，按培训计划、县区（培训班所在地）、年度（不给 --year 为全部年度）。\n"
	"  jineng stats training-share [--region 区划代码] [--as-of YYYY-MM-DD]\n"
	"      各县区登记劳动者中近三年（截至 --as-of，默认今天）参加并结业过培训的人数和比例。\n";

int cmd_stats(int argc, char **argv)
{
	cli_args a;
	if (cli_parse(argc - 1, argv + 1, &a) != 0)
		return EXIT_USAGE;
	if (a.help) {
		printf("%s%s", STATS_HELP, COMMON);
		return EXIT_OKAY;
	}
	if (a.npos != 1)
		return usage(STATS_HELP, 0);
	const char *sub = a.pos[0];
	int share = strcmp(sub, "training-share") == 0;
	if (!share && strcmp(sub, "targets") != 0 && strcmp(sub, "training") != 0)
		return usage(STATS_HELP, 0);
	static const char *const with_year[] = {"region", "year", NULL};
	static const char *const with_as_of[] = {"region", "as-of", NULL};
	if (!cli_only(&a, share ? with_as_of : with_year))
		return usage(STATS_HELP, 0);
	jn_fields fe = {0};
	char region[7] = "";
	const char *rg = cli_opt(&a, "region");
	if (rg && rg[0]) {
		const char *code = region_resolve(rg);
		if (!code)
			jn_fields_add(&fe, "region", "unknown_region", "地区%.40s不是现行的区划代码或名称", rg);
		else
			snprintf(region, sizeof region, "%s", code);
	}
	int year = 0;
	if (cli_opt(&a, "year")) {
		year = (int)id_of(cli_opt(&a, "year"));
		if (year < 1949 || year > 2100)
			jn_fields_add(&fe, "year", "out_of_range", "年份应在1949到2100之间");
	}
	if (fe.count) {
		cli_print_fields(&fe);
		return EXIT_REJECTED;
	}
	scope sc;
	store *s = cli_open_as(&a, &sc);
	if (!s)
		return cli_not_opened();
	json_t *j = NULL;
	jn_err e = share ? stats_training_share(s, &sc, region, cli_opt(&a, "as-of"), &j, &fe)
		 : sub[1] == 'a' ? stats_targets(s, &sc, region, year, &j)
				 : stats_training(s, &sc, region, year, &j);
	const char *why = e == JN_EFORBIDDEN ? "地区不在管辖范围内" : e == JN_ENOTFOUND ? "区划代码不存在或已撤销" : NULL;
	return cli_finish(s, e, &fe, j, why);
}
