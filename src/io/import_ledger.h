/*
 * import_ledger.h -- the task ledger (台账) read back from a spreadsheet: the
 * columns of 'plenum report ledger', as plenum writes them (keys and codes as
 * text) or as a spreadsheet program leaves them after an edit (typed dates
 * and percents, people and units by name, values by their label).
 *
 * Every row is read and checked first; nothing is written when a row is bad
 * (unless skip_bad). Then, in one transaction: new keys register tasks,
 * known keys update the task's own columns (record.c's rules; a name column
 * such as 牵头单位 beside 牵头单位编号 is read when the name was edited), and edited
 * progress columns (percent, latest_report, last_report_on) file a progress
 * report through task_report() -- the same service, rules and audit trail as
 * any report, filed by the importing user. An edit that cannot be applied
 * (a column derived from the record such as state or light, progress on a
 * task whose state takes no report) is named in a warning line for its row:
 * never counted "unchanged" in silence. See docs/REPORTS.md.
 *
 * It is NOT the reader of the file (io/sheet.c) nor the writer of the
 * ledger (report/ledger.c).
 */
#ifndef PLENUM_IMPORT_LEDGER_H
#define PLENUM_IMPORT_LEDGER_H

#include <jansson.h>

struct svc;
struct err;
struct buf;

enum import_ledger_format { IMPORT_LEDGER_CSV, IMPORT_LEDGER_XLSX };

struct import_ledger {
	/* in */
	int skip_bad;                        /* write the good rows even when some are bad */
	const char *encoding;                /* of a CSV file; NULL: found (io/sheet.h) */
	void (*progress)(void *ctx, long done, long total);
	void *progress_ctx;
	struct buf *problems;                /* rejected rows: "row 3, column due_on: ..." a line each, or NULL */
	struct buf *warnings;                /* edits not applied: "row 4, column state: ..." a line each, or NULL */
	/* out */
	long rows, created, updated, reported, unchanged, rejected, warned;
	const char *encoding_used;           /* "UTF-8", "GB18030"...; "" for XLSX (static) */
	json_t *changes;                     /* { column: rows changed } once read (owned: the
	                                      * caller json_decref()s it, even on error) */
};

/* Reads the ledger file data[0..len) and applies it (see above). 0 when
 * written (or when nothing needed writing); -1 with *err otherwise -- when
 * rows were rejected, li->rejected > 0 and li->problems names each one. */
int import_ledger_run(struct svc *svc, const char *data, size_t len, enum import_ledger_format f,
		      struct import_ledger *li, struct err *err);

/* The line the CLI prints: "15 rows: 0 created, 1 updated, 13 unchanged,
 * 0 rejected; 1 with a progress report" and, when any, "; changed: due_on 1,
 * percent 1" and "; 2 warnings (edits not applied)". Into out[size]. */
void import_ledger_summary(const struct import_ledger *li, char *out, size_t size);

#endif
