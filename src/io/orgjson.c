/*
 * orgjson.c -- import and export of a whole org as one JSON document
 * (see orgjson.h), driven by the data dictionary.
 *
 * Import walks the document three times with the same walker: pass A
 * collects every key, pass B checks every field and row (so references may
 * point anywhere in the document), pass C writes, in one transaction, only
 * when pass B found nothing. Export scans each entity once, builds the
 * objects, then turns reference ids into keys.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "orgjson.h"
#include "rows.h"
#include "../core/buf.h"
#include "../core/date.h"
#include "../core/jsonlim.h"
#include "../core/limits.h"
#include "../core/text.h"
#include "../core/xalloc.h"
#include "../domain/model.h"
#include "auditjson.h"
#include "../service/audit.h"
#include "../service/record.h"
#include "../service/tx.h"
#include "../service/service.h"
#include "../store/store.h"
#include "../core/banned.h"

/* JSON paths in messages are cut at PATH_MAX_LEN on purpose. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

#define FORMAT_NAME "plenum/1"
#define PATH_MAX_LEN 256
#define MAX_ENTITIES 32

enum pass { PASS_KEYS, PASS_CHECK, PASS_WRITE };

struct deferred {
	const struct entity *e;
	const struct field *f;
	int64_t row_id;
	char *key;
};

struct leader {
	long group_ord;
	int32_t from, to;
	char path[PATH_MAX_LEN];
};

struct imp {
	struct rows rows;                  /* record checks, reporting through on_problem */
	struct svc *svc;
	struct import_report *rep;
	enum pass pass;
	long ordinal;
	json_t *keys[MAX_ENTITIES + 1];    /* key -> parent ordinal (A, B) or id (C) */
	json_t *seen;                      /* uniqueness of row-level pairs */
	json_t *parents[MAX_ENTITIES + 1]; /* self references: key -> parent key */
	struct deferred *deferred;
	size_t ndeferred, capdeferred;
	struct leader *leaders;
	size_t nleaders, capleaders;
	int offset;                        /* org's UTC offset for bare datetimes */
	int failed;                        /* pass C: a write failed */
	int replace;                       /* an org with the same key may be replaced */
	struct err *err;
};

static int entity_index(const struct entity *e)
{
	if (e == &model_org)
		return MAX_ENTITIES;
	return (int)(e - model_entities);
}

