/*
 * openapi.c -- the OpenAPI 3.0 document of the API, served at
 * /api/v1/openapi.json and printed by `plenum routes --openapi`.
 *
 * Built from the tables the server itself runs on: the route table
 * (http_each_route(): every method and path, generic routes expanded over
 * the data dictionary, who needs a login), the data dictionary (entity
 * schemas, list filters, the body of generic writes), the settings table
 * (the body of PUT /settings) and report_content_type() (what each report
 * address sends). What the handlers of specific routes take and give is
 * written once here, per handler, in op_docs[]; tests/api/openapi.test.mjs
 * keeps it true (an independent validator, real answers checked against
 * their declared schemas, every declared query parameter accepted).
 *
 * It is NOT where routes, permissions or validation live (router.c and the
 * handlers), and it does not describe the web application's files.
 */
#include <stdio.h>
#include <string.h>

#include "http.h"
#include "../core/limits.h"
#include "../domain/model.h"
#include "../domain/workflow.h"
#include "../report/report.h"
#include "../core/banned.h"

/* More answers an operation can give, beyond those every operation of its
 * kind gives (see responses()). */
enum {
	D_IFMATCH = 1,          /* takes If-Match (required on generic PATCH and DELETE) */
	D_IFMATCH_OPT = 2,      /* takes If-Match, optional */
	D_415 = 4,              /* refuses a body of another media type */
	D_429 = 8,              /* throttled (login) */
	D_422 = 16,             /* refuses what the record does not allow */
	D_OPTBODY = 32,         /* the body may be empty */
};

/* What one handler takes and gives. Schemas are JSON written with ' for ",
 * and may refer to the components below with {'$ref':'#/components/...'}. */
struct op_doc {
	int (*handler)(struct req *r);
	const char *query;      /* its query parameters, space-separated */
	const char *body;       /* request body schema, NULL: none */
	const char *ok;         /* success schema, NULL: a file (media from the path) */
	unsigned more;
};

#define REF(x) "{'$ref':'#/components/schemas/" x "'}"
#define ITEMS(x) "{'type':'object','required':['items'],'properties':{'items':{'type':'array','items':" x "}}}"
#define OBJ(req) "{'type':'object','required':[" req "]}"

