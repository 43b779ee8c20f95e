/* training.h — the domain of training classes (培训班), without I/O:
 * session times, overlaps, attendance and completion, check-in codes,
 * class states and the categories of programmes.
 *
 * Times: a session's start and end are kept as UTC text
 * "YYYY-MM-DDTHH:MM:SSZ", so text order is time order (the store compares
 * them as text).  Input may carry "Z", an offset ("+08:00") or nothing, in
 * which case it is China Standard Time (UTC+8, no DST), as people write it. */
#ifndef JN_TRAINING_H
#define JN_TRAINING_H

#include <stddef.h>
#include <stdint.h>

/* Parses "YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM]" (a space may replace the T) into
 * seconds since 1970-01-01 UTC; 0 when malformed or out of 2000..2099. */
int64_t tr_time_parse(const char *s);
/* Seconds since the epoch as "YYYY-MM-DDTHH:MM:SSZ". */
void tr_time_format(int64_t t, char out[21]);
/* The China-time calendar date (YYYYMMDD) of an instant. */
int tr_local_ymd(int64_t t);
/* "HH:MM" China time, and "YYYY-MM-DD HH:MM" China time, of an instant. */
void tr_local_text(int64_t t, char out[17]);

/* A span of time [start, end). */
typedef struct tr_span {
	int64_t start, end;
} tr_span;
/* 1 when the spans share any instant (touching ends do not overlap). */
int tr_overlap(tr_span a, tr_span b);
/* The first pair (i < j) of overlapping spans: 1 with *i, *j set; 0 none. */
int tr_first_overlap(const tr_span *s, int n, int *i, int *j);

/* Attendance: whole percent (rounded down) of total sessions attended;
 * 0 when there are no sessions. */
int tr_attendance_pct(int attended, int total);
/* Completion: attended / total >= min_pct / 100, exactly (no rounding);
 * never with no sessions. */
int tr_completed(int attended, int total, int min_pct);

/* Check-in codes: six digits from a uniformly drawn number below 10^6. */
#define TR_CODE_LEN 6
#define TR_CODE_MINUTES 10
void tr_code_from(uint32_t below_million, char out[TR_CODE_LEN + 1]);
typedef enum tr_code_status {
	TR_CODE_OK = 0,
	TR_CODE_MALFORMED, /* not six digits */
	TR_CODE_WRONG,     /* no such code for the class */
	TR_CODE_EXPIRED,
} tr_code_status;
/* Checks a given code against the stored one and its expiry (both times
 * as seconds); constant time in the digits. */
tr_code_status tr_code_check(const char *given, const char *stored, int64_t expires, int64_t now);
int tr_code_wellformed(const char *s);

/* Class states: open (报名中) → running (培训中, from the first
 * attendance) → closed (已结业, completion computed).  Enrolment,
 * withdrawal and attendance only before closed; plan changes only while
 * open. */
typedef enum tr_state {
	TR_OPEN = 1,
	TR_RUNNING,
	TR_CLOSED,
} tr_state;
const char *tr_state_name(tr_state s);    /* "open", ... */
const char *tr_state_name_zh(tr_state s); /* "报名中", ... */
tr_state tr_state_parse(const char *s);   /* 0 unknown; English or Chinese */

/* Enrolment states. */
const char *tr_enrolment_state_zh(const char *state); /* enrolled, withdrawn, completed, incomplete */

/* Training categories a class may have (the national kinds of subsidised
 * training), and the wider set a programme may have (planning categories
 * for programmes that are targets rather than training). */
extern const char *const TR_CLASS_CATEGORIES[];
extern const int TR_CLASS_CATEGORIES_COUNT;
extern const char *const TR_PROGRAMME_CATEGORIES[];
extern const int TR_PROGRAMME_CATEGORIES_COUNT;
int tr_class_category_ok(const char *s);
int tr_programme_category_ok(const char *s);
/* The category of a seed programme from its name, its metrics and units
 * (each joined by '|'): see training.c for the rules. */
const char *tr_category_infer(const char *name, const char *metrics, const char *units);

/* Mode: "online" (线上) or "offline" (线下); English or Chinese in, English out. */
const char *tr_mode_parse(const char *s);
const char *tr_mode_zh(const char *mode);

#endif
