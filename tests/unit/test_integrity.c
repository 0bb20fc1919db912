/*
 * test_integrity.c -- the record's integrity, through the services and
 * against real SQLite files: one org's lifecycle never touches another's,
 * every write has one owner and its rules hold on every path, and the
 * audit trail detects each way of forging the record (a data row edited,
 * an entry edited, the newest entries removed, an entry forged and the
 * rest re-hashed).
 */
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
#include <jansson.h>
#include <sodium.h>

#include "core/buf.h"
#include "core/limits.h"
#include "domain/model.h"
#include "io/orgjson.h"
#include "service/audit.h"
#include "service/auth.h"
#include "service/record.h"
#include "service/service.h"
#include "service/task.h"
#include "store/db.h"

#define DEMO "data/demo/jiangmen.json"




static void import_doc(struct svc *svc, const char *doc, int replace)
{
	struct err err = ERR_INIT;
	struct import_report rep = { NULL, 0, 0 };

	if (orgjson_import(svc, doc, strlen(doc), replace, &rep, &err) != 0)
		fail_msg("import failed: %s", err.msg);
}

/* The demo document made into another org: its key and every login changed. */
static char *other_org_doc(const char *demo, const char *key)
{
	json_error_t je;
	json_t *doc = json_loads(demo, 0, &je), *users, *u;
	char login[128], *out;
	size_t i;

	assert_non_null(doc);
	json_object_set_new(json_object_get(doc, "org"), "key", json_string(key));
	users = json_object_get(doc, "users");
	json_array_foreach(users, i, u) {
		snprintf(login, sizeof(login), "%s-%s", key, json_string_value(json_object_get(u, "login")));
		json_object_set_new(u, "login", json_string(login));
	}
	out = json_dumps(doc, JSON_INDENT(2));
	json_decref(doc);
	return out;
}

static char *export_org(const char *path, const char *org)
{
	struct svc svc;
	struct err err = ERR_INIT;
	struct buf b = BUF_INIT((size_t)1 << 30);
	char *out;

	assert_int_equal(svc_open(&svc, path, 0, org, 1, &err), 0);
	if (orgjson_export(&svc, &b, 0, &err) != 0)
		fail_msg("export of %s failed: %s", org, err.msg);
	svc_close(&svc);
	out = strdup(buf_str(&b));
	buf_release(&b);
	return out;
}

/* Sessions, API tokens and calendar secrets for one org's users. */
static void add_logins(const char *path, const char *org, const char *prefix)
{
	struct svc svc;
	struct err err = ERR_INIT;
	struct arena a = ARENA_INIT;
	struct principal who;
	const char *token, *session, *csrf;
	int retry = 0;
	char login[64];

	assert_int_equal(svc_open(&svc, path, 0, org, 1, &err), 0);
	snprintf(login, sizeof(login), "%ssecretary", prefix);
	assert_int_equal(auth_user_passwd(&svc, login, "correct horse battery", &err), 0);
	assert_int_equal(auth_token_new(&svc, login, "script", &a, &token, &err), 0);
	if (auth_login(&svc, login, "correct horse battery", "127.0.0.1", &a, &session, &csrf, &who, &retry, &err) != 0)
		fail_msg("login %s: %s", login, err.msg);
	assert_int_equal(auth_calendar_token(&svc, &who, &a, &token, &err), 0);
	arena_release(&a);
	svc_close(&svc);
}

static int count_rows_of_org(const char *path, long long org_id)
{
	struct err err = ERR_INIT;
	struct db *db = db_open(path, DB_OPEN_EXISTING, &err);
	struct db_stmt *s, *c;
	char sql[512], names[64][64];
	int n = 0, total = 0;

	assert_non_null(db);
	s = db_prepare(db, "SELECT m.name FROM sqlite_master m WHERE m.type = 'table' AND EXISTS "
			   "(SELECT 1 FROM pragma_table_info(m.name) WHERE name = 'org_id')", &err);
	while (db_step(s, &err) == DB_ROW && n < 64)
		snprintf(names[n++], sizeof(names[0]), "%s", db_col_text(s, 0));
	db_done(s);
	for (int i = 0; i < n; i++) {
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM %.63s WHERE org_id = %lld", names[i], org_id);
		c = db_prepare(db, sql, &err);
		assert_non_null(c);
		assert_int_equal(db_step(c, &err), DB_ROW);
		total += (int)db_col_int(c, 0);
		db_done(c);
	}
	db_close(db);
	return total;
}

