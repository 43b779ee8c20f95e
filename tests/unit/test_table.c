/* test_table.c — unit tests for src/io: encoding detection, the CSV reader,
 * the XLSX reader (on files written by table_writer and on hand-built
 * archives), and the CSV/XLSX writers. */
#include "io/table.h"
#include "unit.h"

#include <stdlib.h>
#include <unistd.h>
#include <zip.h>

/* ---- collecting rows ---------------------------------------------------- */

#define MAXROWS 64

typedef struct rows {
	int n;
	long rowno[MAXROWS];
	int nf[MAXROWS];
	char *text[MAXROWS]; /* fields joined with '|' */
	int stop_after;      /* return 7 after this many rows, if > 0 */
} rows;

static int collect(void *ctx, long rowno, int nfields, const char *const *fields)
{
	rows *r = ctx;
	if (r->n >= MAXROWS)
		return 99;
	size_t len = 1;
	for (int i = 0; i < nfields; i++)
		len += strlen(fields[i]) + 1;
	char *t = malloc(len), *p = t;
	for (int i = 0; i < nfields; i++) {
		size_t n = strlen(fields[i]);
		if (i)
			*p++ = '|';
		memcpy(p, fields[i], n);
		p += n;
	}
	*p = '\0';
	r->rowno[r->n] = rowno;
	r->nf[r->n] = nfields;
	r->text[r->n] = t;
	r->n++;
	return r->stop_after && r->n >= r->stop_after ? 7 : 0;
}

static void rows_free(rows *r)
{
	for (int i = 0; i < r->n; i++)
		free(r->text[i]);
	memset(r, 0, sizeof *r);
}

static int csv(const char *s, rows *r, char *err, size_t errcap)
{
	memset(r, 0, sizeof *r);
	return csv_read(s, strlen(s), collect, r, err, errcap);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *p = malloc((size_t)n + 1);
	*len = fread(p, 1, (size_t)n, f);
	p[*len] = '\0';
	fclose(f);
	return p;
}

/* ---- encoding ----------------------------------------------------------- */

