/*
 * router.c -- the route table, matching a request to a handler, the access
 * check every route passes before its handler runs (the role's right to
 * the action and the scope of the key, both written in the table), and the
 * documents generated from the table: the route list and who may do what
 * (OpenAPI 3 is built in openapi.c over http_each_route()). It is NOT where the role rules live (auth_can() in
 * service/auth.c) nor where lists are narrowed to a scope (the services,
 * through svc->who).
 *
 * Generic routes use :list and :child, which stand for the data
 * dictionary's top-level lists ("meetings") and the lists nested in them
 * ("attendance"); specific routes come first and win. The table is the one
 * place where the API's surface is written down.
 */
#include <stdio.h>
#include <string.h>

#include "http.h"
#include "../core/xalloc.h"
#include "../domain/model.h"
#include "../domain/workflow.h"
#include "../service/task.h"
#include "../core/banned.h"

#define W RF_WRITE
#define P RF_PUBLIC
/* What a route needs: an action on an entity (NULL: the :list or :child
 * entity of a generic route), and the scope the key in the path must be in. */
#define PUB NEED_NONE, NULL, SCOPE_NONE
#define ANYONE NEED_LOGIN, NULL, SCOPE_NONE
#define INSTANCE NEED_INSTANCE, NULL, SCOPE_NONE
#define RD(what) CAN_READ, what, SCOPE_NONE
#define ADM(what) CAN_ADMIN, what, SCOPE_NONE

