/*
 * h_tasks.c -- tasks over HTTP: lists with lights, one task with its
 * history, and the supervision workflow as actions. A reporter sees and
 * moves only the tasks of its unit; supervising (dispatch, close, return,
 * deciding extensions) is for the secretary and the admin.
 */
#include <stdio.h>
#include <string.h>

#include "http.h"
#include "../core/buf.h"
#include "../core/limits.h"
#include "../core/text.h"
#include "../io/rows.h"
#include "../io/views.h"
#include "../service/task.h"
#include "../core/banned.h"

/* A page of tasks, written straight onto the reply as the scan yields them:
 * a list is the hottest read, and a tree of jansson objects per task cost
 * more than the query. */
struct page {
	struct buf *out;
	int light;               /* -1: any */
	size_t want, n;
	long long skip;          /* matching tasks to pass over first (offset) */
	long long total;         /* matching tasks seen (count_all), or counted before */
	int count_all;           /* keep scanning past the page to count them all */
	int more;                /* a task past the page exists */
	int64_t last_id;         /* the last task on the page */
};

static int page_add(void *ctx, const struct task_view *t)
{
	struct page *p = ctx;

	if (p->light >= 0 && (int)t->light.light != p->light)
		return 0;
	if (p->count_all)
		p->total++;
	if (p->skip > 0) {
		p->skip--;
		return 0;
	}
	if (p->n == p->want) {
		p->more = 1;
		return p->count_all ? 0 : 1;
	}
	if (p->n++)
		buf_addc(p->out, ',');
	p->last_id = t->row.id;
	view_task_write(p->out, t);      /* an error stays in the buf, checked at the end */
	return 0;
}

int h_task_list(struct req *r)
{
	static const char *const params[] = { "unit", "initiative", "meeting", "group", "year", "state", "light",
					      "due_from", "due_to", "limit", "cursor", "offset", "total", "q", NULL };
	struct task_filter f;
	struct err err = ERR_INIT;
	const char *light = req_query(r, "light");
	struct page pg;
	long long limit, offset, year;
	int l = -1, counted = 0;

	memset(&f, 0, sizeof(f));
	f.list = 1;              /* what a list shows; the record has the rest */
	if (req_only_params(r, params) ||
	    req_param_int(r, "limit", 1, LIM_PAGE_ITEMS, LIM_PAGE_DEFAULT, &limit) || req_cursor(r, &f.after_id) ||
	    req_param_int(r, "offset", 0, LIM_LIST_OFFSET, 0, &offset) ||
	    req_param_int(r, "year", LIM_YEAR_MIN, LIM_YEAR_MAX, 0, &year) ||
	    req_param_date(r, "due_from", &f.due_from) || req_param_date(r, "due_to", &f.due_to))
		return 0;
	if (light && (l = light_parse(light)) < 0)
		return req_error(r, 400, "invalid_field", "light", "light: expected red, yellow, green, grey or done");
	f.state = req_query(r, "state");
	if (f.state && workflow_state_parse(f.state) < 0)
		return req_error(r, 400, "invalid_field", "state", "state: no state \"%s\"", f.state);
	f.q = req_query(r, "q");
	if (f.q && (text_utf8_chars(f.q) < 1 || text_utf8_chars(f.q) > LIM_QUERY_CHARS))
		return req_error(r, 400, "invalid_field", "q", "q: the words to find, 1 to %d characters", LIM_QUERY_CHARS);
	f.unit_key = req_query(r, "unit");
	f.initiative_key = req_query(r, "initiative");
	f.meeting_key = req_query(r, "meeting");
	f.group_key = req_query(r, "group");
	f.year = (int)year;
	if (r->who.role == ROLE_REPORTER) {
		if (f.unit_key && (!r->who.user.unit_key || strcmp(f.unit_key, r->who.user.unit_key) != 0))
			return req_error(r, 403, "forbidden", "unit", "a reporter sees only the tasks of the unit");
		f.unit_key = r->who.user.unit_key;
	}
	/* The scan runs until one task past the page shows that a next page
	 * exists; with a light filter, until the page is full. */
	memset(&pg, 0, sizeof(pg));
	pg.out = &r->out;
	pg.light = l;
	pg.want = (size_t)limit;
	pg.skip = offset;
	pg.count_all = req_query(r, "total") != NULL;
	if (pg.count_all && f.after_id)
		return req_error(r, 400, "invalid_field", "total", "total: counts the whole list; page it with offset, not cursor");
	/* Without a light filter (the light is computed, not stored) the total
	 * is a count from the indexes: the scan stops after the page. */
	if (pg.count_all && l < 0) {
		if (task_count(r->svc, &f, &pg.total, &err) != 0)
			return req_fail(r, &err);
		pg.count_all = 0;
		counted = 1;
	}
	/* Without a light filter every row the store returns is on the page or
	 * past it: ask for no more than the page and the one after it (the
	 * PostgreSQL driver fetches a whole result before the first row). */
	if (l < 0 && !pg.count_all)
		f.limit = (int)(offset + limit + 1);
	buf_reset(&r->out);
	/* Room for a typical page at once (~460 bytes a row), not ten
	 * doublings each copying what was written; a larger page still grows. */
	(void)buf_space(&r->out, (size_t)limit * 512);
	buf_adds(&r->out, "{\"items\":[");
	if (task_scan(r->svc, &f, page_add, &pg, &err) < 0) {
		buf_reset(&r->out);
		return req_fail(r, &err);
	}
	if (pg.more)
		buf_printf(&r->out, "],\"next_cursor\":\"%s\"", req_cursor_make(r, pg.last_id));
	else
		buf_adds(&r->out, "],\"next_cursor\":null");
	if (pg.count_all || counted)      /* total=1: the pager's "of N" (and its last page) */
		buf_printf(&r->out, ",\"total\":%lld", pg.total);
	buf_addc(&r->out, '}');
	if (r->out.err) {
		buf_reset(&r->out);
		return req_error(r, 500, "internal", NULL, "reply too large");
	}
	r->status = 200;
	return 0;
}