static void test_encoding(void)
{
	char err[256] = "";
	char *out;
	size_t len;
	text_encoding enc = 0;

	CHECK(text_to_utf8("\xEF\xBB\xBF" "a,b\r\n", 8, &out, &len, &enc, err, sizeof err) == TABLE_OK);
	CHECK(enc == ENC_UTF8_BOM);
	CHECK(len == 5);
	CHECK_STR(out, "a,b\r\n");
	free(out);

	const char *u8 = "姓名,年龄\n张三,30\n";
	CHECK(text_to_utf8(u8, strlen(u8), &out, &len, &enc, err, sizeof err) == TABLE_OK);
	CHECK(enc == ENC_UTF8);
	CHECK_STR(out, u8);
	free(out);

	/* "姓名,张三" in GB18030, plus a four-byte sequence (😀) and é. */
	const char gb[] = "\xd0\xd5\xc3\xfb,\xd5\xc5\xc8\xfd\r\n\x94\x39\xfc\x36\xa8\xa6";
	CHECK(text_to_utf8(gb, sizeof gb - 1, &out, &len, &enc, err, sizeof err) == TABLE_OK);
	CHECK(enc == ENC_GB18030);
	CHECK_STR(out, "姓名,张三\r\n😀é");
	CHECK(len == strlen("姓名,张三\r\n😀é"));
	free(out);

	/* Neither UTF-8 nor GB18030: 0x81 must be followed by a trail byte. */
	err[0] = '\0';
	CHECK(text_to_utf8("ok\n\x81\x20", 5, &out, &len, &enc, err, sizeof err) == TABLE_EFORMAT);
	CHECK(out == NULL);
	CHECK(strstr(err, "GB18030") != NULL);
	CHECK(strstr(err, "第2行") != NULL);

	/* Plenty of good UTF-8 and then a stray byte: damaged UTF-8, not
	 * GB18030 (which would decode it, as mojibake). */
	{
		char bad[128];
		int n = snprintf(bad, sizeof bad, "姓名,地址\n张三,北京市东城区某某街道\n李四,");
		bad[n++] = '\xE5'; /* cut off mid-character */
		bad[n] = '\0';
		CHECK(text_to_utf8(bad, (size_t)n, &out, &len, &enc, err, sizeof err) == TABLE_EFORMAT);
		CHECK(strstr(err, "第3行") != NULL);
		CHECK(strstr(err, "UTF-8") != NULL);
		/* A long GB18030 file is still GB18030. */
		char gbl[100 * 11 + 1] = "";
		size_t gl = 0;
		for (int i = 0; i < 100; i++) {
			memcpy(gbl + gl, "\xd5\xc5\xc8\xfd,\xc0\xee\xcb\xc4\r\n", 11);
			gl += 11;
		}
		CHECK(text_to_utf8(gbl, gl, &out, &len, &enc, err, sizeof err) == TABLE_OK);
		CHECK(enc == ENC_GB18030 && len == 100 * 15);
		CHECK(out && strncmp(out, "张三,李四\r\n张三", strlen("张三,李四\r\n张三")) == 0);
		free(out);
	}

	/* A BOM but broken UTF-8 after it. */
	CHECK(text_to_utf8("\xEF\xBB\xBF" "a\n\xC3", 6, &out, &len, &enc, err, sizeof err) == TABLE_EFORMAT);
	/* UTF-16 and binary files are refused. */
	CHECK(text_to_utf8("\xFF\xFE" "a\0", 4, &out, &len, &enc, err, sizeof err) == TABLE_EFORMAT);
	CHECK(strstr(err, "UTF-16") != NULL);
	CHECK(text_to_utf8("a\0b", 3, &out, &len, &enc, err, sizeof err) == TABLE_EFORMAT);
	/* An overlong form is not UTF-8, but 0xC0 0x80 is a GB18030 pair. */
	CHECK(text_to_utf8("\xC0\x80", 2, &out, &len, &enc, err, sizeof err) == TABLE_OK);
	CHECK(enc == ENC_GB18030);
	free(out);

	/* Empty input is empty UTF-8. */
	CHECK(text_to_utf8("", 0, &out, &len, &enc, err, sizeof err) == TABLE_OK);
	CHECK(len == 0 && out && out[0] == '\0');
	free(out);

	/* NULL err is fine. */
	CHECK(text_to_utf8("\x81\x20", 2, &out, &len, &enc, NULL, 0) == TABLE_EFORMAT);
}

/* ---- CSV reader --------------------------------------------------------- */

