/*
 * store_copy.c -- one org's rows copied from one store into another, table
 * by table and batch by batch, through the driver's bulk load (db.h
 * db_copy_*): the row path of `plenum copy` (io/orgcopy.c).
 *
 * What is copied and in which order is read from the schema (the tables
 * with an org_id, parents before the tables that refer to them), never from
 * a hand-kept list, so a new table is copied the day its migration lands.
 * Rows keep their relative order and their values; ids move by one offset
 * per table only when the destination already uses the source's range
 * (several orgs from different stores can share a database), and every
 * foreign key moves with the table it refers to. The org's audit chain
 * (audit, audit_change) is copied as it is: entries and sealed changes are
 * hashed, and those hashes do not cover ids.
 *
 * The destination's triggers that would recompute what the copied rows
 * already hold (the audit row images, titles as of the meeting, a task's
 * latest report) are off for the copy, inside its transaction: SQLite's are
 * dropped and created again from their own text, PostgreSQL's disabled and
 * enabled again (ALTER TABLE, which holds off other writers of those tables
 * until the commit). SQLite's search index triggers stay on (the bulk load
 * runs them once per batch); PostgreSQL's search rows are written
 * set-based after the load (search_rebuild). The row images are then
 * written set-based (store_audit_image_org) for the caller's audit entry
 * to seal, and every table is read back from both sides and compared.
 *
 * It is NOT a generic replication tool: both stores hold plenum's schema of
 * the same version, and the caller owns both transactions (a read snapshot
 * on the source, the write on the destination).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_int.h"
#include "db.h"
#include "dialect.h"
#include "../core/buf.h"
#include "../core/err.h"
#include "../core/limits.h"
#include "../core/xalloc.h"
#include "../core/banned.h"

#define COPY_TABLES 64
#define NAME_LEN 64

/* Tables with an org_id that a copy leaves out: logins and secrets (users
 * log in again), replies kept for retries, and what plenum derives from the
 * record (the light counts are recounted on first read, the search index is
 * built by its triggers, the record token is renewed by the copy's write).
 * The audit tables are copied on their own, after the rows. */
static const char *const not_copied[] = {
	"session", "api_token", "login_failure", "login_throttle", "calendar_token", "idempotency",
	"search_index", "task_light", "light_count", "light_stamp", "record_token", "audit", "audit_change",
	NULL,
};

/* Per engine: a table's foreign keys, one row per (column, referenced table). */
static const char *const fk_sql[] = {
	[ENGINE_SQLITE] = "SELECT \"from\", \"table\" FROM pragma_foreign_key_list(?1)",
	[ENGINE_PG] = "SELECT a.attname::text, c.confrelid::regclass::text FROM pg_constraint c "
		      "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
		      "WHERE c.conrelid = CAST(?1 AS TEXT)::regclass AND c.contype = 'f'",
};

struct copy_table {
	char name[NAME_LEN];
	char cols[LIM_COPY_COLUMNS][NAME_LEN];
	int map[LIM_COPY_COLUMNS];     /* index of the table whose id the column holds, -1: none */
	int ncols;
	int key[8];                    /* columns ordering the batches: id, else the primary key */
	int nkey;
	int has_id, has_org;
	int64_t offset;                /* added to the ids of this table's rows */
	int order;                     /* position in the copy, -1: not copied */
};

struct copy {
	struct store *from, *to;
	int64_t from_org;
	struct copy_table t[COPY_TABLES];
	int n;
	int audit, change;             /* indexes of audit and audit_change */
	struct buf sql;
	struct store_copy_stats *stats;
	struct err *err;
};

static int listed(const char *const *list, const char *name)
{
	for (int i = 0; list[i]; i++)
		if (strcmp(list[i], name) == 0)
			return 1;
	return 0;
}

static int find(const struct copy *c, const char *name)
{
	for (int i = 0; i < c->n; i++)
		if (strcmp(c->t[i].name, name) == 0)
			return i;
	return -1;
}

static int col_index(const struct copy_table *t, const char *col)
{
	for (int i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i], col) == 0)
			return i;
	return -1;
}

