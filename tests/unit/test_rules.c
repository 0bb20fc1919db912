/*
 * test_rules.c -- the derived statuses: task light, initiative roll-up,
 * supervision workflow and the compliance findings, on the edge cases a
 * real year has.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/date.h"
#include "domain/compliance.h"
#include "domain/deadline.h"
#include "domain/light.h"
#include "domain/workflow.h"

static int32_t D(const char *s)
{
	int32_t d = DATE_NONE;

	assert_int_equal(date_parse(s, &d), 0);
	return d;
}

enum { C_NONE, C_WEEKLY, C_MONTHLY, C_QUARTERLY };

static struct light_result light_on(const char *today, const char *start, const char *due, int percent,
				    const char *last, int cadence, int closed)
{
	struct light_rules r;
	struct task_facts t = { 0 };
	struct light_result out;

	light_rules_default(&r);
	t.closed = closed;
	t.starts_on = D(start);
	t.due_on = D(due);
	t.cadence = cadence;
	t.has_report = last != NULL;
	t.percent = percent;
	t.last_report_on = last ? D(last) : DATE_NONE;
	task_light(&t, D(today), &r, &out);
	return out;
}

/* A task's light stays the same from today until the day task_light() says
 * it may change (changes_on), and forever when it says never: checked day by
 * day for a fixed set of random tasks of every kind (dates, periods, asap,
 * unset; reports or none; every cadence; several rule settings), on each
 * day of a year around them. This is what lets the light counts recompute
 * at a new day only the tasks whose day has come (service/lights.h). */
static void light_changes_only_on_its_change_day(void **state)
{
	static const int kinds[] = { DK_DATE, DK_PERIOD, DK_ASAP, DK_UNSET };
	unsigned seed = 20261129;
	int32_t base = D("2026-01-01");
	long checked = 0, changes = 0;

	(void)state;
	for (int n = 0; n < 400; n++) {
		struct light_rules r;
		struct task_facts t = { 0 };

		light_rules_default(&r);
		if (n % 3 == 1) {
			r.red_behind = rand_r(&seed) % 60;
			r.yellow_behind = rand_r(&seed) % 40;
			r.due_soon_days = rand_r(&seed) % 30;
			r.asap_days = 1 + rand_r(&seed) % 90;
		}
		t.closed = rand_r(&seed) % 10 == 0;
		t.starts_on = base + (int32_t)(rand_r(&seed) % 200);
		t.due_kind = kinds[rand_r(&seed) % 4];
		t.due_on = t.due_kind == DK_ASAP || t.due_kind == DK_UNSET ? DATE_NONE
			   : t.starts_on + (int32_t)(rand_r(&seed) % 300) - 10;
		t.cadence = rand_r(&seed) % 5;
		t.has_report = rand_r(&seed) % 3 != 0;
		t.percent = t.has_report ? (int)(rand_r(&seed) % 101) : 0;
		t.last_report_on = t.has_report ? t.starts_on + (int32_t)(rand_r(&seed) % 150) : DATE_NONE;
		for (int32_t today = base - 20; today < base + 500; today += 1 + (int32_t)(rand_r(&seed) % 9)) {
			struct light_result now, later;
			int32_t until;

			task_light(&t, today, &r, &now);
			until = now.changes_on == DATE_NONE ? today + 800 : now.changes_on;
			assert_true(until > today);
			for (int32_t d = today + 1; d < until && d <= today + 800; d++) {
				task_light(&t, d, &r, &later);
				if (later.light != now.light)
					fail_msg("task %d: %s on day %d, %s on day %d, but changes_on says day %d", n,
						 light_name(now.light), (int)(today - base), light_name(later.light),
						 (int)(d - base), now.changes_on == DATE_NONE ? -1 : (int)(now.changes_on - base));
				checked++;
			}
			if (now.changes_on != DATE_NONE) {
				task_light(&t, now.changes_on, &r, &later);
				changes += later.light != now.light;
			}
		}
	}
	assert_true(checked > 100000);
	/* a change day is mostly a real change (else a new day recomputes
	 * tasks for nothing) */
	assert_true(changes > 1000);
}