/* The task of :key (the route table has checked that the caller may see
 * it and do what the route does); replies 404 when there is none. */
static int load(struct req *r, struct task_view *t, struct task_history *h)
{
	struct err err = ERR_INIT;

	if (task_show(r->svc, r->params[0], &r->a, t, h, &err) != 0)
		return req_fail(r, &err);
	return 0;
}

/* What this caller may do next with the task ({"actions", "on_behalf"}): the actions its state allows
 * (task_next_actions) that the route table lets this caller take. One rule
 * each: the workflow's and the routes'; the web app draws buttons from it. */
static json_t *task_actions(struct req *r, const struct task_view *t, const struct task_history *h)
{
	static const struct {
		enum task_action action;
		const char *pattern;
	} routes[] = {
		{ TA_DISPATCH, "/api/v1/tasks/:key/dispatch" },
		{ TA_ACKNOWLEDGE, "/api/v1/tasks/:key/acknowledge" },
		{ TA_REPORT_PROGRESS, "/api/v1/tasks/:key/reports" },
		{ TA_REPORT_COMPLETION, "/api/v1/tasks/:key/report_completion" },
		{ TA_CLOSE, "/api/v1/tasks/:key/close" },
		{ TA_RETURN, "/api/v1/tasks/:key/return" },
		{ TA_REQUEST_EXTENSION, "/api/v1/tasks/:key/extensions" },
		{ TA_DECIDE_EXTENSION, "/api/v1/tasks/:key/extensions/decision" },
	};
	unsigned mask = task_next_actions(r->svc, t, h);
	json_t *own = json_array(), *behalf = json_array();

	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		int may = (mask & (1u << routes[i].action)) ? http_route_permits_task(r, routes[i].pattern, t) : 0;

		if (may)
			json_array_append_new(may == 2 ? behalf : own, json_string(workflow_action_name(routes[i].action)));
	}
	return json_pack("{s:o, s:o}", "actions", own, "on_behalf", behalf);
}

/* The people behind the actors of one record, each login looked up once
 * (a record lists the same few filers again and again: one store read per
 * distinct login, not one per report). Bounded: past its size a login is
 * simply looked up again. */
struct actor_memo {
	size_t n;
	struct {
		const char *login;
		int found;
		struct user_row u;
	} seen[8];
};

/* Names the person behind an actor ("user:LOGIN", "cli:LOGIN") of this org,
 * into obj[name_field] (and name_field + "_en"): people see names, not logins. */
static void actor_name(struct req *r, struct actor_memo *m, json_t *obj, const char *actor_field,
		       const char *name_field)
{
	const char *actor = json_string_value(json_object_get(obj, actor_field)), *colon;
	struct user_row one, *u = NULL;
	char en[64];
	size_t i;

	if (actor == NULL || (colon = strchr(actor, ':')) == NULL)
		return;
	for (i = 0; i < m->n && u == NULL; i++)
		if (strcmp(m->seen[i].login, colon + 1) == 0) {
			if (!m->seen[i].found)
				return;
			u = &m->seen[i].u;
		}
	if (u == NULL) {
		int found = store_user_by_login(r->svc->st, colon + 1, &r->a, &one, NULL) == 0 &&
			    one.org_id == r->svc->org.id;

		if (m->n < sizeof(m->seen) / sizeof(m->seen[0])) {
			m->seen[m->n].login = arena_strdup(&r->a, colon + 1);
			m->seen[m->n].found = found;
			m->seen[m->n++].u = one;
		}
		if (!found)
			return;
		u = &one;
	}
	json_object_set_new(obj, name_field, json_string(u->person_name ? u->person_name : u->login));
	snprintf(en, sizeof(en), "%s_en", name_field);
	if (u->person_name_en)
		json_object_set_new(obj, en, json_string(u->person_name_en));
}

