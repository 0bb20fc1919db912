/*
 * orgcopy.h -- moving orgs from one store to another (SQLite file or
 * PostgreSQL URL, either way): the work behind `plenum copy`.
 *
 * Each org is copied row for row by store_copy_org() (store.h), from one
 * read snapshot of the source into one write transaction on the
 * destination: its tables batch by batch through the drivers' bulk load,
 * its audit chain as it is, its users' password hashes (so that they can
 * still log in); then the rows are read back from both sides and compared,
 * and the copy's own audit entry seals them before the commit. Ids are
 * kept unless the destination uses them already (several orgs from
 * different stores can share one database); rows refer to each other by
 * key, so nothing a user sees changes. After each commit `audit verify`
 * must pass on the destination.
 *
 * It is NOT a backup (backup.h copies whole SQLite files) and NOT a merge:
 * an org already in the destination is refused unless replace is set, and
 * every org is checked for that before anything is written. Sessions, API
 * tokens and calendar secrets are not copied: users log in again and
 * scripts get new tokens. Each org is all or nothing; a run over several
 * orgs that fails part way leaves the orgs copied before it (named in the
 * report) and nothing of the one that failed.
 */
#ifndef PLENUM_ORGCOPY_H
#define PLENUM_ORGCOPY_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct buf;
struct err;

struct orgcopy_org {
	const char *key;
	long rows;                 /* rows written on the destination */
	int64_t audit_entries;     /* the destination's chain, the import's entry included */
	int replaced;              /* the destination had this org and it was replaced */
	double copy_s, check_s;    /* seconds spent copying (committed) and checking */
};

struct orgcopy_report {
	size_t norgs;              /* orgs copied (committed) */
	struct orgcopy_org *orgs;  /* in the caller's arena */
	struct buf *problems;      /* import problems, one a line, when not NULL */
};

/* Copies the org org_key (NULL: every org) of the database from into the
 * database to (a SQLite file is created when missing; a PostgreSQL database
 * must exist). from is only read. Returns 0, or -1 with *err: ST_INVALID
 * for the same database on both sides, ST_NOTFOUND for an unknown org,
 * ST_CONFLICT for an org already in the destination without replace,
 * ST_FAIL when the destination does not match the source (nothing of that
 * org is kept) or its chain does not verify after the commit. */
int orgcopy_run(const char *from, const char *to, const char *org_key, int replace, struct arena *a,
		struct orgcopy_report *rep, struct err *err);

#endif
