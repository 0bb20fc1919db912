/*
 * light.h -- the task light (红黄绿灯) and the initiative roll-up: derived,
 * never typed in (DESIGN.md section 2, "Derived").
 *
 * Task light, first rule that applies:
 *   closed                                            -> done
 *   today before the start date                       -> grey (not yet started)
 *   deadline not set yet (待定)                        -> yellow ("no deadline yet"), never red by date
 *   deadline "as soon as possible" (尽快): no progress report (none: since
 *     the start) for more than 2 * asap_days           -> red; more than
 *     asap_days -> yellow ("no progress"); then the report cadence as below;
 *     never overdue, behind or due soon: it has no date
 *   past the due date and not closed                  -> red
 *   behind the pro-rata schedule (序时进度) by > red_behind points -> red
 *   behind by >= yellow_behind points                  -> yellow
 *   due within due_soon_days and under 100%           -> yellow
 *   no report for longer than the reporting cadence   -> yellow (counted from
 *                                                        the start when none)
 *   otherwise                                         -> green
 * A period deadline (2026-Q3) is due on its last day: the rules from "past
 * the due date" on apply to that day exactly as to a date.
 * The thresholds come from the org's settings (struct light_rules).
 *
 * Roll-up: an initiative's progress is the weighted mean of its children's
 * progress (sub-initiatives and tasks, Decidim's rule); when the weights of
 * the children that have progress sum to zero, the plain mean. Children with
 * nothing to measure (an initiative with no tasks) are left out of the mean.
 * Its light is the worst light below it, with counts of each light among all
 * its tasks. Pure functions, no storage and no clock.
 */
#ifndef PLENUM_LIGHT_H
#define PLENUM_LIGHT_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

/* Ordered by severity, so the worst of two lights is the larger. */
enum light { LIGHT_DONE, LIGHT_GREY, LIGHT_GREEN, LIGHT_YELLOW, LIGHT_RED, LIGHT_COUNT };

enum light_reason {
	LR_NONE, LR_CLOSED, LR_NOT_STARTED, LR_OVERDUE, LR_BEHIND, LR_DUE_SOON,
	LR_REPORT_MISSING, LR_ON_TRACK, LR_NO_DEADLINE, LR_NO_PROGRESS,
};

struct light_rules {
	int red_behind;       /* points behind schedule for red (default 30) */
	int yellow_behind;    /* points behind schedule for yellow (default 10) */
	int due_soon_days;    /* days before the due date for yellow (default 7) */
	int asap_days;        /* days without a report for an "asap" task to turn yellow; red at twice (default 30) */
};

/* What the light is computed from; dates are day numbers (date.h). */
struct task_facts {
	int closed;                /* workflow state is closed */
	int32_t starts_on, due_on; /* due_on: the date or the period's last day; DATE_NONE for asap, unset */
	int due_kind;              /* enum due_kind (model.h): date period asap unset */
	int cadence;               /* index in model_cadences: none weekly monthly quarterly half_yearly */
	int has_report;
	int percent;               /* latest report's percent, 0 without one */
	int32_t last_report_on;    /* DATE_NONE without one */
};

struct light_result {
	enum light light;
	enum light_reason reason;
	int expected;              /* pro-rata percent expected today; -1 without a due date (asap, unset) */
	int behind;                /* expected - percent, may be negative */
	int days_overdue;          /* > 0 when past due */
	int days_silent;           /* asap: days since the last report (or the start) */
	int32_t report_due_on;     /* when the next report is or was due, or DATE_NONE */
	int32_t changes_on;        /* the first day after today on which the light may differ with the
				    * date alone (the facts unchanged); DATE_NONE when it never can.
				    * Never later than the real change; it may be a day on which the
				    * light happens to stay the same (the counts recompute it then). */
};

void light_rules_default(struct light_rules *r);
void task_light(const struct task_facts *t, int32_t today,
		const struct light_rules *r, struct light_result *out);

const char *light_name(enum light l);                 /* "red" */
const char *light_label(enum light l, int zh);        /* "red" / "红" */
int light_parse(const char *name);                    /* -1 when unknown */
const char *light_reason_text(enum light_reason r, int zh);
const char *light_reason_name(enum light_reason r);        /* "report_missing" */

/* The next report due after `from` for a cadence; DATE_NONE for "none". */
int32_t light_next_report(int32_t from, int cadence);

/* ---- roll-up ---- */

struct rollup_node {            /* one initiative, filled by the caller */
	int64_t id;
	int64_t parent_id;          /* 0 for a root */
	double weight;
	/* computed by light_rollup(): */
	double progress;            /* 0..100, or -1 when nothing to measure */
	enum light light;
	int counts[LIGHT_COUNT];    /* tasks at or below this node, per light */
	int tasks;
};

struct rollup_task {
	int64_t initiative_id;
	double weight;
	int progress;               /* 100 when closed, else the latest percent */
	enum light light;
};

/* Computes progress, light and counts for every node. Nodes whose parent is
 * not among them are roots. Returns -1 when the parents form a cycle. */
int light_rollup(struct rollup_node *nodes, size_t n,
		 const struct rollup_task *tasks, size_t ntasks);

/* The tasks of one initiative summed (what the roll-up reads of them): the
 * incremental light counts keep these, so the roll-up needs no task. */
struct rollup_sums {
	int64_t initiative_id;
	long counts[LIGHT_COUNT];   /* tasks per light */
	double wsum, wacc;          /* sum of weights, sum of weight * progress */
	long psum;                  /* sum of progress */
};
/* Adds (sign 1) or takes away (sign -1) one task. */
void light_sums_add(struct rollup_sums *s, enum light light, double weight, int progress, int sign);
/* light_rollup() from sums instead of tasks: the same answers. */
int light_rollup_sums(struct rollup_node *nodes, size_t n, const struct rollup_sums *sums, size_t nsums);

#endif
