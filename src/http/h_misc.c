/*
 * h_misc.c -- the read-outs that span records: a meeting's whole record, a
 * unit's tasks, the dashboard, search, the audit trail, settings, the
 * compliance check and the initiative tree.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "../core/date.h"
#include "../core/limits.h"
#include "../core/text.h"
#include "../domain/model.h"
#include "../io/rows.h"
#include "../io/views.h"
#include "../service/audit.h"
#include "../service/check.h"
#include "../service/initiative.h"
#include "../service/lights.h"
#include "../service/meeting.h"
#include "../service/task.h"
#include "../service/tx.h"
#include "../core/xalloc.h"
#include "../core/banned.h"

int h_meeting_get(struct req *r)
{
	struct meeting_view v;
	struct err err = ERR_INIT;
	json_t *out;

	/* Role and scope: checked by the route table (router.c). */
	if (meeting_show(r->svc, r->params[0], &r->a, &v, &err) != 0)
		return req_fail(r, &err);
	out = view_meeting(r->svc, &v);
	json_object_set_new(out, "version", json_integer(v.m.version));
	http_set_etag(r, out);
	return req_json(r, 200, out);
}

static json_t *light_counts(const int *counts)
{
	json_t *c = json_object();

	for (int l = 0; l < LIGHT_COUNT; l++)
		json_object_set_new(c, light_name((enum light)l), json_integer(counts[l]));
	return c;
}

int h_unit_get(struct req *r)
{
	struct task_filter f;
	struct task_view *tasks;
	struct err err = ERR_INIT;
	int counts[LIGHT_COUNT] = { 0 }, overdue = 0;
	size_t n;
	int64_t id;
	json_t *items, *out;

	if (store_key_id(r->svc->st, model_entity("unit"), r->svc->org.id, r->params[0], &id, &err) != 0)
		return req_fail(r, &err);
	/* The unit's tasks that the caller may see (task_list keeps to its scope). */
	memset(&f, 0, sizeof(f));
	f.unit_key = r->params[0];
	if (task_list(r->svc, &f, -1, &r->a, &tasks, &n, &err) != 0)
		return req_fail(r, &err);
	out = http_row_json(r, model_entity("unit"), id, &err);
	if (out == NULL)
		return req_fail(r, &err);
	items = json_array();
	for (size_t i = 0; i < n; i++) {
		counts[tasks[i].light.light]++;
		overdue += tasks[i].light.days_overdue > 0;
		json_array_append_new(items, view_task(&tasks[i]));
	}
	json_object_set_new(out, "counts", light_counts(counts));
	json_object_set_new(out, "overdue", json_integer(overdue));
	json_object_set_new(out, "tasks", items);
	http_set_etag(r, out);
	return req_json(r, 200, out);
}

static json_t *rank_counts(const struct unit_rank_counts *k)
{
	return json_pack("{s:i, s:i, s:i, s:i}", "tasks", k->tasks, "red", k->red, "overdue", k->overdue,
			 "report_missing", k->report_missing);
}

/* The units ranked worst first, from the tasks the caller may see (a
 * reporter: its own unit's row only), a page at a time (limit, offset) or
 * one unit's row (unit), each with its place; and the total of units ranked. */
