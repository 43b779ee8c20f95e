/* cert.h — the rules of skill-level certification (职业技能等级认定), no I/O:
 * certificate numbers in the national format, dates counted to the day, the
 * application conditions of a level, candidates' routes and scores, and the
 * batch's state machine (who may do what in which state).
 *
 * Certificate number (人社鉴发〔2019〕2号), 22 characters:
 *   Y|S  body code(4)  province(2)  site serial(6)  year(2)  level digit(1)  serial(6)
 * Y = 用人单位自主评价, S = 社会培训评价组织; body code "0000" when registered at
 * province level; year = the year of approval; level digit 5 (五级/初级工) …
 * 1 (一级/高级技师).  特级技师 and 首席技师 are appointed by employers and have no
 * national digit: this platform writes 0 (特级技师) and 9 (首席技师). */
#ifndef JN_CERT_H
#define JN_CERT_H

#include <stddef.h>

#define CERT_NUMBER_LEN 22
#define CERT_PREFIX_LEN 16 /* everything before the serial */
#define CERT_SERIAL_MAX 999999
#define CERT_PROVINCE "53"  /* 云南 */

/* ---- certificate numbers ---- */

/* The digit a level prints as: rank 2..6 -> 5..1, 7 -> 0, 8 -> 9; -1 for
 * 学徒工 (1) and anything else (no certificate at that level). */
int cert_level_digit(int rank);
/* The rank a digit stands for (the inverse); 0 when none. */
int cert_rank_of_digit(int digit);

/* The 16-character prefix (type, body code, province, site serial, year,
 * level digit).  year: the full year (2026) or two digits.  0 on success,
 * -1 when a part is malformed. */
int cert_prefix(char body_type, const char *body_code, const char *province, const char *site_serial, int year,
		int rank, char out[CERT_PREFIX_LEN + 1]);
/* prefix + serial (1..999999) -> 22 characters; -1 when out of range. */
int cert_number_make(const char *prefix, int serial, char out[CERT_NUMBER_LEN + 1]);

typedef enum cert_number_status {
	CN_OK = 0,
	CN_EMPTY,
	CN_LENGTH,   /* not 22 characters                         */
	CN_TYPE,     /* first character not Y or S                */
	CN_CHAR,     /* a non-digit after the first character     */
	CN_PROVINCE, /* positions 6-7 are not a province code     */
	CN_LEVEL,    /* position 16 is not a level digit (0-5, 9) */
	CN_SERIAL,   /* serial 000000                             */
} cert_number_status;

typedef struct cert_number_info {
	char type;            /* 'Y' / 'S' */
	char body_code[5];
	char province[3];
	char site_serial[7];
	int year;             /* two digits, 0..99 */
	int digit;
	int rank;             /* the level the digit stands for */
	int serial;
	char prefix[CERT_PREFIX_LEN + 1];
	int length;           /* on CN_LENGTH: characters given */
	int bad_pos;          /* on CN_CHAR / CN_TYPE: 1-based position */
} cert_number_info;

/* Parses s (surrounding ASCII spaces ignored, a lower-case type letter
 * accepted).  The province must be a known province code (region table). */
cert_number_status cert_number_parse(const char *s, cert_number_info *out);
const char *cert_number_status_code(cert_number_status st);
void cert_number_status_message(cert_number_status st, const cert_number_info *info, char *buf, size_t cap);

/* ---- dates (YYYYMMDD integers; the core has no clock) ---- */

/* A real calendar date written YYYY-MM-DD (also YYYY/MM/DD, YYYY.MM.DD,
 * YYYYMMDD, and 2023年5月1日) -> YYYYMMDD; 0 when not a date. */
int cert_date_parse(const char *s);
/* An Excel serial day number (1900 system, as XLSX cells hold dates) -> YYYYMMDD; 0 out of range. */
int cert_date_from_excel(long serial);
void cert_date_format(int ymd, char out[11]); /* "2023-05-01" */
int cert_date_add_days(int ymd, int days);
/* Whole years and remaining whole months from from to to, counted to the
 * day (a date's anniversary counts on that day; 29 Feb on 1 Mar).  Both
 * 0 when to < from. */