static long long org_id_of(const char *path, const char *key)
{
	struct svc svc;
	struct err err = ERR_INIT;
	long long id;

	assert_int_equal(svc_open(&svc, path, 0, key, 1, &err), 0);
	id = svc.org.id;
	svc_close(&svc);
	return id;
}

/* Replacing or deleting one org leaves every row of the other exactly as it
 * was, and leaves no row of the replaced one behind. */
static void replacing_or_deleting_an_org_touches_no_other(void **state)
{
	struct svc svc;
	struct err err = ERR_INIT;
	char path[TEST_DB_MAX], *demo = slurp(DEMO), *docb = other_org_doc(demo, "orgb");
	char *before, *after, *a_export;
	long long a_id;

	(void)state;
	temp_db(path);
	assert_int_equal(svc_open(&svc, path, 1, NULL, 0, &err), 0);
	import_doc(&svc, demo, 0);
	import_doc(&svc, docb, 0);
	svc_close(&svc);
	add_logins(path, "jiangmen", "");
	add_logins(path, "orgb", "orgb-");
	/* A feedback note and an extension decision in both orgs. */
	for (int i = 0; i < 2; i++) {
		assert_int_equal(svc_open(&svc, path, 0, i ? "orgb" : "jiangmen", 1, &err), 0);
		assert_int_equal(task_act(&svc, "t-1-1", TA_DISPATCH, NULL, &err) == 0 || err.code == ST_CONFLICT, 1);
		svc_close(&svc);
	}
	before = export_org(path, "orgb");
	a_export = export_org(path, "jiangmen");
	a_id = org_id_of(path, "jiangmen");

	assert_int_equal(svc_open(&svc, path, 0, "jiangmen", 1, &err), 0);
	import_doc(&svc, a_export, 1);
	svc_close(&svc);
	after = export_org(path, "orgb");
	assert_string_equal(before, after);
	free(after);
	assert_int_equal(count_rows_of_org(path, a_id), 0);

	a_id = org_id_of(path, "jiangmen");
	assert_int_equal(svc_open(&svc, path, 0, "jiangmen", 1, &err), 0);
	if (svc_org_delete(&svc, a_id, "jiangmen", &err) != 0)
		fail_msg("delete: %s", err.msg);
	svc_close(&svc);
	after = export_org(path, "orgb");
	assert_string_equal(before, after);
	assert_int_equal(count_rows_of_org(path, a_id), 0);
	assert_int_equal(svc_open(&svc, path, 0, "orgb", 1, &err), 0);
	{
		struct audit_report r;

		assert_int_equal(audit_verify(&svc, NULL, &r, &err), 0);
		if (r.problem[0])
			fail_msg("org b's chain after deleting org a: %s", r.problem);
	}
	svc_close(&svc);
	free(after);
	free(before);
	free(a_export);
	free(docb);
	free(demo);
	remove_db(path);
}

/* A fresh database with the demo and a few audited writes after it. */
static void open_demo_with_writes(struct svc *svc, char *path)
{
	struct err err = ERR_INIT;
	char *demo = slurp(DEMO);

	temp_db(path);
	assert_int_equal(svc_open(svc, path, 1, NULL, 0, &err), 0);
	import_doc(svc, demo, 0);
	free(demo);
	for (int i = 0; i < 5; i++) {
		struct progress_input in;

		memset(&in, 0, sizeof(in));
		in.percent = 10 + i;
		in.done = "surveyed the lead unit's work";
		if (task_report(svc, "t-1-2", &in, &err) != 0)
			fail_msg("report: %s", err.msg);
	}
}

