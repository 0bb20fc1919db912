/*
 * db_sqlite.c -- the SQLite driver behind db.h.
 *
 * Keeps a small cache of prepared statements per connection, keyed by the
 * SQL text, so that a statement is compiled once per connection and reused.
 * This is the only file in plenum that includes sqlite3.h.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "db_driver.h"
#include "../core/err.h"
#include "../core/limits.h"
#include "../core/xalloc.h"
#include "../core/banned.h"

struct db_stmt {
	const struct db_driver *drv;   /* first member: see db_driver.h */
	struct db *db;
	sqlite3_stmt *st;
	const char *sql;          /* owned copy, the cache key */
	int held;                 /* between db_prepare() and db_done(): never evicted */
	uint64_t used;            /* the connection's tick at the last db_prepare() */
};

struct db {
	const struct db_driver *drv;   /* first member: see db_driver.h */
	int64_t own_commits;           /* commits on this connection (commit hook) */
	sqlite3 *conn;
	int busy_ms;              /* how long to wait for a lock held elsewhere */
	int64_t busy_since_us;    /* when the current wait began */
	struct db_stmt **cache;   /* grows past LIM_DB_STMT_CACHE only while statements are held */
	int ncache, cap;
	uint64_t tick;
};

/* ---- errors ---- */

/* The message for the connection's last error, with the file named and what
 * to do for the failures a user can act on. */
static int db_fail(struct db *db, struct err *err, const char *what)
{
	const char *file = db && db->conn ? sqlite3_db_filename(db->conn, "main") : NULL;
	const char *msg = db && db->conn ? sqlite3_errmsg(db->conn) : "no connection";
	int xrc = db && db->conn ? sqlite3_extended_errcode(db->conn) : SQLITE_ERROR;

	if (file == NULL || *file == '\0')
		file = "(memory)";
	switch (xrc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return err_set(err, ST_BUSY, "database: \"%s\" is busy: another process is writing to it; "
			       "try again in a moment", file);
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return err_set(err, ST_FAIL, "database: \"%s\" is damaged (%s): restore it from a backup", file, msg);
	case SQLITE_READONLY:
		if (xrc == SQLITE_READONLY_DIRECTORY)
			return err_set(err, ST_FAIL, "database: \"%s\" cannot be written: its directory is read-only, and "
				       "plenum must create \"%s-wal\" and \"%s-shm\" beside it to write", file, file, file);
		return err_set(err, ST_FAIL, "database: \"%s\" is read-only (%s): writing needs write access to the "
			       "file and its directory; reading does not", file, msg);
	case SQLITE_FULL:
		return err_set(err, ST_FAIL, "database: %s: the disk holding \"%s\" is full; free some space "
			       "(a few MB: the search index may need to merge) and try again", msg, file);
	case SQLITE_CONSTRAINT:
		return err_set(err, ST_CONFLICT, "database: %s", msg);
	default:
		return err_set(err, ST_FAIL, "database: %s: %s", what, msg);
	}
}

/* Refuses, before SQLite sees it, a 0-byte file (unless the caller is
 * creating a database on purpose) or a directory. Only stat(): opening and
 * closing the file here would drop the POSIX locks that this process's other
 * connections hold on it (close() releases them all), and another process
 * could then delete the -wal and -shm they use. A file of some other kind
 * is recognised by SQLite (SQLITE_NOTADB) in db_open(). */
static int check_file(const char *path, int flags, struct err *err)
{
	struct stat sb;

	if (stat(path, &sb) != 0)
		return 0;                /* missing: db_open decides */
	if (S_ISDIR(sb.st_mode))
		return err_set(err, ST_INVALID, "\"%s\" is a directory, not a plenum database: name the database file "
			       "with --db or $PLENUM_DB", path);
	if (sb.st_size == 0 && !(flags & DB_OPEN_EMPTY_OK))
		return err_set(err, ST_INVALID, "\"%s\" is an empty file (0 bytes), not a plenum database: restore it "
			       "from a backup, or remove it and run 'plenum init' to start a new one", path);
	return 0;
}

/* "file:" URI of path with immutable=1, for a read-only file whose -shm
 * cannot be created (a read-only directory or mount). */
