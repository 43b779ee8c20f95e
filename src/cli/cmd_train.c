/* cmd_train.c — `jineng train …`: programmes, the subsidy catalogue and
 * training classes from the command line, through the same services as
 * the API.  Without --as the system acts; with --as USERNAME that account
 * (its role, region and organisation limit the command as after a
 * sign-in, and the audit log names it). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/training.h"
#include "cli/args.h"

static const char HELP[] =
	"用法：jineng train <子命令> [选项]\n"
	"  programmes [--region 代码] [--category 类别]          培训计划及其目标\n"
	"  programme-add --name 名称 --category 类别 --region 代码 [--target-groups …] [--units …]\n"
	"      [--period-from 日期] [--period-to 日期] [--min-attendance 80]\n"
	"      [--target 指标:单位:期间:数（如 培训:person-times:2025:1000），可重复]\n"
	"  catalog [--region 代码] [--occupation 职业] [--level 等级] [--on 日期]   补贴工种目录\n"
	"  catalog-add --region 市代码 --effective-from 日期 --source 依据 --row 职业:等级:标准（分）:最少课时 …\n"
	"  classes [--state open|running|closed] [--org 机构] [--programme 计划]    培训班列表\n"
	"  class 班级编号                                          培训班详情（课次、学员、出勤）\n"
	"  class-add --org 机构 --occupation 职业 --level 等级 --start 日期 --end 日期 --hours 课时\n"
	"      --teacher 教师 --place 地点 --capacity 人数 --session 开始/结束（如 2025-03-01T09:00/2025-03-01T12:00，可重复）\n"
	"      [--programme 计划编号] [--name 班名] [--category 类别] [--mode online|offline] [--min-attendance 80]\n"
	"  enrol 班级编号 --id-number 身份证号 --name 姓名 [--voucher 培训券号]   实名报名\n"
	"  withdraw 班级编号 报名编号                               退班\n"
	"  code 班级编号 课次                                      生成签到码（10分钟有效）\n"
	"  checkin 班级编号 --code 签到码 [--device 设备]           学员签到（须 --as 学员账号）\n"
	"  attend 班级编号 课次 --person 身份证号或人员编号 … [--at 时间]    授课方登记签到\n"
	"  close 班级编号 [--on 日期]                              结业（按出勤率判定是否结业）\n"
	"  result 班级编号 报名编号 [--result passed|failed] [--score 分数] [--cert 证书编号]\n"
	"  import-classes 文件 / import-roster 班级编号 文件 / import-attendance 班级编号 文件\n"
	"      [--dry-run 1] [--partial 1]                         导入（CSV：UTF-8 或 GB18030；XLSX）\n"
	"\n谁来执行：不给 --as 时以系统身份执行（审计记为 system）；--as 用户名 则按该账号执行。\n"
	"共同选项：--db URL（默认 sqlite:var/jineng.db 或环境变量 JINENG_DB）。\n";

static int import_cmd(const cli_args *a, int which, int64_t class_id, const char *path)
{
	scope sc;
	store *s = cli_open_as(a, &sc);
	if (!s)
		return cli_as_refused() ? EXIT_REJECTED : EXIT_FAILED;
	size_t len = 0;
	char *data = cli_slurp(path, &len);
	if (!data) {
		fprintf(stderr, "jineng train: 无法读取 %s：%s\n", path, strerror(errno));
		store_close(s);
		return EXIT_REJECTED;
	}
	import_opts o = {0};
	o.dry_run = cli_opt(a, "dry-run") && strcmp(cli_opt(a, "dry-run"), "0") != 0;
	o.partial = cli_opt(a, "partial") && strcmp(cli_opt(a, "partial"), "0") != 0;
	import_report rep;
	jn_err e = which == 0 ? import_classes(s, &sc, data, len, &o, &rep)
		   : which == 1 ? import_roster(s, &sc, class_id, data, len, &o, &rep)
				: import_attendance(s, &sc, class_id, data, len, &o, &rep);
	free(data);
	json_t *j = import_report_json(&rep);
	import_report_free(&rep);
	store_close(s);
	char *text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(j);
	if (e == JN_OK || e == JN_EINVAL) {
		printf("%s\n", text ? text : "{}");
		free(text);
		return e ? EXIT_REJECTED : EXIT_OKAY;
	}
	free(text);
	fprintf(stderr, "jineng: %s（%s）\n", jn_err_title_zh(e), jn_err_code(e));
	return e == JN_ENOTFOUND || e == JN_EFORBIDDEN || e == JN_ECONFLICT ? EXIT_REJECTED : EXIT_FAILED;
}

int cmd_train(int argc, char **argv)
{
	if (argc < 2 || cli_is_help(argv[1])) {
		fputs(HELP, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : EXIT_OKAY;
	}
	const char *sub = argv[1];
	cli_args a;
	if (cli_parse(argc - 2, argv + 2, &a) != 0)
		return EXIT_USAGE;
	if (a.help) {
		fputs(HELP, stdout);
		return EXIT_OKAY;
	}
	int64_t id = a.npos >= 1 ? cli_num(a.pos[0]) : -1, second = a.npos >= 2 ? cli_num(a.pos[1]) : -1;
	scope sc;
	store *s = NULL;
	jn_fields fe = {0};
	json_t *j = NULL;
	jn_err e = JN_OK;
	static const char *const none[] = {NULL};
#define NEED(cond, allowed)                                              \
	do {                                                             \
		if (!cli_only(&a, allowed) || !(cond)) {                     \
			fputs(HELP, stderr);                             \
			return EXIT_USAGE;                               \
		}                                                        \
		if (!(s = cli_open_as(&a, &sc)))                             \
			return cli_as_refused() ? EXIT_REJECTED : EXIT_FAILED; \
	} while (0)
	if (strcmp(sub, "programmes") == 0) {
		static const char *const allowed[] = {"region", "category", NULL};
		NEED(a.npos == 0, allowed);
		programme_filter f = {0};
		snprintf(f.region, sizeof f.region, "%s", cli_opt(&a, "region") ? cli_opt(&a, "region") : "");
		snprintf(f.category, sizeof f.category, "%s", cli_opt(&a, "category") ? cli_opt(&a, "category") : "");
		json_t *items = NULL;
		e = programme_list(s, &sc, &f, &items);
		if (!e)
			j = json_pack("{s:o}", "items", items);
	} else if (strcmp(sub, "programme-add") == 0) {
		static const char *const allowed[] = {"name",	    "category",	 "region",	   "target-groups", "units",
						      "period-from", "period-to", "min-attendance", "target",	     NULL};
		NEED(a.npos == 0, allowed);
		programme_input in = PROGRAMME_INPUT_EMPTY;
		in.name = cli_opt(&a, "name");
		in.category = cli_opt(&a, "category");
		in.region = cli_opt(&a, "region");
		in.target_groups = cli_opt(&a, "target-groups");
		in.units = cli_opt(&a, "units");
		in.period_from = cli_opt(&a, "period-from");
		in.period_to = cli_opt(&a, "period-to");
		in.min_attendance = cli_small(&a, "min-attendance");
		const char *ts[32];
		int nt = cli_opts(&a, "target", ts, 32);
		static char parts[32][4][64];
		if (nt) {
			in.ntargets = nt;
			for (int i = 0; i < nt; i++) {
				char buf[256];
				snprintf(buf, sizeof buf, "%s", ts[i]);
				char *save = NULL, *p = strtok_r(buf, ":", &save);
				for (int k = 0; k < 4; k++) {
					snprintf(parts[i][k], 64, "%s", p ? p : "");
					p = p ? strtok_r(NULL, ":", &save) : NULL;
				}
				in.targets[i] = (target_input){parts[i][0], parts[i][1], parts[i][2], cli_num(parts[i][3]), ""};
			}
		}
		e = programme_create(s, &sc, &in, &j, &fe);
	} else if (strcmp(sub, "catalog") == 0) {
		static const char *const allowed[] = {"region", "occupation", "level", "on", NULL};
		NEED(a.npos == 0, allowed);
		json_t *items = NULL;
		const char *lv = cli_opt(&a, "level");
		e = catalog_list(s, &sc, cli_opt(&a, "region") ? cli_opt(&a, "region") : "",
				 cli_opt(&a, "occupation") ? cli_opt(&a, "occupation") : "", lv ? level_parse(lv) : 0,
				 cli_opt(&a, "on") ? cli_opt(&a, "on") : "", &items);
		if (!e)
			j = json_pack("{s:o}", "items", items);
	} else if (strcmp(sub, "catalog-add") == 0) {
		static const char *const allowed[] = {"region", "effective-from", "source", "row", NULL};
		NEED(a.npos == 0, allowed);
		const char *rs[500];
		int n = cli_opts(&a, "row", rs, 500);
		catalog_input *rows = calloc((size_t)(n ? n : 1), sizeof *rows);
		char(*parts)[4][64] = calloc((size_t)(n ? n : 1), sizeof *parts);
		for (int i = 0; i < n; i++) {
			char buf[256];
			snprintf(buf, sizeof buf, "%s", rs[i]);
			char *save = NULL, *p = strtok_r(buf, ":", &save);
			for (int k = 0; k < 4; k++) {
				snprintf(parts[i][k], 64, "%s", p ? p : "");
				p = p ? strtok_r(NULL, ":", &save) : NULL;
			}
			rows[i] = (catalog_input){parts[i][0], parts[i][1], cli_num(parts[i][2]),
						  parts[i][3][0] ? (int)cli_num(parts[i][3]) : -1};
		}
		e = catalog_add(s, &sc, cli_opt(&a, "region"), cli_opt(&a, "effective-from"), cli_opt(&a, "source"), n, rows, &j, &fe);
		free(rows);
		free(parts);
	} else if (strcmp(sub, "classes") == 0) {
		static const char *const allowed[] = {"state", "org", "programme", "page", NULL};
		NEED(a.npos == 0, allowed);
		class_filter f = {0};
		snprintf(f.state, sizeof f.state, "%s", cli_opt(&a, "state") ? cli_opt(&a, "state") : "");
		f.org_id = cli_opt(&a, "org") ? cli_num(cli_opt(&a, "org")) : 0;
		f.programme_id = cli_opt(&a, "programme") ? cli_num(cli_opt(&a, "programme")) : 0;
		f.page = cli_opt(&a, "page") ? (int)cli_num(cli_opt(&a, "page")) : 1;
		f.per_page = 200;
		json_t *items = NULL;
		int64_t total = 0;
		e = class_list(s, &sc, &f, &items, &total);
		if (!e)
			j = json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)total);
	} else if (strcmp(sub, "class") == 0) {
		NEED(a.npos == 1 && id > 0, none);
		e = class_show(s, &sc, id, &j);
	} else if (strcmp(sub, "class-add") == 0) {
		static const char *const allowed[] = {"org",   "programme", "name",	"occupation", "level", "category",
						      "mode",  "start",	    "end",	"hours",      "teacher", "place",
						      "capacity", "min-attendance", "session", NULL};
		NEED(a.npos == 0, allowed);
		class_input in = CLASS_INPUT_EMPTY;
		in.org_id = cli_opt(&a, "org") ? cli_num(cli_opt(&a, "org")) : 0;
		in.programme_id = cli_opt(&a, "programme") ? cli_num(cli_opt(&a, "programme")) : 0;
		in.name = cli_opt(&a, "name");
		in.occupation = cli_opt(&a, "occupation");
		in.level = cli_opt(&a, "level");
		in.category = cli_opt(&a, "category");
		in.mode = cli_opt(&a, "mode");
		in.start_date = cli_opt(&a, "start");
		in.end_date = cli_opt(&a, "end");
		in.teacher = cli_opt(&a, "teacher");
		in.place = cli_opt(&a, "place");
		in.hours = cli_small(&a, "hours");
		in.capacity = cli_small(&a, "capacity");
		in.min_attendance = cli_small(&a, "min-attendance");
		const char *ss[CLASS_MAX_SESSIONS];
		int n = cli_opts(&a, "session", ss, CLASS_MAX_SESSIONS);
		static session_input sess[CLASS_MAX_SESSIONS];
		static char buf[CLASS_MAX_SESSIONS][2][40];
		for (int i = 0; i < n; i++) {
			const char *slash = strchr(ss[i], '/');
			snprintf(buf[i][0], 40, "%.*s", slash ? (int)(slash - ss[i]) : (int)strlen(ss[i]), ss[i]);
			snprintf(buf[i][1], 40, "%s", slash ? slash + 1 : "");
			sess[i] = (session_input){buf[i][0], buf[i][1], NULL};
		}
		in.nsessions = n;
		in.sessions = sess;
		e = class_create(s, &sc, &in, &j, &fe);
	} else if (strcmp(sub, "enrol") == 0) {
		static const char *const allowed[] = {"id-number", "name", "voucher", NULL};
		NEED(a.npos == 1 && id > 0, allowed);
		enrol_person_input in = {cli_opt(&a, "id-number"), cli_opt(&a, "name"), cli_opt(&a, "voucher")};
		e = class_enrol(s, &sc, id, &in, &j, &fe);
	} else if (strcmp(sub, "withdraw") == 0) {
		NEED(a.npos == 2 && id > 0 && second > 0, none);
		e = class_withdraw(s, &sc, id, second, &j, &fe);
	} else if (strcmp(sub, "code") == 0) {
		NEED(a.npos == 2 && id > 0 && second > 0 && second <= CLASS_MAX_SESSIONS, none);
		e = class_code(s, &sc, id, (int)second, &j, &fe);
	} else if (strcmp(sub, "checkin") == 0) {
		static const char *const allowed[] = {"code", "device", NULL};
		NEED(a.npos == 1 && id > 0, allowed);
		e = class_checkin(s, &sc, id, cli_opt(&a, "code"), cli_opt(&a, "device"), &j, &fe);
	} else if (strcmp(sub, "attend") == 0) {
		static const char *const allowed[] = {"person", "at", NULL};
		NEED(a.npos == 2 && id > 0 && second > 0 && second <= CLASS_MAX_SESSIONS, allowed);
		const char *ps[1000];
		int n = cli_opts(&a, "person", ps, 1000);
		int64_t ids[1000];
		const char *nums[1000];
		for (int i = 0; i < n; i++) {
			int is_id = strlen(ps[i]) < 15 && cli_num(ps[i]) > 0;
			ids[i] = is_id ? cli_num(ps[i]) : 0;
			nums[i] = is_id ? NULL : ps[i];
		}
		attend_input in = {(int)second, cli_opt(&a, "at"), n, ids, nums};
		e = class_attend(s, &sc, id, &in, &j, &fe);
	} else if (strcmp(sub, "close") == 0) {
		static const char *const allowed[] = {"on", NULL};
		NEED(a.npos == 1 && id > 0, allowed);
		e = class_close(s, &sc, id, cli_opt(&a, "on") ? cli_opt(&a, "on") : "", &j, &fe);
	} else if (strcmp(sub, "result") == 0) {
		static const char *const allowed[] = {"result", "score", "cert", NULL};
		NEED(a.npos == 2 && id > 0 && second > 0, allowed);
		result_input in = {cli_opt(&a, "result"), cli_small(&a, "score"), cli_opt(&a, "cert")};
		e = class_result(s, &sc, id, second, &in, &j, &fe);
	} else if (strcmp(sub, "import-classes") == 0) {
		static const char *const allowed[] = {"dry-run", "partial", NULL};
		if (!cli_only(&a, allowed) || a.npos != 1) {
			fputs(HELP, stderr);
			return EXIT_USAGE;
		}
		return import_cmd(&a, 0, 0, a.pos[0]);
	} else if (strcmp(sub, "import-roster") == 0 || strcmp(sub, "import-attendance") == 0) {
		static const char *const allowed[] = {"dry-run", "partial", NULL};
		if (!cli_only(&a, allowed) || a.npos != 2 || id <= 0) {
			fputs(HELP, stderr);
			return EXIT_USAGE;
		}
		return import_cmd(&a, strcmp(sub, "import-roster") == 0 ? 1 : 2, id, a.pos[1]);
	} else {
		fprintf(stderr, "jineng train: 没有“%s”这个子命令\n\n", sub);
		fputs(HELP, stderr);
		return EXIT_USAGE;
	}
#undef NEED
	return cli_finish(s, e, &fe, j, NULL);
}
