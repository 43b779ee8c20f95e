/* store_money.h — vouchers, subsidy rules, claims with their fraud flags,
 * funds and the append-only ledger (store/voucher.c, claim.c, fund.c).
 *
 * Scope, as everywhere: administrators and county clerks reach rows under
 * their region (a voucher's and a claim's region are the holder's county,
 * or the class's for a training claim; a fund's its own), a trainer its own
 * organisation's claims, a worker their own vouchers and claims; funds and
 * the ledger are staff's only.  Out of scope is not found. */
#ifndef JN_STORE_MONEY_H
#define JN_STORE_MONEY_H

#include "core/subsidy.h"
#include "store/store.h"

/* ---- vouchers (store/voucher.c) ---- */

typedef struct voucher {
	int64_t id;
	char number[24];
	int64_t person_id, programme_id, issue_id, enrolment_id;
	char region[7];
	char occupations[512]; /* comma-separated codes or code prefixes */
	int64_t amount_fen;
	char issued_on[11], expires_on[11];
	char state[12];        /* as stored: issued, used, redeemed (expired is computed on read) */
	char used_on[11], redeemed_on[11];
	char issued_by[64];
	char created_at[32], updated_at[32];
	char person_name[96], id_number[19], programme_name[256];
} voucher;

typedef struct voucher_issue_row {
	int64_t id, programme_id;
	char region[7];
	char rule[1024];       /* the selection rule, JSON */
	char occupations[512];
	int64_t amount_fen;
	char expires_on[11];
	int count;
	char issued_by[64], issued_at[32];
} voucher_issue_row;

/* Who an issuance selects: one person, or everyone registered under region
 * (in sc's scope) matching the tags (any or all of them), born in the
 * range and at most level_max. */
typedef struct voucher_rule {
	int64_t person_id;      /* > 0: only this person */
	char region[7];
	char tags[8][32];
	int ntags;
	int tags_all;           /* 1: every tag; 0: any */
	char born_from[11];     /* "" none; else birth_date >= born_from */
	char born_to[11];       /* "" none; else birth_date <= born_to */
	int level_max;          /* -1 none; else level <= level_max (0 = no level) */
} voucher_rule;

/* How many persons the rule selects (within sc). */
jn_err store_voucher_select_count(stx *t, const scope *sc, const voucher_rule *r, int64_t *count);
/* The persons' ids, in id order, into *ids (malloc'd, *n of them). */
jn_err store_voucher_select(stx *t, const scope *sc, const voucher_rule *r, int64_t **ids, int *n);
/* Reserves n serials under prefix ("PXQ2026"): the first is *first. */
jn_err store_counter_take(stx *t, const char *prefix, int n, int64_t *first);
jn_err store_voucher_issue_insert(stx *t, voucher_issue_row *x);
/* Inserts v for v->person_id; region is the person's (read in SQL). */
jn_err store_voucher_insert(stx *t, voucher *v);

typedef struct voucher_filter {
	char state[12];    /* "" any; issued (open), used, redeemed, expired */
	int64_t person_id, programme_id, issue_id;
	char region[7];
	char today[11];
	int page, per_page;
} voucher_filter;
typedef int (*voucher_fn)(void *ctx, const voucher *v);
jn_err store_voucher_list(stx *t, const scope *sc, const voucher_filter *f, voucher_fn fn, void *ctx,
			  int64_t *total);
jn_err store_voucher_get(stx *t, const scope *sc, const char *number, voucher *out);
jn_err store_voucher_by_id(stx *t, int64_t id, voucher *out);
/* Moves the voucher from state `from` to `to`, setting the enrolment and
 * the day (used_on or redeemed_on); JN_ECONFLICT when it was not in from. */
jn_err store_voucher_move(stx *t, int64_t id, const char *from, const char *to, int64_t enrolment_id,
			  const char *day);
/* A used voucher back to issued (its enrolment withdrawn): enrolment and
 * used_on cleared.  JN_ECONFLICT when it is not used any more. */
jn_err store_voucher_release(stx *t, int64_t id);
typedef int (*voucher_issue_fn)(void *ctx, const voucher_issue_row *x);
jn_err store_voucher_issues(stx *t, const scope *sc, int page, int per_page, voucher_issue_fn fn, void *ctx,
			    int64_t *total);