int h_unit_ranking(struct req *r)
{
	static const char *const params[] = { "limit", "offset", "unit", NULL };
	const char *only = req_query(r, "unit");
	int64_t unit_id;
	struct unit_rank *u;
	struct err err = ERR_INIT;
	long long limit, offset;
	size_t n;
	json_t *items;

	if (req_only_params(r, params) ||
	    req_param_int(r, "limit", 1, LIM_PAGE_ITEMS, LIM_PAGE_DEFAULT, &limit) ||
	    req_param_int(r, "offset", 0, LIM_LIST_OFFSET, 0, &offset))
		return 0;
	if (only && store_key_id(r->svc->st, model_entity("unit"), r->svc->org.id, only, &unit_id, &err) != 0) {
		if (err.code == ST_NOTFOUND)
			return req_error(r, 400, "invalid_field", "unit", "unit: no unit \"%s\"", only);
		return req_fail(r, &err);
	}
	if (task_unit_ranking(r->svc, &r->a, &u, &n, &err) != 0)
		return req_fail(r, &err);
	items = json_array();
	for (size_t i = only ? 0 : (size_t)offset; i < n && (only || i < (size_t)(offset + limit)); i++) {
		json_t *o;

		if (only && strcmp(only, u[i].key) != 0)
			continue;
		o = json_pack("{s:I, s:s, s:s, s:o, s:o}", "rank", (json_int_t)(i + 1), "unit", u[i].key, "name", u[i].name,
			      "led", rank_counts(&u[i].led), "supported", rank_counts(&u[i].supported));

		if (u[i].name_en)
			json_object_set_new(o, "name_en", json_string(u[i].name_en));
		json_array_append_new(items, o);
	}
	return req_json(r, 200, json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)n));
}

int h_initiative_tree(struct req *r)
{
	struct initiative_view *v;
	struct err err = ERR_INIT;
	size_t n;

	if (initiative_tree(r->svc, &r->a, &v, &n, &err) != 0)
		return req_fail(r, &err);
	return req_json(r, 200, json_pack("{s:o}", "items", view_initiatives(v, n)));
}

int h_check(struct req *r)
{
	struct check_result res;
	struct err err = ERR_INIT;
	long long year;
	static const char *const params[] = { "year", NULL };

	if (req_only_params(r, params) ||
	    req_param_int(r, "year", LIM_YEAR_MIN, LIM_YEAR_MAX, date_year(r->svc->today), &year))
		return 0;
	if (check_group_year(r->svc, r->params[0], (int)year, &r->a, &res, &err) != 0)
		return req_fail(r, &err);
	return req_json(r, 200, view_check(&res));
}

/* ---- dashboard ---- */

struct series {
	json_t *by_id;       /* indicator id -> indicator object */
	json_t *list;
};

static int indicator_row(void *ctx, const struct row_meta *m, const struct value *vals)
{
	struct series *s = ctx;
	json_t *obj = rows_to_json(model_entity("indicator"), vals);
	char id[32];

	json_object_set_new(obj, "values", json_array());
	snprintf(id, sizeof(id), "%lld", (long long)m->id);
	json_object_set(s->by_id, id, obj);
	json_array_append_new(s->list, obj);
	return 0;
}

static int value_row(void *ctx, const struct row_meta *m, const struct value *vals)
{
	struct series *s = ctx;
	char id[32];
	json_t *ind;

	snprintf(id, sizeof(id), "%lld", (long long)m->parent_id);
	ind = json_object_get(s->by_id, id);
	if (ind)
		json_array_append_new(json_object_get(ind, "values"), rows_to_json(model_entity("indicator_value"), vals));
	return 0;
}

static json_t *indicators(struct req *r, struct err *err)
{
	struct series s = { json_object(), json_array() };
	struct row_query q;

	memset(&q, 0, sizeof(q));
	q.org_id = r->svc->org.id;
	if (store_rows_view(r->svc->st, model_entity("indicator"), &q, indicator_row, &s, err) != 0 ||
	    store_rows_view(r->svc->st, model_entity("indicator_value"), &q, value_row, &s, err) != 0) {
		json_decref(s.by_id);
		json_decref(s.list);
		return NULL;
	}
	json_decref(s.by_id);
	return s.list;
}

/* The first red and yellow tasks, by id, from the light counts (or from the
 * roll-up's lean scan when they are stale); their list views are read
 * afterwards in one statement and written straight as text. */
struct lights_pick {
	int64_t ids[2 * LIM_PAGE_ITEMS];
	size_t nred, nyellow;
	struct buf *red, *yellow;
	int nr, ny;
};

static int pick_light(void *ctx, const struct task_view *t)
{
	struct lights_pick *p = ctx;

	if (t->light.light == LIGHT_RED && p->nred < LIM_PAGE_ITEMS)
		p->ids[p->nred++] = t->row.id;
	else if (t->light.light == LIGHT_YELLOW && p->nyellow < LIM_PAGE_ITEMS)
		p->ids[LIM_PAGE_ITEMS + p->nyellow++] = t->row.id;
	return 0;
}

