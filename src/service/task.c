/*
 * task.c -- tasks and the supervision workflow (see task.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "task.h"
#include "auth.h"
#include "lights.h"
#include "tx.h"
#include "../core/date.h"
#include "../core/limits.h"
#include "../core/text.h"
#include "../core/xalloc.h"
#include "../domain/model.h"
#include "../core/banned.h"

static int32_t day_or_none(const char *s)
{
	int32_t d;

	return s && date_parse(s, &d) == 0 ? d : DATE_NONE;
}

static int due_kind(const struct task_row *row)
{
	for (int i = 0; model_due_kinds[i]; i++)
		if (row->due_kind && strcmp(model_due_kinds[i], row->due_kind) == 0)
			return i;
	return DK_DATE;
}

char *task_due_text(const struct task_row *row, int zh, char *out)
{
	struct deadline d;

	deadline_from_fields(&d, row->due_kind, row->due_from, row->due_on, row->due_precision);
	return deadline_text(&d, zh, out);
}

void task_compute(struct svc *svc, const struct task_row *row, struct task_view *out)
{
	struct task_facts f;
	int state = workflow_state_parse(row->state ? row->state : "");
	int cadence = -1;

	for (int i = 0; model_cadences[i]; i++)
		if (row->cadence && strcmp(model_cadences[i], row->cadence) == 0)
			cadence = i;
	out->row = *row;
	out->state = state < 0 ? TS_REGISTERED : (enum task_state)state;
	memset(&f, 0, sizeof(f));
	f.closed = out->state == TS_CLOSED;
	f.starts_on = day_or_none(row->starts_on);
	f.due_on = day_or_none(row->due_on);
	f.due_kind = due_kind(row);
	f.cadence = cadence < 0 ? 0 : cadence;
	f.has_report = row->has_report;
	f.percent = row->has_report ? row->percent : 0;
	f.last_report_on = day_or_none(row->last_report_on);
	task_light(&f, svc->today, &svc->light, &out->light);
}

/* A filter naming something that does not exist is a mistake, not an empty
 * list: a 'bad input' error naming the filter. */
static int known(struct svc *svc, const char *entity, const char *key, struct err *err)
{
	struct err e = ERR_INIT;

	if (key == NULL || store_key_exists(svc->st, model_entity(entity), svc->org.id, key, &e) == 0)
		return 0;
	return e.code == ST_NOTFOUND ? err_field(err, ST_INVALID, entity, "%s: no %s \"%s\"", entity, entity, key)
				     : err_set(err, e.code, "%s", e.msg);
}

static int filter_known(struct svc *svc, const struct task_filter *f, struct err *err)
{
	return f && (known(svc, "unit", f->unit_key, err) || known(svc, "initiative", f->initiative_key, err) ||
		     known(svc, "meeting", f->meeting_key, err) || known(svc, "group", f->group_key, err)) ? -1 : 0;
}

int task_list(struct svc *svc, const struct task_filter *f, int light, struct arena *a,
	      struct task_view **out, size_t *n, struct err *err)
{
	struct task_row *rows = NULL;
	struct task_filter scoped;
	size_t nrows = 0, k = 0;

	*out = NULL;
	*n = 0;
	if (filter_known(svc, f, err) != 0)
		return -1;
	if (!auth_task_scope(svc->who, f, &scoped)) {
		*out = arena_calloc(a, 1, sizeof(**out));
		return 0;
	}
	if (store_task_list(svc->st, svc->org.id, &scoped, a, &rows, &nrows, err) != 0)
		return -1;
	*out = arena_calloc(a, nrows ? nrows : 1, sizeof(**out));
	for (size_t i = 0; i < nrows; i++) {
		task_compute(svc, &rows[i], &(*out)[k]);
		if (light < 0 || (int)(*out)[k].light.light == light)
			k++;
	}
	*n = k;
	return 0;
}

struct scan_ctx {
	struct svc *svc;
	task_scan_cb cb;
	void *ctx;
	int check_scope;         /* rows not narrowed by the filter: check each */
};

static int scan_one(void *ctx, const struct task_row *row)
{
	struct scan_ctx *s = ctx;
	struct task_view v;

	if (s->check_scope && !auth_task_in_scope(s->svc, s->svc->who, row->lead_unit_key, row->key))
		return 0;
	task_compute(s->svc, row, &v);
	return s->cb(s->ctx, &v);
}

