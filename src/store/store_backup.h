/*
 * store_backup.h -- whole database files: copy one out while it is in use,
 * copy one into a live database, and read what a file holds.
 *
 * Every call works on file names and opens its own connections, so that a
 * file being checked is never the connection a server thread uses. These
 * are the storage half of `plenum backup` and `plenum restore`; the rules
 * (what a good backup is, temporary names, renames, the safety copy) are in
 * service/backup.c. This module does NOT decide whether a file is fit to
 * restore, and does not verify audit chains (service/audit.c does).
 *
 * Ownership: strings returned live in the caller's arena. All functions
 * return 0 on success and -1 with *err filled.
 */
#ifndef PLENUM_STORE_BACKUP_H
#define PLENUM_STORE_BACKUP_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct err;

/* One org in a database file, counted in one read transaction. */
struct store_file_org {
	int64_t id;
	const char *key, *name;
	int64_t meetings, tasks, reports, audit_entries;
	const char *audit_head;         /* the newest entry's hash, NULL when none */
};

struct store_file_info {
	int64_t bytes;                  /* the file's size */
	int schema;                     /* migrations applied (schema_version) */
	int integrity_ok;               /* PRAGMA integrity_check said "ok" */
	char integrity[512];            /* "ok", or its first complaint */
	size_t norgs;
	struct store_file_org *orgs;
};

/* Checks that path is a non-empty regular file that starts like a SQLite
 * database, reading nothing else; *bytes gets its size (may be NULL).
 * ST_NOTFOUND when missing, ST_INVALID otherwise, each message naming the
 * file and saying what to do. */
int store_file_probe(const char *path, int64_t *bytes, struct err *err);

/* Writes a consistent copy of the database at from, as of one instant, to
 * the new file to (which must not exist or be empty). Does not write to
 * from, and writers on it are not held up. The copy needs no journal. */
int store_file_backup(const char *from, const char *to, struct err *err);

/* Replaces the whole content of the database at live with the database
 * file from, in one transaction (see db_restore()). Servers with live open
 * see the new content at their next statement. */
int store_file_restore(const char *from, const char *live, struct err *err);

/* Reads what the file holds without changing it: integrity check, schema
 * version and, when the schema is one this binary knows, the orgs with
 * their counts. A file whose schema is newer than store_schema_version() or
 * that has no schema_version table gives ST_INVALID. A failing integrity
 * check is not an error here: see out->integrity_ok. */
int store_file_inspect(const char *path, struct arena *a, struct store_file_info *out, struct err *err);

/* Leaves the file in rollback-journal mode, one self-contained file (after
 * it was opened in WAL mode for checks), and flushes it to disk. */
int store_file_settle(const char *path, struct err *err);

#endif