/* The destination's tables with their columns and primary keys; then the
 * column maps from its foreign keys. */
static int read_schema(struct copy *c)
{
	struct db *db = store_db(c->to);
	const struct dialect *dl = store_dialect(c->to);
	struct db_stmt *s = db_prepare(db, dl->tables, c->err);
	int rc;

	if (s == NULL)
		return -1;
	c->n = 0;
	while ((rc = db_step(s, c->err)) == DB_ROW) {
		if (c->n == COPY_TABLES) {
			db_done(s);
			return err_set(c->err, ST_FAIL, "copy: the schema has more than %d tables", COPY_TABLES);
		}
		memset(&c->t[c->n], 0, sizeof(c->t[0]));
		snprintf(c->t[c->n].name, NAME_LEN, "%s", db_col_text(s, 0));
		c->t[c->n].order = -1;
		c->n++;
	}
	db_done(s);
	if (rc < 0)
		return -1;
	for (int i = 0; i < c->n; i++) {
		struct copy_table *t = &c->t[i];
		int pk[8], npk = 0;

		s = db_prepare(db, dl->table_columns, c->err);
		if (s == NULL)
			return -1;
		db_bind_text(s, 1, t->name);
		while ((rc = db_step(s, c->err)) == DB_ROW) {
			int k = (int)db_col_int(s, 1);

			if (t->ncols == LIM_COPY_COLUMNS) {
				db_done(s);
				return err_set(c->err, ST_FAIL, "copy: table %s has more than %d columns", t->name,
					       LIM_COPY_COLUMNS);
			}
			snprintf(t->cols[t->ncols], NAME_LEN, "%s", db_col_text(s, 0));
			t->map[t->ncols] = -1;
			t->has_id |= strcmp(t->cols[t->ncols], "id") == 0;
			t->has_org |= strcmp(t->cols[t->ncols], "org_id") == 0;
			if (k > 0 && k <= 8) {
				pk[k - 1] = t->ncols;
				npk = k > npk ? k : npk;
			}
			t->ncols++;
		}
		db_done(s);
		if (rc < 0)
			return -1;
		if (t->has_id) {
			t->key[0] = col_index(t, "id");
			t->nkey = 1;
		} else {
			memcpy(t->key, pk, sizeof(pk));
			t->nkey = npk;
		}
	}
	for (int i = 0; i < c->n; i++) {
		struct copy_table *t = &c->t[i];

		s = db_prepare(db, fk_sql[dl->engine], c->err);
		if (s == NULL)
			return -1;
		db_bind_text(s, 1, t->name);
		while ((rc = db_step(s, c->err)) == DB_ROW) {
			int col = col_index(t, db_col_text(s, 0)), ref = find(c, db_col_text(s, 1));

			if (col >= 0 && ref >= 0)
				t->map[col] = ref;
		}
		db_done(s);
		if (rc < 0)
			return -1;
		if (t->has_id)
			t->map[col_index(t, "id")] = i;
	}
	c->audit = find(c, "audit");
	c->change = find(c, "audit_change");
	if (c->audit < 0 || c->change < 0 || find(c, "org") < 0)
		return err_set(c->err, ST_FAIL, "copy: the destination has no audit or org table");
	/* The chain's own references (no foreign keys there). */
	c->t[c->audit].map[col_index(&c->t[c->audit], "org_id")] = find(c, "org");
	c->t[c->change].map[col_index(&c->t[c->change], "org_id")] = find(c, "org");
	c->t[c->change].map[col_index(&c->t[c->change], "audit_id")] = c->audit;
	return 0;
}

/* The copy's order: the org, then every table whose references are copied
 * before it (a table's references to itself are checked at the end of its
 * load), then the chain. */
