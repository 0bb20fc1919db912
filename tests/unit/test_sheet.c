/*
 * test_sheet.c -- reading spreadsheets and JSON documents from outside with
 * bounded cost: real LibreOffice workbooks come back cell by cell, and each
 * hostile file (tests/fixtures/xlsx, made by tests/fixtures/make-xlsx.py) is
 * refused with the limit it broke named, instead of hanging or eating memory.
 *
 * The process runs under a 2 GiB address-space cap and a watchdog, so that a
 * reader without bounds fails this test instead of taking the machine down
 * (both are left out under AddressSanitizer, which reserves far more).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <cmocka.h>
#include <jansson.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/limits.h"
#include "io/orgjson.h"
#include "io/sheet.h"
#include "service/service.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

static char *slurp(const char *name, size_t *len)
{
	char path[256];
	FILE *f;
	char *data;
	long n;

	snprintf(path, sizeof(path), "tests/fixtures/xlsx/%s", name);
	f = fopen(path, "rb");
	if (f == NULL) {
		snprintf(path, sizeof(path), "tests/fuzz/seeds/xlsx/%s", name);
		f = fopen(path, "rb");
	}
	if (f == NULL) {
		snprintf(path, sizeof(path), "tests/fixtures/lo/%s", name);
		f = fopen(path, "rb");
	}
	if (f == NULL)
		fail_msg("cannot open fixture %s", name);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	data = malloc((size_t)n + 1);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return data;
}

static const char *cell(json_t *rows, size_t r, size_t c)
{
	const char *s = json_string_value(json_array_get(json_array_get(rows, r), c));

	return s ? s : "(none)";
}

/* The workbook is refused with code and a message that holds want. */
static void refused(const char *name, enum sheet_format f, enum status code, const char *want)
{
	size_t len;
	char *data = slurp(name, &len);
	json_t *rows = json_array();
	struct err err = ERR_INIT;

	if (sheet_read(data, len, f, rows, &err) == 0)
		fail_msg("%s was read (%zu rows), not refused", name, json_array_size(rows));
	if (err.code != code || strstr(err.msg, want) == NULL)
		fail_msg("%s: code %d, \"%s\"; expected code %d and \"%s\"", name, err.code, err.msg, code, want);
	json_decref(rows);
	free(data);
}

static void libreoffice_workbooks_read_cell_by_cell(void **state)
{
	size_t len;
	char *data = slurp("libreoffice-gaps-formulas.xlsx", &len);
	json_t *rows = json_array();
	struct err err = ERR_INIT;

	(void)state;
	assert_int_equal(sheet_read(data, len, SHEET_XLSX, rows, &err), 0);
	assert_string_equal(cell(rows, 0, 0), "key");
	assert_string_equal(cell(rows, 0, 4), "supporting_units");
	assert_string_equal(cell(rows, 1, 1), "学习贯彻精神");
	assert_string_equal(cell(rows, 1, 2), "46387");        /* a date, as Excel stores it */
	assert_string_equal(cell(rows, 1, 3), "40.5");
	/* Row 3 is empty in the workbook: it stays a (blank) row, so that the
	 * rows after it keep their numbers in problem reports. */
	assert_int_equal(json_array_size(rows), 4);
	assert_string_equal(cell(rows, 2, 0), "");
	assert_string_equal(cell(rows, 3, 0), "t-2");
	assert_string_equal(cell(rows, 3, 2), "");             /* C4 is missing: an empty cell */
	assert_string_equal(cell(rows, 3, 3), "#VALUE!");      /* a formula's cached value, never its text */
	json_decref(rows);
	free(data);

	data = slurp("libreoffice-ledger.xlsx", &len);
	rows = json_array();
	assert_int_equal(sheet_read(data, len, SHEET_XLSX, rows, &err), 0);
	assert_int_equal(json_array_size(rows), 16);
	assert_string_equal(cell(rows, 0, 0), "编号");
	assert_string_equal(cell(rows, 1, 2), "编制基础研究优势领域和主攻方向清单");
	json_decref(rows);
	free(data);
}