static void light_follows_the_rules_in_order(void **state)
{
	(void)state;
	/* closed beats everything, even overdue */
	assert_int_equal(light_on("2026-12-01", "2026-01-01", "2026-06-30", 50, "2026-05-01", C_MONTHLY, 1).light, LIGHT_DONE);
	/* not started yet */
	assert_int_equal(light_on("2026-05-01", "2026-06-01", "2026-12-31", 0, NULL, C_MONTHLY, 0).light, LIGHT_GREY);
	/* overdue and not closed: red, with the days counted */
	{
		struct light_result r = light_on("2026-11-25", "2026-06-01", "2026-10-31", 80, "2026-11-20", C_MONTHLY, 0);

		assert_int_equal(r.light, LIGHT_RED);
		assert_int_equal(r.reason, LR_OVERDUE);
		assert_int_equal(r.days_overdue, 25);
	}
	/* half-way through, 15% done: 35 points behind -> red */
	assert_int_equal(light_on("2026-07-01", "2026-01-01", "2026-12-31", 15, "2026-06-25", C_MONTHLY, 0).light, LIGHT_RED);
	/* 20 points behind -> yellow, 5 behind -> green */
	assert_int_equal(light_on("2026-07-01", "2026-01-01", "2026-12-31", 30, "2026-06-25", C_MONTHLY, 0).light, LIGHT_YELLOW);
	assert_int_equal(light_on("2026-07-01", "2026-01-01", "2026-12-31", 45, "2026-06-25", C_MONTHLY, 0).light, LIGHT_GREEN);
	/* exactly 30 behind is yellow, 31 is red */
	assert_int_equal(light_on("2026-01-11", "2026-01-01", "2026-01-21", 20, "2026-01-10", C_WEEKLY, 0).light, LIGHT_YELLOW);
	assert_int_equal(light_on("2026-01-11", "2026-01-01", "2026-01-21", 19, "2026-01-10", C_WEEKLY, 0).light, LIGHT_RED);
	/* on schedule but due within 7 days and not 100% -> yellow; 100% -> green */
	{
		struct light_result r = light_on("2026-11-25", "2026-06-01", "2026-11-30", 95, "2026-11-20", C_MONTHLY, 0);

		assert_int_equal(r.light, LIGHT_YELLOW);
		assert_int_equal(r.reason, LR_DUE_SOON);
	}
	assert_int_equal(light_on("2026-11-25", "2026-06-01", "2026-11-30", 100, "2026-11-20", C_MONTHLY, 0).light, LIGHT_GREEN);
	/* a monthly report missing for more than a month -> yellow */
	{
		struct light_result r = light_on("2026-11-25", "2026-06-01", "2027-12-31", 30, "2026-09-15", C_MONTHLY, 0);

		assert_int_equal(r.light, LIGHT_YELLOW);
		assert_int_equal(r.reason, LR_REPORT_MISSING);
	}
	/* no cadence: no missing-report rule */
	assert_int_equal(light_on("2026-11-25", "2026-06-01", "2027-12-31", 30, "2026-06-15", C_NONE, 0).light, LIGHT_GREEN);
}

/* A task whose deadline is of a kind (date, period, asap, unset); due is the
 * date or the period's last day, NULL for asap and unset. */
static struct light_result light_kind(const char *today, const char *start, int kind, const char *due,
				      int percent, const char *last, int cadence)
{
	struct light_rules r;
	struct task_facts t = { 0 };
	struct light_result out;

	light_rules_default(&r);
	t.starts_on = D(start);
	t.due_on = due ? D(due) : DATE_NONE;
	t.due_kind = kind;
	t.cadence = cadence;
	t.has_report = last != NULL;
	t.percent = percent;
	t.last_report_on = last ? D(last) : DATE_NONE;
	task_light(&t, D(today), &r, &out);
	return out;
}

static void period_deadline_is_due_on_its_last_day(void **state)
{
	struct deadline d;
	struct light_result r;
	char due[DATE_LEN];

	(void)state;
	/* "this year's third quarter" is due on 30 September */
	assert_int_equal(deadline_parse("2026年第三季度", &d), 0);
	assert_int_equal(d.kind, DK_PERIOD);
	date_format(d.on, due);
	assert_string_equal(due, "2026-09-30");
	/* within the warning window before its last day, unfinished: yellow */
	r = light_kind("2026-09-25", "2026-07-01", DK_PERIOD, due, 95, "2026-09-20", C_MONTHLY);
	assert_int_equal(r.light, LIGHT_YELLOW);
	assert_int_equal(r.reason, LR_DUE_SOON);
	/* on its last day: not overdue yet */
	r = light_kind("2026-09-30", "2026-07-01", DK_PERIOD, due, 100, "2026-09-29", C_MONTHLY);
	assert_int_equal(r.light, LIGHT_GREEN);
	/* the day after: red, one day overdue */
	r = light_kind("2026-10-01", "2026-07-01", DK_PERIOD, due, 95, "2026-09-29", C_MONTHLY);
	assert_int_equal(r.light, LIGHT_RED);
	assert_int_equal(r.reason, LR_OVERDUE);
	assert_int_equal(r.days_overdue, 1);
	/* the pro-rata schedule runs to the period's end: half-way, 15% done -> red */
	r = light_kind("2026-08-15", "2026-07-01", DK_PERIOD, due, 15, "2026-08-10", C_MONTHLY);
	assert_int_equal(r.light, LIGHT_RED);
	assert_int_equal(r.reason, LR_BEHIND);
}