static char *immutable_uri(const char *path)
{
	size_t len = strlen(path);
	char *uri = xmalloc(len * 3 + 32), *o = uri;

	o += snprintf(o, 8, "file:");
	for (const char *p = path; *p; p++) {
		if (*p == '%' || *p == '?' || *p == '#') {
			snprintf(o, 4, "%%%02X", (unsigned char)*p);
			o += 3;
		} else {
			*o++ = *p;
		}
	}
	snprintf(o, 24, "?immutable=1");
	return uri;
}

static int wal_missing(const char *path)
{
	char wal[4096];
	struct stat sb;

	if ((size_t)snprintf(wal, sizeof(wal), "%s-wal", path) >= sizeof(wal))
		return 0;
	return stat(wal, &sb) != 0 || sb.st_size == 0;
}

static int dir_writable(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return access(".", W_OK) == 0;
	if ((size_t)(slash - path) >= sizeof(dir))
		return 1;
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	return access(slash == path ? "/" : dir, W_OK) == 0;
}

static int64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* SQLite's own busy handler sleeps longer and longer (up to 100 ms), so a
 * waiter keeps missing a lock that other writers take and free every few
 * milliseconds. This one looks every 2 ms until busy_ms have passed. */
static int on_busy(void *p, int n)
{
	struct db *db = p;
	int64_t now = mono_us();

	if (n == 0)
		db->busy_since_us = now;
	if (now - db->busy_since_us >= (int64_t)db->busy_ms * 1000)
		return 0;
	usleep(2000);
	return 1;
}

/* Counts every commit made on this connection, explicit or autocommit, for
 * sq_change_token(). Returning 0 lets the commit go ahead. */
static int count_commit(void *arg)
{
	struct db *db = arg;

	db->own_commits++;
	return 0;
}

static struct db *open_conn(const char *name, int oflags, struct err *err)
{
	struct db *db = xcalloc(1, sizeof(*db));
	db->drv = &db_driver_sqlite;
	int rc = sqlite3_open_v2(name, &db->conn, oflags, NULL);

	if (rc != SQLITE_OK) {
		err_set(err, ST_FAIL, "cannot open database \"%s\": %s", name,
			db->conn ? sqlite3_errmsg(db->conn) : sqlite3_errstr(rc));
		db_close(db);
		return NULL;
	}
	sqlite3_extended_result_codes(db->conn, 1);
	sqlite3_commit_hook(db->conn, count_commit, db);
	db->busy_ms = LIM_DB_BUSY_MS;
	sqlite3_busy_handler(db->conn, on_busy, db);
	return db;
}

static struct db *sq_open(const char *path, int flags, struct err *err)
{
	struct db *db = NULL;
	char *uri = NULL;
	int oflags = SQLITE_OPEN_NOMUTEX;

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
	if (check_file(path, flags, err) != 0)
		return NULL;
	/* Reading a WAL database needs its -shm, which cannot be made in a
	 * directory we may not write (a read-only directory or mount): with no
	 * -wal to replay, nobody is writing it, and it is read as immutable. */
	if ((flags & DB_OPEN_READONLY) && wal_missing(path) && !dir_writable(path)) {
		uri = immutable_uri(path);
		db = open_conn(uri, oflags | SQLITE_OPEN_URI, err);
	} else {
		db = open_conn(path, oflags, err);
	}
	if (db == NULL)
		goto fail;
	/* The first statement that reads the file fails early on a file that is
	 * not a database. */
	if (db_exec(db, "PRAGMA foreign_keys=ON", err) != 0 ||
	    (!(flags & DB_OPEN_READONLY) && db_exec(db, "PRAGMA journal_mode=WAL", err) != 0) ||
	    db_exec(db, "PRAGMA synchronous=FULL", err) != 0 ||
	    db_exec(db, "SELECT count(*) FROM sqlite_master", err) != 0) {
		if ((sqlite3_extended_errcode(db->conn) & 0xff) == SQLITE_NOTADB)
			err_set(err, ST_INVALID, "\"%s\" is not a plenum database (not an SQLite file): check --db or "
				"$PLENUM_DB, or restore the file from a backup", path);
		goto fail;
	}
	free(uri);
	return db;
fail:
	free(uri);
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
	free(db->cache);
	sqlite3_close(db->conn);
	free(db);
}