static const struct op_doc op_docs[] = {
	{ h_health, "", NULL, "{'type':'object','required':['status'],'properties':{'status':{'type':'string','enum':['ok']}}}", 0 },
	{ h_openapi, "", NULL, "{'type':'object','required':['openapi','info','paths']}", 0 },
	{ h_login, "", REF("login"), REF("session"), D_415 | D_429 },
	{ h_logout, "", NULL, "{'type':'object','required':['logged_out'],'properties':{'logged_out':{'type':'boolean'}}}",
	  D_OPTBODY },
	{ h_me, "", NULL, REF("session"), 0 },
	{ h_my_tokens, "", NULL, ITEMS(REF("api_token")), 0 },
	{ h_user_tokens, "", NULL, ITEMS(REF("api_token")), 0 },
	{ h_my_token_revoke, "", NULL, REF("revoked"), 0 },
	{ h_user_token_revoke, "", NULL, REF("revoked"), 0 },
	{ h_dashboard, "", NULL, OBJ("'initiatives'"), 0 },
	{ h_search, "q limit", NULL,
	  "{'type':'object','required':['query','items'],'properties':{'query':{'type':'string'},'items':{'type':'array',"
	  "'items':{'type':'object','required':['kind','key','title'],'properties':{'kind':{'type':'string'},"
	  "'key':{'type':'string'},'title':{'type':'string'},'snippet':{'type':'string'},'link':{'type':'string'}}}}}}", 0 },
	{ h_audit, "limit cursor", NULL, "{'type':'object','required':['items','next_cursor'],'properties':{'items':"
	  "{'type':'array','items':{'type':'object','required':['id','at','actor','action','entity','hash'],'properties':"
	  "{'id':{'type':'integer'},'at':{'type':'string','format':'date-time'},'actor':{'type':'string'},"
	  "'action':{'type':'string'},'entity':{'type':'string'},'hash':{'type':'string'}}}},"
	  "'next_cursor':{'type':'string','nullable':true}}}", 0 },
	{ h_audit_verify, "", NULL, "{'type':'object','required':['intact','entries'],'properties':{'intact':{'type':'boolean'},"
	  "'entries':{'type':'integer'},'rows':{'type':'integer'},'checkpoints':{'type':'integer'},'problem':{'type':'string'}}}", 0 },
	{ h_settings_get, "", NULL, REF("settings"), 0 },
	{ h_settings_put, "", REF("settings_change"), REF("settings"), 0 },
	{ h_light_history, "year", NULL, "{'type':'object','required':['year','items'],'properties':{'year':{'type':'integer'},"
	  "'items':{'type':'array','items':{'type':'object','required':['on','counts'],'properties':{'on':{'type':'string',"
	  "'format':'date'},'counts':" REF("light_counts") "}}}}}", 0 },
	{ h_initiative_tree, "", NULL, ITEMS(REF("initiative_node")), 0 },
	{ h_check, "year", NULL, "{'type':'object','required':['group','year','members'],'properties':{'group':{'type':'string'},"
	  "'year':{'type':'integer'},'members':{'type':'array','items':{'type':'object'}}}}", 0 },
	{ h_meeting_report, "lang", NULL, NULL, 0 },
	{ h_dossier, "lang year", NULL, NULL, 0 },
	{ h_package, "lang year", NULL, NULL, 0 },
	{ h_group_calendar, "lang", NULL, NULL, 0 },
	{ h_personal_calendar, "lang", NULL, NULL, 0 },
	{ h_notice, "lang from to", NULL, NULL, 0 },
	{ h_ledger, "unit initiative light due_from due_to lang", NULL, NULL, 0 },
	{ h_ledger_import, "skip_bad encoding", NULL, "{'type':'object','required':['rows','created','updated','reported',"
	  "'unchanged','rejected','problems','warnings','changes','encoding','written'],'properties':{'rows':{'type':'integer'},"
	  "'created':{'type':'integer'},'updated':{'type':'integer'},'reported':{'type':'integer'},"
	  "'unchanged':{'type':'integer'},'rejected':{'type':'integer'},'problems':{'type':'array','items':{'type':'string'}},"
	  "'warnings':{'type':'array','items':{'type':'string'}},'changes':{'type':'object',"
	  "'additionalProperties':{'type':'integer'}},'encoding':{'type':'string'},'written':{'type':'boolean'}}}",
	  D_422 },
	{ h_calendar_token, "", NULL, "{'type':'object','required':['url'],'properties':{'url':{'type':'string'}}}", D_OPTBODY },
	{ h_backup, "", NULL, NULL, 0 },
	{ h_task_list, "unit initiative meeting group year state light due_from due_to q limit cursor offset total", NULL,
	  "{'type':'object','required':['items','next_cursor'],'properties':{'items':{'type':'array','items':"
	  REF("task_view") "},'next_cursor':{'type':'string','nullable':true}}}", 0 },
	{ h_task_get, "", NULL, REF("task_view"), 0 },
	{ h_task_report, "", REF("progress_report_new"), "{'allOf':[" REF("task_view") ",{'type':'object','required':"
	  "['report'],'properties':{'report':" REF("progress_report") "}}]}", D_IFMATCH_OPT | D_422 },
	{ h_task_extension, "", REF("extension_request"), REF("task_view"), D_IFMATCH_OPT | D_422 },
	{ h_task_extension_decide, "", REF("extension_decision"), REF("task_view"), D_IFMATCH_OPT | D_422 },
	{ h_task_action, "", REF("task_note"), REF("task_view"), D_IFMATCH_OPT | D_422 | D_OPTBODY },
	{ h_meeting_get, "", NULL, REF("meeting_view"), 0 },
	{ h_feedback_create, "", REF("feedback_new"), REF("feedback"), 0 },
	{ h_unit_ranking, "limit offset unit", NULL, ITEMS("{'type':'object','required':['rank','unit','name','led','supported'],"
	  "'properties':{'rank':{'type':'integer','description':'the place, 1 the worst'},'unit':{'type':'string'},"
	  "'name':{'type':'string'},'name_en':{'type':'string'},'led':" REF("rank_counts") ","
	  "'supported':" REF("rank_counts") "}}"), 0 },
	{ h_unit_get, "", NULL, "{'type':'object','required':['key','name','tasks'],'properties':{'key':{'type':'string'},"
	  "'name':{'type':'string'},'counts':" REF("light_counts") ",'tasks':{'type':'array','items':" REF("task_view") "}}}", 0 },
	{ h_org_create, "", REF("org_new"), "{'type':'object','required':['key','name','admin'],'properties':{'key':"
	  "{'type':'string'},'name':{'type':'string'},'admin':{'type':'object','required':['login'],'properties':{'login':"
	  "{'type':'string'}}}}}", D_422 },
	{ h_user_create, "", REF("user_new"), "{'type':'object','required':['login','role'],'properties':{'login':"
	  "{'type':'string'},'role':{'type':'string'}}}", D_422 },
	{ h_user_password, "", REF("password"), "{'type':'object','required':['changed'],'properties':{'changed':"
	  "{'type':'boolean'}}}", D_422 },
};

