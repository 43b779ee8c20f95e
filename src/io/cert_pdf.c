/* cert_pdf.c — lays out the skill certificate on an A4 page and writes it
 * as a PDF into memory.
 *
 * cairo's PDF surface writes the page and embeds the subset of each font
 * it used; pango sets the Chinese text (shaping, line breaking, fallback to
 * another installed font for a rare character such as 𠀀).  Coordinates are
 * in points from the page's top left.  The font, the photo and the QR code
 * are prepared in cert_font.c, cert_photo.c and cert_qr.c. */
#include "io/cert_pdf.h"

#include "core/text.h"
#include "io/cert_draw.h"
#include "io/iobuf.h"

#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_W 595.276 /* A4 */
#define PAGE_H 841.890
#define MM (72.0 / 25.4)

#define MARGIN_L 64.0
#define MARGIN_R (PAGE_W - 64.0)
#define LABEL_W 96.0
#define VALUE_X (MARGIN_L + LABEL_W + 14.0)
#define ROWS_Y 146.0
#define ROW_H 32.0
#define PHOTO_W (35 * MM) /* 二寸 photo, 35 × 49 mm */
#define PHOTO_H (49 * MM)
#define PHOTO_X (MARGIN_R - PHOTO_W)
#define PHOTO_Y (ROWS_Y + 8.0)
#define BESIDE_PHOTO 5 /* rows whose line stops short of the photo */
/* 67 mm: a 2 KB code at level M has 177 modules with its margin, 0.38 mm
 * each — readable by a phone from paper, and by zbar at 150 dpi */
#define QR_SIZE 190.0
#define QR_X (MARGIN_R - QR_SIZE + 6.0)
#define QR_Y 552.0
#define ISSUER_W (QR_X - MARGIN_L - 24.0)

typedef struct colour {
	double r, g, b, a;
} colour;
#define RED {0.62, 0.11, 0.11, 1} /* frame and title */
#define INK {0.08, 0.08, 0.08, 1}
#define GREY {0.36, 0.36, 0.36, 1}
#define RULE {0.70, 0.70, 0.70, 1}
#define TINT {0.98, 0.94, 0.87, 1}
#define STAMP {0.85, 0.05, 0.05, 0.30} /* the watermark: legible through */

typedef struct style {
	double size, min; /* points; a long text shrinks to min to stay on one line */
	int bold, lines;  /* at most this many lines, the last cut with "…"         */
	double spacing;   /* between characters, in ems                           */
	double leading;   /* line height in ems when text wraps; 0: the font's    */
	PangoAlignment align;
	colour ink;
} style;

static const style TITLE = {34, 34, 1, 1, 0.12, 0, PANGO_ALIGN_CENTER, RED};
static const style LABEL = {12.5, 10, 0, 1, 0, 0, PANGO_ALIGN_RIGHT, GREY};
static const style SEAL = {12.5, 10, 0, 1, 0, 0, PANGO_ALIGN_LEFT, GREY};
static const style VALUE = {14, 10.5, 0, 2, 0, 1.2, PANGO_ALIGN_LEFT, INK};
static const style NAME = {16, 11, 1, 2, 0.05, 1.2, PANGO_ALIGN_LEFT, INK};
static const style TEXT = {13, 13, 0, 3, 0, 1.6, PANGO_ALIGN_LEFT, INK};
static const style SMALL = {9, 7, 0, 2, 0, 0, PANGO_ALIGN_LEFT, GREY};
static const style CAPTION = {13, 13, 1, 1, 0.1, 0, PANGO_ALIGN_CENTER, INK};
static const style SITE = {9, 6.5, 0, 1, 0, 0, PANGO_ALIGN_CENTER, GREY};
static const style PLACEHOLDER = {14, 14, 0, 1, 0.3, 0, PANGO_ALIGN_CENTER, RULE};
static const style MARK = {130, 40, 1, 1, 0.1, 0, PANGO_ALIGN_LEFT, STAMP};

/* ---- text ----------------------------------------------------------------- */

