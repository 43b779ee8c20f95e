/* fuzz_csv.c — libFuzzer driver for the table readers.
 *
 * Each input goes through text_to_utf8 then csv_read, with a callback that
 * checks the reader's promises (1..TABLE_MAX_FIELDS fields, each
 * NUL-terminated and within TABLE_MAX_FIELD_BYTES, row numbers strictly
 * increasing); the raw bytes also go to xlsx_read, which must fail cleanly
 * on anything that is not a good workbook.  Seeds: tests/fuzz/corpus/csv/. */
#include "io/table.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct fuzz_state {
	long last_row;
	long rows;
} fuzz_state;

static int check_row(void *ctx, long rowno, int nfields, const char *const *fields)
{
	fuzz_state *s = ctx;
	if (nfields < 1 || nfields > TABLE_MAX_FIELDS)
		abort();
	if (rowno <= s->last_row)
		abort();
	s->last_row = rowno;
	for (int i = 0; i < nfields; i++) {
		if (!fields[i])
			abort();
		/* strlen runs to the NUL: ASan catches a missing one. */
		if (strlen(fields[i]) > TABLE_MAX_FIELD_BYTES)
			abort();
	}
	s->rows++;
	return 0;
}

static int xlsx_row(void *ctx, long rowno, int nfields, const char *const *fields)
{
	fuzz_state *s = ctx;
	(void)rowno;
	if (nfields < 1 || nfields > TABLE_MAX_FIELDS)
		abort();
	for (int i = 0; i < nfields; i++)
		if (!fields[i] || strlen(fields[i]) > TABLE_MAX_FIELD_BYTES)
			abort();
	s->rows++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	char *u = NULL;
	size_t ulen = 0;
	text_encoding enc;
	err[0] = '\0';
	int rc = text_to_utf8((const char *)data, size, &u, &ulen, &enc, err, sizeof err);
	if (rc == TABLE_OK) {
		if (!u || u[ulen] != '\0')
			abort();
		fuzz_state s = {0, 0};
		rc = csv_read(u, ulen, check_row, &s, err, sizeof err);
		if (rc != TABLE_OK && rc != TABLE_EFORMAT && rc != TABLE_ETOOBIG && rc != TABLE_ENOMEM)
			abort();
		if (rc != TABLE_OK && !memchr(err, '\0', sizeof err))
			abort();
		free(u);
	} else if (u) {
		abort(); /* no output on failure */
	}

	fuzz_state x = {0, 0};
	rc = xlsx_read((const char *)data, size, xlsx_row, &x, err, sizeof err);
	if (rc != TABLE_OK && rc != TABLE_EFORMAT && rc != TABLE_ETOOBIG && rc != TABLE_ENOMEM)
		abort();
	return 0;
}