/* Schemas of the specific routes' bodies and answers. */
static const struct {
	const char *name, *schema;
} fixed_schemas[] = {
	{ "error", "{'type':'object','required':['error'],'properties':{'error':{'type':'object','required':['code','message'],"
	  "'properties':{'code':{'type':'string','description':'invalid_field, invalid_json, not_found, conflict, "
	  "precondition_failed, forbidden, unauthorized, too_large, too_many_requests, ...'},'message':{'type':'string'},"
	  "'field':{'type':'string','description':'the field, parameter or header at fault'},'problems':{'type':'array',"
	  "'description':'every problem of a record refused as a whole','items':{'type':'object','required':['message'],"
	  "'properties':{'field':{'type':'string'},'message':{'type':'string'}}}}}}}}" },
	{ "login", "{'type':'object','required':['login','password'],'additionalProperties':false,'properties':{'login':"
	  "{'type':'string'},'password':{'type':'string','format':'password'}}}" },
	{ "session", "{'type':'object','required':['user','csrf'],'properties':{'user':{'type':'object','required':['login',"
	  "'role'],'properties':{'login':{'type':'string'},'role':{'type':'string'},'org':{'type':'string'},'unit':"
	  "{'type':'string'},'person':{'type':'string'}}},'csrf':{'type':'string','description':'send it as X-CSRF-Token "
	  "with every write made with the session cookie'}}}" },
	{ "api_token", "{'type':'object','required':['id'],'properties':{'id':{'type':'integer'},'name':{'type':'string'}}}" },
	{ "revoked", "{'type':'object','required':['id','revoked'],'properties':{'id':{'type':'integer'},'revoked':"
	  "{'type':'boolean'}}}" },
	{ "light_counts", "{'type':'object','required':['done','grey','green','yellow','red'],'properties':{'done':"
	  "{'type':'integer'},'grey':{'type':'integer'},'green':{'type':'integer'},'yellow':{'type':'integer'},'red':"
	  "{'type':'integer'}}}" },
	{ "rank_counts", "{'type':'object','required':['tasks','red','overdue','report_missing'],'properties':{'tasks':"
	  "{'type':'integer'},'red':{'type':'integer'},'overdue':{'type':'integer','description':'past due, not closed'},"
	  "'report_missing':{'type':'integer','description':'the next report of the cadence due before today'}}}" },
	{ "initiative_node", "{'type':'object','required':['key','title','progress','light','counts'],'properties':{'key':"
	  "{'type':'string'},'code':{'type':'string'},'title':{'type':'string'},'depth':{'type':'integer'},'weight':"
	  "{'type':'number'},'progress':{'type':'number'},'light':{'type':'string','enum':['red','yellow','green','grey',"
	  "'done']},'counts':{'$ref':'#/components/schemas/light_counts'},'tasks':{'type':'integer'}}}" },
	{ "task_view", "{'type':'object','required':['key','title','state','version','light'],'properties':{'key':"
	  "{'type':'string'},'title':{'type':'string'},'state':{'type':'string'},'version':{'type':'integer'},'light':"
	  "{'type':'object','required':['color','reason_code'],'properties':{'color':{'type':'string','enum':['red','yellow',"
	  "'green','grey','done']},'reason':{'type':'string'},'reason_code':{'type':'string'},'expected_percent':{'type':"
	  "'integer'},'days_overdue':{'type':'integer'}}},'due_on':{'type':'string','format':'date','description':"
	  "'the date, or the last day of the period; absent for asap and unset'},'due_kind':{'type':'string','enum':["
	  "'date','period','asap','unset']},'due_from':{'type':'string','format':'date'},'due_precision':{'type':"
	  "'string','enum':['year','half','quarter','month']},'due_text':{'type':'string'},'due_text_en':{'type':"
	  "'string'}}}" },
	{ "meeting_view", "{'type':'object','required':['key','title','status','starts_at','version'],'properties':{'key':"
	  "{'type':'string'},'title':{'type':'string'},'status':{'type':'string'},'starts_at':{'type':'string'},'version':"
	  "{'type':'integer'},'tasks':{'type':'array','items':{'$ref':'#/components/schemas/task_view'}}}}" },
	{ "progress_report", "{'type':'object','required':['reported_on','percent','done','filed_by'],'properties':{"
	  "'reported_on':{'type':'string','format':'date'},'percent':{'type':'integer'},'done':{'type':'string'},"
	  "'problems':{'type':'string'},'next_steps':{'type':'string'},'reporter':{'type':'string'},'reporter_name':"
	  "{'type':'string'},'filed_by':{'type':'string'},'filed_by_name':{'type':'string'},'period_from':{'type':"
	  "'string','format':'date'},'period_to':{'type':'string','format':'date'}}}" },
	{ "progress_report_new", "{'type':'object','required':['percent'],'additionalProperties':false,'properties':{"
	  "'percent':{'type':'integer','minimum':0,'maximum':100},'done':{'type':'string'},'problems':{'type':'string'},"
	  "'next_steps':{'type':'string'},'reported_on':{'type':'string','format':'date'},'reporter':{'type':'string',"
	  "'description':'the key of a person'},'period_from':{'type':'string','format':'date'},'period_to':{'type':"
	  "'string','format':'date'}}}" },
	{ "extension_request", "{'type':'object','required':['new_due_on'],'additionalProperties':false,'properties':{"
	  "'new_due_on':{'type':'string','format':'date'},'reason':{'type':'string'}}}" },
	{ "extension_decision", "{'type':'object','required':['approve'],'additionalProperties':false,'properties':{"
	  "'approve':{'type':'boolean'},'note':{'type':'string'}}}" },
	{ "task_note", "{'type':'object','additionalProperties':false,'properties':{'note':{'type':'string'}}}" },
	{ "org_new", "{'type':'object','required':['name','admin'],'properties':{'key':{'type':'string'},'name':{'type':"
	  "'string'},'name_en':{'type':'string'},'timezone':{'type':'string'},'utc_offset':{'type':'integer'},'admin':{'type':"
	  "'object','required':['login','password'],'properties':{'login':{'type':'string'},'password':{'type':'string',"
	  "'format':'password'}}}}}" },
	{ "user_new", "{'type':'object','required':['login','role'],'additionalProperties':false,'properties':{'login':"
	  "{'type':'string'},'role':{'type':'string','enum':['admin','secretary','member','reporter','observer','viewer']},"
	  "'person':{'type':'string','description':'the key of a person'},'unit':{'type':'string','description':'the key of "
	  "a unit (reporters)'},'password':{'type':'string','format':'password'}}}" },
	{ "password", "{'type':'object','required':['password'],'additionalProperties':false,'properties':{'password':"
	  "{'type':'string','format':'password'}}}" },
	{ "deleted", "{'type':'object','required':['deleted'],'properties':{'deleted':{'type':'boolean'}}}" },
};