static void verify_expect(const char *path, const char *against, const char *expect)
{
	struct svc svc;
	struct err err = ERR_INIT;
	struct audit_report r;

	assert_int_equal(svc_open(&svc, path, 0, NULL, 1, &err), 0);
	if (audit_verify(&svc, against, &r, &err) != 0)
		fail_msg("verify could not run: %s", err.msg);
	if (expect == NULL && r.problem[0])
		fail_msg("expected an intact chain, got: %s", r.problem);
	if (expect && strstr(r.problem, expect) == NULL)
		fail_msg("expected a problem with \"%s\", got \"%s\"", expect, r.problem);
	svc_close(&svc);
}

static void raw(const char *path, const char *sql)
{
	struct err err = ERR_INIT;
	struct db *db = db_open(path, DB_OPEN_EXISTING, &err);

	assert_non_null(db);
	if (db_exec(db, sql, &err) != 0)
		fail_msg("%s: %s", sql, err.msg);
	db_close(db);
}

static void audit_sees_a_data_row_edited_outside_plenum(void **state)
{
	struct svc svc;
	char path[TEST_DB_MAX];

	(void)state;
	open_demo_with_writes(&svc, path);
	svc_close(&svc);
	verify_expect(path, NULL, NULL);
	/* With the triggers in place the change is recorded but never sealed. */
	raw(path, "UPDATE task SET title = 'forged' WHERE key = 't-1-2'");
	verify_expect(path, NULL, "outside plenum: no audit entry seals it");
	/* With the triggers dropped first, the row no longer matches its image. */
	raw(path, "DELETE FROM audit_change WHERE audit_id IS NULL");
	raw(path, test_on_pg() ? "DROP TRIGGER audit_task ON task" : "DROP TRIGGER audit_task_upd");
	raw(path, "UPDATE task SET title = 'forged again' WHERE key = 't-1-2'");
	verify_expect(path, NULL, "differs from the image sealed by entry");
	remove_db(path);
}

static void audit_sees_an_entry_edited(void **state)
{
	struct svc svc;
	char path[TEST_DB_MAX];

	(void)state;
	open_demo_with_writes(&svc, path);
	svc_close(&svc);
	raw(path, "UPDATE audit SET actor = 'user:someone-else' WHERE id = (SELECT max(id) - 2 FROM audit)");
	verify_expect(path, NULL, "was altered");
	remove_db(path);
}

static void checkpoint(const char *path)
{
	struct svc svc;
	struct err err = ERR_INIT;

	assert_int_equal(svc_open(&svc, path, 0, NULL, 1, &err), 0);
	if (audit_checkpoint(&svc, NULL, 0, &err) != 0)
		fail_msg("checkpoint: %s", err.msg);
	svc_close(&svc);
}

static void audit_sees_the_newest_entries_removed(void **state)
{
	struct svc svc;
	char path[TEST_DB_MAX];

	(void)state;
	open_demo_with_writes(&svc, path);
	svc_close(&svc);
	checkpoint(path);
	verify_expect(path, NULL, NULL);
	/* The last two reports and their entries and images, removed together. */
	/* (On PostgreSQL, as its owner: every trigger and foreign key off.) */
	raw(path, test_on_pg() ? "SET session_replication_role = replica;"
		  "DELETE FROM progress_report WHERE id IN (SELECT id FROM progress_report ORDER BY id DESC LIMIT 2);"
		  "DELETE FROM audit_change WHERE audit_id IN (SELECT id FROM audit ORDER BY id DESC LIMIT 2);"
		  "DELETE FROM audit WHERE id IN (SELECT id FROM audit ORDER BY id DESC LIMIT 2);"
		: "PRAGMA foreign_keys = OFF; DROP TRIGGER audit_progress_report_del; DROP TRIGGER audit_task_upd;"
		  "DELETE FROM progress_report WHERE id IN (SELECT id FROM progress_report ORDER BY id DESC LIMIT 2);"
		  "DELETE FROM audit_change WHERE audit_id IN (SELECT id FROM audit ORDER BY id DESC LIMIT 2);"
		  "DELETE FROM audit WHERE id IN (SELECT id FROM audit ORDER BY id DESC LIMIT 2);");
	verify_expect(path, NULL, "the newest entries were removed");
	remove_db(path);
}