static void actor_names(struct req *r, struct actor_memo *m, json_t *list, const char *actor_field,
			const char *name_field)
{
	size_t i;
	json_t *x;

	json_array_foreach(list, i, x)
		actor_name(r, m, x, actor_field, name_field);
}

/* The task's view with "actions" (the caller's own next steps) and
 * "actions_on_behalf" (the unit's steps the caller may record for it). */
static json_t *task_full(struct req *r, const struct task_view *t, const struct task_history *h)
{
	json_t *j = view_task_full(t, h), *acts = task_actions(r, t, h);
	struct actor_memo memo = { 0 };

	/* the chain back: which decision of which meeting the task carries out */
	if (t->row.decision_key) {
		json_object_set_new(j, "decision_number", json_integer(t->row.decision_number));
		if (t->row.decision_text)
			json_object_set_new(j, "decision_text", json_string(t->row.decision_text));
		if (t->row.decision_text_en)
			json_object_set_new(j, "decision_text_en", json_string(t->row.decision_text_en));
	}
	actor_names(r, &memo, json_object_get(j, "transitions"), "actor", "actor_name");
	actor_names(r, &memo, json_object_get(j, "reports"), "filed_by", "filed_by_name");
	/* all of them, a page at a time: the task's reports list (the rows API) */
	if (h->reports_total > (long)h->nreports) {
		char *url = arena_printf(&r->a, "/api/v1/tasks/%s/reports", t->row.key);

		json_object_set_new(j, "reports_next", json_string(url));
	} else {
		json_object_set_new(j, "reports_next", json_null());
	}
	json_object_set(j, "actions", json_object_get(acts, "actions"));
	json_object_set(j, "actions_on_behalf", json_object_get(acts, "on_behalf"));
	json_decref(acts);
	return j;
}

int h_task_get(struct req *r)
{
	struct task_view t;
	struct task_history h;

	if (load(r, &t, &h))
		return 0;
	snprintf(r->etag, sizeof(r->etag), "\"%lld\"", (long long)t.row.version);
	return req_json(r, 200, task_full(r, &t, &h));
}

/* After a change: the task as it is now. */
static int reply_task(struct req *r, int status)
{
	struct task_view t;
	struct task_history h;

	if (load(r, &t, &h) != 0)
		return 0;
	snprintf(r->etag, sizeof(r->etag), "\"%lld\"", (long long)t.row.version);
	return req_json(r, status, task_full(r, &t, &h));
}

/* After a progress report: what was created and the task's new light and
 * percent (the task without its history: an answer bounded whatever the
 * history behind it). */
static int reply_report(struct req *r, int64_t report_id)
{
	struct task_view t;
	struct report_row rep;
	struct err err = ERR_INIT;
	json_t *j, *one;

	if (task_show(r->svc, r->params[0], &r->a, &t, NULL, &err) != 0 ||
	    task_report_get(r->svc, report_id, &r->a, &rep, &err) != 0)
		return req_fail(r, &err);
	j = view_task(&t);
	one = view_report(&rep);
	actor_name(r, &(struct actor_memo){ 0 }, one, "filed_by", "filed_by_name");
	json_object_set_new(j, "report", one);
	snprintf(r->etag, sizeof(r->etag), "\"%lld\"", (long long)t.row.version);
	return req_json(r, 201, j);
}

static int optional_version(struct req *r, const struct task_view *t)
{
	int64_t v;

	if (req_header(r, "If-Match") == NULL)
		return 0;
	if (req_if_match(r, &v) != 0)
		return -1;
	if (v != t->row.version)
		return req_error(r, 412, "precondition_failed", "If-Match",
				 "the task was changed by someone else since version %lld: reload it", (long long)v);
	return 0;
}

static const char *note_of(struct req *r, json_t *body, const char *name)
{
	json_t *v = json_object_get(body, name);

	if (v && !json_is_string(v)) {
		req_error(r, 400, "invalid_field", name, "%s: expected text", name);
		return (const char *)-1;
	}
	return v ? json_string_value(v) : NULL;
}