static int show_light(void *ctx, const struct task_view *t)
{
	struct lights_pick *p = ctx;

	/* A task that changed light between the two reads shows where it is now. */
	if (t->light.light == LIGHT_RED) {
		if (p->nr++)
			buf_addc(p->red, ',');
		view_task_write(p->red, t);
	} else if (t->light.light == LIGHT_YELLOW) {
		if (p->ny++)
			buf_addc(p->yellow, ',');
		view_task_write(p->yellow, t);
	}
	return 0;
}

static int dump_cb(const char *data, size_t n, void *ctx)
{
	buf_add(ctx, data, n);
	return 0;
}

/* Appends j as compact JSON (taken). */
static void add_json(struct buf *b, json_t *j)
{
	if (j == NULL || json_dump_callback(j, dump_cb, b, JSON_COMPACT | JSON_REAL_PRECISION(15)) != 0)
		buf_adds(b, "null");
	json_decref(j);
}

/* The dashboard's supervision check, kept under the org's record token
 * (tx.h): a progress report or a task's move cannot change it, so the
 * dashboard right after one needs no recomputation. The check also depends
 * on the day, the year and the rules. A few orgs are kept, the least
 * recently computed out first; the text is copied in and out under a lock. */
#define CHECK_KEPT 16
static struct {
	int64_t org_id, token;
	int32_t today;
	struct compliance_rules rules;
	char *text;
	size_t len;
	uint64_t at;
} g_check[CHECK_KEPT];
static uint64_t g_check_tick;
static pthread_mutex_t g_check_lock = PTHREAD_MUTEX_INITIALIZER;

static void compliance(struct req *r, struct buf *out)
{
	struct svc *svc = r->svc;
	struct check_result res;
	struct err err = ERR_INIT;
	int64_t token = 0;
	size_t at = out->len, oldest = 0;
	int hit = 0;

	if (svc_record_token(svc, &token, &err) == 0 && token != 0) {
		pthread_mutex_lock(&g_check_lock);
		for (size_t i = 0; i < CHECK_KEPT && !hit; i++)
			if (g_check[i].text && g_check[i].org_id == svc->org.id && g_check[i].token == token &&
			    g_check[i].today == svc->today && memcmp(&g_check[i].rules, &svc->rules, sizeof(svc->rules)) == 0) {
				buf_add(out, g_check[i].text, g_check[i].len);
				hit = 1;
			}
		pthread_mutex_unlock(&g_check_lock);
	}
	if (hit)
		return;
	if (check_group_year(svc, NULL, date_year(svc->today), &r->a, &res, &err) == 0)
		add_json(out, view_check(&res));
	else
		buf_adds(out, "null");
	if (token == 0 || out->err)
		return;
	pthread_mutex_lock(&g_check_lock);
	for (size_t i = 0; i < CHECK_KEPT; i++) {
		if (g_check[i].org_id == svc->org.id || g_check[i].text == NULL) {
			oldest = i;
			break;
		}
		if (g_check[i].at < g_check[oldest].at)
			oldest = i;
	}
	free(g_check[oldest].text);
	g_check[oldest].org_id = svc->org.id;
	g_check[oldest].token = token;
	g_check[oldest].today = svc->today;
	g_check[oldest].rules = svc->rules;
	g_check[oldest].len = out->len - at;
	g_check[oldest].text = xmalloc(g_check[oldest].len + 1);
	memcpy(g_check[oldest].text, out->data + at, g_check[oldest].len);
	g_check[oldest].at = ++g_check_tick;
	pthread_mutex_unlock(&g_check_lock);
}

