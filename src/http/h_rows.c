/*
 * h_rows.c -- the generic record routes: list, get, create, update and
 * delete for every entity of the data dictionary, and for the records
 * nested in them (a meeting's attendance, a plan's topics...).
 *
 * Records are checked by rows.c exactly as the importer checks them; every
 * write is one transaction with its audit entry; updates and deletes need
 * If-Match with the version read. What the workflow owns (a task's state,
 * its reports, transitions and extensions) is not writable here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "../core/date.h"
#include "../core/limits.h"
#include "../core/text.h"
#include "../core/xalloc.h"
#include "../domain/model.h"
#include "../io/rows.h"
#include "../service/record.h"
#include "../service/tx.h"
#include "../core/banned.h"

/* ---- reading ---- */

static void set_etag(struct req *r, json_t *obj);

struct collect {
	const struct entity *e;
	json_t *items;
	int64_t last_id;
	int with_ids;
};

static int collect_row(void *ctx, const struct row_meta *m, const struct value *vals)
{
	struct collect *c = ctx;
	json_t *obj = rows_to_json(c->e, vals);

	if (c->with_ids)
		json_object_set_new(obj, "id", json_integer(m->id));
	if (m->version)
		json_object_set_new(obj, "version", json_integer(m->version));
	json_array_append_new(c->items, obj);
	c->last_id = m->id;
	return 0;
}

static int collect_link(void *ctx, int64_t owner_id, const char *key)
{
	(void)owner_id;
	json_array_append_new(ctx, json_string(key));
	return 0;
}

/* The JSON of one row (with its link lists, and its nested records when
 * children != 0); NULL with *err when it cannot be read or is gone. */
static json_t *row_json(struct req *r, const struct entity *e, int64_t id, int64_t parent_id, int children,
			struct err *err)
{
	struct row_query q;
	struct collect c = { e, json_array(), 0, e->parent != NULL };
	json_t *obj;

	memset(&q, 0, sizeof(q));
	q.org_id = r->svc->org.id;
	q.id = id;
	q.parent_id = parent_id;
	if (store_rows_view(r->svc->st, e, &q, collect_row, &c, err) != 0) {
		json_decref(c.items);
		return NULL;
	}
	obj = json_incref(json_array_get(c.items, 0));
	json_decref(c.items);
	if (obj == NULL) {
		err_set(err, ST_NOTFOUND, "no such %s", e->name);
		return NULL;
	}
	for (size_t i = 0; i < e->nfields; i++) {
		if (e->fields[i].type != F_REFS)
			continue;
		json_t *keys = json_array();

		if (store_link_keys(r->svc->st, &e->fields[i], r->svc->org.id, id, collect_link, keys, err) != 0) {
			json_decref(keys);
			json_decref(obj);
			return NULL;
		}
		json_object_set_new(obj, e->fields[i].name, keys);
	}
	for (size_t i = 0; children && i < model_nentities; i++) {
		const struct entity *ce = &model_entities[i];
		struct collect cc = { ce, NULL, 0, 1 };

		if (ce->parent == NULL || strcmp(ce->parent, e->name) != 0)
			continue;
		cc.items = json_array();
		memset(&q, 0, sizeof(q));
		q.org_id = r->svc->org.id;
		q.parent_id = id;
		if (store_rows_view(r->svc->st, ce, &q, collect_row, &cc, err) != 0) {
			json_decref(cc.items);
			json_decref(obj);
			return NULL;
		}
		json_object_set_new(obj, ce->list, cc.items);
	}
	return obj;
}

json_t *http_row_json(struct req *r, const struct entity *e, int64_t id, struct err *err)
{
	return row_json(r, e, id, 0, 0, err);
}

void http_set_etag(struct req *r, json_t *obj)
{
	set_etag(r, obj);
}

static void set_etag(struct req *r, json_t *obj)
{
	json_t *v = json_object_get(obj, "version");

	if (json_is_integer(v))
		snprintf(r->etag, sizeof(r->etag), "\"%lld\"", (long long)json_integer_value(v));
}

/* The id of the :key row of the :list entity, or a 404 reply. */
static int find_key(struct req *r, const struct entity *e, const char *key, int64_t *id)
{
	struct err err = ERR_INIT;

	if (e->key_field == NULL || store_key_id(r->svc->st, e, r->svc->org.id, key, id, &err) != 0)
		return err.code == ST_NOTFOUND || e->key_field == NULL
			       ? req_error(r, 404, "not_found", NULL, "no %s \"%s\"", e->name, key)
			       : req_fail(r, &err);
	return 0;
}