static void test_csv(void)
{
	char err[256];
	rows r;

	/* BOM file through the whole pipeline. */
	{
		const char *in = "\xEF\xBB\xBF姓名,身份证号\r\n张三,110101199003077777\r\n";
		char *u;
		size_t ul;
		text_encoding enc;
		CHECK(text_to_utf8(in, strlen(in), &u, &ul, &enc, err, sizeof err) == TABLE_OK);
		memset(&r, 0, sizeof r);
		CHECK(csv_read(u, ul, collect, &r, err, sizeof err) == TABLE_OK);
		CHECK(r.n == 2);
		CHECK_STR(r.text[0], "姓名|身份证号");
		CHECK_STR(r.text[1], "张三|110101199003077777");
		CHECK(r.rowno[0] == 1 && r.rowno[1] == 2);
		rows_free(&r);
		free(u);
	}
	/* GB18030 file through the whole pipeline. */
	{
		const char in[] = "\xd0\xd5\xc3\xfb,\xc4\xea\xc1\xe4\r\n\xd5\xc5\xc8\xfd,30\r\n";
		char *u;
		size_t ul;
		text_encoding enc;
		CHECK(text_to_utf8(in, sizeof in - 1, &u, &ul, &enc, err, sizeof err) == TABLE_OK);
		CHECK(enc == ENC_GB18030);
		memset(&r, 0, sizeof r);
		CHECK(csv_read(u, ul, collect, &r, err, sizeof err) == TABLE_OK);
		CHECK(r.n == 2);
		CHECK_STR(r.text[0], "姓名|年龄");
		CHECK_STR(r.text[1], "张三|30");
		rows_free(&r);
		free(u);
	}

	/* Quoted commas. */
	CHECK(csv("a,\"b,c\",d\n", &r, err, sizeof err) == TABLE_OK);
	CHECK(r.n == 1 && r.nf[0] == 3);
	CHECK_STR(r.text[0], "a|b,c|d");
	rows_free(&r);

	/* CRLF inside quotes stays in its row, as Excel shows it: the next
	 * record is row 3 although it starts on physical line 4. */
	CHECK(csv("h1,h2\r\n\"x\r\ny\",z\r\nnext,1\r\n", &r, err, sizeof err) == TABLE_OK);
	CHECK(r.n == 3);
	CHECK(r.rowno[0] == 1 && r.rowno[1] == 2 && r.rowno[2] == 3);
	CHECK_STR(r.text[1], "x\r\ny|z");
	CHECK_STR(r.text[2], "next|1");
	rows_free(&r);

	/* LF and lone CR inside quotes stay in their row too. */
	CHECK(csv("\"a\nb\rc\",\"\"\nd\n", &r, err, sizeof err) == TABLE_OK);
	CHECK(r.n == 2 && r.rowno[1] == 2);
	CHECK_STR(r.text[0], "a\nb\rc|");
	rows_free(&r);

	/* "" escapes, including a field that is only a quote. */
	CHECK(csv("\"say \"\"hi\"\"\",\"\"\"\",\"\"\n", &r, err, sizeof err) == TABLE_OK);
	CHECK(r.n == 1 && r.nf[0] == 3);
	CHECK_STR(r.text[0], "say \"hi\"|\"|");
	rows_free(&r);

	/* No trailing newline. */
	CHECK(csv("a,b\r\nc,d", &r, err, sizeof err) == TABLE_OK);
	CHECK(r.n == 2);
	CHECK_STR(r.text[1], "c|d");
	rows_free(&r);
	CHECK(csv("a,\"b\"", &r, err, sizeof err) == TABLE_OK);
	CHECK(r.n == 1);
	CHECK_STR(r.text[0], "a|b");
	rows_free(&r);

	/* Blank lines are skipped but counted. */
	CHECK(csv("a\n\n\r\n\rb\n\n", &r, err, sizeof err) == TABLE_OK);
	CHECK(r.n == 2);
	CHECK(r.rowno[0] == 1 && r.rowno[1] == 5);
	rows_free(&r);

	/* Lone CR line ends (old Mac Excel). */
	CHECK(csv("a,b\rc,d\r", &r, err, sizeof err) == TABLE_OK);
	CHECK(r.n == 2 && r.rowno[1] == 2);
	CHECK_STR(r.text[1], "c|d");
	rows_free(&r);

	/* Empty fields and trailing commas. */
	CHECK(csv(",\na,\n,,b\n", &r, err, sizeof err) == TABLE_OK);
	CHECK(r.n == 3);
	CHECK(r.nf[0] == 2 && r.nf[1] == 2 && r.nf[2] == 3);
	CHECK_STR(r.text[2], "||b");
	rows_free(&r);

	/* Excel's leniency: stray quotes kept, text after a closing quote kept. */
	CHECK(csv("ab\"c,\"x\"y,  \"q\"\n", &r, err, sizeof err) == TABLE_OK);
	CHECK_STR(r.text[0], "ab\"c|xy|  \"q\"");
	rows_free(&r);

	/* Unterminated quote: the error names the line the quote opened on. */
	err[0] = '\0';
	CHECK(csv("a,b\nc,d\ne,\"f\ng\n", &r, err, sizeof err) == TABLE_EFORMAT);
	CHECK(strstr(err, "第3行") != NULL);
	CHECK(strstr(err, "引号") != NULL);
	CHECK(r.n == 2);
	rows_free(&r);
	/* ... and gives the text line too when it differs from the row. */
	CHECK(csv("a\n\"b\nc\",d\ne,\"f\ng\n", &r, err, sizeof err) == TABLE_EFORMAT);
	CHECK(strstr(err, "第3行（文本文件的第4行）") != NULL);
	CHECK(r.n == 2);
	rows_free(&r);

	/* Too many fields. */
	{
		char line[2 * TABLE_MAX_FIELDS + 16];
		size_t n = 0;
		n += (size_t)snprintf(line, sizeof line, "ok\n");
		for (int i = 0; i < TABLE_MAX_FIELDS; i++)
			line[n++] = ',';
		line[n] = '\0';
		err[0] = '\0';
		CHECK(csv(line, &r, err, sizeof err) == TABLE_ETOOBIG);
		CHECK(strstr(err, "第2行") != NULL);
		rows_free(&r);
		/* Exactly the limit is fine. */
		line[n - 1] = '\0';
		CHECK(csv(line, &r, err, sizeof err) == TABLE_OK);
		CHECK(r.n == 2 && r.nf[1] == TABLE_MAX_FIELDS);
		rows_free(&r);
	}

	/* A field over TABLE_MAX_FIELD_BYTES, quoted or not. */
	{
		size_t big = TABLE_MAX_FIELD_BYTES + 1;
		char *s = malloc(big + 8);
		memset(s, 'x', big + 8);
		memcpy(s, "a\n", 2);
		s[2 + big] = '\0';
		CHECK(csv(s, &r, err, sizeof err) == TABLE_ETOOBIG);
		CHECK(strstr(err, "第2行") != NULL);
		rows_free(&r);
		s[1 + big] = '\0'; /* exactly the limit */
		CHECK(csv(s, &r, err, sizeof err) == TABLE_OK);
		CHECK(r.n == 2 && strlen(r.text[1]) == TABLE_MAX_FIELD_BYTES);
		rows_free(&r);
		s[2] = '"';
		s[1 + big] = 'x';
		s[2 + big] = 'x';
		s[3 + big] = '"';
		s[4 + big] = '\0';
		CHECK(csv(s, &r, err, sizeof err) == TABLE_ETOOBIG);
		rows_free(&r);
		free(s);
	}

	/* The callback's non-zero value stops reading and is returned. */
	memset(&r, 0, sizeof r);
	r.stop_after = 1;
	CHECK(csv_read("a\nb\nc\n", 6, collect, &r, err, sizeof err) == 7);
	CHECK(r.n == 1);
	rows_free(&r);

	/* Nothing at all. */
	CHECK(csv("", &r, err, sizeof err) == TABLE_OK);
	CHECK(r.n == 0);
	CHECK(csv("\r\n\n", &r, err, sizeof err) == TABLE_OK);
	CHECK(r.n == 0);
}

