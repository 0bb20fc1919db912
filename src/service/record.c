/*
 * record.c -- the generic rows and their domain rules (see record.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "service.h"
#include "lights.h"
#include "tx.h"
#include "../store/store.h"
#include "../core/date.h"
#include "../core/xalloc.h"
#include "../domain/deadline.h"
#include "../domain/model.h"
#include "../core/banned.h"

static int current_text(struct svc *svc, const struct entity *e, int64_t id, const char *field, char **out,
			struct err *err);

static int set_links(struct svc *svc, const struct record *r, int64_t id, struct err *err)
{
	for (size_t i = 0; i < r->nlinks; i++)
		if (store_link_set(svc->st, r->links[i].f, svc->org.id, id, r->links[i].ids, r->links[i].n, err) != 0)
			return -1;
	return 0;
}

static const char *key_value(const struct record *r)
{
	for (size_t i = 0; i < r->e->nfields; i++)
		if (r->e->fields[i].type == F_KEY && r->vals[i].kind == V_TEXT)
			return r->vals[i].s;
	return NULL;
}

/* Values that must be unique among the rows of one parent. */
static const struct unique_rule {
	const char *entity, *field, *what;
} unique_in_parent[] = {
	{ "speech", "seq", "the order of another speech of this meeting" },
	{ "decision", "number", "the number of another decision of this meeting" },
	{ "attendance", "person", "on this meeting's attendance already" },
};

/* Values unique under their parent, checked before the write so that the
 * answer names the field and the value (the schema's own constraints would
 * only say "exists already"). */
static int unique_rules(struct svc *svc, const struct record *r, int64_t exclude_id, struct err *err)
{
	char value[256];
	int rc;

	for (size_t i = 0; i < sizeof(unique_in_parent) / sizeof(unique_in_parent[0]); i++) {
		const struct unique_rule *u = &unique_in_parent[i];
		const struct field *f;
		size_t k;

		if (strcmp(u->entity, r->e->name) != 0 || (f = model_field(r->e, u->field)) == NULL)
			continue;
		k = (size_t)(f - r->e->fields);
		if (exclude_id && !r->present[k])
			continue;
		rc = store_row_duplicate(svc->st, r->e, f, r->parent_id, exclude_id, &r->vals[k], value, sizeof(value), err);
		if (rc < 0)
			return -1;
		if (rc) {
			err_field(err, ST_CONFLICT, u->field, "%s: %s is %s", u->field, value, u->what);
			err_reason(err, "duplicate");
			return -1;
		}
	}
	return 0;
}

/* A task's deadline has the fields its kind needs (domain/deadline.c), read
 * from the row as written: a PATCH that changes the kind alone is judged with
 * the dates already there. */
static int deadline_holds(struct svc *svc, const struct entity *e, int64_t id, struct err *err)
{
	static const char *const names[] = { "due_kind", "due_from", "due_on", "due_precision" };
	char *v[4] = { NULL, NULL, NULL, NULL };
	struct deadline d;
	const char *field = NULL;
	char msg[256];
	int rc = -1;

	for (size_t i = 0; i < 4; i++)
		if (current_text(svc, e, id, names[i], &v[i], err) != 0)
			goto out;
	deadline_from_fields(&d, v[0], v[1], v[2], v[3]);
	rc = 0;
	if (deadline_check(&d, &field, msg, sizeof(msg)) != 0) {
		rc = err_field(err, ST_INVALID, field, "%s", msg);
		err_reason(err, "deadline");
	}
out:
	for (size_t i = 0; i < 4; i++)
		free(v[i]);
	return rc;
}

/* The rules across rows that need the row written: one validator for every
 * way in (the API, the import, the ledger import), run inside the write so
 * that what is stored always satisfies them. */
/* Whether the write gives the field: every field of a new row, the fields
 * present in an update. */
static int touched(const struct record *r, int creating, const char *name)
{
	const struct field *f = model_field(r->e, name);

	return creating || (f && r->present && r->present[f - r->e->fields]);
}

static int refuse(struct err *err, const char *field, const char *reason, const char *why)
{
	err_field(err, ST_INVALID, field, "%s: %s", field, why);
	err_reason(err, reason);
	return -1;
}

/* A leave has its reason and approver (record.h: not for a historical
 * record), and a make-up comes after the meeting. */
