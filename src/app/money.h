/* money.h — training vouchers, subsidy rules and claims, fraud flags and
 * funds (app/voucher.c, app/subsidy.c, app/fraud.c, app/demo_money.c).
 *
 * Who may do what:
 *   vouchers   issue: administrators (their city) and county clerks (their
 *              county: the persons a rule selects are always limited to the
 *              caller's scope); read: staff in scope, a worker their own.
 *   rules      read: anyone signed in; add a version: administrators.
 *   claims     training: the provider (trainer) for its closed class, or
 *              staff in scope; upgrade: a worker for their own certificate,
 *              staff for anyone in scope.  review: county clerks and
 *              administrators; approve and pay: administrators; refuse:
 *              staff at any step before paid (a reason is required).
 *              Read: staff in scope, a trainer its own, a worker their own.
 *   flags      re-check and clear (with a reason, audited): staff.
 *   funds      create and add budget: administrators; read: staff.
 *
 *   submitted ──review──▶ reviewed ──approve──▶ approved ──pay──▶ paid
 *       └───────────┴──────── refuse ──────────────┘ (refused: rule or reason)
 *
 * Rules are evaluated at submission (a refused claim is not created: the
 * request is refused naming the rule) and again at approval (a claim the
 * rules now refuse becomes refused, naming the rule). */
#ifndef JN_APP_MONEY_H
#define JN_APP_MONEY_H

#include "app/app.h"
#include "store/store_money.h"

/* ---- vouchers (app/voucher.c; voucher_use in app/voucher.h) ---- */
#define VOUCHER_MAX_ISSUE 200000
typedef struct voucher_issue_input {
	int64_t person_id;          /* one person, or everyone the rule selects: */
	const char *region;         /* required for a rule: a county or the city */
	const char *tags[8];
	int ntags;                  /* -1 not given */
	const char *tags_match;     /* "any" (default) or "all" */
	int age_min, age_max;       /* -1 not given; age on the issue date */
	int level_max;              /* -1 not given */
	const char *occupations[32];
	int noccupations;           /* -1 not given */
	int64_t amount_fen;         /* -1 not given */
	const char *expires_on;
	int64_t programme_id;       /* 0 none */
	int dry_run;
	const char *issued_on;      /* the system only (demo): "" today */
} voucher_issue_input;
#define VOUCHER_ISSUE_EMPTY {.ntags = -1, .age_min = -1, .age_max = -1, .level_max = -1, .noccupations = -1, .amount_fen = -1}
jn_err voucher_issue(store *s, const scope *sc, const voucher_issue_input *in, json_t **out, jn_fields *fe);
jn_err voucher_list(store *s, const scope *sc, voucher_filter *f, json_t **items, int64_t *total);
jn_err voucher_show(store *s, const scope *sc, const char *number, json_t **out);
jn_err voucher_issue_list(store *s, const scope *sc, int page, int per_page, json_t **items, int64_t *total);
/* {items: [{programme_id, programme_name, region, region_name, issued:{count, amount_fen}, open, used,
 * redeemed, expired}], totals: {…}} */
jn_err voucher_stats(store *s, const scope *sc, const char *region, int64_t programme_id, json_t **out);
/* The state a person reads: issued (still open), used, redeemed, or expired. */
const char *voucher_state_now(const voucher *v, const char *today);
const char *voucher_state_zh(const char *state);
/* Inside t, at payment: the enrolment's used voucher becomes redeemed (兑付). */
jn_err voucher_redeem(stx *t, const scope *sc, int64_t enrolment_id, const char *today);

/* ---- subsidy rules (app/subsidy.c) ---- */
/* init (inside t): data/subsidy-rules.csv, rows not yet present added. */
jn_err subsidy_rules_load(stx *t, const char *datadir, char *err, size_t errcap);
typedef struct rule_input {
	const char *kind, *code, *region, *effective_from, *description, *source;
	int level;      /* -1 not given */
	int64_t value;  /* -1 not given */
} rule_input;
jn_err subsidy_rule_add(store *s, const scope *sc, const rule_input *in, json_t **out, jn_fields *fe);
/* Every version (as_of "" ) or the set in force on as_of for region. */
jn_err subsidy_rule_list(store *s, const scope *sc, const char *kind, const char *as_of, const char *region,
			 json_t **items, jn_fields *fe);

/* ---- claims (app/subsidy.c) ---- */
typedef struct claim_input {
	const char *kind;         /* training | upgrade */
	int64_t class_id;         /* training */
	const char *certificate;  /* upgrade: the certificate number */
	const char *on;           /* the claim date; the system only (demo, CLI): "" today */
} claim_input;
/* Training: {class_id, created: [claim], refused: [{enrolment_id, person, rule, rule_id, reason}]}
 * (JN_EINVAL naming each trainee's rule when none could be claimed);
 * upgrade: the claim (JN_EINVAL naming the rule when refused). */
jn_err claim_submit(store *s, const scope *sc, const claim_input *in, json_t **out, jn_fields *fe);
jn_err claim_list(store *s, const scope *sc, const claim_filter *f, json_t **items, int64_t *total);
jn_err claim_show(store *s, const scope *sc, int64_t id, json_t **out);
typedef enum claim_action { CLAIM_REVIEW = 1, CLAIM_APPROVE, CLAIM_PAY, CLAIM_REFUSE } claim_action;
/* reason: refuse (required) or a note; fund_id: pay (0 = the fund of the
 * claim's programme and region). */
jn_err claim_step(store *s, const scope *sc, int64_t id, claim_action a, const char *reason, int64_t fund_id,
		  json_t **out, jn_fields *fe);

/* ---- fraud flags (app/fraud.c) ---- */
/* Inside t: runs every check on the claim and raises the flags that hold
 * (a flag raised before stays, cleared or not); *raised = how many new. */
jn_err fraud_check(stx *t, const claim *c, int *raised);
const char *fraud_flag_name_zh(const char *code);
jn_err claim_flags_recheck(store *s, const scope *sc, int64_t id, json_t **out, jn_fields *fe);
jn_err claim_flag_clear(store *s, const scope *sc, int64_t id, const char *code, const char *reason, json_t **out,
			jn_fields *fe);

/* ---- funds (app/subsidy.c) ---- */
typedef struct fund_input {
	int64_t programme_id;  /* 0 none (e.g. the unemployment-insurance fund for upgrade subsidies) */
	const char *region, *name;
	int64_t budget_fen;    /* -1 not given */
	const char *note;
} fund_input;
jn_err fund_create(store *s, const scope *sc, const fund_input *in, json_t **out, jn_fields *fe);
jn_err fund_list(store *s, const scope *sc, int64_t programme_id, const char *region, json_t **items);
jn_err fund_show(store *s, const scope *sc, int64_t id, json_t **out);
jn_err fund_budget(store *s, const scope *sc, int64_t id, int64_t amount_fen, const char *note, json_t **out,
		   jn_fields *fe);
jn_err fund_ledger(store *s, const scope *sc, int64_t id, int page, int per_page, json_t **items, int64_t *total);

/* ---- demo (app/demo_money.c) ---- */
jn_err demo_money_load(store *s, FILE *out);

#endif
