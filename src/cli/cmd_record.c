/* cmd_record.c — `jineng record` (a worker's lifelong record, its PDF and
 * XLSX, corrections) and `jineng stats` (targets and training figures),
 * through the same services as the API.  Without --as the system acts
 * (every scope, audited as system); with --as USERNAME that account. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/record.h"
#include "cli/cli.h"
#include "core/regions.h"
#include "io/cert_pdf.h"

#define MAX_OPTS 32

typedef struct args {
	const char *key[MAX_OPTS], *val[MAX_OPTS];
	int nopt;
	const char *pos[8];
	int npos;
	int help;
} args;

static int parse(int argc, char **argv, args *a)
{
	memset(a, 0, sizeof *a);
	for (int i = 0; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			a->help = 1;
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

static int64_t id_of(const char *s)
{
	if (!s || !*s)
		return 0;
	char *end;
	long long v = strtoll(s, &end, 10);
	return *end || v <= 0 ? 0 : v;
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

static int not_opened(void) { return as_refused ? EXIT_REJECTED : EXIT_FAILED; }

static int finish(store *s, jn_err e, const jn_fields *fe, json_t *j, const char *why)
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
	fprintf(stderr, "jineng: %s（%s）%s%s\n", jn_err_title_zh(e), jn_err_code(e), why && why[0] ? "：" : "",
		why ? why : "");
	if (fe)
		cli_print_fields(fe);
	return e == JN_EINVAL || e == JN_ECONFLICT || e == JN_ENOTFOUND || e == JN_EFORBIDDEN ? EXIT_REJECTED
												: EXIT_FAILED;
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

static int record_correct_cmd(const args *a)
{
	static const char *const allowed[] = {"title", "reason", "detail", NULL};
	if (!only(a, allowed) || a->npos != 3)
		return usage(RECORD_HELP, 0);
	int64_t pid = id_of(a->pos[1]), eid = id_of(a->pos[2]);
	if (!pid || !eid) {
		fprintf(stderr, "jineng: 人员编号和记录编号应为正整数\n");
		return EXIT_USAGE;
	}
	json_t *detail = NULL;
	if (opt(a, "detail")) {
		detail = json_loads(opt(a, "detail"), 0, NULL);
		if (!json_is_object(detail)) {
			json_decref(detail);
			fprintf(stderr, "jineng: --detail 应为 JSON 对象，如 {\"score\": 85}\n");
			return EXIT_USAGE;
		}
	}
	scope sc;
	store *s = open_as(a, &sc);
	if (!s) {
		json_decref(detail);
		return not_opened();
	}
	record_correction in = {opt(a, "title"), detail, opt(a, "reason")};
	jn_fields fe = {0};
	json_t *j = NULL;
	jn_err e = record_correct(s, &sc, pid, eid, &in, &j, &fe);
	json_decref(detail);
	return finish(s, e, &fe, j, e == JN_ENOTFOUND ? "没有这条档案记录，或不在管辖范围内" : NULL);
}

int cmd_record(int argc, char **argv)
{
	args a;
	if (parse(argc - 1, argv + 1, &a) != 0)
		return EXIT_USAGE;
	if (a.help) {
		printf("%s%s", RECORD_HELP, COMMON);
		return EXIT_OKAY;
	}
	if (a.npos >= 1 && strcmp(a.pos[0], "correct") == 0)
		return record_correct_cmd(&a);
	static const char *const allowed[] = {"pdf", "xlsx", NULL};
	if (!only(&a, allowed) || a.npos != 1 || (opt(&a, "pdf") && opt(&a, "xlsx")))
		return usage(RECORD_HELP, 0);
	int64_t pid = id_of(a.pos[0]);
	if (!pid) {
		fprintf(stderr, "jineng: 人员编号应为正整数\n");
		return EXIT_USAGE;
	}
	scope sc;
	store *s = open_as(&a, &sc);
	if (!s)
		return not_opened();
	const char *pdf = opt(&a, "pdf"), *xlsx = opt(&a, "xlsx");
	if (!pdf && !xlsx) {
		json_t *j = NULL;
		jn_err e = record_read(s, &sc, pid, "json", &j);
		return finish(s, e, NULL, j, e == JN_ENOTFOUND ? "没有这个人员，或不在管辖范围内" : NULL);
	}
	char *data = NULL, why[256] = "";
	size_t len = 0;
	jn_err e = pdf ? record_pdf(s, &sc, pid, &data, &len, why, sizeof why)
		       : record_xlsx(s, &sc, pid, &data, &len, why, sizeof why);
	if (pdf)
		cert_pdf_thread_done();
	if (e) {
		free(data);
		return finish(s, e, NULL, NULL, e == JN_ENOTFOUND ? "没有这个人员，或不在管辖范围内" : why);
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
	args a;
	if (parse(argc - 1, argv + 1, &a) != 0)
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
	if (!only(&a, share ? with_as_of : with_year))
		return usage(STATS_HELP, 0);
	jn_fields fe = {0};
	char region[7] = "";
	const char *rg = opt(&a, "region");
	if (rg && rg[0]) {
		const char *code = region_resolve(rg);
		if (!code)
			jn_fields_add(&fe, "region", "unknown_region", "地区%.40s不是现行的区划代码或名称", rg);
		else
			snprintf(region, sizeof region, "%s", code);
	}
	int year = 0;
	if (opt(&a, "year")) {
		year = (int)id_of(opt(&a, "year"));
		if (year < 1949 || year > 2100)
			jn_fields_add(&fe, "year", "out_of_range", "年份应在1949到2100之间");
	}
	if (fe.count) {
		cli_print_fields(&fe);
		return EXIT_REJECTED;
	}
	scope sc;
	store *s = open_as(&a, &sc);
	if (!s)
		return not_opened();
	json_t *j = NULL;
	jn_err e = share ? stats_training_share(s, &sc, region, opt(&a, "as-of"), &j, &fe)
		 : sub[1] == 'a' ? stats_targets(s, &sc, region, year, &j)
				 : stats_training(s, &sc, region, year, &j);
	const char *why = e == JN_EFORBIDDEN ? "地区不在管辖范围内" : e == JN_ENOTFOUND ? "区划代码不存在或已撤销" : NULL;
	return finish(s, e, &fe, j, why);
}
