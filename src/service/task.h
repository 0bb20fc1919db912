/*
 * task.h -- tasks: their derived light, lists and the supervision workflow
 * (dispatch, acknowledge, progress, completion, close, return, extensions).
 *
 * Every change runs in one transaction with its transition record and its
 * audit entry; an illegal action fails with ST_CONFLICT and a message that
 * lists the actions legal in the task's state. Lights are computed here on
 * every read from the facts, never stored.
 */
#ifndef PLENUM_TASK_H
#define PLENUM_TASK_H

#include <stddef.h>

#include "service.h"
#include "../domain/deadline.h"
#include "../domain/light.h"
#include "../domain/workflow.h"

struct task_view {
	struct task_row row;
	enum task_state state;
	struct light_result light;
};

/* The light of one task row today, with the org's rules. */
void task_compute(struct svc *svc, const struct task_row *row, struct task_view *out);
/* The task's deadline as entered, as every report prints it ("2026-09-30",
 * "2026年第三季度" / "Q3 2026", "尽快" / "as soon as possible", "待定" / "not
 * set yet"; deadline.h), into out[DEADLINE_TEXT_MAX]. Returns out. */
char *task_due_text(const struct task_row *row, int zh, char *out);

/* Tasks matching f, with lights; light >= 0 keeps only tasks of that light. */
int task_list(struct svc *svc, const struct task_filter *f, int light, struct arena *a,
	      struct task_view **out, size_t *n, struct err *err);
/* Every task matching f with its light, one at a time (strings borrowed
 * for the call): for whole-org computations that must not hold every row. */
typedef int (*task_scan_cb)(void *ctx, const struct task_view *t);
int task_scan(struct svc *svc, const struct task_filter *f, task_scan_cb cb, void *ctx, struct err *err);
/* How many tasks f matches in the caller's scope, whatever their light
 * (a count from the indexes, no row read): 0 and *n, or -1 with err (a
 * filter naming nothing is ST_INVALID naming the filter). */
int task_count(struct svc *svc, const struct task_filter *f, long long *n, struct err *err);
/* The whole views of the tasks with these ids, in id order. */
int task_scan_ids(struct svc *svc, const int64_t *ids, size_t n, task_scan_cb cb, void *ctx, struct err *err);
int task_show(struct svc *svc, const char *key, struct arena *a, struct task_view *out,
	      struct task_history *hist, struct err *err);

/* dispatch, acknowledge, report_completion, close, return. */
int task_act(struct svc *svc, const char *key, enum task_action action, const char *note,
	     struct err *err);

struct progress_input {
	const char *reported_on;     /* NULL: today */
	int percent;
	const char *done, *problems, *next_steps;
	const char *reporter_key;    /* a person, or NULL */
	const char *period_from, *period_to;   /* the period the report covers, or NULL */
};
/* Files an append-only progress report; moves an acknowledged or returned
 * task to in progress. The report is the caller's own: filed_by is the
 * actor, and when svc->who is a reporter, the day is today and the person
 * is the login's (naming another, or another day: ST_REFUSED on the field).
 * Others (a secretary recording a report received on paper, the CLI) may
 * name a person and an earlier day. No date may fall before the task starts
 * or after today; period_from <= period_to. */
int task_report(struct svc *svc, const char *key, const struct progress_input *in,
		struct err *err);
/* The same, giving the new report's id. */
int task_report_filed(struct svc *svc, const char *key, const struct progress_input *in, int64_t *report_id,
		      struct err *err);
/* A task's record (task_show's history) carries only its latest
 * LIM_TASK_REPORTS reports; all of them are the rows API's list of the
 * task's reports (record.h). The one report of this id: */
int task_report_get(struct svc *svc, int64_t report_id, struct arena *a, struct report_row *out, struct err *err);

int task_request_extension(struct svc *svc, const char *key, const char *new_due_on,
			   const char *reason, struct err *err);
/* The actions the task's state and history allow next, whoever asks: a bit
 * (1u << enum task_action) for each. The workflow's moves; a progress report;
 * an extension request while none is pending and the due date has not passed;
 * a decision while one is pending. Who may take each is the route table's
 * business (http_route_permits_task), not this function's. */
unsigned task_next_actions(struct svc *svc, const struct task_view *t, const struct task_history *h);

/* Decides the pending request: approve != 0 moves the due date. */
int task_decide_extension(struct svc *svc, const char *key, int approve, const char *note,
			  struct err *err);

/* Per unit, the tasks it leads and those it supports: how many, how many
 * red, overdue (past due, not closed) and missing a report (the cadence's
 * next report due before today, the task open and started). */
struct unit_rank_counts {
	int tasks, red, overdue, report_missing;
};
struct unit_rank {
	const char *key, *name, *name_en;       /* in the arena */
	struct unit_rank_counts led, supported;
};
/* Every unit with a task in the caller's scope (a reporter: its own unit
 * only), worst first: by red tasks, then overdue, then missing reports (led
 * and supported together), then led red, then key. *out in the arena. */
int task_unit_ranking(struct svc *svc, struct arena *a, struct unit_rank **out, size_t *n, struct err *err);

/* How many tasks had each light at the end of each given day, replaying
 * the progress reports and closings filed by then (the due dates are
 * today's: an extension moves a task's past lights too). counts[i] is for
 * days[i]. */
int task_light_history(struct svc *svc, const int32_t *days, size_t ndays, int (*counts)[LIGHT_COUNT],
		       struct err *err);

#endif