static void asap_turns_yellow_then_red_without_progress(void **state)
{
	struct light_result r;

	(void)state;
	/* 29 days since the start, nothing filed, no cadence: green */
	r = light_kind("2026-06-30", "2026-06-01", DK_ASAP, NULL, 0, NULL, C_NONE);
	assert_int_equal(r.light, LIGHT_GREEN);
	assert_int_equal(r.expected, -1);
	/* 31 days without a report: yellow, "no progress" */
	r = light_kind("2026-07-02", "2026-06-01", DK_ASAP, NULL, 0, NULL, C_NONE);
	assert_int_equal(r.light, LIGHT_YELLOW);
	assert_int_equal(r.reason, LR_NO_PROGRESS);
	assert_int_equal(r.days_silent, 31);
	/* more than 60: red, still never "overdue" by a date */
	r = light_kind("2026-08-01", "2026-06-01", DK_ASAP, NULL, 0, NULL, C_NONE);
	assert_int_equal(r.light, LIGHT_RED);
	assert_int_equal(r.reason, LR_NO_PROGRESS);
	assert_int_equal(r.days_overdue, 0);
	/* a report resets the count */
	r = light_kind("2026-08-01", "2026-06-01", DK_ASAP, NULL, 40, "2026-07-25", C_NONE);
	assert_int_equal(r.light, LIGHT_GREEN);
	/* the cadence still applies: weekly, last report 10 days ago -> report missing */
	r = light_kind("2026-08-04", "2026-06-01", DK_ASAP, NULL, 40, "2026-07-25", C_WEEKLY);
	assert_int_equal(r.light, LIGHT_YELLOW);
	assert_int_equal(r.reason, LR_REPORT_MISSING);
	/* closed is done, not started is grey, whatever the kind */
	assert_int_equal(light_kind("2026-05-01", "2026-06-01", DK_ASAP, NULL, 0, NULL, C_NONE).light, LIGHT_GREY);
}

static void unset_deadline_is_yellow_never_red(void **state)
{
	struct light_result r;

	(void)state;
	r = light_kind("2026-06-02", "2026-06-01", DK_UNSET, NULL, 0, NULL, C_MONTHLY);
	assert_int_equal(r.light, LIGHT_YELLOW);
	assert_int_equal(r.reason, LR_NO_DEADLINE);
	assert_string_equal(light_reason_text(r.reason, 0), "no deadline yet");
	assert_string_equal(light_reason_text(r.reason, 1), "尚未确定期限");
	/* three years on, nothing filed: still yellow, never red by date */
	r = light_kind("2029-06-02", "2026-06-01", DK_UNSET, NULL, 0, NULL, C_MONTHLY);
	assert_int_equal(r.light, LIGHT_YELLOW);
	assert_int_equal(r.days_overdue, 0);
}