typedef struct voucher_stat {
	int64_t programme_id;
	char programme_name[256];
	char region[7];
	int64_t issued, issued_fen, open, open_fen, used, used_fen, redeemed, redeemed_fen, expired, expired_fen;
} voucher_stat;
typedef int (*voucher_stat_fn)(void *ctx, const voucher_stat *s);
/* Counts by programme and county; region "" all in scope, programme_id 0 any. */
jn_err store_voucher_stats(stx *t, const scope *sc, const char *region, int64_t programme_id, const char *today,
			   voucher_stat_fn fn, void *ctx);

/* The used voucher of an enrolment (id 0 when none). */
jn_err store_voucher_of_enrolment(stx *t, int64_t enrolment_id, voucher *out);

/* ---- subsidy rules (store/claim.c) ---- */
typedef struct rule_set {
	subsidy_rule *r;
	int n, cap;
} rule_set;
/* Every rule version (both kinds); rs->r malloc'd. */
jn_err store_rules_all(stx *t, rule_set *rs);
void rule_set_free(rule_set *rs);
/* Inserts x (id set); JN_ECONFLICT when the same kind, code, level, region
 * and date exist.  created_by/created_at given. */
jn_err store_rule_insert(stx *t, subsidy_rule *x, const char *created_by);
/* The same, keeping an existing row (loading data/subsidy-rules.csv again). */
jn_err store_rule_put(stx *t, const subsidy_rule *x);

/* ---- claims (store/claim.c) ---- */
typedef struct claim {
	int64_t id;
	subsidy_kind kind;
	int64_t person_id, org_id, class_id, enrolment_id, certificate_id, programme_id, fund_id, rule_id, ledger_id;
	char region[7];
	char occupation[16];
	int level;
	int64_t amount_fen;
	char rules_as_of[11];   /* the claim date: the rules in force on it apply */
	char state[12];         /* submitted, reviewed, approved, paid, refused */
	char refused_rule[32], refused_reason[512];
	char submitted_by[64], submitted_at[32], reviewed_by[64], reviewed_at[32], approved_by[64], approved_at[32],
		paid_at[32], updated_at[32];
	int version;
	/* joined */
	char person_name[96], id_number[19], org_name[256], class_name[256], cert_number[24], occupation_name[160];
	int flags_open, flags_total;
} claim;

jn_err store_claim_insert(stx *t, claim *c);
jn_err store_claim_get(stx *t, const scope *sc, int64_t id, claim *out);
/* Writes state and the step fields of c over the row when it is still in
 * state `expect` at c->version; JN_ECONFLICT otherwise. */
jn_err store_claim_write(stx *t, claim *c, const char *expect);

typedef struct claim_filter {
	char state[12];
	subsidy_kind kind;
	int flagged;            /* 1: with a flag not cleared */
	int64_t org_id, person_id, class_id;
	char region[7];
	int page, per_page;
} claim_filter;
typedef int (*claim_fn)(void *ctx, const claim *c);
jn_err store_claim_list(stx *t, const scope *sc, const claim_filter *f, claim_fn fn, void *ctx, int64_t *total);
/* The person's claims that still count (not refused), except `except`. */
typedef int (*prior_fn)(void *ctx, const subsidy_prior *p);
jn_err store_claim_priors(stx *t, int64_t person_id, int64_t except, prior_fn fn, void *ctx);
/* persons.insured_from ("" none) and tags of a person (not scoped). */
jn_err store_person_insurance(stx *t, int64_t person_id, char insured_from[11], char tags[256]);
/* The live (not refused) training claim of an enrolment, 0 none. */
jn_err store_claim_of_enrolment(stx *t, int64_t enrolment_id, int64_t *claim_id);
/* The live (not refused) upgrade claim of a certificate, 0 none: a
 * certificate is subsidised once whatever the rules in force say. */
jn_err store_claim_of_certificate(stx *t, int64_t certificate_id, int64_t *claim_id);

