/*
 * db_sqlite.c -- the SQLite driver behind db.h.
 *
 * Keeps a small cache of prepared statements per connection, keyed by the
 * SQL text, so that a statement is compiled once per connection and reused.
 * This is the only file in plenum that includes sqlite3.h. Reached through
 * db.c's dispatch (db_driver.h): every function here is static and listed in
 * db_driver_sqlite at the end.
 */
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include <unistd.h>

#include "db.h"
#include "db_driver.h"
#include "../core/err.h"
#include "../core/limits.h"
#include "../core/xalloc.h"
#include "../core/banned.h"

#define DB_BUSY_MS 5000
#define DB_CACHE_MAX 256

struct db_stmt {
	const struct db_driver *drv;   /* first member: see db_driver.h */
	struct db *db;
	sqlite3_stmt *st;
	const char *sql;          /* owned copy, the cache key */
};

struct db {
	const struct db_driver *drv;   /* first member: see db_driver.h */
	sqlite3 *conn;
	int64_t own_commits;           /* commits on this connection (commit hook) */
	struct db_stmt *cache[DB_CACHE_MAX];
	int ncache;
};

static int db_fail(struct db *db, struct err *err, const char *what)
{
	return err_set(err, ST_FAIL, "database: %s: %s", what,
		       db && db->conn ? sqlite3_errmsg(db->conn) : "no connection");
}

/* Counts every commit made on this connection, explicit or autocommit, for
 * sq_change_token(). Returning 0 lets the commit go ahead. */
static int count_commit(void *arg)
{
	struct db *db = arg;

	db->own_commits++;
	return 0;
}

static struct db *sq_open(const char *path, int flags, struct err *err)
{
	struct db *db = NULL;
	int oflags = SQLITE_OPEN_NOMUTEX;
	int rc;

