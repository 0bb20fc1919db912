/*
 * test_edges.c -- the storage edges a user notices: reads that never wait
 * for a writer, a write that gives up quickly with ST_BUSY, one snapshot per
 * read transaction, the statement cache never freeing a statement in use,
 * files that are not plenum databases refused, PLENUM_TODAY and the clock
 * checked, and the answer cache never keeping a stale answer.
 * With PLENUM_TEST_PG set the database is a fresh PostgreSQL schema
 * (testlib.h) and the write lock is the org's advisory lock; the check of
 * files that are not plenum databases is of SQLite files and skipped there.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/date.h"
#include "core/err.h"
#include "http/cache.h"
#include "http/http.h"
#include "service/service.h"
#include "store/db.h"
#include "store/store.h"
#include "testlib.h"

static char g_path[TEST_DB_MAX];

static int setup(void **state)
{
	struct err err = ERR_INIT;
	struct store *st;

	(void)state;
	temp_db(g_path);
	st = store_open(g_path, STORE_CREATE, &err);     /* migrated once, here */
	if (st == NULL)
		return -1;
	store_close(st);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	remove_db(g_path);
	return 0;
}

static int64_t count_org(struct db *db)
{
	struct db_stmt *s = db_prepare(db, "SELECT count(*) FROM org", NULL);
	int64_t n = -1;

	if (s && db_step(s, NULL) == DB_ROW)
		n = db_col_int(s, 0);
	db_done(s);
	return n;
}

static void add_org(struct db *db, const char *key)
{
	struct err err = ERR_INIT;
	struct db_stmt *s = db_prepare(db, "INSERT INTO org (key, name) VALUES (?, ?)", &err);

	assert_non_null(s);
	db_bind_text(s, 1, key);
	db_bind_text(s, 2, key);
	assert_int_equal(db_step(s, &err), DB_DONE);
	db_done(s);
}

/* Another connection holds the write lock: opening (read-only or not) and
 * reading do not wait for it; a write gives up after its short wait with
 * ST_BUSY. Before: every open ran BEGIN IMMEDIATE and failed after 5 s.
 * The write lock is the database's on SQLite (BEGIN IMMEDIATE), the org's
 * on PostgreSQL (db_lock_org, which SQLite's writers need not take). */
static void opens_and_reads_do_not_wait_for_a_writer(void **state)
{
	struct err err = ERR_INIT;
	struct db *writer = db_open(g_path, DB_OPEN_EXISTING, &err);
	struct store *rw, *ro;

	(void)state;
	assert_non_null(writer);
	assert_int_equal(db_begin(writer, &err), 0);
	assert_int_equal(db_lock_org(writer, 1, &err), 0);
	add_org(writer, "held");

	ro = store_open(g_path, STORE_READONLY, &err);
	assert_non_null(ro);
	rw = store_open(g_path, STORE_EXISTING, &err);
	if (rw == NULL)
		fail_msg("open while a writer holds the lock: %s", err.msg);
	store_set_lock_wait(rw, 50);
	if (test_on_pg()) {
		assert_int_equal(store_begin(rw, &err), 0);
		assert_int_equal(store_lock_org(rw, 1, &err), -1);
		store_rollback(rw);
	} else {
		assert_int_equal(store_begin(rw, &err), -1);
	}
	assert_int_equal(err.code, ST_BUSY);
	assert_non_null(strstr(err.msg, "busy"));
	if (!test_on_pg()) /* a URL is not named: it may hold a password */
		assert_non_null(strstr(err.msg, g_path));

	db_rollback(writer);
	assert_int_equal(store_begin(rw, &err), 0);
	assert_int_equal(store_lock_org(rw, 1, &err), 0);
	store_rollback(rw);
	store_close(rw);
	store_close(ro);
	db_close(writer);
}

