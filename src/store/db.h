/*
 * db.h -- the database driver interface: the only way plenum talks to SQL.
 *
 * A small, driver-neutral surface (open, prepare, bind, step, column,
 * transaction, per-org lock, change token, error class) with two drivers
 * compiled into one binary: db_sqlite.c and db_pg.c (libpq), chosen by
 * db_open() from the path and dispatched by db.c. Nothing above src/store/
 * includes a driver header. It is NOT a query builder and does not hide SQL
 * dialects: SQL that only one engine understands stays in src/store/ and is
 * listed in docs/PORTING-STORE.md.
 *
 * The contract every driver keeps (tests/unit/test_db_conformance.c checks
 * it against both):
 *
 * - Placeholders: one style, `?N`, numbered densely from 1 (every number
 *   from 1 to the highest appears in the text; gaps are an error on
 *   PostgreSQL, which cannot type a parameter it never sees). PostgreSQL
 *   rewrites them to `$N`; a `?` inside a quoted string or identifier is
 *   left alone. Bare `?` is not part of the contract.
 * - Types: 64-bit integers (db_bind_int, db_col_int; BIGINT columns on
 *   PostgreSQL), doubles (DOUBLE PRECISION), UTF-8 text (any bytes but NUL,
 *   passed without quoting), NULL. Booleans are stored and read as integers
 *   0/1: write `CASE WHEN ... THEN 1 ELSE 0 END` or `(...)::int`, never a
 *   bare boolean column or expression, because PostgreSQL returns t/f.
 *   A parameter bound with db_bind_int is a BIGINT and one bound with
 *   db_bind_double a DOUBLE PRECISION on PostgreSQL, so bind what the column
 *   holds (an integer into a TEXT column is an error there).
 * - New ids: write `INSERT ... RETURNING id` and read the id with db_step()
 *   (DB_ROW) and db_col_int(st, 0); SQLite supports RETURNING since 3.35
 *   (Debian 12 ships 3.40). db_last_id() is SQLite's last rowid (lastval()
 *   on PostgreSQL, wrong as soon as a trigger inserts into another table
 *   with a sequence): new code must not use it.
 * - Error classes, in err->code: ST_CONFLICT for a unique, foreign-key,
 *   check or not-null violation and for an append-only trigger's refusal
 *   (SQLite's SQLITE_CONSTRAINT_*, PostgreSQL's SQLSTATE class 23); ST_FAIL
 *   for everything else, including a lock wait that timed out (SQLite's
 *   SQLITE_BUSY, "database is locked"; PostgreSQL's 40P01 deadlock, 55P03
 *   lock not available and 40001, "database busy: ...") and a full disk
 *   (SQLITE_FULL, "database or disk is full"; 53100, "disk full"). There is
 *   no ST_BUSY yet: a caller that wants to retry on busy has nothing but the
 *   message to go by.
 * - Statement lifetime: a statement from db_prepare() stays valid until
 *   db_done(); PostgreSQL's cache never evicts one in between (SQLite's
 *   evicts the oldest when full: code review 2026-11-29).
 * - Writers: db_begin() opens a write transaction; a writer that reads
 *   something and then writes what depends on it (the audit chain's last
 *   hash, a counter, "one pending extension", the login throttle) calls
 *   db_lock_org() right after db_begin(). SQLite's BEGIN IMMEDIATE already
 *   serialises all writers; PostgreSQL runs READ COMMITTED and takes
 *   pg_advisory_xact_lock(org_id) until commit or rollback. PostgreSQL
 *   sends the BEGIN with the transaction's first statement (db_lock_org's,
 *   in a writer): a transaction in which nothing ran costs no round trip.
 * - Round trips: db_round_trips() counts them (PostgreSQL; SQLite 0), so
 *   that tests can hold what a piece of work costs.
 * - Caches: db_change_token() changes whenever anyone (this connection or
 *   another, in this process or another) has committed a write since the
 *   last call; compare tokens for equality only.
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

/* Opens a connection. A path starting with postgresql:// or postgres:// is a
 * libpq connection URI (DB_OPEN_CREATE and DB_OPEN_EXISTING mean nothing
 * there: the database must exist; DB_OPEN_READONLY makes every transaction
 * READ ONLY); anything else is a SQLite file, opened with WAL,
 * synchronous=FULL, foreign keys and a busy timeout of LIM_DB_BUSY_MS. For
 * SQLite, a 0-byte file (without DB_OPEN_EMPTY_OK), a file that is not
 * SQLite, a damaged one, are refused with a message naming the file and what
 * to do (ST_INVALID for the wrong kind of file, ST_FAIL for damage). Returns
 * NULL with *err filled on failure. */
struct db *db_open(const char *path, int flags, struct err *err);
/* 1 when path is a PostgreSQL URL that db_open() gives to libpq. */
int db_is_url(const char *path);
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
/* Starts st, bound, without waiting for its answer, so that statements
 * that do not depend on each other's results share one round trip:
 * PostgreSQL queues it in a pipeline, sent when one of its statements is
 * stepped or the connection is used otherwise, and the answers are read
 * in the order sent; SQLite does nothing (db_step runs it). Step each
 * statement sent as usual, and call db_done() on each even when an earlier
 * one failed (a failure aborts the statements sent after it). Binding a
 * sent statement again with the same values is a no-op, with others an
 * error. 0, or -1 when the connection failed. */
