/*
 * test_lights.c -- the incremental light counts (service/lights.h) against
 * a full recount: after a random sequence of writes through the services
 * (fixed seed), the stored sums per initiative and light, and the red and
 * yellow tasks the dashboard picks from them, equal those computed from
 * every task; a new day and new light rules make them stale until they are
 * recounted. Also the latest report kept on the task row (migration 0014).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "testlib.h"

#include "core/buf.h"
#include "core/date.h"
#include "io/views.h"
#include "service/initiative.h"
#include "io/orgjson.h"
#include "service/lights.h"
#include "service/service.h"
#include "service/task.h"

#define DEMO "data/demo/jiangmen.json"

/* The file's text, kept until the next call. */
static const char *slurp_keep(const char *path)
{
	static char *kept;

	free(kept);
	kept = slurp(path);
	return kept;
}

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

/* Sums of one initiative in a list, or NULL. */
static const struct rollup_sums *find(const struct rollup_sums *s, size_t n, int64_t initiative_id)
{
	for (size_t i = 0; i < n; i++)
		if (s[i].initiative_id == initiative_id)
			return &s[i];
	return NULL;
}

struct picks {
	int64_t red[LIM_PAGE_ITEMS], yellow[LIM_PAGE_ITEMS];
	size_t nred, nyellow;
};

static int pick(void *ctx, const struct task_view *t)
{
	struct picks *p = ctx;

	if (t->light.light == LIGHT_RED && p->nred < LIM_PAGE_ITEMS)
		p->red[p->nred++] = t->row.id;
	if (t->light.light == LIGHT_YELLOW && p->nyellow < LIM_PAGE_ITEMS)
		p->yellow[p->nyellow++] = t->row.id;
	return 0;
}

/* The stored counts are fresh and equal a recount; returns the tasks counted. */
static long assert_counts_right(struct svc *svc, const char *when)
{
	struct err err = ERR_INIT;
	struct arena a = ARENA_INIT;
	struct rollup_sums *stored, *full;
	size_t nstored, nfull, n;
	struct picks p;
	int64_t ids[LIM_PAGE_ITEMS];
	long tasks = 0;
	int fresh;

	memset(&p, 0, sizeof(p));
	assert_int_equal(lights_fresh(svc, &fresh, &err), 0);
	if (!fresh)
		fail_msg("%s: the counts are stale", when);
	assert_int_equal(lights_stored(svc, &a, &stored, &nstored, &err), 0);
	assert_int_equal(lights_recount(svc, &a, &full, &nfull, pick, &p, &err), 0);
	for (size_t i = 0; i < nfull; i++) {
		const struct rollup_sums *s = find(stored, nstored, full[i].initiative_id);

		if (s == NULL)
			fail_msg("%s: initiative %lld has no stored counts", when, (long long)full[i].initiative_id);
		for (int l = 0; l < LIGHT_COUNT; l++) {
			if (s->counts[l] != full[i].counts[l])
				fail_msg("%s: initiative %lld, %s: %ld stored, %ld recounted", when,
					 (long long)full[i].initiative_id, light_name((enum light)l), s->counts[l],
					 full[i].counts[l]);
			tasks += full[i].counts[l];
		}
		if (fabs(s->wsum - full[i].wsum) > 1e-6 || fabs(s->wacc - full[i].wacc) > 1e-6 || s->psum != full[i].psum)
			fail_msg("%s: initiative %lld: progress sums differ (%g/%g/%ld stored, %g/%g/%ld recounted)", when,
				 (long long)full[i].initiative_id, s->wsum, s->wacc, s->psum, full[i].wsum, full[i].wacc,
				 full[i].psum);
	}
	for (size_t i = 0; i < nstored; i++) {
		const struct rollup_sums *f = find(full, nfull, stored[i].initiative_id);

		for (int l = 0; l < LIGHT_COUNT; l++)
			if (stored[i].counts[l] != (f ? f->counts[l] : 0))
				fail_msg("%s: initiative %lld counts tasks it does not have", when,
					 (long long)stored[i].initiative_id);
	}
	assert_int_equal(lights_pick(svc, LIGHT_RED, ids, LIM_PAGE_ITEMS, &n, &err), 0);
	assert_int_equal(n, p.nred);
	assert_memory_equal(ids, p.red, n * sizeof(ids[0]));
	assert_int_equal(lights_pick(svc, LIGHT_YELLOW, ids, LIM_PAGE_ITEMS, &n, &err), 0);
	assert_int_equal(n, p.nyellow);
	assert_memory_equal(ids, p.yellow, n * sizeof(ids[0]));
	/* a short page: more tasks of the light than asked for, some of them
	 * moved in on a new day */
	for (int l = LIGHT_YELLOW; l <= LIGHT_RED; l++) {
		size_t want = l == LIGHT_RED ? p.nred : p.nyellow;

		assert_int_equal(lights_pick(svc, (enum light)l, ids, 2, &n, &err), 0);
		assert_int_equal(n, want < 2 ? want : 2);
		assert_memory_equal(ids, l == LIGHT_RED ? p.red : p.yellow, n * sizeof(ids[0]));
	}
	arena_release(&a);
	return tasks;
}