/* Standard answers: name, status, description. */
static const struct {
	const char *name;
	int status;
	const char *description;
} std_responses[] = {
	{ "BadRequest", 400, "bad input: the field, parameter or header named, and why" },
	{ "Unauthorized", 401, "not logged in (no session cookie or bearer token, or an expired one)" },
	{ "Forbidden", 403, "not allowed for this role or scope, or a write without the CSRF token" },
	{ "NotFound", 404, "no such record (the key in the path)" },
	{ "Conflict", 409, "the record conflicts with another (a key in use, a row still referred to), or a request "
	  "with the same Idempotency-Key is still in flight (Retry-After)" },
	{ "PreconditionFailed", 412, "If-Match missing or not the current version: someone else changed the record" },
	{ "TooLarge", 413, "the body is over the limit" },
	{ "UnsupportedMediaType", 415, "the body is not JSON" },
	{ "Unprocessable", 422, "refused by the record's rules, or another request sent under the same Idempotency-Key" },
	{ "TooManyRequests", 429, "too many failed logins: wait Retry-After seconds" },
	{ "Unavailable", 503, "the server is at its connection limit: retry" },
};

/* Parses a schema written with ' for ". */
static json_t *schema(const char *text)
{
	char buf[4096];
	size_t n = strlen(text);
	json_t *s;

	if (n >= sizeof(buf))
		return json_pack("{s:s}", "description", "(schema too long)");
	for (size_t i = 0; i <= n; i++)
		buf[i] = text[i] == '\'' ? '"' : text[i];
	s = json_loads(buf, 0, NULL);
	return s ? s : json_pack("{s:s}", "description", "(bad schema)");
}

static const struct op_doc *doc_of(const struct route *rt)
{
	for (size_t i = 0; i < sizeof(op_docs) / sizeof(op_docs[0]); i++)
		if (op_docs[i].handler == rt->handler)
			return &op_docs[i];
	return NULL;
}

static json_t *field_schema(const struct field *f, int answer)
{
	json_t *s = json_object();
	const char *type = "string";

	switch (f->type) {
	case F_INT: type = "integer"; break;
	case F_REAL: type = "number"; break;
	case F_BOOL: type = "boolean"; break;
	case F_REFS:
	case F_STRLIST:
		json_object_set_new(s, "type", json_string("array"));
		json_object_set_new(s, "items", json_pack("{s:s}", "type", "string"));
		if (f->type == F_REFS)
			json_object_set_new(s, "description", json_sprintf("the keys of %ss", f->ref));
		goto out;
	case F_ILLUS:
		json_object_set_new(s, "description", json_string("true, or the names of the fields made up for a demo"));
		return s;             /* any type: nullable does not apply */
	default: break;
	}
	json_object_set_new(s, "type", json_string(type));
	if (f->type == F_DATE)
		json_object_set_new(s, "format", json_string("date"));
	if (f->type == F_DATETIME)
		json_object_set_new(s, "format", json_string("date-time"));
	if (f->type == F_ENUM) {
		json_t *en = json_array();

		for (int i = 0; f->values[i]; i++)
			json_array_append_new(en, json_string(f->values[i]));
		json_object_set_new(s, "enum", en);
	}
	if ((f->type == F_INT || f->type == F_REAL) && f->min < f->max) {
		json_object_set_new(s, "minimum", json_integer(f->min));
		json_object_set_new(s, "maximum", json_integer(f->max));
	}
	if (f->type == F_REF)
		json_object_set_new(s, "description", json_sprintf("the key of a %s", f->ref));
	if (f->type == F_TEXT && f->max && !answer)
		json_object_set_new(s, "maxLength", json_integer(f->max));
out:
	if (!(f->flags & FF_REQUIRED))
		json_object_set_new(s, "nullable", json_true());
	return s;
}