int h_dashboard(struct req *r)
{
	struct initiative_view *iv;
	struct meeting_row *meetings;
	struct err err = ERR_INIT;
	char now[DATETIME_LEN];
	size_t ni, nm;
	json_t *up, *ind;
	struct buf red = BUF_INIT(LIM_VIEW_TASK), yellow = BUF_INIT(LIM_VIEW_TASK);
	struct lights_pick pick;
	int fresh, bad;

	memset(&pick, 0, sizeof(pick));
	pick.red = &red;
	pick.yellow = &yellow;
	/* The roll-up from the incremental light counts; when they are stale
	 * (a new day, new rules), from one pass over the tasks, which also
	 * picks the red and yellow ones (and the server recounts afterwards). */
	if (initiative_tree_counted(r->svc, &r->a, &iv, &ni, &fresh, &err) != 0)
		goto fail;
	if (fresh) {
		if (lights_pick(r->svc, LIGHT_RED, pick.ids, LIM_PAGE_ITEMS, &pick.nred, &err) != 0 ||
		    lights_pick(r->svc, LIGHT_YELLOW, pick.ids + LIM_PAGE_ITEMS, LIM_PAGE_ITEMS, &pick.nyellow, &err) != 0)
			goto fail;
	} else if (initiative_tree_scan(r->svc, &r->a, &iv, &ni, pick_light, &pick, &err) != 0) {
		goto fail;
	}
	/* Yellow ids follow the red ones, so that one read gives both. */
	memmove(pick.ids + pick.nred, pick.ids + LIM_PAGE_ITEMS, pick.nyellow * sizeof(pick.ids[0]));
	if (task_scan_ids(r->svc, pick.ids, pick.nred + pick.nyellow, show_light, &pick, &err) != 0)
		goto fail;
	if (meeting_upcoming(r->svc, datetime_format_utc(datetime_now(), now), 10, &r->a, &meetings, &nm, &err) != 0)
		goto fail;
	ind = indicators(r, &err);
	if (ind == NULL)
		goto fail;
	up = json_array();
	for (size_t i = 0; i < nm; i++)
		json_array_append_new(up, view_meeting_row(r->svc, &meetings[i]));
	/* Written as text: the task views are already text (view_task_write). */
	buf_reset(&r->out);
	buf_adds(&r->out, "{\"initiatives\":[");
	for (size_t i = 0, k = 0; i < ni; i++)
		if (iv[i].depth <= 1) {
			if (k++)
				buf_addc(&r->out, ',');
			view_initiative_write(&r->out, &iv[i]);
		}
	buf_addc(&r->out, ']');
	buf_adds(&r->out, ",\"red_tasks\":[");
	buf_add(&r->out, red.data ? red.data : "", red.len);
	buf_adds(&r->out, "],\"yellow_tasks\":[");
	buf_add(&r->out, yellow.data ? yellow.data : "", yellow.len);
	buf_adds(&r->out, "],\"upcoming_meetings\":");
	add_json(&r->out, up);
	buf_adds(&r->out, ",\"indicators\":");
	add_json(&r->out, ind);
	buf_adds(&r->out, ",\"compliance\":");
	compliance(r, &r->out);
	buf_addc(&r->out, '}');
	bad = r->out.err || red.err || yellow.err;
	buf_release(&red);
	buf_release(&yellow);
	if (bad) {
		buf_reset(&r->out);
		return req_error(r, 500, "internal", NULL, "reply too large");
	}
	r->status = 200;
	return 0;
fail:
	buf_release(&red);
	buf_release(&yellow);
	return req_fail(r, &err);
}

int h_light_history(struct req *r)
{
	static const char *const params[] = { "year", NULL };
	int32_t days[12];
	int counts[12][LIGHT_COUNT];
	struct err err = ERR_INIT;
	long long year;
	size_t n = 0;
	json_t *items;

	if (req_only_params(r, params) ||
	    req_param_int(r, "year", LIM_YEAR_MIN, LIM_YEAR_MAX, date_year(r->svc->today), &year))
		return 0;
	/* Each month's last day, up to today. */
	for (int m = 1; m <= 12; m++) {
		int32_t end = date_from_ymd((int)year, m, date_days_in_month((int)year, m));

		if (date_from_ymd((int)year, m, 1) > r->svc->today)
			break;
		days[n++] = end < r->svc->today ? end : r->svc->today;
	}
	if (task_light_history(r->svc, days, n, counts, &err) != 0)
		return req_fail(r, &err);
	items = json_array();
	for (size_t i = 0; i < n; i++) {
		char d[DATE_LEN];

		json_array_append_new(items, json_pack("{s:s, s:o}", "on", date_format(days[i], d), "counts", light_counts(counts[i])));
	}
	return req_json(r, 200, json_pack("{s:I, s:o}", "year", (json_int_t)year, "items", items));
}

