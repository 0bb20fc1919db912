/*
 * test_pg_schema.c -- the PostgreSQL restatement of the schema
 * (src/store/migrations/pg/) against a real PostgreSQL.
 *
 * Runs only when PLENUM_TEST_PG_URL names a database (make pg-test, inside
 * make check, starts one); otherwise says so and passes. Each test applies
 * every migration in a fresh schema, then checks what a user would notice:
 * one PostgreSQL file for each SQLite one, 64-bit ids, search rows kept in
 * step by the triggers and found by Chinese words of one, two and three
 * characters, append-only tables refusing updates as ST_CONFLICT, and the
 * end of sessions when an account is disabled. Not a test of store.c,
 * which does not run on PostgreSQL yet (docs/PORTING-STORE.md).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/err.h"
#include "store/db.h"

/* The embedded migrations (build/migrations.c, build/migrations_pg.c). */
extern const char *const store_migrations[];
extern const int store_nmigrations;
extern const char *const store_migrations_pg[];
extern const int store_nmigrations_pg;

static const char *url;

static struct db *migrated(void)
{
	struct err err = ERR_INIT;
	struct db *db = db_open(url, DB_OPEN_EXISTING, &err);

	if (db == NULL)
		fail_msg("cannot open PostgreSQL: %s", err.msg);
	if (db_exec(db, "DROP SCHEMA IF EXISTS plenum_schema_test CASCADE; CREATE SCHEMA plenum_schema_test;"
		    "SET search_path = plenum_schema_test, public", &err) != 0)
		fail_msg("schema: %s", err.msg);
	for (int v = 0; v < store_nmigrations_pg; v++) {
		if (db_begin(db, &err) != 0 || db_exec(db, store_migrations_pg[v], &err) != 0 || db_commit(db, &err) != 0)
			fail_msg("PostgreSQL migration %d: %s", v + 1, err.msg);
	}
	return db;
}

static int64_t insert_id(struct db *db, const char *sql, const char *text, struct err *err)
{
	struct db_stmt *s = db_prepare(db, sql, err);
	int64_t id = -1;

	if (s == NULL)
		return -1;
	if (text)
		db_bind_text(s, 1, text);
	if (db_step(s, err) == DB_ROW)
		id = db_col_int(s, 0);
	db_done(s);
	return id;
}

static int64_t count(struct db *db, const char *sql, const char *arg)
{
	struct err err = ERR_INIT;
	struct db_stmt *s = db_prepare(db, sql, &err);
	int64_t n = -1;

	if (s == NULL)
		fail_msg("%s", err.msg);
	if (arg)
		db_bind_text(s, 1, arg);
	if (db_step(s, &err) == DB_ROW)
		n = db_col_int(s, 0);
	else
		fail_msg("%s: %s", sql, err.msg);
	db_done(s);
	return n;
}

static void every_sqlite_migration_is_restated(void **state)
{
	struct db *db = migrated();

	(void)state;
	if (store_nmigrations_pg != store_nmigrations)
		fail_msg("%d SQLite migrations but %d PostgreSQL ones: restate the new ones in src/store/migrations/pg/",
			 store_nmigrations, store_nmigrations_pg);
	/* Every table of the SQLite schema exists here too. */
	assert_int_equal(count(db, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'plenum_schema_test'"
			       " AND table_name IN ('org', 'task', 'progress_report', 'audit', 'audit_change', 'session',"
			       " 'login_throttle', 'idempotency', 'calendar_token', 'meeting_feedback', 'search_index')", NULL), 11);
	/* Integers are 64-bit, reals double precision. */
	assert_int_equal(count(db, "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'plenum_schema_test'"
			       " AND data_type IN ('integer', 'smallint', 'real')", NULL), 0);
	db_close(db);
}

static void ids_are_64_bit(void **state)
{
	struct db *db = migrated();
	struct err err = ERR_INIT;
	int64_t id;

	(void)state;
	assert_int_equal(db_exec(db, "SELECT setval('org_id_seq', 5000000000)", &err), 0);
	id = insert_id(db, "INSERT INTO org (key, name) VALUES (?1, 'o') RETURNING id", "big", &err);
	assert_true(id == 5000000001);
	id = insert_id(db, "INSERT INTO unit (org_id, key, name, kind) VALUES (5000000001, ?1, 'u', 'dept') RETURNING id",
		       "u1", &err);
	assert_true(id > 0);
	db_close(db);
}