enum shape { SH_ANSWER, SH_NEW, SH_PATCH };

/* An entity as answered (every field, more may come: nested lists, names),
 * as created (required fields required, no other field) or as changed. */
static json_t *entity_schema(const struct entity *e, enum shape sh, const char *const *server_set)
{
	json_t *props = json_object(), *req = json_array(), *s;

	for (size_t i = 0; i < e->nfields; i++) {
		const struct field *f = &e->fields[i];
		int skip = (f->flags & FF_NOEXPORT) != 0;

		for (int k = 0; server_set && server_set[k]; k++)
			skip |= strcmp(server_set[k], f->name) == 0;
		if (skip)
			continue;
		json_object_set_new(props, f->name, field_schema(f, sh == SH_ANSWER));
		if ((f->flags & FF_REQUIRED) && sh == SH_NEW)
			json_array_append_new(req, json_string(f->name));
	}
	if (sh == SH_ANSWER && !(e->flags & EF_APPEND_ONLY))
		json_object_set_new(props, "version", json_pack("{s:s, s:i}", "type", "integer", "minimum", 1));
	s = json_pack("{s:s, s:o}", "type", "object", "properties", props);
	if (json_array_size(req))
		json_object_set_new(s, "required", req);
	else
		json_decref(req);
	if (sh != SH_ANSWER)
		json_object_set_new(s, "additionalProperties", json_false());
	if (sh == SH_PATCH)
		json_object_set_new(s, "minProperties", json_integer(1));
	return s;
}

static json_t *param_schema(const char *name, const struct field *f)
{
	if (f)
		return json_pack("{s:s}", "type", f->type == F_INT ? "integer" : f->type == F_BOOL ? "boolean" : "string");
	if (strcmp(name, "limit") == 0)
		return json_pack("{s:s, s:i, s:i, s:i}", "type", "integer", "minimum", 1, "maximum", LIM_PAGE_ITEMS,
				 "default", LIM_PAGE_DEFAULT);
	if (strcmp(name, "year") == 0)
		return json_pack("{s:s, s:i, s:i}", "type", "integer", "minimum", LIM_YEAR_MIN, "maximum", LIM_YEAR_MAX);
	if (strcmp(name, "offset") == 0)
		return json_pack("{s:s, s:i, s:i}", "type", "integer", "minimum", 0, "maximum", LIM_LIST_OFFSET);
	if (strcmp(name, "lang") == 0)
		return json_pack("{s:s, s:[s, s], s:s}", "type", "string", "enum", "zh", "en", "default", "zh");
	if (strcmp(name, "light") == 0)
		return json_pack("{s:s, s:[s, s, s, s, s]}", "type", "string", "enum", "red", "yellow", "green", "grey", "done");
	if (strcmp(name, "skip_bad") == 0)
		return json_pack("{s:s, s:[s, s]}", "type", "string", "enum", "true", "false");
	if (strcmp(name, "encoding") == 0)
		return json_pack("{s:s, s:[s, s, s, s, s, s]}", "type", "string", "enum", "utf-8", "utf-16", "utf-16le",
				 "utf-16be", "gb18030", "gbk");
	if (strcmp(name, "q") == 0)
		return json_pack("{s:s, s:i, s:i}", "type", "string", "minLength", 1, "maxLength", LIM_QUERY_CHARS);
	if (strcmp(name, "from") == 0 || strcmp(name, "to") == 0 || strncmp(name, "due_", 4) == 0)
		return json_pack("{s:s, s:s}", "type", "string", "format", "date");
	return json_pack("{s:s}", "type", "string");
}

static const char *param_help(const char *name)
{
	static const struct {
		const char *name, *help;
	} helps[] = {
		{ "limit", "items per page" },
		{ "cursor", "the next_cursor of the page before" },
		{ "q", "words to find (Chinese words of any length)" },
		{ "from", "on or after this date" },
		{ "to", "before this date" },
		{ "lang", "the language of the paper: zh (default) or en" },
		{ "year", "the year (a report or chart: default this year; the task list: tasks running that year, "
			  "default any)" },
		{ "group", "a study group's key: the tasks from the decisions of its meetings" },
		{ "unit", "a unit's key: the tasks it leads or supports" },
		{ "initiative", "an initiative's key: its tasks and those of the initiatives below it" },
		{ "meeting", "a meeting's key: the tasks from its decisions" },
		{ "state", "a workflow state" },
		{ "light", "a light: red, yellow, green, grey or done" },
		{ "due_from", "due on or after this date" },
		{ "due_to", "due on or before this date" },
		{ "offset", "rows to pass over first (with total=1, for a numbered pager)" },
		{ "total", "any value: the reply also holds total, how many rows the whole list has" },
		{ "skip_bad", "true: write the good rows and list the bad ones" },
		{ "encoding", "a CSV's encoding when it cannot be found (a byte-order mark, UTF-8, GB18030 text are)" },
	};

	for (size_t i = 0; i < sizeof(helps) / sizeof(helps[0]); i++)
		if (strcmp(helps[i].name, name) == 0)
			return helps[i].help;
	return NULL;
}

