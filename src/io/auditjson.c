/*
 * auditjson.c -- the audit chain in the org document (see auditjson.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auditjson.h"
#include "../core/xalloc.h"
#include "../service/service.h"
#include "../core/banned.h"

struct exp {
	struct svc *svc;
	json_t *list;
	struct err *err;
};

static int export_change(void *ctx, const struct audit_change *c)
{
	json_array_append_new(ctx, json_pack("{s:s, s:s, s:s*, s:s, s:s*, s:s*}", "table", c->tbl, "row", c->row_key,
					     "old_row", c->old_key, "op", c->op, "before", c->before, "after", c->after));
	return 0;
}

static int export_entry(void *ctx, const struct audit_row *r)
{
	struct exp *x = ctx;
	json_t *changes = json_array();

	if (store_audit_changes(x->svc->st, x->svc->org.id, r->id, export_change, changes, x->err) < 0) {
		json_decref(changes);
		return -1;
	}
	json_array_append_new(x->list, json_pack("{s:s, s:s, s:s, s:s, s:I, s:s*, s:s*, s:s, s:s, s:s*, s:o}",
		"at", r->at, "actor", r->actor, "action", r->action, "entity", r->entity, "row_id", (json_int_t)r->row_id,
		"before", r->before, "after", r->after, "prev_hash", r->prev_hash, "hash", r->hash,
		"changes_hash", r->changes_hash, "changes", changes));
	return 0;
}

json_t *auditjson_export(struct svc *svc, struct err *err)
{
	struct exp x = { svc, json_array(), err };

	if (store_audit_scan(svc->st, svc->org.id, 0, 0, export_entry, &x, err) < 0) {
		json_decref(x.list);
		return NULL;
	}
	return x.list;
}

static const char *text(json_t *obj, const char *name)
{
	return json_string_value(json_object_get(obj, name));
}

int auditjson_entry(json_t *obj, struct audit_row *r, struct audit_change **changes, size_t *n, char *problem,
		    size_t size)
{
	static const char *const required[] = { "at", "actor", "action", "entity", "prev_hash", "hash", NULL };
	json_t *list = json_object_get(obj, "changes"), *c;
	size_t i;

	*changes = NULL;
	*n = 0;
	memset(r, 0, sizeof(*r));
	if (!json_is_object(obj))
		return snprintf(problem, size, "expected an audit entry object"), -1;
	for (int k = 0; required[k]; k++)
		if (text(obj, required[k]) == NULL)
			return snprintf(problem, size, "%s: required text", required[k]), -1;
	if (json_object_get(obj, "row_id") && !json_is_integer(json_object_get(obj, "row_id")))
		return snprintf(problem, size, "row_id: expected a whole number"), -1;
	if (list && !json_is_array(list))
		return snprintf(problem, size, "changes: expected a list"), -1;
	r->at = text(obj, "at");
	r->actor = text(obj, "actor");
	r->action = text(obj, "action");
	r->entity = text(obj, "entity");
	r->row_id = json_integer_value(json_object_get(obj, "row_id"));
	r->before = text(obj, "before");
	r->after = text(obj, "after");
	r->prev_hash = text(obj, "prev_hash");
	r->hash = text(obj, "hash");
	r->changes_hash = text(obj, "changes_hash");
	r->nchanges = (int64_t)json_array_size(list);
	*changes = xcalloc(json_array_size(list) ? json_array_size(list) : 1, sizeof(**changes));
	json_array_foreach(list, i, c) {
		struct audit_change *ch = &(*changes)[i];

		if (text(c, "table") == NULL || text(c, "row") == NULL || text(c, "op") == NULL) {
			free(*changes);
			*changes = NULL;
			return snprintf(problem, size, "changes[%zu]: table, row and op are required text", i), -1;
		}
		ch->tbl = text(c, "table");
		ch->row_key = text(c, "row");
		ch->old_key = text(c, "old_row");
		ch->op = text(c, "op");
		ch->before = text(c, "before");
		ch->after = text(c, "after");
	}
	*n = json_array_size(list);
	return 0;
}