	if (flags & DB_OPEN_READONLY)
		oflags |= SQLITE_OPEN_READONLY;
	else
		oflags |= SQLITE_OPEN_READWRITE;
	if (flags & DB_OPEN_CREATE)
		oflags |= SQLITE_OPEN_CREATE;
	else if (access(path, F_OK) != 0) {
		err_set(err, ST_NOTFOUND, "no database \"%s\" (create one with 'plenum init' or 'plenum import')", path);
		return NULL;
	}
	db = xcalloc(1, sizeof(*db));
	db->drv = &db_driver_sqlite;
	rc = sqlite3_open_v2(path, &db->conn, oflags, NULL);
	if (rc != SQLITE_OK) {
		err_set(err, ST_FAIL, "cannot open database \"%s\": %s", path,
			db->conn ? sqlite3_errmsg(db->conn) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(db->conn, 1);
	sqlite3_commit_hook(db->conn, count_commit, db);
	sqlite3_busy_timeout(db->conn, DB_BUSY_MS);
	if (db_exec(db, "PRAGMA foreign_keys=ON", err) != 0)
		goto fail;
	if (!(flags & DB_OPEN_READONLY)) {
		if (db_exec(db, "PRAGMA journal_mode=WAL", err) != 0)
			goto fail;
	}
	if (db_exec(db, "PRAGMA synchronous=FULL", err) != 0)
		goto fail;
	/* Fail early on a file that is not a database. */
	if (db_exec(db, "SELECT count(*) FROM sqlite_master", err) != 0) {
		err_set(err, ST_FAIL, "\"%s\" is not a plenum database", path);
		goto fail;
	}
	return db;
fail:
	db_close(db);
	return NULL;
}

static void sq_close(struct db *db)
{
	if (db == NULL)
		return;
	for (int i = 0; i < db->ncache; i++) {
		sqlite3_finalize(db->cache[i]->st);
		free((char *)db->cache[i]->sql);
		free(db->cache[i]);
	}
	sqlite3_close(db->conn);
	free(db);
}

static int sq_exec(struct db *db, const char *sql, struct err *err)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db->conn, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK) {
		err_set(err, ST_FAIL, "database: %s", msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static struct db_stmt *sq_prepare(struct db *db, const char *sql, struct err *err)
{
	struct db_stmt *s;
	sqlite3_stmt *st = NULL;

	for (int i = 0; i < db->ncache; i++) {
		s = db->cache[i];
		if (s->sql == sql || strcmp(s->sql, sql) == 0)
			return s;
	}
	if (sqlite3_prepare_v3(db->conn, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		db_fail(db, err, "prepare");
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	s->drv = &db_driver_sqlite;
	s->db = db;
	s->st = st;
	s->sql = xstrdup(sql);
	if (db->ncache == DB_CACHE_MAX) {
		/* Full: evict the oldest entry, which is rarely a hot statement. */
		sqlite3_finalize(db->cache[0]->st);
		free((char *)db->cache[0]->sql);
		free(db->cache[0]);
		memmove(db->cache, db->cache + 1, sizeof(db->cache[0]) * (DB_CACHE_MAX - 1));
		db->ncache--;
	}
	db->cache[db->ncache++] = s;
	return s;
}

static void sq_done(struct db_stmt *st)
{
	if (st == NULL)
		return;
	sqlite3_reset(st->st);
	sqlite3_clear_bindings(st->st);
}

static int bind_rc(struct db_stmt *st, int rc)
{
	return rc == SQLITE_OK ? 0 : -1;
	(void)st;
}

static int sq_bind_int(struct db_stmt *st, int i, int64_t v)
{
	return bind_rc(st, sqlite3_bind_int64(st->st, i, v));
}

static int sq_bind_double(struct db_stmt *st, int i, double v)
{
	return bind_rc(st, sqlite3_bind_double(st->st, i, v));
}

static int sq_bind_text(struct db_stmt *st, int i, const char *s)
{
	if (s == NULL)
		return db_bind_null(st, i);
	return bind_rc(st, sqlite3_bind_text(st->st, i, s, -1, SQLITE_TRANSIENT));
}

static int sq_bind_null(struct db_stmt *st, int i)
{
	return bind_rc(st, sqlite3_bind_null(st->st, i));
}

static int sq_step(struct db_stmt *st, struct err *err)
{
	int rc = sqlite3_step(st->st);

	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE)
		return DB_DONE;
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		err_set(err, ST_CONFLICT, "database: %s", sqlite3_errmsg(st->db->conn));
	else
		db_fail(st->db, err, "step");
	return -1;
}

static int sq_col_count(struct db_stmt *st)
{
	return sqlite3_column_count(st->st);
}

static int sq_col_is_null(struct db_stmt *st, int i)
{
	return sqlite3_column_type(st->st, i) == SQLITE_NULL;
}

static int64_t sq_col_int(struct db_stmt *st, int i)
{
	return sqlite3_column_int64(st->st, i);
}

static double sq_col_double(struct db_stmt *st, int i)
{
	return sqlite3_column_double(st->st, i);
}

static const char *sq_col_text(struct db_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st->st, i);
}

static int sq_col_kind(struct db_stmt *st, int i)
{
	switch (sqlite3_column_type(st->st, i)) {
	case SQLITE_INTEGER: return 1;
	case SQLITE_FLOAT: return 2;
	case SQLITE_NULL: return 0;
	default: return 3;
	}
}

static int sq_begin(struct db *db, struct err *err)
{
	return db_exec(db, "BEGIN IMMEDIATE", err);
}

static int sq_commit(struct db *db, struct err *err)
{
	return db_exec(db, "COMMIT", err);
}

static void sq_rollback(struct db *db)
{
	if (db && !sqlite3_get_autocommit(db->conn))
		sqlite3_exec(db->conn, "ROLLBACK", NULL, NULL, NULL);
}

static int64_t sq_last_id(struct db *db)
{
	return sqlite3_last_insert_rowid(db->conn);
}

static int64_t sq_data_version(struct db *db)
{
	struct db_stmt *s = db_prepare(db, "PRAGMA data_version", NULL);
	int64_t v = -1;

	if (s && db_step(s, NULL) == DB_ROW)
		v = db_col_int(s, 0);
	db_done(s);
	return v;
}

static int64_t sq_changes(struct db *db)
{
	return sqlite3_changes64(db->conn);
}

/* BEGIN IMMEDIATE already holds the database-wide write lock, which is
 * stronger than any per-org lock: nothing to do. */
static int sq_lock_org(struct db *db, int64_t org_id, struct err *err)
{
	(void)db;
	(void)org_id;
	(void)err;
	return 0;
}

/* Other connections' commits move data_version, this connection's commits
 * move own_commits; both only grow, so their sum changes on every commit by
 * anyone. */
static int64_t sq_change_token(struct db *db)
{
	int64_t v = sq_data_version(db);

	return v < 0 ? -1 : v + db->own_commits;
}

static int sq_backup(struct db *db, const char *path, struct err *err)
{
	struct db_stmt *s = db_prepare(db, "VACUUM INTO ?", err);
	int rc;

	if (s == NULL)
		return -1;
	/* One read transaction: the copy is the database as of its start,
	 * and writers on other connections are not held up. */
	db_bind_text(s, 1, path);
	rc = db_step(s, err);
	db_done(s);
	return rc < 0 ? -1 : 0;
}

static int sq_restore(struct db *db, const char *path, struct err *err)
{
	sqlite3 *from = NULL;
	sqlite3_backup *b = NULL;
	int rc, tries = 0;

	rc = sqlite3_open_v2(path, &from, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		err_set(err, ST_FAIL, "cannot open \"%s\": %s", path, from ? sqlite3_errmsg(from) : sqlite3_errstr(rc));
		goto out;
	}
	b = sqlite3_backup_init(db->conn, "main", from, "main");
	if (b == NULL) {
		rc = SQLITE_ERROR;
		err_set(err, ST_FAIL, "database: restore: %s", sqlite3_errmsg(db->conn));
		goto out;
	}
	/* All pages in one step, so one transaction on the destination; the
	 * busy timeout applies to its write lock, and a busy database gets a
	 * few more tries before the restore gives up. */
	do {
		rc = sqlite3_backup_step(b, -1);
	} while ((rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && ++tries < LIM_RESTORE_LOCK_TRIES);
	if (rc != SQLITE_DONE) {
		err_set(err, ST_FAIL, "database: restore: %s%s", sqlite3_errstr(rc),
			rc == SQLITE_BUSY || rc == SQLITE_LOCKED ? " (another process held the write lock throughout)" : "");
	}
	sqlite3_backup_finish(b);
out:
	sqlite3_close(from);
	return rc == SQLITE_DONE ? 0 : -1;
}

const struct db_driver db_driver_sqlite = {
	.name = "sqlite " SQLITE_VERSION,
	.open = sq_open,
	.close = sq_close,
	.exec = sq_exec,
	.prepare = sq_prepare,
	.done = sq_done,
	.bind_int = sq_bind_int,
	.bind_double = sq_bind_double,
	.bind_text = sq_bind_text,
	.bind_null = sq_bind_null,
	.step = sq_step,
	.col_count = sq_col_count,
	.col_is_null = sq_col_is_null,
	.col_int = sq_col_int,
	.col_double = sq_col_double,
	.col_text = sq_col_text,
	.col_kind = sq_col_kind,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.lock_org = sq_lock_org,
	.last_id = sq_last_id,
	.data_version = sq_data_version,
	.change_token = sq_change_token,
	.changes = sq_changes,
	.backup = sq_backup,
	.restore = sq_restore,
};
