/* cert_photo.c — the holder's photo, JPEG or PNG bytes, as a cairo image.
 *
 * PNG goes through cairo's own reader.  JPEG goes through libjpeg-turbo
 * rather than gdk-pixbuf: one small library the system already has, no
 * loader modules picked at run time, and it can decode at 1/2, 1/4 or 1/8
 * size, so a 12-megapixel phone picture costs a fraction of a full decode.
 * A JPEG decoded at full size keeps its original bytes attached to the
 * image, and cairo writes those into the PDF as they are (DCTDecode):
 * the photo is not re-compressed and the PDF stays small.
 *
 * libjpeg reports fatal errors through a callback that must not return, so
 * the decoder state lives on the heap and errors come back by longjmp. */
#include "io/cert_draw.h"
#include "io/iobuf.h"

#include <stdio.h> /* before jpeglib.h, which uses FILE */

#include <jerror.h>
#include <jpeglib.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define PHOTO_MAX_SIDE 10000
#define PHOTO_ENOUGH_SIDE 1000 /* 35 × 49 mm at 500 dpi: decode no larger */

/* ---- PNG ------------------------------------------------------------------ */

typedef struct mem_reader {
	const unsigned char *p;
	size_t n, pos;
} mem_reader;

static cairo_status_t mem_read(void *closure, unsigned char *data, unsigned int len)
{
	mem_reader *r = closure;
	if (r->n - r->pos < len)
		return CAIRO_STATUS_READ_ERROR;
	memcpy(data, r->p + r->pos, len);
	r->pos += len;
	return CAIRO_STATUS_SUCCESS;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int png_load(const unsigned char *p, size_t n, cairo_surface_t **out, char *err, size_t errcap)
{
	/* the size is in the IHDR chunk at a fixed place: refuse a bomb before
	 * cairo allocates width × height × 4 bytes for it */
	uint32_t w = n >= 24 ? be32(p + 16) : 0, h = n >= 24 ? be32(p + 20) : 0;
	if (w == 0 || h == 0 || w > PHOTO_MAX_SIDE || h > PHOTO_MAX_SIDE ||
	    (long)w * h > CERT_PHOTO_MAX_PIXELS) {
		io_set_err(err, errcap, "照片（PNG）尺寸无效或过大（%u×%u 像素）", w, h);
		return CERT_PDF_EINPUT;
	}
	mem_reader r = {p, n, 0};
	cairo_surface_t *img = cairo_image_surface_create_from_png_stream(mem_read, &r);
	cairo_status_t st = cairo_surface_status(img);
	if (st == CAIRO_STATUS_SUCCESS) {
		*out = img;
		return CERT_PDF_OK;
	}
	cairo_surface_destroy(img);
	if (st == CAIRO_STATUS_NO_MEMORY) {
		io_set_err(err, errcap, "内存不足，无法读取照片");
		return CERT_PDF_ENOMEM;
	}
	io_set_err(err, errcap, "照片（PNG）已损坏，无法读取");
	return CERT_PDF_EINPUT;
}

/* ---- JPEG ----------------------------------------------------------------- */

typedef struct jpeg_job {
	struct jpeg_decompress_struct cinfo;
	struct jpeg_error_mgr mgr;
	jmp_buf jump;
	cairo_surface_t *img;
	int rc;              /* a cert_pdf_rc; set with msg when decoding stops */
	char msg[JMSG_LENGTH_MAX + 64];
} jpeg_job;

static void on_jpeg_error(j_common_ptr ci)
{
	jpeg_job *j = ci->client_data;
	char why[JMSG_LENGTH_MAX];
	ci->err->format_message(ci, why);
	j->rc = ci->err->msg_code == JERR_OUT_OF_MEMORY ? CERT_PDF_ENOMEM : CERT_PDF_EINPUT;
	snprintf(j->msg, sizeof j->msg, "照片（JPEG）已损坏，无法读取（libjpeg：%s）", why);
	longjmp(j->jump, 1);
}

/* Warnings (a truncated file, stray bytes) are counted, not printed. */
static void on_jpeg_message(j_common_ptr ci, int level)
{
	if (level < 0)
		ci->err->num_warnings++;
}

/* Decodes at the largest of 1, 1/2, 1/4, 1/8 that is still enough. */
static unsigned pick_scale(const struct jpeg_decompress_struct *ci)
{
	unsigned side = ci->image_width > ci->image_height ? ci->image_width : ci->image_height, d = 1;
	while (d < 8 && side / (d * 2) >= PHOTO_ENOUGH_SIDE)
		d *= 2;
	return d;
}

static int is_cmyk(const struct jpeg_decompress_struct *ci)
{
	return ci->jpeg_color_space == JCS_CMYK || ci->jpeg_color_space == JCS_YCCK;
}

/* One CMYK row to cairo's RGB24.  Adobe's files store the inks inverted. */
static void cmyk_row(const JSAMPLE *in, uint32_t *out, unsigned width, int adobe)
{
	for (unsigned x = 0; x < width; x++, in += 4) {
		unsigned c = in[0], m = in[1], y = in[2], k = in[3];
		if (!adobe) {
			c = 255 - c, m = 255 - m, y = 255 - y, k = 255 - k;
		}
		out[x] = (c * k / 255) << 16 | (m * k / 255) << 8 | (y * k / 255);
	}
}

static void read_rows(jpeg_job *j)
{
	struct jpeg_decompress_struct *ci = &j->cinfo;
	unsigned char *data = cairo_image_surface_get_data(j->img);
	int stride = cairo_image_surface_get_stride(j->img);
	JSAMPARRAY tmp = is_cmyk(ci) ? ci->mem->alloc_sarray((j_common_ptr)ci, JPOOL_IMAGE, ci->output_width * 4, 1)
				     : NULL;
	while (ci->output_scanline < ci->output_height) {
		JSAMPROW row = data + (size_t)ci->output_scanline * (size_t)stride;
		if (!tmp) {
			jpeg_read_scanlines(ci, &row, 1);
			continue;
		}
		jpeg_read_scanlines(ci, tmp, 1);
		cmyk_row(tmp[0], (uint32_t *)(void *)row, ci->output_width, ci->saw_Adobe_marker);
	}
}

/* Everything that may longjmp happens in here; j->img is set as soon as it
 * exists so the caller can destroy it on the way out. */
static void jpeg_decode(jpeg_job *j, const unsigned char *p, size_t n)
{
	struct jpeg_decompress_struct *ci = &j->cinfo;
	jpeg_create_decompress(ci);
	jpeg_mem_src(ci, p, (unsigned long)n);
	jpeg_read_header(ci, TRUE);
	if (ci->image_width > PHOTO_MAX_SIDE || ci->image_height > PHOTO_MAX_SIDE ||
	    (long)ci->image_width * ci->image_height > CERT_PHOTO_MAX_PIXELS) {
		j->rc = CERT_PDF_EINPUT;
		snprintf(j->msg, sizeof j->msg, "照片（JPEG）尺寸过大（%u×%u 像素）", ci->image_width, ci->image_height);
		return;
	}
	ci->scale_num = 1;
	ci->scale_denom = pick_scale(ci);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	ci->out_color_space = is_cmyk(ci) ? JCS_CMYK : JCS_EXT_BGRX; /* cairo's RGB24 in memory */
#else
	ci->out_color_space = is_cmyk(ci) ? JCS_CMYK : JCS_EXT_XRGB;
#endif
	jpeg_start_decompress(ci);
	j->img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)ci->output_width, (int)ci->output_height);
	if (cairo_surface_status(j->img) != CAIRO_STATUS_SUCCESS) {
		j->rc = CERT_PDF_ENOMEM;
		snprintf(j->msg, sizeof j->msg, "内存不足，无法读取照片");
		return;
	}
	cairo_surface_flush(j->img);
	read_rows(j);
	jpeg_finish_decompress(ci);
	cairo_surface_mark_dirty(j->img);
}