/* Scoped roles: a reporter only sees its unit's tasks, an observer only the
 * meetings observed. Replies 403 when the row is out of scope. */
static int in_scope(struct req *r, const struct entity *e, const char *key, int64_t id)
{
	if (strcmp(e->name, "meeting") == 0 && !auth_meeting_visible(r->svc, &r->who, id))
		return req_error(r, 403, "forbidden", NULL, "an observer sees only the meetings observed");
	if (strcmp(e->name, "task") == 0 && !auth_task_visible(r->svc, &r->who, NULL, key))
		return req_error(r, 403, "forbidden", NULL, "a reporter sees only the tasks of the unit");
	return 0;
}

static const char *const page_params[] = { "limit", "cursor", "from", "to", "q", "total", NULL };

static int is_filter_field(const struct field *f)
{
	return f->type == F_REF || f->type == F_ENUM || f->type == F_BOOL || f->type == F_INT || f->type == F_KEY;
}

static const struct field *range_field(const struct entity *e)
{
	for (size_t i = 0; i < e->nfields; i++)
		if (e->fields[i].type == F_DATE || e->fields[i].type == F_DATETIME)
			return &e->fields[i];
	return NULL;
}

struct filters {
	struct req *r;
	const struct entity *e;
	const char *names[32], *values[32];
	int n;
	int bad;
};

static int take_filter(void *ctx, const char *name, const char *value)
{
	struct filters *f = ctx;
	const struct field *fd = model_field(f->e, name);

	for (int i = 0; page_params[i]; i++)
		if (strcmp(page_params[i], name) == 0)
			return 0;
	if (fd == NULL || !is_filter_field(fd) || f->n == 32) {
		req_error(f->r, 400, "invalid_field", name, "%s: not a filter of %s (filters: fields that are keys, "
			  "choices, numbers or yes/no; from and to for dates)", name, f->e->list);
		f->bad = 1;
		return 1;
	}
	if (fd->type == F_BOOL)
		value = strcmp(value, "true") == 0 ? "1" : strcmp(value, "false") == 0 ? "0" : value;
	/* A choice that is not in the list is a typo too (kind=colective). */
	if (fd->type == F_ENUM && fd->values) {
		int i = 0;

		while (fd->values[i] && strcmp(fd->values[i], value) != 0)
			i++;
		if (fd->values[i] == NULL) {
			req_error(f->r, 400, "invalid_field", name, "%s: no choice \"%s\"", name, value);
			f->bad = 1;
			return 1;
		}
	}
	/* A reference to nothing is a typo, not a filter that matches nothing. */
	if (fd->type == F_REF) {
		struct err err = ERR_INIT;
		int64_t id;

		if (store_key_id(f->r->svc->st, model_entity(fd->ref), f->r->svc->org.id, value, &id, &err) != 0) {
			if (err.code == ST_NOTFOUND)
				req_error(f->r, 400, "invalid_field", name, "%s: no %s \"%s\"", name, fd->ref, value);
			else
				req_fail(f->r, &err);
			f->bad = 1;
			return 1;
		}
	}
	f->names[f->n] = name;
	f->values[f->n++] = value;
	return 0;
}