int task_scan(struct svc *svc, const struct task_filter *f, task_scan_cb cb, void *ctx, struct err *err)
{
	struct scan_ctx s = { svc, cb, ctx, 0 };
	struct task_filter scoped;

	if (filter_known(svc, f, err) != 0)
		return -1;
	/* Lean whole-org passes (roll-ups) count every task and show none. */
	if (f && f->lean)
		return store_task_scan(svc->st, svc->org.id, f, scan_one, &s, err);
	if (!auth_task_scope(svc->who, f, &scoped))
		return 0;
	return store_task_scan(svc->st, svc->org.id, &scoped, scan_one, &s, err);
}

int task_count(struct svc *svc, const struct task_filter *f, long long *n, struct err *err)
{
	struct task_filter scoped;

	*n = 0;
	if (filter_known(svc, f, err) != 0)
		return -1;
	if (!auth_task_scope(svc->who, f, &scoped))
		return 0;
	return store_task_count(svc->st, svc->org.id, &scoped, n, err);
}

/* ---- per-unit ranking ---- */

struct rank_fact {
	int64_t id;
	unsigned char red, overdue, missing;
};

struct rank_ctx {
	struct svc *svc;
	struct arena *a;
	struct rank_fact *facts;      /* by task id (the scan's order) */
	size_t nfacts, capfacts;
	struct unit_rank *units;
	size_t nunits, capunits;
	const char *only_unit;        /* a reporter's unit, or NULL */
};

static int rank_fact_add(void *ctx, const struct task_view *t)
{
	struct rank_ctx *c = ctx;
	struct rank_fact *f;

	if (c->nfacts == c->capfacts) {
		c->capfacts = c->capfacts ? c->capfacts * 2 : 256;
		c->facts = xreallocarray(c->facts, c->capfacts, sizeof(*c->facts));
	}
	f = &c->facts[c->nfacts++];
	f->id = t->row.id;
	f->red = t->light.light == LIGHT_RED;
	f->overdue = t->light.days_overdue > 0;
	f->missing = t->light.light != LIGHT_DONE && t->light.light != LIGHT_GREY &&
		     t->light.report_due_on != DATE_NONE && c->svc->today > t->light.report_due_on;
	return 0;
}

