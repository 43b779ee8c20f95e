/* record_pdf.h — the lifelong record (终身职业技能培训电子档案) of one
 * worker as an A4 PDF in memory: a title, the worker's name, masked ID
 * number and region, when it was generated, and a table of the entries
 * over as many pages as they need (the header row repeated on each page,
 * page numbers at the foot).  Set in the same installed Chinese font as the
 * certificates (cert_font.c); returns a cert_pdf_rc. */
#ifndef JN_RECORD_PDF_H
#define JN_RECORD_PDF_H

#include <stddef.h>

#include "io/cert_pdf.h"

typedef struct record_pdf_row {
	const char *id, *on_date, *kind_name, *title, *source, *recorded_by;
} record_pdf_row;

typedef struct record_pdf_doc {
	const char *name;             /* 姓名 */
	const char *id_number_masked; /* 证件号码, masked */
	const char *region_name;      /* 所属地区 */
	const char *generated_at;     /* printed as given */
	const record_pdf_row *rows;   /* newest first, as the timeline reads */
	int nrows;
} record_pdf_doc;

/* On CERT_PDF_OK *out is the PDF (malloc'd) and *outlen its size; otherwise
 * err (Chinese) says why: CERT_PDF_ENOFONT without a Chinese font,
 * CERT_PDF_EINPUT for text that is not UTF-8. */
int record_pdf_render(const record_pdf_doc *d, unsigned char **out, size_t *outlen, char *err, size_t errcap);

#endif
