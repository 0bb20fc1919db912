/*
 * test_store_version.c -- the store version the answer cache and the
 * settings refresh key on (store_version(), cache.h, svc_refresh_settings)
 * moves on another connection's commit, as another plenum instance's would,
 * on SQLite and, with PLENUM_TEST_PG_URL (make multi-test), on PostgreSQL,
 * where it rests on LISTEN/NOTIFY. Reading moves nothing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/err.h"
#include "io/orgjson.h"
#include "service/service.h"
#include "store/store.h"

static char sqlite_path[64];
static const char *target;        /* the database both connections open */
static const char ORG[] = "{\"org\": {\"key\": \"v\", \"name\": \"版本\"}}";

static void remove_files(const char *path)
{
	const char *suffixes[] = { "", "-wal", "-shm", ".checkpoints" };
	char p[128];

	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", path, suffixes[i]);
		unlink(p);
	}
}

static int same(struct store_version a, struct store_version b)
{
	return a.others == b.others && a.ours == b.ours;
}

/* Polls b's version for up to two seconds (PostgreSQL's notifications
 * travel asynchronously); 1 when it moved from before. */
static int moves(struct svc *b, struct store_version before)
{
	for (int i = 0; i < 200; i++) {
		if (!same(store_version(b->st), before))
			return 1;
		nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
	}
	return 0;
}

static int setting_index(const char *name)
{
	for (int i = 0; svc_settings[i].name; i++)
		if (strcmp(svc_settings[i].name, name) == 0)
			return i;
	return -1;
}

static void another_connections_commit_moves_the_version(void **state)
{
	struct svc a, b;
	struct err err = ERR_INIT;
	struct import_report rep = { NULL, 0, 0 };
	const char *names[] = { "check.attendance_rate" };
	const char *sixty[] = { "60" }, *ninety[] = { "90" };
	struct store_version va, vb;
	struct arena ar;
	struct org_row row;
	int k = setting_index("check.attendance_rate");

	(void)state;
	assert_true(k >= 0);
	assert_int_equal(svc_open(&a, target, STORE_CREATE, NULL, 0, &err), 0);
	if (orgjson_import(&a, ORG, strlen(ORG), 1, &rep, &err) != 0)
		fail_msg("import: %s", err.msg);
	assert_int_equal(svc_open(&b, target, STORE_EXISTING, "v", 1, &err), 0);
	assert_int_equal(svc_setting_value(&b, k), 90);

	/* Reading moves nothing, on either connection. */
	va = store_version(a.st);
	vb = store_version(b.st);
	arena_init(&ar);
	assert_int_equal(store_org_get(b.st, "v", &ar, &row, &err), 0);
	assert_int_equal(store_org_get(a.st, "v", &ar, &row, &err), 0);
	arena_release(&ar);
	assert_true(same(store_version(a.st), va));
	assert_true(same(store_version(b.st), vb));

	/* A's write: A's own version moves at once, B's as soon as it hears. */
	assert_int_equal(svc_settings_write(&a, names, sixty, 1, &err), 0);
	assert_false(same(store_version(a.st), va));
	assert_true(moves(&b, vb));
	/* ...and B's settings follow at its next refresh, as a server's next request. */
	assert_int_equal(svc_refresh_settings(&b, &err), 0);
	assert_int_equal(svc_setting_value(&b, k), 60);

	/* B's write, seen by A. */
	va = store_version(a.st);
	assert_int_equal(svc_settings_write(&b, names, ninety, 1, &err), 0);
	assert_true(moves(&a, va));
	assert_int_equal(svc_refresh_settings(&a, &err), 0);
	assert_int_equal(svc_setting_value(&a, k), 90);

	/* Nothing more committed: both stand still. */
	va = store_version(a.st);
	vb = store_version(b.st);
	nanosleep(&(struct timespec){ 0, 50 * 1000 * 1000 }, NULL);
	assert_true(same(store_version(a.st), va));
	assert_true(same(store_version(b.st), vb));
	svc_close(&b);
	svc_close(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(another_connections_commit_moves_the_version),
	};
	const char *url = getenv("PLENUM_TEST_PG_URL");
	char checkpoints[96], key[96];
	int failed, fd;

	setenv("PLENUM_TODAY", "2026-11-25", 1);
	snprintf(sqlite_path, sizeof(sqlite_path), "/tmp/plenum-version-XXXXXX");
	fd = mkstemp(sqlite_path);
	if (fd < 0)
		return 1;
	close(fd);
	unlink(sqlite_path);
	target = sqlite_path;
	failed = cmocka_run_group_tests_name("store version: sqlite", tests, NULL, NULL);
	remove_files(sqlite_path);
	if (url == NULL || *url == '\0') {
		printf("store version: postgresql skipped (PLENUM_TEST_PG_URL not set; make multi-test sets it)\n");
		return failed;
	}
	/* A database URL has no folder for the audit checkpoints and key. */
	snprintf(checkpoints, sizeof(checkpoints), "%s.checkpoints", sqlite_path);
	snprintf(key, sizeof(key), "%s.key", sqlite_path);
	setenv("PLENUM_CHECKPOINTS", checkpoints, 1);
	setenv("PLENUM_AUDIT_KEY", key, 1);
	target = url;
	failed += cmocka_run_group_tests_name("store version: postgresql", tests, NULL, NULL);
	unlink(checkpoints);
	unlink(key);
	return failed;
}