/* The attacker's tool: re-hash every entry from the first one changed, as
 * audit.c hashes them. */
static void hex_hash(crypto_generichash_state *h, char out[65])
{
	unsigned char d[32];

	crypto_generichash_final(h, d, 32);
	sodium_bin2hex(out, 65, d, 32);
}

static void part(crypto_generichash_state *h, const char *s)
{
	s = s ? s : "";
	crypto_generichash_update(h, (const unsigned char *)s, strlen(s) + 1);
}

static void rehash_chain(const char *path)
{
	struct err err = ERR_INIT;
	struct db *db = db_open(path, DB_OPEN_EXISTING, &err);
	struct db_stmt *s, *u;
	char prev[96] = "", hash[65];
	int64_t ids[4096];
	int n = 0;

	assert_non_null(db);
	assert_true(sodium_init() >= 0);
	s = db_prepare(db, "SELECT id, prev_hash FROM audit ORDER BY id", &err);
	while (db_step(s, &err) == DB_ROW && n < 4096) {
		if (n == 0)
			snprintf(prev, sizeof(prev), "%s", db_col_text(s, 1));
		ids[n++] = db_col_int(s, 0);
	}
	db_done(s);
	for (int i = 0; i < n; i++) {
		crypto_generichash_state h;
		char rid[32];

		s = db_prepare(db, "SELECT at, actor, action, entity, coalesce(row_id, 0), before, after, changes_hash "
				   "FROM audit WHERE id = ?", &err);
		db_bind_int(s, 1, ids[i]);
		assert_int_equal(db_step(s, &err), DB_ROW);
		snprintf(rid, sizeof(rid), "%lld", (long long)db_col_int(s, 4));
		crypto_generichash_init(&h, NULL, 0, 32);
		part(&h, prev);
		part(&h, db_col_text(s, 0));
		part(&h, db_col_text(s, 1));
		part(&h, db_col_text(s, 2));
		part(&h, db_col_text(s, 3));
		part(&h, rid);
		part(&h, db_col_is_null(s, 5) ? NULL : db_col_text(s, 5));
		part(&h, db_col_is_null(s, 6) ? NULL : db_col_text(s, 6));
		if (!db_col_is_null(s, 7))
			part(&h, db_col_text(s, 7));
		hex_hash(&h, hash);
		db_done(s);
		u = db_prepare(db, "UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?", &err);
		db_bind_text(u, 1, prev);
		db_bind_text(u, 2, hash);
		db_bind_int(u, 3, ids[i]);
		assert_int_equal(db_step(u, &err), DB_DONE);
		db_done(u);
		snprintf(prev, sizeof(prev), "%s", hash);
	}
	db_close(db);
}

static void audit_sees_an_entry_forged_and_the_rest_rehashed(void **state)
{
	struct svc svc;
	char path[TEST_DB_MAX], copy[TEST_DB_MAX + 32];

	(void)state;
	open_demo_with_writes(&svc, path);
	svc_close(&svc);
	checkpoint(path);
	raw(path, "UPDATE audit SET actor = 'user:someone-else' WHERE id = (SELECT max(id) - 1 FROM audit)");
	rehash_chain(path);
	/* The chain itself is consistent again ... */
	checkpoints_of(path, copy, sizeof(copy));
	rename(copy, "/tmp/plenum-int-moved.checkpoints");
	verify_expect(path, NULL, NULL);
	/* ... but not with the checkpoint signed before the forgery, kept elsewhere. */
	verify_expect(path, "/tmp/plenum-int-moved.checkpoints", "was rewritten up to this entry");
	unlink("/tmp/plenum-int-moved.checkpoints");
	remove_db(path);
}