static int plan(struct copy *c, int *order, int *norder)
{
	int left = 0, pos = 0;

	for (int i = 0; i < c->n; i++) {
		struct copy_table *t = &c->t[i];
		int copied = strcmp(t->name, "org") == 0 || (t->has_org && !listed(not_copied, t->name));

		t->order = copied ? 0 : -1;
		left += copied;
	}
	while (left > 0) {
		int progress = 0;

		for (int i = 0; i < c->n; i++) {
			struct copy_table *t = &c->t[i];
			int ready = t->order == 0;

			for (int k = 0; ready && k < t->ncols; k++)
				if (t->map[k] >= 0 && t->map[k] != i && c->t[t->map[k]].order == 0)
					ready = 0;
			if (!ready)
				continue;
			if (t->nkey == 0)
				return err_set(c->err, ST_FAIL, "copy: table %s has neither an id nor a primary key", t->name);
			t->order = ++pos;
			order[(*norder)++] = i;
			left--;
			progress = 1;
		}
		if (!progress)
			return err_set(c->err, ST_FAIL, "copy: the schema's foreign keys form a cycle");
	}
	c->t[c->audit].order = ++pos;
	order[(*norder)++] = c->audit;
	c->t[c->change].order = ++pos;
	order[(*norder)++] = c->change;
	return 0;
}

/* Reads one integer from sql on store st, binding org_id as ?1 when given. */
static int scalar(struct store *st, const char *sql, int64_t org_id, int bind, int64_t *out, struct err *err)
{
	struct db_stmt *s = db_prepare(store_db(st), sql, err);
	int rc;

	*out = 0;
	if (s == NULL)
		return -1;
	if (bind)
		db_bind_int(s, 1, org_id);
	rc = db_step(s, err);
	if (rc == DB_ROW)
		*out = db_col_int(s, 0);
	db_done(s);
	return rc < 0 ? -1 : 0;
}

/* The filter of the org's rows of table t, over alias x. */
static void org_filter(struct buf *b, const struct copy *c, const struct copy_table *t)
{
	buf_printf(b, "x.%s = ?1", strcmp(t->name, "org") == 0 ? "id" : "org_id");
	if (t == &c->t[c->change])
		buf_adds(b, " AND x.audit_id IS NOT NULL");   /* changes no entry sealed stay behind */
}

/* The offset of table t's ids: 0 when the destination has none at or above
 * the source's smallest, else past the destination's largest. On
 * PostgreSQL the sequence is moved past the copied range at once, so that
 * no other writer is given one of its ids. */
static int plan_offset(struct copy *c, struct copy_table *t)
{
	int64_t lo = 0, hi = 0, top = 0;
	int pg = store_dialect(c->to)->engine == ENGINE_PG;

	t->offset = 0;
	if (!t->has_id)
		return 0;
	buf_reset(&c->sql);
	buf_printf(&c->sql, "SELECT min(x.id) FROM %s x WHERE ", t->name);
	org_filter(&c->sql, c, t);
	if (scalar(c->from, buf_str(&c->sql), c->from_org, 1, &lo, c->err) != 0)
		return -1;
	buf_reset(&c->sql);
	buf_printf(&c->sql, "SELECT max(x.id) FROM %s x WHERE ", t->name);
	org_filter(&c->sql, c, t);
	if (scalar(c->from, buf_str(&c->sql), c->from_org, 1, &hi, c->err) != 0)
		return -1;
	buf_reset(&c->sql);
	if (pg)
		buf_printf(&c->sql, "SELECT CASE WHEN s.is_called THEN greatest(s.last_value, coalesce(m.id, 0)) "
			   "ELSE coalesce(m.id, 0) END FROM %s_id_seq s, (SELECT max(id) AS id FROM %s) m", t->name, t->name);
	else
		buf_printf(&c->sql, "SELECT coalesce(max(id), 0) FROM %s", t->name);
	if (scalar(c->to, buf_str(&c->sql), 0, 0, &top, c->err) != 0)
		return -1;
	if (top >= lo)
		t->offset = top - lo + 1;
	if (pg && hi > 0) {
		buf_reset(&c->sql);
		buf_printf(&c->sql, "SELECT setval('%s_id_seq', greatest(%" PRId64 ", (SELECT last_value FROM %s_id_seq)))",
			   t->name, hi + t->offset, t->name);
		if (scalar(c->to, buf_str(&c->sql), 0, 0, &top, c->err) != 0)
			return -1;
	}
	return 0;
}