static int attendance_rules(struct svc *svc, const struct record *r, int64_t id, int creating, struct err *err)
{
	struct attendance_facts a;
	const char *dates[][2] = { { "makeup_due", NULL }, { "makeup_done", NULL } };
	int64_t t;
	int32_t meeting_day, d;
	char day[DATE_LEN];

	if (store_attendance_facts(svc->st, id, &a, err) != 0)
		return -1;
	if (strcmp(a.status, "leave") == 0 && !r->historical &&
	    (touched(r, creating, "status") || touched(r, creating, "leave_reason") ||
	     touched(r, creating, "leave_approver"))) {
		if (!a.has_reason)
			return refuse(err, "leave_reason", "leave_needs_reason", "a leave needs its reason");
		if (!a.has_approver)
			return refuse(err, "leave_approver", "leave_needs_approver", "a leave needs the person who approved it");
	}
	if (datetime_parse(a.meeting_starts_at, 0, &t) != 0)
		return 0;
	meeting_day = datetime_local_day(t, svc->org.utc_offset);
	dates[0][1] = a.makeup_due;
	dates[1][1] = a.makeup_done;
	for (size_t i = 0; i < sizeof(dates) / sizeof(dates[0]); i++) {
		if (!dates[i][1][0] || date_parse(dates[i][1], &d) != 0 || d > meeting_day)
			continue;
		err_field(err, ST_INVALID, dates[i][0], "%s: %s is not after the meeting (%s)", dates[i][0], dates[i][1],
			  date_format(meeting_day, day));
		err_reason(err, "makeup_before_meeting");
		return -1;
	}
	return 0;
}

static int cross_rules(struct svc *svc, const struct record *r, int64_t id, int creating, struct err *err)
{
	const struct entity *e = r->e;
	int rc;

	if (strcmp(e->name, "attendance") == 0 && attendance_rules(svc, r, id, creating, err) != 0)
		return -1;

	if (strcmp(e->name, "membership") == 0) {
		rc = store_leader_overlap(svc->st, id, err);
		if (rc < 0)
			return -1;
		if (rc)
			return err_field(err, ST_CONFLICT, "role", "role: the group has another leader for these dates; "
					 "a group has one leader at a time (end the other's membership first)");
	}
	if (strcmp(e->name, "task") == 0) {
		if (deadline_holds(svc, e, id, err) != 0)
			return -1;
		rc = store_task_supports_its_lead(svc->st, id, err);
		if (rc < 0)
			return -1;
		if (rc) {
			err_field(err, ST_INVALID, "supporting_units", "supporting_units: the lead unit cannot also "
				  "be a supporting unit of the same task");
			err_reason(err, "lead_also_supporting");
			return -1;
		}
	}
	return 0;
}

int record_create(struct svc *svc, const struct record *r, int64_t *id, struct err *err)
{
	int rc;

	if (svc_tx_begin(svc, err) != 0)
		return -1;
	rc = unique_rules(svc, r, 0, err);
	if (rc == 0 &&
	    store_row_insert(svc->st, r->e, r->e == &model_org ? 0 : svc->org.id, r->parent_id, r->vals, id, err) != 0) {
		rc = -1;
		if (err == NULL || err->code != ST_CONFLICT)
			goto out;
		if (key_value(r))
			err_field(err, ST_CONFLICT, r->e->key_field, "%s: a %s \"%s\" exists already", r->e->key_field,
				  r->e->name, key_value(r));
		else
			err_set(err, ST_CONFLICT, "this %s is on record already (the same values are there once)", r->e->name);
		err_reason(err, "duplicate");
	}
	if (rc == 0)
		rc = set_links(svc, r, *id, err);
	if (rc == 0)
		rc = cross_rules(svc, r, *id, 1, err);
	if (rc == 0)
		lights_touch_row(svc, r->e->name, *id, r->parent_id);
out:
	return svc_tx_end(svc, rc, "create", r->e->name, rc == 0 ? *id : 0, NULL, NULL, err);
}

/* The row's current value of a text field, through the dictionary's view. */
struct current_text {
	size_t index;
	char *value;
};

static int read_current(void *ctx, const struct row_meta *m, const struct value *vals)
{
	struct current_text *c = ctx;

	(void)m;
	if (vals[c->index].kind == V_TEXT)
		c->value = xstrdup(vals[c->index].s);
	return 0;
}

static int current_text(struct svc *svc, const struct entity *e, int64_t id, const char *field, char **out,
			struct err *err)
{
	const struct field *f = model_field(e, field);
	struct current_text c = { 0, NULL };
	struct row_query q;

