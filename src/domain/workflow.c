/*
 * workflow.c -- the supervision workflow as a table (see workflow.h).
 */
#include <stdio.h>
#include <string.h>

#include "workflow.h"
#include "../core/banned.h"

static const char *const state_names[TS_COUNT] = {
	"registered", "dispatched", "acknowledged", "in_progress",
	"completion_reported", "returned", "closed",
};
static const char *const state_en[TS_COUNT] = {
	"registered", "dispatched", "acknowledged", "in progress",
	"completion reported", "returned", "closed",
};
static const char *const state_zh[TS_COUNT] = {
	"已立项", "已交办", "已签收", "办理中", "已报办结", "已退办", "已销号",
};
static const char *const action_names[TA_COUNT] = {
	"dispatch", "acknowledge", "report_progress", "report_completion",
	"close", "return", "request_extension", "decide_extension",
};

#define X (-1)
#define REG TS_REGISTERED
#define DIS TS_DISPATCHED
#define ACK TS_ACKNOWLEDGED
#define PRO TS_IN_PROGRESS
#define COM TS_COMPLETION_REPORTED
#define RET TS_RETURNED
#define CLO TS_CLOSED
/* next[state][action]: the state after, or X when illegal. Columns:
 * dispatch, acknowledge, report_progress, report_completion, close,
 * return, request_extension, decide_extension. */
static const int next[TS_COUNT][TA_COUNT] = {
	[REG] = { DIS, X,   X,   X,   X,   X,   X,   X },
	[DIS] = { X,   ACK, X,   X,   X,   X,   DIS, DIS },
	[ACK] = { X,   X,   PRO, COM, X,   X,   ACK, ACK },
	[PRO] = { X,   X,   PRO, COM, X,   X,   PRO, PRO },
	[COM] = { X,   X,   X,   X,   CLO, RET, X,   COM },
	[RET] = { X,   X,   PRO, COM, X,   X,   RET, RET },
	[CLO] = { X,   X,   X,   X,   X,   X,   X,   X },
};
#undef X
#undef REG
#undef DIS
#undef ACK
#undef PRO
#undef COM
#undef RET
#undef CLO

const char *workflow_state_name(enum task_state s)
{
	return (unsigned)s < TS_COUNT ? state_names[s] : "?";
}

const char *workflow_state_label(enum task_state s, int zh)
{
	if ((unsigned)s >= TS_COUNT)
		return "?";
	return zh ? state_zh[s] : state_en[s];
}

int workflow_state_parse(const char *name)
{
	for (int i = 0; i < TS_COUNT; i++)
		if (strcmp(state_names[i], name) == 0)
			return i;
	return -1;
}

const char *workflow_action_name(enum task_action a)
{
	return (unsigned)a < TA_COUNT ? action_names[a] : "?";
}

int workflow_action_parse(const char *name)
{
	for (int i = 0; i < TA_COUNT; i++)
		if (strcmp(action_names[i], name) == 0)
			return i;
	return -1;
}

int workflow_next(enum task_state s, enum task_action a, enum task_state *to)
{
	if ((unsigned)s >= TS_COUNT || (unsigned)a >= TA_COUNT || next[s][a] < 0)
		return -1;
	*to = (enum task_state)next[s][a];
	return 0;
}

void workflow_allowed(enum task_state s, char *buf, unsigned size)
{
	size_t len = 0;

	buf[0] = '\0';
	if ((unsigned)s >= TS_COUNT)
		return;
	for (int a = 0; a < TA_COUNT; a++) {
		if (next[s][a] < 0 || a == TA_DECIDE_EXTENSION)
			continue;
		len += (size_t)snprintf(buf + len, len < size ? size - len : 0, "%s%s",
					len ? ", " : "", action_names[a]);
		if (len >= size)
			return;
	}
	if (len == 0)
		snprintf(buf, size, "none");
}
