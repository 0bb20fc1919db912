/*
 * orgjson.h -- one JSON document for a whole org: import and export.
 *
 * The document's shape is the data dictionary (model.h): an "org" object,
 * "settings", then one list per top-level entity ("units", "persons",
 * "meetings", ...), nested entities inside their parent ("meetings[0].
 * attendance"). Rows refer to each other by key, never by database id.
 * Export then import reproduces the data exactly: exporting the imported
 * database gives the same bytes, except that the "audit" list (the org's
 * chain, written with ORGJSON_AUDIT) ends with one more entry, the import's.
 * Import checks a carried chain entry by entry and keeps it; the import's
 * entry seals the rows as imported and names the carried head (and the
 * head of the chain it replaced). API tokens, sessions and calendar
 * secrets are never exported.
 *
 * Import is all or nothing. The whole document is checked before anything is
 * written, and every problem is reported with its JSON path
 * (`meetings[0].attendance[3].person: no person "p-17"`); only a clean
 * document is written, in one transaction, with one audit entry sealing
 * every row written. A task whose state contradicts its transitions (a
 * torn export) is refused.
 * It is NOT a merge: an org that already exists is refused unless replace is
 * set, which deletes it first in the same transaction.
 */
#ifndef PLENUM_ORGJSON_H
#define PLENUM_ORGJSON_H

#include <stddef.h>

struct svc;
struct err;
struct buf;

struct import_report {
	struct buf *problems;     /* one line per problem, filled when not NULL */
	int nproblems;
	long rows;                /* rows written on success */
};

/* Imports data[0..len). On bad input returns -1 with err->code ST_INVALID
 * (or ST_TOOBIG) and the problems in rep; nothing is written. On success
 * svc has the imported org selected. */
int orgjson_import(struct svc *svc, const char *data, size_t len, int replace,
		   struct import_report *rep, struct err *err);

enum {
	ORGJSON_AUDIT = 1,     /* include the audit chain */
	ORGJSON_SECRETS = 2,   /* include password hashes: only for a copy kept in memory (orgcopy.c) */
};

/* Writes the selected org as an indented JSON document into out. */
int orgjson_export(struct svc *svc, struct buf *out, int flags, struct err *err);

#endif