static void add_query(json_t *params, const char *name, const struct field *f, int required)
{
	json_t *p = json_pack("{s:s, s:s, s:o}", "name", name, "in", "query", "schema", param_schema(name, f));
	const char *help = param_help(name);

	if (required)
		json_object_set_new(p, "required", json_true());
	if (f)
		json_object_set_new(p, "description", json_sprintf("only the rows whose %s is this", f->name));
	else if (help)
		json_object_set_new(p, "description", json_string(help));
	json_array_append_new(params, p);
}

/* The filters of a generic list: the same rule as h_rows.c's is_filter_field
 * (keys, choices, numbers, yes/no), from and to on its first date field. */
static void list_params(json_t *params, const struct entity *e)
{
	int dated = 0;

	add_query(params, "limit", NULL, 0);
	add_query(params, "cursor", NULL, 0);
	add_query(params, "q", NULL, 0);
	for (size_t i = 0; i < e->nfields; i++) {
		const struct field *f = &e->fields[i];

		if (f->type == F_REF || f->type == F_ENUM || f->type == F_BOOL || f->type == F_INT || f->type == F_KEY)
			add_query(params, f->name, f, 0);
		if ((f->type == F_DATE || f->type == F_DATETIME) && !dated) {
			dated = 1;
			add_query(params, "from", NULL, 0);
			add_query(params, "to", NULL, 0);
		}
	}
}

static void respond(json_t *responses, const char *name)
{
	for (size_t i = 0; i < sizeof(std_responses) / sizeof(std_responses[0]); i++) {
		char status[8], ref[96];

		if (strcmp(std_responses[i].name, name) != 0)
			continue;
		snprintf(status, sizeof(status), "%d", std_responses[i].status);
		snprintf(ref, sizeof(ref), "#/components/responses/%s", name);
		json_object_set_new(responses, status, json_pack("{s:s}", "$ref", ref));
	}
}

static json_t *content(const char *media, json_t *sch)
{
	return json_pack("{s:{s:o}}", media, "schema", sch);
}

/* The media type a report address sends, from its extension, as the
 * server decides it (report_content_type()); NULL when not a file. */
static const char *file_media(const struct expanded *x, char *out, size_t size)
{
	const char *dot = strrchr(x->path, '.');
	int f;

	if (x->rt->handler == h_backup)
		return snprintf(out, size, "application/vnd.sqlite3"), out;
	if (x->rt->handler == h_personal_calendar)
		dot = ".ics";
	if (dot == NULL || strchr(dot, '/') || (f = report_format_parse(dot + 1)) < 0)
		return NULL;
	snprintf(out, size, "%s", report_content_type((enum report_format)f));
	if (strchr(out, ';'))
		*strchr(out, ';') = '\0';
	return out;
}

static void operation_id(const struct expanded *x, char *out, size_t size)
{
	size_t n = 0;
	int up = 0;

	for (const char *m = x->method; *m && n + 1 < size; m++)
		out[n++] = (char)(*m | 0x20);
	for (const char *p = x->path + strlen("/api/v1"); *p && n + 1 < size; p++) {
		if (*p == '{' || *p == '}')
			continue;
		if (*p == '/' || *p == '_' || *p == '.' || *p == '-') {
			up = 1;
			continue;
		}
		out[n++] = up && *p >= 'a' && *p <= 'z' ? (char)(*p - 32) : *p;
		up = 0;
	}
	out[n] = '\0';
}