/* One pango layout reused for every text on the page. */
typedef struct pen {
	cairo_t *cr;
	PangoLayout *lay;
	PangoFontDescription *font;
} pen;

static void pen_open(pen *p, cairo_t *cr, const char *family)
{
	p->cr = cr;
	/* a layout from pango_cairo's per-thread default font map: safe when
	 * several server threads print at once */
	p->lay = pango_cairo_create_layout(cr);
	/* no hinting: positions as designed, the same on paper as on screen */
	cairo_font_options_t *fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(pango_layout_get_context(p->lay), fo);
	cairo_font_options_destroy(fo);
	pango_layout_context_changed(p->lay);
	p->font = pango_font_description_new();
	pango_font_description_set_family(p->font, family);
	/* a newline in a field is printed, not obeyed: one field, one line */
	pango_layout_set_single_paragraph_mode(p->lay, TRUE);
	pango_layout_set_wrap(p->lay, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_ellipsize(p->lay, PANGO_ELLIPSIZE_END);
}

static void pen_close(pen *p)
{
	pango_font_description_free(p->font);
	g_object_unref(p->lay);
}

static void pen_style(pen *p, const style *s, double size)
{
	/* absolute size: device units are points on a PDF surface */
	pango_font_description_set_absolute_size(p->font, size * PANGO_SCALE);
	pango_font_description_set_weight(p->font, s->bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(p->lay, p->font);
	PangoAttrList *attrs = NULL;
	if (s->spacing > 0) {
		attrs = pango_attr_list_new();
		pango_attr_list_insert(attrs, pango_attr_letter_spacing_new((int)(s->spacing * size * PANGO_SCALE)));
	}
	pango_layout_set_attributes(p->lay, attrs);
	if (attrs)
		pango_attr_list_unref(attrs);
	pango_layout_set_line_spacing(p->lay, (float)s->leading);
}

/* Lays text out in width w: shrinking in half-point steps down to s->min
 * while it is wider than one line, then wrapping onto s->lines lines. */
static void pen_layout(pen *p, const char *text, double w, const style *s)
{
	double size = s->size;
	int lw;
	pango_layout_set_text(p->lay, text, -1);
	pango_layout_set_width(p->lay, -1);
	pango_layout_set_height(p->lay, -s->lines);
	for (;; size -= 0.5) {
		pen_style(p, s, size);
		pango_layout_get_size(p->lay, &lw, NULL);
		if (lw <= w * PANGO_SCALE || size - 0.5 < s->min)
			break;
	}
	pango_layout_set_alignment(p->lay, s->align);
	pango_layout_set_width(p->lay, (int)(w * PANGO_SCALE));
}

/* Draws the laid-out text with its first baseline at y. */
static void pen_draw(pen *p, double x, double y, colour c)
{
	double base = (double)pango_layout_get_baseline(p->lay) / PANGO_SCALE;
	cairo_set_source_rgba(p->cr, c.r, c.g, c.b, c.a);
	cairo_move_to(p->cr, x, y - base);
	pango_cairo_show_layout(p->cr, p->lay);
}

/* Draws the laid-out text centred in a box h high with its top at y. */
static void pen_draw_centred(pen *p, double x, double y, double h, colour c)
{
	int lh;
	pango_layout_get_size(p->lay, NULL, &lh);
	cairo_set_source_rgba(p->cr, c.r, c.g, c.b, c.a);
	cairo_move_to(p->cr, x, y + (h - (double)lh / PANGO_SCALE) / 2);
	pango_cairo_show_layout(p->cr, p->lay);
}

static void pen_text(pen *p, const char *text, double x, double y, double w, const style *s)
{
	pen_layout(p, text, w, s);
	pen_draw(p, x, y, s->ink);
}

/* ---- the page ------------------------------------------------------------- */

static void stroke_rect(cairo_t *cr, double inset, double width, colour c)
{
	cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a);
	cairo_set_line_width(cr, width);
	cairo_rectangle(cr, inset, inset, PAGE_W - 2 * inset, PAGE_H - 2 * inset);
	cairo_stroke(cr);
}

/* A tinted band between a heavy outer line and two fine inner ones, and a
 * bracket in each inner corner. */
static void draw_frame(cairo_t *cr)
{
	colour tint = TINT, red = RED;
	cairo_set_source_rgba(cr, tint.r, tint.g, tint.b, tint.a);
	cairo_rectangle(cr, 24, 24, PAGE_W - 48, PAGE_H - 48);
	cairo_rectangle(cr, 32, 32, PAGE_W - 64, PAGE_H - 64);
	cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
	cairo_fill(cr);
	cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
	stroke_rect(cr, 24, 2.6, red);
	stroke_rect(cr, 32, 1.0, red);
	stroke_rect(cr, 36, 0.4, red);
	for (int i = 0; i < 4; i++) {
		double x = i & 1 ? PAGE_W - 42 : 42, y = i & 2 ? PAGE_H - 42 : 42;
		double dx = i & 1 ? -18 : 18, dy = i & 2 ? -18 : 18;
		cairo_move_to(cr, x, y + dy);
		cairo_line_to(cr, x, y);
		cairo_line_to(cr, x + dx, y);
	}
	cairo_set_line_width(cr, 1.4);
	cairo_stroke(cr);
}

static void draw_title(pen *p)
{
	colour red = RED;
	pen_text(p, "职业技能等级证书", 40, 96, PAGE_W - 80, &TITLE);
	/* a rule under it, broken by a diamond */
	double cx = PAGE_W / 2, y = 116;
	cairo_set_line_width(p->cr, 0.8);
	cairo_move_to(p->cr, cx - 150, y);
	cairo_line_to(p->cr, cx - 12, y);
	cairo_move_to(p->cr, cx + 12, y);
	cairo_line_to(p->cr, cx + 150, y);
	cairo_stroke(p->cr);
	cairo_move_to(p->cr, cx, y - 5);
	cairo_line_to(p->cr, cx + 6, y);
	cairo_line_to(p->cr, cx, y + 5);
	cairo_line_to(p->cr, cx - 6, y);
	cairo_close_path(p->cr);
	cairo_set_source_rgba(p->cr, red.r, red.g, red.b, red.a);
	cairo_fill(p->cr);
}

static void draw_row(pen *p, int i, const char *label, const char *value, const style *s)
{
	colour rule = RULE;
	double y = ROWS_Y + i * ROW_H, end = i < BESIDE_PHOTO ? PHOTO_X - 16 : MARGIN_R;
	pen_layout(p, value ? value : "", end - VALUE_X, s);
	/* a value that had to wrap fills the space between the rules, and its
	 * label moves to the middle with it */
	int wrapped = pango_layout_get_line_count(p->lay) > 1;
	if (wrapped)
		pen_draw_centred(p, VALUE_X, y - 3.5, ROW_H, s->ink);
	else
		pen_draw(p, VALUE_X, y + 22, s->ink);
	pen_layout(p, label, LABEL_W, &LABEL);
	if (wrapped)
		pen_draw_centred(p, MARGIN_L, y - 3.5, ROW_H, LABEL.ink);
	else
		pen_draw(p, MARGIN_L, y + 22, LABEL.ink);
	cairo_set_source_rgba(p->cr, rule.r, rule.g, rule.b, rule.a);
	cairo_set_line_width(p->cr, 0.5);
	cairo_move_to(p->cr, VALUE_X - 4, y + 28.5);
	cairo_line_to(p->cr, end, y + 28.5);
	cairo_stroke(p->cr);
}

/* "三级 / 高级工", or whichever of the two is given. */
static void level_text(const cert_print *c, char *out, size_t cap)
{
	const char *nat = c->national_level ? c->national_level : "", *name = c->level_name ? c->level_name : "";
	snprintf(out, cap, "%s%s%s", nat, *nat && *name ? " / " : "", name);
}

/* "2025-03-18" -> "2025年3月18日"; anything else is printed as given. */
static void date_text(const char *iso, char *out, size_t cap)
{
	int y, m, d, n = 0;
	if (sscanf(iso, "%4d-%2d-%2d%n", &y, &m, &d, &n) == 3 && n == 10 && iso[n] == '\0' && m >= 1 &&
	    m <= 12 && d >= 1 && d <= 31)
		snprintf(out, cap, "%d年%d月%d日", y, m, d);
	else
		snprintf(out, cap, "%s", iso);
}

static void draw_fields(pen *p, const cert_print *c, const char *level, const char *date)
{
	draw_row(p, 0, "证书编号", c->number, &VALUE);
	draw_row(p, 1, "姓名", c->holder_name, &NAME);
	draw_row(p, 2, "性别", c->gender, &VALUE);
	draw_row(p, 3, "身份证号", c->id_number, &VALUE);
	draw_row(p, 4, "职业（工种）", c->occupation_name, &VALUE);
	draw_row(p, 5, "职业编码", c->occupation_code, &VALUE);
	draw_row(p, 6, "技能等级", level, &VALUE);
	draw_row(p, 7, "认定途径", c->route_name, &VALUE);
	draw_row(p, 8, "发证日期", date, &VALUE);
	draw_row(p, 9, "评价机构", c->body_name, &VALUE);
	draw_row(p, 10, "评价机构代码", c->body_code, &VALUE);
}

static void draw_photo(pen *p, cairo_surface_t *img)
{
	cairo_t *cr = p->cr;
	colour rule = RULE;
	if (img) {
		double iw = cairo_image_surface_get_width(img), ih = cairo_image_surface_get_height(img);
		/* fill the box, cropping the overflow evenly: a photo of another
		 * shape is not squeezed */
		double s = PHOTO_W / iw > PHOTO_H / ih ? PHOTO_W / iw : PHOTO_H / ih;
		cairo_save(cr);
		cairo_rectangle(cr, PHOTO_X, PHOTO_Y, PHOTO_W, PHOTO_H);
		cairo_clip(cr);
		cairo_translate(cr, PHOTO_X + (PHOTO_W - iw * s) / 2, PHOTO_Y + (PHOTO_H - ih * s) / 2);
		cairo_scale(cr, s, s);
		cairo_set_source_surface(cr, img, 0, 0);
		cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
		cairo_paint(cr);
		cairo_restore(cr);
	} else {
		pen_text(p, "照片", PHOTO_X, PHOTO_Y + PHOTO_H / 2 + 5, PHOTO_W, &PLACEHOLDER);
		double dash = 3;
		cairo_set_dash(cr, &dash, 1, 0);
	}
	cairo_set_source_rgba(cr, rule.r, rule.g, rule.b, rule.a);
	cairo_set_line_width(cr, 0.6);
	cairo_rectangle(cr, PHOTO_X, PHOTO_Y, PHOTO_W, PHOTO_H);
	cairo_stroke(cr);
	cairo_set_dash(cr, NULL, 0, 0);
}

static void draw_statement(pen *p, const char *level)
{
	char text[CERT_FIELD_MAX_BYTES * 2 + 256];
	snprintf(text, sizeof text, "经评价认定，持证人达到本职业（工种）%s技能要求，特发此证。", level);
	pango_layout_set_indent(p->lay, (int)(2 * TEXT.size * PANGO_SCALE)); /* two characters, as Chinese prose */
	pen_text(p, text, MARGIN_L, ROWS_Y + 11 * ROW_H + 30, MARGIN_R - MARGIN_L, &TEXT);
	pango_layout_set_indent(p->lay, 0);
}

/* Bottom left: where the evaluation body's seal goes. */
static void draw_issuer(pen *p, const cert_print *c, const char *date)
{
	pen_text(p, "评价机构（盖章）", MARGIN_L, QR_Y + 40, ISSUER_W, &SEAL);
	pen_text(p, c->body_name, MARGIN_L + 20, QR_Y + 76, ISSUER_W - 20, &VALUE);
	pen_text(p, date, MARGIN_L + 20, QR_Y + 120, ISSUER_W - 20, &VALUE);
	pen_text(p, "本证书信息可扫描右侧二维码查验真伪。", MARGIN_L, QR_Y + QR_SIZE - 4, ISSUER_W, &SMALL);
}

/* The verification site is the URL's scheme and host: what a person can
 * type when the phone will not scan.  Empty for text that is not a URL. */
static void site_of(const char *url, char *out, size_t cap)
{
	const char *host = strstr(url, "://");
	size_t n = host ? strcspn(host + 3, "/?#") + (size_t)(host + 3 - url) : 0;
	if (!host || (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0))
		n = 0;
	snprintf(out, cap, "%.*s", (int)(n < cap ? n : cap - 1), url);
}

static void draw_qr(pen *p, const cert_print *c, const certpdf_qr *qr)
{
	char site[256], line[300];
	certpdf_qr_draw(p->cr, qr, QR_X, QR_Y, QR_SIZE);
	pen_text(p, "扫码查验", QR_X, QR_Y + QR_SIZE + 14, QR_SIZE, &CAPTION);
	site_of(c->qr_text, site, sizeof site);
	if (!site[0])
		return;
	snprintf(line, sizeof line, "查验网址：%s", site);
	pen_text(p, line, QR_X - 20, QR_Y + QR_SIZE + 30, QR_SIZE + 40, &SITE);
}

/* The status across the fields, on top of everything: a revoked
 * certificate cannot be printed, cut or copied to look valid. */
static void draw_watermark(pen *p, const char *status)
{
	cairo_t *cr = p->cr;
	PangoRectangle ink;
	pen_layout(p, status, PAGE_W * 0.75, &MARK);
	pango_layout_get_extents(p->lay, &ink, NULL);
	cairo_save(cr);
	cairo_translate(cr, PAGE_W / 2, ROWS_Y + 5.5 * ROW_H);
	cairo_rotate(cr, -0.45); /* about 26°, rising to the right */
	cairo_move_to(cr, -(ink.x + ink.width / 2.0) / PANGO_SCALE, -(ink.y + ink.height / 2.0) / PANGO_SCALE);
	cairo_set_source_rgba(cr, MARK.ink.r, MARK.ink.g, MARK.ink.b, MARK.ink.a);
	pango_cairo_show_layout(cr, p->lay);
	cairo_restore(cr);
}

static int revoked(const cert_print *c)
{
	return c->status_name && c->status_name[0] && strcmp(c->status_name, "有效") != 0;
}

static void draw_page(cairo_t *cr, const cert_print *c, const char *family, const certpdf_qr *qr,
		      cairo_surface_t *photo)
{
	char level[CERT_FIELD_MAX_BYTES * 2 + 8], date[CERT_FIELD_MAX_BYTES + 1];
	pen p;
	level_text(c, level, sizeof level);
	date_text(c->issued_on, date, sizeof date);
	pen_open(&p, cr, family);
	draw_frame(cr);
	draw_title(&p);
	draw_fields(&p, c, level, date);
	draw_photo(&p, photo);
	draw_statement(&p, level);
	draw_issuer(&p, c, date);
	draw_qr(&p, c, qr);
	if (revoked(c))
		draw_watermark(&p, c->status_name);
	pen_close(&p);
}

/* ---- input ---------------------------------------------------------------- */

static int check_text(const char *label, const char *s, size_t max, int required, char *err, size_t errcap)
{
	if (!s || !*s) {
		if (required)
			io_set_err(err, errcap, "证书缺少%s，无法生成 PDF", label);
		return required ? CERT_PDF_EINPUT : CERT_PDF_OK;
	}
	size_t n = strlen(s);
	if (n > max) {
		io_set_err(err, errcap, "证书的%s过长（%zu 字节，最多 %zu 字节）", label, n, max);
		return CERT_PDF_EINPUT;
	}
	if (!utf8_valid(s, n)) {
		io_set_err(err, errcap, "证书的%s不是有效的 UTF-8 文本", label);
		return CERT_PDF_EINPUT;
	}
	return CERT_PDF_OK;
}

static int check_fields(const cert_print *c, char *err, size_t errcap)
{
	const struct {
		const char *label, *value;
		int required;
	} f[] = {
		{"证书编号", c->number, 1},      {"姓名", c->holder_name, 1},
		{"性别", c->gender, 0},          {"身份证号", c->id_number, 1},
		{"职业编码", c->occupation_code, 0}, {"职业（工种）", c->occupation_name, 1},
		{"技能等级", c->level_name, 0},  {"国家职业资格等级", c->national_level, 0},
		{"评价机构", c->body_name, 1},   {"评价机构代码", c->body_code, 0},
		{"发证日期", c->issued_on, 1},   {"认定途径", c->route_name, 0},
		{"证书状态", c->status_name, 0},
	};
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
		int rc = check_text(f[i].label, f[i].value, CERT_FIELD_MAX_BYTES, f[i].required, err, errcap);
		if (rc)
			return rc;
	}
	if ((!c->level_name || !*c->level_name) && (!c->national_level || !*c->national_level)) {
		io_set_err(err, errcap, "证书缺少技能等级，无法生成 PDF");
		return CERT_PDF_EINPUT;
	}
	return check_text("查验链接", c->qr_text, 4096, 1, err, errcap);
}

