/* voucher.h — electronic training vouchers (职业技能电子培训券) as the
 * rest of the app uses them: enrolment redeems one. */
#ifndef JN_VOUCHER_H
#define JN_VOUCHER_H

#include "app/app.h"

/* Uses voucher `number` for enrolment `enrolment_id` of person_id in a
 * class of occupation `occ`, on `today` (YYYY-MM-DD), inside t.  The voucher
 * must be the person's own, not yet used, not expired, and list the
 * occupation (or a code prefix of it).  On success it becomes used, points
 * at the enrolment, and the worker's record gets an entry.  A refusal adds
 * its reason under field "voucher_number" (codes voucher_not_found,
 * voucher_not_holder, voucher_used, voucher_expired, voucher_occupation)
 * and returns JN_EINVAL; nothing is changed then. */
jn_err voucher_use(stx *t, const scope *sc, const char *number, int64_t person_id, const char *occ,
		   int64_t enrolment_id, const char *today, jn_fields *fe);

/* Gives back the voucher enrolment_id used, if any, when the trainee
 * withdraws: it can be used again until it expires; the record says so.
 * Nothing happens when the enrolment used none. */
jn_err voucher_release(stx *t, const scope *sc, int64_t enrolment_id, int64_t person_id, const char *today);

#endif