static int list_rows(struct req *r, const struct entity *e, int64_t parent_id)
{
	struct row_query q;
	struct filters f;
	struct collect c = { e, json_array(), 0, e->parent != NULL };
	struct err err = ERR_INIT;
	const struct field *rf = range_field(e);
	long long limit;
	json_t *out;

	memset(&q, 0, sizeof(q));
	memset(&f, 0, sizeof(f));
	f.r = r;
	f.e = e;
	if (req_query_each(r, take_filter, &f) != 0 || req_param_int(r, "limit", 1, LIM_PAGE_ITEMS, LIM_PAGE_DEFAULT, &limit) ||
	    req_cursor(r, &q.after_id)) {
		json_decref(c.items);
		return 0;
	}
	q.org_id = r->svc->org.id;
	q.parent_id = parent_id;
	q.limit = (int)limit;
	q.eq_fields = f.names;
	q.eq_values = f.values;
	q.neq = f.n;
	q.range_field = rf ? rf->name : NULL;
	q.from = req_query(r, "from");
	q.to = req_query(r, "to");
	q.q = req_query(r, "q");
	if (q.q && (text_utf8_chars(q.q) < 1 || text_utf8_chars(q.q) > LIM_QUERY_CHARS)) {
		json_decref(c.items);
		return req_error(r, 400, "invalid_field", "q", "q: the words to find, 1 to %d characters", LIM_QUERY_CHARS);
	}
	if (strcmp(e->name, "meeting") == 0 && r->who.role == ROLE_OBSERVER)
		q.observer_person_id = r->who.user.person_id ? r->who.user.person_id : -1;
	if (store_rows_view(r->svc->st, e, &q, collect_row, &c, &err) != 0) {
		json_decref(c.items);
		return req_fail(r, &err);
	}
	out = json_pack("{s:o}", "items", c.items);
	json_object_set_new(out, "next_cursor", (int)json_array_size(c.items) == q.limit
						? json_string(req_cursor_make(r, c.last_id)) : json_null());
	/* total=1: how many the whole list holds, for a pager ("1-50 of 5,000") */
	if (req_query(r, "total")) {
		long long total = 0;

		if (store_rows_count(r->svc->st, e, &q, &total, &err) != 0) {
			json_decref(out);
			return req_fail(r, &err);
		}
		json_object_set_new(out, "total", json_integer(total));
	}
	return req_json(r, 200, out);
}

int h_rows_list(struct req *r)
{
	return list_rows(r, http_list_entity(r->params[0]), 0);
}

int h_rows_get(struct req *r)
{
	const struct entity *e = http_list_entity(r->params[0]);
	struct err err = ERR_INIT;
	int64_t id;
	json_t *obj;

	if (find_key(r, e, r->params[1], &id))
		return 0;
	obj = row_json(r, e, id, 0, 1, &err);
	if (obj == NULL)
		return req_fail(r, &err);
	set_etag(r, obj);
	return req_json(r, 200, obj);
}

int h_children_list(struct req *r)
{
	const struct entity *e = http_list_entity(r->params[0]);
	const struct entity *ce = http_child_entity(e, r->params[2]);
	int64_t id;

	if (find_key(r, e, r->params[1], &id))
		return 0;
	return list_rows(r, ce, id);
}

/* ---- writing ---- */

struct api_check {
	struct req *r;
	struct rows *rw;        /* whose `why` names the reason of a problem */
	json_t *problems;
	json_t *pending;        /* entity name -> {key: true}: rows the same request creates */
};

static int api_resolve(void *ctx, const struct entity *e, const char *key, int64_t *id)
{
	struct api_check *c = ctx;

	if (store_key_id(c->r->svc->st, e, c->r->svc->org.id, key, id, NULL) == 0)
		return 0;
	if (c->pending && json_object_get(json_object_get(c->pending, e->name), key)) {
		*id = 0;              /* written earlier in the same request */
		return 0;
	}
	return -1;
}

static void api_problem(void *ctx, const char *path, const char *msg)
{
	struct api_check *c = ctx;

	if (json_array_size(c->problems) < LIM_ERRORS_SHOWN)
		json_array_append_new(c->problems, req_problem(path, msg, c->rw ? &c->rw->why : NULL));
}

static void rows_init(struct rows *rw, struct api_check *c, struct req *r)
{
	memset(rw, 0, sizeof(*rw));
	c->r = r;
	c->rw = rw;
	c->problems = json_array();
	rw->offset = r->svc->org.utc_offset;
	rw->resolve = api_resolve;
	rw->problem = api_problem;
	rw->ctx = c;
}

/* Replies 400 (or 422 for unknown references) listing every problem. */
static int reply_problems(struct req *r, struct api_check *c)
{
	json_t *first = json_array_get(c->problems, 0);
	const char *msg = json_string_value(json_object_get(first, "message"));
	int status = msg && strncmp(msg, "no ", 3) == 0 ? 422 : 400;
	json_t *body = json_pack("{s:{s:s, s:s, s:s, s:O}}", "error", "code", status == 422 ? "unknown_reference" : "invalid_field",
				 "message", msg ? msg : "invalid", "field",
				 json_string_value(json_object_get(first, "field")), "problems", c->problems);

	json_decref(c->problems);
	c->problems = NULL;
	req_json(r, status, body);
	return -1;
}

