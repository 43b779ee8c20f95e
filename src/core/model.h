/* model.h — the registry's records as the domain sees them.
 *
 * Plain structs with fixed-size text fields sized by the validation limits,
 * so a record can live on the stack and be copied without ownership games. */
#ifndef JN_MODEL_H
#define JN_MODEL_H

#include <stdint.h>

/* Roles (accounts.role). */
typedef enum role {
	ROLE_NONE = 0,
	ROLE_ADMIN = 1 << 0,     /* 市人社局: everything in the city (or all, without region) */
	ROLE_COUNTY = 1 << 1,    /* 县级经办员: people and organisations under its region code */
	ROLE_EVALUATOR = 1 << 2, /* 评价机构 */
	ROLE_TRAINER = 1 << 3,   /* 培训机构 */
	ROLE_EMPLOYER = 1 << 4,  /* 用人单位 */
	ROLE_WORKER = 1 << 5,    /* 劳动者: only themselves */
} role;
#define ROLE_ANY (ROLE_ADMIN | ROLE_COUNTY | ROLE_EVALUATOR | ROLE_TRAINER | ROLE_EMPLOYER | ROLE_WORKER)
#define ROLE_PUBLIC 0 /* in a route's role mask: no sign-in needed */

const char *role_name(role r);          /* "admin", ... */
role role_parse(const char *s);         /* ROLE_NONE when unknown */
const char *role_name_zh(role r);

/* Who is asking, and what they may reach.  Built from the account by the
 * auth layer and passed to every store call, which turns it into WHERE
 * clauses: scope is enforced where the data is read, not only in handlers. */
typedef struct scope {
	int64_t account_id;  /* 0 for the system itself (CLI, init)  */
	char username[64];
	role role;
	char region[7];      /* "" = no region limit (admin of the whole system) */
	int64_t org_id;      /* employer/trainer/evaluator's organisation, 0 none */
	int64_t person_id;   /* worker's own record, 0 none                       */
	int system;          /* 1 for CLI/maintenance: sees everything            */
} scope;

/* Organisation kinds. */
typedef enum org_kind {
	ORG_EMPLOYER = 1,   /* 用人单位 */
	ORG_TRAINER,        /* 培训机构 */
	ORG_EVALUATOR,      /* 评价机构 */
	ORG_SCHOOL,         /* 技工院校 */
} org_kind;
const char *org_kind_name(org_kind k);    /* "employer", "trainer", "evaluator", "school" */
const char *org_kind_name_zh(org_kind k);
org_kind org_kind_parse(const char *s);   /* 0 when unknown; accepts English or Chinese */

typedef struct person {
	int64_t id;
	char id_number[19];
	char name[96];         /* up to 30 code points of CJK */
	char gender;           /* 'M' / 'F', derived from the ID number */
	char birth_date[11];   /* derived from the ID number */
	char region[7];        /* 所属地区 (county code) */
	char phone[24];
	char occupation[16];   /* 6-18-02-04; "" none */
	int level;             /* 1..8 rank on the ladder; 0 none */
	char employer[256];    /* 工作单位, free text */
	char education[32];
	char tags[256];        /* groups, canonical "脱贫户,退役军人" (core/tags.h); "" none */
	char insured_from[11]; /* continuous unemployment insurance since (ISO date); "" none known */
	char created_at[32];
	char updated_at[32];
	int version;
} person;

typedef struct org {
	int64_t id;
	char uscc[19];
	char name[256];
	org_kind kind;
	char region[7];
	char phone[24];
	char created_at[32];
} org;

typedef struct level_info {
	int rank;
	const char *name;          /* 学徒工 ... 首席技师 */
	const char *national;      /* 五级 ... 一级, "" when none */
	int cert_digit;            /* 5..1, 0 when none */
} level_info;
extern const level_info LEVELS[8];
const level_info *level_by_rank(int rank);
/* Accepts the rank ("3"), the name ("中级工"), the national name ("四级")
 * or the digit form "四级/中级工"; 0 when unknown. */
int level_parse(const char *s);

#endif