void cert_elapsed(int from, int to, int *years, int *months);
/* 1 when at least years whole years have passed from from to to. */
int cert_years_reached(int from, int to, int years);

/* ---- application conditions (data/level-conditions.csv) ---- */

typedef enum diploma {
	DIP_NONE = 0,
	DIP_APPRENTICESHIP,           /* 本职业学徒期满                        */
	DIP_TECHNICAL_SCHOOL,         /* 技工学校（中级工班）本专业毕业         */
	DIP_SENIOR_TECHNICAL_SCHOOL,  /* 高级技工学校、技师学院（高级工班）毕业 */
	DIP_PREPARATORY_TECHNICIAN,   /* 技师学院预备技师班毕业                */
	DIP_COLLEGE_IN_FIELD,         /* 大专及以上本专业（相关专业）学历       */
	DIP_COUNT
} diploma;
const char *diploma_name(diploma d);    /* "none", "technical_school", … */
const char *diploma_name_zh(diploma d); /* "无", "技工学校本专业毕业", … */
int diploma_parse(const char *s);       /* -1 unknown; English or Chinese */

typedef enum years_from {
	FROM_NONE = 0,        /* no years needed                                        */
	FROM_CERTIFICATE,     /* whole years since the prior certificate's issue date    */
	FROM_OCCUPATION,      /* the years in the occupation the candidate declared      */
} years_from;

/* One alternative (其一) of a level's conditions: every requirement of the
 * row must hold.  alternative 0 marks a level the occupation does not offer. */
typedef struct cert_condition {
	char occupation[16]; /* "" = the default for every occupation */
	int level;           /* 2..6 */
	int alternative;     /* 1.. in the order shown; 0 = level not offered */
	int prior_level;     /* 0, or: a valid certificate of this level in the occupation */
	int years;           /* minimum whole years (0 none) */
	years_from from;
	unsigned diplomas;   /* bit (1 << diploma) for each accepted diploma; 0 = none needed */
	char text[192];      /* the condition as people read it (Chinese) */
} cert_condition;

typedef struct cert_facts {
	int years_in_occupation; /* declared by the candidate */
	diploma dip;
	int prior_issued[9];     /* per level: issue date (YYYYMMDD) of the valid certificate, 0 none */
	int as_of;               /* the date the conditions are measured at */
} cert_facts;

/* 1 when the alternative holds; the candidate's standing against it goes to
 * why ("现有四级证书2023-05-01，满2年6个月", "无四级证书", "学历：无"). */
int cert_condition_met(const cert_condition *c, const cert_facts *f, char *why, size_t cap);

/* Checks a level's alternatives.  1 when one holds (or n == 0: nothing is
 * required), 0 otherwise; then summary gets "申报三级（高级工）需满足其一：" and,
 * for each alternative k, items[k] its text with the candidate's standing,
 * e.g. "取得四级证书后从事本职业满5年（现有四级证书2023-05-01，满2年6个月）". */
int cert_conditions_check(int level, const cert_condition *alts, int n, const cert_facts *f, char *summary,
			  size_t scap, char items[][240], int max_items);
/* "三级（高级工）", "特级技师" for a rank. */
void cert_level_label(int rank, char *out, size_t cap);

/* ---- routes and scores ---- */

typedef enum cert_route {
	ROUTE_NORMAL = 1, /* 正常申报: the level's conditions              */
	ROUTE_DIRECT,     /* 直接认定: 高级工 and above, Y bodies only      */
	ROUTE_EXCEPTIONAL,/* 破格晋升: with a basis category, Y bodies only */
	ROUTE_SPECIAL,    /* 特级技师/首席技师评聘: Y bodies only           */
} cert_route;
const char *cert_route_name(cert_route r);    /* "normal", … */
const char *cert_route_name_zh(cert_route r); /* "正常申报", … */
cert_route cert_route_parse(const char *s);   /* 0 unknown */