static void the_last_column_is_xfd(void **state)
{
	size_t len;
	char *data = slurp("col-xfd.xlsx", &len);
	json_t *rows = json_array();
	struct err err = ERR_INIT;

	(void)state;
	assert_int_equal(sheet_read(data, len, SHEET_XLSX, rows, &err), 0);
	assert_int_equal(json_array_size(json_array_get(rows, 0)), LIM_SHEET_COLS);
	assert_string_equal(cell(rows, 0, 0), "first");
	assert_string_equal(cell(rows, 0, LIM_SHEET_COLS - 1), "last");
	json_decref(rows);
	free(data);
	refused("col-xfe.xlsx", SHEET_XLSX, ST_TOOBIG, "past column XFD");

	/* 256 attributes are allowed; quotes, = and > in a comment or CDATA are no attributes */
	data = slurp("attrs-ok.xlsx", &len);
	rows = json_array();
	assert_int_equal(sheet_read(data, len, SHEET_XLSX, rows, &err), 0);
	assert_string_equal(cell(rows, 0, 0), "x=\"1\" > y='2");
	assert_string_equal(cell(rows, 1, 0), "1");
	json_decref(rows);
	free(data);
}

/* A date typed in Excel is a number of days with a date format: it comes out
 * as YYYY-MM-DD, which is what the ledger's date columns expect. */
static void excel_dates_come_out_as_dates(void **state)
{
	static const char *const want[] = { "2026-12-31", "2025-12-31", "2025-01-01", "12.5", "2026-12-31T12:00:00",
		"2026-12-31", "0.5", "46387", "60", "1900-01-01", "46387", "46387", "46387" };
	size_t len;
	char *data = slurp("dates.xlsx", &len);
	json_t *rows = json_array();
	struct err err = ERR_INIT;

	(void)state;
	assert_int_equal(sheet_read(data, len, SHEET_XLSX, rows, &err), 0);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (strcmp(cell(rows, 0, i), want[i]) != 0)
			fail_msg("cell %zu: \"%s\", expected \"%s\"", i, cell(rows, 0, i), want[i]);
	json_decref(rows);
	free(data);

	data = slurp("dates1904.xlsx", &len);         /* the Mac's 1904 date system */
	rows = json_array();
	assert_int_equal(sheet_read(data, len, SHEET_XLSX, rows, &err), 0);
	assert_string_equal(cell(rows, 0, 0), "1904-01-01");
	assert_string_equal(cell(rows, 0, 1), "2026-12-31");
	json_decref(rows);
	free(data);
}

/* Every kind of cell a spreadsheet writes comes out as the text it shows. */
static void cells_come_out_as_shown(void **state)
{
	static const char *const want[] = { "内联", "项目中期 调度", "TRUE", "FALSE", "45%", "12.5%", "40%", "45", "x",
		"#N/A" };
	size_t len;
	char *data = slurp("kinds.xlsx", &len);
	json_t *rows = json_array();
	struct err err = ERR_INIT;

	(void)state;
	assert_int_equal(sheet_read(data, len, SHEET_XLSX, rows, &err), 0);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (strcmp(cell(rows, 0, i), want[i]) != 0)
			fail_msg("cell %zu: \"%s\", expected \"%s\"", i, cell(rows, 0, i), want[i]);
	json_decref(rows);
	free(data);

	/* the first sheet is the first workbook.xml lists, not sheet1.xml */
	data = slurp("sheet-order.xlsx", &len);
	rows = json_array();
	assert_int_equal(sheet_read(data, len, SHEET_XLSX, rows, &err), 0);
	assert_string_equal(cell(rows, 0, 0), "key");
	json_decref(rows);
	free(data);
}

/* Workbooks LibreOffice Calc wrote (tests/fixtures/make-lo.py): typed dates
 * in either date system and a typed percent read as they show; numbers
 * stored as text stay the text. */
static void libreoffice_typed_cells_read_as_shown(void **state)
{
	static const char *const books[] = { "ledger-1900.xlsx", "ledger-1904.xlsx", "ledger-excel2007.xlsx" };
	size_t len;
	char *data;
	json_t *rows;
	struct err err = ERR_INIT;

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		data = slurp(books[i], &len);
		rows = json_array();
		if (sheet_read(data, len, SHEET_XLSX, rows, &err) != 0)
			fail_msg("%s: %s", books[i], err.msg);
		assert_string_equal(cell(rows, 0, 2), "开始日期");
		assert_string_equal(cell(rows, 1, 2), "2026-06-01");
		assert_string_equal(cell(rows, 1, 3), "2027-06-30");
		assert_string_equal(cell(rows, 1, 5), "40%");
		assert_string_equal(cell(rows, 1, 6), "2026-11-10");
		json_decref(rows);
		free(data);
	}
	data = slurp("ledger-text.xlsx", &len);
	rows = json_array();
	assert_int_equal(sheet_read(data, len, SHEET_XLSX, rows, &err), 0);
	assert_string_equal(cell(rows, 1, 2), "46174");
	assert_string_equal(cell(rows, 1, 3), "2027年6月30日");
	assert_string_equal(cell(rows, 1, 5), "40%");
	json_decref(rows);
	free(data);
}

