/*
 * sheet.h -- read a CSV file or the first worksheet of an XLSX workbook into
 * rows of cells.
 *
 * Every cell comes out as text, as the file holds it (a number as its digits,
 * a shared or inline string as its text, rich-text runs joined), except what
 * an XLSX cell format shows differently: a number with a date format comes
 * out as YYYY-MM-DD (THH:MM:SS added for a date-and-time format), in the
 * workbook's date system (1900 or 1904); a number with a percent format as
 * the percent the user sees ("45%" for 0.45); a boolean as TRUE or FALSE.
 *
 * A CSV file is decoded to UTF-8 first: its encoding is declared, or found
 * from a byte-order mark (UTF-8, UTF-16 LE or BE), from being valid UTF-8,
 * or -- what Chinese Excel writes -- from being GB18030 text whose first row
 * holds one of the caller's known headers; when none fits, one message says
 * so. Its separator is a comma, or a semicolon or tab when the first row
 * says so (a "sep=;" line as Excel writes it, or more of them than commas).
 *
 * Input is held to the limits of core/limits.h while it is read: over one, the
 * call fails with ST_TOOBIG and a message naming it. It is NOT for
 * interpreting the columns (service/ledger_import.c does that) and it writes
 * nothing.
 */
#ifndef PLENUM_SHEET_H
#define PLENUM_SHEET_H

#include <stddef.h>
#include <jansson.h>

struct err;

enum sheet_format { SHEET_CSV, SHEET_XLSX };

/* Appends to rows (a JSON array) one array of strings per row of the file,
 * the first row first. Returns 0, or -1 with *err (which may be NULL): rows
 * may then hold part of the file. data is borrowed for the call. */
int sheet_read(const char *data, size_t len, enum sheet_format f, json_t *rows, struct err *err);

struct sheet_opts {
	/* in */
	const char *encoding;         /* CSV: utf-8, utf-16, utf-16le, utf-16be,
	                               * gb18030 (gbk, gb2312 and cp936 read as
	                               * gb18030), any case; NULL or "": found */
	const char *const *headers;   /* names the first row may hold, NULL-ended,
	                               * to recognise GB18030 text; or NULL */
	/* out */
	const char *used;             /* the encoding read: "UTF-8", "UTF-16LE",
	                               * "UTF-16BE", "GB18030" (static); "" for XLSX */
	char sep;                     /* the CSV separator read */
};

/* sheet_read() with options (o may be NULL: found, no known headers). An
 * unknown encoding name is ST_INVALID on the field "encoding"; a file not in
 * the declared encoding, or whose encoding cannot be decided, ST_INVALID
 * with one message naming the encoding problem (the byte and line). */
int sheet_read_opts(const char *data, size_t len, enum sheet_format f, struct sheet_opts *o, json_t *rows,
		    struct err *err);

/* 1 when name is an encoding sheet_read_opts() accepts. */
int sheet_encoding_known(const char *name);

#endif