static void sq_set_busy_wait(struct db *db, int ms)
{
	db->busy_ms = ms;
}

static int sq_exec(struct db *db, const char *sql, struct err *err)
{
	int rc;

	rc = sqlite3_exec(db->conn, sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return db_fail(db, err, "exec");
	return 0;
}

/* Frees the least recently used statement that no caller holds; 0 when all
 * are held. */
static int evict_idle(struct db *db)
{
	int victim = -1;

	for (int i = 0; i < db->ncache; i++)
		if (!db->cache[i]->held && (victim < 0 || db->cache[i]->used < db->cache[victim]->used))
			victim = i;
	if (victim < 0)
		return 0;
	sqlite3_finalize(db->cache[victim]->st);
	free((char *)db->cache[victim]->sql);
	free(db->cache[victim]);
	db->cache[victim] = db->cache[--db->ncache];
	return 1;
}

static struct db_stmt *sq_prepare(struct db *db, const char *sql, struct err *err)
{
	struct db_stmt *s;
	sqlite3_stmt *st = NULL;

	for (int i = 0; i < db->ncache; i++) {
		s = db->cache[i];
		if (s->sql == sql || strcmp(s->sql, sql) == 0) {
			s->held = 1;
			s->used = ++db->tick;
			return s;
		}
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
	s->held = 1;
	s->used = ++db->tick;
	if (db->ncache >= LIM_DB_STMT_CACHE)
		evict_idle(db);
	if (db->ncache == db->cap) {
		db->cap = db->cap ? db->cap * 2 : 64;
		db->cache = xrealloc(db->cache, sizeof(db->cache[0]) * (size_t)db->cap);
	}
	db->cache[db->ncache++] = s;
	return s;
}

static void sq_done(struct db_stmt *st)
{
	if (st == NULL)
		return;
	st->held = 0;
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
	int rc;

	rc = sqlite3_step(st->st);
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE)
		return DB_DONE;
	return db_fail(st->db, err, "step");
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

static int sq_begin_read(struct db *db, struct err *err)
{
	return db_exec(db, "BEGIN", err);
}

static int sq_in_transaction(struct db *db)
{
	return !sqlite3_get_autocommit(db->conn);
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

/* ---- bulk load (db.h): rows are stepped one by one into a temporary
 * table without types, triggers or indexes, and moved into the table by
 * one INSERT ... SELECT per LIM_COPY_BATCH_ROWS rows. The table's triggers
 * then run inside a few statements instead of one per row: FTS5 (the
 * search index) writes its pending terms at every statement, which made a
 * row-by-row load of progress reports twelve times slower. ---- */

struct db_copy {
	const struct db_driver *drv;   /* first member: see db_driver.h */
	struct db *db;
	sqlite3_stmt *stage;           /* INSERT INTO temp.plenum_copy */
	char move[4096];               /* INSERT INTO main.table ... SELECT ... FROM temp.plenum_copy */
	int ncols, pending;
};

/* Appends the column list (quoted) to sql at *n; 0 when it fit. */
static int copy_cols(char *sql, size_t size, size_t *n, const char *const *cols, int ncols)
{
	for (int i = 0; i < ncols && *n < size; i++)
		*n += (size_t)snprintf(sql + *n, size - *n, "%s\"%s\"", i ? ", " : "", cols[i]);
	return *n < size ? 0 : -1;
}

static int copy_flush(struct db_copy *c, struct err *err)
{
	if (c->pending == 0)
		return 0;
	if (sqlite3_exec(c->db->conn, c->move, NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(c->db, err, "copy");
	if (sqlite3_exec(c->db->conn, "DELETE FROM temp.plenum_copy", NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(c->db, err, "copy");
	c->pending = 0;
	return 0;
}

static struct db_copy *sq_copy_begin(struct db *db, const char *table, const char *const *cols, int ncols,
				     struct err *err)
{
	char create[4096], ins[4096];
	size_t n = 0, m = 0, k = 0;
	struct db_copy *c;

	if (ncols < 1 || ncols > LIM_COPY_COLUMNS) {
		err_set(err, ST_FAIL, "database: copy into %s: %d columns", table, ncols);
		return NULL;
	}
	c = xcalloc(1, sizeof(*c));
	c->drv = &db_driver_sqlite;
	c->db = db;
	c->ncols = ncols;
	n = (size_t)snprintf(create, sizeof(create), "DROP TABLE IF EXISTS temp.plenum_copy; "
			     "CREATE TEMP TABLE plenum_copy (");
	m = (size_t)snprintf(ins, sizeof(ins), "INSERT INTO temp.plenum_copy (");
	k = (size_t)snprintf(c->move, sizeof(c->move), "INSERT INTO main.\"%s\" (", table);
	if (copy_cols(create, sizeof(create), &n, cols, ncols) || copy_cols(ins, sizeof(ins), &m, cols, ncols) ||
	    copy_cols(c->move, sizeof(c->move), &k, cols, ncols))
		goto toolong;
	n += (size_t)snprintf(create + n, sizeof(create) - n, ")");
	k += (size_t)snprintf(c->move + k, sizeof(c->move) - k, ") SELECT ");
	if (k >= sizeof(c->move) || copy_cols(c->move, sizeof(c->move), &k, cols, ncols))
		goto toolong;
	k += (size_t)snprintf(c->move + k, sizeof(c->move) - k, " FROM temp.plenum_copy ORDER BY rowid");
	for (int i = 0; i < ncols && m < sizeof(ins); i++)
		m += (size_t)snprintf(ins + m, sizeof(ins) - m, "%s?%d", i ? ", " : ") VALUES (", i + 1);
	if (m < sizeof(ins))
		m += (size_t)snprintf(ins + m, sizeof(ins) - m, ")");
	if (n >= sizeof(create) || m >= sizeof(ins) || k >= sizeof(c->move))
		goto toolong;
	if (sqlite3_exec(db->conn, create, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db->conn, ins, -1, &c->stage, NULL) != SQLITE_OK) {
		db_fail(db, err, "copy");
		sqlite3_finalize(c->stage);
		free(c);
		return NULL;
	}
	return c;
toolong:
	err_set(err, ST_FAIL, "database: copy into %s: the statement is too long", table);
	free(c);
	return NULL;
}

static int sq_copy_row(struct db_copy *c, const struct db_value *v, struct err *err)
{
	int rc = SQLITE_OK;

	for (int i = 0; i < c->ncols && rc == SQLITE_OK; i++) {
		switch (v[i].kind) {
		case DB_KIND_INT: rc = sqlite3_bind_int64(c->stage, i + 1, v[i].i); break;
		case DB_KIND_REAL: rc = sqlite3_bind_double(c->stage, i + 1, v[i].d); break;
		case DB_KIND_TEXT: rc = sqlite3_bind_text(c->stage, i + 1, v[i].s, -1, SQLITE_STATIC); break;
		default: rc = sqlite3_bind_null(c->stage, i + 1); break;
		}
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_step(c->stage);
	sqlite3_reset(c->stage);
	if (rc != SQLITE_DONE)
		return db_fail(c->db, err, "copy");
	return ++c->pending >= LIM_COPY_BATCH_ROWS ? copy_flush(c, err) : 0;
}

static int sq_copy_end(struct db_copy *c, int ok, struct err *err)
{
	int rc = ok ? copy_flush(c, err) : -1;

	sqlite3_finalize(c->stage);
	sqlite3_exec(c->db->conn, "DROP TABLE IF EXISTS temp.plenum_copy", NULL, NULL, NULL);
	free(c);
	return rc;
}

const struct db_driver db_driver_sqlite = {
	.name = "sqlite " SQLITE_VERSION,
	.open = sq_open,
	.close = sq_close,
	.set_busy_wait = sq_set_busy_wait,
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
	.begin_read = sq_begin_read,
	.in_transaction = sq_in_transaction,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.last_id = sq_last_id,
	.data_version = sq_data_version,
	.changes = sq_changes,
	.backup = sq_backup,
	.restore = sq_restore,
	.lock_org = sq_lock_org,
	.change_token = sq_change_token,
	.copy_begin = sq_copy_begin,
	.copy_row = sq_copy_row,
	.copy_end = sq_copy_end,
};
