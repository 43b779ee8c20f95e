/* training_internal.h — what the training services share among
 * themselves (app/training.c, training_import.c, demo_training.c): the
 * steps of a class inside a caller's transaction.  Private to src/app/. */
#ifndef JN_TRAINING_INTERNAL_H
#define JN_TRAINING_INTERNAL_H

#include "app/training.h"

typedef struct sess_list {
	class_session *s; /* CLASS_MAX_SESSIONS of them */
	int *n;
} sess_list;
/* A session_fn collecting into a sess_list. */
int sess_collect(void *ctx, const class_session *s);

/* Checks in (create: base NULL) against base into c and the sorted sessions
 * (*nsess = -1 when in gives none); reasons go to fe.  Only a storage
 * failure is returned. */
jn_err class_build(stx *t, const scope *sc, const class_input *in, const training_class *base, training_class *c,
		   class_session *sess, int *nsess, jn_fields *fe);
/* Inserts c with its sessions and the audit entry. */
jn_err class_insert_tx(stx *t, const scope *sc, training_class *c, const class_session *sess, int nsess);
/* Real-name enrolment of one person in c (c->enrolled counts it).  Every
 * check comes before the first write, except the voucher's (used after the
 * enrolment row exists): a refusal leaves t unwritten when voucher is NULL. */
jn_err enrol_tx(stx *t, const scope *sc, training_class *c, const char *id_number, const char *name,
		const char *voucher, enrolment *out, jn_fields *fe);
/* The same on a given day (YYYY-MM-DD; NULL = today): the date the record
 * and the voucher show.  Not reachable from the API or the CLI: for the
 * demo and back-filling. */
jn_err enrol_tx_on(stx *t, const scope *sc, training_class *c, const char *id_number, const char *name,
		   const char *voucher, const char *on, enrolment *out, jn_fields *fe);
/* Marks person_id present at session ss (the class becomes running). */
jn_err attend_tx(stx *t, const scope *sc, training_class *c, const class_session *ss, int64_t person_id,
		 const char *at, const char *method, const char *device, int *added);

#endif