/* ---- search ---- */

/* HTML-escapes text, turning the \x01 \x02 match marks into <mark> tags:
 * the marks are the only markup a snippet carries. */
static void escape_marks(struct buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '\x01': buf_adds(b, "<mark>"); break;
		case '\x02': buf_adds(b, "</mark>"); break;
		case '<': buf_adds(b, "&lt;"); break;
		case '>': buf_adds(b, "&gt;"); break;
		case '&': buf_adds(b, "&amp;"); break;
		case '"': buf_adds(b, "&quot;"); break;
		case '\'': buf_adds(b, "&#39;"); break;
		default: buf_addc(b, *s); break;
		}
	}
}

/* For short queries: about 20 characters either side of the first match. */
static const char *short_snippet(struct arena *a, const char *title, const char *body, const char *q)
{
	const char *text = strstr(title, q) ? title : body;
	const char *hit = strstr(text, q);
	const char *start, *end;
	struct buf b = BUF_INIT(8192);
	char *out;
	int chars;

	if (hit == NULL)
		return arena_strdup(a, "");
	for (start = hit, chars = 0; start > text && chars < 20; start--)
		if (((unsigned char)start[-1] & 0xc0) != 0x80)
			chars++;
	while (start > text && ((unsigned char)*start & 0xc0) == 0x80)
		start--;
	for (end = hit + strlen(q), chars = 0; *end && chars < 20; end++)
		if (((unsigned char)end[1] & 0xc0) != 0x80)
			chars++;
	{
		struct buf raw = BUF_INIT(8192);

		if (start > text)
			buf_adds(&raw, "…");
		buf_add(&raw, start, (size_t)(hit - start));
		buf_addc(&raw, '\x01');
		buf_adds(&raw, q);
		buf_addc(&raw, '\x02');
		buf_add(&raw, hit + strlen(q), (size_t)(end - hit - (ptrdiff_t)strlen(q)));
		if (*end)
			buf_adds(&raw, "…");
		escape_marks(&b, buf_str(&raw));
		buf_release(&raw);
	}
	out = arena_strdup(a, buf_str(&b));
	buf_release(&b);
	return out;
}

int h_search(struct req *r)
{
	static const char *const params[] = { "q", "limit", NULL };
	struct search_hit *hits;
	struct err err = ERR_INIT;
	const char *q = req_query(r, "q");
	long long limit;
	size_t n;
	json_t *items = json_array();

	if (req_only_params(r, params) ||
	    req_param_int(r, "limit", 1, LIM_SEARCH_ITEMS, 20, &limit))
		goto out;
	if (q == NULL || *q == '\0' || !text_utf8_valid(q, strlen(q)) || text_utf8_chars(q) > 100) {
		req_error(r, 400, "invalid_field", "q", "q: the words to find, 1 to 100 characters");
		goto out;
	}
	/* Over-fetch, then drop what this role may not see. */
	if (store_search(r->svc->st, r->svc->org.id, q, (int)limit * 4, &r->a, &hits, &n, &err) != 0) {
		req_fail(r, &err);
		goto out;
	}
	for (size_t i = 0; i < n && json_array_size(items) < (size_t)limit; i++) {
		struct search_hit *h = &hits[i];
		int task_like = strcmp(h->kind, "task") == 0 || strcmp(h->kind, "report") == 0;
		int person = strcmp(h->kind, "person") == 0;
		struct buf sn = BUF_INIT(16384);
		json_t *item;

		if (person ? !auth_can(&r->who, CAN_READ, "person")
			   : task_like ? !auth_task_in_scope(r->svc, &r->who, NULL, h->link_key)
			   : !auth_can(&r->who, CAN_READ, "meeting") || !auth_meeting_visible(r->svc, &r->who, h->meeting_id))
			continue;
		if (h->snippet)
			escape_marks(&sn, h->snippet);
		item = json_pack("{s:s, s:s, s:s, s:s}", "kind", h->kind, "key", h->link_key ? h->link_key : "",
				 "title", h->title ? h->title : "",
				 "snippet", h->snippet ? buf_str(&sn) : short_snippet(&r->a, h->title ? h->title : "",
										   h->body ? h->body : "", q));
		json_object_set_new(item, "link", json_sprintf("/api/v1/%s/%s", person ? "persons" : task_like ? "tasks"
								: "meetings", h->link_key ? h->link_key : ""));
		json_array_append_new(items, item);
		buf_release(&sn);
	}
	req_json(r, 200, json_pack("{s:s, s:O}", "query", q, "items", items));
out:
	json_decref(items);
	return 0;
}

