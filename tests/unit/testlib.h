/*
 * testlib.h -- what the cmocka test files share: reading a file whole, a
 * fresh temporary database, and removing a database with its WAL, shared
 * memory and checkpoints. Static functions: include it in one test file
 * each, after cmocka.h (and after core/err.h and store/db.h).
 *
 * With PLENUM_TEST_PG=postgresql://... in the environment (make check sets
 * it to a throwaway cluster), temp_db() gives a PostgreSQL URL instead of a
 * file: a fresh schema of that database, found through the URL's
 * search_path, dropped again by remove_db(). test_on_pg() says which.
 */
#ifndef PLENUM_TESTLIB_H
#define PLENUM_TESTLIB_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/err.h"
#include "store/db.h"

static inline char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *data;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	data = malloc((size_t)n + 1);
	assert_int_equal(fread(data, 1, (size_t)n, f), (size_t)n);
	data[n] = '\0';
	fclose(f);
	return data;
}

#define TEST_DB_MAX 512

/* 1 when the tests run on PostgreSQL (PLENUM_TEST_PG set). */
/* count(*) of sql with its one text parameter ?1 (-1 when it cannot run). */
static inline int64_t test_count(struct db *db, const char *sql, const char *arg)
{
	struct err err = ERR_INIT;
	struct db_stmt *s = db_prepare(db, sql, &err);
	int64_t n = -1;

	if (s == NULL)
		return -1;
	db_bind_text(s, 1, arg);
	if (db_step(s, &err) == DB_ROW)
		n = db_col_int(s, 0);
	db_done(s);
	return n;
}

static inline int test_on_pg(void)
{
	const char *u = getenv("PLENUM_TEST_PG");

	return u != NULL && *u != '\0';
}

/* Runs sql on the PostgreSQL database named by PLENUM_TEST_PG. */
static void pg_admin(const char *sql)
{
	struct err err = ERR_INIT;
	struct db *db = db_open(getenv("PLENUM_TEST_PG"), DB_OPEN_EXISTING, &err);

	if (db == NULL || db_exec(db, sql, &err) != 0)
		fail_msg("PLENUM_TEST_PG: %s", err.msg);
	db_close(db);
}

/* A database that does not exist yet, in path[TEST_DB_MAX]: a file name,
 * or on PostgreSQL the URL of a new empty schema. */
static void temp_db(char *path)
{
	static unsigned seq;
	int fd;

	if (test_on_pg()) {
		const char *base = getenv("PLENUM_TEST_PG");
		char sql[256], schema[64];

		snprintf(schema, sizeof(schema), "plenum_t%ld_%u", (long)getpid(), ++seq);
		snprintf(sql, sizeof(sql), "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s", schema, schema);
		pg_admin(sql);
		snprintf(path, TEST_DB_MAX, "%s%soptions=-csearch_path%%3D%s,public", base, strchr(base, '?') ? "&" : "?",
			 schema);
		/* A URL has no file beside it: the checkpoints go here. */
		snprintf(sql, sizeof(sql), "/tmp/%s.checkpoints", schema);
		unlink(sql);
		setenv("PLENUM_CHECKPOINTS", sql, 1);
		return;
	}
	snprintf(path, TEST_DB_MAX, "/tmp/plenum-test-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
}

/* Where the audit checkpoints of the database at path are written. */
static inline void checkpoints_of(const char *path, char *out, size_t size)
{
	if (db_is_url(path) && getenv("PLENUM_CHECKPOINTS"))
		snprintf(out, size, "%s", getenv("PLENUM_CHECKPOINTS"));
	else
		snprintf(out, size, "%s.checkpoints", path);
}

static void remove_db(const char *path)
{
	const char *suffixes[] = { "", "-wal", "-shm", ".checkpoints" };
	char p[TEST_DB_MAX + 32];

	if (db_is_url(path)) {
		const char *s = strstr(path, "search_path%3D");
		char sql[160];
		int len;

		if (s == NULL)
			return;
		s += strlen("search_path%3D");
		len = (int)strcspn(s, ",&");
		snprintf(sql, sizeof(sql), "DROP SCHEMA IF EXISTS %.*s CASCADE", len, s);
		pg_admin(sql);
		snprintf(sql, sizeof(sql), "/tmp/%.*s.checkpoints", len, s);
		unlink(sql);
		return;
	}

	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", path, suffixes[i]);
		unlink(p);
	}
}

#endif