/* Each text a report prints reads back to the same deadline, in both languages. */
static void deadline_text_reads_back(void **state)
{
	static const struct {
		const char *in, *zh, *en;
		int kind;
		const char *from, *on;
	} cases[] = {
		{ "2026-07-31", "2026-07-31", "2026-07-31", DK_DATE, NULL, "2026-07-31" },
		{ "2026-Q3", "2026年第三季度", "Q3 2026", DK_PERIOD, "2026-07-01", "2026-09-30" },
		{ "2026年三季度", "2026年第三季度", "Q3 2026", DK_PERIOD, "2026-07-01", "2026-09-30" },
		{ "2026-H2", "2026年下半年", "H2 2026", DK_PERIOD, "2026-07-01", "2026-12-31" },
		{ "2026年上半年", "2026年上半年", "H1 2026", DK_PERIOD, "2026-01-01", "2026-06-30" },
		{ "2026", "2026年内", "in 2026", DK_PERIOD, "2026-01-01", "2026-12-31" },
		{ "2026年底前", "2026年内", "in 2026", DK_PERIOD, "2026-01-01", "2026-12-31" },
		{ "2028-02", "2028年2月", "February 2028", DK_PERIOD, "2028-02-01", "2028-02-29" },
		{ "2026-07-15至2026-09-15", "2026-07-15至2026-09-15", "2026-07-15 to 2026-09-15", DK_PERIOD,
		  "2026-07-15", "2026-09-15" },
		{ "尽快", "尽快", "as soon as possible", DK_ASAP, NULL, NULL },
		{ "ASAP", "尽快", "as soon as possible", DK_ASAP, NULL, NULL },
		{ " 待定 ", "待定", "not set yet", DK_UNSET, NULL, NULL },
	};
	char zh[DEADLINE_TEXT_MAX], en[DEADLINE_TEXT_MAX], day[DATE_LEN];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct deadline d, back;

		assert_int_equal(deadline_parse(cases[i].in, &d), 0);
		assert_int_equal(d.kind, cases[i].kind);
		assert_string_equal(date_format(d.from, day), cases[i].from ? cases[i].from : "");
		assert_string_equal(date_format(d.on, day), cases[i].on ? cases[i].on : "");
		assert_string_equal(deadline_text(&d, 1, zh), cases[i].zh);
		assert_string_equal(deadline_text(&d, 0, en), cases[i].en);
		for (int lang = 0; lang < 2; lang++) {
			assert_int_equal(deadline_parse(lang ? zh : en, &back), 0);
			assert_int_equal(back.kind, d.kind);
			assert_int_equal(back.from, d.from);
			assert_int_equal(back.on, d.on);
			assert_int_equal(back.precision, d.precision);
		}
	}
	/* not a deadline: refused, not guessed */
	{
		struct deadline d;
		static const char *const bad[] = { "", "soon", "2026-Q5", "2026年第五季度", "2026-13", "2026-02-30",
						   "2026-09-30至2026-07-01", "Q3 26" };

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			assert_int_equal(deadline_parse(bad[i], &d), -1);
	}
}

/* What each kind needs; the error names the field to correct. */
static void deadline_fields_follow_the_kind(void **state)
{
	static const struct {
		const char *kind, *from, *on, *precision, *field;
	} cases[] = {
		{ "date", NULL, "2026-07-31", NULL, NULL },
		{ "date", NULL, NULL, NULL, "due_on" },
		{ "date", "2026-07-01", "2026-07-31", NULL, "due_from" },
		{ "period", "2026-07-01", "2026-09-30", "quarter", NULL },
		{ "period", "2026-07-15", "2026-09-15", NULL, NULL },
		{ "period", NULL, "2026-09-30", "quarter", "due_from" },
		{ "period", "2026-09-30", "2026-07-01", NULL, "due_on" },
		{ "period", "2026-07-01", "2026-10-31", "quarter", "due_precision" },
		{ "asap", NULL, NULL, NULL, NULL },
		{ "asap", NULL, "2026-07-31", NULL, "due_on" },
		{ "unset", NULL, NULL, NULL, NULL },
		{ "unset", NULL, NULL, "year", "due_precision" },
	};
	char msg[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct deadline d;
		const char *field = NULL;
		int rc;

		deadline_from_fields(&d, cases[i].kind, cases[i].from, cases[i].on, cases[i].precision);
		rc = deadline_check(&d, &field, msg, sizeof(msg));
		if (cases[i].field == NULL) {
			assert_int_equal(rc, 0);
		} else {
			assert_int_equal(rc, -1);
			assert_string_equal(field, cases[i].field);
			assert_non_null(strstr(msg, cases[i].field));
		}
	}
}

static void task_with_no_report_counts_from_its_start(void **state)
{
	struct light_result r;

	(void)state;
	/* started 20 days ago, monthly, nothing filed yet: on track */
	r = light_on("2026-06-21", "2026-06-01", "2028-06-01", 0, NULL, C_MONTHLY, 0);
	assert_int_equal(r.light, LIGHT_GREEN);
	assert_int_equal(r.report_due_on, D("2026-07-01"));
	/* forty days and still nothing: the first report is missing */
	r = light_on("2026-07-11", "2026-06-01", "2028-06-01", 0, NULL, C_MONTHLY, 0);
	assert_int_equal(r.light, LIGHT_YELLOW);
	assert_int_equal(r.reason, LR_REPORT_MISSING);
}

static void task_due_on_29_february(void **state)
{
	(void)state;
	/* due on the leap day itself: not overdue yet, only due soon */
	assert_int_equal(light_on("2028-02-29", "2028-01-01", "2028-02-29", 99, "2028-02-28", C_MONTHLY, 0).reason, LR_DUE_SOON);
	/* the next day it is red, one day overdue */
	{
		struct light_result r = light_on("2028-03-01", "2028-01-01", "2028-02-29", 99, "2028-02-28", C_MONTHLY, 0);

		assert_int_equal(r.light, LIGHT_RED);
		assert_int_equal(r.days_overdue, 1);
	}
	/* a monthly report after 31 January falls due on 29 February */
	assert_int_equal(light_next_report(D("2028-01-31"), C_MONTHLY), D("2028-02-29"));
}