const struct route http_routes[] = {
	{ "GET", "/api/v1/health", h_health, P, "meta", "Is the server up", PUB },
	{ "GET", "/api/v1/openapi.json", h_openapi, P, "meta", "This API described as OpenAPI 3", PUB },
	{ "POST", "/api/v1/login", h_login, P, "auth", "Log in (JSON body): a session cookie and a CSRF token", PUB },
	{ "POST", "/api/v1/logout", h_logout, W, "auth", "End the session", ANYONE },
	{ "GET", "/api/v1/me", h_me, RF_NOCACHE, "auth", "Who is logged in, with role, unit and CSRF token", ANYONE },
	{ "GET", "/api/v1/me/tokens", h_my_tokens, RF_NOCACHE, "auth", "My API tokens (names and dates, never the secret)",
	  ANYONE },
	{ "DELETE", "/api/v1/me/tokens/:id", h_my_token_revoke, W, "auth", "Revoke one of my API tokens", ANYONE },
	{ "GET", "/api/v1/dashboard", h_dashboard, 0, "dashboard", "Roll-ups, red and yellow tasks, indicators, upcoming meetings, findings",
	  RD("dashboard") },
	{ "GET", "/api/v1/search", h_search, 0, "search", "Full-text search over meetings, speeches, decisions, tasks, reports",
	  RD("search") },
	{ "GET", "/api/v1/audit", h_audit, 0, "audit", "The audit trail, newest last (admins)", ADM("audit") },
	{ "GET", "/api/v1/audit/verify", h_audit_verify, 0, "audit", "Check the audit trail's hash chain (admins)", ADM("audit") },
	{ "GET", "/api/v1/settings", h_settings_get, 0, "settings", "The org's rule thresholds", RD("setting") },
	{ "PUT", "/api/v1/settings", h_settings_put, W, "settings", "Change rule thresholds (admins)", ADM("setting") },
	{ "GET", "/api/v1/lights/history", h_light_history, 0, "dashboard", "Tasks per light at the end of each month of a year",
	  RD("dashboard") },
	{ "GET", "/api/v1/initiatives/tree", h_initiative_tree, 0, "initiatives", "The initiative tree with progress, lights and counts",
	  RD("initiative") },
	{ "GET", "/api/v1/groups/:key/check", h_check, 0, "groups", "Compliance findings of the group for a year", RD("group") },
	{ "GET", "/api/v1/meetings/:key/minutes.md", h_meeting_report, 0, "reports", "Minutes in Markdown (?lang=zh|en)",
	  CAN_READ, "meeting", SCOPE_MEETING },
	{ "GET", "/api/v1/meetings/:key/minutes.html", h_meeting_report, 0, "reports", "Minutes as an HTML page",
	  CAN_READ, "meeting", SCOPE_MEETING },
	{ "GET", "/api/v1/meetings/:key/minutes.pdf", h_meeting_report, 0, "reports", "Minutes as an A4 PDF",
	  CAN_READ, "meeting", SCOPE_MEETING },
	{ "GET", "/api/v1/meetings/:key/brief.md", h_meeting_report, 0, "reports", "News brief in Markdown (?lang=zh|en)",
	  CAN_READ, "meeting", SCOPE_MEETING },
	{ "GET", "/api/v1/meetings/:key/brief.html", h_meeting_report, 0, "reports", "News brief as an HTML page",
	  CAN_READ, "meeting", SCOPE_MEETING },
	{ "GET", "/api/v1/meetings/:key/brief.pdf", h_meeting_report, 0, "reports", "News brief as a PDF",
	  CAN_READ, "meeting", SCOPE_MEETING },
	{ "GET", "/api/v1/groups/:key/dossier.pdf", h_dossier, 0, "reports", "Annual study dossier, PDF (?year, ?lang)", RD("group") },
	{ "GET", "/api/v1/groups/:key/dossier.html", h_dossier, 0, "reports", "Annual study dossier, HTML", RD("group") },
	{ "GET", "/api/v1/groups/:key/dossier.md", h_dossier, 0, "reports", "Annual study dossier, Markdown", RD("group") },
	{ "GET", "/api/v1/groups/:key/package.zip", h_package, 0, "reports", "Upward-reporting package (?year, ?lang)", RD("group") },
	{ "GET", "/api/v1/groups/:key/calendar.ics", h_group_calendar, 0, "reports", "iCalendar feed of the group's meetings",
	  RD("group") },
	{ "GET", "/api/v1/notice.md", h_notice, 0, "reports", "Supervision notice (?from, ?to, ?lang)", RD("dashboard") },
	{ "GET", "/api/v1/notice.html", h_notice, 0, "reports", "Supervision notice, HTML", RD("dashboard") },
	{ "GET", "/api/v1/notice.pdf", h_notice, 0, "reports", "Supervision notice, PDF", RD("dashboard") },
	{ "GET", "/api/v1/ledger.csv", h_ledger, 0, "reports", "Task ledger, CSV (filters as for tasks)", RD("task") },
	{ "GET", "/api/v1/ledger.xlsx", h_ledger, 0, "reports", "Task ledger, XLSX", RD("task") },
	{ "POST", "/api/v1/ledger", h_ledger_import, RF_WRITE, "reports", "Import a ledger (text/csv or XLSX body; ?skip_bad=true)",
	  CAN_WRITE, "task", SCOPE_NONE },
	{ "POST", "/api/v1/me/calendar", h_calendar_token, RF_WRITE, "reports", "A new secret address for my calendar feed", ANYONE },
	{ "GET", "/api/v1/calendar/:token", h_personal_calendar, RF_PUBLIC, "reports", "My meetings as iCalendar (the secret address)",
	  PUB },
	{ "GET", "/api/v1/backup", h_backup, RF_NOCACHE | RF_OWN_SNAPSHOT, "backup", "A checked backup of the whole database, as a download (admins)",
	  ADM("backup") },
	{ "GET", "/api/v1/tasks", h_task_list, 0, "tasks", "Tasks with their lights, filtered and paginated", RD("task") },
	{ "GET", "/api/v1/tasks/:key", h_task_get, 0, "tasks", "One task with origin, history, extensions and reports",
	  CAN_READ, "task", SCOPE_TASK },
	{ "POST", "/api/v1/tasks/:key/reports", h_task_report, W, "tasks",
	  "File a progress report; answers with the report and the task's new light and percent",
	  CAN_REPORT, "task", SCOPE_TASK },
	{ "POST", "/api/v1/tasks/:key/extensions", h_task_extension, W, "tasks", "Request an extension of the due date",
	  CAN_REPORT, "task", SCOPE_TASK_LEAD },
	{ "POST", "/api/v1/tasks/:key/extensions/decision", h_task_extension_decide, W, "tasks", "Approve or refuse the pending extension",
	  CAN_SUPERVISE, "task", SCOPE_NONE },
	{ "POST", "/api/v1/tasks/:key/dispatch", h_task_action, W, "tasks", "Move the task: dispatch", CAN_SUPERVISE, "task", SCOPE_NONE },
	{ "POST", "/api/v1/tasks/:key/acknowledge", h_task_action, W, "tasks", "Move the task: acknowledge (the lead unit)",
	  CAN_REPORT, "task", SCOPE_TASK_LEAD },
	{ "POST", "/api/v1/tasks/:key/report_completion", h_task_action, W, "tasks", "Move the task: report completion (the lead unit)",
	  CAN_REPORT, "task", SCOPE_TASK_LEAD },
	{ "POST", "/api/v1/tasks/:key/close", h_task_action, W, "tasks", "Move the task: close", CAN_SUPERVISE, "task", SCOPE_NONE },
	{ "POST", "/api/v1/tasks/:key/return", h_task_action, W, "tasks", "Move the task: return", CAN_SUPERVISE, "task", SCOPE_NONE },
	{ "GET", "/api/v1/meetings/:key", h_meeting_get, 0, "meetings", "The whole record of a meeting, with tasks and lights",
	  CAN_READ, "meeting", SCOPE_MEETING },
	{ "POST", "/api/v1/meetings/:key/feedback", h_feedback_create, W, "meetings", "File a feedback note on a meeting observed (observers)",
	  CAN_WRITE, "feedback", SCOPE_MEETING },
	{ "GET", "/api/v1/units/ranking", h_unit_ranking, 0, "units",
	  "Units worst first: red, overdue and missing-report tasks, led apart from supported (of the tasks the caller may see)",
	  CAN_READ, "unit", SCOPE_NONE },
	{ "GET", "/api/v1/units/:key", h_unit_get, 0, "units", "A unit with its tasks and lights", CAN_READ, "unit", SCOPE_UNIT },
	{ "POST", "/api/v1/orgs", h_org_create, W, "orgs", "Create an org with its first admin (instance administrators)",
	  INSTANCE },
	{ "POST", "/api/v1/users", h_user_create, W, "users", "Create a user with a password (admins)", ADM("user") },
	{ "POST", "/api/v1/users/:key/password", h_user_password, W, "users", "Set a user's password (admins)", ADM("user") },
	{ "GET", "/api/v1/users/:key/tokens", h_user_tokens, RF_NOCACHE, "users", "A user's API tokens (admins)", ADM("user") },
	{ "DELETE", "/api/v1/users/:key/tokens/:id", h_user_token_revoke, W, "users", "Revoke a user's API token (admins)", ADM("user") },
	/* Generic routes: the entity is the :list's (or the :child's, whose
	 * parent must be readable too); keys of meetings and tasks are scoped. */
	{ "GET", "/api/v1/:list", h_rows_list, 0, NULL, "List, filtered and paginated", CAN_READ, NULL, SCOPE_NONE },
	{ "POST", "/api/v1/:list", h_rows_create, W, NULL, "Create", CAN_WRITE, NULL, SCOPE_NONE },
	{ "GET", "/api/v1/:list/:key", h_rows_get, 0, NULL, "Get one, with its nested records", CAN_READ, NULL, SCOPE_KEY },
	{ "PATCH", "/api/v1/:list/:key", h_rows_update, W, NULL, "Change fields (If-Match: the version read)", CAN_WRITE, NULL, SCOPE_KEY },
	{ "DELETE", "/api/v1/:list/:key", h_rows_delete, W, NULL, "Delete, where the domain allows (If-Match)", CAN_WRITE, NULL, SCOPE_KEY },
	{ "GET", "/api/v1/:list/:key/:child", h_children_list, 0, NULL, "List the nested records", CAN_READ, NULL, SCOPE_KEY },
	{ "POST", "/api/v1/:list/:key/:child", h_children_create, W, NULL, "Add a nested record", CAN_WRITE, NULL, SCOPE_KEY },
	{ "PATCH", "/api/v1/:list/:key/:child/:id", h_child_update, W, NULL, "Change a nested record (If-Match)", CAN_WRITE, NULL, SCOPE_KEY },
	{ "DELETE", "/api/v1/:list/:key/:child/:id", h_child_delete, W, NULL, "Delete a nested record (If-Match)", CAN_WRITE, NULL, SCOPE_KEY },
	/* Not part of the API (left out of its lists and document): the web
	 * application's files, for every GET outside /api/. */
	{ "GET", "/*", h_static, P, "web", "The web application", PUB },
};
const int http_nroutes = (int)(sizeof(http_routes) / sizeof(http_routes[0]));