/* Fields the API never takes from a body: the workflow owns a task's state,
 * passwords have their own route. */
static int forbidden_fields(struct req *r, const struct entity *e, json_t *body)
{
	if (strcmp(e->name, "task") == 0 && json_object_get(body, "state"))
		return req_error(r, 400, "invalid_field", "state",
				 "state: a task moves only through its workflow actions (dispatch, acknowledge, ...)");
	if (strcmp(e->name, "user") == 0 && json_object_get(body, "password_hash"))
		return req_error(r, 400, "invalid_field", "password_hash",
				 "password_hash: set a password with POST /api/v1/users/{login}/password");
	return 0;
}

/* The F_REFS lists in body as ids, for the record service. Keys were
 * checked by rows_check_object(); *ids is freed by the caller. */
static size_t body_links(struct req *r, const struct entity *e, json_t *body, struct record_links *links,
			 int64_t **ids)
{
	size_t nlinks = 0, total = 0;

	*ids = NULL;
	for (size_t i = 0; i < e->nfields; i++)
		if (e->fields[i].type == F_REFS && json_is_array(json_object_get(body, e->fields[i].name)))
			total += json_array_size(json_object_get(body, e->fields[i].name));
	*ids = xcalloc(total ? total : 1, sizeof(**ids));
	total = 0;
	for (size_t i = 0; i < e->nfields && nlinks < 8; i++) {
		const struct field *f = &e->fields[i];
		json_t *list = json_object_get(body, f->name), *item;
		size_t k;

		if (f->type != F_REFS || !json_is_array(list))
			continue;
		links[nlinks].f = f;
		links[nlinks].ids = *ids + total;
		links[nlinks].n = 0;
		json_array_foreach(list, k, item) {
			if (store_key_id(r->svc->st, model_entity(f->ref), r->svc->org.id, json_string_value(item),
					 &(*ids)[total], NULL) == 0) {
				total++;
				links[nlinks].n++;
			}
		}
		nlinks++;
	}
	return nlinks;
}

static int give_key(struct req *r, const struct entity *e, json_t *body);

static void pending_add(struct api_check *c, const char *entity, const char *key)
{
	json_t *set = json_object_get(c->pending, entity);

	if (set == NULL) {
		set = json_object();
		json_object_set_new(c->pending, entity, set);
	}
	json_object_set_new(set, key, json_true());
}

static int has_children_in(const struct entity *e, json_t *body)
{
	for (size_t i = 0; i < model_nentities; i++)
		if (model_entities[i].parent && strcmp(model_entities[i].parent, e->name) == 0 &&
		    json_object_get(body, model_entities[i].list))
			return 1;
	return 0;
}

/* Checks and writes one row (no reply): the values are converted at write
 * time, so references to rows written before in the same request resolve. */
static int write_one(struct req *r, struct rows *rw, const struct entity *e, int64_t parent_id, json_t *obj,
		     int64_t *id, struct err *err)
{
	struct buf scratch = BUF_INIT(LIM_BODY_BYTES * 2);
	struct value *vals = xcalloc(e->nfields, sizeof(*vals));
	unsigned char *present = xcalloc(e->nfields, 1);
	struct record_links links[8];
	struct record rec;
	int64_t *ids = NULL;
	int rc = -1;

	if (rows_values(rw, e, obj, ROWS_CREATE, vals, present, &scratch) != 0) {
		err_set(err, ST_TOOBIG, "the record is too large");
		goto out;
	}
	memset(&rec, 0, sizeof(rec));
	rec.e = e;
	rec.parent_id = parent_id;
	rec.vals = vals;
	rec.present = present;
	rec.links = links;
	rec.nlinks = body_links(r, e, obj, links, &ids);
	rc = record_create(r->svc, &rec, id, err);
out:
	free(ids);
	free(vals);
	free(present);
	buf_release(&scratch);
	return rc;
}

/* A record with its nested records in one request (a meeting with its
 * materials, attendance, speeches and decisions): all checked first, every
 * problem named by its JSON path, then written in one write or not at all. */