/* ---- audit ---- */

struct audit_page {
	json_t *items;
	int64_t last;
};

static int audit_row(void *ctx, const struct audit_row *a)
{
	struct audit_page *p = ctx;
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:s}", "id", (json_int_t)a->id, "at", a->at, "actor",
			      a->actor, "action", a->action, "entity", a->entity, "row_id", (json_int_t)a->row_id,
			      "hash", a->hash);

	json_object_set_new(o, "before", a->before ? json_loads(a->before, JSON_DECODE_ANY, NULL) : json_null());
	json_object_set_new(o, "after", a->after ? json_loads(a->after, JSON_DECODE_ANY, NULL) : json_null());
	json_object_set_new(o, "nchanges", json_integer(a->nchanges));
	json_array_append_new(p->items, o);
	p->last = a->id;
	return 0;
}

int h_audit(struct req *r)
{
	static const char *const params[] = { "limit", "cursor", NULL };
	struct audit_page p = { json_array(), 0 };
	struct err err = ERR_INIT;
	long long limit;
	int64_t after;

	if (req_only_params(r, params) ||
	    req_param_int(r, "limit", 1, LIM_PAGE_ITEMS, LIM_PAGE_DEFAULT, &limit) || req_cursor(r, &after)) {
		json_decref(p.items);
		return 0;
	}
	if (store_audit_scan(r->svc->st, r->svc->org.id, after, (int)limit, audit_row, &p, &err) != 0) {
		json_decref(p.items);
		return req_fail(r, &err);
	}
	return req_json(r, 200, json_pack("{s:o, s:o}", "items", p.items, "next_cursor",
					  json_array_size(p.items) == (size_t)limit ? json_string(req_cursor_make(r, p.last))
										 : json_null()));
}

int h_audit_verify(struct req *r)
{
	struct audit_report rep;
	struct err err = ERR_INIT;

	if (audit_verify(r->svc, NULL, &rep, &err) != 0)
		return req_fail(r, &err);
	return req_json(r, 200, json_pack("{s:b, s:I, s:I, s:I, s:i, s:s}", "intact", rep.problem[0] == '\0', "entries",
					  (json_int_t)rep.entries, "rows", (json_int_t)rep.rows, "first_bad_id",
					  (json_int_t)rep.first_bad_id, "checkpoints", rep.checkpoints, "problem", rep.problem));
}

/* ---- settings ---- */

int h_settings_get(struct req *r)
{
	json_t *items = json_array();

	for (int i = 0; svc_settings[i].name; i++)
		json_array_append_new(items, json_pack("{s:s, s:i, s:i, s:i, s:i, s:s}", "name", svc_settings[i].name,
						       "value", svc_setting_value(r->svc, i),
						       "default", svc_settings[i].def, "min", svc_settings[i].min,
						       "max", svc_settings[i].max, "help", svc_settings[i].help));
	return req_json(r, 200, json_pack("{s:o}", "items", items));
}