/* Inside a read transaction every statement sees the same data. */
static void a_read_transaction_is_one_snapshot(void **state)
{
	struct err err = ERR_INIT;
	struct db *reader = db_open(g_path, DB_OPEN_READONLY, &err);
	struct db *writer = db_open(g_path, DB_OPEN_EXISTING, &err);
	int64_t before;

	(void)state;
	assert_non_null(reader);
	assert_non_null(writer);
	assert_int_equal(db_begin_read(reader, &err), 0);
	before = count_org(reader);
	assert_int_equal(db_begin(writer, &err), 0);
	add_org(writer, "snap");
	assert_int_equal(db_commit(writer, &err), 0);
	assert_int_equal(count_org(reader), before);
	db_rollback(reader);
	assert_int_equal(count_org(reader), before + 1);
	db_close(reader);
	db_close(writer);
}

/* More distinct statements than the cache keeps, while one is held in the
 * middle of its rows: the held one stays valid (under ASan, a use after
 * free before) and still yields its rows. */
static void the_statement_cache_never_frees_a_held_statement(void **state)
{
	struct err err = ERR_INIT;
	struct db *db = db_open(g_path, DB_OPEN_EXISTING, &err);
	struct db_stmt *held;
	char sql[96];
	int rows = 0;

	(void)state;
	assert_non_null(db);
	/* a recursive CTE: both stores have it (PostgreSQL prepares on the
	 * first step, so a fallback on a failed prepare would not work there) */
	held = db_prepare(db, "WITH RECURSIVE n(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM n "
			  "WHERE value < 5) SELECT value FROM n", &err);
	assert_non_null(held);
	assert_int_equal(db_step(held, &err), DB_ROW);
	rows++;
	for (int i = 0; i < 600; i++) {
		struct db_stmt *s;

		snprintf(sql, sizeof(sql), "SELECT %d", i);
		s = db_prepare(db, sql, &err);
		assert_non_null(s);
		assert_int_equal(db_step(s, &err), DB_ROW);
		assert_int_equal(db_col_int(s, 0), i);
		db_done(s);
	}
	while (db_step(held, &err) == DB_ROW) {
		rows++;
		assert_int_equal(db_col_int(held, 0), rows);
	}
	assert_int_equal(rows, 5);
	db_done(held);
	/* a statement prepared again after eviction works */
	for (int i = 0; i < 3; i++) {
		struct db_stmt *s = db_prepare(db, "SELECT 0", &err);

		assert_non_null(s);
		assert_int_equal(db_step(s, &err), DB_ROW);
		db_done(s);
	}
	db_close(db);
}

static void write_file(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	fclose(f);
}

/* A 0-byte file is refused (but by init) and left as it was; so is a file
 * that is not SQLite and an SQLite database of another program. */
static void files_that_are_not_plenum_databases_are_refused(void **state)
{
	char path[TEST_DB_MAX + 16];
	struct err err = ERR_INIT;
	struct store *st;
	struct db *db;
	FILE *f;
	long size;

	(void)state;
	if (test_on_pg()) {
		printf("skipped on PostgreSQL: SQLite files that are not plenum databases\n");
		skip();
	}
	snprintf(path, sizeof(path), "%s.zero", g_path);
	write_file(path, "", 0);
	for (int flags = 0; flags <= STORE_READONLY; flags++) {
		err_clear(&err);
		assert_null(store_open(path, flags, &err));
		assert_int_equal(err.code, ST_INVALID);
		assert_non_null(strstr(err.msg, path));
		assert_non_null(strstr(err.msg, "empty file"));
	}
	f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fclose(f);
	assert_int_equal(size, 0);
	st = store_open(path, STORE_INIT, &err);
	assert_non_null(st);
	store_close(st);
	unlink(path);

	snprintf(path, sizeof(path), "%s.txt", g_path);
	write_file(path, "name,value\nx,1\n", 15);
	assert_null(store_open(path, STORE_CREATE, &err));
	assert_int_equal(err.code, ST_INVALID);
	assert_non_null(strstr(err.msg, "not a plenum database"));
	assert_non_null(strstr(err.msg, path));
	unlink(path);

	snprintf(path, sizeof(path), "%s.other", g_path);
	unlink(path);
	db = db_open(path, DB_OPEN_CREATE, &err);
	assert_non_null(db);
	assert_int_equal(db_exec(db, "CREATE TABLE notes (t TEXT)", &err), 0);
	db_close(db);
	assert_null(store_open(path, STORE_EXISTING, &err));
	assert_int_equal(err.code, ST_INVALID);
	assert_non_null(strstr(err.msg, "another program"));
	unlink(path);
	snprintf(path, sizeof(path), "%s.other-wal", g_path);
	unlink(path);
	snprintf(path, sizeof(path), "%s.other-shm", g_path);
	unlink(path);
}