/* The batch query of table t: its columns (the destination's, in its
 * order), the org's rows, after the last key read when next is set. */
static void batch_sql(struct buf *b, const struct copy *c, const struct copy_table *t, int next)
{
	buf_reset(b);
	buf_adds(b, "SELECT ");
	for (int i = 0; i < t->ncols; i++)
		buf_printf(b, "%sx.\"%s\"", i ? ", " : "", t->cols[i]);
	buf_printf(b, " FROM %s x WHERE ", t->name);
	org_filter(b, c, t);
	if (next) {
		buf_adds(b, " AND (");
		for (int k = 0; k < t->nkey; k++)
			buf_printf(b, "%sx.\"%s\"", k ? ", " : "", t->cols[t->key[k]]);
		buf_adds(b, ") > (");
		for (int k = 0; k < t->nkey; k++)
			buf_printf(b, "%s?%d", k ? ", " : "", k + 2);
		buf_adds(b, ")");
	}
	buf_adds(b, " ORDER BY ");
	for (int k = 0; k < t->nkey; k++)
		buf_printf(b, "%sx.\"%s\"", k ? ", " : "", t->cols[t->key[k]]);
	buf_printf(b, " LIMIT %d", LIM_COPY_BATCH_ROWS);
}

/* The key of the last row read, kept across batches. */
struct last_key {
	struct db_value v[8];
	char *text[8];
};

static void last_key_release(struct last_key *k)
{
	for (int i = 0; i < 8; i++) {
		free(k->text[i]);
		k->text[i] = NULL;
	}
}

/* One table: batches read from the source, written with the bulk load. */
static int copy_table(struct copy *c, struct copy_table *t, int64_t *rows)
{
	struct db *src = store_db(c->from);
	struct db_copy *load = NULL;
	struct db_value vals[LIM_COPY_COLUMNS];
	const char *cols[LIM_COPY_COLUMNS];
	struct last_key last;
	int64_t got;
	int next = 0, rc = -1;

	memset(&last, 0, sizeof(last));
	for (int i = 0; i < t->ncols; i++)
		cols[i] = t->cols[i];
	load = db_copy_begin(store_db(c->to), t->name, cols, t->ncols, c->err);
	if (load == NULL)
		goto out;
	do {
		struct db_stmt *s;
		int step;

		batch_sql(&c->sql, c, t, next);
		if (c->sql.err) {
			err_set(c->err, ST_FAIL, "copy: the query of table %s is too long", t->name);
			goto out;
		}
		s = db_prepare(src, buf_str(&c->sql), c->err);
		if (s == NULL)
			goto out;
		db_bind_int(s, 1, c->from_org);
		for (int k = 0; next && k < t->nkey; k++) {
			if (last.v[k].kind == DB_KIND_INT)
				db_bind_int(s, k + 2, last.v[k].i);
			else
				db_bind_text(s, k + 2, last.text[k]);
		}
		got = 0;
		while ((step = db_step(s, c->err)) == DB_ROW) {
			for (int i = 0; i < t->ncols; i++) {
				struct db_value *v = &vals[i];

				v->kind = db_col_kind(s, i);
				if (v->kind == DB_KIND_INT)
					v->i = db_col_int(s, i);
				else if (v->kind == DB_KIND_REAL)
					v->d = db_col_double(s, i);
				else if (v->kind == DB_KIND_TEXT)
					v->s = db_col_text(s, i);
				if (t->map[i] < 0 || v->kind == DB_KIND_NULL)
					continue;
				if (v->kind != DB_KIND_INT) {
					db_done(s);
					err_set(c->err, ST_FAIL, "copy: %s.%s holds \"%s\", not an id", t->name, t->cols[i],
						v->kind == DB_KIND_TEXT ? v->s : "a number");
					goto out;
				}
			}
			/* The batch's last key, before the ids move. */
			last_key_release(&last);
			for (int k = 0; k < t->nkey; k++) {
				last.v[k] = vals[t->key[k]];
				if (last.v[k].kind != DB_KIND_INT)
					last.text[k] = xstrdup(last.v[k].kind == DB_KIND_TEXT ? last.v[k].s
							       : db_col_text(s, t->key[k]) ? db_col_text(s, t->key[k]) : "");
			}
			for (int i = 0; i < t->ncols; i++)
				if (t->map[i] >= 0 && vals[i].kind == DB_KIND_INT)
					vals[i].i += c->t[t->map[i]].offset;
			if (db_copy_row(load, vals, c->err) != 0) {
				db_done(s);
				goto out;
			}
			got++;
		}
		db_done(s);
		if (step < 0)
			goto out;
		*rows += got;
		next = 1;
	} while (got == LIM_COPY_BATCH_ROWS);
	rc = db_copy_end(load, 1, c->err);
	load = NULL;
out:
	if (load)
		db_copy_end(load, 0, NULL);
	last_key_release(&last);
	return rc;
}