static void problem(struct imp *im, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void problem(struct imp *im, const char *path, const char *fmt, ...)
{
	va_list ap;
	char msg[512];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rows_problem(&im->rows, path, "%s", msg);
}

/* rows.c reports here: one line per problem, up to the limit. */
static void on_problem(void *ctx, const char *path, const char *msg)
{
	struct imp *im = ctx;

	im->rep->nproblems++;
	if (im->rep->problems == NULL || im->rep->nproblems > LIM_ERRORS_SHOWN)
		return;
	buf_printf(im->rep->problems, "%s%s%s\n", path, *path ? ": " : "", msg);
}

/* Keys resolve inside the document: while checking, any key the document
 * holds; while writing, the id of the row already written. */
static int resolve(void *ctx, const struct entity *e, const char *key, int64_t *id)
{
	struct imp *im = ctx;
	json_t *v = json_object_get(im->keys[entity_index(e)], key);

	if (v == NULL)
		return -1;
	*id = im->pass == PASS_WRITE ? json_integer_value(v) : 0;
	return 0;
}

#define path_join rows_path
#define str rows_str

static int32_t get_date(json_t *obj, const char *name)
{
	json_t *v = json_object_get(obj, name);
	int32_t d;

	if (json_is_string(v) && date_parse(json_string_value(v), &d) == 0)
		return d;
	return DATE_NONE;
}

/* Each pair (scope, value) may occur once: "ord:person" etc. */
static int seen_before(struct imp *im, const char *what)
{
	if (json_object_get(im->seen, what))
		return 1;
	json_object_set_new(im->seen, what, json_true());
	return 0;
}

/* The rules that need the whole document: a decision's speech is of the
 * same meeting, a person attends a meeting once, a group has one plan a
 * year, and leaders do not overlap (collected for check_leaders). */
static void check_document_rules(struct imp *im, const struct entity *e, json_t *obj, const char *path,
				 long parent_ord)
{
	char p[PATH_MAX_LEN], scope[PATH_MAX_LEN];
	const char *name = e->name;

	if (strcmp(name, "decision") == 0 && str(obj, "speech")) {
		json_t *owner = json_object_get(im->keys[entity_index(model_entity("speech"))], str(obj, "speech"));

		if (owner && json_integer_value(owner) != parent_ord)
			problem(im, path_join(p, path, "speech"), "speech \"%s\" belongs to another meeting", str(obj, "speech"));
	} else if (strcmp(name, "attendance") == 0 && str(obj, "person")) {
		snprintf(scope, sizeof(scope), "att:%ld:%s", parent_ord, str(obj, "person"));
		if (seen_before(im, scope))
			problem(im, path_join(p, path, "person"), "\"%s\" is listed twice in this meeting", str(obj, "person"));
	} else if (strcmp(name, "plan") == 0 && str(obj, "group") && json_is_integer(json_object_get(obj, "year"))) {
		snprintf(scope, sizeof(scope), "plan:%s:%lld", str(obj, "group"),
			 (long long)json_integer_value(json_object_get(obj, "year")));
		if (seen_before(im, scope))
			problem(im, path_join(p, path, "year"), "group \"%s\" already has a plan for this year", str(obj, "group"));
	} else if (strcmp(name, "membership") == 0 && str(obj, "role") && strcmp(str(obj, "role"), "leader") == 0) {
		struct leader *l;

		if (im->nleaders == im->capleaders) {
			im->capleaders = im->capleaders ? im->capleaders * 2 : 8;
			im->leaders = xreallocarray(im->leaders, im->capleaders, sizeof(*im->leaders));
		}
		l = &im->leaders[im->nleaders++];
		l->group_ord = parent_ord;
		l->from = get_date(obj, "from_on");
		l->to = get_date(obj, "to_on");
		snprintf(l->path, sizeof(l->path), "%s", path);
	}
}

/* A group has exactly one leader at any time: leader memberships of one
 * group must not overlap. */
static void check_leaders(struct imp *im)
{
	char p[PATH_MAX_LEN];

	for (size_t i = 0; i < im->nleaders; i++) {
		for (size_t k = 0; k < i; k++) {
			struct leader *a = &im->leaders[k], *b = &im->leaders[i];
			int32_t af = a->from == DATE_NONE ? INT32_MIN : a->from;
			int32_t at = a->to == DATE_NONE ? INT32_MAX : a->to;
			int32_t bf = b->from == DATE_NONE ? INT32_MIN : b->from;
			int32_t bt = b->to == DATE_NONE ? INT32_MAX : b->to;

			if (a->group_ord == b->group_ord && af <= bt && bf <= at)
				problem(im, path_join(p, b->path, "role"),
					"a group has one leader at a time, and %s already is leader then", a->path);
		}
	}
}

/* Self references (initiative.parent, unit.parent) must not loop. */
static void check_cycles(struct imp *im)
{
	for (int ei = 0; ei < (int)model_nentities; ei++) {
		json_t *parents = im->parents[ei];
		const char *key;
		json_t *v;

		if (parents == NULL)
			continue;
		json_object_foreach(parents, key, v) {
			const char *cur = json_string_value(v);
			size_t steps = 0, limit = json_object_size(parents) + 1;

			while (cur && steps++ <= limit) {
				json_t *up;

				if (strcmp(cur, key) == 0) {
					problem(im, model_entities[ei].list, "%s \"%s\" is its own ancestor",
						model_entities[ei].name, key);
					break;
				}
				up = json_object_get(parents, cur);
				cur = up ? json_string_value(up) : NULL;
			}
		}
	}
}

/* ---- pass C: writing ---- */

/* The F_REFS lists of obj as ids of rows written before (keys checked in
 * pass B); *ids is the caller's to free. */
static size_t import_links(struct imp *im, const struct entity *e, json_t *obj, struct record_links *links,
			   int64_t **ids)
{
	size_t nlinks = 0, total = 0;

	for (size_t i = 0; i < e->nfields; i++)
		if (e->fields[i].type == F_REFS && json_is_array(json_object_get(obj, e->fields[i].name)))
			total += json_array_size(json_object_get(obj, e->fields[i].name));
	*ids = xcalloc(total ? total : 1, sizeof(**ids));
	total = 0;
	for (size_t i = 0; i < e->nfields; i++) {
		const struct field *f = &e->fields[i];
		json_t *list = json_object_get(obj, f->name), *item;
		size_t k;

		if (f->type != F_REFS || !json_is_array(list))
			continue;
		links[nlinks].f = f;
		links[nlinks].ids = *ids + total;
		links[nlinks].n = json_array_size(list);
		json_array_foreach(list, k, item)
			(*ids)[total++] = json_integer_value(json_object_get(im->keys[entity_index(model_entity(f->ref))],
									     json_string_value(item)));
		nlinks++;
	}
	return nlinks;
}

static int write_row(struct imp *im, const struct entity *e, json_t *obj, int64_t parent_id,
		     int64_t *id)
{
	struct value *vals = xcalloc(e->nfields, sizeof(*vals));
	unsigned char *present = xcalloc(e->nfields, 1);
	struct buf scratch = BUF_INIT(LIM_IMPORT_BYTES);
	struct record_links *links = NULL;
	struct record rec;
	int64_t *ids = NULL;
	size_t nlinks;
	int rc = -1;

	for (size_t i = 0; i < e->nfields; i++) {
		const struct field *f = &e->fields[i];
		json_t *v = json_object_get(obj, f->name);

		if (f->type == F_REF && strcmp(f->ref, e->name) == 0 && json_is_string(v)) {
			if (im->ndeferred == im->capdeferred) {
				im->capdeferred = im->capdeferred ? im->capdeferred * 2 : 16;
				im->deferred = xreallocarray(im->deferred, im->capdeferred, sizeof(*im->deferred));
			}
			im->deferred[im->ndeferred].e = e;
			im->deferred[im->ndeferred].f = f;
			im->deferred[im->ndeferred].key = xstrdup(json_string_value(v));
			im->deferred[im->ndeferred++].row_id = 0;
		}
	}
	if (rows_values(&im->rows, e, obj, ROWS_CREATE, vals, present, &scratch) != 0) {
		err_set(im->err, ST_TOOBIG, "a %s row is too large", e->name);
		goto out;
	}
	/* Self references are set once every row of the entity is written. */
	for (size_t i = 0; i < e->nfields; i++)
		if (e->fields[i].type == F_REF && strcmp(e->fields[i].ref, e->name) == 0)
			vals[i].kind = V_NULL;
	links = xcalloc(e->nfields ? e->nfields : 1, sizeof(*links));
	nlinks = import_links(im, e, obj, links, &ids);
	memset(&rec, 0, sizeof(rec));
	rec.e = e;
	rec.parent_id = parent_id;
	rec.vals = vals;
	rec.links = links;
	rec.nlinks = nlinks;
	rec.historical = 1;      /* the record as its source gives it; the check reports what is missing */
	if (record_create(im->svc, &rec, id, im->err) != 0)
		goto out;
	for (size_t k = 0; k < im->ndeferred; k++)
		if (im->deferred[k].row_id == 0 && im->deferred[k].e == e)
			im->deferred[k].row_id = *id;
	if (e->key_field)
		json_object_set_new(im->keys[entity_index(e)], str(obj, e->key_field), json_integer(*id));
	im->rep->rows++;
	rc = 0;
out:
	free(ids);
	free(links);
	buf_release(&scratch);
	free(present);
	free(vals);
	return rc;
}

/* ---- the walker ---- */

static void visit_row(struct imp *im, const struct entity *e, json_t *obj, const char *path,
		      int64_t parent_id, long parent_ord, int64_t *id)
{
	char p[PATH_MAX_LEN];

	*id = 0;
	switch (im->pass) {
	case PASS_KEYS:
		if (e->key_field) {
			const char *key = str(obj, e->key_field);
			json_t *keys = im->keys[entity_index(e)];

			if (key == NULL)
				break;    /* pass B reports it */
			if (json_object_get(keys, key))
				problem(im, path_join(p, path, e->key_field), "duplicate %s key \"%s\"", e->name, key);
			else
				json_object_set_new(keys, key, json_integer(parent_ord));
		}
		break;
	case PASS_CHECK:
		rows_check_object(&im->rows, e, obj, path, ROWS_CREATE, 1);
		for (size_t i = 0; i < e->nfields; i++) {
			const struct field *f = &e->fields[i];

			if (f->type == F_REF && strcmp(f->ref, e->name) == 0 && str(obj, f->name) && e->key_field &&
			    str(obj, e->key_field)) {
				int ei = entity_index(e);

				if (im->parents[ei] == NULL)
					im->parents[ei] = json_object();
				json_object_set_new(im->parents[ei], str(obj, e->key_field), json_string(str(obj, f->name)));
			}
		}
		check_document_rules(im, e, obj, path, parent_ord);
		break;
	case PASS_WRITE:
		if (!im->failed && write_row(im, e, obj, parent_id, id) != 0)
			im->failed = 1;
		break;
	}
}

static void walk_list(struct imp *im, const struct entity *e, json_t *list, const char *path,
		      int64_t parent_id, long parent_ord)
{
	char p[PATH_MAX_LEN], cp[PATH_MAX_LEN];
	size_t i;
	json_t *obj;

	if (!json_is_array(list)) {
		if (im->pass == PASS_CHECK)
			problem(im, path, "expected a list of %s records", e->name);
		return;
	}
	json_array_foreach(list, i, obj) {
		long ord = ++im->ordinal;
		int64_t id = 0;

		snprintf(p, sizeof(p), "%s[%zu]", path, i);
		if (!json_is_object(obj)) {
			if (im->pass == PASS_CHECK)
				problem(im, p, "expected a %s record (an object)", e->name);
			continue;
		}
		visit_row(im, e, obj, p, parent_id, parent_ord, &id);
		for (size_t c = 0; c < model_nentities; c++) {
			const struct entity *ce = &model_entities[c];
			json_t *cl;

			if (ce->parent == NULL || strcmp(ce->parent, e->name) != 0)
				continue;
			cl = json_object_get(obj, ce->list);
			if (cl)
				walk_list(im, ce, cl, path_join(cp, p, ce->list), id, ord);
		}
	}
}

static void walk(struct imp *im, json_t *doc)
{
	im->ordinal = 0;
	for (size_t i = 0; i < model_nentities && !im->failed; i++) {
		const struct entity *e = &model_entities[i];
		json_t *list;

		if (e->parent)
			continue;
		list = json_object_get(doc, e->list);
		if (list)
			walk_list(im, e, list, e->list, 0, 0);
	}
}

static void check_top(struct imp *im, json_t *doc)
{
	const char *k;
	json_t *v, *org = json_object_get(doc, "org"), *settings;
	struct err local = ERR_INIT;
	struct org_row existing;
	struct arena a = ARENA_INIT;
	char p[PATH_MAX_LEN];
	int64_t id;

	json_object_foreach(doc, k, v) {
		int known = strcmp(k, "format") == 0 || strcmp(k, "org") == 0 || strcmp(k, "settings") == 0 ||
			    strcmp(k, "audit") == 0;

		for (size_t i = 0; !known && i < model_nentities; i++)
			known = model_entities[i].parent == NULL && strcmp(model_entities[i].list, k) == 0;
		if (!known)
			problem(im, k, "unknown field");
	}
	v = json_object_get(doc, "format");
	if (v && (!json_is_string(v) || strcmp(json_string_value(v), FORMAT_NAME) != 0))
		problem(im, "format", "expected \"%s\"", FORMAT_NAME);
	if (!json_is_object(org)) {
		problem(im, "org", "required: the org object (key, name)");
	} else {
		if (json_is_integer(json_object_get(org, "utc_offset")))
			im->offset = im->rows.offset = (int)json_integer_value(json_object_get(org, "utc_offset"));
		visit_row(im, &model_org, org, "org", 0, 0, &id);
		if (!im->replace && str(org, "key") &&
		    store_org_get(im->svc->st, str(org, "key"), &a, &existing, &local) == 0)
			problem(im, "org.key", "org \"%s\" is already in this database (replace it with --replace)",
				str(org, "key"));
	}
	settings = json_object_get(doc, "settings");
	if (settings && !json_is_object(settings)) {
		problem(im, "settings", "expected an object of rule settings");
	} else if (settings) {
		json_object_foreach(settings, k, v) {
			const struct setting_def *d = NULL;

			for (int i = 0; svc_settings[i].name; i++)
				if (strcmp(svc_settings[i].name, k) == 0)
					d = &svc_settings[i];
			path_join(p, "settings", k);
			if (d == NULL)
				problem(im, p, "unknown setting");
			else if (!json_is_integer(v) || json_integer_value(v) < d->min || json_integer_value(v) > d->max)
				problem(im, p, "expected a whole number in %d..%d (%s)", d->min, d->max, d->help);
		}
	}
	arena_release(&a);
}

/* A task's state is where its last transition took it: a document where
 * they disagree was torn (read while it was being written) or edited. */
static void check_task_states(struct imp *im, json_t *doc)
{
	json_t *tasks = json_object_get(doc, "tasks"), *t;
	char p[PATH_MAX_LEN];
	size_t i;

	json_array_foreach(tasks, i, t) {
		json_t *tr = json_object_get(t, "transitions");
		const char *state = str(t, "state"), *last;

		if (!json_is_array(tr) || json_array_size(tr) == 0 || state == NULL)
			continue;
		last = str(json_array_get(tr, json_array_size(tr) - 1), "to_state");
		if (last && strcmp(last, state) != 0) {
			snprintf(p, sizeof(p), "tasks[%zu].state", i);
			problem(im, p, "the task is \"%s\" but its last transition moved it to \"%s\": the document was "
				"torn or edited", state, last);
		}
	}
}

/* The chain the document carries, checked entry by entry before anything
 * is written. */
static void check_audit(struct imp *im, json_t *doc)
{
	json_t *list = json_object_get(doc, "audit"), *e;
	const char *prev = NULL;
	char p[PATH_MAX_LEN], why[256];
	size_t i;

	if (list == NULL)
		return;
	if (!json_is_array(list)) {
		problem(im, "audit", "expected the list of audit entries");
		return;
	}
	json_array_foreach(list, i, e) {
		struct audit_row r;
		struct audit_change *changes = NULL;
		size_t n = 0;

		snprintf(p, sizeof(p), "audit[%zu]", i);
		if (auditjson_entry(e, &r, &changes, &n, why, sizeof(why)) != 0 ||
		    audit_entry_check(&r, changes, n, prev, why, sizeof(why)) != 0) {
			problem(im, p, "%s (the audit chain does not verify; nothing was written)", why);
			free(changes);
			return;
		}
		free(changes);
		prev = r.hash;
	}
}

/* Stores the document's checked chain as the new org's, before the import's
 * own entry; *head gets its last hash. */
static int carry_audit(struct imp *im, json_t *doc, const char **head)
{
	json_t *list = json_object_get(doc, "audit"), *e;
	char why[256];
	size_t i;

	*head = NULL;
	json_array_foreach(list, i, e) {
		struct audit_row r;
		struct audit_change *changes = NULL;
		size_t n = 0;
		int rc = auditjson_entry(e, &r, &changes, &n, why, sizeof(why));

		if (rc == 0)
			rc = audit_carry(im->svc, &r, changes, n, im->err);
		else
			err_set(im->err, ST_INVALID, "audit[%zu]: %s", i, why);
		free(changes);
		if (rc != 0)
			return -1;
		*head = r.hash;
	}
	return 0;
}

static int write_all(struct imp *im, json_t *doc, int replace)
{
	json_t *org = json_object_get(doc, "org"), *settings = json_object_get(doc, "settings"), *v;
	struct org_row existing;
	struct arena a = ARENA_INIT;
	struct err local = ERR_INIT;
	const char *k, *carried = NULL;
	char summary[512], replaced[160] = "";
	int64_t org_id;
	int rc = -1;

	if (svc_tx_begin(im->svc, im->err) != 0)
		goto out;
	if (replace && store_org_get(im->svc->st, str(org, "key"), &a, &existing, &local) == 0 &&
	    (store_audit_last_hash(im->svc->st, existing.id, replaced, sizeof(replaced), im->err) != 0 ||
	     svc_org_delete(im->svc, existing.id, existing.key, im->err) != 0))
		goto fail;
	im->svc->has_org = 0;
	if (write_row(im, &model_org, org, 0, &org_id) != 0)
		goto fail;
	if (svc_select_org(im->svc, str(org, "key"), im->err) != 0)
		goto fail;
	if (carry_audit(im, doc, &carried) != 0)
		goto fail;
	if (settings) {
		json_object_foreach(settings, k, v) {
			char value[32];

			snprintf(value, sizeof(value), "%lld", (long long)json_integer_value(v));
			if (svc_setting_set(im->svc, k, value, im->err) != 0)
				goto fail;
		}
	}
	walk(im, doc);
	if (im->failed)
		goto fail;
	for (size_t i = 0; i < im->ndeferred; i++) {
		struct deferred *d = &im->deferred[i];
		int64_t ref = json_integer_value(json_object_get(im->keys[entity_index(d->e)], d->key));

		if (record_set_ref(im->svc, d->e, d->f, d->row_id, ref, im->err) != 0)
			goto fail;
	}
	/* What the new chain starts from: the chain the document carried (its
	 * head), and the chain of the org this import replaced (ended). */
	snprintf(summary, sizeof(summary), "{\"rows\":%ld,\"replace\":%s,\"carried_head\":%s%s%s,"
		 "\"replaced_head\":%s%s%s}", im->rep->rows, replace ? "true" : "false",
		 carried ? "\"" : "", carried ? carried : "null", carried ? "\"" : "",
		 replaced[0] ? "\"" : "", replaced[0] ? replaced : "null", replaced[0] ? "\"" : "");
	if (svc_tx_end(im->svc, 0, "import", "org", org_id, NULL, summary, im->err) != 0) {
		im->svc->has_org = 0;
		goto out;
	}
	rc = 0;
	goto out;
fail:
	svc_tx_end(im->svc, -1, NULL, NULL, 0, NULL, NULL, NULL);
	im->svc->has_org = 0;
out:
	arena_release(&a);
	return rc;
}

int orgjson_import(struct svc *svc, const char *data, size_t len, int replace,
		   struct import_report *rep, struct err *err)
{
	struct imp im;
	struct err lim = ERR_INIT;
	json_error_t jerr;
	json_t *doc = NULL;
	int rc = -1;

	memset(&im, 0, sizeof(im));
	im.svc = svc;
	im.rep = rep;
	im.err = err;
	im.offset = 480;
	im.replace = replace;
	im.rows.offset = 480;
	im.rows.resolve = resolve;
	im.rows.problem = on_problem;
	im.rows.ctx = &im;
	rep->nproblems = 0;
	rep->rows = 0;
	if (len > LIM_IMPORT_BYTES)
		return err_set(err, ST_TOOBIG, "the document is %zu bytes, over the limit of %u", len,
			       LIM_IMPORT_BYTES);
	if (!text_utf8_valid(data, len)) {
		problem(&im, "", "the document is not valid UTF-8");
		err_set(err, ST_INVALID, "the document is not valid UTF-8");
		return -1;
	}
	if (jsonlim_check(data, len, &lim) != 0) {
		problem(&im, "", "%s", lim.msg);
		return err_set(err, lim.code, "%s", lim.msg);
	}
	doc = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	if (doc == NULL) {
		problem(&im, "", "line %d, column %d: %s", jerr.line, jerr.column, jerr.text);
		return err_set(err, ST_INVALID, "malformed JSON at line %d, column %d: %s", jerr.line,
			       jerr.column, jerr.text);
	}
	if (!json_is_object(doc)) {
		problem(&im, "", "expected an object with \"org\" and the lists of records");
		err_set(err, ST_INVALID, "the document is not an object");
		goto out;
	}
	for (size_t i = 0; i <= MAX_ENTITIES; i++)
		im.keys[i] = json_object();
	im.seen = json_object();
	if (model_nentities > MAX_ENTITIES)
		fatal("MAX_ENTITIES is too small");
	im.pass = PASS_KEYS;
	walk(&im, doc);
	im.pass = PASS_CHECK;
	check_top(&im, doc);
	walk(&im, doc);
	check_leaders(&im);
	check_cycles(&im);
	check_task_states(&im, doc);
	check_audit(&im, doc);
	if (rep->nproblems > 0) {
		err_set(err, ST_INVALID, "%d problem%s in the document; nothing was written",
			rep->nproblems, rep->nproblems == 1 ? "" : "s");
		goto out;
	}
	im.pass = PASS_WRITE;
	rc = write_all(&im, doc, replace);
out:
	for (size_t i = 0; i <= MAX_ENTITIES; i++) {
		json_decref(im.keys[i]);
		json_decref(im.parents[i]);
	}
	json_decref(im.seen);
	for (size_t i = 0; i < im.ndeferred; i++)
		free(im.deferred[i].key);
	free(im.deferred);
	free(im.leaders);
	json_decref(doc);
	return rc;
}

/* ---- export ---- */

struct exp {
	json_t *id2obj[MAX_ENTITIES + 1];   /* "id" -> row object, for attaching children and links */
	json_t *doc;
	const struct entity *e;
	int secrets;                        /* ORGJSON_SECRETS */
};

static void id_str(char *out, size_t size, int64_t id)
{
	snprintf(out, size, "%" PRId64, id);
}

/* Every list is created when its first row comes, so empty lists stay out
 * and the order of keys follows the data dictionary. */
static json_t *list_of(json_t *owner, const char *name)
{
	json_t *list = json_object_get(owner, name);

	if (list == NULL) {
		list = json_array();
		json_object_set_new(owner, name, list);
	}
	return list;
}

static int export_row(void *ctx, const struct row_meta *m, const struct value *vals)
{
	struct exp *x = ctx;
	const struct entity *e = x->e;
	json_t *obj = x->secrets ? rows_to_json_secrets(e, vals) : rows_to_json(e, vals);
	char ids[32];

	id_str(ids, sizeof(ids), m->id);
	json_object_set(x->id2obj[entity_index(e)], ids, obj);
	if (e->parent) {
		json_t *parent;

		id_str(ids, sizeof(ids), m->parent_id);
		parent = json_object_get(x->id2obj[entity_index(model_entity(e->parent))], ids);
		if (parent)
			json_array_append(list_of(parent, e->list), obj);
	} else if (e == &model_org) {
		json_object_set(x->doc, "org", obj);
	} else {
		json_array_append(json_object_get(x->doc, e->list), obj);
	}
	json_decref(obj);
	return 0;
}

struct link_ctx {
	struct exp *x;
	const struct entity *e;
	const struct field *f;
};

static int export_link(void *ctx, int64_t owner_id, const char *key)
{
	struct link_ctx *l = ctx;
	char ids[32];
	json_t *owner;

	id_str(ids, sizeof(ids), owner_id);
	owner = json_object_get(l->x->id2obj[entity_index(l->e)], ids);
	if (owner)
		json_array_append_new(list_of(owner, l->f->name), json_string(key));
	return 0;
}

static int export_setting(void *ctx, const char *name, const char *value)
{
	json_t *settings = ctx;
	long long v;

	if (parse_int(value, -1000000, 1000000, &v, name, NULL) == 0)
		json_object_set_new(settings, name, json_integer(v));
	return 0;
}

int orgjson_export(struct svc *svc, struct buf *out, int flags, struct err *err)
{
	struct exp x;
	struct row_query q;
	json_t *settings = json_object();
	char *text = NULL;
	int rc = -1, snapshot = 0;

	memset(&x, 0, sizeof(x));
	memset(&q, 0, sizeof(q));
	if (!svc->has_org) {
		json_decref(settings);
		return err_set(err, ST_NOTFOUND, "no org selected");
	}
	q.org_id = svc->org.id;
	x.secrets = (flags & ORGJSON_SECRETS) != 0;
	/* One snapshot for every statement: an export taken while others write
	 * is never torn (a GET over HTTP is inside the server's snapshot already,
	 * and then this begin fails harmlessly). */
	snapshot = store_read_begin(svc->st, NULL) == 0;
	x.doc = json_object();
	for (size_t i = 0; i <= MAX_ENTITIES; i++)
		x.id2obj[i] = json_object();
	json_object_set_new(x.doc, "format", json_string(FORMAT_NAME));
	x.e = &model_org;
	if (store_rows_view(svc->st, &model_org, &q, export_row, &x, err) != 0)
		goto out;
	if (store_settings(svc->st, svc->org.id, export_setting, settings, err) != 0)
		goto out;
	if (json_object_size(settings))
		json_object_set(x.doc, "settings", settings);
	for (size_t i = 0; i < model_nentities; i++)
		if (model_entities[i].parent == NULL)
			json_object_set_new(x.doc, model_entities[i].list, json_array());
	for (size_t i = 0; i < model_nentities; i++) {
		x.e = &model_entities[i];
		if (store_rows_view(svc->st, x.e, &q, export_row, &x, err) != 0)
			goto out;
	}
	for (size_t i = 0; i < model_nentities; i++) {
		const struct entity *e = &model_entities[i];

		for (size_t k = 0; k < e->nfields; k++) {
			struct link_ctx l = { &x, e, &e->fields[k] };

			if (e->fields[k].type == F_REFS &&
			    store_link_keys(svc->st, &e->fields[k], svc->org.id, 0, export_link, &l, err) != 0)
				goto out;
		}
	}
	if (flags & ORGJSON_AUDIT) {
		json_t *chain = auditjson_export(svc, err);

		if (chain == NULL)
			goto out;
		json_object_set_new(x.doc, "audit", chain);
	}
	text = json_dumps(x.doc, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
	if (text == NULL) {
		err_set(err, ST_FAIL, "cannot write the document");
		goto out;
	}
	if (buf_adds(out, text) != 0 || buf_addc(out, '\n') != 0) {
		err_set(err, ST_TOOBIG, "the export is over the size limit");
		goto out;
	}
	rc = 0;
out:
	if (snapshot)
		store_read_end(svc->st);
	free(text);
	for (size_t i = 0; i <= MAX_ENTITIES; i++)
		json_decref(x.id2obj[i]);
	json_decref(settings);
	json_decref(x.doc);
	return rc;
}
