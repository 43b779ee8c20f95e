/* cert_draw.h — the parts of the certificate renderer (cert_pdf.c) that
 * each lean on a library of their own: the font (fontconfig), the photo
 * (libjpeg-turbo, cairo's PNG reader) and the QR code (libqrencode).
 * Internal to src/io/.  Functions returning int return a cert_pdf_rc.
 * Prefixed certpdf_ to stay out of core/cert.h's cert_ names. */
#ifndef JN_CERT_DRAW_H
#define JN_CERT_DRAW_H

#include <cairo.h>
#include <stddef.h>

#include "io/cert_pdf.h"

/* The family name of the installed Chinese font the certificate is set in,
 * or NULL when there is none.  Looked up once per process. */
const char *certpdf_font_family(void);

/* Decodes a JPEG or PNG held in memory into *out (caller destroys).  A
 * JPEG the PDF can carry as it is keeps its bytes attached, so cairo embeds
 * them instead of re-compressing the pixels. */
int certpdf_photo_load(const unsigned char *p, size_t n, cairo_surface_t **out, char *err, size_t errcap);

typedef struct certpdf_qr certpdf_qr;

/* Encodes text (NUL-terminated) as a QR code. */
int certpdf_qr_encode(const char *text, certpdf_qr **out, char *err, size_t errcap);

/* Draws the code, quiet zone included, as a size × size square at (x, y). */
void certpdf_qr_draw(cairo_t *cr, const certpdf_qr *q, double x, double y, double size);

void certpdf_qr_free(certpdf_qr *q);

#endif
