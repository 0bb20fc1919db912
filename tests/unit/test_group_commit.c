/*
 * test_group_commit.c -- the server's group commit (service/tx.h
 * svc_tx_group): eight threads file progress reports at once through one
 * writer's connection, so that writes share commits. Among them are writes
 * refused before they change anything (an unknown reporter) and writes
 * refused after they changed rows (a report filed inside a write that then
 * fails): each refused one must leave nothing behind, not even in the
 * commit it shared with accepted ones; each accepted one is on record
 * exactly once, with its own audit entry, and the chain verifies. On
 * PostgreSQL too (make pg-check).
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

#define DEMO "data/demo/jiangmen.json"
#define WRITERS 8
#define WRITES 15

/* What write i of a writer is: accepted, refused before writing, refused
 * after writing. */
enum kind { ACCEPTED, REFUSED_EARLY, REFUSED_LATE };

static enum kind kind_of(int i)
{
	return i % 3 == 0 ? ACCEPTED : i % 3 == 1 ? REFUSED_EARLY : REFUSED_LATE;
}

struct writer {
	const char *path;
	int id;
	int answer[WRITES];    /* 0: acknowledged; -1: refused */
	int code[WRITES];
	char failure[600];
};

static const char *const tasks[] = { "t-1-2", "t-2-1-3", "t-2-2-1", "t-1-3" };

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
		const char *task = tasks[(w->id + i) % 4];
		int rc;

		snprintf(done, sizeof(done), "group writer %d report %d", w->id, i);
		err = (struct err)ERR_INIT;
		switch (kind_of(i)) {
		case ACCEPTED:
			rc = task_report(&svc, task, &in, &err);
			break;
		case REFUSED_EARLY:
			in.reporter_key = "nobody-at-all";
			rc = task_report(&svc, task, &in, &err);
			break;
		default:
			/* The report is written (it joins the outer write), then the
			 * outer write fails: all of it must go. */
			rc = svc_tx_begin(&svc, &err);
			if (rc == 0 && task_report(&svc, task, &in, &err) != 0)
				snprintf(w->failure, sizeof(w->failure), "report %d inside a write: %s", i, err.msg);
			if (rc == 0)
				rc = svc_tx_end(&svc, -1, NULL, NULL, 0, NULL, NULL, &err) == 0 ? 0 : -1;
			if (rc == 0)
				snprintf(w->failure, sizeof(w->failure), "report %d: a failed write was acknowledged", i);
			err.code = ST_REFUSED;
			break;
		}
		w->answer[i] = rc;
		w->code[i] = err.code;
	}
	svc_close(&svc);
	return NULL;
}

static void refused_writes_leave_nothing_in_a_shared_commit(void **state)
{
	struct writer w[WRITERS];
	pthread_t th[WRITERS];
	struct svc svc;
	struct err err = ERR_INIT;
	struct import_report rep = { NULL, 0, 0 };
	struct audit_report r;
	char path[TEST_DB_MAX], *doc = slurp(DEMO);
	int64_t entries_before, acked = 0, commits = 0, writes = 0, c0, w0;
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

	if (svc_tx_group(path, 5000, &err) != 0)
		fail_msg("group: %s", err.msg);
	svc_tx_group_stats(&c0, &w0);
	for (int i = 0; i < WRITERS; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].path = path;
		w[i].id = i;
		assert_int_equal(pthread_create(&th[i], NULL, write_reports, &w[i]), 0);
	}
	for (int i = 0; i < WRITERS; i++)
		pthread_join(th[i], NULL);
	svc_tx_group_stats(&commits, &writes);
	svc_tx_group_close();

	db = db_open(path, DB_OPEN_EXISTING, &err);
	assert_non_null(db);
	for (int i = 0; i < WRITERS; i++) {
		if (w[i].failure[0])
			fail_msg("writer %d: %s", i, w[i].failure);
		for (int k = 0; k < WRITES; k++) {
			char done[64];
			int64_t stored, sealed;

			snprintf(done, sizeof(done), "group writer %d report %d", i, k);
			stored = test_count(db, "SELECT count(*) FROM progress_report WHERE done = ?1", done);
			/* the report's own row image in the chain */
			sealed = test_count(db, "SELECT count(*) FROM audit_change WHERE tbl = 'progress_report' "
					   "AND after LIKE '%' || ?1 || '\"%'", done);
			if (kind_of(k) == ACCEPTED && (w[i].answer[k] != 0 || stored != 1 || sealed != 1))
				fail_msg("\"%s\": accepted, answered %d (code %d), on record %lld times, sealed %lld times", done,
					 w[i].answer[k], w[i].code[k], (long long)stored, (long long)sealed);
			if (kind_of(k) != ACCEPTED && (w[i].answer[k] == 0 || stored != 0 || sealed != 0))
				fail_msg("\"%s\": refused, answered %d, on record %lld times, sealed %lld times", done,
					 w[i].answer[k], (long long)stored, (long long)sealed);
			if (kind_of(k) == REFUSED_EARLY)
				assert_int_equal(w[i].code[k], ST_NOTFOUND);
			acked += w[i].answer[k] == 0;
		}
	}
	db_close(db);

	/* One audit entry per accepted write, the chain one line. */
	assert_int_equal(svc_open(&svc, path, 0, NULL, 1, &err), 0);
	assert_int_equal(audit_verify(&svc, NULL, &r, &err), 0);
	if (r.problem[0])
		fail_msg("audit verify after group commits: %s", r.problem);
	assert_int_equal(r.entries, entries_before + acked);
	svc_close(&svc);

	/* The writes did share commits: fewer commits than accepted writes. */
	printf("group commit: %lld writes in %lld commits\n", (long long)(writes - w0), (long long)(commits - c0));
	assert_int_equal(writes - w0, acked);
	assert_true(commits - c0 < acked);
	remove_db(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(refused_writes_leave_nothing_in_a_shared_commit),
	};

	setenv("PLENUM_TODAY", "2026-11-25", 1);
	setenv("PLENUM_CHECKPOINT_SECONDS", "-1", 1);
	setenv("PLENUM_AUDIT_KEY", "/tmp/plenum-group-test.audit-key", 1);
	printf("group commit: on %s\n", test_on_pg() ? "PostgreSQL" : "SQLite");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