#undef W
#undef P
#undef PUB
#undef ANYONE
#undef RD
#undef ADM

const struct entity *http_list_entity(const char *list)
{
	for (size_t i = 0; i < model_nentities; i++)
		if (model_entities[i].parent == NULL && strcmp(model_entities[i].list, list) == 0)
			return &model_entities[i];
	return NULL;
}

const struct entity *http_child_entity(const struct entity *parent, const char *child)
{
	for (size_t i = 0; i < model_nentities; i++)
		if (model_entities[i].parent && strcmp(model_entities[i].parent, parent->name) == 0 &&
		    strcmp(model_entities[i].list, child) == 0)
			return &model_entities[i];
	return NULL;
}

/* Generic writes that the domain does not allow: history is written by the
 * workflow, never edited as rows. */
static int generic_allows(const char *method, const struct entity *e, const struct entity *child)
{
	int write = strcmp(method, "GET") != 0;

	if (!write)
		return 1;
	if (child)
		return !(child->flags & EF_APPEND_ONLY) && strcmp(child->name, "extension") != 0;
	return 1;
	(void)e;
}

/* Splits a path into at most n segments; returns the count, or -1. */
static int split(const char *path, char segs[][128], int n)
{
	int k = 0;

	if (*path != '/')
		return -1;
	while (*path == '/') {
		const char *start = ++path;
		size_t len;

		while (*path && *path != '/')
			path++;
		len = (size_t)(path - start);
		if (len == 0 && *path == '\0' && k > 0)
			break;             /* a trailing slash */
		if (k == n || len >= sizeof(segs[0]))
			return -1;
		memcpy(segs[k], start, len);
		segs[k][len] = '\0';
		k++;
	}
	return k;
}