static const char *const tasks[] = {
	"t-1-1", "t-1-2", "t-2-1-1", "t-2-1-2", "t-2-1-3", "t-2-2-1", "t-2-2-2", "t-2-2-3", "t-3-1", "t-3-2",
};

static void incremental_counts_equal_a_recount(void **state)
{
	struct svc svc;
	struct err err = ERR_INIT;
	char path[TEST_DB_MAX], today[DATE_LEN], day[DATE_LEN];
	unsigned seed = 20261125;
	int done = 0, fresh;

	(void)state;
	setenv("PLENUM_TODAY", "2026-11-25", 1);
	open_demo(&svc, path);
	/* after the import the counts are stale until recounted */
	assert_int_equal(lights_fresh(&svc, &fresh, &err), 0);
	assert_false(fresh);
	assert_int_equal(lights_refresh(&svc, &err), 0);
	assert_true(assert_counts_right(&svc, "after the first count") > 10);
	date_format(svc.today, today);
	for (int step = 0; step < 300; step++) {
		const char *key = tasks[rand_r(&seed) % (sizeof(tasks) / sizeof(tasks[0]))];
		int what = rand_r(&seed) % 8;
		char label[64];

		err_clear(&err);
		if (what <= 3) {
			struct progress_input in = { NULL, rand_r(&seed) % 101, "进展", NULL, NULL, NULL, NULL, NULL };

			/* some reports on an earlier day: not the latest then */
			if (what == 3)
				in.reported_on = date_format(svc.today - 1 - rand_r(&seed) % 20, day);
			done += task_report(&svc, key, &in, &err) == 0;
		} else if (what <= 5) {
			static const enum task_action acts[] = { TA_DISPATCH, TA_ACKNOWLEDGE, TA_REPORT_COMPLETION, TA_CLOSE,
								 TA_RETURN };

			done += task_act(&svc, key, acts[rand_r(&seed) % 5], "note", &err) == 0;
		} else {
			char due[DATE_LEN];

			date_format(svc.today + 1 + rand_r(&seed) % 60, due);
			if (task_request_extension(&svc, key, due, "reason", &err) == 0)
				done += task_decide_extension(&svc, key, (int)(rand_r(&seed) % 2), NULL, &err) == 0;
		}
		snprintf(label, sizeof(label), "after write %d", step);
		assert_counts_right(&svc, label);
	}
	assert_true(done > 50);       /* most writes were legal ones */
	/* A new day: lights change with the date alone. Stale until recounted. */
	setenv("PLENUM_TODAY", "2026-12-20", 1);
	svc.today = date_today(svc.org.utc_offset);
	assert_int_equal(lights_fresh(&svc, &fresh, &err), 0);
	assert_true(fresh);                       /* brought forward from the tasks due */
	assert_counts_right(&svc, "on a new day, before the refresh");
	assert_int_equal(lights_refresh(&svc, &err), 0);
	assert_counts_right(&svc, "on a new day");
	/* New rules (a setting): stale again. */
	assert_int_equal(svc_setting_set(&svc, "light.red_behind", "5", &err), 0);
	assert_int_equal(svc_refresh_settings(&svc, &err), 0);
	assert_int_equal(lights_fresh(&svc, &fresh, &err), 0);
	assert_false(fresh);
	assert_int_equal(lights_refresh(&svc, &err), 0);
	assert_counts_right(&svc, "with new rules");
	/* Every light rule counts: the days an asap task may stay silent too. */
	assert_int_equal(svc_setting_set(&svc, "light.asap_days", "10", &err), 0);
	assert_int_equal(svc_refresh_settings(&svc, &err), 0);
	assert_int_equal(lights_fresh(&svc, &fresh, &err), 0);
	assert_false(fresh);
	assert_int_equal(lights_refresh(&svc, &err), 0);
	assert_counts_right(&svc, "with a new asap rule");
	svc_close(&svc);
	remove_db(path);
	unsetenv("PLENUM_TODAY");
}

