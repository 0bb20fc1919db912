/*
 * db.h -- the database driver interface: the only way plenum talks to SQL.
 *
 * A small, driver-neutral surface (open, prepare, bind, step, column,
 * transaction, error text) implemented by db_sqlite.c today and by a libpq
 * driver later; nothing above src/store/ includes a driver header. SQL text
 * passed here uses `?` placeholders (a PostgreSQL driver rewrites them to $n).
 *
 * Statements from db_prepare() are cached per connection by SQL text and
 * reused: callers never finalize them, they call db_done() when finished,
 * which resets the statement and clears its bindings. A statement is held
 * from db_prepare() to db_done() and is never freed while held; past
 * LIM_DB_STMT_CACHE statements the least recently used idle one is freed.
 * One struct db is one connection and belongs to one thread at a time.
 *
 * Failure injection for tests: with PLENUM_DB_FAIL=N in the environment the
 * Nth fallible call of the process (db_open, db_exec, db_prepare, db_step,
 * db_begin, db_commit, counted across connections) fails with ST_FAIL and
 * a line on standard error. Unset, it costs one load per call.
 *
 * Errors: functions returning int give 0 on success and -1 on failure with
 * the driver's message in *err; db_step() gives DB_ROW, DB_DONE or -1.
 */
#ifndef PLENUM_DB_H
#define PLENUM_DB_H

#include <stdint.h>

struct err;
struct db;
struct db_stmt;

enum { DB_DONE = 0, DB_ROW = 1 };

enum db_open_flags {
	DB_OPEN_EXISTING = 0,   /* fail when the file does not exist */
	DB_OPEN_CREATE = 1,     /* create the file when missing */
	DB_OPEN_READONLY = 2,   /* never writes, takes no lock; a read-only file, directory or mount works */
	DB_OPEN_EMPTY_OK = 4,   /* accept a 0-byte file (plenum init); otherwise it is refused */
};

/* Opens a connection with WAL, synchronous=FULL, foreign keys and a busy
 * timeout of LIM_DB_BUSY_MS. A 0-byte file (without DB_OPEN_EMPTY_OK), a
 * file that is not SQLite, a damaged one, are refused with a message naming
 * the file and what to do (ST_INVALID for the wrong kind of file, ST_FAIL for
 * damage). Returns NULL with *err filled on failure. */
struct db *db_open(const char *path, int flags, struct err *err);
void db_close(struct db *db);                      /* accepts NULL */
/* How long a call waits for a lock another connection holds before failing
 * with ST_BUSY (the server keeps this short so its threads never stall). */
void db_set_busy_wait(struct db *db, int ms);

/* Runs one or more statements with no parameters and no rows (DDL). */
int db_exec(struct db *db, const char *sql, struct err *err);

/* Returns the cached statement for sql, prepared on first use. Borrowed:
 * valid until db_close(). */
struct db_stmt *db_prepare(struct db *db, const char *sql, struct err *err);
/* Resets st and clears its bindings; call after the last db_step(). Accepts NULL. */
void db_done(struct db_stmt *st);

/* Parameters are numbered from 1. Text is copied; NULL text binds NULL. */
int db_bind_int(struct db_stmt *st, int i, int64_t v);
int db_bind_double(struct db_stmt *st, int i, double v);
int db_bind_text(struct db_stmt *st, int i, const char *s);
int db_bind_null(struct db_stmt *st, int i);

/* DB_ROW when a row is ready, DB_DONE at the end, -1 on error (in *err). */
int db_step(struct db_stmt *st, struct err *err);

/* Columns are numbered from 0. Text is borrowed until the next step or done;
 * NULL columns read as NULL text, 0 and 0.0. */
int db_col_count(struct db_stmt *st);
int db_col_is_null(struct db_stmt *st, int i);
int64_t db_col_int(struct db_stmt *st, int i);
double db_col_double(struct db_stmt *st, int i);
const char *db_col_text(struct db_stmt *st, int i);
/* 1 when the column holds an integer, 2 a real, 3 text, 0 NULL. */
int db_col_kind(struct db_stmt *st, int i);

/* Transactions. db_begin() takes the write lock at once (BEGIN IMMEDIATE),
 * so that concurrent writers wait on the busy timeout instead of failing
 * half way; a lock not had in time is ST_BUSY. db_begin_read() opens a read
 * transaction (one snapshot for the statements up to db_commit(); takes no
 * lock and never waits for writers). db_rollback() accepts being called with
 * no transaction open. Any call failing on a lock held elsewhere is ST_BUSY. */
int db_begin(struct db *db, struct err *err);
int db_begin_read(struct db *db, struct err *err);
int db_in_transaction(struct db *db);
int db_commit(struct db *db, struct err *err);
void db_rollback(struct db *db);

int64_t db_last_id(struct db *db);
/* A number that changes whenever another connection commits to the
 * database (SQLite's data_version); own commits do not change it. */
int64_t db_data_version(struct db *db);
int64_t db_changes(struct db *db);
const char *db_driver_name(void);

/* Backup and restore of a whole database (used by store_backup.c only).
 * db_backup() writes a consistent copy of db, as of one instant, into the
 * file at path, which must not exist or be empty; writers on other
 * connections go on meanwhile. The copy is one self-contained file (no
 * journal beside it). db_restore() replaces the whole content of db with
 * the database in the file at path, in one transaction that waits for the
 * write lock like any writer: other connections, in this process or
 * another, see the old content or the new one, never a mixture. */
int db_backup(struct db *db, const char *path, struct err *err);
int db_restore(struct db *db, const char *path, struct err *err);

#endif