/* 1 when the route's pattern matches the path (params captured into r). */
static int match(struct req *r, const struct route *rt, char segs[][128], int nsegs)
{
	char pat[8][128];
	int np = split(rt->pattern, pat, 8);
	const struct entity *e = NULL, *child = NULL;

	if (np != nsegs)
		return 0;
	r->nparams = 0;
	for (int i = 0; i < np; i++) {
		if (pat[i][0] != ':') {
			if (strcmp(pat[i], segs[i]) != 0)
				return 0;
			continue;
		}
		if (segs[i][0] == '\0')
			return 0;
		if (strcmp(pat[i], ":list") == 0) {
			e = http_list_entity(segs[i]);
			if (e == NULL)
				return 0;
		} else if (strcmp(pat[i], ":child") == 0) {
			child = e ? http_child_entity(e, segs[i]) : NULL;
			if (child == NULL)
				return 0;
		}
		if (r->nparams < HTTP_MAX_PARAMS)
			r->params[r->nparams++] = arena_strdup(&r->a, segs[i]);
	}
	return 1;
}

int http_route(struct req *r)
{
	char segs[8][128];
	int n = split(r->path, segs, 8);
	int path_known = 0;

	if (r->svc)
		r->svc->who = NULL;      /* nobody's scope until http_route_permit() */
	if (strncmp(r->path, "/api/", 5) != 0 && strcmp(r->path, "/api") != 0) {
		if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0)
			return req_error(r, 405, "method_not_allowed", NULL, "%s is not allowed on %s", r->method, r->path);
		r->route = &http_routes[http_nroutes - 1];
		return 0;
	}
	if (n < 0)
		return req_error(r, 404, "no_route", NULL, "no such address: %s", r->path);
	for (int i = 0; i < http_nroutes; i++) {
		const struct route *rt = &http_routes[i];
		const char *method = strcmp(r->method, "HEAD") == 0 ? "GET" : r->method;

		if (!match(r, rt, segs, n))
			continue;
		path_known = 1;
		if (strcmp(rt->method, method) != 0)
			continue;
		if (strstr(rt->pattern, ":list")) {
			const struct entity *e = http_list_entity(r->params[0]);
			const struct entity *child = strstr(rt->pattern, ":child") ? http_child_entity(e, r->params[2]) : NULL;

			if (!generic_allows(method, e, child))
				continue;
		}
		r->route = rt;
		return 0;
	}
	if (path_known)
		return req_error(r, 405, "method_not_allowed", NULL, "%s is not allowed on %s", r->method, r->path);
	return req_error(r, 404, "no_route", NULL, "no such address: %s", r->path);
}

/* ---- who may do what ---- */