typedef struct claim_flag {
	int64_t id, claim_id;
	char code[32];
	char detail[512];
	char raised_at[32], cleared_by[64], cleared_at[32], clear_reason[512];
} claim_flag;
/* Adds the flag unless the claim has one with that code; *added = 1 when new. */
jn_err store_flag_raise(stx *t, int64_t claim_id, const char *code, const char *detail, int *added);
typedef int (*flag_fn)(void *ctx, const claim_flag *f);
jn_err store_flags(stx *t, int64_t claim_id, flag_fn fn, void *ctx);
/* Clears an open flag; JN_ENOTFOUND when none, JN_ECONFLICT when cleared already. */
jn_err store_flag_clear(stx *t, int64_t claim_id, const char *code, const char *by, const char *reason,
			claim_flag *out);

/* ---- the facts fraud checks look at (store/claim.c) ---- */
/* Another class of the person whose sessions overlap the class's: 1 found. */
int store_fraud_overlap(stx *t, int64_t class_id, int64_t person_id, int64_t *other_id, char *other_name,
			size_t cap);
/* A class of another provider in the months of this class: 1 found. */
int store_fraud_two_providers(stx *t, int64_t class_id, int64_t person_id, int64_t *other_id, char *other_name,
			      size_t cap, char *org_name, size_t org_cap);
/* The class's check-ins: how many, the first and last time, how many
 * distinct non-empty devices and how many without a device. */
jn_err store_fraud_checkins(stx *t, int64_t class_id, int64_t *n, char first[32], char last[32], int64_t *devices,
			    int64_t *no_device, char device[128]);
/* Capacity and completed enrolments of a class. */
jn_err store_fraud_capacity(stx *t, int64_t class_id, int64_t *capacity, int64_t *completed);
/* The provider's claims per month (YYYY-MM) from `from_month` on. */
typedef int (*month_count_fn)(void *ctx, const char *month, int64_t n);
jn_err store_fraud_org_months(stx *t, int64_t org_id, const char *from_month, month_count_fn fn, void *ctx);

/* ---- funds and the ledger (store/fund.c) ---- */
typedef struct fund {
	int64_t id, programme_id;
	char region[7];
	char name[256];
	int64_t budget_fen, paid_fen;
	char created_by[64], created_at[32], updated_at[32];
	char programme_name[256];
} fund;

typedef struct ledger_row {
	int64_t id, fund_id;
	char at[32];
	char kind[16];          /* budget, payment, reversal */
	int64_t amount_fen;     /* always positive; the kind says which way */
	char ref_kind[24];      /* "claim", later "reward", ... */
	int64_t ref_id;
	char rule_ref[64];      /* the rule that decided the amount, e.g. "subsidy_rule:12" */
	char note[512];
	char recorded_by[64];
} ledger_row;

jn_err store_fund_insert(stx *t, fund *f);
jn_err store_fund_get(stx *t, const scope *sc, int64_t id, fund *out);
typedef int (*fund_fn)(void *ctx, const fund *f);
jn_err store_fund_list(stx *t, const scope *sc, int64_t programme_id, const char *region, fund_fn fn, void *ctx);
/* The fund a payment of programme_id (0 none) in region draws on: the one
 * of that programme whose region is the most specific prefix of region. */
jn_err store_fund_for(stx *t, int64_t programme_id, const char *region, fund *out);
/* budget_fen += amount. */
jn_err store_fund_add_budget(stx *t, int64_t id, int64_t amount);
/* paid_fen += amount only while budget - paid >= amount: JN_ECONFLICT
 * (nothing changed) when the balance is short. */
jn_err store_fund_draw(stx *t, int64_t id, int64_t amount);
/* paid_fen -= amount (a reversal). */
jn_err store_fund_undraw(stx *t, int64_t id, int64_t amount);
/* Appends x (id, at set). */
jn_err store_ledger_add(stx *t, ledger_row *x);
typedef int (*ledger_fn)(void *ctx, const ledger_row *x);
jn_err store_ledger_list(stx *t, int64_t fund_id, const char *ref_kind, int64_t ref_id, int page, int per_page,
			 ledger_fn fn, void *ctx, int64_t *total);

#ifdef JN_STORE_INTERNAL_H
/* The scope's limit on a money table (store files only): staff by
 * region_col, trainers by org_col (NULL: none), workers by person_col
 * (NULL: none), nobody else. */
void scope_money(sqlb *q, const scope *sc, const char *region_col, const char *org_col, const char *person_col);
#endif

#endif
