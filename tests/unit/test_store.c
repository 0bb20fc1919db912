/*
 * test_store.c -- the store, the import/export document and the services
 * against real temporary SQLite files: schema and migrations, all-or-nothing
 * import with JSON paths, exact round trip, the supervision workflow, the
 * append-only progress reports and the audit chain.
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

#include "core/buf.h"
#include "core/limits.h"
#include "domain/model.h"
#include "io/orgjson.h"
#include "service/audit.h"
#include "service/auth.h"
#include "service/check.h"
#include "service/initiative.h"
#include "service/meeting.h"
#include "service/service.h"
#include "service/task.h"
#include "store/db.h"

#define DEMO "data/demo/jiangmen.json"




/* Opens a fresh database with the demo imported. */
static void open_demo(struct svc *svc, char *path)
{
	struct err err = ERR_INIT;
	struct import_report rep = { NULL, 0, 0 };
	char *doc = slurp(DEMO);

	temp_db(path);
	assert_int_equal(svc_open(svc, path, 1, NULL, 0, &err), 0);
	if (orgjson_import(svc, doc, strlen(doc), 0, &rep, &err) != 0)
		fail_msg("demo import failed: %s", err.msg);
	free(doc);
}

/* Imports doc into a fresh database; returns the problems text (owned). */
static char *import_problems(const char *doc, int *rc_out, int *orgs_after)
{
	struct svc svc;
	struct err err = ERR_INIT;
	struct buf problems = BUF_INIT(1 << 20);
	struct import_report rep = { &problems, 0, 0 };
	struct arena a = ARENA_INIT;
	struct org_row org;
	char path[TEST_DB_MAX];

	temp_db(path);
	assert_int_equal(svc_open(&svc, path, 1, NULL, 0, &err), 0);
	*rc_out = orgjson_import(&svc, doc, strlen(doc), 0, &rep, &err);
	*orgs_after = store_org_get(svc.st, NULL, &a, &org, NULL) == 0;
	arena_release(&a);
	svc_close(&svc);
	remove_db(path);
	return buf_detach(&problems, NULL);
}

static void every_dictionary_column_exists(void **state)
{
	struct err err = ERR_INIT;
	struct store *st;
	struct db *db;
	char path[TEST_DB_MAX], sql[2048], col[96];

	(void)state;
	temp_db(path);
	st = store_open(path, 1, &err);
	assert_non_null(st);
	store_close(st);
	db = db_open(path, DB_OPEN_EXISTING, &err);
	assert_non_null(db);
	for (size_t i = 0; i <= model_nentities; i++) {
		const struct entity *e = i < model_nentities ? &model_entities[i] : &model_org;
		size_t len = (size_t)snprintf(sql, sizeof(sql), "SELECT id");

		for (size_t k = 0; k < e->nfields; k++)
			if (model_is_column(&e->fields[k]))
				len += (size_t)snprintf(sql + len, sizeof(sql) - len, ", %s",
							model_column(&e->fields[k], col, sizeof(col)));
		snprintf(sql + len, sizeof(sql) - len, " FROM %s", e->table);
		if (db_prepare(db, sql, &err) == NULL)
			fail_msg("%s: %s", e->name, err.msg);
	}
	db_close(db);
	remove_db(path);
}

static void newer_database_is_refused(void **state)
{
	struct err err = ERR_INIT;
	struct store *st;
	struct db *db;
	char path[TEST_DB_MAX];

	(void)state;
	temp_db(path);
	st = store_open(path, 1, &err);
	assert_non_null(st);
	store_close(st);
	db = db_open(path, DB_OPEN_EXISTING, &err);
	assert_int_equal(db_exec(db, "INSERT INTO schema_version (version) VALUES (999)", &err), 0);
	db_close(db);
	st = store_open(path, 0, &err);
	assert_null(st);
	assert_non_null(strstr(err.msg, "newer"));
	/* and a missing file is not created without asking (a SQLite file
	 * specific: a PostgreSQL database exists before plenum) */
	remove_db(path);
	if (test_on_pg())
		return;
	assert_null(store_open(path, 0, &err));
	assert_int_equal(err.code, ST_NOTFOUND);
	assert_int_not_equal(access(path, F_OK), 0);
}

