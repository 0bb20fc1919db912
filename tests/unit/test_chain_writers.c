/*
 * test_chain_writers.c -- two writers on two connections filing progress
 * reports to the same org at once: every write acknowledged is on record
 * exactly once, nothing unacknowledged is, and the audit chain stays one
 * line (audit verify intact, one entry per write). On SQLite BEGIN
 * IMMEDIATE serialises the writers; on PostgreSQL (PLENUM_TEST_PG) it is
 * db_lock_org(), without which READ COMMITTED forks the chain.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "testlib.h"

#include "io/orgjson.h"
#include "service/audit.h"
#include "service/service.h"
#include "service/task.h"
#include "service/tx.h"
#include "store/store.h"

#define DEMO "data/demo/jiangmen.json"
#define WRITERS 2
#define WRITES 12

struct writer {
	const char *path;
	int id;
	int acked[WRITES];     /* 1: the write was acknowledged */
	char failure[600];
};

static void *write_reports(void *p)
{
	struct writer *w = p;
	struct svc svc;
	struct err err = ERR_INIT;

	if (svc_open(&svc, w->path, 0, NULL, 1, &err) != 0) {
		snprintf(w->failure, sizeof(w->failure), "open: %s", err.msg);
		return NULL;
	}
	for (int i = 0; i < WRITES; i++) {
		char done[64];
		struct progress_input in = { NULL, 40 + i, done, NULL, NULL, NULL, NULL, NULL };

		snprintf(done, sizeof(done), "writer %d report %d", w->id, i);
		err = (struct err)ERR_INIT;
		/* A writer that waited too long is told so (busy) and may retry;
		 * what is not acknowledged must not be on record. */
		for (int tries = 0; tries < 20; tries++) {
			err = (struct err)ERR_INIT;
			if (task_report(&svc, "t-1-2", &in, &err) == 0) {
				w->acked[i] = 1;
				break;
			}
			if (err.code != ST_BUSY) {
				snprintf(w->failure, sizeof(w->failure), "report %d: %s", i, err.msg);
				break;
			}
		}
	}
	svc_close(&svc);
	return NULL;
}

static void concurrent_writers_keep_one_chain(void **state)
{
	struct writer w[WRITERS];
	pthread_t th[WRITERS];
	struct svc svc;
	struct err err = ERR_INIT;
	struct import_report rep = { NULL, 0, 0 };
	struct audit_report r;
	char path[TEST_DB_MAX], *doc = slurp(DEMO);
	int64_t entries_before, acked = 0;
	struct db *db;

	(void)state;
	temp_db(path);
	assert_int_equal(svc_open(&svc, path, 1, NULL, 0, &err), 0);
	if (orgjson_import(&svc, doc, strlen(doc), 0, &rep, &err) != 0)
		fail_msg("demo import: %s", err.msg);
	free(doc);
	svc_close(&svc);
	assert_int_equal(svc_open(&svc, path, 0, NULL, 1, &err), 0);
	assert_int_equal(audit_verify(&svc, NULL, &r, &err), 0);
	entries_before = r.entries;
	svc_close(&svc);

	for (int i = 0; i < WRITERS; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].path = path;
		w[i].id = i;
		assert_int_equal(pthread_create(&th[i], NULL, write_reports, &w[i]), 0);
	}
	for (int i = 0; i < WRITERS; i++)
		pthread_join(th[i], NULL);

	db = db_open(path, DB_OPEN_EXISTING, &err);
	assert_non_null(db);
	for (int i = 0; i < WRITERS; i++) {
		if (w[i].failure[0])
			fail_msg("writer %d: %s", i, w[i].failure);
		for (int k = 0; k < WRITES; k++) {
			char done[64];

			snprintf(done, sizeof(done), "writer %d report %d", i, k);
			if (test_count(db, "SELECT count(*) FROM progress_report WHERE done = ?1", done) != w[i].acked[k])
				fail_msg("\"%s\": acknowledged %d, on record %lld times", done, w[i].acked[k],
					 (long long)test_count(db, "SELECT count(*) FROM progress_report WHERE done = ?1", done));
			acked += w[i].acked[k];
		}
	}
	db_close(db);
	assert_true(acked >= WRITES);   /* most writes get through */

	assert_int_equal(svc_open(&svc, path, 0, NULL, 1, &err), 0);
	assert_int_equal(audit_verify(&svc, NULL, &r, &err), 0);
	if (r.problem[0])
		fail_msg("audit verify after concurrent writers: %s", r.problem);
	assert_int_equal(r.entries, entries_before + acked);
	svc_close(&svc);
	remove_db(path);
}

/* An entry of the chain is written while the org's writers wait for the
 * org lock: on PostgreSQL it costs two round trips (what it is made from,
 * then the entry with its changes sealed), not four (the last hash, the
 * pending changes, the entry, the seal). The chain stays intact. */
static void a_chain_entry_costs_two_round_trips(void **state)
{
	struct svc svc;
	struct err err = ERR_INIT;
	struct import_report rep = { NULL, 0, 0 };
	struct audit_report r;
	char path[TEST_DB_MAX], *doc = slurp(DEMO);
	struct progress_input in = { NULL, 45, "entry cost", NULL, NULL, NULL, NULL, NULL };
	int64_t entries_before, trips = -1, before;

	(void)state;
	temp_db(path);
	assert_int_equal(svc_open(&svc, path, 1, NULL, 0, &err), 0);
	if (orgjson_import(&svc, doc, strlen(doc), 0, &rep, &err) != 0)
		fail_msg("demo import: %s", err.msg);
	free(doc);
	svc_close(&svc);
	assert_int_equal(svc_open(&svc, path, 0, NULL, 1, &err), 0);
	assert_int_equal(audit_verify(&svc, NULL, &r, &err), 0);
	entries_before = r.entries;
	/* Twice: the first run prepares the statements. The report inside an
	 * open write leaves its changes pending for the entry appended here. */
	for (int i = 0; i < 2; i++) {
		assert_int_equal(svc_tx_begin(&svc, &err), 0);
		if (task_report(&svc, "t-1-2", &in, &err) != 0)
			fail_msg("report: %s", err.msg);
		before = store_round_trips(svc.st);
		if (audit_append(&svc, "report", "task", 0, NULL, NULL, &err) != 0)
			fail_msg("append: %s", err.msg);
		trips = store_round_trips(svc.st) - before;
		assert_int_equal(svc_tx_end(&svc, 0, "report", "task", 0, NULL, NULL, &err), 0);
	}
	assert_int_equal(trips, test_on_pg() ? 2 : 0);
	assert_int_equal(audit_verify(&svc, NULL, &r, &err), 0);
	if (r.problem[0])
		fail_msg("audit verify: %s", r.problem);
	assert_int_equal(r.entries, entries_before + 4);
	svc_close(&svc);
	remove_db(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(concurrent_writers_keep_one_chain),
		cmocka_unit_test(a_chain_entry_costs_two_round_trips),
	};

	setenv("PLENUM_TODAY", "2026-11-25", 1);
	setenv("PLENUM_CHECKPOINT_SECONDS", "-1", 1);
	setenv("PLENUM_AUDIT_KEY", "/tmp/plenum-chain-test.audit-key", 1);
	printf("chain writers: on %s\n", test_on_pg() ? "PostgreSQL" : "SQLite");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