static void a_forged_checkpoint_is_refused(void **state)
{
	struct svc svc;
	char path[TEST_DB_MAX], cp[TEST_DB_MAX + 32], line[1024], *hash;
	FILE *f;

	(void)state;
	open_demo_with_writes(&svc, path);
	svc_close(&svc);
	checkpoint(path);
	checkpoints_of(path, cp, sizeof(cp));
	f = fopen(cp, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	/* Claim another head hash than the one signed. */
	hash = strstr(line, " jiangmen ");
	assert_non_null(hash);
	hash = strchr(hash + 10, ' ') + 1;
	*hash = *hash == '0' ? '1' : '0';
	f = fopen(cp, "w");
	fputs(line, f);
	fclose(f);
	verify_expect(path, NULL, "signature does not verify");
	remove_db(path);
}

static void held_meeting_stays_on_record(void **state)
{
	struct svc svc;
	struct err err = ERR_INIT;
	const struct entity *e = model_entity("meeting");
	struct value *vals = calloc(e->nfields, sizeof(*vals));
	unsigned char *present = calloc(e->nfields, 1);
	const struct field *status = model_field(e, "status");
	struct record rec;
	int64_t id = 0, parent = 0, version = 0;
	char path[TEST_DB_MAX];

	(void)state;
	open_demo_with_writes(&svc, path);
	assert_int_equal(store_key_id(svc.st, e, svc.org.id, "m-2026-jm-xiongan", &id, &err), 0);
	assert_int_equal(store_row_meta(svc.st, e, svc.org.id, id, &parent, &version, &err), 0);
	assert_int_equal(record_delete(&svc, e, id, 0, version, &err), -1);
	assert_int_equal(err.code, ST_CONFLICT);
	assert_non_null(strstr(err.msg, "held meeting"));
	memset(&rec, 0, sizeof(rec));
	rec.e = e;
	rec.vals = vals;
	rec.present = present;
	present[status - e->fields] = 1;
	vals[status - e->fields].kind = V_TEXT;
	vals[status - e->fields].s = "planned";
	assert_int_equal(record_update(&svc, &rec, id, version, &err), -1);
	assert_int_equal(err.code, ST_CONFLICT);
	assert_string_equal(err.field, "status");
	/* A stale version is refused inside the write, before any rule. */
	assert_int_equal(record_delete(&svc, e, id, 0, version + 7, &err), -1);
	assert_int_equal(err.code, ST_STALE);
	svc_close(&svc);
	free(vals);
	free(present);
	remove_db(path);
}

static void a_setting_change_is_audited_with_its_value(void **state)
{
	struct svc svc;
	struct err err = ERR_INIT;
	const char *name = "light.due_soon_days", *value = "3";
	struct db *db;
	struct db_stmt *s;
	char path[TEST_DB_MAX];

	(void)state;
	open_demo_with_writes(&svc, path);
	assert_int_equal(svc_settings_write(&svc, &name, &value, 1, &err), 0);
	svc_close(&svc);
	db = db_open(path, DB_OPEN_EXISTING, &err);
	s = db_prepare(db, "SELECT after FROM audit ORDER BY id DESC LIMIT 1", &err);
	assert_int_equal(db_step(s, &err), DB_ROW);
	assert_string_equal(db_col_text(s, 0), "{\"light.due_soon_days\":3}");
	db_done(s);
	s = db_prepare(db, "SELECT c.after FROM audit_change c WHERE c.audit_id = (SELECT max(id) FROM audit)", &err);
	assert_int_equal(db_step(s, &err), DB_ROW);
	assert_non_null(strstr(db_col_text(s, 0), "\"value\":\"3\""));
	db_done(s);
	db_close(db);
	verify_expect(path, NULL, NULL);
	remove_db(path);
}

/* Takes a database back to schema 10, as plenum left it before migrations
 * 0011 (a task's deadline kinds: the task table rebuilt so that due_on may
 * be NULL) and 0012 (provenance and inferred columns): the task table of 0001 with
 * due_on NOT NULL, its indexes and search triggers, no provenance columns. */
/* SQLite: undoes 0015 (the day each task's light may next change). */
static void back_to_schema_14(const char *path)
{
	raw(path, "DROP INDEX task_light_next; ALTER TABLE task_light DROP COLUMN next_change; "
		  "DELETE FROM schema_version WHERE version > 14");
}

/* SQLite: undoes 0015 and 0014 (the latest report on the task row, the light
 * counts); task's audit triggers name every column, so they go first, as
 * the upgrade makes them again. */
static void back_to_schema_13(const char *path)
{
	back_to_schema_14(path);
	raw(path, "DROP TRIGGER audit_task_ins; DROP TRIGGER audit_task_upd; DROP TRIGGER audit_task_del; "
		  "DROP TRIGGER progress_report_latest; ALTER TABLE task DROP COLUMN last_percent; "
		  "ALTER TABLE task DROP COLUMN last_report_on; ALTER TABLE task DROP COLUMN last_report_done; "
		  "DROP TABLE task_light; DROP TABLE light_count; DROP TABLE light_stamp; DROP TABLE record_token; "
		  "DELETE FROM schema_version WHERE version > 13");
}

/* SQLite: undoes 0015 to 0013 (the links' seq column). */
static void back_to_schema_12(const char *path)
{
	back_to_schema_13(path);
	raw(path, "DROP TRIGGER audit_task_unit_ins; DROP TRIGGER audit_task_unit_upd; DROP TRIGGER audit_task_unit_del; "
		  "DROP TRIGGER audit_initiative_decision_ins; DROP TRIGGER audit_initiative_decision_upd; "
		  "DROP TRIGGER audit_initiative_decision_del; DROP INDEX task_unit_seq; DROP INDEX initiative_decision_seq; "
		  "ALTER TABLE task_unit DROP COLUMN seq; ALTER TABLE initiative_decision DROP COLUMN seq; "
		  "DELETE FROM schema_version WHERE version > 12");
}

static void back_to_schema_10(const char *path)
{
	static const char *const tables[] = { "person", "post", "speech", "decision", "initiative" };
	static const char *const cols[] = { "source_title", "source_url", "outlet", "reporters", "published_on",
					    "source_extent" };
	static const char *const ops[] = { "ins", "upd", "del" };
	char sql[512];

	back_to_schema_12(path);
	raw(path, "PRAGMA foreign_keys = OFF");
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		for (size_t o = 0; o < 3; o++) {
			snprintf(sql, sizeof(sql), "DROP TRIGGER audit_%s_%s", tables[t], ops[o]);
			raw(path, sql);
		}
		for (size_t c = 0; c < sizeof(cols) / sizeof(cols[0]); c++) {
			snprintf(sql, sizeof(sql), "ALTER TABLE %s DROP COLUMN %s", tables[t], cols[c]);
			raw(path, sql);
		}
	}
	raw(path, "ALTER TABLE person DROP COLUMN inferred");
	raw(path, "ALTER TABLE initiative DROP COLUMN inferred");
	raw(path, "PRAGMA foreign_keys = OFF; BEGIN; "
		  "CREATE TABLE task_old (id INTEGER PRIMARY KEY, org_id INTEGER NOT NULL REFERENCES org(id), "
		  "key TEXT NOT NULL, initiative_id INTEGER NOT NULL REFERENCES initiative(id), "
		  "decision_id INTEGER REFERENCES decision(id), code TEXT, title TEXT NOT NULL, title_en TEXT, "
		  "lead_unit_id INTEGER NOT NULL REFERENCES unit(id), responsible_id INTEGER REFERENCES person(id), "
		  "starts_on TEXT NOT NULL, due_on TEXT NOT NULL, cadence TEXT NOT NULL DEFAULT 'monthly', "
		  "weight REAL NOT NULL DEFAULT 1, state TEXT NOT NULL DEFAULT 'registered', illustrative TEXT, "
		  "version INTEGER NOT NULL DEFAULT 1, UNIQUE (org_id, key)); "
		  "INSERT INTO task_old SELECT id, org_id, key, initiative_id, decision_id, code, title, title_en, "
		  "lead_unit_id, responsible_id, starts_on, due_on, cadence, weight, state, illustrative, version FROM task; "
		  "DROP TABLE task; ALTER TABLE task_old RENAME TO task; "
		  "CREATE INDEX task_initiative ON task(initiative_id); CREATE INDEX task_decision ON task(decision_id); "
		  "CREATE INDEX task_lead_unit ON task(lead_unit_id, due_on); CREATE INDEX task_org_due ON task(org_id, due_on); "
		  "CREATE INDEX task_org_state ON task(org_id, state); "
		  "CREATE TRIGGER task_search_ins AFTER INSERT ON task BEGIN INSERT INTO search_index (rowid, title, body, "
		  "org_id, kind, ref_id) VALUES (new.id * 8 + 4, new.title, coalesce(new.title_en, '') || ' ' || "
		  "coalesce(new.code, ''), new.org_id, 'task', new.id); END; "
		  "CREATE TRIGGER task_search_upd AFTER UPDATE OF title, title_en, code ON task BEGIN DELETE FROM "
		  "search_index WHERE rowid = old.id * 8 + 4; INSERT INTO search_index (rowid, title, body, org_id, kind, "
		  "ref_id) VALUES (new.id * 8 + 4, new.title, coalesce(new.title_en, '') || ' ' || coalesce(new.code, ''), "
		  "new.org_id, 'task', new.id); END; "
		  "CREATE TRIGGER task_search_del AFTER DELETE ON task BEGIN DELETE FROM search_index WHERE "
		  "rowid = old.id * 8 + 4; END; "
		  "DELETE FROM schema_version WHERE version > 10; COMMIT");
}