static void rollup_weights_and_worst_light(void **state)
{
	struct rollup_node n[3] = {
		{ .id = 1, .parent_id = 0, .weight = 1 },
		{ .id = 2, .parent_id = 1, .weight = 3 },
		{ .id = 3, .parent_id = 1, .weight = 1 },
	};
	struct rollup_task t[3] = {
		{ .initiative_id = 2, .weight = 1, .progress = 100, .light = LIGHT_DONE },
		{ .initiative_id = 2, .weight = 1, .progress = 60, .light = LIGHT_GREEN },
		{ .initiative_id = 3, .weight = 1, .progress = 0, .light = LIGHT_RED },
	};

	(void)state;
	assert_int_equal(light_rollup(n, 3, t, 3), 0);
	assert_true(n[1].progress > 79.9 && n[1].progress < 80.1);
	assert_int_equal(n[1].light, LIGHT_GREEN);              /* green is worse than done */
	/* (3 * 80 + 1 * 0) / 4 = 60 */
	assert_true(n[0].progress > 59.9 && n[0].progress < 60.1);
	assert_int_equal(n[0].light, LIGHT_RED);
	assert_int_equal(n[0].counts[LIGHT_RED], 1);
	assert_int_equal(n[0].counts[LIGHT_GREEN], 1);
	assert_int_equal(n[0].counts[LIGHT_DONE], 1);
	assert_int_equal(n[0].tasks, 3);
}

static void rollup_child_weights_summing_to_zero(void **state)
{
	struct rollup_node n[3] = {
		{ .id = 1, .parent_id = 0, .weight = 1 },
		{ .id = 2, .parent_id = 1, .weight = 0 },
		{ .id = 3, .parent_id = 1, .weight = 0 },
	};
	struct rollup_task t[2] = {
		{ .initiative_id = 2, .weight = 1, .progress = 40, .light = LIGHT_GREEN },
		{ .initiative_id = 3, .weight = 1, .progress = 80, .light = LIGHT_YELLOW },
	};

	(void)state;
	assert_int_equal(light_rollup(n, 3, t, 2), 0);
	/* zero weights: the plain mean, not a division by zero */
	assert_true(n[0].progress > 59.9 && n[0].progress < 60.1);
	assert_int_equal(n[0].light, LIGHT_YELLOW);
}

static void rollup_initiative_with_no_tasks(void **state)
{
	struct rollup_node n[3] = {
		{ .id = 1, .parent_id = 0, .weight = 1 },
		{ .id = 2, .parent_id = 1, .weight = 1 },
		{ .id = 3, .parent_id = 1, .weight = 1 },
	};
	struct rollup_task t[1] = { { .initiative_id = 2, .weight = 1, .progress = 50, .light = LIGHT_GREEN } };

	(void)state;
	assert_int_equal(light_rollup(n, 3, t, 1), 0);
	assert_true(n[2].progress < 0);                  /* nothing to measure */
	assert_int_equal(n[2].light, LIGHT_GREY);
	assert_int_equal(n[2].tasks, 0);
	/* the empty child does not drag its parent down */
	assert_true(n[0].progress > 49.9 && n[0].progress < 50.1);
	assert_int_equal(n[0].light, LIGHT_GREEN);
}

static void rollup_refuses_a_cycle(void **state)
{
	struct rollup_node n[2] = {
		{ .id = 1, .parent_id = 2, .weight = 1 },
		{ .id = 2, .parent_id = 1, .weight = 1 },
	};

	(void)state;
	assert_int_equal(light_rollup(n, 2, NULL, 0), -1);
}