static void export_then_import_reproduces_the_data(void **state)
{
	struct svc a, b;
	struct err err = ERR_INIT;
	struct buf one = BUF_INIT(LIM_IMPORT_BYTES), two = BUF_INIT(LIM_IMPORT_BYTES);
	struct import_report rep = { NULL, 0, 0 };
	char pa[TEST_DB_MAX], pb[TEST_DB_MAX];

	(void)state;
	open_demo(&a, pa);
	assert_int_equal(orgjson_export(&a, &one, 0, &err), 0);
	temp_db(pb);
	assert_int_equal(svc_open(&b, pb, 1, NULL, 0, &err), 0);
	assert_int_equal(orgjson_import(&b, buf_str(&one), buf_len(&one), 0, &rep, &err), 0);
	assert_true(rep.rows > 200);
	assert_int_equal(orgjson_export(&b, &two, 0, &err), 0);
	assert_string_equal(buf_str(&one), buf_str(&two));
	/* the export carries what a person would look for */
	assert_non_null(strstr(buf_str(&one), "\"Chen Anming\""));
	assert_non_null(strstr(buf_str(&one), "\"supporting_units\""));
	assert_non_null(strstr(buf_str(&one), "\"illustrative\": true"));
	/* a second import of the same org is refused, --replace takes it */
	assert_int_equal(orgjson_import(&b, buf_str(&one), buf_len(&one), 0, &rep, &err), -1);
	assert_int_equal(orgjson_import(&b, buf_str(&one), buf_len(&one), 1, &rep, &err), 0);
	buf_release(&one);
	buf_release(&two);
	svc_close(&a);
	svc_close(&b);
	remove_db(pa);
	remove_db(pb);
}

