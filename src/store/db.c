/*
 * db.c -- chooses a driver when a database is opened and dispatches every
 * db.h call to it.
 *
 * A path that is a `postgresql://` or `postgres://` URL opens PostgreSQL
 * (db_pg.c, loaded from plenum-pg.so on first use: see pg_driver below);
 * anything else is a SQLite file (db_sqlite.c). This file holds
 * no SQL and knows nothing about either engine: what each call means is
 * written in db.h, how each engine does it is in its driver. The failure
 * injection of db.h (PLENUM_DB_FAIL) is here, so that it counts the same
 * calls on every driver.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_driver.h"
#include "../core/err.h"
#include "../core/module.h"
#include "../core/banned.h"

/* Both structs begin with the driver pointer (see db_driver.h). */
static const struct db_driver *drv_of(const void *p)
{
	return *(const struct db_driver *const *)p;
}

#define DB(db) drv_of(db)
#define ST(st) drv_of(st)

/* ---- failure injection (PLENUM_DB_FAIL=N: the Nth call fails, db.h) ---- */

static long g_fail_at;             /* 0: inert */
static atomic_long g_calls;
static pthread_once_t g_fail_once = PTHREAD_ONCE_INIT;

static void fail_read_env(void)
{
	const char *s = getenv("PLENUM_DB_FAIL");
	char *end = NULL;
	long v;

	if (s == NULL || *s == '\0')
		return;
	v = strtol(s, &end, 10);
	if (end && *end == '\0' && v > 0)
		g_fail_at = v;
}

/* Counts one fallible call; -1 with *err filled when it is the one chosen
 * to fail. Inert (one load) unless PLENUM_DB_FAIL is set. */
static int injected(struct err *err)
{
	long n;

	pthread_once(&g_fail_once, fail_read_env);
	if (g_fail_at <= 0)
		return 0;
	n = atomic_fetch_add(&g_calls, 1) + 1;
	if (n != g_fail_at)
		return 0;
	fprintf(stderr, "plenum: PLENUM_DB_FAIL: database call %ld made to fail\n", n);
	return err_set(err, ST_FAIL, "database: injected failure (PLENUM_DB_FAIL=%ld)", n);
}

/* ---- the PostgreSQL driver: linked in, else plenum-pg.so ---- */

/* Linked into the unit tests (their Makefile rule asks for it); the binary
 * does not link it, nor libpq, and loads plenum-pg.so (core/module.h) on the
 * first postgresql:// URL, so that a server on SQLite never maps libpq and
 * the libraries it pulls in (OpenSSL, Kerberos, LDAP). */
extern const struct db_driver db_driver_pg __attribute__((weak));

static pthread_once_t g_pg_once = PTHREAD_ONCE_INIT;
static const struct db_driver *g_pg;   /* set once, read-only after */
static struct err g_pg_err = ERR_INIT; /* why g_pg is NULL */

static void pg_load(void)
{
	if (&db_driver_pg != NULL)
		g_pg = &db_driver_pg;
	else
		g_pg = module_load("plenum-pg.so", "db_driver_pg", &g_pg_err);
}

/* The driver, or NULL with *err naming the module that failed to load. */
static const struct db_driver *pg_driver(struct err *err)
{
	pthread_once(&g_pg_once, pg_load);
	if (g_pg == NULL)
		err_set(err, ST_FAIL, "%s", g_pg_err.msg);
	return g_pg;
}

int db_is_url(const char *path)
{
	return path != NULL && (strncmp(path, "postgresql://", 13) == 0 || strncmp(path, "postgres://", 11) == 0);
}

struct db *db_open(const char *path, int flags, struct err *err)
{
	if (path == NULL || *path == '\0') {
		err_set(err, ST_INVALID, "no database given");
		return NULL;
	}
	if (injected(err))
		return NULL;
	if (db_is_url(path)) {
		const struct db_driver *pg = pg_driver(err);

		return pg ? pg->open(path, flags, err) : NULL;
	}
	return db_driver_sqlite.open(path, flags, err);
}

void db_close(struct db *db)
{
	if (db != NULL)
		DB(db)->close(db);
}