/* The body may be empty (no note) or an object with only the named fields. */
static int small_body(struct req *r, json_t **body, const char *const *allowed)
{
	const char *k;
	json_t *v;

	*body = NULL;
	if (buf_len(&r->body) == 0) {
		*body = json_object();
		return 0;
	}
	if (req_body_json(r, body) != 0)
		return -1;
	json_object_foreach(*body, k, v) {
		int ok = 0;

		for (int i = 0; allowed[i]; i++)
			ok |= strcmp(allowed[i], k) == 0;
		if (!ok) {
			req_error(r, 400, "invalid_field", k, "%s: unknown field", k);
			json_decref(*body);
			*body = NULL;
			return -1;
		}
	}
	return 0;
}

int h_task_action(struct req *r)
{
	static const char *const allowed[] = { "note", NULL };
	struct task_view t;
	struct err err = ERR_INIT;
	int action = workflow_action_parse(strrchr(r->path, '/') + 1);     /* the route's last word */
	json_t *body = NULL;
	const char *note;

	if (load(r, &t, NULL) || optional_version(r, &t) ||
	    small_body(r, &body, allowed))
		return 0;
	note = note_of(r, body, "note");
	if (note != (const char *)-1) {
		if (task_act(r->svc, r->params[0], (enum task_action)action, note, &err) != 0)
			req_fail(r, &err);
		else
			reply_task(r, 200);
	}
	json_decref(body);
	return 0;
}

int h_task_report(struct req *r)
{
	static const char *const allowed[] = { "percent", "done", "problems", "next_steps", "reported_on", "reporter",
					       "period_from", "period_to", NULL };
	struct task_view t;
	struct progress_input in;
	struct err err = ERR_INIT;
	json_t *body = NULL, *pct;
	int64_t id = 0;

	memset(&in, 0, sizeof(in));
	if (load(r, &t, NULL) || small_body(r, &body, allowed))
		return 0;
	pct = json_object_get(body, "percent");
	if (!json_is_integer(pct)) {
		req_error(r, 400, "invalid_field", "percent", "percent: required, a whole number 0..100");
		goto out;
	}
	in.percent = json_integer_value(pct) < -1 || json_integer_value(pct) > 1000 ? -1 : (int)json_integer_value(pct);
	if ((in.done = note_of(r, body, "done")) == (const char *)-1 ||
	    (in.problems = note_of(r, body, "problems")) == (const char *)-1 ||
	    (in.next_steps = note_of(r, body, "next_steps")) == (const char *)-1 ||
	    (in.reported_on = note_of(r, body, "reported_on")) == (const char *)-1 ||
	    (in.reporter_key = note_of(r, body, "reporter")) == (const char *)-1 ||
	    (in.period_from = note_of(r, body, "period_from")) == (const char *)-1 ||
	    (in.period_to = note_of(r, body, "period_to")) == (const char *)-1)
		goto out;
	if (task_report_filed(r->svc, r->params[0], &in, &id, &err) != 0)
		req_fail(r, &err);
	else
		reply_report(r, id);
out:
	json_decref(body);
	return 0;
}

int h_task_extension(struct req *r)
{
	static const char *const allowed[] = { "new_due_on", "reason", NULL };
	struct task_view t;
	struct err err = ERR_INIT;
	json_t *body = NULL;
	const char *due, *reason;

	if (load(r, &t, NULL) || small_body(r, &body, allowed))
		return 0;
	if ((due = note_of(r, body, "new_due_on")) != (const char *)-1 &&
	    (reason = note_of(r, body, "reason")) != (const char *)-1) {
		if (task_request_extension(r->svc, r->params[0], due, reason, &err) != 0)
			req_fail(r, &err);
		else
			reply_task(r, 201);
	}
	json_decref(body);
	return 0;
}

int h_task_extension_decide(struct req *r)
{
	static const char *const allowed[] = { "approve", "note", NULL };
	struct task_view t;
	struct err err = ERR_INIT;
	json_t *body = NULL, *approve;
	const char *note;

	if (load(r, &t, NULL) || small_body(r, &body, allowed))
		return 0;
	approve = json_object_get(body, "approve");
	if (!json_is_boolean(approve))
		req_error(r, 400, "invalid_field", "approve", "approve: required, true or false");
	else if ((note = note_of(r, body, "note")) != (const char *)-1) {
		if (task_decide_extension(r->svc, r->params[0], json_is_true(approve), note, &err) != 0)
			req_fail(r, &err);
		else
			reply_task(r, 200);
	}
	json_decref(body);
	return 0;
}