int h_settings_put(struct req *r)
{
	json_t *body = NULL, *v;
	struct err err = ERR_INIT;
	const char *k;

	if (req_body_json(r, &body))
		return 0;
	json_object_foreach(body, k, v) {
		const struct setting_def *d = NULL;

		for (int i = 0; svc_settings[i].name; i++)
			if (strcmp(svc_settings[i].name, k) == 0)
				d = &svc_settings[i];
		if (d == NULL || !json_is_integer(v) || json_integer_value(v) < d->min || json_integer_value(v) > d->max) {
			if (d)
				req_error(r, 400, "invalid_field", k, "%s: expected a whole number in %d..%d", k, d->min, d->max);
			else
				req_error(r, 400, "invalid_field", k, "%s: no such setting", k);
			json_decref(body);
			return 0;
		}
	}
	{
		const char *names[32], *values[32];
		char text[32][24];
		size_t n = 0;

		json_object_foreach(body, k, v) {
			if (n == 32)
				break;
			snprintf(text[n], sizeof(text[n]), "%lld", (long long)json_integer_value(v));
			names[n] = k;
			values[n] = text[n];
			n++;
		}
		if (svc_settings_write(r->svc, names, values, n, &err) != 0)
			goto fail;
	}
	json_decref(body);
	return h_settings_get(r);
fail:
	json_decref(body);
	return req_fail(r, &err);
}

/* ---- orgs ---- */

static void org_problem(void *ctx, const char *path, const char *msg)
{
	struct req *r = ctx;

	if (r->status == 0)
		req_error(r, 400, "invalid_field", path, "%s: %s", path, msg);
}

/* An instance administrator creates an org with its first admin account:
 * {"key"?, "name", "name_en"?, "timezone"?, "utc_offset"?, "admin": {"login", "password"}}. */
int h_org_create(struct req *r)
{
	json_t *body = NULL, *admin, *org = NULL;
	struct err err = ERR_INIT;
	struct buf scratch = BUF_INIT(LIM_BODY_BYTES);
	struct value vals[32];
	unsigned char present[32];
	struct rows rw;
	char key[LIM_KEY_CHARS + 1];

	if (req_body_json(r, &body) != 0)
		return 0;
	admin = json_object_get(body, "admin");
	if (!json_is_object(admin) || !rows_str(admin, "login") || !rows_str(admin, "password")) {
		req_error(r, 400, "invalid_field", "admin", "admin: required: the new org's first admin, {\"login\", \"password\"}");
		goto out;
	}
	org = json_copy(body);
	json_object_del(org, "admin");
	if (!json_object_get(org, "key")) {
		for (int n = 1; n < 100000; n++) {
			struct arena a = ARENA_INIT;
			struct org_row row;

			snprintf(key, sizeof(key), "org-%d", n);
			if (store_org_get(r->svc->st, key, &a, &row, NULL) != 0) {
				arena_release(&a);
				break;
			}
			arena_release(&a);
		}
		json_object_set_new(org, "key", json_string(key));
	}
	memset(&rw, 0, sizeof(rw));
	memset(vals, 0, sizeof(vals));
	rw.offset = 480;
	rw.resolve = NULL;
	rw.problem = org_problem;
	rw.ctx = r;
	rows_check_object(&rw, &model_org, org, "", ROWS_CREATE, 0);
	if (rw.nproblems)
		goto out;
	if (model_org.nfields > 32 || rows_values(&rw, &model_org, org, ROWS_CREATE, vals, present, &scratch) != 0) {
		req_error(r, 413, "too_large", NULL, "the org is too large");
		goto out;
	}
	if (svc_org_create(r->svc, vals, rows_str(admin, "login"), rows_str(admin, "password"), &err) != 0) {
		req_fail(r, &err);
		goto out;
	}
	req_json(r, 201, json_pack("{s:s, s:s, s:{s:s}}", "key", rows_str(org, "key"), "name", rows_str(org, "name"),
				   "admin", "login", rows_str(admin, "login")));
out:
	buf_release(&scratch);
	json_decref(org);
	json_decref(body);
	return 0;
}
