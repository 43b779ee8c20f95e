/* cert_qr.c — the certificate's QR code: libqrencode encodes, cairo draws.
 *
 * The verification URL carries a signed credential, 1–2 KB of text.  Error
 * correction M is the highest level that still holds 2 KB (Q stops near
 * 1,660 bytes), and it recovers 15 % of the symbol — enough for the red
 * seal stamped over a corner, a fold or a photocopy.  A longer text falls
 * back to level L (up to 2,953 bytes) rather than failing.
 *
 * The symbol is placed as an image of QR_PX × QR_PX pixels per module,
 * scaled with the nearest-neighbour filter: cairo writes it as a 1-bit
 * grey image with /Interpolate false, so printers keep every module's
 * edges sharp.  One pixel per module would be enough for a printer, but a
 * renderer at screen resolution then maps each module to 2 or 3 device
 * pixels unevenly and a 2 KB code no longer decodes from a 150-dpi
 * rendering; with four, the renderer averages the pixels it shrinks and
 * the edges come out evenly grey, as with vector modules.  Drawing it as ~5,000 filled rectangles gave
 * the same page 20 ms slower (bench/pdfbench: 12 renders a second instead
 * of 16; most of what remains is cairo subsetting the CJK font). */
#include "io/cert_draw.h"
#include "io/iobuf.h"

#include <errno.h>
#include <qrencode.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define QR_QUIET 4 /* modules of white margin the standard asks for */
#define QR_PX 4    /* image pixels per module: see the top of the file */

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

void certpdf_qr_draw(cairo_t *cr, const certpdf_qr *q, double x, double y, double size)
{
	int w = q->code->width, side = w + 2 * QR_QUIET, px_side = side * QR_PX;
	cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, px_side, px_side);
	if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(img);
		return; /* out of memory: cairo_status(cr) stays fine, the page has no code */
	}
	cairo_surface_flush(img);
	unsigned char *px = cairo_image_surface_get_data(img);
	int stride = cairo_image_surface_get_stride(img);
	for (int r = 0; r < px_side; r++) {
		uint32_t *row = (uint32_t *)(void *)(px + (size_t)r * (size_t)stride);
		for (int c = 0; c < px_side; c++) {
			int mr = r / QR_PX - QR_QUIET, mc = c / QR_PX - QR_QUIET;
			int dark = mr >= 0 && mr < w && mc >= 0 && mc < w && (q->code->data[(size_t)mr * (size_t)w + (size_t)mc] & 1);
			row[c] = dark ? 0x000000u : 0xffffffu;
		}
	}
	cairo_surface_mark_dirty(img);
	cairo_save(cr);
	cairo_translate(cr, x, y);
	cairo_scale(cr, size / px_side, size / px_side);
	cairo_set_source_surface(cr, img, 0, 0);
	cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST);
	cairo_rectangle(cr, 0, 0, px_side, px_side);
	cairo_fill(cr);
	cairo_restore(cr);
	cairo_surface_destroy(img);
}

void certpdf_qr_free(certpdf_qr *q)
{
	if (!q)
		return;
	QRcode_free(q->code);
	free(q);
}
