/* photo.c — workers' photos (person_photos), one per person; and reading
 * any base64 file row (photos, evidence files). */
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

jn_err store_photo_put(stx *t, int64_t person_id, const char *mime, int64_t size, const char *sha256,
		       const char *b64, const char *by)
{
	char now[32];
	store_now(now);
	db_param p[] = {P_INT(person_id), P_TEXT(mime), P_INT(size), P_TEXT(sha256), P_TEXT(b64), P_TEXT(by),
			P_TEXT(now)};
	return store_db_err(DRV(t)->exec(t->c,
					 "INSERT INTO person_photos (person_id, mime, size, sha256, data_b64, updated_by,"
					 " updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (person_id) DO UPDATE"
					 " SET mime = excluded.mime, size = excluded.size, sha256 = excluded.sha256,"
					 " data_b64 = excluded.data_b64, updated_by = excluded.updated_by,"
					 " updated_at = excluded.updated_at",
					 p, 7, NULL));
}

jn_err store_blob_get(stx *t, const char *sql, int64_t key, char *label, size_t labelcap, char **b64,
		      int64_t *size, char sha256[65])
{
	const db_driver *d = DRV(t);
	db_param p[] = {P_INT(key)};
	db_rows *r;
	*b64 = NULL;
	db_rc rc = d->query(t->c, sql, p, 1, &r);
	if (rc != DB_OK)
		return store_db_err(rc);
	int st = d->rows_next(r);
	jn_err e = st == 1 ? JN_OK : st == 0 ? JN_ENOTFOUND : JN_EDB;
	if (st == 1) {
		rows_copy(d, r, 0, label, labelcap);
		*size = d->rows_int(r, 1);
		rows_copy(d, r, 2, sha256, 65);
		*b64 = strdup(d->rows_text(r, 3));
		if (!*b64)
			e = JN_ENOMEM;
	}
	d->rows_free(r);
	return e;
}

jn_err store_photo_get(stx *t, int64_t person_id, char mime[16], char **b64, int64_t *size, char sha256[65])
{
	return store_blob_get(t, "SELECT mime, size, sha256, data_b64 FROM person_photos WHERE person_id = $1",
			      person_id, mime, 16, b64, size, sha256);
}