/* The demo with 60 more tasks whose lights change with the date over the
 * weeks after 2026-11-25: dates coming due (due soon, then overdue), long
 * schedules falling behind, "asap" tasks going 30 and 60 days without a
 * report, periods ending, unset deadlines (never by date), weekly reports
 * falling due. */
static char *demo_with_dated_tasks(void)
{
	static const char *const inits[] = { "i-1-2", "i-2-1-1", "i-2-2-1", "i-3-1", "i-2-4" };
	static const char *const cadences[] = { "weekly", "monthly", "none" };
	json_t *doc = json_loads(slurp_keep(DEMO), 0, NULL), *list = json_object_get(doc, "tasks");
	char *text;

	assert_non_null(list);
	for (int i = 0; i < 100; i++) {
		int32_t base = date_from_ymd(2026, 11, 25);
		char key[32], due[DATE_LEN], from[DATE_LEN], last[DATE_LEN];
		json_t *t = json_object(), *reports = json_array();
		int kind = i % 5, pct = (i * 7) % 60;

		snprintf(key, sizeof(key), "t-day-%d", i);
		json_object_set_new(t, "key", json_string(key));
		json_object_set_new(t, "initiative", json_string(inits[i % 5]));
		json_object_set_new(t, "title", json_string(key));
		json_object_set_new(t, "lead_unit", json_string("u-jm-sci"));
		json_object_set_new(t, "starts_on", json_string("2026-06-01"));
		json_object_set_new(t, "cadence", json_string(cadences[i % 3]));
		json_object_set_new(t, "state", json_string("in_progress"));
		/* the last report: 1 to 75 days before the first day */
		date_format(base - 1 - (i * 11) % 75, last);
		switch (kind) {
		case 0: /* a date 1 to 40 days ahead: due soon, then overdue */
			json_object_set_new(t, "due_on", json_string(date_format(base + 1 + (i * 7) % 50, due)));
			break;
		case 1: /* a long schedule, behind by more each day */
			json_object_set_new(t, "due_on", json_string(date_format(base + 30 + i * 5, due)));
			break;
		case 2: /* as soon as possible: silent for 30, then 60 days */
			json_object_set_new(t, "due_kind", json_string("asap"));
			break;
		case 3: /* a period ending within the weeks tested */
			json_object_set_new(t, "due_kind", json_string("period"));
			json_object_set_new(t, "due_from", json_string(date_format(base - 30, from)));
			json_object_set_new(t, "due_on", json_string(date_format(base + 5 + i % 30, due)));
			break;
		default:
			json_object_set_new(t, "due_kind", json_string("unset"));
			break;
		}
		json_array_append_new(reports, json_pack("{s:s, s:i, s:s, s:s}", "reported_on", last, "percent", pct,
							 "done", "进展", "filed_by", "unit:reporter"));
		json_object_set_new(t, "reports", reports);
		json_array_append_new(list, t);
	}
	text = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	return text;
}

struct day_census {
	int32_t until;       /* count the tasks whose light may change on or before this day */
	long tasks, due;
	int light[512];
	int64_t id[512];
	size_t n;
};

static int census(void *ctx, const struct task_view *t)
{
	struct day_census *c = ctx;

	c->tasks++;
	c->due += t->light.changes_on != DATE_NONE && t->light.changes_on <= c->until;
	assert_true(c->n < 512);
	c->id[c->n] = t->row.id;
	c->light[c->n++] = (int)t->light.light;
	return 0;
}

/* All the org's tasks (lean, as the counts see them), on svc's day. */
static void take_census(struct svc *svc, struct day_census *c, int32_t until)
{
	struct task_filter lean;
	struct err err = ERR_INIT;

	memset(c, 0, sizeof(*c));
	memset(&lean, 0, sizeof(lean));
	lean.lean = 1;
	c->until = until;
	if (task_scan(svc, &lean, census, c, &err) != 0)
		fail_msg("task scan: %s", err.msg);
}