/* The original bytes go into the PDF only when a viewer would decode them
 * to what we decoded: full size, plain colour, no damage repaired. */
static void keep_original(jpeg_job *j, const unsigned char *p, size_t n)
{
	const struct jpeg_decompress_struct *ci = &j->cinfo;
	if (ci->scale_denom != 1 || is_cmyk(ci) || j->mgr.num_warnings > 0)
		return;
	unsigned char *copy = malloc(n);
	if (!copy)
		return;
	memcpy(copy, p, n);
	if (cairo_surface_set_mime_data(j->img, CAIRO_MIME_TYPE_JPEG, copy, n, free, copy) != CAIRO_STATUS_SUCCESS)
		free(copy);
}

static int jpeg_load(const unsigned char *p, size_t n, cairo_surface_t **out, char *err, size_t errcap)
{
	jpeg_job *j = calloc(1, sizeof *j);
	if (!j) {
		io_set_err(err, errcap, "内存不足，无法读取照片");
		return CERT_PDF_ENOMEM;
	}
	j->cinfo.err = jpeg_std_error(&j->mgr);
	j->mgr.error_exit = on_jpeg_error;
	j->mgr.emit_message = on_jpeg_message;
	j->cinfo.client_data = j;
	if (setjmp(j->jump) == 0)
		jpeg_decode(j, p, n);
	if (j->rc == CERT_PDF_OK) {
		keep_original(j, p, n);
	} else {
		io_set_err(err, errcap, "%s", j->msg);
		cairo_surface_destroy(j->img);
		j->img = NULL;
	}
	jpeg_destroy_decompress(&j->cinfo);
	int rc = j->rc;
	*out = j->img;
	free(j);
	return rc;
}

int certpdf_photo_load(const unsigned char *p, size_t n, cairo_surface_t **out, char *err, size_t errcap)
{
	*out = NULL;
	if (n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
		return jpeg_load(p, n, out, err, errcap);
	if (n >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
		return png_load(p, n, out, err, errcap);
	io_set_err(err, errcap, "照片格式不支持：只接受 JPEG 或 PNG");
	return CERT_PDF_EINPUT;
}

int cert_photo_check(const unsigned char *p, size_t n, char *err, size_t errcap)
{
	cairo_surface_t *img = NULL;
	int rc = certpdf_photo_load(p, n, &img, err, errcap);
	if (img)
		cairo_surface_destroy(img);
	return rc;
}