/* The basis categories of 破格晋升 (seed 004 item 15). */
const char *exceptional_basis_name_zh(const char *code); /* NULL when not a category */

/* 综合评审 is part of the evaluation from 技师 (5) up. */
int cert_review_required(int level);
/* 1 when every required part reaches its pass mark. */
int cert_scores_pass(int level, int theory, int practical, int review, int pass_theory, int pass_practical,
		     int pass_review);

/* Normalises an employer's name for comparison: NFC, spaces (also U+3000)
 * removed, full-width ASCII and brackets made half-width, Latin letters
 * lower-cased.  "" when in is empty or not text. */
void cert_employer_norm(const char *in, char *out, size_t cap);

/* Cuts s to fewer than cap bytes at a character boundary, ending "……" when cut. */
void cert_utf8_fit(char *s, size_t cap);

/* ---- certificates ---- */
typedef enum cert_status {
	CERT_PENDING = 1, /* 待发证: numbered at approval, not yet issued */
	CERT_VALID,       /* 有效                                        */
	CERT_REVOKED,     /* 已注销                                      */
} cert_status;
const char *cert_status_name(cert_status s);    /* "pending", "valid", "revoked" */
const char *cert_status_name_zh(cert_status s); /* "待发证", "有效", "已注销" */
cert_status cert_status_parse(const char *s);   /* English or Chinese; 0 unknown */

/* ---- the batch's state machine ---- */

typedef enum batch_state {
	BS_PLANNED = 1, /* 计划中: the body enrols, scores                 */
	BS_SUBMITTED,   /* 已提交: waiting for the county's review         */
	BS_REVIEWED,    /* 县级已审核: waiting for the city's public notice */
	BS_NOTICE,      /* 公示中                                          */
	BS_APPROVED,    /* 已审批: certificates numbered, pending          */
	BS_ISSUED,      /* 已发证                                          */
	BS_RETURNED,    /* 已退回: back with the body to fix and resubmit   */
	BS_REVOKED,     /* 已撤销: every certificate of the batch revoked  */
	BS_COUNT
} batch_state;
const char *batch_state_name(batch_state s);    /* "planned", … */
const char *batch_state_name_zh(batch_state s); /* "计划中", … */
batch_state batch_state_parse(const char *s);   /* 0 unknown */

typedef enum batch_action {
	BA_EDIT = 0,   /* change the plan, enrol, evidence, scores (the body) */
	BA_SUBMIT,     /* the body                                           */
	BA_PASS,       /* county review: pass                                 */
	BA_REJECT,     /* county review: return                               */
	BA_RETURN,     /* the city returns (before approval)                  */
	BA_NOTICE,     /* the city starts the public notice                  */
	BA_OBJECT,     /* staff record an objection                          */
	BA_ANSWER,     /* the city answers it                                */
	BA_APPROVE,    /* the city approves: numbers assigned                */
	BA_ISSUE,      /* the city or the body issues                        */
	BA_REVOKE,     /* the city revokes the whole batch                   */
	BA_COUNT
} batch_action;

typedef struct batch_transition {
	batch_action action;
	const char *name;    /* "submit", … (audit: "batch.submit") */
	const char *verb_zh; /* "提交" */
	unsigned from;       /* bit (1 << state) for each state it may start from */
	batch_state to;      /* 0: the state does not change */
	int roles;           /* role mask of who may do it (the system may do all) */
} batch_transition;
extern const batch_transition BATCH_TRANSITIONS[BA_COUNT];

const batch_transition *batch_transition_of(batch_action a);
/* 1 when a may be done in state s. */
int batch_can(batch_action a, batch_state s);
/* The Chinese reason a is refused in s, naming the states it needs:
 * "批次当前为“已提交”，不能提交（只能在“计划中”或“已退回”时提交）". */
void batch_wrong_state(batch_action a, batch_state s, char *buf, size_t cap);

#endif
