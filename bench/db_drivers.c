/*
 * db_drivers.c -- the two db.h drivers side by side: what one statement and
 * one write transaction cost on each (make bench-db).
 *
 * Usage: db_drivers SQLITE_FILE [POSTGRESQL_URL]   (the file is left behind)
 *
 * For each driver: a point read through a cached prepared statement, a
 * write transaction with the per-org lock (begin, lock, insert with
 * RETURNING, commit), two threads incrementing one counter under the lock,
 * and db_change_token(). Prints one line per figure and driver. NOT a test:
 * it asserts nothing, and the throwaway PostgreSQL of make bench-db runs
 * with fsync off, so its write figures are not durable ones.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/err.h"
#include "store/db.h"

#define READS 20000
#define WRITES 1000
#define INCREMENTS 500
#define TOKENS 20000

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const struct err *err)
{
	fprintf(stderr, "db_drivers: %s: %s\n", what, err->msg);
	exit(1);
}

static const char *target;

static void *increment(void *arg)
{
	struct err err = ERR_INIT;
	struct db *db = db_open(target, DB_OPEN_EXISTING, &err);

	(void)arg;
	if (db == NULL)
		die("open", &err);
	for (int i = 0; i < INCREMENTS; i++) {
		struct db_stmt *s;

		if (db_begin(db, &err) != 0 || db_lock_org(db, 1, &err) != 0)
			goto retry;
		s = db_prepare(db, "UPDATE bench_counter SET n = n + 1 WHERE org_id = ?1", &err);
		if (s == NULL || db_bind_int(s, 1, 1) != 0 || db_step(s, &err) != DB_DONE) {
			db_done(s);
			goto retry;
		}
		db_done(s);
		if (db_commit(db, &err) == 0)
			continue;
retry:
		db_rollback(db);
		i--;
	}
	db_close(db);
	return NULL;
}

static void run(const char *name, int pg)
{
	struct err err = ERR_INIT;
	struct db *db = db_open(name, DB_OPEN_CREATE, &err);
	const char *label = pg ? "postgresql" : "sqlite";
	struct db_stmt *s;
	pthread_t th[2];
	double t0;

	if (db == NULL)
		die("open", &err);
	target = name;
	if (db_exec(db, pg ? "DROP TABLE IF EXISTS bench_item; DROP TABLE IF EXISTS bench_counter;"
		    "CREATE TABLE bench_item (id BIGSERIAL PRIMARY KEY, org_id BIGINT NOT NULL, t TEXT);"
		    "CREATE TABLE bench_counter (org_id BIGINT PRIMARY KEY, n BIGINT NOT NULL);"
		    "INSERT INTO bench_counter VALUES (1, 0)"
		    : "DROP TABLE IF EXISTS bench_item; DROP TABLE IF EXISTS bench_counter;"
		    "CREATE TABLE bench_item (id INTEGER PRIMARY KEY, org_id INTEGER NOT NULL, t TEXT);"
		    "CREATE TABLE bench_counter (org_id INTEGER PRIMARY KEY, n INTEGER NOT NULL);"
		    "INSERT INTO bench_counter VALUES (1, 0)", &err) != 0)
		die("schema", &err);

	t0 = now_s();
	for (int i = 0; i < WRITES; i++) {
		if (db_begin(db, &err) != 0 || db_lock_org(db, 1, &err) != 0)
			die("begin", &err);
		s = db_prepare(db, "INSERT INTO bench_item (org_id, t) VALUES (?1, ?2) RETURNING id", &err);
		if (s == NULL || db_bind_int(s, 1, 1) != 0 || db_bind_text(s, 2, "理论学习中心组") != 0 ||
		    db_step(s, &err) != DB_ROW)
			die("insert", &err);
		db_done(s);
		if (db_commit(db, &err) != 0)
			die("commit", &err);
	}
	printf("%-10s write transaction (begin, org lock, insert RETURNING, commit): %8.0f /s\n", label,
	       WRITES / (now_s() - t0));

	t0 = now_s();
	for (int i = 0; i < READS; i++) {
		s = db_prepare(db, "SELECT t FROM bench_item WHERE id = ?1", &err);
		if (s == NULL || db_bind_int(s, 1, 1 + i % WRITES) != 0 || db_step(s, &err) != DB_ROW)
			die("read", &err);
		db_done(s);
	}
	printf("%-10s point read (cached prepared statement):            %8.1f us\n", label,
	       (now_s() - t0) / READS * 1e6);

	t0 = now_s();
	for (int i = 0; i < TOKENS; i++)
		if (db_change_token(db) < 0)
			die("token", &err);
	printf("%-10s db_change_token():                                  %8.1f us\n", label,
	       (now_s() - t0) / TOKENS * 1e6);

	t0 = now_s();
	for (int i = 0; i < 2; i++)
		pthread_create(&th[i], NULL, increment, NULL);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	printf("%-10s 2 threads x %d locked increments:                 %8.0f /s\n", label, INCREMENTS,
	       2 * INCREMENTS / (now_s() - t0));
	db_exec(db, "DROP TABLE bench_item; DROP TABLE bench_counter", NULL);
	db_close(db);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: db_drivers SQLITE_FILE [POSTGRESQL_URL]\n");
		return 2;
	}
	run(argv[1], 0);
	if (argc > 2)
		run(argv[2], 1);
	return 0;
}