/* ---- CSV writer --------------------------------------------------------- */

static void test_csv_writer(void)
{
	FILE *f = tmpfile();
	CHECK(f != NULL);
	if (!f)
		return;
	table_writer *w = table_writer_open(TABLE_CSV, NULL, f, NULL);
	CHECK(w != NULL);
	const char *h[] = {"姓名", "备注", "身份证号"};
	const char *a[] = {"张三", "a,b", "110101199003077777"};
	const char *b[] = {"say \"hi\"", "two\r\nlines", " pad "};
	const char *c[] = {"", NULL, "x"};
	CHECK(table_writer_row(w, 3, h) == 0);
	CHECK(table_writer_row(w, 3, a) == 0);
	CHECK(table_writer_row(w, 3, b) == 0);
	CHECK(table_writer_row(w, 3, c) == 0);
	CHECK(table_writer_close(w) == 0);

	long n = ftell(f);
	rewind(f);
	char buf[512];
	size_t got = fread(buf, 1, sizeof buf - 1, f);
	buf[got] = '\0';
	fclose(f);
	CHECK((long)got == n);
	const char *want = "\xEF\xBB\xBF姓名,备注,身份证号\r\n张三,\"a,b\",110101199003077777\r\n"
			   "\"say \"\"hi\"\"\",\"two\r\nlines\",\" pad \"\r\n,,x\r\n";
	CHECK_STR(buf, want);

	/* And it reads back to the same cells. */
	char *u, err[256];
	size_t ul;
	text_encoding enc;
	rows r;
	memset(&r, 0, sizeof r);
	CHECK(text_to_utf8(buf, got, &u, &ul, &enc, err, sizeof err) == TABLE_OK);
	CHECK(enc == ENC_UTF8_BOM);
	CHECK(csv_read(u, ul, collect, &r, err, sizeof err) == TABLE_OK);
	CHECK(r.n == 4);
	CHECK_STR(r.text[1], "张三|a,b|110101199003077777");
	CHECK_STR(r.text[2], "say \"hi\"|two\r\nlines| pad ");
	CHECK_STR(r.text[3], "||x");
	CHECK(r.rowno[3] == 4);
	rows_free(&r);
	free(u);

	/* Writing to a path. */
	char path[64];
	snprintf(path, sizeof path, "/tmp/test_table_%ld.csv", (long)getpid());
	w = table_writer_open(TABLE_CSV, path, NULL, NULL);
	CHECK(w != NULL);
	CHECK(table_writer_row(w, 3, a) == 0);
	CHECK(table_writer_close(w) == 0);
	size_t fl;
	char *fc = slurp(path, &fl);
	CHECK_STR(fc, "\xEF\xBB\xBF张三,\"a,b\",110101199003077777\r\n");
	free(fc);
	unlink(path);
	CHECK(table_writer_open(TABLE_CSV, "/nonexistent-dir/x.csv", NULL, NULL) == NULL);
}