/* The entity a route's action is on, and its scope made concrete. */
static const char *route_entity(const struct route *rt, const struct entity *e, const struct entity *child,
				enum route_scope *scope)
{
	*scope = rt->scope;
	if (e && rt->scope == SCOPE_KEY)
		*scope = strcmp(e->name, "meeting") == 0 ? SCOPE_MEETING : strcmp(e->name, "task") == 0 ? SCOPE_TASK : SCOPE_NONE;
	if (rt->what || e == NULL)
		return rt->what;
	return child ? child->name : e->name;
}

static int key_exists(struct req *r, const char *entity, const char *key, int64_t *id)
{
	return key && store_key_id(r->svc->st, model_entity(entity), r->svc->org.id, key, id, NULL) == 0;
}

/* Whether a reporter's route of this scope reaches the task: 1 or 0. t may
 * be NULL (it is then read). */
static int task_in_scope(struct req *r, enum route_scope scope, const char *key, const struct task_view *t)
{
	struct task_view tv;

	if (scope == SCOPE_TASK)
		return auth_task_visible(r->svc, &r->who, NULL, key) != 0;
	if (t == NULL && task_show(r->svc, key, &r->a, &tv, NULL, NULL) == 0)
		t = &tv;
	return t && r->who.user.unit_key && t->row.lead_unit_key && strcmp(t->row.lead_unit_key, r->who.user.unit_key) == 0;
}

static int scope_check(struct req *r, enum route_scope scope, const char *key)
{
	int64_t id;

	switch (scope) {
	case SCOPE_TASK:
	case SCOPE_TASK_LEAD:
		if (r->who.role != ROLE_REPORTER || !key_exists(r, "task", key, &id))
			return 0;
		if (task_in_scope(r, scope, key, NULL))
			return 0;
		return req_error(r, 403, "forbidden", NULL, scope == SCOPE_TASK ? "a reporter sees only the tasks of the unit"
						       : "only the lead unit may do this to the task");
	case SCOPE_MEETING:
		if (r->who.role != ROLE_OBSERVER || !key_exists(r, "meeting", key, &id) ||
		    auth_meeting_visible(r->svc, &r->who, id))
			return 0;
		return req_error(r, 403, "forbidden", NULL, "an observer sees only the meetings observed");
	case SCOPE_UNIT:
		if (r->who.role != ROLE_REPORTER || (key && r->who.user.unit_key && strcmp(key, r->who.user.unit_key) == 0))
			return 0;
		return req_error(r, 403, "forbidden", NULL, "a reporter sees only its own unit");
	default:
		return 0;
	}
}

int http_route_permit(struct req *r)
{
	const struct route *rt = r->route;
	const struct entity *e = NULL, *child = NULL;
	const char *key = r->nparams > 0 ? r->params[0] : NULL, *what;
	enum route_scope scope;

	r->svc->who = &r->who;
	if (rt->need == NEED_INSTANCE)
		return r->who.user.instance_admin ? 0 : req_error(r, 403, "forbidden", NULL, "only an administrator of the "
								  "installation may do this (plenum user instance-admin LOGIN on)");
	if (rt->need == NEED_NONE || rt->need == NEED_LOGIN)
		return 0;
	if (strstr(rt->pattern, ":list")) {
		e = http_list_entity(r->params[0]);
		child = strstr(rt->pattern, ":child") ? http_child_entity(e, r->params[2]) : NULL;
		key = r->nparams > 1 ? r->params[1] : NULL;
		/* a nested record is read or changed through its parent */
		if (child && req_need(r, CAN_READ, e->name) != 0)
			return -1;
	}
	what = route_entity(rt, e, child, &scope);
	if (req_need(r, (enum auth_action)rt->need, what) != 0)
		return -1;
	return scope_check(r, scope, key);
}

int http_route_permits_task(struct req *r, const char *pattern, const struct task_view *t)
{
	const struct route *rt = NULL;

	for (int i = 0; i < http_nroutes && rt == NULL; i++)
		if (strcmp(http_routes[i].method, "POST") == 0 && strcmp(http_routes[i].pattern, pattern) == 0)
			rt = &http_routes[i];
	if (rt == NULL || rt->need == NEED_NONE || rt->need == NEED_INSTANCE)
		return 0;
	if (rt->need != NEED_LOGIN && !auth_can(&r->who, (enum auth_action)rt->need, rt->what))
		return 0;
	if ((rt->scope == SCOPE_TASK || rt->scope == SCOPE_TASK_LEAD) && r->who.role == ROLE_REPORTER)
		return task_in_scope(r, rt->scope, t->row.key, t);
	return rt->need == CAN_REPORT ? 2 : 1;
}