static int create_tree(struct req *r, const struct entity *e, int64_t parent_id, json_t *body)
{
	struct rows rw;
	struct api_check c = { NULL, NULL, NULL, NULL };
	struct err err = ERR_INIT;
	char path[ROWS_PATH_MAX];
	json_t *obj = NULL;
	int64_t id = 0;
	int w, nested = has_children_in(e, body);

	rows_init(&rw, &c, r);
	c.pending = json_object();
	/* Nested records without a key get one from their parent's ("m-2026-05-20-s2"). */
	for (size_t i = 0; i < model_nentities; i++) {
		const struct entity *ce = &model_entities[i];
		json_t *list = json_object_get(body, ce->list), *item;
		char key[LIM_KEY_CHARS + 1];
		size_t k;
		int64_t unused;

		if (ce->parent == NULL || strcmp(ce->parent, e->name) != 0 || !json_is_array(list) || !ce->key_field ||
		    !rows_str(body, e->key_field))
			continue;
		json_array_foreach(list, k, item) {
			if (!json_is_object(item) || json_object_get(item, ce->key_field))
				continue;
			for (int n = 0; n < 100; n++) {
				snprintf(key, sizeof(key), n ? "%.40s-%s%zu-%d" : "%.40s-%s%zu", rows_str(body, e->key_field),
					 record_key_prefix(ce), k + 1, n + 1);
				if (store_key_id(r->svc->st, ce, r->svc->org.id, key, &unused, NULL) != 0 &&
				    !json_object_get(json_object_get(c.pending, ce->name), key))
					break;
			}
			json_object_set_new(item, ce->key_field, json_string(key));
		}
	}
	/* Keys the children bring can be referred to by later children. */
	for (size_t i = 0; i < model_nentities; i++) {
		const struct entity *ce = &model_entities[i];
		json_t *list = json_object_get(body, ce->list), *item;
		size_t k;

		if (ce->parent == NULL || strcmp(ce->parent, e->name) != 0 || !json_is_array(list) || !ce->key_field)
			continue;
		json_array_foreach(list, k, item)
			if (rows_str(item, ce->key_field))
				pending_add(&c, ce->name, rows_str(item, ce->key_field));
	}
	rows_check_object(&rw, e, body, "", ROWS_CREATE, 1);
	for (size_t i = 0; i < model_nentities; i++) {
		const struct entity *ce = &model_entities[i];
		json_t *list = json_object_get(body, ce->list), *item;
		size_t k;

		if (ce->parent == NULL || strcmp(ce->parent, e->name) != 0 || list == NULL)
			continue;
		if (!json_is_array(list) || json_array_size(list) > LIM_LIST_ITEMS) {
			rows_problem(&rw, ce->list, "expected a list of at most %d %s records", LIM_LIST_ITEMS, ce->name);
			continue;
		}
		json_array_foreach(list, k, item) {
			snprintf(path, sizeof(path), "%s[%zu]", ce->list, k);
			if (!json_is_object(item)) {
				rows_problem(&rw, path, "expected a %s record", ce->name);
				continue;
			}
			rows_check_object(&rw, ce, item, path, ROWS_CREATE, 0);
		}
	}
	if (rw.nproblems) {
		reply_problems(r, &c);
		goto out;
	}
	if (svc_tx_begin(r->svc, &err) != 0) {
		req_fail(r, &err);
		goto out;
	}
	{
		json_t *top = json_copy(body);

		for (size_t i = 0; i < model_nentities; i++)
			if (model_entities[i].parent && strcmp(model_entities[i].parent, e->name) == 0)
				json_object_del(top, model_entities[i].list);
		w = write_one(r, &rw, e, parent_id, top, &id, &err);
		json_decref(top);
	}
	for (size_t i = 0; w == 0 && i < model_nentities; i++) {
		const struct entity *ce = &model_entities[i];
		json_t *list = json_object_get(body, ce->list), *item;
		size_t k;
		int64_t cid;

		if (ce->parent == NULL || strcmp(ce->parent, e->name) != 0 || list == NULL)
			continue;
		json_array_foreach(list, k, item) {
			if (w == 0)
				w = write_one(r, &rw, ce, id, item, &cid, &err);
			if (w != 0 && err.field[0] && strchr(err.field, '[') == NULL) {
				char field[sizeof(err.field)];

				snprintf(field, sizeof(field), "%s", err.field);
				snprintf(err.field, sizeof(err.field), "%.20s[%zu].%.40s", ce->list, k, field);
			}
			if (w != 0)
				break;
		}
	}
	if (svc_tx_end(r->svc, w, "create", e->name, id, NULL, NULL, &err) != 0) {
		if (r->status == 0)
			req_fail(r, &err);
		goto out;
	}
	obj = row_json(r, e, id, 0, nested, &err);
	if (obj == NULL) {
		req_fail(r, &err);
		goto out;
	}
	set_etag(r, obj);
	if (e->key_field && e->parent == NULL)
		snprintf(r->location, sizeof(r->location), "/api/v1/%s/%s", e->list, rows_str(body, e->key_field));
	req_json(r, 201, obj);
out:
	if (c.problems)
		json_decref(c.problems);
	json_decref(c.pending);
	json_decref(body);
	return 0;
}