static const struct rank_fact *rank_fact_find(const struct rank_ctx *c, int64_t id)
{
	size_t lo = 0, hi = c->nfacts;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->facts[mid].id == id)
			return &c->facts[mid];
		if (c->facts[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int rank_pair(void *ctx, int64_t task_id, int lead, const char *unit_key, const char *name,
		     const char *name_en)
{
	struct rank_ctx *c = ctx;
	const struct rank_fact *f = rank_fact_find(c, task_id);
	struct unit_rank *u;
	struct unit_rank_counts *k;

	if (f == NULL || (c->only_unit && strcmp(c->only_unit, unit_key) != 0))
		return 0;        /* out of the caller's scope */
	/* pairs come grouped by unit */
	if (c->nunits == 0 || strcmp(c->units[c->nunits - 1].key, unit_key) != 0) {
		if (c->nunits == c->capunits) {
			c->capunits = c->capunits ? c->capunits * 2 : 64;
			c->units = xreallocarray(c->units, c->capunits, sizeof(*c->units));
		}
		u = &c->units[c->nunits++];
		memset(u, 0, sizeof(*u));
		u->key = arena_strdup(c->a, unit_key);
		u->name = arena_strdup(c->a, name);
		u->name_en = arena_strdup(c->a, name_en);
	}
	u = &c->units[c->nunits - 1];
	k = lead ? &u->led : &u->supported;
	k->tasks++;
	k->red += f->red;
	k->overdue += f->overdue;
	k->report_missing += f->missing;
	return 0;
}

static int rank_cmp(const void *pa, const void *pb)
{
	const struct unit_rank *a = pa, *b = pb;
	const int by[][2] = {
		{ a->led.red + a->supported.red, b->led.red + b->supported.red },
		{ a->led.overdue + a->supported.overdue, b->led.overdue + b->supported.overdue },
		{ a->led.report_missing + a->supported.report_missing, b->led.report_missing + b->supported.report_missing },
		{ a->led.red, b->led.red },
	};

	for (size_t i = 0; i < sizeof(by) / sizeof(by[0]); i++)
		if (by[i][0] != by[i][1])
			return by[i][1] - by[i][0];
	return strcmp(a->key, b->key);
}

int task_unit_ranking(struct svc *svc, struct arena *a, struct unit_rank **out, size_t *n, struct err *err)
{
	struct rank_ctx c;
	struct task_filter f;
	int rc = -1;

	memset(&c, 0, sizeof(c));
	memset(&f, 0, sizeof(f));
	c.svc = svc;
	c.a = a;
	*out = NULL;
	*n = 0;
	if (!auth_task_scope(svc->who, NULL, &f))
		return 0;      /* a role that reads no tasks ranks no unit */
	/* A lean pass reads the light's columns of every task, whatever the
	 * scope: a reporter's answer keeps its own unit's row only. */
	if (svc->who && svc->who->role == ROLE_REPORTER)
		c.only_unit = svc->who->user.unit_key ? svc->who->user.unit_key : "";
	memset(&f, 0, sizeof(f));
	f.lean = 1;
	if (task_scan(svc, &f, rank_fact_add, &c, err) < 0 ||
	    store_task_unit_pairs(svc->st, svc->org.id, rank_pair, &c, err) != 0)
		goto out;
	if (c.nunits)
		qsort(c.units, c.nunits, sizeof(*c.units), rank_cmp);
	*out = arena_calloc(a, c.nunits ? c.nunits : 1, sizeof(**out));
	if (c.nunits)
		memcpy(*out, c.units, c.nunits * sizeof(**out));
	*n = c.nunits;
	rc = 0;
out:
	free(c.facts);
	free(c.units);
	return rc;
}

int task_scan_ids(struct svc *svc, const int64_t *ids, size_t n, task_scan_cb cb, void *ctx, struct err *err)
{
	struct scan_ctx s = { svc, cb, ctx, svc->who != NULL };

	return store_task_scan_ids(svc->st, svc->org.id, ids, n, scan_one, &s, err);
}

int task_show(struct svc *svc, const char *key, struct arena *a, struct task_view *out,
	      struct task_history *hist, struct err *err)
{
	struct task_row row;

	if (store_task_get(svc->st, svc->org.id, key, a, &row, err) != 0)
		return -1;
	task_compute(svc, &row, out);
	if (hist && store_task_history(svc->st, row.id, a, hist, err) != 0)
		return -1;
	return 0;
}

static int check_note(const char *note, const char *field, struct err *err)
{
	if (note == NULL)
		return 0;
	if (!text_utf8_valid(note, strlen(note)))
		return err_field(err, ST_INVALID, field, "%s: not valid UTF-8", field);
	if (text_utf8_chars(note) > LIM_NOTE_CHARS)
		return err_field(err, ST_INVALID, field, "%s: longer than %d characters", field, LIM_NOTE_CHARS);
	return 0;
}

static char *state_json(const char *state, const char *due_on)
{
	json_t *o = json_pack("{s:s, s:s}", "state", state, "due_on", due_on ? due_on : "");
	char *s = json_dumps(o, JSON_COMPACT);

	json_decref(o);
	return s;
}

/* Moves the task and records the transition; the caller holds the write,
 * whose audit entry seals both. */
static int move(struct svc *svc, const struct task_view *t, enum task_action action,
		enum task_state to, const char *note, struct err *err)
{
	struct transition_row tr;
	char at[32];

	if (to != t->state &&
	    store_task_set_state(svc->st, t->row.id, t->row.version, workflow_state_name(to), err) != 0)
		return -1;
	lights_touch(svc, t->row.id);
	tr.action = workflow_action_name(action);
	tr.from_state = workflow_state_name(t->state);
	tr.to_state = workflow_state_name(to);
	tr.at = svc_now(at);
	tr.actor = svc->actor;
	tr.note = note;
	return store_transition_insert(svc->st, svc->org.id, t->row.id, &tr, err);
}

/* Ends the write with an audit entry whose "after" is the object o (taken:
 * released here, NULL when the write failed). */
static int end_obj(struct svc *svc, int rc, const char *action, const char *entity, int64_t id, json_t *o,
		   struct err *err)
{
	char *after = o ? json_dumps(o, JSON_COMPACT) : NULL;

	rc = svc_tx_end(svc, rc, action, entity, id, NULL, after, err);
	free(after);
	json_decref(o);
	return rc;
}

static int illegal(const struct task_view *t, enum task_action action, struct err *err)
{
	char allowed[256];

	workflow_allowed(t->state, allowed, sizeof(allowed));
	return err_field(err, ST_CONFLICT, "action", "cannot %s task \"%s\": it is %s; allowed now: %s",
			 workflow_action_name(action), t->row.key, workflow_state_label(t->state, 0), allowed);
}

int task_act(struct svc *svc, const char *key, enum task_action action, const char *note,
	     struct err *err)
{
	struct arena a = ARENA_INIT;
	struct task_view t;
	enum task_state to;
	char *before = NULL, *after = NULL;
	int rc = -1;

	if (action == TA_REPORT_PROGRESS || action == TA_REQUEST_EXTENSION || action == TA_DECIDE_EXTENSION) {
		err_field(err, ST_INVALID, "action", "%s has its own command", workflow_action_name(action));
		goto out;
	}
	if (check_note(note, "note", err) != 0)
		goto out;
	if (svc_tx_begin(svc, err) != 0)
		goto out;
	rc = task_show(svc, key, &a, &t, NULL, err);
	if (rc == 0 && workflow_next(t.state, action, &to) != 0)
		rc = illegal(&t, action, err);
	if (rc == 0)
		rc = move(svc, &t, action, to, note, err);
	if (rc == 0) {
		before = state_json(workflow_state_name(t.state), t.row.due_on);
		after = state_json(workflow_state_name(to), t.row.due_on);
	}
	rc = svc_tx_end(svc, rc, workflow_action_name(action), "task", rc == 0 ? t.row.id : 0, before, after, err);
out:
	free(before);
	free(after);
	arena_release(&a);
	return rc;
}

/* A date of a report: 0 and *day, or -1 after a 400 on a date that is not
 * real; NULL is left alone. */
static int report_date(const char *s, const char *field, int32_t *day, struct err *err)
{
	if (s && date_parse(s, day) != 0)
		return err_field(err, ST_INVALID, field, "%s: \"%s\" is not a real date YYYY-MM-DD", field, s);
	return 0;
}

/* Who the report is from: the login's person for a reporter (naming
 * another is refused), the person named or the login's for others. */
static int report_person(struct svc *svc, const char *key, int64_t *id, struct err *err)
{
	const struct principal *who = svc->who;

	*id = 0;
	if (who && who->role == ROLE_REPORTER) {
		if (key && (who->user.person_key == NULL || strcmp(key, who->user.person_key) != 0))
			return err_field(err, ST_REFUSED, "reporter", "reporter: a report is filed in your own name%s%s%s; "
					 "name no one else", who->user.person_key ? " (" : "",
					 who->user.person_key ? who->user.person_key : "", who->user.person_key ? ")" : "");
		*id = who->user.person_id;
		return 0;
	}
	if (key == NULL) {
		*id = who ? who->user.person_id : 0;
		return 0;
	}
	if (store_person_find(svc->st, svc->org.id, key, id, err) != 0)
		return err_field(err, ST_NOTFOUND, "reporter", "reporter: no person \"%s\"", key);
	return 0;
}

int task_report(struct svc *svc, const char *key, const struct progress_input *in,
		struct err *err)
{
	return task_report_filed(svc, key, in, NULL, err);
}

int task_report_filed(struct svc *svc, const char *key, const struct progress_input *in, int64_t *report_id,
		      struct err *err)
{
	struct arena a = ARENA_INIT;
	struct task_view t;
	struct report_row r;
	enum task_state to;
	char today[DATE_LEN];
	int32_t day, from = 0, until = 0, start;
	int64_t reporter_id = 0, id = 0;
	int own = svc->who && svc->who->role == ROLE_REPORTER;
	int rc = -1;

	memset(&r, 0, sizeof(r));
	r.reported_on = in->reported_on ? in->reported_on : date_format(svc->today, today);
	if (report_date(r.reported_on, "reported_on", &day, err) || report_date(in->period_from, "period_from", &from, err) ||
	    report_date(in->period_to, "period_to", &until, err))
		goto out;
	if (day > svc->today) {
		err_field(err, ST_INVALID, "reported_on", "reported_on: %s is in the future", r.reported_on);
		goto out;
	}
	if (own && day != svc->today) {
		err_field(err, ST_REFUSED, "reported_on", "reported_on: a report is dated the day it is filed (%s); "
			  "say which period it covers with period_from and period_to", date_format(svc->today, today));
		goto out;
	}
	if (in->period_to && until > svc->today) {
		err_field(err, ST_REFUSED, "period_to", "period_to: %s is after today", in->period_to);
		err_reason(err, "after_today");
		goto out;
	}
	if (in->period_from && in->period_to && until < from) {
		err_field(err, ST_REFUSED, "period_to", "period_to: %s is before period_from %s", in->period_to, in->period_from);
		err_reason(err, "before");
		err_param(err, "other", "period_from");
		goto out;
	}
	if (in->percent < 0 || in->percent > 100) {
		err_field(err, ST_INVALID, "percent", "percent: %d is out of range 0..100", in->percent);
		err_reason(err, "out_of_range");
		err_param(err, "min", "0");
		err_param(err, "max", "100");
		goto out;
	}
	if (in->done == NULL || text_is_blank(in->done)) {
		err_field(err, ST_INVALID, "done", "done: required: what was done since the last report");
		err_reason(err, "required");
		goto out;
	}
	if (check_note(in->done, "done", err) || check_note(in->problems, "problems", err) ||
	    check_note(in->next_steps, "next_steps", err))
		goto out;
	r.percent = in->percent;
	r.done = in->done;
	r.problems = in->problems;
	r.next_steps = in->next_steps;
	r.filed_by = svc->actor;
	r.period_from = in->period_from;
	r.period_to = in->period_to;
	if (svc_tx_begin(svc, err) != 0)
		goto out;
	rc = report_person(svc, in->reporter_key, &reporter_id, err);
	if (rc == 0)
		rc = task_show(svc, key, &a, &t, NULL, err);
	/* Nothing before the task's span. */
	if (rc == 0 && t.row.starts_on && date_parse(t.row.starts_on, &start) == 0) {
		const char *field = day < start ? "reported_on" : in->period_from && from < start ? "period_from"
								: in->period_to && until < start ? "period_to" : NULL;

		if (field) {
			rc = err_field(err, ST_REFUSED, field, "%s: before the task starts (%s)", field, t.row.starts_on);
			err_reason(err, "before");
			err_param(err, "other", "starts_on");
			err_param(err, "date", "%s", t.row.starts_on);
		}
	}
	if (rc == 0 && workflow_next(t.state, TA_REPORT_PROGRESS, &to) != 0)
		rc = illegal(&t, TA_REPORT_PROGRESS, err);
	if (rc == 0 && to != t.state)
		rc = move(svc, &t, TA_REPORT_PROGRESS, to, NULL, err);
	if (rc == 0)
		rc = store_report_insert(svc->st, svc->org.id, t.row.id, &r, reporter_id, &id, err);
	if (rc == 0)
		lights_touch(svc, t.row.id);
	rc = end_obj(svc, rc, "report_progress", "report", id, rc != 0 ? NULL :
		     json_pack("{s:s, s:s, s:i, s:s, s:s?, s:s?, s:s?, s:s?}", "task", t.row.key, "reported_on",
			       r.reported_on, "percent", r.percent, "done", r.done, "problems", r.problems,
			       "next_steps", r.next_steps, "period_from", r.period_from, "period_to", r.period_to), err);
	if (rc == 0 && report_id)
		*report_id = id;
out:
	arena_release(&a);
	return rc;
}

int task_report_get(struct svc *svc, int64_t report_id, struct arena *a, struct report_row *out, struct err *err)
{
	return store_report_get(svc->st, report_id, a, out, err);
}

static const struct extension_row *pending(const struct task_history *h)
{
	for (size_t i = 0; i < h->nextensions; i++)
		if (strcmp(h->extensions[i].status, "pending") == 0)
			return &h->extensions[i];
	return NULL;
}

unsigned task_next_actions(struct svc *svc, const struct task_view *t, const struct task_history *h)
{
	enum task_state to;
	unsigned mask = 0;

	for (int a = 0; a < TA_COUNT; a++)
		if (workflow_next(t->state, (enum task_action)a, &to) == 0)
			mask |= 1u << a;
	if (pending(h))
		mask &= ~(1u << TA_REQUEST_EXTENSION);
	else
		mask &= ~(1u << TA_DECIDE_EXTENSION);
	if (svc->today > day_or_none(t->row.due_on))
		mask &= ~(1u << TA_REQUEST_EXTENSION);
	return mask;
}

int task_request_extension(struct svc *svc, const char *key, const char *new_due_on,
			   const char *reason, struct err *err)
{
	struct arena a = ARENA_INIT;
	struct task_view t;
	struct task_history h;
	struct extension_row x;
	enum task_state to;
	int32_t due, new_due;
	char at[32];
	int64_t id = 0;
	int rc = -1;

	if (new_due_on == NULL || date_parse(new_due_on, &new_due) != 0) {
		err_field(err, ST_INVALID, "new_due_on", "new_due_on: expected a real date YYYY-MM-DD");
		err_reason(err, "not_a_date");
		goto out;
	}
	if (reason == NULL || text_is_blank(reason)) {
		err_field(err, ST_INVALID, "reason", "reason: required: why the task needs more time");
		err_reason(err, "required");
		goto out;
	}
	if (check_note(reason, "reason", err) != 0)
		goto out;
	if (svc_tx_begin(svc, err) != 0)
		goto out;
	rc = task_show(svc, key, &a, &t, &h, err);
	if (rc == 0 && workflow_next(t.state, TA_REQUEST_EXTENSION, &to) != 0)
		rc = illegal(&t, TA_REQUEST_EXTENSION, err);
	due = rc == 0 ? day_or_none(t.row.due_on) : 0;
	if (rc == 0 && t.row.due_on == NULL)
		rc = err_field(err, ST_CONFLICT, "new_due_on", "task \"%s\" has no due date to extend (its deadline is "
			       "\"%s\"): set its deadline on the task instead", key, t.row.due_kind ? t.row.due_kind : "");
	if (rc == 0 && svc->today > due)
		rc = err_field(err, ST_CONFLICT, "new_due_on", "an extension must be requested before the due date (%s); "
			       "this task is overdue", t.row.due_on);
	if (rc == 0 && new_due <= due)
		rc = err_field(err, ST_INVALID, "new_due_on", "new_due_on: %s is not after the due date %s", new_due_on,
			       t.row.due_on);
	if (rc == 0 && pending(&h))
		rc = err_field(err, ST_CONFLICT, "new_due_on",
			       "task \"%s\" already has an extension request waiting for a decision", key);
	if (rc == 0) {
		x.requested_at = svc_now(at);
		x.requested_by = svc->actor;
		x.old_due_on = t.row.due_on;
		x.new_due_on = new_due_on;
		x.reason = reason;
		rc = store_extension_insert(svc->st, svc->org.id, t.row.id, &x, &id, err);
	}
	if (rc == 0)
		rc = move(svc, &t, TA_REQUEST_EXTENSION, to, reason, err);
	rc = end_obj(svc, rc, "request_extension", "extension", id, rc != 0 ? NULL :
		     json_pack("{s:s, s:s, s:s, s:s}", "task", key, "old_due_on", t.row.due_on, "new_due_on",
			       new_due_on, "reason", reason), err);
out:
	arena_release(&a);
	return rc;
}

int task_decide_extension(struct svc *svc, const char *key, int approve, const char *note,
			  struct err *err)
{
	struct arena a = ARENA_INIT;
	struct task_view t;
	struct task_history h;
	const struct extension_row *x;
	char at[32];
	int rc = -1;

	if (check_note(note, "note", err) != 0)
		goto out;
	if (svc_tx_begin(svc, err) != 0)
		goto out;
	rc = task_show(svc, key, &a, &t, &h, err);
	x = rc == 0 ? pending(&h) : NULL;
	if (rc == 0 && x == NULL)
		rc = err_field(err, ST_CONFLICT, "extension", "task \"%s\" has no extension request waiting for a decision",
			       key);
	if (rc == 0)
		rc = store_extension_decide(svc->st, x->id, approve ? "approved" : "refused", svc_now(at), svc->actor,
					    note, err);
	if (rc == 0 && approve) {
		rc = store_task_set_due(svc->st, t.row.id, x->new_due_on, err);
		lights_touch(svc, t.row.id);
	}
	if (rc == 0)
		rc = move(svc, &t, TA_DECIDE_EXTENSION, t.state,
			  arena_printf(&a, "%s: %s -> %s%s%s", approve ? "approved" : "refused", x->old_due_on,
				       x->new_due_on, note ? "; " : "", note ? note : ""), err);
	rc = end_obj(svc, rc, "decide_extension", "extension", x ? x->id : 0, rc != 0 ? NULL :
		     json_pack("{s:s, s:s, s:s}", "task", key, "status", approve ? "approved" : "refused",
			       "due_on", approve ? x->new_due_on : x->old_due_on), err);
out:
	arena_release(&a);
	return rc;
}

/* The replay of past lights, one task at a time: the tasks (lean, in id
 * order) and the two fact cursors (in task order) are merged; per task only
 * the state at each asked day is kept (the latest report on or before it,
 * a closing on or before it), so memory does not grow with the org. */
struct replay {
	struct svc *svc;
	const int32_t *days;
	size_t ndays;
	int (*counts)[LIGHT_COUNT];
	struct store_facts reports, closings;
	struct task_facts *at;    /* ndays */
	struct err *err;
	int failed;
};

static int replay_one(void *ctx, const struct task_view *v)
{
	struct replay *p = ctx;
	const struct task_row *row = &v->row;
	struct task_facts f;

	memset(&f, 0, sizeof(f));
	f.starts_on = day_or_none(row->starts_on);
	f.due_on = day_or_none(row->due_on);
	f.due_kind = due_kind(row);
	for (int k = 0; model_cadences[k]; k++)
		if (row->cadence && strcmp(model_cadences[k], row->cadence) == 0)
			f.cadence = k;
	f.last_report_on = DATE_NONE;
	for (size_t d = 0; d < p->ndays; d++)
		p->at[d] = f;
	while (!p->reports.done && p->reports.task_id < row->id)
		if (store_facts_next(&p->reports, p->err) != 0)
			goto fail;
	for (; !p->reports.done && p->reports.task_id == row->id;) {
		int32_t day;

		if (date_parse(p->reports.when, &day) == 0)
			for (size_t d = 0; d < p->ndays; d++)
				if (day <= p->days[d]) {     /* in date order: the last one wins */
					p->at[d].has_report = 1;
					p->at[d].percent = p->reports.percent;
					p->at[d].last_report_on = day;
				}
		if (store_facts_next(&p->reports, p->err) != 0)
			goto fail;
	}
	while (!p->closings.done && p->closings.task_id < row->id)
		if (store_facts_next(&p->closings, p->err) != 0)
			goto fail;
	for (; !p->closings.done && p->closings.task_id == row->id;) {
		int64_t t;

		if (datetime_parse(p->closings.when, 0, &t) == 0) {
			int32_t day = datetime_local_day(t, p->svc->org.utc_offset);

			for (size_t d = 0; d < p->ndays; d++)
				p->at[d].closed |= day <= p->days[d];
		}
		if (store_facts_next(&p->closings, p->err) != 0)
			goto fail;
	}
	for (size_t d = 0; d < p->ndays; d++) {
		struct light_result lr;

		task_light(&p->at[d], p->days[d], &p->svc->light, &lr);
		p->counts[d][lr.light]++;
	}
	return 0;
fail:
	p->failed = 1;
	return -1;
}

int task_light_history(struct svc *svc, const int32_t *days, size_t ndays, int (*counts)[LIGHT_COUNT],
		       struct err *err)
{
	struct replay p = { svc, days, ndays, counts, { NULL, 1, 0, "", 0 }, { NULL, 1, 0, "", 0 }, NULL, err, 0 };
	struct task_filter lean;
	int rc = -1;

	memset(counts, 0, ndays * sizeof(*counts));
	memset(&lean, 0, sizeof(lean));
	lean.lean = 1;
	p.at = xcalloc(ndays + 1, sizeof(*p.at));
	if (store_facts_open(svc->st, svc->org.id, 0, &p.reports, err) != 0 ||
	    store_facts_open(svc->st, svc->org.id, 1, &p.closings, err) != 0)
		goto out;
	/* the lean scan is the whole org's, as the counts are */
	if (task_scan(svc, &lean, replay_one, &p, err) != 0 || p.failed)
		goto out;
	rc = 0;
out:
	store_facts_close(&p.reports);
	store_facts_close(&p.closings);
	free(p.at);
	return rc;
}