/* 1 when column i of a (the source) and b (the destination) hold the same
 * value: an id moved by the offset of the table it refers to, numbers equal
 * as numbers (SQLite may hand back 1.0 as an integer), text byte for byte. */
static int same_value(const struct copy *c, const struct copy_table *t, struct db_stmt *a, struct db_stmt *b, int i)
{
	int ka = db_col_kind(a, i), kb = db_col_kind(b, i);

	if (ka == DB_KIND_NULL || kb == DB_KIND_NULL)
		return ka == kb;
	if (t->map[i] >= 0)
		return ka == DB_KIND_INT && kb == DB_KIND_INT &&
		       db_col_int(a, i) + c->t[t->map[i]].offset == db_col_int(b, i);
	if (ka != DB_KIND_TEXT && kb != DB_KIND_TEXT)
		return ka == DB_KIND_INT && kb == DB_KIND_INT ? db_col_int(a, i) == db_col_int(b, i)
							      : db_col_double(a, i) == db_col_double(b, i);
	return ka == kb && strcmp(db_col_text(a, i), db_col_text(b, i)) == 0;
}

/* Binds the keyset's parameters (from ?2) of a batch query: the last key
 * read from the source, moved like the ids when to_side. */
static void bind_key(struct db_stmt *s, const struct copy *c, const struct copy_table *t, const struct last_key *k,
		     int to_side)
{
	for (int i = 0; i < t->nkey; i++) {
		int col = t->key[i];

		if (k->v[i].kind == DB_KIND_INT)
			db_bind_int(s, i + 2, k->v[i].i + (to_side && t->map[col] >= 0 ? c->t[t->map[col]].offset : 0));
		else
			db_bind_text(s, i + 2, k->text[i]);
	}
}

/* Reads table t's rows of the org on both sides, batch by batch in the same
 * order, and compares them column by column. */