/* ---- the documents ---- */

void http_each_route(void (*fn)(void *ctx, const struct expanded *x), void *ctx)
{
	json_t *seen = json_object();

	for (int i = 0; i < http_nroutes; i++) {
		const struct route *rt = &http_routes[i];
		size_t nlists = model_nentities, nchildren;

		if (strncmp(rt->pattern, "/api/", 5) != 0)
			continue;

		for (size_t li = 0; li < (strstr(rt->pattern, ":list") ? nlists : 1); li++) {
			const struct entity *e = NULL;

			if (strstr(rt->pattern, ":list")) {
				e = &model_entities[li];
				if (e->parent)
					continue;
			}
			nchildren = strstr(rt->pattern, ":child") ? model_nentities : 1;
			for (size_t ci = 0; ci < nchildren; ci++) {
				const struct entity *child = NULL;

				if (strstr(rt->pattern, ":child")) {
					child = &model_entities[ci];
					if (child->parent == NULL || strcmp(child->parent, e->name) != 0)
						continue;
				}
				if (e && !generic_allows(rt->method, e, child))
					continue;
				{
					struct expanded x;
					char key[300];
					const char *p = rt->pattern;
					size_t len = 0;

					memset(&x, 0, sizeof(x));
					x.rt = rt;
					x.e = e;
					x.child = child;
					snprintf(x.method, sizeof(x.method), "%s", rt->method);
					while (*p && len + 64 < sizeof(x.path)) {
						if (*p != ':') {
							x.path[len++] = *p++;
							continue;
						}
						if (strncmp(p, ":list", 5) == 0)
							len += (size_t)snprintf(x.path + len, sizeof(x.path) - len, "%s", e->list), p += 5;
						else if (strncmp(p, ":child", 6) == 0)
							len += (size_t)snprintf(x.path + len, sizeof(x.path) - len, "%s", child->list), p += 6;
						else {
							const char *end = p + 1;

							while (*end && *end != '/')
								end++;
							len += (size_t)snprintf(x.path + len, sizeof(x.path) - len, "{%.*s}",
										(int)(end - p - 1), p + 1);
							p = end;
						}
					}
					x.path[len] = '\0';
					snprintf(key, sizeof(key), "%s %s", x.method, x.path);
					if (json_object_get(seen, key))
						continue;
					json_object_set_new(seen, key, json_true());
					fn(ctx, &x);
				}
			}
		}
	}
	json_decref(seen);
}

static void rule_one(void *ctx, const struct expanded *x)
{
	static const char *const roles[] = { "admin", "secretary", "member", "viewer", "reporter", "observer" };
	static const char *const scopes[] = { "", "", "reporter: its unit's tasks (lead or supporting)",
					      "reporter: tasks its unit leads", "observer: meetings observed",
					      "reporter: its own unit" };
	static const char *const verbs[] = { "read", "write", "supervise", "report on", "administer" };
	struct buf *out = ctx;
	enum route_scope scope;
	const char *what = route_entity(x->rt, x->e, x->child, &scope);
	struct principal p;
	int n = 0;

	if (x->rt->need == NEED_NONE || x->rt->need == NEED_LOGIN || x->rt->need == NEED_INSTANCE) {
		buf_printf(out, "| %s | %s | %s |  |\n", x->method, x->path, x->rt->need == NEED_NONE ? "anyone, no login"
			   : x->rt->need == NEED_INSTANCE ? "an administrator of the installation"
			   : "anyone logged in (their own)");
		return;
	}
	buf_printf(out, "| %s | %s | ", x->method, x->path);
	memset(&p, 0, sizeof(p));
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
		p.role = auth_role(roles[i]);
		if (auth_can(&p, (enum auth_action)x->rt->need, what) && (x->child == NULL || auth_can(&p, CAN_READ, x->e->name)))
			buf_printf(out, "%s%s", n++ ? ", " : "", roles[i]);
	}
	buf_printf(out, "%s (%s %s) | %s |\n", n ? "" : "nobody", verbs[x->rt->need], what, scopes[scope]);
}

void http_route_rules(struct buf *out)
{
	http_each_route(rule_one, out);
}

static void list_one(void *ctx, const struct expanded *x)
{
	buf_printf(ctx, "%s %s\n", x->method, x->path);
}

void http_route_list(struct buf *out)
{
	http_each_route(list_one, out);
}