static void doc_one(void *ctx, const struct expanded *x)
{
	json_t *paths = ctx, *item, *op, *params = json_array(), *responses = json_object(), *body = NULL, *ok = NULL;
	const struct entity *subject = x->child ? x->child : x->e;
	const struct op_doc *d = doc_of(x->rt);
	const char *p, *media;
	char summary[256], ref[160], id[160], lower[8], mt[96], code[8];
	int status = 200, write = strcmp(x->method, "GET") != 0;
	unsigned more = d ? d->more : 0;
	size_t i;

	item = json_object_get(paths, x->path);
	if (item == NULL) {
		item = json_object();
		json_object_set_new(paths, x->path, item);
	}
	for (p = strchr(x->path, '{'); p; p = strchr(p + 1, '{')) {
		const char *end = strchr(p, '}');

		json_array_append_new(params, json_pack("{s:s%, s:s, s:b, s:{s:s}}", "name", p + 1, (size_t)(end - p - 1),
							"in", "path", "required", 1, "schema", "type", "string"));
	}
	/* query parameters */
	if (d && d->query) {
		char names[256];

		snprintf(names, sizeof(names), "%s", d->query);
		for (char *w = names, *sp; *w; w = sp ? sp + 1 : w + strlen(w)) {
			sp = strchr(w, ' ');
			if (sp)
				*sp = '\0';
			if (*w)
				add_query(params, w, NULL, x->rt->handler == h_search && strcmp(w, "q") == 0);
		}
	} else if (subject && !write && (x->rt->handler == h_rows_list || x->rt->handler == h_children_list)) {
		list_params(params, subject);
	}
	/* headers */
	if (subject && !d && (strcmp(x->method, "PATCH") == 0 || strcmp(x->method, "DELETE") == 0))
		more |= D_IFMATCH;
	if (more & (D_IFMATCH | D_IFMATCH_OPT))
		json_array_append_new(params, json_pack("{s:s, s:s, s:b, s:s, s:{s:s}}", "name", "If-Match", "in", "header",
							"required", (more & D_IFMATCH) != 0, "description",
							"the version read (the ETag of the record)", "schema", "type", "string"));
	if (strcmp(x->method, "POST") == 0 && x->rt->handler != h_login)
		json_array_append_new(params, json_pack("{s:s, s:s, s:s, s:{s:s, s:i, s:i}}", "name", "Idempotency-Key", "in",
							"header", "description", "send the same key again to replay the answer "
							"instead of writing twice (kept 24 hours)", "schema", "type", "string",
							"minLength", 1, "maxLength", 200));
	/* request body */
	if (d && d->body) {
		body = json_pack("{s:b, s:o}", "required", !(more & D_OPTBODY), "content",
				 content("application/json", schema(d->body)));
	} else if (x->rt->handler == h_ledger_import) {
		body = json_pack("{s:b, s:{s:{s:{s:s}}, s:{s:{s:s, s:s}}}}", "required", 1, "content", "text/csv", "schema",
				 "type", "string", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "schema",
				 "type", "string", "format", "binary");
	} else if (subject && !d && (strcmp(x->method, "POST") == 0 || strcmp(x->method, "PATCH") == 0)) {
		snprintf(ref, sizeof(ref), "#/components/schemas/%s_%s", subject->name,
			 strcmp(x->method, "POST") == 0 ? "new" : "patch");
		body = json_pack("{s:b, s:{s:{s:{s:s}}}}", "required", 1, "content", "application/json", "schema", "$ref", ref);
	} else if (write && (more & D_OPTBODY)) {
		body = json_pack("{s:b, s:{s:{s:{s:s}}}}", "required", 0, "content", "application/json", "schema",
				 "type", "object");
	}
	/* the answer */
	media = "application/json";
	if (d && d->ok) {
		ok = schema(d->ok);
		if (strcmp(x->method, "POST") == 0 && (x->rt->handler == h_task_report || x->rt->handler == h_task_extension ||
						       x->rt->handler == h_user_create || x->rt->handler == h_org_create ||
						       x->rt->handler == h_calendar_token || x->rt->handler == h_feedback_create))
			status = 201;
	} else if (d && (media = file_media(x, mt, sizeof(mt))) != NULL) {
		ok = json_pack("{s:s, s:s}", "type", "string", "format", "binary");
	} else if (subject) {
		media = "application/json";
		snprintf(ref, sizeof(ref), "#/components/schemas/%s", subject->name);
		if (x->rt->handler == h_rows_list || x->rt->handler == h_children_list)
			ok = json_pack("{s:s, s:[s, s], s:{s:{s:s, s:{s:s}}, s:{s:s, s:b}}}", "type", "object", "required",
				       "items", "next_cursor", "properties", "items", "type", "array", "items", "$ref", ref,
				       "next_cursor", "type", "string", "nullable", 1);
		else if (strcmp(x->method, "DELETE") == 0)
			ok = json_pack("{s:s}", "$ref", "#/components/schemas/deleted");
		else
			ok = json_pack("{s:s}", "$ref", ref);
		if (strcmp(x->method, "POST") == 0)
			status = 201;
	} else {
		media = "application/json";
		ok = json_pack("{s:s}", "type", "object");
	}
	snprintf(code, sizeof(code), "%d", status);
	json_object_set_new(responses, code, json_pack("{s:s, s:o}", "description", status == 201 ? "created" : "done",
						     "content", content(media ? media : "application/json", ok)));
	respond(responses, "BadRequest");
	if (!(x->rt->flags & RF_PUBLIC)) {
		respond(responses, "Unauthorized");
		respond(responses, "Forbidden");
	}
	if (strchr(x->path, '{'))
		respond(responses, "NotFound");
	if (write && x->rt->handler != h_login && x->rt->handler != h_logout) {
		respond(responses, "Conflict");
		respond(responses, "TooLarge");
	}
	if (more & (D_IFMATCH | D_IFMATCH_OPT))
		respond(responses, "PreconditionFailed");
	if (more & D_415)
		respond(responses, "UnsupportedMediaType");
	if ((more & D_422) || (subject && !d && strcmp(x->method, "POST") == 0) ||
	    (strcmp(x->method, "POST") == 0 && x->rt->handler != h_login))
		respond(responses, "Unprocessable");
	if (more & D_429)
		respond(responses, "TooManyRequests");
	respond(responses, "Unavailable");

	snprintf(summary, sizeof(summary), "%s%s%s", subject && !x->rt->tag ? subject->name : "",
		 subject && !x->rt->tag ? ": " : "", x->rt->summary);
	operation_id(x, id, sizeof(id));
	op = json_pack("{s:s, s:s, s:[s], s:o, s:o}", "operationId", id, "summary", summary,
		       "tags", x->rt->tag ? x->rt->tag : (x->e ? x->e->list : "records"), "parameters", params,
		       "responses", responses);
	if (body)
		json_object_set_new(op, "requestBody", body);
	if (x->rt->flags & RF_PUBLIC)
		json_object_set_new(op, "security", json_array());
	for (i = 0; x->method[i] && i + 1 < sizeof(lower); i++)
		lower[i] = (char)(x->method[i] | 0x20);
	lower[i] = '\0';
	json_object_set_new(item, lower, op);
}

