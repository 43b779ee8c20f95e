/* cert_pdf.h — the printable skill certificate (职业技能等级证书): one
 * certificate rendered to a one-page A4 PDF in memory.
 *
 * The page carries the national-format fields, the holder's photo (or a
 * frame labelled 照片), a QR code of the verification URL with 扫码查验 and
 * the verification site under it, and — when the certificate is no longer
 * valid — its status across the page as a watermark.  Text is set with
 * pango in an installed Chinese font (found through fontconfig, Noto Serif
 * CJK SC first) and cairo embeds the subset of the font the page uses, so
 * the PDF prints the same on any computer.
 *
 * Thread-safe: each thread renders with its own pango font map, freed when
 * the thread exits.  About 80–120 ms and 135–550 KB per certificate, most of
 * it cairo 1.16 subsetting the CID-keyed CFF font and drawing the QR code's
 * ~5,000 rectangles.  cairo 1.16 also loses 768 bytes per CFF font per PDF
 * (its bug, not ours): about 1.5 KB per certificate over a server's life;
 * a sanitizer build needs the suppression in tests/unit/test_cert_pdf.c. */
#ifndef JN_CERT_PDF_H
#define JN_CERT_PDF_H

#include <stddef.h>

typedef struct cert_print {
	const char *number;          /* 证书编号, as issued                                */
	const char *holder_name;     /* 姓名                                               */
	const char *gender;          /* 性别: 男 / 女                                      */
	const char *id_number;       /* 身份证号, printed in full on the paper certificate */
	const char *occupation_code; /* 职业编码, e.g. 6-18-02-04                          */
	const char *occupation_name; /* 职业（工种）                                        */
	const char *level_name;      /* e.g. 高级工                                        */
	const char *national_level;  /* e.g. 三级                                          */
	const char *body_name;       /* 评价机构                                           */
	const char *body_code;       /* its code                                           */
	const char *issued_on;       /* YYYY-MM-DD, printed as 2025年3月18日               */
	const char *route_name;      /* 认定途径: 正常认定 / 直接认定 / 破格晋升 …          */
	const char *status_name;     /* NULL, "" or 有效: valid; anything else (已注销 …)
				      * is drawn across the page as a watermark           */
	const unsigned char *photo;  /* JPEG or PNG; NULL for none                         */
	size_t photo_len;
	const char *qr_text;         /* the verification URL; up to 2,953 bytes            */
} cert_print;

typedef enum cert_pdf_rc {
	CERT_PDF_OK = 0,
	CERT_PDF_EINPUT = -1,  /* a required field missing, a text too long or not
				* UTF-8, a photo that is not a readable JPEG/PNG, a
				* QR text too long for a QR code: err says which      */
	CERT_PDF_ENOFONT = -2, /* no Chinese font installed on this computer      */
	CERT_PDF_ENOMEM = -3,
	CERT_PDF_ERENDER = -4, /* cairo failed to write the PDF                     */
} cert_pdf_rc;

#define CERT_FIELD_MAX_BYTES 512 /* any one printed field            */
#define CERT_PHOTO_MAX_PIXELS (40L * 1000 * 1000)

/* Required: number, holder_name, id_number, occupation_name, level_name or
 * national_level, body_name, issued_on, qr_text; other fields may be NULL
 * and are printed empty.  On CERT_PDF_OK *out is the PDF (malloc'd, caller
 * frees) and *outlen its size; otherwise *out is NULL and err (Chinese, for
 * people) says why. */
int cert_pdf_render(const cert_print *c, unsigned char **out, size_t *outlen, char *err, size_t errcap);

/* Lets go of this thread's fonts (pango's per-thread font map).  A thread
 * that exits does so by itself; the main thread of a command that printed
 * calls this before it returns, so nothing is left for the leak check. */
void cert_pdf_thread_done(void);

/* CERT_PDF_OK when p (n bytes) is a JPEG or PNG photo the certificate can
 * print (readable, at most 10,000 pixels a side); otherwise the reason in
 * err.  For checking a photo when it is uploaded, not when it is printed. */
int cert_photo_check(const unsigned char *p, size_t n, char *err, size_t errcap);

#endif