static const char *const ledger_headers[] = { "key", "编号", "title", "任务", NULL };

/* Reads CSV bytes with opts; the rows, or NULL with *err. */
static json_t *csv_opts(const char *data, size_t len, struct sheet_opts *o, struct err *err)
{
	json_t *rows = json_array();

	if (sheet_read_opts(data, len, SHEET_CSV, o, rows, err) != 0) {
		json_decref(rows);
		return NULL;
	}
	return rows;
}

/* A CSV in the encoding Calc or Excel wrote it: found, or declared. */
static void csv_encodings_are_found_or_declared(void **state)
{
	static const struct {
		const char *file, *used;
		char sep;
	} files[] = { { "ledger-gb18030.csv", "GB18030", ',' }, { "ledger-utf16.csv", "UTF-16LE", '\t' },
		      { "ledger-utf8bom.csv", "UTF-8", ';' } };
	struct sheet_opts o;
	struct err err = ERR_INIT;
	json_t *rows;
	size_t len;
	char *data;

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		memset(&o, 0, sizeof(o));
		o.headers = ledger_headers;
		data = slurp(files[i].file, &len);
		rows = csv_opts(data, len, &o, &err);
		if (rows == NULL)
			fail_msg("%s: %s", files[i].file, err.msg);
		assert_string_equal(o.used, files[i].used);
		assert_int_equal(o.sep, files[i].sep);
		assert_int_equal(json_array_size(json_array_get(rows, 0)), 8);
		assert_string_equal(cell(rows, 1, 0), "t-1-2");
		assert_string_equal(cell(rows, 1, 1), "组织实施基础研究与关键技术攻关项目");
		json_decref(rows);
		if (strcmp(files[i].used, "GB18030") == 0) {
			/* without known headers GB18030 cannot be told from bad UTF-8: one
			 * message, naming the encoding, not a message per cell */
			memset(&o, 0, sizeof(o));
			assert_null(csv_opts(data, len, &o, &err));
			assert_int_equal(err.code, ST_INVALID);
			assert_non_null(strstr(err.msg, "row 1, column 1: not valid UTF-8"));
			assert_non_null(strstr(err.msg, "GB18030"));
			/* declared, it reads */
			o.encoding = "GBK";
			rows = csv_opts(data, len, &o, &err);
			assert_non_null(rows);
			assert_string_equal(cell(rows, 0, 0), "编号");
			json_decref(rows);
		}
		free(data);
	}
	/* UTF-8 Chinese with one stray byte reads as GB18030 mojibake (every pair of
	 * its bytes is GB18030): it is refused as damaged UTF-8 instead */
	memset(&o, 0, sizeof(o));
	o.headers = ledger_headers;
	{
		const char *damaged = "key,title\nt-1,\xE7\xBC\x96\xE5\x88\xB6\xE6\xB8\x85\xE5\x8D\x95\xC3" "A\n";

		assert_null(csv_opts(damaged, strlen(damaged), &o, &err));
		assert_non_null(strstr(err.msg, "row 2, column 2: not valid UTF-8 (the byte 0xC3)"));
	}
	/* UTF-16 big-endian with its mark; Excel's "sep=" line */
	memset(&o, 0, sizeof(o));
	rows = csv_opts("\xFE\xFF\0k\0e\0y\0\n\0t\0-\0\x31", 18, &o, &err);
	assert_non_null(rows);
	assert_string_equal(o.used, "UTF-16BE");
	assert_string_equal(cell(rows, 1, 0), "t-1");
	json_decref(rows);
	rows = csv_opts("sep=;\r\nkey;title\r\nt-1;a,b\r\n", 27, &o, &err);
	assert_non_null(rows);
	assert_string_equal(cell(rows, 0, 1), "title");
	assert_string_equal(cell(rows, 1, 1), "a,b");
	json_decref(rows);
	/* an unknown encoding, a file that is not what was declared */
	o.encoding = "latin-9";
	assert_null(csv_opts("key\n", 4, &o, &err));
	assert_string_equal(err.field, "encoding");
	o.encoding = "utf-8";
	assert_null(csv_opts("key\n\xB1\xE0\n", 6, &o, &err));
	assert_non_null(strstr(err.msg, "not UTF-8: line 2"));
}