static json_t *settings_change(void)
{
	json_t *props = json_object();

	for (int i = 0; svc_settings[i].name; i++)
		json_object_set_new(props, svc_settings[i].name, json_pack("{s:s, s:i, s:i, s:s}", "type", "integer",
									   "minimum", svc_settings[i].min, "maximum",
									   svc_settings[i].max, "description",
									   svc_settings[i].help));
	return json_pack("{s:s, s:o, s:b, s:i}", "type", "object", "properties", props, "additionalProperties", 0,
			 "minProperties", 1);
}

json_t *http_openapi(void)
{
	static const char *const feedback_server_set[] = { "written_on", "filed_by", "illustrative", NULL };
	json_t *doc, *paths = json_object(), *schemas = json_object(), *responses = json_object();

	http_each_route(doc_one, paths);
	for (size_t i = 0; i < model_nentities; i++) {
		const struct entity *e = &model_entities[i];
		char name[96];

		json_object_set_new(schemas, e->name, entity_schema(e, SH_ANSWER, NULL));
		snprintf(name, sizeof(name), "%s_new", e->name);
		json_object_set_new(schemas, name, entity_schema(e, SH_NEW, strcmp(e->name, "feedback") == 0
								  ? feedback_server_set : NULL));
		if (!(e->flags & EF_APPEND_ONLY)) {
			snprintf(name, sizeof(name), "%s_patch", e->name);
			json_object_set_new(schemas, name, entity_schema(e, SH_PATCH, NULL));
		}
	}
	for (size_t i = 0; i < sizeof(fixed_schemas) / sizeof(fixed_schemas[0]); i++)
		json_object_set_new(schemas, fixed_schemas[i].name, schema(fixed_schemas[i].schema));
	json_object_set_new(schemas, "settings", json_pack("{s:s, s:[s], s:{s:{s:s, s:{s:s, s:[s, s], s:{s:{s:s}, s:{s:s}}}}}}",
							   "type", "object", "required", "items", "properties", "items",
							   "type", "array", "items", "type", "object", "required", "name",
							   "value", "properties", "name", "type", "string", "value",
							   "type", "integer"));
	json_object_set_new(schemas, "settings_change", settings_change());
	for (size_t i = 0; i < sizeof(std_responses) / sizeof(std_responses[0]); i++)
		json_object_set_new(responses, std_responses[i].name,
				    json_pack("{s:s, s:{s:{s:{s:s}}}}", "description", std_responses[i].description, "content",
					      "application/json", "schema", "$ref", "#/components/schemas/error"));
	doc = json_pack("{s:s, s:{s:s, s:s, s:s, s:{s:s}}, s:[{s:s}], s:o, s:{s:o, s:o, s:{s:{s:s, s:s}, s:{s:s, s:s, s:s}}},"
			" s:[{s:[]}, {s:[]}]}",
			"openapi", "3.0.3",
			"info", "title", "plenum", "version", "1",
			"description", "The record of a Theoretical Learning Center Group and the follow-through of its decisions.",
			"license", "name", "see the project's licence",
			"servers", "url", "/",
			"paths", paths,
			"components", "schemas", schemas, "responses", responses, "securitySchemes",
			"bearer", "type", "http", "scheme", "bearer",
			"session", "type", "apiKey", "in", "cookie", "name", "plenum_session",
			"security", "bearer", "session");
	return doc;
}
