/* cmd_registry.c — `jineng user add`, `jineng import persons|certificates`,
 * `jineng export persons`. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "cli/cli.h"
#include "core/mask.h"
#include "core/regions.h"
#include "io/table.h"

int cmd_user(int argc, char **argv)
{
	if (argc < 2 || cli_is_help(argv[1])) {
		printf("用法：jineng user add [--db URL] --username 用户名 --role 角色 [--region 区划代码] [--org 机构编号]"
		       " [--person 身份证号]\n"
		       "  密码从标准输入读取（一行）。角色：admin county evaluator trainer employer worker。\n"
		       "  县级经办员须有 --region；机构账号须有 --org；劳动者账号须有 --person（本人身份证号）。\n");
		return argc < 2 ? EXIT_USAGE : EXIT_OKAY;
	}
	if (strcmp(argv[1], "add") != 0) {
		fprintf(stderr, "jineng user: 没有“%s”这个子命令（可用：add）\n", argv[1]);
		return EXIT_USAGE;
	}
	static const struct option opts[] = {{"db", required_argument, 0, 'd'},	{"username", required_argument, 0, 'u'},
					     {"role", required_argument, 0, 'r'},	{"region", required_argument, 0, 'g'},
					     {"org", required_argument, 0, 'o'},	{"person", required_argument, 0, 'p'},
					     {"help", no_argument, 0, 'h'},		{0, 0, 0, 0}};
	const char *db = NULL;
	user_input in = {0};
	int c;
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'u':
			in.username = optarg;
			break;
		case 'r':
			in.role = optarg;
			break;
		case 'g':
			in.region = optarg;
			break;
		case 'o': {
			char *end;
			in.org_id = strtoll(optarg, &end, 10);
			if (*end || in.org_id <= 0) {
				fprintf(stderr, "jineng user add: --org 应为机构编号（正整数）\n");
				return EXIT_USAGE;
			}
			break;
		}
		case 'p':
			in.person_id_number = optarg;
			break;
		case 'h':
			return cmd_user(2, (char *[]){argv[0], "--help", NULL});
		default:
			return EXIT_USAGE;
		}
	}
	if (!in.username || !in.role) {
		fprintf(stderr, "jineng user add: 必须给出 --username 和 --role\n");
		return EXIT_USAGE;
	}
	if (isatty(STDIN_FILENO))
		fprintf(stderr, "请输入密码（至少8个字符），回车结束：");
	char pw[256];
	if (!fgets(pw, sizeof pw, stdin)) {
		fprintf(stderr, "jineng user add: 没有从标准输入读到密码\n");
		return EXIT_REJECTED;
	}
	pw[strcspn(pw, "\r\n")] = '\0';
	in.password = pw;
	store *s = cli_open(cli_db_url(db), 1);
	if (!s)
		return EXIT_FAILED;
	account a;
	jn_fields fe = {0};
	jn_err e = user_add(s, &in, &a, &fe);
	store_close(s);
	if (e == JN_EINVAL) {
		fprintf(stderr, "jineng user add: 账号未创建：\n");
		cli_print_fields(&fe);
		return EXIT_REJECTED;
	}
	if (e) {
		fprintf(stderr, "jineng user add: 失败（%s）\n", jn_err_code(e));
		return EXIT_FAILED;
	}
	printf("已创建账号 %s（%s，编号 %lld）\n", a.username, role_name_zh(a.role), (long long)a.id);
	return EXIT_OKAY;
}

static void progress(void *ctx, long done, long total)
{
	(void)ctx;
	if (total > 0)
		fprintf(stderr, "\r已处理 %ld / %ld 行（%ld%%）", done, total, done * 100 / (total ? total : 1));
	else
		fprintf(stderr, "\r已处理 %ld 行", done);
	if (done >= total)
		fprintf(stderr, "\n");
}

int cmd_import(int argc, char **argv)
{
	if (argc < 2 || cli_is_help(argv[1])) {
		printf("用法：jineng import persons 文件 [--db URL] [--dry-run] [--partial] [--rejects 文件]\n"
		       "  文件：CSV（UTF-8 或 GB18030，可带 BOM）或 XLSX；表头用中文（姓名、身份证号、所属地区…）或接口字段名。\n"
		       "  默认全部或全不：有一行错误就整个文件不导入，并列出每个错误的行、列和原因。\n"
		       "  --dry-run 只检查不写入；--partial 导入正确的行，错误的行连同原因写入 --rejects 文件\n"
		       "  （默认 文件名.rejects.csv），改好后可再次导入。重复导入同一文件不会产生重复人员。\n"
		       "用法：jineng import certificates 文件 [同上选项]\n"
		       "  历史证书：证书编号、姓名、身份证号、职业编码（或职业名称）、技能等级、评价机构（名称或统一社会信用代码）、\n"
		       "  发证日期、状态（有效/已注销）、注销日期、注销原因。编号须为22位国家格式且等级位与技能等级一致，\n"
		       "  人员须已登记且姓名一致，编号重复的拒绝。以系统身份执行。\n");
		return argc < 2 ? EXIT_USAGE : EXIT_OKAY;
	}
	int certs = strcmp(argv[1], "certificates") == 0;
	if (strcmp(argv[1], "persons") != 0 && !certs) {
		fprintf(stderr, "jineng import: 只能导入 persons 或 certificates\n");
		return EXIT_USAGE;
	}
	static const struct option opts[] = {{"db", required_argument, 0, 'd'},	{"dry-run", no_argument, 0, 'n'},
					     {"partial", no_argument, 0, 'p'},		{"rejects", required_argument, 0, 'r'},
					     {"help", no_argument, 0, 'h'},		{0, 0, 0, 0}};
	const char *db = NULL, *rejects = NULL, *file = NULL;
	import_opts o = {0};
	int c;
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'n':
			o.dry_run = 1;
			break;
		case 'p':
			o.partial = 1;
			break;
		case 'r':
			rejects = optarg;
			break;
		case 'h':
			return cmd_import(2, (char *[]){argv[0], "--help", NULL});
		default:
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 2) {
		fprintf(stderr, "jineng import persons: 需要且只需要一个文件参数\n");
		return EXIT_USAGE;
	}
	file = argv[optind + 1];
	size_t len;
	char *data = cli_slurp(file, &len);
	if (!data) {
		fprintf(stderr, "jineng import persons: 无法读取 %s：%s\n", file, strerror(errno));
		return EXIT_REJECTED;
	}
	char rpath[4096];
	FILE *rf = NULL;
	if (o.partial) {
		if (!rejects) {
			snprintf(rpath, sizeof rpath, "%s.rejects.csv", strcmp(file, "-") == 0 ? "stdin" : file);
			rejects = rpath;
		}
		rf = fopen(rejects, "wb");
		if (!rf) {
			fprintf(stderr, "jineng import persons: 无法写入 %s：%s\n", rejects, strerror(errno));
			free(data);
			return EXIT_REJECTED;
		}
		o.rejects = rf;
	}
	o.progress = isatty(STDERR_FILENO) || getenv("JINENG_PROGRESS") ? progress : NULL;
	store *s = cli_open(cli_db_url(db), 1);
	if (!s) {
		free(data);
		if (rf)
			fclose(rf);
		return EXIT_FAILED;
	}
	scope sys = scope_system();
	import_report rep;
	jn_err e = certs ? import_certificates(s, &sys, data, len, &o, &rep) : import_persons(s, &sys, data, len, &o, &rep);
	free(data);
	store_close(s);
	if (rf)
		fclose(rf);
	json_t *j = import_report_json(&rep);
	char *text = json_dumps(j, JSON_INDENT(2));
	json_decref(j);
	printf("%s\n", text);
	free(text);
	if (e == JN_EINVAL || (e == JN_OK && rep.rejected)) {
		fprintf(stderr, "%s：%ld 行中 %ld 行有错误。", rep.committed ? "已导入正确的行" : "导入被拒绝，未写入任何数据",
			rep.rows, rep.rejected);
		size_t i;
		json_t *x;
		json_array_foreach(rep.errors, i, x)
		{
			if (i == 0)
				fprintf(stderr, "\n");
			if (i >= 20) {
				fprintf(stderr, "  ……共 %zu 条，完整列表见上面的报告\n", json_array_size(rep.errors));
				break;
			}
			fprintf(stderr, "  第%lld行 “%s”列：%s\n", (long long)json_integer_value(json_object_get(x, "row")),
				json_string_value(json_object_get(x, "column")), json_string_value(json_object_get(x, "message")));
		}
		if (o.partial && rep.rejected)
			fprintf(stderr, "错误的行已写入 %s，改正后可再次导入。\n", rejects);
		import_report_free(&rep);
		return EXIT_REJECTED;
	}
	import_report_free(&rep);
	if (e) {
		fprintf(stderr, "jineng import persons: 失败（%s），未写入任何数据\n", jn_err_code(e));
		return EXIT_FAILED;
	}
	fprintf(stderr, "%s：新增 %ld，更新 %ld，未变 %ld。\n", o.dry_run ? "检查通过（未写入）" : "导入完成", rep.created,
		rep.updated, rep.unchanged);
	return EXIT_OKAY;
}

typedef struct export_ctx {
	table_writer *w;
	long n;
	int failed;
} export_ctx;

static int export_row(void *ctx, const person *p)
{
	export_ctx *x = ctx;
	const region_entry *r = region_find(p->region);
	const level_info *l = level_by_rank(p->level);
	char level[8];
	snprintf(level, sizeof level, "%d", p->level);
	const char *row[] = {p->name,
			     p->id_number,
			     p->gender == 'M' ? "男" : "女",
			     p->birth_date,
			     p->phone,
			     p->region,
			     r ? r->name : "",
			     p->occupation,
			     l ? l->name : "",
			     p->employer,
			     p->education,
			     p->tags,
			     p->insured_from};
	if (table_writer_row(x->w, (int)(sizeof row / sizeof row[0]), row) != 0) {
		x->failed = 1;
		return 1;
	}
	x->n++;
	return 0;
}

int cmd_export(int argc, char **argv)
{
	if (argc < 2 || cli_is_help(argv[1])) {
		printf("用法：jineng export persons [--db URL] [--format csv|xlsx] [--region 区划代码] [-o 文件]\n"
		       "  导出人员名册（表头同导入模板，可直接改后再导入）。CSV 为带 BOM 的 UTF-8，Excel 可直接打开；\n"
		       "  不给 -o 时写到标准输出（xlsx 必须给 -o）。\n");
		return argc < 2 ? EXIT_USAGE : EXIT_OKAY;
	}
	if (strcmp(argv[1], "persons") != 0) {
		fprintf(stderr, "jineng export: 只能导出 persons\n");
		return EXIT_USAGE;
	}
	static const struct option opts[] = {{"db", required_argument, 0, 'd'},	 {"format", required_argument, 0, 'f'},
					     {"region", required_argument, 0, 'r'}, {"output", required_argument, 0, 'o'},
					     {"help", no_argument, 0, 'h'},	 {0, 0, 0, 0}};
	const char *db = NULL, *format = "csv", *region = NULL, *outpath = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "o:", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'f':
			format = optarg;
			break;
		case 'r':
			region = optarg;
			break;
		case 'o':
			outpath = optarg;
			break;
		case 'h':
			return cmd_export(2, (char *[]){argv[0], "--help", NULL});
		default:
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "jineng export persons: 多余的参数\n");
		return EXIT_USAGE;
	}
	table_format fmt = strcmp(format, "csv") == 0 ? TABLE_CSV : strcmp(format, "xlsx") == 0 ? TABLE_XLSX : 0;
	if (!fmt) {
		fprintf(stderr, "jineng export persons: --format 应为 csv 或 xlsx\n");
		return EXIT_USAGE;
	}
	if (fmt == TABLE_XLSX && !outpath) {
		fprintf(stderr, "jineng export persons: 导出 xlsx 须用 -o 指定文件\n");
		return EXIT_USAGE;
	}
	if (region && (strlen(region) != 6 || !region_find(region))) {
		fprintf(stderr, "jineng export persons: --region %s 不是有效的区划代码\n", region);
		return EXIT_REJECTED;
	}
	FILE *f = NULL;
	if (fmt == TABLE_CSV) {
		f = outpath ? fopen(outpath, "wb") : stdout;
		if (!f) {
			fprintf(stderr, "jineng export persons: 无法写入 %s：%s\n", outpath, strerror(errno));
			return EXIT_REJECTED;
		}
	}
	store *s = cli_open(cli_db_url(db), 1);
	if (!s) {
		if (f && f != stdout)
			fclose(f);
		return EXIT_FAILED;
	}
	export_ctx x = {0};
	x.w = table_writer_open(fmt, outpath, f, "人员名册");
	if (!x.w) {
		fprintf(stderr, "jineng export persons: 无法创建输出文件\n");
		store_close(s);
		return EXIT_FAILED;
	}
	const char *head[] = {"姓名", "身份证号", "性别", "出生日期", "手机号", "所属地区", "地区名称", "职业", "技能等级", "工作单位", "文化程度", "人员类别", "参保起始日期"};
	table_writer_row(x.w, (int)(sizeof head / sizeof head[0]), head);
	scope sys = scope_system();
	stx *t;
	/* The export is a full read of many records: it is logged before any
	 * record leaves, so a failed or interrupted export is logged too. */
	jn_err e = stx_begin(s, 1, &t);
	if (!e) {
		char after[96];
		snprintf(after, sizeof after, "{\"region\":\"%s\",\"format\":\"%s\"}", region ? region : "", format);
		e = store_audit(t, &sys, "export.persons", "persons", NULL, after);
		if (e)
			stx_rollback(t);
		else
			e = stx_commit(t);
	}
	if (!e && (e = stx_begin(s, 0, &t)) == JN_OK) {
		e = store_person_export(t, &sys, region, export_row, &x);
		stx_rollback(t);
	}
	int wc = table_writer_close(x.w);
	if (f && f != stdout)
		fclose(f);
	else if (f)
		fflush(f);
	store_close(s);
	if (e || x.failed || wc) {
		fprintf(stderr, "jineng export persons: 导出失败（%s）\n", e ? jn_err_code(e) : "write");
		return EXIT_FAILED;
	}
	fprintf(stderr, "已导出 %ld 人\n", x.n);
	return EXIT_OKAY;
}
