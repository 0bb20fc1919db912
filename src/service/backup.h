/*
 * backup.h -- backups that are checked before they exist, and restores that
 * check before they replace anything.
 *
 * A backup is one self-contained SQLite file, a consistent copy of the
 * database as of one instant taken while servers keep writing. It is
 * written under a temporary name beside its final one and gets that name
 * only after it passed: PRAGMA integrity_check, a schema version this
 * binary reads, and the audit chain of every org in it (audit_verify). The
 * signed checkpoints file beside the database (<db>.checkpoints), when
 * there is one, is copied beside the backup as <backup>.checkpoints.
 *
 * A restore checks the file the same way first, saves the current database
 * as <db>.before-restore-<time> (a consistent copy, not checked: the record
 * replaced may be the damaged or forged one), then replaces
 * the database's content in one transaction, so a server that has it open
 * goes on serving and sees the restored data at its next request.
 *
 * This module is NOT an export (io/orgjson.c writes one org as JSON); it
 * copies whole databases, every org in them. It does not rotate or delete
 * old backups (see docs/OPERATIONS.md). Ownership: strings in the results
 * live in the caller's arena. Functions return 0, or -1 with *err filled:
 * ST_INVALID / ST_NOTFOUND for a bad or missing file (nothing was changed),
 * ST_FAIL for an I/O or database failure.
 */
#ifndef PLENUM_BACKUP_H
#define PLENUM_BACKUP_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct err;

struct backup_org {
	int64_t id;
	const char *key, *name;
	int64_t meetings, tasks, reports, audit_entries;
	const char *audit_head;       /* newest audit entry's hash, NULL when none */
};

struct backup_info {
	const char *file;             /* the backup written, or the database restored */
	int64_t bytes;
	int schema;                   /* migrations applied */
	size_t norgs;
	struct backup_org *orgs;      /* every org's chain verified intact */
	const char *checkpoints;      /* the checkpoints file copied beside it, or NULL */
	const char *saved;            /* restore: the backup of the replaced database, or NULL */
};

/* Checks the database file at path: integrity, schema, every org's audit
 * chain; fills *out with what it holds. May apply this binary's newer
 * migrations to the file, so call it on a copy you own. */
int backup_check(const char *path, struct arena *a, struct backup_info *out, struct err *err);

/* Writes a checked backup of the database db to the new file out (which
 * must not exist: a backup never overwrites a file). */
int backup_make(const char *db, const char *out, struct arena *a, struct backup_info *info,
		struct err *err);

/* Checks file, saves the current database db (when it exists) and
 * replaces db's content with file's. file is only read. */
int backup_restore(const char *file, const char *db, struct arena *a, struct backup_info *info,
		   struct err *err);

/* "<dir>/<name>-backup-YYYYMMDDTHHMMSSZ.db" for the database db, in dir
 * (NULL: the current directory), at the current UTC time. */
const char *backup_default_name(const char *db, const char *dir, struct arena *a);

#endif