/* A record sent without its key gets a readable one from the server (a
 * meeting's from its date): people never have to invent identifiers. */
static int give_key(struct req *r, const struct entity *e, json_t *body)
{
	const char *start = rows_str(body, "starts_at");
	char key[LIM_KEY_CHARS + 1], day[11] = "";
	struct err err = ERR_INIT;

	if (e->key_field == NULL || strcmp(e->key_field, "key") != 0 || json_object_get(body, "key"))
		return 0;
	if (start && strlen(start) >= 10 && start[4] == '-' && start[7] == '-')
		snprintf(day, sizeof(day), "%.10s", start);
	if (record_new_key(r->svc, e, day[0] ? day : NULL, key, sizeof(key), &err) != 0)
		return req_fail(r, &err);
	json_object_set_new(body, "key", json_string(key));
	return 0;
}

static int create_row(struct req *r, const struct entity *e, int64_t parent_id)
{
	json_t *body = NULL;

	if (req_body_json(r, &body) != 0)
		return 0;
	if (forbidden_fields(r, e, body) != 0 || give_key(r, e, body) != 0) {
		json_decref(body);
		return 0;
	}
	return create_tree(r, e, parent_id, body);
}

int h_rows_create(struct req *r)
{
	const struct entity *e = http_list_entity(r->params[0]);

	if (req_need(r, CAN_WRITE, e->name) != 0)
		return 0;
	return create_row(r, e, 0);
}

int h_children_create(struct req *r)
{
	const struct entity *e = http_list_entity(r->params[0]);
	const struct entity *ce = http_child_entity(e, r->params[2]);
	int64_t id;

	if (req_need(r, CAN_WRITE, ce->name) || find_key(r, e, r->params[1], &id))
		return 0;
	return create_row(r, ce, id);
}

/* An observer's feedback note on a meeting observed: the date and the author
 * are the server's, the text the caller's. Append-only, like progress. */
int h_feedback_create(struct req *r)
{
	const struct entity *e = model_entity("meeting"), *fe = model_entity("feedback");
	json_t *body = NULL;
	char today[DATE_LEN], by[LIM_KEY_CHARS + 8];
	int64_t id;

	if (req_need(r, CAN_WRITE, "feedback") || find_key(r, e, r->params[0], &id) ||
	    in_scope(r, e, r->params[0], id) || req_body_json(r, &body) != 0)
		return 0;
	for (const char *const *f = (const char *const[]){ "written_on", "filed_by", "illustrative", NULL }; *f; f++) {
		if (json_object_get(body, *f)) {
			json_decref(body);
			return req_error(r, 400, "invalid_field", *f, "%s: set by the server", *f);
		}
	}
	snprintf(by, sizeof(by), "user:%s", r->who.user.login);
	json_object_set_new(body, "written_on", json_string(date_format(r->svc->today, today)));
	json_object_set_new(body, "filed_by", json_string(by));
	return create_tree(r, fe, id, body);
}

/* Merges the patch over the current record and checks the result whole, so
 * that rules across fields see the values that will be stored. */