/* An invalid PLENUM_TODAY is an error naming it, not a silent fallback;
 * a clock outside the supported years is named too. */
static void today_and_the_clock_are_checked(void **state)
{
	static const char *const bad[] = { "2026-02-29", "tomorrow", "2026-1-1", "1989-12-31", "2201-01-01" };
	struct err err = ERR_INIT;
	struct svc svc;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setenv("PLENUM_TODAY", bad[i], 1);
		err_clear(&err);
		assert_int_equal(date_today_check(&err), -1);
		assert_int_equal(err.code, ST_INVALID);
		assert_string_equal(err.field, "PLENUM_TODAY");
		assert_int_equal(svc_open(&svc, g_path, STORE_READONLY, NULL, 0, &err), -1);
		svc_close(&svc);
		assert_int_equal(err_exit_code(err.code), 2);
	}
	setenv("PLENUM_TODAY", "2026-11-25", 1);
	assert_int_equal(date_today_check(&err), 0);
	unsetenv("PLENUM_TODAY");
	assert_int_equal(date_clock_check(0, &err), -1);                       /* 1970 */
	assert_non_null(strstr(err.msg, "clock"));
	assert_int_equal(date_clock_check(253402300799LL, &err), -1);          /* 9999-12-31 */
	assert_int_equal(date_clock_check(1795000000LL, &err), 0);             /* 2026 */
}

/* The answer cache: an answer computed before a commit that lands while the
 * handler runs must not be served after it (it was stored under the version
 * read after the handler before). */
static void a_commit_during_a_handler_leaves_no_stale_answer(void **state)
{
	static const struct route route = { "GET", "/api/v1/orgs", NULL, 0, NULL, NULL, NEED_LOGIN, NULL, SCOPE_NONE };
	struct err err = ERR_INIT;
	struct svc svc;
	struct db *other = db_open(g_path, DB_OPEN_EXISTING, &err);
	struct req r;

	(void)state;
	assert_non_null(other);
	assert_int_equal(svc_open(&svc, g_path, STORE_EXISTING, NULL, 0, &err), 0);
	memset(&r, 0, sizeof(r));
	r.method = "GET";
	r.path = "/api/v1/orgs";
	r.route = &route;
	r.authed = 1;
	r.svc = &svc;
	r.who.user.org_id = 1;
	r.who.user.role = "admin";
	buf_init(&r.out, 1 << 20);

	assert_int_equal(cache_lookup(&r), 0);
	/* the handler reads: the answer as of now */
	buf_printf(&r.out, "{\"orgs\": %lld}", (long long)count_org(other));
	r.status = 200;
	/* meanwhile another process commits */
	assert_int_equal(db_begin(other, &err), 0);
	add_org(other, "during");
	assert_int_equal(db_commit(other, &err), 0);
	cache_store(&r);

	buf_reset(&r.out);
	r.status = 0;
	assert_int_equal(cache_lookup(&r), 0);         /* a miss: the answer predates the commit */
	buf_release(&r.out);
	svc_close(&svc);
	db_close(other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(opens_and_reads_do_not_wait_for_a_writer),
		cmocka_unit_test(a_read_transaction_is_one_snapshot),
		cmocka_unit_test(the_statement_cache_never_frees_a_held_statement),
		cmocka_unit_test(files_that_are_not_plenum_databases_are_refused),
		cmocka_unit_test(today_and_the_clock_are_checked),
		cmocka_unit_test(a_commit_during_a_handler_leaves_no_stale_answer),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