/* ---- XLSX --------------------------------------------------------------- */

static char *zip_entry(const char *data, size_t len, const char *name)
{
	zip_source_t *src = zip_source_buffer_create(data, len, 0, NULL);
	zip_t *z = src ? zip_open_from_source(src, ZIP_RDONLY, NULL) : NULL;
	if (!z) {
		zip_source_free(src);
		return NULL;
	}
	zip_stat_t st;
	char *out = NULL;
	if (zip_stat(z, name, 0, &st) == 0) {
		zip_file_t *f = zip_fopen(z, name, 0);
		out = calloc(1, st.size + 1);
		if (f && out)
			zip_fread(f, out, st.size);
		if (f)
			zip_fclose(f);
	}
	zip_discard(z);
	return out;
}

static void test_xlsx_roundtrip(void)
{
	char path[64], err[256];
	snprintf(path, sizeof path, "/tmp/test_table_%ld.xlsx", (long)getpid());
	table_writer *w = table_writer_open(TABLE_XLSX, path, NULL, "人员:名单[2024]");
	CHECK(w != NULL);
	if (!w)
		return;
	const char *h[] = {"姓名", "身份证号", "备注", "电话"};
	const char *a[] = {"张三", "110101199003077777", "", "13812345678"};
	const char *b[] = {"李四 ", "11010119900307001X", "<a & \"b\">", "0755-1234"};
	const char *c[] = {"_x0041_ literal", "tab\there", "line\nbreak", "ctl\001char"};
	const char *d[] = {"", "", "", ""};
	const char *e[] = {"only first"};
	CHECK(table_writer_row(w, 4, h) == 0);
	CHECK(table_writer_row(w, 4, a) == 0);
	CHECK(table_writer_row(w, 4, b) == 0);
	CHECK(table_writer_row(w, 4, c) == 0);
	CHECK(table_writer_row(w, 4, d) == 0);
	CHECK(table_writer_row(w, 1, e) == 0);
	CHECK(table_writer_close(w) == 0);

	size_t len = 0;
	char *data = slurp(path, &len);
	unlink(path);
	CHECK(data != NULL);
	if (!data)
		return;
	CHECK(table_is_xlsx(data, len));

	rows r;
	memset(&r, 0, sizeof r);
	CHECK(xlsx_read(data, len, collect, &r, err, sizeof err) == TABLE_OK);
	CHECK(r.n == 5); /* the all-empty row is not reported */
	if (r.n == 5) {
		CHECK_STR(r.text[0], "姓名|身份证号|备注|电话");
		CHECK_STR(r.text[1], "张三|110101199003077777||13812345678");
		CHECK(r.nf[1] == 4);
		CHECK_STR(r.text[2], "李四 |11010119900307001X|<a & \"b\">|0755-1234");
		CHECK_STR(r.text[3], "_x0041_ literal|tab\there|line\nbreak|ctl\x01" "char");
		CHECK_STR(r.text[4], "only first");
		CHECK(r.rowno[0] == 1 && r.rowno[3] == 4 && r.rowno[4] == 6);
	}
	rows_free(&r);

	/* Writer's dressing: bold header (a style), frozen first row, widths,
	 * and the cleaned sheet name. */
	char *sheet = zip_entry(data, len, "xl/worksheets/sheet1.xml");
	CHECK(sheet && strstr(sheet, "state=\"frozen\"") != NULL);
	CHECK(sheet && strstr(sheet, "<cols>") != NULL);
	CHECK(sheet && strstr(sheet, "<c r=\"A1\" s=\"1\"") != NULL);
	free(sheet);
	char *wb = zip_entry(data, len, "xl/workbook.xml");
	CHECK(wb && strstr(wb, "name=\"人员_名单_2024_\"") != NULL);
	free(wb);

	/* The callback can stop the read. */
	memset(&r, 0, sizeof r);
	r.stop_after = 2;
	CHECK(xlsx_read(data, len, collect, &r, err, sizeof err) == 7);
	CHECK(r.n == 2);
	rows_free(&r);

	/* A truncated archive is a format error, not a crash. */
	err[0] = '\0';
	CHECK(xlsx_read(data, len / 2, collect, &r, err, sizeof err) == TABLE_EFORMAT);
	CHECK(err[0] != '\0');
	rows_free(&r);
	free(data);

	/* Unwritable path. */
	CHECK(table_writer_open(TABLE_XLSX, NULL, NULL, NULL) == NULL);
}