static void bad_documents_name_the_path_and_write_nothing(void **state)
{
	static const struct {
		const char *doc, *expect;
	} cases[] = {
		{ "{\"org\": {\"key\": \"x\", \"name\": \"X\"", "line 1" },
		{ "[1, 2]", "expected an object" },
		{ "{\"org\": {\"key\": \"x\"}}", "org.name: required" },
		{ "{\"org\": {\"key\": \"x\", \"name\": \"X\", \"name\": \"Y\"}}", "duplicate" },
		{ "{\"org\": {\"key\": \"x\", \"name\": \"X\"}, \"units\": [{\"key\": \"u\", \"name\": \"U\", \"kind\": \"court\"},"
		  " {\"key\": \"u\", \"name\": \"V\", \"kind\": \"court\"}]}", "units[1].key: duplicate unit key \"u\"" },
		{ "{\"org\": {\"key\": \"x\", \"name\": \"X\"}, \"persons\": [{\"key\": \"p\", \"name\": \"P\", \"unit\": \"nope\"}]}",
		  "persons[0].unit: no unit \"nope\"" },
		{ "{\"org\": {\"key\": \"x\", \"name\": \"X\"}, \"groups\": [{\"key\": \"g\", \"name\": \"G\"}],"
		  " \"meetings\": [{\"key\": \"m\", \"group\": \"g\", \"title\": \"T\", \"status\": \"held\","
		  " \"starts_at\": \"2026-03-10T09:00+08:00\", \"attendance\": [{\"person\": \"p-17\", \"capacity\": \"member\","
		  " \"status\": \"present\"}]}]}", "meetings[0].attendance[0].person: no person \"p-17\"" },
		{ "{\"org\": {\"key\": \"x\", \"name\": \"X\"}, \"groups\": [{\"key\": \"g\", \"name\": \"G\"}],"
		  " \"plans\": [{\"key\": \"p\", \"group\": \"g\", \"year\": 2026, \"status\": \"draft\", \"approved_on\": \"2026-02-30\"}]}",
		  "plans[0].approved_on: expected a real date" },
		{ "{\"org\": {\"key\": \"x\", \"name\": \"X\"}, \"units\": [{\"key\": \"u\", \"name\": \"U\", \"kind\": \"bank\"}]}",
		  "units[0].kind: expected one of: party" },
		{ "{\"org\": {\"key\": \"x\", \"name\": \"X\"}, \"units\": [{\"key\": \"u\", \"name\": 7, \"kind\": \"court\"}]}",
		  "units[0].name: expected text" },
		{ "{\"org\": {\"key\": \"x\", \"name\": \"X\", \"colour\": \"red\"}}", "org.colour: unknown field" },
		{ "{\"org\": {\"key\": \"x\", \"name\": \"X\"}, \"settings\": {\"check.attendance_rate\": 120}}",
		  "settings.check.attendance_rate: expected a whole number in 0..100" },
		{ "{\"org\": {\"key\": \"x y\", \"name\": \"X\"}}", "org.key: a key is" },
		{ "{\"org\": {\"key\": \"x\", \"name\": \"\xe6\xb1\"}}", "not valid UTF-8" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc, orgs;
		char *problems = import_problems(cases[i].doc, &rc, &orgs);

		if (rc != -1 || strstr(problems, cases[i].expect) == NULL)
			fail_msg("case %zu: expected \"%s\", got rc %d and:\n%s", i, cases[i].expect, rc, problems);
		assert_int_equal(orgs, 0);      /* nothing written */
		free(problems);
	}
}

static void every_problem_is_listed_at_once(void **state)
{
	const char *doc =
		"{\"org\": {\"key\": \"x\", \"name\": \"X\"}, \"units\": [{\"key\": \"u\", \"name\": \"U\", \"kind\": \"court\"}],"
		" \"initiatives\": [{\"key\": \"i\", \"code\": \"1\", \"title\": \"I\"}],"
		" \"tasks\": [{\"key\": \"t\", \"initiative\": \"i\", \"title\": \"T\", \"lead_unit\": \"u\","
		" \"supporting_units\": [\"u\", \"v\"], \"starts_on\": \"2026-06-01\", \"due_on\": \"2026-05-01\","
		" \"reports\": [{\"reported_on\": \"2026-06-10\", \"percent\": 140, \"done\": \"x\", \"filed_by\": \"me\"}]}]}";
	int rc, orgs;
	char *problems = import_problems(doc, &rc, &orgs);

	(void)state;
	assert_int_equal(rc, -1);
	assert_int_equal(orgs, 0);
	assert_non_null(strstr(problems, "tasks[0].supporting_units[1]: no unit \"v\""));
	assert_non_null(strstr(problems, "tasks[0].due_on: is before starts_on"));
	assert_non_null(strstr(problems, "tasks[0].reports[0].percent: 140 is out of range 0..100"));
	free(problems);
}

static void initiative_cycles_are_refused(void **state)
{
	const char *doc =
		"{\"org\": {\"key\": \"x\", \"name\": \"X\"}, \"initiatives\": ["
		"{\"key\": \"a\", \"code\": \"1\", \"title\": \"A\", \"parent\": \"b\"},"
		"{\"key\": \"b\", \"code\": \"2\", \"title\": \"B\", \"parent\": \"a\"}]}";
	int rc, orgs;
	char *problems = import_problems(doc, &rc, &orgs);

	(void)state;
	assert_int_equal(rc, -1);
	assert_non_null(strstr(problems, "its own ancestor"));
	free(problems);
}

static void meeting_record_holds_untidy_facts(void **state)
{
	struct svc svc;
	struct arena a = ARENA_INIT;
	struct meeting_view v;
	struct err err = ERR_INIT;
	char path[TEST_DB_MAX];
	int whole_meeting = 0, category = 0, external = 0;

	(void)state;
	open_demo(&svc, path);
	assert_int_equal(meeting_show(&svc, "m-2026-jm-xiongan", &a, &v, &err), 0);
	assert_int_equal(v.rec.nspeeches, 3);
	assert_int_equal(v.rec.ndecisions, 3);
	assert_true(v.ntasks >= 12);
	for (size_t i = 0; i < v.rec.nunits; i++)
		category += v.rec.units[i].unit_key == NULL;    /* a category, no unit */
	assert_true(category >= 1);
	assert_int_equal(meeting_show(&svc, "m-2026-q1", &a, &v, &err), 0);
	for (size_t i = 0; i < v.rec.ndecisions; i++)
		whole_meeting += v.rec.decisions[i].speech_key == NULL;
	assert_int_equal(whole_meeting, 1);
	assert_int_equal(meeting_show(&svc, "m-2026-q3", &a, &v, &err), 0);
	for (size_t i = 0; i < v.rec.nspeeches; i++)
		external += strcmp(v.rec.speeches[i].kind, "lecture") == 0;
	assert_int_equal(external, 1);
	assert_int_equal(meeting_show(&svc, "nope", &a, &v, &err), -1);
	assert_int_equal(err.code, ST_NOTFOUND);
	arena_release(&a);
	svc_close(&svc);
	remove_db(path);
}

static int count_history(struct svc *svc, const char *key)
{
	struct arena a = ARENA_INIT;
	struct task_view t;
	struct task_history h;
	int n;

	assert_int_equal(task_show(svc, key, &a, &t, &h, NULL), 0);
	n = (int)h.ntransitions;
	arena_release(&a);
	return n;
}

static enum light light_of(struct svc *svc, const char *key)
{
	struct arena a = ARENA_INIT;
	struct task_view t;
	enum light l;

	assert_int_equal(task_show(svc, key, &a, &t, NULL, NULL), 0);
	l = t.light.light;
	arena_release(&a);
	return l;
}

static void supervision_workflow_end_to_end(void **state)
{
	struct svc svc;
	struct err err = ERR_INIT;
	struct progress_input p = { NULL, 30, "开展企业摸底", NULL, NULL, "p-wang-jun", NULL, NULL };
	char path[TEST_DB_MAX];
	int before;

	(void)state;
	setenv("PLENUM_TODAY", "2027-02-01", 1);
	open_demo(&svc, path);
	/* t-2-2-3 was dispatched; it starts 2027-01-01 */
	before = count_history(&svc, "t-2-2-3");
	assert_int_equal(task_report(&svc, "t-2-2-3", &p, &err), -1);    /* not acknowledged yet */
	assert_int_equal(err.code, ST_CONFLICT);
	assert_non_null(strstr(err.msg, "allowed now: acknowledge"));
	assert_int_equal(task_act(&svc, "t-2-2-3", TA_CLOSE, NULL, &err), -1);
	assert_int_equal(task_act(&svc, "t-2-2-3", TA_ACKNOWLEDGE, "签收", &err), 0);
	assert_int_equal(task_report(&svc, "t-2-2-3", &p, &err), 0);
	assert_int_equal(light_of(&svc, "t-2-2-3"), LIGHT_GREEN);
	assert_int_equal(task_act(&svc, "t-2-2-3", TA_CLOSE, NULL, &err), -1);   /* closing needs completion first */
	assert_non_null(strstr(err.msg, "report_completion"));
	assert_int_equal(task_act(&svc, "t-2-2-3", TA_REPORT_COMPLETION, NULL, &err), 0);
	assert_int_equal(task_act(&svc, "t-2-2-3", TA_RETURN, "材料不全", &err), 0);
	assert_int_equal(task_act(&svc, "t-2-2-3", TA_REPORT_COMPLETION, NULL, &err), 0);
	assert_int_equal(task_act(&svc, "t-2-2-3", TA_CLOSE, "销号", &err), 0);
	assert_int_equal(light_of(&svc, "t-2-2-3"), LIGHT_DONE);
	/* acknowledge, progress (to in progress), completion, return, completion, close */
	assert_int_equal(count_history(&svc, "t-2-2-3"), before + 6);
	/* bad input is refused before anything is written */
	p.percent = 101;
	assert_int_equal(task_report(&svc, "t-1-2", &p, &err), -1);
	assert_string_equal(err.field, "percent");
	p.percent = 50;
	p.reported_on = "2027-02-02";
	assert_int_equal(task_report(&svc, "t-1-2", &p, &err), -1);    /* in the future */
	assert_string_equal(err.field, "reported_on");
	assert_int_equal(task_act(&svc, "t-none", TA_DISPATCH, NULL, &err), -1);
	assert_int_equal(err.code, ST_NOTFOUND);
	svc_close(&svc);
	remove_db(path);
	unsetenv("PLENUM_TODAY");
}

static void extensions_only_before_the_due_date(void **state)
{
	struct svc svc;
	struct err err = ERR_INIT;
	struct arena a = ARENA_INIT;
	struct task_view t;
	char path[TEST_DB_MAX];

	(void)state;
	setenv("PLENUM_TODAY", "2026-11-25", 1);
	open_demo(&svc, path);
	/* t-2-1-2 was due 2026-10-31: too late to ask */
	assert_int_equal(task_request_extension(&svc, "t-2-1-2", "2027-01-31", "龙头项目推迟", &err), -1);
	assert_int_equal(err.code, ST_CONFLICT);
	assert_non_null(strstr(err.msg, "before the due date"));
	/* t-3-2 already has one waiting */
	assert_int_equal(task_request_extension(&svc, "t-3-2", "2027-06-30", "again", &err), -1);
	assert_non_null(strstr(err.msg, "already has an extension request"));
	/* t-2-1-1 is due 2026-12-31: the new date must be later */
	assert_int_equal(task_request_extension(&svc, "t-2-1-1", "2026-12-01", "x", &err), -1);
	assert_string_equal(err.field, "new_due_on");
	assert_int_equal(task_request_extension(&svc, "t-2-1-1", "2027-03-31", "环评滞后", &err), 0);
	assert_int_equal(task_decide_extension(&svc, "t-2-1-1", 1, "同意", &err), 0);
	assert_int_equal(task_show(&svc, "t-2-1-1", &a, &t, NULL, &err), 0);
	assert_string_equal(t.row.due_on, "2027-03-31");
	assert_int_equal(task_decide_extension(&svc, "t-2-1-1", 0, NULL, &err), -1);   /* nothing pending */
	/* refusing keeps the date */
	assert_int_equal(task_decide_extension(&svc, "t-3-2", 0, "不同意", &err), 0);
	assert_int_equal(task_show(&svc, "t-3-2", &a, &t, NULL, &err), 0);
	assert_string_equal(t.row.due_on, "2026-12-15");
	arena_release(&a);
	svc_close(&svc);
	remove_db(path);
	unsetenv("PLENUM_TODAY");
}

static void lost_update_is_detected(void **state)
{
	struct svc svc;
	struct err err = ERR_INIT;
	struct arena a = ARENA_INIT;
	struct task_view t;
	char path[TEST_DB_MAX];

	(void)state;
	open_demo(&svc, path);
	assert_int_equal(task_show(&svc, "t-q1-1", &a, &t, NULL, &err), 0);
	assert_int_equal(store_task_set_state(svc.st, t.row.id, t.row.version, "dispatched", &err), 0);
	/* a second writer still holding the old version loses */
	assert_int_equal(store_task_set_state(svc.st, t.row.id, t.row.version, "dispatched", &err), -1);
	assert_int_equal(err.code, ST_STALE);
	arena_release(&a);
	svc_close(&svc);
	remove_db(path);
}

static void progress_reports_are_append_only(void **state)
{
	struct svc svc;
	struct err err = ERR_INIT;
	struct db *db;
	char path[TEST_DB_MAX];

	(void)state;
	open_demo(&svc, path);
	svc_close(&svc);
	db = db_open(path, DB_OPEN_EXISTING, &err);
	assert_int_equal(db_exec(db, "UPDATE progress_report SET percent = 100", &err), -1);
	assert_non_null(strstr(err.msg, "append-only"));
	db_close(db);
	remove_db(path);
}

static void settings_change_the_rules(void **state)
{
	struct svc svc;
	struct err err = ERR_INIT;
	struct arena a = ARENA_INIT;
	struct check_result r;
	char path[TEST_DB_MAX];
	int rate_findings = 0;

	(void)state;
	setenv("PLENUM_TODAY", "2026-11-25", 1);
	open_demo(&svc, path);
	assert_int_equal(svc_setting_set(&svc, "check.attendance_rate", "60", &err), 0);
	assert_int_equal(check_group_year(&svc, "g-jm-tlcg", 2026, &a, &r, &err), 0);
	for (size_t i = 0; i < r.findings.n; i++)
		rate_findings += strcmp(r.findings.items[i].rule, "attendance_rate") == 0;
	assert_int_equal(rate_findings, 0);       /* 2 of 3 is over 60% */
	assert_int_equal(svc_setting_set(&svc, "check.attendance_rate", "101", &err), -1);
	assert_int_equal(svc_setting_set(&svc, "no.such", "1", &err), -1);
	assert_int_equal(check_group_year(&svc, "g-none", 2026, &a, &r, &err), -1);
	assert_int_equal(err.code, ST_NOTFOUND);
	arena_release(&a);
	svc_close(&svc);
	remove_db(path);
	unsetenv("PLENUM_TODAY");
}

static void demo_shows_every_light(void **state)
{
	struct svc svc;
	struct arena a = ARENA_INIT;
	struct initiative_view *v;
	size_t n;
	char path[TEST_DB_MAX];

	(void)state;
	setenv("PLENUM_TODAY", "2026-11-25", 1);
	open_demo(&svc, path);
	assert_int_equal(initiative_tree(&svc, &a, &v, &n, NULL), 0);
	{
		int total[LIGHT_COUNT] = { 0 };

		for (size_t i = 0; i < n; i++)
			if (v[i].depth == 0)
				for (int l = 0; l < LIGHT_COUNT; l++)
					total[l] += v[i].roll.counts[l];
		for (int l = 0; l < LIGHT_COUNT; l++)
			if (total[l] == 0)
				fail_msg("no %s task in the demo", light_name((enum light)l));
	}
	arena_release(&a);
	svc_close(&svc);
	remove_db(path);
	unsetenv("PLENUM_TODAY");
}

/* The services keep every task list to the caller's scope (svc->who): a
 * reporter gets its unit's tasks, an observer none, the CLI (no one) all;
 * a meeting's embedded tasks too. */
static void task_lists_keep_to_the_callers_scope(void **state)
{
	struct svc svc;
	struct arena a = ARENA_INIT;
	struct task_view *all, *mine, *none;
	struct task_filter f;
	struct meeting_view mv;
	struct principal rep, obs;
	size_t nall, nmine, nnone, nunit;
	char path[TEST_DB_MAX];

	(void)state;
	open_demo(&svc, path);
	memset(&rep, 0, sizeof(rep));
	rep.role = ROLE_REPORTER;
	rep.user.unit_key = "u-jm-miit";
	memset(&obs, 0, sizeof(obs));
	obs.role = ROLE_OBSERVER;
	assert_int_equal(task_list(&svc, NULL, -1, &a, &all, &nall, NULL), 0);
	memset(&f, 0, sizeof(f));
	f.unit_key = "u-jm-miit";
	assert_int_equal(task_list(&svc, &f, -1, &a, &mine, &nunit, NULL), 0);
	assert_true(nunit > 0 && nunit < nall);

	svc.who = &rep;
	assert_int_equal(task_list(&svc, NULL, -1, &a, &mine, &nmine, NULL), 0);
	assert_int_equal(nmine, nunit);
	f.unit_key = "u-jm-commerce";         /* another unit's: nothing, not an error */
	assert_int_equal(task_list(&svc, &f, -1, &a, &none, &nnone, NULL), 0);
	assert_int_equal(nnone, 0);

	svc.who = &obs;
	assert_int_equal(task_list(&svc, NULL, -1, &a, &none, &nnone, NULL), 0);
	assert_int_equal(nnone, 0);
	assert_int_equal(meeting_show(&svc, "m-2026-jm-xiongan", &a, &mv, NULL), 0);
	assert_int_equal(mv.ntasks, 0);
	svc.who = NULL;
	assert_int_equal(meeting_show(&svc, "m-2026-jm-xiongan", &a, &mv, NULL), 0);
	assert_true(mv.ntasks > 0);

	arena_release(&a);
	svc_close(&svc);
	remove_db(path);
}

/* Disabling a user, changing its password or deleting it ends its sessions
 * and tokens in the store itself, whichever code made the change. */
static void ending_an_account_ends_its_sessions(void **state)
{
	struct svc svc;
	struct arena a = ARENA_INIT;
	struct user_row u;
	const char *csrf;
	char path[TEST_DB_MAX];

	(void)state;
	open_demo(&svc, path);
	assert_int_equal(store_user_by_login(svc.st, "viewer", &a, &u, NULL), 0);
	assert_int_equal(store_session_insert(svc.st, u.org_id, u.id, "h1", "c", "2026-01-01T00:00:00Z", "2999-01-01T00:00:00Z",
					      NULL), 0);
	assert_int_equal(store_token_insert(svc.st, u.org_id, u.id, "t", "th1", "2026-01-01T00:00:00Z", NULL), 0);
	assert_int_equal(store_user_by_session(svc.st, "h1", "2026-06-01T00:00:00Z", &a, &u, &csrf, NULL), 0);
	assert_int_equal(store_user_set_disabled(svc.st, u.id, 1, NULL), 0);
	assert_int_equal(store_user_set_disabled(svc.st, u.id, 0, NULL), 0);
	assert_int_not_equal(store_user_by_session(svc.st, "h1", "2026-06-01T00:00:00Z", &a, &u, &csrf, NULL), 0);
	assert_int_not_equal(store_user_by_token(svc.st, "th1", &a, &u, NULL), 0);

	assert_int_equal(store_user_by_login(svc.st, "viewer", &a, &u, NULL), 0);
	assert_int_equal(store_session_insert(svc.st, u.org_id, u.id, "h2", "c", "2026-01-01T00:00:00Z", "2999-01-01T00:00:00Z",
					      NULL), 0);
	assert_int_equal(store_user_set_password(svc.st, u.id, "$argon2id$other", NULL), 0);
	assert_int_not_equal(store_user_by_session(svc.st, "h2", "2026-06-01T00:00:00Z", &a, &u, &csrf, NULL), 0);
	arena_release(&a);
	svc_close(&svc);
	remove_db(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_dictionary_column_exists),
		cmocka_unit_test(newer_database_is_refused),
		cmocka_unit_test(export_then_import_reproduces_the_data),
		cmocka_unit_test(bad_documents_name_the_path_and_write_nothing),
		cmocka_unit_test(every_problem_is_listed_at_once),
		cmocka_unit_test(initiative_cycles_are_refused),
		cmocka_unit_test(meeting_record_holds_untidy_facts),
		cmocka_unit_test(supervision_workflow_end_to_end),
		cmocka_unit_test(extensions_only_before_the_due_date),
		cmocka_unit_test(lost_update_is_detected),
		cmocka_unit_test(progress_reports_are_append_only),
		cmocka_unit_test(settings_change_the_rules),
		cmocka_unit_test(demo_shows_every_light),
		cmocka_unit_test(task_lists_keep_to_the_callers_scope),
		cmocka_unit_test(ending_an_account_ends_its_sessions),
	};

	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