static void workflow_allows_only_legal_moves(void **state)
{
	enum task_state to;
	char allowed[128];

	(void)state;
	assert_int_equal(workflow_next(TS_REGISTERED, TA_DISPATCH, &to), 0);
	assert_int_equal(to, TS_DISPATCHED);
	assert_int_equal(workflow_next(TS_DISPATCHED, TA_ACKNOWLEDGE, &to), 0);
	assert_int_equal(workflow_next(TS_ACKNOWLEDGED, TA_REPORT_PROGRESS, &to), 0);
	assert_int_equal(to, TS_IN_PROGRESS);
	assert_int_equal(workflow_next(TS_IN_PROGRESS, TA_REPORT_COMPLETION, &to), 0);
	assert_int_equal(to, TS_COMPLETION_REPORTED);
	assert_int_equal(workflow_next(TS_COMPLETION_REPORTED, TA_RETURN, &to), 0);
	assert_int_equal(to, TS_RETURNED);
	assert_int_equal(workflow_next(TS_RETURNED, TA_REPORT_COMPLETION, &to), 0);
	assert_int_equal(workflow_next(TS_COMPLETION_REPORTED, TA_CLOSE, &to), 0);
	assert_int_equal(to, TS_CLOSED);
	/* closing only after completion was reported */
	assert_int_equal(workflow_next(TS_IN_PROGRESS, TA_CLOSE, &to), -1);
	assert_int_equal(workflow_next(TS_REGISTERED, TA_ACKNOWLEDGE, &to), -1);
	assert_int_equal(workflow_next(TS_CLOSED, TA_REPORT_PROGRESS, &to), -1);
	assert_int_equal(workflow_next(TS_CLOSED, TA_REQUEST_EXTENSION, &to), -1);
	assert_int_equal(workflow_next(TS_REGISTERED, TA_REQUEST_EXTENSION, &to), -1);
	workflow_allowed(TS_COMPLETION_REPORTED, allowed, sizeof(allowed));
	assert_string_equal(allowed, "close, return");
	workflow_allowed(TS_CLOSED, allowed, sizeof(allowed));
	assert_string_equal(allowed, "none");
}

/* ---- compliance ---- */

struct year {
	struct cf_member members[4];
	struct cf_meeting meetings[4];
	struct cf_attendance att[16];
	struct cf_speech speeches[4];
	struct cf_paper papers[4];
	struct compliance_input in;
	size_t natt;
};

static void add_att(struct year *y, int64_t meeting, int64_t person, int status, int reason, int approver,
		    const char *makeup)
{
	struct cf_attendance *a = &y->att[y->natt++];

	a->meeting_id = meeting;
	a->person_id = person;
	a->status = status;
	a->has_reason = reason;
	a->has_approver = approver;
	a->makeup_done = makeup ? D(makeup) : DATE_NONE;
	y->in.nattendance = y->natt;
}

/* Leader 1 and member 2 all year, member 3 from July; four held meetings,
 * one a quarter; everyone present and productive unless a test says so. */
static void year_init(struct year *y, const char *today)
{
	const char *days[4] = { "2026-03-10", "2026-05-20", "2026-08-12", "2026-11-18" };

	memset(y, 0, sizeof(*y));
	y->members[0] = (struct cf_member){ 1, "p1", "甲", "A", 0, DATE_NONE, DATE_NONE };
	y->members[1] = (struct cf_member){ 2, "p2", "乙", "B", 2, DATE_NONE, DATE_NONE };
	y->members[2] = (struct cf_member){ 3, "p3", "丙", "C", 2, D("2026-07-01"), DATE_NONE };
	y->members[3] = (struct cf_member){ 4, "p4", "秘书", "Secretary", 3, DATE_NONE, DATE_NONE };
	for (int i = 0; i < 4; i++) {
		y->meetings[i] = (struct cf_meeting){ 10 + i, "m", "meeting", "meeting", D(days[i]), 1, 0, 0 };
		y->speeches[i] = (struct cf_speech){ i < 3 ? i + 1 : 1, 2 };
		y->papers[i] = (struct cf_paper){ i < 3 ? i + 1 : 1 };
	}
	y->in.year = 2026;
	y->in.today = D(today);
	y->in.members = y->members;
	y->in.nmembers = 4;
	y->in.meetings = y->meetings;
	y->in.nmeetings = 4;
	y->in.attendance = y->att;
	y->in.speeches = y->speeches;
	y->in.nspeeches = 4;
	y->in.papers = y->papers;
	y->in.npapers = 4;
	y->in.plan = (struct cf_plan){ 1, 2, D("2026-01-15"), D("2026-01-25") };
	for (int m = 0; m < 4; m++)
		for (int p = 1; p <= 3; p++)
			if (p != 3 || m >= 2)
				add_att(y, 10 + m, p, 0, 0, 0, NULL);
}

static struct findings judge(struct year *y, struct arena *a)
{
	struct compliance_rules r;
	struct findings f = { 0 };

	compliance_rules_default(&r);
	compliance_check(&y->in, &r, a, &f);
	return f;
}

static int count_rule(const struct findings *f, const char *rule)
{
	int n = 0;

	for (size_t i = 0; i < f->n; i++)
		n += strcmp(f->items[i].rule, rule) == 0;
	return n;
}

static void clean_year_has_no_findings(void **state)
{
	struct arena a = ARENA_INIT;
	struct year y;
	struct findings f;

	(void)state;
	year_init(&y, "2027-01-10");
	f = judge(&y, &a);
	assert_int_equal(f.n, 0);
	assert_int_equal(f.meetings_held, 4);
	arena_release(&a);
}