/* Day after day (one to three days at a time, six weeks), the counts are
 * brought forward from the tasks whose next change has come, and only
 * those: each day they equal a full recount (sums per initiative and light,
 * the red and yellow tasks picked), whether a read meets them first (in
 * memory), the day's refresh (the server's background thread), or a write;
 * the refresh computes exactly the tasks whose day has come, a few of the
 * org's, and lights do change on those days. */
static void a_new_day_recomputes_only_the_tasks_due(void **state)
{
	struct svc svc;
	struct err err = ERR_INIT;
	struct import_report rep = { NULL, 0, 0 };
	char path[TEST_DB_MAX], today[DATE_LEN];
	char *doc = demo_with_dated_tasks();
	long total, changed_days = 0, recomputed = 0, changed = 0;
	int fresh, days = 0;

	(void)state;
	setenv("PLENUM_TODAY", "2026-11-25", 1);
	temp_db(path);
	assert_int_equal(svc_open(&svc, path, 1, NULL, 0, &err), 0);
	if (orgjson_import(&svc, doc, strlen(doc), 0, &rep, &err) != 0)
		fail_msg("import failed: %s", err.msg);
	free(doc);
	assert_int_equal(lights_refresh(&svc, &err), 0);
	total = svc.lights.recomputed;
	assert_true(total >= 75);                 /* the first count: every task */
	assert_int_equal(assert_counts_right(&svc, "on the first day"), total);
	for (int step = 0; step < 24; step++) {
		struct day_census before, after;
		int32_t next = svc.today + 1 + step % 3;
		char label[64];
		long moved = 0;
		int current;

		take_census(&svc, &before, next);
		date_format(next, today);
		setenv("PLENUM_TODAY", today, 1);
		svc.today = date_today(svc.org.utc_offset);
		assert_int_equal(svc.today, next);
		take_census(&svc, &after, 0);
		assert_int_equal(before.n, after.n);
		for (size_t i = 0; i < after.n; i++)
			moved += before.light[i] != after.light[i];
		snprintf(label, sizeof(label), "on %s", today);
		assert_int_equal(lights_current(&svc, &current, &err), 0);
		assert_false(current);
		switch (step % 3) {
		case 0: /* a read first: brought forward in memory, nothing written */
			assert_int_equal(lights_fresh(&svc, &fresh, &err), 0);
			assert_true(fresh);
			assert_counts_right(&svc, label);
			assert_true(svc.lights.stale);
			assert_int_equal(lights_current(&svc, &current, &err), 0);
			assert_false(current);
			/* fall through: then the server's refresh */
		case 1:
			assert_int_equal(lights_refresh(&svc, &err), 0);
			assert_int_equal(svc.lights.recomputed, before.due);
			break;
		default: { /* a write first: it brings them forward in its transaction */
			struct progress_input in = { NULL, 50, "进展", NULL, NULL, NULL, NULL, NULL };

			if (task_report(&svc, "t-day-1", &in, &err) != 0)
				fail_msg("%s: report: %s", label, err.msg);
			break;
		}
		}
		assert_int_equal(lights_current(&svc, &current, &err), 0);
		assert_true(current);
		assert_int_equal(assert_counts_right(&svc, label), total);
		/* only the tasks whose day had come, never the whole org */
		assert_true(before.due >= moved);
		assert_true(before.due < total / 2);
		recomputed += before.due;
		changed += moved;
		changed_days += moved > 0;
		days++;
	}
	/* lights did change with the date, on most of the days */
	assert_true(changed_days * 4 >= days * 3);
	assert_true(changed > 30);
	print_message("%d days: %ld tasks recomputed for %ld lights changed (%ld tasks)\n", days, recomputed, changed,
		      total);
	/* the refresh of a day already counted computes nothing */
	assert_int_equal(lights_refresh(&svc, &err), 0);
	assert_int_equal(svc.lights.recomputed, 0);
	/* the server's background thread, the next day: every org brought
	 * forward, the svc it runs on left as it was */
	{
		char actor[64];
		int current;

		snprintf(actor, sizeof(actor), "%s", svc.actor);
		setenv("PLENUM_TODAY", date_format(svc.today + 1, today), 1);
		svc.today++;
		assert_int_equal(lights_keep_up(&svc, &err), 0);
		assert_string_equal(svc.actor, actor);
		assert_int_equal(lights_current(&svc, &current, &err), 0);
		assert_true(current);
		assert_int_equal(assert_counts_right(&svc, "after the background thread"), total);
	}
	svc_close(&svc);
	remove_db(path);
	unsetenv("PLENUM_TODAY");
}

