/* cert_qr.c — the certificate's QR code: libqrencode encodes, cairo draws.
 *
 * The verification URL carries a signed credential, 1–2 KB of text.  Error
 * correction M is the highest level that still holds 2 KB (Q stops near
 * 1,660 bytes), and it recovers 15 % of the symbol — enough for the red
 * seal stamped over a corner, a fold or a photocopy.  A longer text falls
 * back to level L (up to 2,953 bytes) rather than failing.
 *
 * Modules are drawn as filled rectangles, one per horizontal run of dark
 * modules, all in one path: the code stays sharp at any zoom or printer
 * resolution and no hairline seams appear between neighbouring modules. */
#include "io/cert_draw.h"
#include "io/iobuf.h"

#include <errno.h>
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

#define QR_QUIET 4 /* modules of white margin the standard asks for */

struct certpdf_qr {
	QRcode *code;
};

static QRcode *encode_at(const char *text, QRecLevel level)
{
	errno = 0;
	/* QR_MODE_8 is only the hint for text that is not digits or upper case;
	 * libqrencode still picks the densest mode for each stretch */
	return QRcode_encodeString(text, 0, level, QR_MODE_8, 1);
}

int certpdf_qr_encode(const char *text, certpdf_qr **out, char *err, size_t errcap)
{
	*out = NULL;
	QRcode *code = encode_at(text, QR_ECLEVEL_M);
	if (!code && errno == ERANGE)
		code = encode_at(text, QR_ECLEVEL_L);
	if (!code && errno == ENOMEM) {
		io_set_err(err, errcap, "内存不足，无法生成二维码");
		return CERT_PDF_ENOMEM;
	}
	if (!code) {
		io_set_err(err, errcap, "查验链接过长（%zu 字节），二维码最多容纳 2953 字节", strlen(text));
		return CERT_PDF_EINPUT;
	}
	*out = malloc(sizeof **out);
	if (!*out) {
		QRcode_free(code);
		io_set_err(err, errcap, "内存不足，无法生成二维码");
		return CERT_PDF_ENOMEM;
	}
	(*out)->code = code;
	return CERT_PDF_OK;
}

/* Adds the dark runs of one row of modules to the path. */
static void add_row(cairo_t *cr, const unsigned char *row, int width, double x, double y, double m)
{
	for (int c = 0; c < width;) {
		if (!(row[c] & 1)) {
			c++;
			continue;
		}
		int start = c;
		while (c < width && (row[c] & 1))
			c++;
		cairo_rectangle(cr, x + start * m, y, (c - start) * m, m);
	}
}

void certpdf_qr_draw(cairo_t *cr, const certpdf_qr *q, double x, double y, double size)
{
	int w = q->code->width, side = w + 2 * QR_QUIET;
	/* drawn in module units on a recording surface, which the PDF keeps as
	 * a form: coordinates are small integers, a third of the bytes of
	 * page coordinates for the same ~5,000 rectangles */
	cairo_rectangle_t ext = {0, 0, side, side};
	cairo_surface_t *rec = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &ext);
	cairo_t *qc = cairo_create(rec);
	cairo_set_source_rgb(qc, 1, 1, 1);
	cairo_paint(qc);
	for (int r = 0; r < w; r++)
		add_row(qc, q->code->data + (size_t)r * (size_t)w, w, QR_QUIET, QR_QUIET + r, 1);
	cairo_set_source_rgb(qc, 0, 0, 0);
	cairo_fill(qc);
	cairo_destroy(qc);
	cairo_save(cr);
	cairo_translate(cr, x, y);
	cairo_scale(cr, size / side, size / side);
	cairo_set_source_surface(cr, rec, 0, 0);
	cairo_paint(cr);
	cairo_restore(cr);
	cairo_surface_destroy(rec);
}

void certpdf_qr_free(certpdf_qr *q)
{
	if (!q)
		return;
	QRcode_free(q->code);
	free(q);
}