	*out = NULL;
	if (f == NULL)
		return 0;
	c.index = (size_t)(f - e->fields);
	memset(&q, 0, sizeof(q));
	q.org_id = svc->org.id;
	q.id = id;
	if (store_rows_view(svc->st, e, &q, read_current, &c, err) != 0)
		return -1;
	*out = c.value;
	return 0;
}

/* The row is there, under the parent named, in this org. */
static int locate(struct svc *svc, const struct entity *e, int64_t id, int64_t parent_id, int64_t *version,
		  struct err *err)
{
	int64_t parent = 0;

	if (store_row_meta(svc->st, e, svc->org.id, id, &parent, version, err) != 0)
		return -1;
	if (parent_id && parent != parent_id)
		return err_set(err, ST_NOTFOUND, "no such %s", e->name);
	return 0;
}

static int is_meeting(const struct entity *e)
{
	return strcmp(e->name, "meeting") == 0;
}

/* A held meeting is part of the record: it cannot become planned or
 * cancelled again (correct its record instead). */
static int held_stays_held(struct svc *svc, const struct record *r, int64_t id, struct err *err)
{
	const struct field *f = model_field(r->e, "status");
	char *status = NULL;
	size_t i;
	int rc = 0;

	if (!is_meeting(r->e) || f == NULL)
		return 0;
	i = (size_t)(f - r->e->fields);
	if (!r->present[i] || (r->vals[i].kind == V_TEXT && strcmp(r->vals[i].s, "held") == 0))
		return 0;
	if (current_text(svc, r->e, id, "status", &status, err) != 0)
		return -1;
	if (status && strcmp(status, "held") == 0)
		rc = err_field(err, ST_CONFLICT, "status", "status: a held meeting is part of the record and stays held; "
			       "correct its record instead");
	free(status);
	return rc;
}

int record_update(struct svc *svc, const struct record *r, int64_t id, int64_t version, struct err *err)
{
	int64_t current = 0;
	int rc;

	if (svc_tx_begin(svc, err) != 0)
		return -1;
	rc = locate(svc, r->e, id, r->parent_id, &current, err);
	if (rc == 0)
		rc = held_stays_held(svc, r, id, err);
	if (rc == 0 && r->parent_id)
		rc = unique_rules(svc, r, id, err);
	if (rc == 0)
		rc = store_row_update(svc->st, r->e, id, version, r->vals, r->present, err);
	if (rc == 0)
		rc = set_links(svc, r, id, err);
	if (rc == 0)
		rc = cross_rules(svc, r, id, 0, err);
	if (rc == 0)
		lights_touch_row(svc, r->e->name, id, r->parent_id);
	return svc_tx_end(svc, rc, "update", r->e->name, id, NULL, NULL, err);
}

int record_set_ref(struct svc *svc, const struct entity *e, const struct field *f, int64_t id, int64_t ref_id,
		   struct err *err)
{
	int rc;

	if (svc_tx_begin(svc, err) != 0)
		return -1;
	rc = store_row_set_ref(svc->st, e, f, id, ref_id, err);
	return svc_tx_end(svc, rc, "update", e->name, id, NULL, NULL, err);
}

struct id_list {
	int64_t *ids;
	size_t n, cap;
};

static int collect_id(void *ctx, const struct row_meta *m, const struct value *vals)
{
	struct id_list *l = ctx;

	(void)vals;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->ids = xreallocarray(l->ids, l->cap, sizeof(*l->ids));
	}
	l->ids[l->n++] = m->id;
	return 0;
}

/* The nested rows of one row of e, of child entity ce (at most limit; 0: all). */
static int children(struct svc *svc, const struct entity *ce, int64_t id, int limit, struct id_list *l,
		    struct err *err)
{
	struct row_query q;

	memset(&q, 0, sizeof(q));
	q.org_id = svc->org.id;
	q.parent_id = id;
	q.limit = limit;
	return store_rows_view(svc->st, ce, &q, collect_id, l, err);
}

/* The domain's rules about deleting: a held meeting is part of the record
 * (cancel a planned one instead, or delete it while it is still planned);
 * a row with append-only history (a task's reports) keeps it. */