static void search_rows_follow_the_records(void **state)
{
	struct db *db = migrated();
	struct err err = ERR_INIT;
	const char *like = "SELECT count(*) FROM search_index WHERE kind = 'meeting' AND (title LIKE ?1 OR body LIKE ?1)";
	int64_t org, group, meeting;

	(void)state;
	org = insert_id(db, "INSERT INTO org (key, name) VALUES (?1, '江门市委') RETURNING id", "jm", &err);
	group = insert_id(db, "INSERT INTO study_group (org_id, key, name) VALUES (1, ?1, '中心组') RETURNING id", "g", &err);
	assert_true(org == 1 && group > 0);
	meeting = insert_id(db, "INSERT INTO meeting (org_id, key, group_id, title, status, starts_at, place)"
			    " VALUES (1, ?1, 1, '理论学习中心组会议', 'held', '2026-03-01T01:00:00Z', '市委常委会议室')"
			    " RETURNING id", "m1", &err);
	assert_true(meeting > 0);
	/* One, two and three characters, from the title and from the place. */
	assert_int_equal(count(db, like, "%学%"), 1);
	assert_int_equal(count(db, like, "%学习%"), 1);
	assert_int_equal(count(db, like, "%中心组%"), 1);
	assert_int_equal(count(db, like, "%常委%"), 1);
	assert_int_equal(count(db, like, "%乡村%"), 0);

	assert_int_equal(db_exec(db, "UPDATE meeting SET title = '乡村振兴专题会议'", &err), 0);
	assert_int_equal(count(db, like, "%学习%"), 0);
	assert_int_equal(count(db, like, "%乡村%"), 1);
	assert_int_equal(db_exec(db, "DELETE FROM meeting", &err), 0);
	assert_int_equal(count(db, "SELECT count(*) FROM search_index WHERE kind = 'meeting'", NULL), 0);

	assert_true(insert_id(db, "INSERT INTO person (org_id, key, name, title) VALUES (1, ?1, '张三', '宣传部长') RETURNING id",
			      "p1", &err) > 0);
	assert_int_equal(count(db, "SELECT count(*) FROM search_index WHERE kind = 'person' AND title LIKE ?1", "%张%"), 1);
	db_close(db);
}

static void append_only_tables_refuse_updates(void **state)
{
	struct db *db = migrated();
	struct err err = ERR_INIT;

	(void)state;
	assert_int_equal(db_exec(db, "INSERT INTO org (key, name) VALUES ('o', 'o');"
				 "INSERT INTO unit (org_id, key, name, kind) VALUES (1, 'u', 'u', 'dept');"
				 "INSERT INTO initiative (org_id, key, code, title) VALUES (1, 'i', '1', 'i');"
				 "INSERT INTO task (org_id, key, initiative_id, title, lead_unit_id, starts_on, due_on)"
				 " VALUES (1, 't', 1, '任务', 1, '2026-01-01', '2026-12-31');"
				 "INSERT INTO progress_report (org_id, task_id, reported_on, percent, done, filed_by)"
				 " VALUES (1, 1, '2026-02-01', 10, '已完成调研', 'x')", &err), 0);
	assert_int_equal(count(db, "SELECT count(*) FROM search_index WHERE kind = 'report' AND title LIKE ?1", "%调研%"), 1);
	assert_int_equal(db_exec(db, "UPDATE progress_report SET percent = 20", &err), -1);
	assert_int_equal(err.code, ST_CONFLICT);
	assert_non_null(strstr(err.msg, "append-only"));
	db_close(db);
}

static void disabling_an_account_ends_its_sessions(void **state)
{
	struct db *db = migrated();
	struct err err = ERR_INIT;

	(void)state;
	assert_int_equal(db_exec(db, "INSERT INTO org (key, name) VALUES ('o', 'o');"
				 "INSERT INTO app_user (org_id, login, role) VALUES (1, 'a', 'admin');"
				 "INSERT INTO session (org_id, user_id, token_hash, csrf, created_at, expires_at)"
				 " VALUES (1, 1, 'h', 'c', '2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z');"
				 "INSERT INTO api_token (org_id, user_id, name, token_hash, created_at)"
				 " VALUES (1, 1, 'ci', 'th', '2026-01-01T00:00:00Z')", &err), 0);
	assert_int_equal(db_exec(db, "UPDATE app_user SET role = 'viewer'", &err), 0);
	assert_int_equal(count(db, "SELECT count(*) FROM session", NULL), 1);
	assert_int_equal(db_exec(db, "UPDATE app_user SET disabled = 1", &err), 0);
	assert_int_equal(count(db, "SELECT count(*) FROM session", NULL), 0);
	assert_int_equal(count(db, "SELECT count(*) FROM api_token WHERE revoked = 1", NULL), 1);
	db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_sqlite_migration_is_restated),
		cmocka_unit_test(ids_are_64_bit),
		cmocka_unit_test(search_rows_follow_the_records),
		cmocka_unit_test(append_only_tables_refuse_updates),
		cmocka_unit_test(disabling_an_account_ends_its_sessions),
	};
	int failed;
	struct db *db;

	url = getenv("PLENUM_TEST_PG_URL");
	if (url == NULL || *url == '\0') {
		printf("pg schema: skipped (PLENUM_TEST_PG_URL not set; make pg-test sets it)\n");
		return 0;
	}
	failed = cmocka_run_group_tests_name("pg schema", tests, NULL, NULL);
	db = db_open(url, DB_OPEN_EXISTING, NULL);
	if (db != NULL)
		db_exec(db, "DROP SCHEMA IF EXISTS plenum_schema_test CASCADE", NULL);
	db_close(db);
	return failed;
}