/* ---- the PDF -------------------------------------------------------------- */

static cairo_status_t pdf_write(void *closure, const unsigned char *data, unsigned int len)
{
	iobuf *b = closure;
	if (iobuf_reserve(b, len))
		return CAIRO_STATUS_NO_MEMORY;
	memcpy(b->p + b->len, data, len);
	b->len += len;
	return CAIRO_STATUS_SUCCESS;
}

static void set_metadata(cairo_surface_t *pdf, const cert_print *c)
{
	char title[CERT_FIELD_MAX_BYTES + 64];
	snprintf(title, sizeof title, "职业技能等级证书 %s", c->number);
	cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_CREATOR, "Jineng 技能人才服务管理平台");
}

static int write_pdf(const cert_print *c, const char *family, const certpdf_qr *qr, cairo_surface_t *photo,
		     unsigned char **out, size_t *outlen, char *err, size_t errcap)
{
	iobuf buf = {0};
	cairo_surface_t *pdf = cairo_pdf_surface_create_for_stream(pdf_write, &buf, PAGE_W, PAGE_H);
	set_metadata(pdf, c);
	cairo_t *cr = cairo_create(pdf);
	draw_page(cr, c, family, qr, photo);
	cairo_status_t st = cairo_status(cr);
	cairo_destroy(cr);
	cairo_surface_finish(pdf); /* writes the page, the fonts, the trailer */
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(pdf);
	cairo_surface_destroy(pdf);
	if (st != CAIRO_STATUS_SUCCESS) {
		free(buf.p);
		io_set_err(err, errcap, "生成证书 PDF 失败：%s", cairo_status_to_string(st));
		return st == CAIRO_STATUS_NO_MEMORY ? CERT_PDF_ENOMEM : CERT_PDF_ERENDER;
	}
	*out = (unsigned char *)buf.p;
	*outlen = buf.len;
	return CERT_PDF_OK;
}

int cert_pdf_render(const cert_print *c, unsigned char **out, size_t *outlen, char *err, size_t errcap)
{
	*out = NULL;
	*outlen = 0;
	int rc = check_fields(c, err, errcap);
	if (rc)
		return rc;
	const char *family = certpdf_font_family();
	if (!family) {
		io_set_err(err, errcap, "本机未安装中文字体，无法生成证书 PDF：请安装 fonts-noto-cjk 后重启服务");
		return CERT_PDF_ENOFONT;
	}
	certpdf_qr *qr = NULL;
	cairo_surface_t *photo = NULL;
	rc = certpdf_qr_encode(c->qr_text, &qr, err, errcap);
	if (rc == CERT_PDF_OK && c->photo && c->photo_len)
		rc = certpdf_photo_load(c->photo, c->photo_len, &photo, err, errcap);
	if (rc == CERT_PDF_OK)
		rc = write_pdf(c, family, qr, photo, out, outlen, err, errcap);
	cairo_surface_destroy(photo);
	certpdf_qr_free(qr);
	return rc;
}

void cert_pdf_thread_done(void) { pango_cairo_font_map_set_default(NULL); }