/* A member with no attendance row who chaired or spoke at a meeting was
 * there; one the record lists only as "the members of the group" is not
 * itemised, never absent. */
static void chairing_speaking_and_categories_are_evidence(void **state)
{
	struct arena a = ARENA_INIT;
	struct year y;
	struct findings f;
	struct cf_presence seen[2] = { { 10, 2 }, { 11, 2 } };

	(void)state;
	year_init(&y, "2027-01-10");
	/* member 2 has rows only for the last two meetings: chaired the first,
	 * spoke at the second */
	y.natt = 0;
	for (int m = 0; m < 4; m++)
		for (int p = 1; p <= 3; p++)
			if ((p != 3 || m >= 2) && (p != 2 || m >= 2))
				add_att(&y, 10 + m, p, 0, 0, 0, NULL);
	y.in.presence = seen;
	y.in.npresence = 2;
	f = judge(&y, &a);
	assert_int_equal(count_rule(&f, "attendance_rate"), 0);
	assert_int_equal(f.members[1].present, 4);
	assert_int_equal(f.members[1].absent, 0);
	/* without that evidence, the third meeting listed as members by category */
	y.in.npresence = 0;
	y.meetings[0].members_category = 1;
	y.meetings[1].members_category = 1;
	f = judge(&y, &a);
	assert_int_equal(count_rule(&f, "attendance_rate"), 0);
	assert_int_equal(f.members[1].absent, 0);
	assert_int_equal(f.members[1].not_itemised, 2);
	/* with neither, two absences */
	y.meetings[0].members_category = 0;
	y.meetings[1].members_category = 0;
	f = judge(&y, &a);
	assert_int_equal(count_rule(&f, "attendance_rate"), 1);
	assert_int_equal(f.members[1].absent, 2);
	arena_release(&a);
}

/* The ordinal within the year ("the 3rd collective study of 2026"): two
 * meetings with one ordinal is a breach, a number skipped is a meeting the
 * record lacks. */
static void ordinals_are_unique_and_without_gaps(void **state)
{
	struct arena a = ARENA_INIT;
	struct year y;
	struct findings f;

	(void)state;
	year_init(&y, "2027-01-10");
	for (int i = 0; i < 4; i++)
		y.meetings[i].ordinal = i + 1;
	f = judge(&y, &a);
	assert_int_equal(count_rule(&f, "ordinal"), 0);
	y.meetings[2].ordinal = 2;
	y.meetings[3].ordinal = 4;
	f = judge(&y, &a);
	assert_int_equal(count_rule(&f, "ordinal"), 2);     /* 2 twice, 3 missing */
	for (size_t i = 0; i < f.n; i++)
		if (strcmp(f.items[i].rule, "ordinal") == 0)
			assert_true(strstr(f.items[i].message, "2nd") || strstr(f.items[i].message, "3rd"));
	arena_release(&a);
}

static void member_who_joined_in_july_is_judged_from_july(void **state)
{
	struct arena a = ARENA_INIT;
	struct year y;
	struct findings f;

	(void)state;
	year_init(&y, "2027-01-10");
	/* member 3 attended both meetings held since July: 100%, no finding,
	 * although there is no attendance row for the two before */
	f = judge(&y, &a);
	assert_int_equal(count_rule(&f, "attendance_rate"), 0);
	/* missing one of those two is 50% */
	y.att[y.natt - 1].status = 1;
	y.att[y.natt - 1].makeup_done = D("2026-11-20");
	f = judge(&y, &a);
	assert_int_equal(count_rule(&f, "attendance_rate"), 1);
	assert_string_equal(f.items[0].subject, "丙");
	assert_non_null(strstr(f.items[0].message, "1 of 2"));
	arena_release(&a);
}

static void leave_without_approver_and_late_makeup(void **state)
{
	struct arena a = ARENA_INIT;
	struct year y;
	struct findings f;

	(void)state;
	year_init(&y, "2027-01-10");
	/* member 2 on leave at the March meeting: reason, no approver, made up
	 * after 31 days */
	y.att[1].status = 2;
	y.att[1].has_reason = 1;
	y.att[1].has_approver = 0;
	y.att[1].makeup_done = D("2026-04-10");
	f = judge(&y, &a);
	assert_int_equal(count_rule(&f, "leave_approver"), 1);
	assert_int_equal(count_rule(&f, "leave_reason"), 0);
	assert_int_equal(count_rule(&f, "makeup"), 1);
	for (size_t i = 0; i < f.n; i++)
		if (strcmp(f.items[i].rule, "makeup") == 0)
			assert_non_null(strstr(f.items[i].message, "31 days"));
	/* made up on day 30: in time */
	y.att[1].makeup_done = D("2026-04-09");
	f = judge(&y, &a);
	assert_int_equal(count_rule(&f, "makeup"), 0);
	arena_release(&a);
}