static int64_t count_of(const char *path, const char *sql)
{
	struct err err = ERR_INIT;
	struct db *db = db_open(path, DB_OPEN_EXISTING, &err);
	struct db_stmt *s;
	int64_t n = -1;

	assert_non_null(db);
	s = db_prepare(db, sql, &err);
	assert_non_null(s);
	if (db_step(s, &err) == DB_ROW)
		n = db_col_int(s, 0);
	db_done(s);
	db_close(db);
	return n;
}

/* Upgrading a database whose rows gain a column keeps the chain verifying:
 * the upgrade seals the rows' new images as a "migrate" entry. */
static void an_upgrade_that_adds_columns_keeps_the_chain(void **state)
{
	struct svc svc;
	struct err err = ERR_INIT;
	char path[TEST_DB_MAX];

	(void)state;
	open_demo_with_writes(&svc, path);
	svc_close(&svc);
	/* Back to an older schema, with one more column on an audited table, as
	 * an upgrade finds a database. */
	if (test_on_pg())         /* migrations 0015 and 0014 undone */
		raw(path, "DROP TRIGGER audit_task ON task; DROP TRIGGER progress_report_latest ON progress_report; "
			  "DROP FUNCTION plenum_report_latest(); ALTER TABLE task DROP COLUMN last_percent; "
			  "ALTER TABLE task DROP COLUMN last_report_on; ALTER TABLE task DROP COLUMN last_report_done; "
			  "DROP TABLE task_light; DROP TABLE light_count; DROP TABLE light_stamp; DROP TABLE record_token; "
			  "DELETE FROM schema_version WHERE version >= 14; "
			  "ALTER TABLE task ADD COLUMN extra TEXT NOT NULL DEFAULT 'x'");
	else {
		back_to_schema_10(path);
		raw(path, "ALTER TABLE task ADD COLUMN extra TEXT NOT NULL DEFAULT 'x'");
	}
	assert_int_equal(svc_open(&svc, path, 0, NULL, 1, &err), 0);
	svc_close(&svc);
	verify_expect(path, NULL, NULL);
	remove_db(path);
}

