/*
 * sheet.h -- read a CSV file or the first worksheet of an XLSX workbook into
 * rows of cells.
 *
 * Every cell comes out as text, as the file holds it (a number as its digits,
 * a shared string as its text), except a number whose XLSX cell format shows
 * a date, which comes out as YYYY-MM-DD (what the user sees, in ISO form).
 * Input is held to the limits of core/limits.h while it is read: over one, the
 * call fails with ST_TOOBIG and a message naming it. It is NOT for
 * interpreting the columns (report/ledger.c does that) and it writes nothing.
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

#endif