static void makeup_not_done_is_judged_only_after_its_days(void **state)
{
	struct arena a = ARENA_INIT;
	struct year y;
	struct findings f;

	(void)state;
	year_init(&y, "2026-11-25");
	/* absent on 18 November, not made up: still within 30 days on the 25th */
	y.att[y.natt - 2].status = 1;
	f = judge(&y, &a);
	assert_int_equal(count_rule(&f, "makeup"), 0);
	y.in.today = D("2026-12-19");
	f = judge(&y, &a);
	assert_int_equal(count_rule(&f, "makeup"), 1);
	arena_release(&a);
}

static void quarter_with_no_meeting(void **state)
{
	struct arena a = ARENA_INIT;
	struct year y;
	struct findings f;

	(void)state;
	year_init(&y, "2027-01-10");
	y.meetings[1].held = 0;                 /* Q2's meeting was only planned */
	f = judge(&y, &a);
	assert_int_equal(count_rule(&f, "quarterly_meeting"), 1);
	assert_string_equal(f.items[0].subject, "Q2");
	/* a quarter still running is not judged */
	year_init(&y, "2026-11-01");
	y.meetings[3].held = 0;
	f = judge(&y, &a);
	assert_int_equal(count_rule(&f, "quarterly_meeting"), 0);
	arena_release(&a);
}

static void output_counts_are_at_risk_until_year_end(void **state)
{
	struct arena a = ARENA_INIT;
	struct year y;
	struct findings f;

	(void)state;
	year_init(&y, "2026-11-25");
	y.in.npapers = 0;
	f = judge(&y, &a);
	assert_int_equal(count_rule(&f, "paper"), 3);   /* the secretary is not judged */
	for (size_t i = 0; i < f.n; i++)
		assert_int_equal(f.items[i].severity, FINDING_AT_RISK);
	y.in.today = D("2027-01-02");
	f = judge(&y, &a);
	assert_int_equal(f.items[0].severity, FINDING_BREACH);
	arena_release(&a);
}

static void plan_must_be_approved_and_filed_by_january_31(void **state)
{
	struct arena a = ARENA_INIT;
	struct year y;
	struct findings f;

	(void)state;
	year_init(&y, "2027-01-10");
	y.in.plan.filed_on = D("2026-02-01");
	f = judge(&y, &a);
	assert_int_equal(count_rule(&f, "plan_filed"), 1);
	assert_non_null(strstr(f.items[0].evidence, "2026-02-01"));
	y.in.plan.exists = 0;
	f = judge(&y, &a);
	assert_int_equal(count_rule(&f, "plan_filed"), 1);
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(light_follows_the_rules_in_order),
		cmocka_unit_test(light_changes_only_on_its_change_day),
		cmocka_unit_test(period_deadline_is_due_on_its_last_day),
		cmocka_unit_test(asap_turns_yellow_then_red_without_progress),
		cmocka_unit_test(unset_deadline_is_yellow_never_red),
		cmocka_unit_test(deadline_text_reads_back),
		cmocka_unit_test(deadline_fields_follow_the_kind),
		cmocka_unit_test(task_with_no_report_counts_from_its_start),
		cmocka_unit_test(task_due_on_29_february),
		cmocka_unit_test(rollup_weights_and_worst_light),
		cmocka_unit_test(rollup_child_weights_summing_to_zero),
		cmocka_unit_test(rollup_initiative_with_no_tasks),
		cmocka_unit_test(rollup_refuses_a_cycle),
		cmocka_unit_test(workflow_allows_only_legal_moves),
		cmocka_unit_test(clean_year_has_no_findings),
		cmocka_unit_test(member_who_joined_in_july_is_judged_from_july),
		cmocka_unit_test(chairing_speaking_and_categories_are_evidence),
		cmocka_unit_test(ordinals_are_unique_and_without_gaps),
		cmocka_unit_test(leave_without_approver_and_late_makeup),
		cmocka_unit_test(makeup_not_done_is_judged_only_after_its_days),
		cmocka_unit_test(quarter_with_no_meeting),
		cmocka_unit_test(output_counts_are_at_risk_until_year_end),
		cmocka_unit_test(plan_must_be_approved_and_filed_by_january_31),
	};

	return cmocka_run_group_tests_name("rules", tests, NULL, NULL);
}