/* Builds an XLSX from parts, in memory.  names/texts end with NULL. */
static char *make_zip(const char *const *names, const char *const *texts, size_t *len)
{
	char path[64];
	snprintf(path, sizeof path, "/tmp/test_table_%ld.zip", (long)getpid());
	unlink(path);
	zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, NULL);
	if (!z)
		return NULL;
	for (int i = 0; names[i]; i++) {
		zip_source_t *s = zip_source_buffer(z, texts[i], strlen(texts[i]), 0);
		zip_file_add(z, names[i], s, ZIP_FL_OVERWRITE);
	}
	if (zip_close(z) != 0)
		return NULL;
	char *data = slurp(path, len);
	unlink(path);
	return data;
}

#define NS "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" " \
	   "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""
#define RELS "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

static void test_xlsx_handmade(void)
{
	char err[256];
	rows r;
	size_t len;

	/* The first sheet in workbook order is "data.xml" (rId5), not sheet1;
	 * shared strings live under a non-standard name and carry rich-text and
	 * phonetic runs; the sheet uses an "x:" prefix for its namespace. */
	const char *names[] = {
		"[Content_Types].xml",     "_rels/.rels",          "xl/workbook.xml",
		"xl/_rels/workbook.xml.rels", "xl/strings.xml",    "xl/worksheets/sheet1.xml",
		"xl/worksheets/data.xml",  NULL,
	};
	const char *texts[] = {
		"<?xml version=\"1.0\"?><Types/>",
		"<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
		"<Relationship Id=\"rId1\" Type=\"" RELS "/officeDocument\" Target=\"xl/workbook.xml\"/>"
		"</Relationships>",
		"<?xml version=\"1.0\"?><workbook " NS "><sheets>"
		"<sheet name=\"数据\" sheetId=\"2\" r:id=\"rId5\"/><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/>"
		"</sheets></workbook>",
		"<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
		"<Relationship Id=\"rId1\" Type=\"" RELS "/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
		"<Relationship Id=\"rId5\" Type=\"" RELS "/worksheet\" Target=\"/xl/worksheets/./data.xml\"/>"
		"<Relationship Id=\"rId9\" Type=\"" RELS "/sharedStrings\" Target=\"strings.xml\"/>"
		"</Relationships>",
		"<?xml version=\"1.0\"?><sst " NS " count=\"4\" uniqueCount=\"4\">"
		"<si><t>姓名</t></si>"
		"<si><r><rPr><b/></rPr><t>张</t></r><r><t xml:space=\"preserve\">三 </t></r>"
		"<rPh sb=\"0\" eb=\"1\"><t>ZHANG</t></rPh></si>"
		"<si><t>a_x000D__x000A_b &amp; &lt;c&gt;</t></si>"
		"<si><t/></si>"
		"</sst>",
		"<?xml version=\"1.0\"?><worksheet " NS "><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>WRONG SHEET</t></is></c></row></sheetData></worksheet>",
		"<?xml version=\"1.0\"?><x:worksheet xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
		"<x:sheetData>"
		"<x:row r=\"1\"><x:c r=\"A1\" t=\"s\"><x:v>0</x:v></x:c><x:c r=\"C1\" t=\"inlineStr\"><x:is><x:t>身份证号</x:t></x:is></x:c></x:row>"
		"<x:row r=\"3\" spans=\"1:5\">"
		"<x:c r=\"A3\" t=\"s\"><x:v>1</x:v></x:c>"
		"<x:c r=\"B3\"><x:v>13812345678</x:v></x:c>"
		"<x:c r=\"C3\"><x:v>5.3040219900101E+17</x:v></x:c>"
		"<x:c r=\"D3\" t=\"b\"><x:v>1</x:v></x:c>"
		"<x:c r=\"E3\" s=\"4\"><x:f>1+1</x:f><x:v>2</x:v></x:c>"
		"<x:c r=\"F3\" s=\"4\"/>"
		"</x:row>"
		"<x:row r=\"4\"><x:c r=\"B4\" s=\"1\"/><x:c r=\"C4\" t=\"s\"><x:v>3</x:v></x:c></x:row>"
		"<x:row><x:c t=\"s\"><x:v>2</x:v></x:c><x:c t=\"str\"><x:f>A1</x:f><x:v>文本</x:v></x:c>"
		"<x:c t=\"e\"><x:v>#N/A</x:v></x:c><x:c t=\"b\"><x:v>0</x:v></x:c></x:row>"
		"<x:row r=\"7\"><x:c r=\"B7\" t=\"inlineStr\"><x:is><x:r><x:t>富</x:t></x:r><x:r><x:t>文本</x:t></x:r></x:is></x:c>"
		"<x:c r=\"A7\"><x:v>-1.5</x:v></x:c></x:row>"
		"</x:sheetData></x:worksheet>",
		NULL,
	};
	char *data = make_zip(names, texts, &len);
	CHECK(data != NULL);
	if (data) {
		memset(&r, 0, sizeof r);
		int rc = xlsx_read(data, len, collect, &r, err, sizeof err);
		CHECK(rc == TABLE_OK);
		if (rc)
			fprintf(stderr, "xlsx_read: %s\n", err);
		CHECK(r.n == 4);
		if (r.n == 4) {
			CHECK_STR(r.text[0], "姓名||身份证号");
			CHECK(r.rowno[0] == 1);
			CHECK_STR(r.text[1], "张三 |13812345678|5.3040219900101E+17|TRUE|2");
			CHECK(r.rowno[1] == 3 && r.nf[1] == 5);
			CHECK_STR(r.text[2], "a\r\nb & <c>|文本|#N/A|FALSE");
			CHECK(r.rowno[2] == 5);
			CHECK_STR(r.text[3], "-1.5|富文本");
			CHECK(r.rowno[3] == 7);
		}
		rows_free(&r);
		free(data);
	}

	/* No workbook parts at all: falls back to xl/worksheets/sheet1.xml,
	 * and works without shared strings. */
	{
		const char *n2[] = {"xl/worksheets/sheet1.xml", NULL};
		const char *t2[] = {"<worksheet " NS "><sheetData><row r=\"2\"><c r=\"B2\"><v>42</v></c></row></sheetData></worksheet>", NULL};
		data = make_zip(n2, t2, &len);
		memset(&r, 0, sizeof r);
		CHECK(xlsx_read(data, len, collect, &r, err, sizeof err) == TABLE_OK);
		CHECK(r.n == 1 && r.rowno[0] == 2);
		if (r.n == 1)
			CHECK_STR(r.text[0], "|42");
		rows_free(&r);
		free(data);
	}

	/* A shared-string index with no shared strings is a format error. */
	{
		const char *n2[] = {"xl/worksheets/sheet1.xml", NULL};
		const char *t2[] = {"<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row></sheetData></worksheet>", NULL};
		data = make_zip(n2, t2, &len);
		err[0] = '\0';
		CHECK(xlsx_read(data, len, collect, &r, err, sizeof err) == TABLE_EFORMAT);
		CHECK(strstr(err, "共享字符串") != NULL);
		rows_free(&r);
		free(data);
	}

	/* Too many columns: a value past column 256 (IW) is refused; empty
	 * styled cells out there are not. */
	{
		const char *n2[] = {"xl/worksheets/sheet1.xml", NULL};
		const char *t2[] = {"<worksheet><sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></c><c r=\"XFD1\" s=\"1\"/></row>"
				    "<row r=\"2\"><c r=\"IW2\"><v>1</v></c></row></sheetData></worksheet>", NULL};
		data = make_zip(n2, t2, &len);
		err[0] = '\0';
		memset(&r, 0, sizeof r);
		CHECK(xlsx_read(data, len, collect, &r, err, sizeof err) == TABLE_ETOOBIG);
		CHECK(r.n == 1);
		CHECK(strstr(err, "第2行") != NULL);
		rows_free(&r);
		free(data);
	}

	/* DTDs (entity expansion tricks) are refused; broken XML is an error. */
	{
		const char *n2[] = {"xl/worksheets/sheet1.xml", NULL};
		const char *t2[] = {"<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\">]><worksheet><sheetData>"
				    "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&a;</t></is></c></row></sheetData></worksheet>", NULL};
		data = make_zip(n2, t2, &len);
		memset(&r, 0, sizeof r);
		CHECK(xlsx_read(data, len, collect, &r, err, sizeof err) == TABLE_EFORMAT);
		CHECK(r.n == 0);
		CHECK(strstr(err, "DTD") != NULL);
		free(data);
		t2[0] = "<worksheet><sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></c></row><row>";
		data = make_zip(n2, t2, &len);
		memset(&r, 0, sizeof r);
		CHECK(xlsx_read(data, len, collect, &r, err, sizeof err) == TABLE_EFORMAT);
		CHECK(strstr(err, "XML") != NULL);
		rows_free(&r);
		free(data);
	}

	/* A zip bomb: the sheet claims to inflate to 768 MiB. */
	{
		const char *n2[] = {"xl/worksheets/sheet1.xml", NULL};
		const char *t2[] = {"<worksheet><sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></c></row></sheetData></worksheet>", NULL};
		data = make_zip(n2, t2, &len);
		int patched = 0;
		for (size_t i = 0; data && i + 28 <= len; i++) {
			size_t at = 0;
			if (memcmp(data + i, "PK\x03\x04", 4) == 0)
				at = i + 22;
			else if (memcmp(data + i, "PK\x01\x02", 4) == 0)
				at = i + 24;
			if (at) {
				memcpy(data + at, "\x00\x00\x00\x30", 4);
				patched++;
			}
		}
		CHECK(patched == 2);
		memset(&r, 0, sizeof r);
		err[0] = '\0';
		CHECK(xlsx_read(data, len, collect, &r, err, sizeof err) == TABLE_EFORMAT);
		CHECK(r.n == 0);
		CHECK(strstr(err, "512 MiB") != NULL);
		free(data);
	}

	/* A ZIP that is no workbook. */
	{
		const char *n2[] = {"readme.txt", NULL};
		const char *t2[] = {"hello", NULL};
		data = make_zip(n2, t2, &len);
		CHECK(table_is_xlsx(data, len));
		CHECK(xlsx_read(data, len, collect, &r, err, sizeof err) == TABLE_EFORMAT);
		CHECK(strstr(err, "工作表") != NULL);
		free(data);
	}
}

static void test_is_xlsx(void)
{
	char err[256];
	rows r;
	memset(&r, 0, sizeof r);
	CHECK(table_is_xlsx("PK\x03\x04rest", 8));
	CHECK(!table_is_xlsx("PK\x03", 3));
	CHECK(!table_is_xlsx("a,b\r\n", 5));
	CHECK(!table_is_xlsx(NULL, 0));
	CHECK(xlsx_read("a,b\r\n", 5, collect, &r, err, sizeof err) == TABLE_EFORMAT);
	CHECK(xlsx_read("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1....", 12, collect, &r, err, sizeof err) == TABLE_EFORMAT);
	CHECK(strstr(err, ".xls") != NULL);
	CHECK(xlsx_read("PK\x03\x04garbage", 11, collect, &r, err, sizeof err) == TABLE_EFORMAT);
	CHECK(r.n == 0);
}

int main(void)
{
	test_encoding();
	test_csv();
	test_csv_writer();
	test_xlsx_roundtrip();
	test_xlsx_handmade();
	test_is_xlsx();
	UNIT_END();
}