int db_exec(struct db *db, const char *sql, struct err *err)
{
	return injected(err) ? -1 : DB(db)->exec(db, sql, err);
}

struct db_stmt *db_prepare(struct db *db, const char *sql, struct err *err)
{
	return injected(err) ? NULL : DB(db)->prepare(db, sql, err);
}

void db_done(struct db_stmt *st)
{
	if (st != NULL)
		ST(st)->done(st);
}

int db_bind_int(struct db_stmt *st, int i, int64_t v) { return ST(st)->bind_int(st, i, v); }
int db_bind_double(struct db_stmt *st, int i, double v) { return ST(st)->bind_double(st, i, v); }
int db_bind_text(struct db_stmt *st, int i, const char *s) { return ST(st)->bind_text(st, i, s); }
int db_bind_null(struct db_stmt *st, int i) { return ST(st)->bind_null(st, i); }
int db_send(struct db_stmt *st, struct err *err)
{
	return ST(st)->send ? ST(st)->send(st, err) : 0;
}

int db_step(struct db_stmt *st, struct err *err) { return injected(err) ? -1 : ST(st)->step(st, err); }
int db_col_count(struct db_stmt *st) { return ST(st)->col_count(st); }
int db_col_is_null(struct db_stmt *st, int i) { return ST(st)->col_is_null(st, i); }
int64_t db_col_int(struct db_stmt *st, int i) { return ST(st)->col_int(st, i); }
double db_col_double(struct db_stmt *st, int i) { return ST(st)->col_double(st, i); }
const char *db_col_text(struct db_stmt *st, int i) { return ST(st)->col_text(st, i); }
int db_col_kind(struct db_stmt *st, int i) { return ST(st)->col_kind(st, i); }
int db_begin(struct db *db, struct err *err) { return injected(err) ? -1 : DB(db)->begin(db, err); }
int db_begin_read(struct db *db, struct err *err) { return injected(err) ? -1 : DB(db)->begin_read(db, err); }
int db_in_transaction(struct db *db) { return DB(db)->in_transaction(db); }
void db_set_busy_wait(struct db *db, int ms) { DB(db)->set_busy_wait(db, ms); }
int db_commit(struct db *db, struct err *err) { return injected(err) ? -1 : DB(db)->commit(db, err); }

void db_rollback(struct db *db)
{
	if (db != NULL)
		DB(db)->rollback(db);
}

int db_lock_org(struct db *db, int64_t org_id, struct err *err) { return DB(db)->lock_org(db, org_id, err); }
int64_t db_last_id(struct db *db) { return DB(db)->last_id(db); }
int64_t db_data_version(struct db *db) { return DB(db)->data_version(db); }
int64_t db_change_token(struct db *db) { return DB(db)->change_token(db); }
int64_t db_changes(struct db *db) { return DB(db)->changes(db); }
void db_version_mark(struct db *db)
{
	if (DB(db)->version_mark)
		DB(db)->version_mark(db);
}

int64_t db_round_trips(struct db *db) { return DB(db)->round_trips ? DB(db)->round_trips(db) : 0; }
const char *db_driver_of(struct db *db) { return DB(db)->name; }

const char *db_driver_name(void)
{
	return db_driver_sqlite.name;
}

int db_backup(struct db *db, const char *path, struct err *err) { return DB(db)->backup(db, path, err); }
int db_restore(struct db *db, const char *path, struct err *err) { return DB(db)->restore(db, path, err); }

struct db_copy *db_copy_begin(struct db *db, const char *table, const char *const *cols, int ncols,
			      struct err *err)
{
	return injected(err) ? NULL : DB(db)->copy_begin(db, table, cols, ncols, err);
}

int db_copy_row(struct db_copy *c, const struct db_value *vals, struct err *err)
{
	return injected(err) ? -1 : drv_of(c)->copy_row(c, vals, err);
}

int db_copy_end(struct db_copy *c, int ok, struct err *err)
{
	if (c == NULL)
		return 0;
	if (ok && injected(err))
		ok = -1;
	if (ok < 0) {
		drv_of(c)->copy_end(c, 0, NULL);
		return -1;
	}
	return drv_of(c)->copy_end(c, ok, err);
}