static void hostile_workbooks_are_refused_with_the_limit_named(void **state)
{
	(void)state;
	refused("col7.xlsx", SHEET_XLSX, ST_TOOBIG, "cell AAAAAAA2 is past column XFD");
	refused("col-overflow.xlsx", SHEET_XLSX, ST_TOOBIG, "past column XFD");
	refused("row-far.xlsx", SHEET_XLSX, ST_TOOBIG, "rows");
	refused("bomb.xlsx", SHEET_XLSX, ST_TOOBIG, "inflates past the limit");
	/* its zip headers say 1,000 bytes: only counting while inflating catches it */
	refused("bomb-lying.xlsx", SHEET_XLSX, ST_TOOBIG, "inflates past the limit");
	refused("rows.xlsx", SHEET_XLSX, ST_TOOBIG, "the limit of 200000 rows");
	refused("cell-big.xlsx", SHEET_XLSX, ST_TOOBIG, "cell A1 holds more than the limit");
	refused("sst-many.xlsx", SHEET_XLSX, ST_TOOBIG, "shared strings");
	refused("sst-bytes.xlsx", SHEET_XLSX, ST_TOOBIG, "shared strings hold more than the limit");
	refused("sst-reuse.xlsx", SHEET_XLSX, ST_TOOBIG, "bytes of text");
	refused("cells.xlsx", SHEET_XLSX, ST_TOOBIG, "cells");
	refused("sst-index.xlsx", SHEET_XLSX, ST_INVALID, "shared string 7 does not exist");
	refused("sst-index-overflow.xlsx", SHEET_XLSX, ST_INVALID, "does not exist");
	refused("dtd.xlsx", SHEET_XLSX, ST_INVALID, "DTD");
	refused("formats.xlsx", SHEET_XLSX, ST_TOOBIG, "more than the limit of 65536 cell formats");
	refused("attrs.xlsx", SHEET_XLSX, ST_TOOBIG, "an element with more than the limit of 256 attributes");
	refused("row-order.xlsx", SHEET_XLSX, ST_INVALID, "row 2 comes after row 3");
	refused("cell-order.xlsx", SHEET_XLSX, ST_INVALID, "cell B1 comes after a cell to its right");
	refused("cell-ref.xlsx", SHEET_XLSX, ST_INVALID, "\"1A\" is not a cell reference");
}

static void csv_reads_quotes_and_newlines(void **state)
{
	const char *csv = "\xEF\xBB\xBFkey,title\r\nt-1,\"a, \"\"b\"\"\nc\"\r\n\r\nt-2,\r\n";
	json_t *rows = json_array();
	struct err err = ERR_INIT;

	(void)state;
	assert_int_equal(sheet_read(csv, strlen(csv), SHEET_CSV, rows, &err), 0);
	assert_string_equal(cell(rows, 0, 0), "key");
	assert_string_equal(cell(rows, 1, 1), "a, \"b\"\nc");
	/* A blank line is a blank row, as a spreadsheet shows it, so that the
	 * rows after it keep the numbers the user sees (it used to vanish). */
	assert_int_equal(json_array_size(rows), 4);
	assert_int_equal(json_array_size(json_array_get(rows, 2)), 1);
	assert_string_equal(cell(rows, 2, 0), "");
	assert_string_equal(cell(rows, 3, 0), "t-2");
	assert_string_equal(cell(rows, 3, 1), "");
	json_decref(rows);

	rows = json_array();                     /* line feeds alone, no final one */
	csv = "key\n\n\nt-3";
	assert_int_equal(sheet_read(csv, strlen(csv), SHEET_CSV, rows, &err), 0);
	assert_int_equal(json_array_size(rows), 4);
	assert_string_equal(cell(rows, 3, 0), "t-3");
	json_decref(rows);
}

static void csv_read(struct buf *b, enum status code, const char *want)
{
	json_t *rows = json_array();
	struct err err = ERR_INIT;

	assert_int_equal(b->err, 0);
	if (sheet_read(buf_str(b), buf_len(b), SHEET_CSV, rows, &err) == 0)
		fail_msg("read (%zu rows), not refused", json_array_size(rows));
	if (err.code != code || strstr(err.msg, want) == NULL)
		fail_msg("code %d, \"%s\"; expected code %d and \"%s\"", err.code, err.msg, code, want);
	json_decref(rows);
	buf_reset(b);
}