/* The task row's latest report is the report with the greatest date (then
 * id), whoever filed it and in whatever order. */
static void latest_report_is_kept_on_the_task(void **state)
{
	struct svc svc;
	struct err err = ERR_INIT;
	struct arena a = ARENA_INIT;
	struct task_view t;
	struct progress_input late = { NULL, 64, "最新", NULL, NULL, NULL, NULL, NULL };
	struct progress_input early = { "2026-11-20", 12, "补录", NULL, NULL, NULL, NULL, NULL };
	char path[TEST_DB_MAX];

	(void)state;
	setenv("PLENUM_TODAY", "2026-11-25", 1);
	open_demo(&svc, path);
	assert_int_equal(task_report(&svc, "t-1-2", &late, &err), 0);
	assert_int_equal(task_report(&svc, "t-1-2", &early, &err), 0);    /* filed later, dated earlier */
	assert_int_equal(task_show(&svc, "t-1-2", &a, &t, NULL, &err), 0);
	assert_int_equal(t.row.percent, 64);
	assert_string_equal(t.row.last_report_on, "2026-11-25");
	assert_string_equal(t.row.last_report_done, "最新");
	late.percent = 70;
	late.done = "同日再报";
	assert_int_equal(task_report(&svc, "t-1-2", &late, &err), 0);     /* same day: the later one */
	assert_int_equal(task_show(&svc, "t-1-2", &a, &t, NULL, &err), 0);
	assert_int_equal(t.row.percent, 70);
	assert_string_equal(t.row.last_report_done, "同日再报");
	arena_release(&a);
	svc_close(&svc);
	remove_db(path);
	unsetenv("PLENUM_TODAY");
}

/* The dashboard writes its roll-up as text; it is the same JSON as the
 * initiatives' view, node for node, and the tree from the stored counts is
 * the tree from the tasks. */
static void rollup_text_is_the_view(void **state)
{
	struct svc svc;
	struct err err = ERR_INIT;
	struct arena a = ARENA_INIT;
	struct initiative_view *counted, *scanned;
	size_t nc, ns;
	char path[TEST_DB_MAX];
	int fresh;

	(void)state;
	setenv("PLENUM_TODAY", "2026-11-25", 1);
	open_demo(&svc, path);
	assert_int_equal(lights_refresh(&svc, &err), 0);
	assert_int_equal(initiative_tree_counted(&svc, &a, &counted, &nc, &fresh, &err), 0);
	assert_true(fresh);
	assert_int_equal(initiative_tree_scan(&svc, &a, &scanned, &ns, NULL, NULL, &err), 0);
	assert_int_equal(nc, ns);
	assert_true(nc > 5);
	for (size_t i = 0; i < nc; i++) {
		struct buf b = BUF_INIT(1 << 20);
		json_t *view = view_initiatives(&counted[i], 1), *text, *other = view_initiatives(&scanned[i], 1);

		assert_int_equal(view_initiative_write(&b, &counted[i]), 0);
		text = json_loads(buf_str(&b), 0, NULL);
		assert_non_null(text);
		if (!json_equal(json_array_get(view, 0), text) || !json_equal(view, other))
			fail_msg("initiative %s: %s", counted[i].row.key, buf_str(&b));
		json_decref(view);
		json_decref(other);
		json_decref(text);
		buf_release(&b);
	}
	arena_release(&a);
	svc_close(&svc);
	remove_db(path);
	unsetenv("PLENUM_TODAY");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(incremental_counts_equal_a_recount),
		cmocka_unit_test(a_new_day_recomputes_only_the_tasks_due),
		cmocka_unit_test(latest_report_is_kept_on_the_task),
		cmocka_unit_test(rollup_text_is_the_view),
	};

	return cmocka_run_group_tests_name("lights", tests, NULL, NULL);
}
