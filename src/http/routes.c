/* routes.c — every route of the API in one table: method, path, who may
 * call it, how big a body it takes, and the handler.  The OpenAPI document
 * and the route × role tests are generated from this table. */
#include "http/http.h"

#define KiB (1024u)
#define MiB (1024u * 1024u)
#define STAFF (ROLE_ADMIN | ROLE_COUNTY)

const route ROUTES[] = {
	{"GET", "/", ROLE_PUBLIC, 0, api_index, "首页（平台说明与接口入口）", "系统", NULL, NULL},
	{"GET", "/health", ROLE_PUBLIC, 0, api_health, "服务健康检查", "系统", NULL, NULL},
	{"GET", "/api/v1/openapi.json", ROLE_PUBLIC, 0, api_openapi, "本接口的 OpenAPI 3.1 描述", "系统", NULL, NULL},
	{"POST", "/api/v1/session", ROLE_PUBLIC, 4 * KiB, api_session_create, "登录，换取访问令牌", "账号",
	 NULL, "SessionRequest"},
	{"DELETE", "/api/v1/session", ROLE_ANY, 0, api_session_delete, "退出登录，令牌作废", "账号", NULL, NULL},
	{"GET", "/api/v1/session", ROLE_ANY, 0, api_session_get, "当前登录的账号（角色、地区、令牌到期时间）", "账号",
	 NULL, NULL},
	{"GET", "/api/v1/accounts", ROLE_ADMIN, 0, api_account_list, "检索账号（市级管理员只见本市）", "账号",
	 "role,region,q,page,per_page,format", NULL},
	{"POST", "/api/v1/accounts", ROLE_ADMIN, 16 * KiB, api_account_create, "创建账号", "账号", NULL, "AccountInput"},
	{"PATCH", "/api/v1/accounts/{id}", ROLE_ADMIN, 16 * KiB, api_account_patch, "停用、启用账号或重设密码",
	 "账号", NULL, "AccountPatch"},
	{"GET", "/api/v1/regions", ROLE_PUBLIC, 0, api_regions, "行政区划（现行与历史）", "目录",
	 "parent,q,include_historical", NULL},
	{"GET", "/api/v1/occupations", ROLE_PUBLIC, 0, api_occupations, "职业分类大典（2022）检索", "目录", "q,limit",
	 NULL},
	{"GET", "/api/v1/levels", ROLE_PUBLIC, 0, api_levels, "八级工技能等级", "目录", NULL, NULL},
	{"POST", "/api/v1/persons", STAFF, 16 * KiB, api_person_create, "登记劳动者", "劳动者", NULL, "PersonInput"},
	{"GET", "/api/v1/persons", STAFF, 0, api_person_list, "检索劳动者（证件号、手机号脱敏）", "劳动者",
	 "region,occupation,level_min,level_max,q,page,per_page,format", NULL},
	{"GET", "/api/v1/persons/{id}", STAFF | ROLE_WORKER, 0, api_person_get, "查看劳动者完整档案（留痕）",
	 "劳动者", NULL, NULL},
	{"PATCH", "/api/v1/persons/{id}", STAFF | ROLE_WORKER, 16 * KiB, api_person_patch, "修改劳动者信息",
	 "劳动者", NULL, "PersonPatch"},
	{"GET", "/api/v1/persons/{id}/history", STAFF | ROLE_WORKER, 0, api_person_history, "劳动者信息变更历史",
	 "劳动者", NULL, NULL},
	{"POST", "/api/v1/orgs", STAFF, 16 * KiB, api_org_create, "登记机构", "机构", NULL, "OrgInput"},
	{"GET", "/api/v1/orgs", STAFF, 0, api_org_list, "检索机构", "机构", "kind,region,page,per_page,format", NULL},
	{"GET", "/api/v1/orgs/{id}", STAFF | ROLE_EVALUATOR | ROLE_TRAINER | ROLE_EMPLOYER, 0, api_org_get,
	 "查看机构", "机构", NULL, NULL},
	{"POST", "/api/v1/imports/persons", STAFF, 512 * MiB, api_import_persons,
	 "批量导入劳动者（CSV：UTF-8 或 GB18030；XLSX）；async=1 后台导入并返回任务", "劳动者",
	 "dry_run,partial,async,name", "ImportFile"},
	{"GET", "/api/v1/imports/{id}", STAFF, 0, api_import_job_get, "后台导入任务的进度和报告", "劳动者", NULL, NULL},
	{"GET", "/api/v1/imports/{id}/rejects", STAFF, 0, api_import_job_rejects,
	 "下载导入任务的错误行（CSV，改正后可再次导入）", "劳动者", NULL, NULL},
	{"GET", "/api/v1/audit", ROLE_ADMIN, 0, api_audit_list, "审计日志（谁做了什么、查看了谁）", "监督",
	 "actor,action,subject,from,to,page,per_page,format", NULL},
	{"GET", "/api/v1/stats/overview", STAFF, 0, api_stats_overview, "技能人才统计概览（等级、地区、职业）", "统计",
	 "region", NULL},
	{"GET", "/api/v1/stats/employed", STAFF, 0, api_stats_employed_list, "就业人员数（统计年鉴口径）", "统计",
	 "region", NULL},
	{"PUT", "/api/v1/stats/employed", ROLE_ADMIN, 4 * KiB, api_stats_employed_put, "录入或更正某地某年的就业人员数",
	 "统计", NULL, "EmployedInput"},
	{"GET", "/api/v1/targets", STAFF, 0, api_targets_list, "规划目标及完成情况", "统计", "region,format", NULL},
};
const int ROUTES_COUNT = (int)(sizeof ROUTES / sizeof ROUTES[0]);