static int may_delete(struct svc *svc, const struct entity *e, int64_t id, struct err *err)
{
	char *status = NULL;
	int rc = 0;

	if (e->flags & EF_APPEND_ONLY)
		return err_set(err, ST_CONFLICT, "a %s is append-only and cannot be deleted", e->name);
	if (is_meeting(e)) {
		if (current_text(svc, e, id, "status", &status, err) != 0)
			return -1;
		if (status && strcmp(status, "held") == 0)
			rc = err_field(err, ST_CONFLICT, "status", "a held meeting is part of the record and cannot be deleted");
		free(status);
		if (rc)
			return rc;
	}
	for (size_t i = 0; i < model_nentities; i++) {
		const struct entity *ce = &model_entities[i];
		struct id_list l = { NULL, 0, 0 };

		if (ce->parent == NULL || strcmp(ce->parent, e->name) != 0 || !(ce->flags & EF_APPEND_ONLY))
			continue;
		rc = children(svc, ce, id, 1, &l, err);
		free(l.ids);
		if (rc)
			return -1;
		if (l.n)
			return err_set(err, ST_CONFLICT, "this %s has %s on record and cannot be deleted", e->name, ce->list);
	}
	return 0;
}

/* Deletes the nested rows of a row, then the row, in the open write. */
static int delete_tree(struct svc *svc, const struct entity *e, int64_t id, struct err *err)
{
	for (size_t i = 0; i < model_nentities; i++) {
		const struct entity *ce = &model_entities[i];
		struct id_list l = { NULL, 0, 0 };
		int rc;

		if (ce->parent == NULL || strcmp(ce->parent, e->name) != 0)
			continue;
		rc = children(svc, ce, id, 0, &l, err);
		for (size_t k = 0; rc == 0 && k < l.n; k++)
			rc = delete_tree(svc, ce, l.ids[k], err);
		free(l.ids);
		if (rc)
			return -1;
	}
	for (size_t i = 0; i < e->nfields; i++)
		if (e->fields[i].type == F_REFS && store_link_set(svc->st, &e->fields[i], svc->org.id, id, NULL, 0, err))
			return -1;
	lights_touch_row(svc, e->name, id, 0);
	return store_row_delete(svc->st, e, id, err);
}

int record_delete(struct svc *svc, const struct entity *e, int64_t id, int64_t parent_id, int64_t version,
		  struct err *err)
{
	int64_t current = 0;
	int rc;

	if (svc_tx_begin(svc, err) != 0)
		return -1;
	rc = locate(svc, e, id, parent_id, &current, err);
	if (rc == 0 && current != version)
		rc = err_field(err, ST_STALE, "If-Match", "the %s was changed by someone else since version %lld: reload it",
			       e->name, (long long)version);
	if (rc == 0)
		rc = may_delete(svc, e, id, err);
	if (rc == 0)
		rc = delete_tree(svc, e, id, err);
	return svc_tx_end(svc, rc, "delete", e->name, id, NULL, NULL, err);
}

/* Readable key prefixes: what a secretary would write by hand. */
static const struct key_prefix {
	const char *entity, *prefix;
} key_prefixes[] = {
	{ "meeting", "m" }, { "person", "p" }, { "unit", "u" }, { "group", "g" }, { "plan", "plan" },
	{ "topic", "q" }, { "speech", "s" }, { "decision", "d" }, { "paper", "paper" }, { "initiative", "i" },
	{ "task", "t" }, { "indicator", "ind" },
};

const char *record_key_prefix(const struct entity *e)
{
	for (size_t i = 0; i < sizeof(key_prefixes) / sizeof(key_prefixes[0]); i++)
		if (strcmp(key_prefixes[i].entity, e->name) == 0)
			return key_prefixes[i].prefix;
	return e->name;
}

int record_new_key(struct svc *svc, const struct entity *e, const char *day, char *out, size_t size,
		   struct err *err)
{
	const char *prefix = record_key_prefix(e);
	int64_t n = 0;
	struct err local = ERR_INIT;

	if (store_row_count(svc->st, e, svc->org.id, &n, err) != 0)
		return -1;
	for (int64_t k = day ? 1 : n + 1; k < n + 1000; k++) {
		int rc;

		if (day)
			snprintf(out, size, k == 1 ? "%s-%s" : "%s-%s-%lld", prefix, day, (long long)k);
		else
			snprintf(out, size, "%s-%lld", prefix, (long long)k);
		err_clear(&local);
		rc = store_key_exists(svc->st, e, svc->org.id, out, &local);
		if (rc != 0 && local.code == ST_NOTFOUND)
			return 0;
		if (rc != 0)
			return err_set(err, local.code, "%s", local.msg);
	}
	return err_set(err, ST_FAIL, "no free key for a new %s", e->name);
}