/* Migration 0011 rebuilds the task table (SQLite drops NOT NULL only so)
 * under a database full of rows that refer to tasks: afterwards every task,
 * report and link is there, every reference resolves, the search still
 * finds tasks, a task may have no due date, and `audit verify` passes. */
static void the_task_table_rebuild_keeps_rows_chain_and_search(void **state)
{
	struct svc svc;
	struct err err = ERR_INIT;
	char path[64];
	int64_t tasks, reports, links, found;

	(void)state;
	if (test_on_pg()) {         /* 0011 rebuilds the table on SQLite only; PostgreSQL drops NOT NULL */
		skip();
		return;
	}
	open_demo_with_writes(&svc, path);
	svc_close(&svc);
	back_to_schema_10(path);
	tasks = count_of(path, "SELECT count(*) FROM task");
	reports = count_of(path, "SELECT count(*) FROM progress_report");
	links = count_of(path, "SELECT count(*) FROM task_unit");
	found = count_of(path, "SELECT count(*) FROM search_index WHERE kind = 'task'");
	assert_true(tasks > 0 && reports > 0 && links > 0 && found == tasks);
	assert_int_equal(count_of(path, "SELECT count(*) FROM pragma_table_info('task') WHERE name = 'due_on' AND "
			 "\"notnull\""), 1);
	assert_int_equal(svc_open(&svc, path, 0, NULL, 1, &err), 0);
	svc_close(&svc);
	assert_int_equal(count_of(path, "SELECT max(version) FROM schema_version"), 15);
	assert_int_equal(count_of(path, "SELECT count(*) FROM pragma_table_info('task') WHERE name = 'due_on' AND "
			 "\"notnull\""), 0);
	assert_int_equal(count_of(path, "SELECT count(*) FROM task"), tasks);
	assert_int_equal(count_of(path, "SELECT count(*) FROM task WHERE due_kind = 'date' AND due_on IS NOT NULL"), tasks);
	assert_int_equal(count_of(path, "SELECT count(*) FROM progress_report"), reports);
	assert_int_equal(count_of(path, "SELECT count(*) FROM task_unit"), links);
	assert_int_equal(count_of(path, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
	assert_int_equal(count_of(path, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'task'"),
			 6);   /* search: insert, update, delete; audit: the same */
	verify_expect(path, NULL, NULL);
	/* the triggers work on the new table: a renamed task is found by its new
	 * title, and the change is audited (the chain still verifies) */
	assert_int_equal(svc_open(&svc, path, 0, NULL, 1, &err), 0);
	svc_close(&svc);
	raw(path, "UPDATE task SET title = 'renamed after the rebuild' WHERE key = 't-1-2'");
	assert_int_equal(count_of(path, "SELECT count(*) FROM search_index WHERE search_index MATCH 'rebuild'"), 1);
	verify_expect(path, NULL, "outside plenum");
	remove_db(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(replacing_or_deleting_an_org_touches_no_other),
		cmocka_unit_test(audit_sees_a_data_row_edited_outside_plenum),
		cmocka_unit_test(audit_sees_an_entry_edited),
		cmocka_unit_test(audit_sees_the_newest_entries_removed),
		cmocka_unit_test(audit_sees_an_entry_forged_and_the_rest_rehashed),
		cmocka_unit_test(a_forged_checkpoint_is_refused),
		cmocka_unit_test(held_meeting_stays_on_record),
		cmocka_unit_test(a_setting_change_is_audited_with_its_value),
		cmocka_unit_test(an_upgrade_that_adds_columns_keeps_the_chain),
		cmocka_unit_test(the_task_table_rebuild_keeps_rows_chain_and_search),
	};

	setenv("PLENUM_CHECKPOINT_SECONDS", "-1", 1);   /* checkpoints only when the tests write them */
	setenv("PLENUM_AUDIT_KEY", "/tmp/plenum-int-test.audit-key", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
