/*
 * workflow.h -- the supervision workflow of a task (督办): its states, the
 * actions that move it and the only legal transitions.
 *
 *   registered (立项) -dispatch-> dispatched (交办) -acknowledge-> acknowledged (签收)
 *   acknowledged | returned -report_progress-> in_progress (办理)
 *   acknowledged | in_progress | returned -report_completion-> completion_reported (办结)
 *   completion_reported -close-> closed (销号)   completion_reported -return-> returned (退办)
 *
 * Extensions (延期) do not move the state; they are allowed while the task is
 * dispatched, acknowledged, in progress or returned, and only up to its due
 * date. Pure functions: no storage, no clock; the task service applies them.
 */
#ifndef PLENUM_WORKFLOW_H
#define PLENUM_WORKFLOW_H

enum task_state {
	TS_REGISTERED, TS_DISPATCHED, TS_ACKNOWLEDGED, TS_IN_PROGRESS,
	TS_COMPLETION_REPORTED, TS_RETURNED, TS_CLOSED, TS_COUNT
};

enum task_action {
	TA_DISPATCH, TA_ACKNOWLEDGE, TA_REPORT_PROGRESS, TA_REPORT_COMPLETION,
	TA_CLOSE, TA_RETURN, TA_REQUEST_EXTENSION, TA_DECIDE_EXTENSION, TA_COUNT
};

const char *workflow_state_name(enum task_state s);          /* "in_progress" */
const char *workflow_state_label(enum task_state s, int zh); /* "in progress" / "办理中" */
int workflow_state_parse(const char *name);                   /* -1 when unknown */
const char *workflow_action_name(enum task_action a);
int workflow_action_parse(const char *name);                  /* -1 when unknown */

/* The state after action a in state s: 0 and *to, or -1 when illegal.
 * Actions that keep the state (progress while in progress, extensions) give
 * *to == s. */
int workflow_next(enum task_state s, enum task_action a, enum task_state *to);

/* Writes the actions legal in state s as "dispatch, close" into buf. */
void workflow_allowed(enum task_state s, char *buf, unsigned size);

#endif
