/* subsidy.h — the rules of the two training subsidies, no I/O.
 *
 *   职业培训补贴 (training): paid to the provider for each trainee who
 *     completed and passed a class; the amount is the class's standard from
 *     the subsidised-training catalogue.
 *   技能提升补贴 (upgrade): paid to an insured worker who obtained a
 *     certificate; the amount by level.
 *
 * The rules are data (table subsidy_rules, data/subsidy-rules.csv), one row
 * per (kind, code, level, region, effective_from).  The set in force on a
 * date for a region: for every (kind, code, level) the row with the latest
 * effective_from not after the date among the rows whose region is the
 * claim's region or a prefix of it ("" = national); on the same date the
 * more specific region wins.  So a new version is a new row with a later
 * date, and a province or city overrides the national row with its own.
 *
 * Rule codes (value meaning; 0 turns a yes/no rule off):
 *   upgrade  amount                 level 2..8 → fen for that level
 *   upgrade  min_insured_months     months of unemployment insurance by the claim date
 *   upgrade  apply_within_months    months after the certificate's issue date
 *   upgrade  per_year               claims per person per calendar year (by claim date)
 *   upgrade  once_per_level         1: each occupation + level once
 *   upgrade  no_lower_after_higher  1: nothing for a lower level after a higher one (same occupation)
 *   both     not_both               1: not both subsidies for the same training (the certificate
 *                                   linked on the enrolment)
 *   training requires_passed        1: the trainee completed and passed
 *   training catalog_standard       1: amount = the class's catalogue standard (must be > 0)
 *   training once_per_enrolment     1: one training claim per enrolment
 *
 * An evaluation takes the rules in force, the claim's facts and the
 * person's other live (not refused) claims, and decides: eligible with the
 * amount and the rule that set it, or refused with the rule's code and a
 * Chinese reason. */
#ifndef JN_SUBSIDY_H
#define JN_SUBSIDY_H

#include <stdint.h>

typedef enum subsidy_kind { SUBSIDY_TRAINING = 1, SUBSIDY_UPGRADE = 2 } subsidy_kind;

const char *subsidy_kind_name(subsidy_kind k);    /* "training", "upgrade", "" */
const char *subsidy_kind_name_zh(subsidy_kind k); /* 职业培训补贴, 技能提升补贴 */
subsidy_kind subsidy_kind_parse(const char *s);   /* 0 when unknown; English or Chinese */

typedef struct subsidy_rule {
	int64_t id;
	subsidy_kind kind;
	char code[32];
	int level;           /* 0 = every level */
	int64_t value;
	char region[7];      /* "" national, or a code prefix (2, 4 or 6 digits) */
	int effective_from;  /* YYYYMMDD */
	char description[256];
	char source[256];
} subsidy_rule;

/* 1 when code is a rule of kind; *levelled = 1 when it is given per level. */
int subsidy_rule_known(subsidy_kind kind, const char *code, int *levelled);
/* The Chinese name of a rule code ("每年申领次数上限"); "" when unknown. */
const char *subsidy_rule_name_zh(const char *code);

/* The rules of kind in force on date for region (see above), as pointers
 * into all; returns how many (at most cap). */
int subsidy_in_force(const subsidy_rule *all, int n, subsidy_kind kind, const char *region, int date,
		     const subsidy_rule **out, int cap);

typedef struct subsidy_facts {
	subsidy_kind kind;
	int date;              /* the claim date, YYYYMMDD */
	char occupation[16];
	int level;
	char cert_number[24];  /* upgrade: the certificate; training: the one linked on the enrolment, "" none */
	int64_t enrolment_id;  /* training */
	/* upgrade */
	int cert_valid;        /* 1: issued and not revoked */
	int cert_issued;       /* YYYYMMDD */
	int insured_from;      /* YYYYMMDD, 0 = no record of insurance */
	/* training */
	int completed, passed;
	int64_t standard_fen;
} subsidy_facts;

/* One of the person's other claims that still counts (not refused). */
typedef struct subsidy_prior {
	int64_t claim_id;
	subsidy_kind kind;
	char occupation[16];
	int level;
	int date;              /* its claim date */
	char cert_number[24];
	int64_t enrolment_id;
} subsidy_prior;

typedef struct subsidy_decision {
	int eligible;
	int64_t amount_fen;    /* eligible: what is paid */
	int64_t rule_id;       /* the rule that set the amount, or the one that refused (0: none in force) */
	char rule_code[32];    /* refused: the rule's code (certificate_invalid, no_rule when no rule applies) */
	char reason[512];      /* refused: Chinese, naming the rule and the facts */
} subsidy_decision;

void subsidy_evaluate(const subsidy_rule *const *rules, int nrules, const subsidy_facts *f,
		      const subsidy_prior *priors, int nprior, subsidy_decision *d);

/* "¥1,500.00" for 150000 fen (negative with a minus sign). */
void subsidy_yuan(int64_t fen, char out[48]);

#endif