static int compare_table(struct copy *c, struct copy_table *t, int64_t to_org)
{
	struct buf other = BUF_INIT(1u << 16);
	struct last_key last;
	int64_t got;
	int next = 0, rc = -1;

	memset(&last, 0, sizeof(last));
	do {
		struct db_stmt *a, *b;
		int sa = DB_DONE, sb = DB_DONE;

		batch_sql(&c->sql, c, t, next);
		buf_reset(&other);
		buf_adds(&other, buf_str(&c->sql));
		if (c->sql.err || other.err) {
			err_set(c->err, ST_FAIL, "copy: the query of table %s is too long", t->name);
			goto out;
		}
		a = db_prepare(store_db(c->from), buf_str(&c->sql), c->err);
		if (a == NULL)
			goto out;
		b = db_prepare(store_db(c->to), buf_str(&other), c->err);
		if (b == NULL) {
			db_done(a);
			goto out;
		}
		db_bind_int(a, 1, c->from_org);
		db_bind_int(b, 1, to_org);
		if (next) {
			bind_key(a, c, t, &last, 0);
			bind_key(b, c, t, &last, 1);
		}
		got = 0;
		for (;;) {
			sa = db_step(a, c->err);
			sb = sa < 0 ? DB_DONE : db_step(b, c->err);
			if (sa != DB_ROW || sb != DB_ROW)
				break;
			for (int i = 0; i < t->ncols; i++) {
				if (same_value(c, t, a, b, i))
					continue;
				err_set(c->err, ST_FAIL, "copy: %s.%s reads back as \"%s\" instead of \"%s\" (a bug: nothing "
					"was written)", t->name, t->cols[i], db_col_text(b, i) ? db_col_text(b, i) : "null",
					db_col_text(a, i) ? db_col_text(a, i) : "null");
				sa = -2;
				break;
			}
			if (sa == -2)
				break;
			last_key_release(&last);
			for (int k = 0; k < t->nkey; k++) {
				last.v[k].kind = db_col_kind(a, t->key[k]);
				last.v[k].i = db_col_int(a, t->key[k]);
				if (last.v[k].kind != DB_KIND_INT)
					last.text[k] = xstrdup(db_col_text(a, t->key[k]) ? db_col_text(a, t->key[k]) : "");
			}
			got++;
		}
		db_done(a);
		db_done(b);
		if (sa == -2 || sa < 0 || sb < 0)
			goto out;
		if (sa != sb) {
			err_set(c->err, ST_FAIL, "copy: table %s holds %s rows of the org on the destination than on the "
				"source (a bug: nothing was written)", t->name, sa == DB_ROW ? "fewer" : "more");
			goto out;
		}
		next = 1;
	} while (got == LIM_COPY_BATCH_ROWS);
	rc = 0;
out:
	last_key_release(&last);
	buf_release(&other);
	return rc;
}

/* PostgreSQL's search rows of an org's records, set-based: the same rows as
 * the per-row trigger functions of migrations/pg/0002 and 0008 write
 * (plenum_search_put), which are off during the copy. One row-by-row call
 * of those functions costs five times more than these statements.
 * tests/cli/copy.sh compares the index of a copy with its source's. */
static const char *const pg_search_rows[] = {
	"INSERT INTO search_index (kind, ref_id, org_id, title, body) SELECT 'person', id, org_id, "
	"name || ' ' || coalesce(name_en, ''), coalesce(title, '') || ' ' || coalesce(title_en, '') "
	"FROM person WHERE org_id = ?1",
	"INSERT INTO search_index (kind, ref_id, org_id, title, body) SELECT 'meeting', id, org_id, "
	"title || ' ' || coalesce(title_en, ''), coalesce(place, '') || ' ' || coalesce(summary, '') || ' ' || "
	"coalesce(summary_en, '') || ' ' || coalesce(minutes, '') FROM meeting WHERE org_id = ?1",
	"INSERT INTO search_index (kind, ref_id, org_id, title, body) SELECT 'speech', id, org_id, "
	"coalesce(title, '') || ' ' || coalesce(title_en, '') || ' ' || coalesce(speaker_name, ''), "
	"plenum_search_points(key_points) || ' ' || plenum_search_points(key_points_en) || ' ' || coalesce(text, '') "
	"FROM speech WHERE org_id = ?1",
	"INSERT INTO search_index (kind, ref_id, org_id, title, body) SELECT 'decision', id, org_id, text, "
	"coalesce(text_en, '') FROM decision WHERE org_id = ?1",
	"INSERT INTO search_index (kind, ref_id, org_id, title, body) SELECT 'task', id, org_id, title, "
	"coalesce(title_en, '') || ' ' || coalesce(code, '') FROM task WHERE org_id = ?1",
	"INSERT INTO search_index (kind, ref_id, org_id, title, body) SELECT 'report', id, org_id, done, "
	"coalesce(problems, '') || ' ' || coalesce(next_steps, '') FROM progress_report WHERE org_id = ?1",
	NULL,
};