static void hostile_csv_is_refused_with_the_limit_named(void **state)
{
	struct buf b = BUF_INIT(64u << 20);

	(void)state;
	buf_adds(&b, "key,title\n");
	for (int i = 0; i < LIM_SHEET_ROWS; i++)
		buf_adds(&b, "t,x\n");
	csv_read(&b, ST_TOOBIG, "the limit of 200000 rows");

	buf_adds(&b, "key,title\nt-1,\"");
	for (unsigned i = 0; i < LIM_CELL_BYTES + 1; i++)
		buf_addc(&b, 'x');
	buf_adds(&b, "\"\n");
	csv_read(&b, ST_TOOBIG, "row 2, column 2: the field is longer than the limit");

	for (int i = 0; i <= LIM_SHEET_COLS; i++)
		buf_adds(&b, "a,");
	csv_read(&b, ST_TOOBIG, "row 1 has more than the limit of 16384 columns");

	for (int i = 0; i < 10000; i++)
		buf_printf(&b, "%0120d,", i);
	csv_read(&b, ST_TOOBIG, "row 1 is longer than the limit");

	/* A cell that is not UTF-8 used to vanish, moving the cells after it one
	 * column to the left. */
	buf_adds(&b, "key,title,code\nt-1,\xff\xfe,c-1\n");
	csv_read(&b, ST_INVALID, "row 2, column 2: not valid UTF-8");
	buf_release(&b);
}

/* An org document broken in one way: refused before it is parsed, naming the limit. */
static void import_refused(const char *doc, size_t len, const char *want)
{
	struct svc svc;
	struct err err = ERR_INIT;
	struct buf problems = BUF_INIT(1 << 20);
	struct import_report rep = { &problems, 0, 0 };

	assert_int_equal(svc_open(&svc, ":memory:", 1, NULL, 0, &err), 0);
	if (orgjson_import(&svc, doc, len, 0, &rep, &err) == 0)
		fail_msg("imported, not refused");
	if (err.code != ST_TOOBIG || strstr(err.msg, want) == NULL)
		fail_msg("code %d, \"%s\"; expected %d and \"%s\"", err.code, err.msg, ST_TOOBIG, want);
	buf_release(&problems);
	svc_close(&svc);
}

static void hostile_json_is_refused_with_the_limit_named(void **state)
{
	struct buf b = BUF_INIT(64u << 20);

	(void)state;
	buf_adds(&b, "{\"org\": {\"key\": \"x\", \"name\": \"x\"}, \"notes\": ");
	for (int i = 0; i < LIM_JSON_DEPTH; i++)
		buf_addc(&b, '[');
	for (int i = 0; i < LIM_JSON_DEPTH; i++)
		buf_addc(&b, ']');
	buf_adds(&b, "}");
	import_refused(buf_str(&b), buf_len(&b), "nested deeper than the limit of 32");
	buf_reset(&b);

	buf_adds(&b, "{\"org\": {\"key\": \"x\", \"name\": \"");
	for (unsigned i = 0; i <= LIM_JSON_STRING_BYTES; i++)
		buf_addc(&b, 'n');
	buf_adds(&b, "\"}}");
	import_refused(buf_str(&b), buf_len(&b), "a string longer than the limit");
	buf_reset(&b);

	buf_adds(&b, "{\"org\": {\"key\": \"x\", \"name\": \"x\"}, \"units\": [0");
	for (int i = 0; i < LIM_JSON_ITEMS; i++)
		buf_adds(&b, ",0");
	buf_adds(&b, "]}");
	import_refused(buf_str(&b), buf_len(&b), "more than the limit of 1000000 items");
	buf_release(&b);
}

static void watchdog(int sig)
{
	(void)sig;
	fputs("test_sheet: a reader ran for more than 60 s: unbounded work\n", stderr);
	_exit(1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(libreoffice_workbooks_read_cell_by_cell),
		cmocka_unit_test(the_last_column_is_xfd),
		cmocka_unit_test(excel_dates_come_out_as_dates),
		cmocka_unit_test(cells_come_out_as_shown),
		cmocka_unit_test(libreoffice_typed_cells_read_as_shown),
		cmocka_unit_test(csv_encodings_are_found_or_declared),
		cmocka_unit_test(hostile_workbooks_are_refused_with_the_limit_named),
		cmocka_unit_test(csv_reads_quotes_and_newlines),
		cmocka_unit_test(hostile_csv_is_refused_with_the_limit_named),
		cmocka_unit_test(hostile_json_is_refused_with_the_limit_named),
	};
#ifndef UNDER_ASAN
	struct rlimit as = { 2ul << 30, 2ul << 30 };

	setrlimit(RLIMIT_AS, &as);
#endif
	signal(SIGALRM, watchdog);
	alarm(60);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