static int update_row(struct req *r, const struct entity *e, int64_t id, int64_t parent_id)
{
	struct rows rw;
	struct api_check c = { NULL, NULL, NULL, NULL };
	struct err err = ERR_INIT;
	struct buf scratch = BUF_INIT(LIM_BODY_BYTES * 2);
	struct value *vals = NULL;
	unsigned char *present = NULL;
	json_t *body = NULL, *before = NULL, *merged = NULL, *obj = NULL;
	struct record_links links[8];
	struct record rec;
	int64_t *ids = NULL;
	int64_t version;
	const char *k;
	json_t *v;

	if (req_if_match(r, &version) || req_body_json(r, &body) || forbidden_fields(r, e, body))
		goto out;
	before = row_json(r, e, id, parent_id, 0, &err);
	if (before == NULL) {
		req_fail(r, &err);
		goto out;
	}
	if (e->key_field && json_object_get(body, e->key_field) &&
	    !json_equal(json_object_get(body, e->key_field), json_object_get(before, e->key_field))) {
		req_error(r, 400, "invalid_field", e->key_field, "%s: a record's key cannot change", e->key_field);
		goto out;
	}
	merged = json_deep_copy(before);
	json_object_del(merged, "version");
	json_object_del(merged, "id");
	json_object_foreach(body, k, v)
		json_object_set(merged, k, v);
	rows_init(&rw, &c, r);
	/* Unknown fields are judged on the patch itself, the rest on the result. */
	rows_check_object(&rw, e, body, "", ROWS_UPDATE, 0);
	if (rw.nproblems == 0)
		rows_check_object(&rw, e, merged, "", ROWS_CREATE, 0);
	if (rw.nproblems) {
		reply_problems(r, &c);
		goto out;
	}
	vals = xcalloc(e->nfields, sizeof(*vals));
	present = xcalloc(e->nfields, 1);
	if (rows_values(&rw, e, body, ROWS_UPDATE, vals, present, &scratch) != 0) {
		req_error(r, 413, "too_large", NULL, "the record is too large");
		goto out;
	}
	memset(&rec, 0, sizeof(rec));
	rec.e = e;
	rec.parent_id = parent_id;
	rec.vals = vals;
	rec.present = present;
	rec.links = links;
	rec.nlinks = body_links(r, e, body, links, &ids);
	if (record_update(r->svc, &rec, id, version, &err) != 0) {
		req_fail(r, &err);
		goto out;
	}
	obj = row_json(r, e, id, parent_id, 0, &err);
	if (obj == NULL) {
		req_fail(r, &err);
		goto out;
	}
	set_etag(r, obj);
	req_json(r, 200, obj);
out:
	if (c.problems)
		json_decref(c.problems);
	free(ids);
	free(vals);
	free(present);
	buf_release(&scratch);
	json_decref(body);
	json_decref(before);
	json_decref(merged);
	return 0;
}

int h_rows_update(struct req *r)
{
	const struct entity *e = http_list_entity(r->params[0]);
	int64_t id;

	if (req_need(r, CAN_WRITE, e->name) || find_key(r, e, r->params[1], &id))
		return 0;
	return update_row(r, e, id, 0);
}

static int child_id(struct req *r, int64_t *out)
{
	long long v;

	if (parse_int(r->params[3], 1, INT64_MAX, &v, "id", NULL) != 0)
		return req_error(r, 404, "not_found", NULL, "no record %s", r->params[3]);
	*out = v;
	return 0;
}

int h_child_update(struct req *r)
{
	const struct entity *e = http_list_entity(r->params[0]);
	const struct entity *ce = http_child_entity(e, r->params[2]);
	int64_t pid, id;

	if (req_need(r, CAN_WRITE, ce->name) || find_key(r, e, r->params[1], &pid) || child_id(r, &id))
		return 0;
	return update_row(r, ce, id, pid);
}

/* Deleting: the version, the place and the domain's rules are checked by
 * the record service inside its transaction. */
static int delete_row(struct req *r, const struct entity *e, int64_t id, int64_t parent_id)
{
	struct err err = ERR_INIT;
	int64_t version;

	if (req_if_match(r, &version) != 0)
		return 0;
	if (record_delete(r->svc, e, id, parent_id, version, &err) != 0)
		return req_fail(r, &err);
	return req_json(r, 200, json_pack("{s:b}", "deleted", 1));
}

int h_rows_delete(struct req *r)
{
	const struct entity *e = http_list_entity(r->params[0]);
	int64_t id;

	if (req_need(r, CAN_WRITE, e->name) || find_key(r, e, r->params[1], &id))
		return 0;
	return delete_row(r, e, id, 0);
}

int h_child_delete(struct req *r)
{
	const struct entity *e = http_list_entity(r->params[0]);
	const struct entity *ce = http_child_entity(e, r->params[2]);
	int64_t pid, id;

	if (req_need(r, CAN_WRITE, ce->name) || find_key(r, e, r->params[1], &pid) || child_id(r, &id))
		return 0;
	return delete_row(r, ce, id, pid);
}