static int search_rebuild(struct copy *c, int64_t org_id)
{
	if (store_dialect(c->to)->engine != ENGINE_PG)
		return 0;
	for (int i = 0; pg_search_rows[i]; i++) {
		struct db_stmt *s = db_prepare(store_db(c->to), pg_search_rows[i], c->err);
		int rc;

		if (s == NULL)
			return -1;
		db_bind_int(s, 1, org_id);
		rc = db_step(s, c->err);
		db_done(s);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* The destination's triggers the copy turns off: all on the copied tables,
 * but on SQLite the search index's (db_sqlite.c's bulk load runs them once
 * per batch; PostgreSQL's index is rebuilt by search_rebuild()). SQLite's
 * are dropped and their text kept; the statements to undo that are written
 * into *undo. */
static int triggers_off(struct copy *c, struct buf *undo)
{
	struct db *db = store_db(c->to);
	int pg = store_dialect(c->to)->engine == ENGINE_PG;
	struct db_stmt *s = db_prepare(db, pg
		? "SELECT t.tgname::text, r.relname::text, '' FROM pg_trigger t JOIN pg_class r ON r.oid = t.tgrelid "
		  "WHERE NOT t.tgisinternal AND r.relnamespace = current_schema()::regnamespace ORDER BY t.tgname"
		: "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger' AND name NOT LIKE '%\\_search\\_%' ESCAPE '\\' "
		  "ORDER BY rowid", c->err);   /* created again in their first order */
	struct buf off = BUF_INIT(1u << 20);
	int rc;

	if (s == NULL)
		return -1;
	while ((rc = db_step(s, c->err)) == DB_ROW) {
		int i = find(c, db_col_text(s, 1));

		if (i < 0 || c->t[i].order < 0)
			continue;
		if (pg) {
			buf_printf(&off, "ALTER TABLE \"%s\" DISABLE TRIGGER \"%s\";\n", db_col_text(s, 1), db_col_text(s, 0));
			buf_printf(undo, "ALTER TABLE \"%s\" ENABLE TRIGGER \"%s\";\n", db_col_text(s, 1), db_col_text(s, 0));
		} else {
			buf_printf(&off, "DROP TRIGGER \"%s\";\n", db_col_text(s, 0));
			buf_printf(undo, "%s;\n", db_col_text(s, 2));
		}
	}
	db_done(s);
	if (rc >= 0 && (off.err || undo->err))
		rc = err_set(c->err, ST_FAIL, "copy: the destination's triggers do not fit in %zu bytes", off.max);
	if (rc >= 0 && buf_len(&off) > 0)
		rc = db_exec(db, buf_str(&off), c->err);
	buf_release(&off);
	return rc < 0 ? -1 : 0;
}

int store_copy_org(struct store *from, int64_t from_org, struct store *to, int64_t *to_org,
		   struct store_copy_stats *stats, struct err *err)
{
	struct copy *c = xcalloc(1, sizeof(*c));
	struct buf undo = BUF_INIT(1u << 20);
	int order[COPY_TABLES], norder = 0, rc = -1, org;

	c->from = from;
	c->to = to;
	c->from_org = from_org;
	c->stats = stats;
	c->err = err;
	buf_init(&c->sql, 1u << 16);
	memset(stats, 0, sizeof(*stats));
	if (read_schema(c) != 0 || plan(c, order, &norder) != 0)
		goto out;
	for (int i = 0; i < norder; i++)
		if (plan_offset(c, &c->t[order[i]]) != 0)
			goto out;
	if (triggers_off(c, &undo) != 0)
		goto out;
	for (int i = 0; i < norder; i++) {
		struct copy_table *t = &c->t[order[i]];
		int64_t *n = order[i] == c->audit || order[i] == c->change ? &stats->audit_rows : &stats->rows;

		if (copy_table(c, t, n) != 0)
			goto out;
	}
	if (buf_len(&undo) > 0 && db_exec(store_db(to), buf_str(&undo), err) != 0)
		goto out;
	org = find(c, "org");
	*to_org = from_org + c->t[org].offset;
	/* Read back before the commit: a copy that differs is never kept. */
	for (int i = 0; i < norder; i++)
		if (compare_table(c, &c->t[order[i]], *to_org) != 0)
			goto out;
	if (search_rebuild(c, *to_org) != 0 || store_audit_image_org(to, *to_org, err) != 0)
		goto out;
	rc = 0;
out:
	buf_release(&undo);
	buf_release(&c->sql);
	free(c);
	return rc;
}