int db_send(struct db_stmt *st, struct err *err);

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

/* Serialises writers of one org (0: the installation, or an org being
 * created; -1: the login throttle) until the current
 * transaction ends: a second connection calling db_lock_org() for the same
 * org waits. Call it right after db_begin() in any transaction that reads
 * and then writes data derived from what it read. A no-op on SQLite, whose
 * BEGIN IMMEDIATE already serialises every writer. */
int db_lock_org(struct db *db, int64_t org_id, struct err *err);

int64_t db_last_id(struct db *db);
/* A number that changes whenever another connection commits to the
 * database (SQLite's data_version); own commits do not change it. */
int64_t db_data_version(struct db *db);
/* A number that changes whenever a write was committed to the database by
 * any connection, this one included, since it was last read (SQLite: data
 * version plus this connection's commits; PostgreSQL: LISTEN/NOTIFY on the
 * channel plenum_change, see db_pg.c). Equality is all it means. -1 on
 * error. */
int64_t db_change_token(struct db *db);
/* Says that the next db_data_version() or db_change_token() needs to count
 * only the commits acknowledged (to anyone) before this call. On PostgreSQL
 * the first statement that completes outside a transaction after the mark
 * then brings the notifications with it, and that reading costs no round
 * trip of its own (without a mark, or when no such statement ran, it costs
 * one: an empty query). The server marks at the start of every request,
 * before authentication reads the session or token. SQLite: nothing to do. */
void db_version_mark(struct db *db);
/* Rows changed by the last INSERT, UPDATE or DELETE on this connection. */
int64_t db_changes(struct db *db);
/* How many times this connection has sent something and waited for the
 * server's answer since it was opened: each is a network round trip on
 * PostgreSQL (SQLite, in process, always answers 0). For tests and
 * measurements of how many round trips a piece of work costs. */
int64_t db_round_trips(struct db *db);
/* The compiled-in SQLite's name and version. */
const char *db_driver_name(void);
/* The driver of an open connection: "sqlite 3.x.y" or "postgresql". */
const char *db_driver_of(struct db *db);

/* Backup and restore of a whole database (used by store_backup.c only).
 * db_backup() writes a consistent copy of db, as of one instant, into the
 * file at path, which must not exist or be empty; writers on other
 * connections go on meanwhile. The copy is one self-contained file (no
 * journal beside it). db_restore() replaces the whole content of db with
 * the database in the file at path, in one transaction that waits for the
 * write lock like any writer: other connections, in this process or
 * another, see the old content or the new one, never a mixture. */
int db_backup(struct db *db, const char *path, struct err *err);
/* (On PostgreSQL both fail with ST_FAIL: use pg_dump / pg_basebackup, see
 * docs/SCALING.md.) */
int db_restore(struct db *db, const char *path, struct err *err);

/* ---- bulk load (plenum copy, store_copy.c) ----
 *
 * Rows written to one table as fast as the engine takes them, inside the
 * caller's write transaction (db_begin(); the copy is part of it and rolls
 * back with it): PostgreSQL streams them with COPY ... FROM STDIN (text
 * format, sent in blocks of LIM_COPY_SEND_BYTES without waiting for answers);
 * SQLite steps one prepared INSERT per row. Triggers and constraints are the
 * table's own (the caller disables the triggers it does not want). Values
 * are given with their kind (db_col_kind()'s numbers) and written as given:
 * explicit ids included (PostgreSQL's sequences do not move: the caller
 * sets them). No other call may be made on the connection between
 * db_copy_begin() and db_copy_end().
 *
 * db_copy_begin() returns a handle owned by the caller until db_copy_end(),
 * or NULL with *err. db_copy_row() takes one value per column named at the
 * beginning (strings borrowed for the call); a failure there may surface
 * only at a later row or at db_copy_end() on PostgreSQL, which checks the
 * rows as they arrive. db_copy_end() with ok = 1 finishes the load and
 * reports any failure; with ok = 0 it abandons the load (the caller then
 * rolls back). It always frees the handle; it accepts NULL. Each
 * db_copy_row() counts as one call for PLENUM_DB_FAIL. */
struct db_copy;
enum { DB_KIND_NULL = 0, DB_KIND_INT = 1, DB_KIND_REAL = 2, DB_KIND_TEXT = 3 };
struct db_value {
	int kind;                  /* DB_KIND_* */
	int64_t i;
	double d;
	const char *s;             /* DB_KIND_TEXT: UTF-8 without NUL */
};
struct db_copy *db_copy_begin(struct db *db, const char *table, const char *const *cols, int ncols,
			      struct err *err);
int db_copy_row(struct db_copy *c, const struct db_value *vals, struct err *err);
int db_copy_end(struct db_copy *c, int ok, struct err *err);

#endif
