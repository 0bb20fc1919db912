/*
 * store_audit.c -- the store's half of integrity: deleting exactly one org,
 * the audit trail's row images, and idempotency keys (see store.h).
 *
 * What belongs to an org and in which order it can be deleted, and what a
 * row's audit image is, are read from the schema itself (SQLite's
 * sqlite_master and table pragmas, PostgreSQL's catalogue: the texts are in
 * dialect.c), never from a hand-kept list, so that a new table or column is
 * covered the day its migration lands.
 *
 * Row images and keys are the same bytes on both engines (SQLite's compact
 * json_object()/json_array(); on PostgreSQL the plenum_json() functions of
 * migrations/pg/0006 print the same), so a chain copied between stores
 * verifies. The triggers are SQLite triggers, or one plpgsql function per
 * table on PostgreSQL; the generator is chosen once per engine.
 *
 * This file is NOT where the audit chain is hashed or judged: that is
 * service/audit.c. It only stores and reads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_int.h"
#include "db.h"
#include "dialect.h"
#include "../core/arena.h"
#include "../core/buf.h"
#include "../core/err.h"
#include "../core/xalloc.h"
#include "../domain/model.h"
#include "../core/banned.h"

#define AUDIT_SQL_MAX 16384
#define MAX_TABLES 64
#define AUDIT_PAGE 5000            /* row changes read per statement */
#define AUDIT_PAGE_TEXT "5000"

/* Tables that are not part of the record: the audit itself, logins and
 * secrets, throttling, idempotency replies, the search index. */
static const char *const not_audited[] = {
	"audit", "audit_change", "session", "api_token", "login_failure", "login_throttle", "calendar_token",
	"idempotency", "schema_version", "search_index",
	"task_light", "light_count", "light_stamp", "record_token",   /* derived (service/lights.h, tx.c) */
	NULL,
};

/* Columns kept out of row images: secrets never enter the audit trail. */
static const char *const secret_columns[] = { "app_user.password_hash", NULL };

static int listed(const char *const *list, const char *name)
{
	for (int i = 0; list[i]; i++)
		if (strcmp(list[i], name) == 0)
			return 1;
	return 0;
}

static int secret_column(const char *table, const char *col)
{
	char name[160];

	snprintf(name, sizeof(name), "%s.%s", table, col);
	return listed(secret_columns, name);
}

struct table_info {
	char name[64];
	int has_id, has_org;
	char cols[64][64];
	int ncols;
	char pk[8][64];
	int npk;
	char refs[16][64];            /* tables this one refers to */
	int nrefs;
};

/* The plain tables of the schema (no virtual tables or their shadows). */
static int list_tables(struct store *st, struct table_info *out, int max, int *n, struct err *err)
{
	struct db *db = store_db(st);
	const struct dialect *dl = store_dialect(st);
	struct db_stmt *s = db_prepare(db, dl->tables, err);
	int rc;

	*n = 0;
	if (s == NULL)
		return -1;
	while ((rc = db_step(s, err)) == DB_ROW && *n < max) {
		memset(&out[*n], 0, sizeof(out[*n]));
		snprintf(out[*n].name, sizeof(out[*n].name), "%s", db_col_text(s, 0));
		(*n)++;
	}
	db_done(s);
	if (rc < 0)
		return -1;
	for (int i = 0; i < *n; i++) {
		struct table_info *t = &out[i];

		s = db_prepare(db, dl->table_columns, err);
		if (s == NULL)
			return -1;
		db_bind_text(s, 1, t->name);
		while ((rc = db_step(s, err)) == DB_ROW) {
			const char *c = db_col_text(s, 0);
			int pk = (int)db_col_int(s, 1);

			t->has_id |= strcmp(c, "id") == 0;
			t->has_org |= strcmp(c, "org_id") == 0;
			if (t->ncols < 64)
				snprintf(t->cols[t->ncols++], sizeof(t->cols[0]), "%s", c);
			if (pk > 0 && pk <= 8) {
				snprintf(t->pk[pk - 1], sizeof(t->pk[0]), "%s", c);
				if (pk > t->npk)
					t->npk = pk;
			}
		}
		db_done(s);
		if (rc < 0)
			return -1;
		s = db_prepare(db, dl->table_refs, err);
		if (s == NULL)
			return -1;
		db_bind_text(s, 1, t->name);
		while ((rc = db_step(s, err)) == DB_ROW)
			if (t->nrefs < 16)
				snprintf(t->refs[t->nrefs++], sizeof(t->refs[0]), "%s", db_col_text(s, 0));
		db_done(s);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int audited(const struct table_info *t)
{
	return !listed(not_audited, t->name) && (t->has_org || strcmp(t->name, "org") == 0);
}

/* The row's identity as SQL over alias x: its id, else its primary key (or
 * every column) as a JSON array. */
static void key_expr_sqlite(struct buf *b, const struct table_info *t, const char *x)
{
	if (t->has_id) {
		buf_printf(b, "%s.id", x);
		return;
	}
	buf_adds(b, "json_array(");
	for (int i = 0, n = t->npk ? t->npk : t->ncols; i < n; i++)
		buf_printf(b, "%s%s.%s", i ? ", " : "", x, t->npk ? t->pk[i] : t->cols[i]);
	buf_adds(b, ")");
}

static void key_expr_pg(struct buf *b, const struct table_info *t, const char *x)
{
	if (t->has_id) {
		buf_printf(b, "%s.id::text", x);
		return;
	}
	buf_adds(b, "('['");
	for (int i = 0, n = t->npk ? t->npk : t->ncols; i < n; i++)
		buf_printf(b, " || %splenum_json(%s.%s)", i ? "',' || " : "", x, t->npk ? t->pk[i] : t->cols[i]);
	buf_adds(b, " || ']')");
}

/* The row's image as SQL over alias x: a JSON object of its columns, secrets
 * left out. The same text serves the triggers and audit verify. */
static void image_expr_sqlite(struct buf *b, const struct table_info *t, const char *x)
{
	int first = 1;

	buf_adds(b, "json_object(");
	for (int i = 0; i < t->ncols; i++) {
		if (secret_column(t->name, t->cols[i]))
			continue;
		buf_printf(b, "%s'%s', %s.%s", first ? "" : ", ", t->cols[i], x, t->cols[i]);
		first = 0;
	}
	buf_adds(b, ")");
}

static void image_expr_pg(struct buf *b, const struct table_info *t, const char *x)
{
	int first = 1;

	buf_adds(b, "('{'");
	for (int i = 0; i < t->ncols; i++) {
		if (secret_column(t->name, t->cols[i]))
			continue;
		buf_printf(b, " || '%s\"%s\":' || plenum_json(%s.%s)", first ? "" : ",", t->cols[i], x, t->cols[i]);
		first = 0;
	}
	buf_adds(b, " || '}')");
}

static const char *org_col(const struct table_info *t)
{
	return t->has_org ? "org_id" : "id";
}

struct image_gen {
	void (*key)(struct buf *b, const struct table_info *t, const char *x);
	void (*image)(struct buf *b, const struct table_info *t, const char *x);
	void (*triggers)(struct buf *b, const struct table_info *t);
};

/* Three SQLite triggers per table. */
static void triggers_sqlite(struct buf *sql, const struct table_info *t)
{
	buf_printf(sql, "CREATE TRIGGER audit_%s_ins AFTER INSERT ON %s BEGIN INSERT INTO audit_change "
		   "(org_id, tbl, row_key, op, after) VALUES (NEW.%s, '%s', ", t->name, t->name, org_col(t), t->name);
	key_expr_sqlite(sql, t, "NEW");
	buf_adds(sql, ", 'insert', ");
	image_expr_sqlite(sql, t, "NEW");
	buf_printf(sql, "); END;\nCREATE TRIGGER audit_%s_upd AFTER UPDATE ON %s BEGIN INSERT INTO audit_change "
		   "(org_id, tbl, row_key, old_key, op, before, after) VALUES (NEW.%s, '%s', ",
		   t->name, t->name, org_col(t), t->name);
	key_expr_sqlite(sql, t, "NEW");
	buf_adds(sql, ", CASE WHEN ");
	key_expr_sqlite(sql, t, "OLD");
	buf_adds(sql, " IS NOT ");
	key_expr_sqlite(sql, t, "NEW");
	buf_adds(sql, " THEN ");
	key_expr_sqlite(sql, t, "OLD");
	buf_adds(sql, " END, 'update', ");
	image_expr_sqlite(sql, t, "OLD");
	buf_adds(sql, ", ");
	image_expr_sqlite(sql, t, "NEW");
	buf_printf(sql, "); END;\nCREATE TRIGGER audit_%s_del AFTER DELETE ON %s BEGIN INSERT INTO audit_change "
		   "(org_id, tbl, row_key, op, before) VALUES (OLD.%s, '%s', ", t->name, t->name, org_col(t), t->name);
	key_expr_sqlite(sql, t, "OLD");
	buf_adds(sql, ", 'delete', ");
	image_expr_sqlite(sql, t, "OLD");
	buf_adds(sql, "); END;");
}

/* One plpgsql function per table and one row trigger calling it; the
 * function is replaced, the trigger was dropped before. Same rows in
 * audit_change, in the same order, as SQLite's three triggers. */
static void triggers_pg(struct buf *sql, const struct table_info *t)
{
	buf_printf(sql, "CREATE OR REPLACE FUNCTION audit_row_%s() RETURNS trigger LANGUAGE plpgsql AS $audit$\n"
		   "BEGIN\nIF TG_OP = 'INSERT' THEN\nINSERT INTO audit_change (org_id, tbl, row_key, op, after) "
		   "VALUES (NEW.%s, '%s', ", t->name, org_col(t), t->name);
	key_expr_pg(sql, t, "NEW");
	buf_adds(sql, ", 'insert', ");
	image_expr_pg(sql, t, "NEW");
	buf_printf(sql, ");\nELSIF TG_OP = 'UPDATE' THEN\nINSERT INTO audit_change (org_id, tbl, row_key, old_key, op, "
		   "before, after) VALUES (NEW.%s, '%s', ", org_col(t), t->name);
	key_expr_pg(sql, t, "NEW");
	buf_adds(sql, ", CASE WHEN ");
	key_expr_pg(sql, t, "OLD");
	buf_adds(sql, " IS DISTINCT FROM ");
	key_expr_pg(sql, t, "NEW");
	buf_adds(sql, " THEN ");
	key_expr_pg(sql, t, "OLD");
	buf_adds(sql, " END, 'update', ");
	image_expr_pg(sql, t, "OLD");
	buf_adds(sql, ", ");
	image_expr_pg(sql, t, "NEW");
	buf_printf(sql, ");\nELSE\nINSERT INTO audit_change (org_id, tbl, row_key, op, before) VALUES (OLD.%s, '%s', ",
		   org_col(t), t->name);
	key_expr_pg(sql, t, "OLD");
	buf_adds(sql, ", 'delete', ");
	image_expr_pg(sql, t, "OLD");
	buf_printf(sql, ");\nEND IF;\nRETURN NULL;\nEND\n$audit$;\n"
		   "CREATE TRIGGER audit_%s AFTER INSERT OR UPDATE OR DELETE ON %s FOR EACH ROW "
		   "EXECUTE FUNCTION audit_row_%s();", t->name, t->name, t->name);
}

static const struct image_gen image_gens[] = {
	[ENGINE_SQLITE] = { key_expr_sqlite, image_expr_sqlite, triggers_sqlite },
	[ENGINE_PG] = { key_expr_pg, image_expr_pg, triggers_pg },
};

static const struct image_gen *gen_of(struct store *st)
{
	return &image_gens[store_dialect(st)->engine];
}

int store_audit_triggers(struct store *st, struct err *err)
{
	struct db *db = store_db(st);
	const struct dialect *dl = store_dialect(st);
	const struct image_gen *g = gen_of(st);
	struct table_info *tables = xcalloc(MAX_TABLES, sizeof(*tables));
	struct buf sql = BUF_INIT(AUDIT_SQL_MAX * 4);
	struct db_stmt *s;
	char names[256][80], on[256][64];
	int n = 0, ndrop = 0, rc = -1;

	s = db_prepare(db, dl->audit_triggers, err);
	if (s == NULL)
		goto out;
	while ((rc = db_step(s, err)) == DB_ROW && ndrop < 256) {
		snprintf(names[ndrop], sizeof(names[0]), "%s", db_col_text(s, 0));
		snprintf(on[ndrop++], sizeof(on[0]), "%s", db_col_text(s, 1));
	}
	db_done(s);
	if (rc < 0)
		goto out;
	rc = -1;
	for (int i = 0; i < ndrop; i++) {
		buf_reset(&sql);
		dl->drop_trigger(&sql, names[i], on[i]);
		if (db_exec(db, buf_str(&sql), err) != 0)
			goto out;
	}
	if (list_tables(st, tables, MAX_TABLES, &n, err) != 0)
		goto out;
	for (int i = 0; i < n; i++) {
		const struct table_info *t = &tables[i];

		if (!audited(t))
			continue;
		buf_reset(&sql);
		g->triggers(&sql, t);
		if (sql.err) {
			err_set(err, ST_FAIL, "the audit trigger of table %s is too long", t->name);
			goto out;
		}
		if (db_exec(db, buf_str(&sql), err) != 0)
			goto out;
	}
	rc = 0;
out:
	buf_release(&sql);
	free(tables);
	return rc;
}

/* Writes an image of every audited row into audit_change as change op:
 * of every org (org_id 0) or of one. Set-based: one statement per table. */
static int image_rows(struct store *st, const char *op, int64_t org_id, struct err *err)
{
	struct table_info *tables = xcalloc(MAX_TABLES, sizeof(*tables));
	struct buf sql = BUF_INIT(AUDIT_SQL_MAX);
	struct db_stmt *s;
	int n = 0, rc = -1;

	if (list_tables(st, tables, MAX_TABLES, &n, err) != 0)
		goto out;
	for (int i = 0; i < n; i++) {
		const struct table_info *t = &tables[i];
		int step;

		if (!audited(t))
			continue;
		buf_reset(&sql);
		buf_printf(&sql, "INSERT INTO audit_change (org_id, tbl, row_key, op, after) SELECT x.%s, '%s', ",
			   org_col(t), t->name);
		gen_of(st)->key(&sql, t, "x");
		buf_printf(&sql, ", '%s', ", op);
		gen_of(st)->image(&sql, t, "x");
		buf_printf(&sql, " FROM %s x", t->name);
		if (org_id)
			buf_printf(&sql, " WHERE x.%s = ?1", org_col(t));
		if (sql.err) {
			err_set(err, ST_FAIL, "the image query of table %s is too long", t->name);
			goto out;
		}
		s = db_prepare(store_db(st), buf_str(&sql), err);
		if (s == NULL)
			goto out;
		if (org_id)
			db_bind_int(s, 1, org_id);
		step = db_step(s, err);
		db_done(s);
		if (step < 0)
			goto out;
	}
	rc = 0;
out:
	buf_release(&sql);
	free(tables);
	return rc;
}

int store_audit_rebaseline(struct store *st, struct err *err)
{
	return image_rows(st, "baseline", 0, err);
}

int store_audit_image_org(struct store *st, int64_t org_id, struct err *err)
{
	return image_rows(st, "insert", org_id, err);
}

/* ---- deleting one org ---- */

static int exec_id(struct db *db, const char *sql, int64_t id, struct err *err)
{
	struct db_stmt *s = db_prepare(db, sql, err);
	int rc;

	if (s == NULL)
		return -1;
	db_bind_int(s, 1, id);
	rc = db_step(s, err);
	db_done(s);
	return rc < 0 ? -1 : 0;
}

int store_org_delete(struct store *st, int64_t org_id, struct err *err)
{
	struct db *db = store_db(st);
	struct table_info *tables = xcalloc(MAX_TABLES, sizeof(*tables));
	int done[MAX_TABLES] = { 0 };
	struct buf sql = BUF_INIT(512);
	int n = 0, left, rc = -1;

	if (list_tables(st, tables, MAX_TABLES, &n, err) != 0)
		goto out;
	/* Referencing tables go before the tables they refer to; a table that
	 * refers to itself is emptied of the org's rows in one statement, which
	 * SQLite checks as a whole. */
	left = 0;
	for (int i = 0; i < n; i++) {
		done[i] = !tables[i].has_org;
		left += !done[i];
	}
	while (left > 0) {
		int progress = 0;

		for (int i = 0; i < n; i++) {
			int referenced = 0;

			if (done[i])
				continue;
			for (int j = 0; j < n && !referenced; j++) {
				if (done[j] || j == i)
					continue;
				for (int k = 0; k < tables[j].nrefs; k++)
					if (strcmp(tables[j].refs[k], tables[i].name) == 0)
						referenced = 1;
			}
			if (referenced)
				continue;
			buf_reset(&sql);
			buf_printf(&sql, "DELETE FROM %s WHERE org_id = ?", tables[i].name);
			if (exec_id(db, buf_str(&sql), org_id, err) != 0)
				goto out;
			done[i] = 1;
			left--;
			progress = 1;
		}
		if (!progress) {
			err_set(err, ST_FAIL, "the schema's foreign keys form a cycle: cannot order the org's deletion");
			goto out;
		}
	}
	if (exec_id(db, "DELETE FROM org WHERE id = ?", org_id, err) != 0 ||
	    exec_id(db, "DELETE FROM audit_change WHERE org_id = ?", org_id, err) != 0)
		goto out;
	rc = 0;
out:
	buf_release(&sql);
	free(tables);
	return rc;
}

/* ---- the audit trail's row images ---- */

int store_audit_changes(struct store *st, int64_t org_id, int64_t audit_id, store_change_cb cb, void *ctx,
			struct err *err)
{
	/* In pages, keyed by id: PostgreSQL's driver holds a statement's whole
	 * result, and an import's or a copy's entry seals a change per row. */
	const char *sql = audit_id
		? "SELECT id, tbl, row_key, old_key, op, before, after FROM audit_change WHERE audit_id = ?1 AND id > ?2 "
		  "ORDER BY id LIMIT " AUDIT_PAGE_TEXT
		: "SELECT id, tbl, row_key, old_key, op, before, after FROM audit_change "
		  "WHERE org_id = ?1 AND audit_id IS NULL AND id > ?2 ORDER BY id LIMIT " AUDIT_PAGE_TEXT;
	struct audit_change c;
	int64_t after = -1, got;
	int rc;

	do {
		struct db_stmt *s = db_prepare(store_db(st), sql, err);

		if (s == NULL)
			return -1;
		db_bind_int(s, 1, audit_id ? audit_id : org_id);
		db_bind_int(s, 2, after);
		got = 0;
		while ((rc = db_step(s, err)) == DB_ROW) {
			c.id = db_col_int(s, 0);
			c.tbl = db_col_text(s, 1);
			c.row_key = db_col_text(s, 2);
			c.old_key = db_col_text(s, 3);
			c.op = db_col_text(s, 4);
			c.before = db_col_text(s, 5);
			c.after = db_col_text(s, 6);
			after = c.id;
			got++;
			rc = cb(ctx, &c);
			if (rc != 0)
				break;
		}
		db_done(s);
		if (rc != DB_DONE)
			return rc < 0 ? -1 : rc;
	} while (got == AUDIT_PAGE);
	return 0;
}

int store_audit_change_insert(struct store *st, int64_t org_id, int64_t audit_id, const struct audit_change *c,
			      struct err *err)
{
	struct db_stmt *s = db_prepare(store_db(st),
		"INSERT INTO audit_change (org_id, audit_id, tbl, row_key, old_key, op, before, after) "
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?)", err);
	int rc;

	if (s == NULL)
		return -1;
	db_bind_int(s, 1, org_id);
	db_bind_int(s, 2, audit_id);
	db_bind_text(s, 3, c->tbl);
	db_bind_text(s, 4, c->row_key);
	db_bind_text(s, 5, c->old_key);
	db_bind_text(s, 6, c->op);
	db_bind_text(s, 7, c->before);
	db_bind_text(s, 8, c->after);
	rc = db_step(s, err);
	db_done(s);
	return rc < 0 ? -1 : 0;
}

int store_audit_seal(struct store *st, int64_t org_id, int64_t audit_id, struct err *err)
{
	struct db_stmt *s = db_prepare(store_db(st),
		"UPDATE audit_change SET audit_id = ? WHERE org_id = ? AND audit_id IS NULL", err);
	int rc;

	if (s == NULL)
		return -1;
	db_bind_int(s, 1, audit_id);
	db_bind_int(s, 2, org_id);
	rc = db_step(s, err);
	db_done(s);
	return rc < 0 ? -1 : 0;
}

int store_audit_images(struct store *st, int64_t org_id, store_image_cb cb, void *ctx, struct err *err)
{
	struct table_info *tables = xcalloc(MAX_TABLES, sizeof(*tables));
	struct buf sql = BUF_INIT(AUDIT_SQL_MAX);
	int n = 0, rc = -1;

	if (list_tables(st, tables, MAX_TABLES, &n, err) != 0)
		goto out;
	for (int i = 0; i < n; i++) {
		const struct table_info *t = &tables[i];
		struct db_stmt *s;

		if (!audited(t))
			continue;
		buf_reset(&sql);
		buf_adds(&sql, "SELECT ");
		gen_of(st)->key(&sql, t, "x");
		buf_adds(&sql, ", ");
		gen_of(st)->image(&sql, t, "x");
		buf_printf(&sql, " FROM %s x WHERE x.%s = ?", t->name, org_col(t));
		if (sql.err) {
			err_set(err, ST_FAIL, "the image query of table %s is too long", t->name);
			goto out;
		}
		s = db_prepare(store_db(st), buf_str(&sql), err);
		if (s == NULL)
			goto out;
		db_bind_int(s, 1, org_id);
		while ((rc = db_step(s, err)) == DB_ROW) {
			rc = cb(ctx, t->name, db_col_text(s, 0), db_col_text(s, 1));
			if (rc != 0)
				break;
		}
		db_done(s);
		if (rc != 0) {
			rc = rc < 0 ? -1 : rc;
			goto out;
		}
	}
	rc = 0;
out:
	buf_release(&sql);
	free(tables);
	return rc;
}

/* ---- rows' place and version, for the services' checks ---- */

int store_row_meta(struct store *st, const struct entity *e, int64_t org_id, int64_t id,
		   int64_t *parent_id, int64_t *version, struct err *err)
{
	char sql[256];
	struct db_stmt *s;
	int rc;

	snprintf(sql, sizeof(sql), "SELECT %s, %s FROM %s WHERE id = ? AND org_id = ?",
		 e->parent_col ? e->parent_col : "0", (e->flags & EF_APPEND_ONLY) ? "0" : "version", e->table);
	s = db_prepare(store_db(st), sql, err);
	if (s == NULL)
		return -1;
	db_bind_int(s, 1, id);
	db_bind_int(s, 2, org_id);
	rc = db_step(s, err);
	if (rc == DB_ROW) {
		*parent_id = db_col_int(s, 0);
		*version = db_col_int(s, 1);
	}
	db_done(s);
	if (rc < 0)
		return -1;
	if (rc == DB_DONE)
		return err_set(err, ST_NOTFOUND, "no such %s", e->name);
	return 0;
}

/* ---- idempotency keys ---- */

int store_idem_get(struct store *st, int64_t org_id, const char *actor, const char *key, struct arena *a,
		   struct idem_row *out, struct err *err)
{
	struct db_stmt *s = db_prepare(store_db(st),
		"SELECT request_hash, coalesce(status, 0), location, body FROM idempotency "
		"WHERE org_id = ? AND actor = ? AND key = ?", err);
	int rc;

	memset(out, 0, sizeof(*out));
	if (s == NULL)
		return -1;
	db_bind_int(s, 1, org_id);
	db_bind_text(s, 2, actor);
	db_bind_text(s, 3, key);
	rc = db_step(s, err);
	if (rc == DB_ROW) {
		out->found = 1;
		out->request_hash = arena_strdup(a, db_col_text(s, 0));
		out->status = (int)db_col_int(s, 1);
		out->location = db_col_is_null(s, 2) ? NULL : arena_strdup(a, db_col_text(s, 2));
		out->body = db_col_is_null(s, 3) ? NULL : arena_strdup(a, db_col_text(s, 3));
	}
	db_done(s);
	return rc < 0 ? -1 : 0;
}

int store_idem_claim(struct store *st, int64_t org_id, const char *actor, const char *key,
		     const char *request_hash, const char *now, struct err *err)
{
	struct db_stmt *s = db_prepare(store_db(st),
		"INSERT INTO idempotency (org_id, actor, key, request_hash, created_at) VALUES (?, ?, ?, ?, ?)", err);
	struct err local = ERR_INIT;
	int rc;

	if (s == NULL)
		return -1;
	db_bind_int(s, 1, org_id);
	db_bind_text(s, 2, actor);
	db_bind_text(s, 3, key);
	db_bind_text(s, 4, request_hash);
	db_bind_text(s, 5, now);
	rc = db_step(s, &local);
	db_done(s);
	if (rc >= 0)
		return 0;
	if (local.code == ST_CONFLICT)
		return err_field(err, ST_CONFLICT, "Idempotency-Key",
				 "Idempotency-Key: a request with this key is being applied or was applied already");
	if (err)
		*err = local;
	return -1;
}

int store_idem_finish(struct store *st, int64_t org_id, const char *actor, const char *key, int status,
		      const char *location, const char *body, struct err *err)
{
	struct db_stmt *s = db_prepare(store_db(st),
		"UPDATE idempotency SET status = ?, location = ?, body = ? WHERE org_id = ? AND actor = ? AND key = ?", err);
	int rc;

	if (s == NULL)
		return -1;
	db_bind_int(s, 1, status);
	db_bind_text(s, 2, location);
	db_bind_text(s, 3, body);
	db_bind_int(s, 4, org_id);
	db_bind_text(s, 5, actor);
	db_bind_text(s, 6, key);
	rc = db_step(s, err);
	db_done(s);
	return rc < 0 ? -1 : 0;
}

int store_idem_purge(struct store *st, const char *before, struct err *err)
{
	struct db_stmt *s = db_prepare(store_db(st), "DELETE FROM idempotency WHERE created_at < ?", err);
	int rc;

	if (s == NULL)
		return -1;
	db_bind_text(s, 1, before);
	rc = db_step(s, err);
	db_done(s);
	return rc < 0 ? -1 : 0;
}

/* ---- rules across rows ---- */

int store_row_duplicate(struct store *st, const struct entity *e, const struct field *f, int64_t parent_id,
			int64_t exclude_id, const struct value *v, char *value, size_t size, struct err *err)
{
	char col[96], sql[768];
	struct db_stmt *s;
	int rc;

	if (v->kind == V_NULL || e->parent_col == NULL)
		return 0;
	model_column(f, col, sizeof(col));
	if (f->type == F_REF)
		snprintf(sql, sizeof(sql), "SELECT (SELECT r.%s FROM %s r WHERE r.id = o.%s) FROM %s o "
			 "WHERE o.%s = ? AND o.%s = ? AND o.id <> ? LIMIT 1", model_entity(f->ref)->key_field,
			 model_entity(f->ref)->table, col, e->table, e->parent_col, col);
	else
		snprintf(sql, sizeof(sql), "SELECT o.%s FROM %s o WHERE o.%s = ? AND o.%s = ? AND o.id <> ? LIMIT 1", col,
			 e->table, e->parent_col, col);
	s = db_prepare(store_db(st), sql, err);
	if (s == NULL)
		return -1;
	db_bind_int(s, 1, parent_id);
	switch (v->kind) {
	case V_INT: db_bind_int(s, 2, v->i); break;
	case V_REAL: db_bind_double(s, 2, v->d); break;
	default: db_bind_text(s, 2, v->s); break;
	}
	db_bind_int(s, 3, exclude_id);
	rc = db_step(s, err);
	if (rc == DB_ROW)
		snprintf(value, size, "%s", db_col_text(s, 0));
	db_done(s);
	return rc < 0 ? -1 : rc == DB_ROW;
}

/* 1 when sql, binding one id, finds a row; 0 when not; -1 on error. */
static int found_by_id(struct store *st, const char *sql, int64_t id, struct err *err)
{
	struct db_stmt *s = db_prepare(store_db(st), sql, err);
	int rc;

	if (s == NULL)
		return -1;
	db_bind_int(s, 1, id);
	rc = db_step(s, err);
	db_done(s);
	return rc < 0 ? -1 : rc == DB_ROW;
}

int store_leader_overlap(struct store *st, int64_t membership_id, struct err *err)
{
	return found_by_id(st,
		"SELECT 1 FROM membership x JOIN membership o ON o.group_id = x.group_id AND o.id <> x.id "
		"AND o.role = 'leader' WHERE x.id = ? AND x.role = 'leader' "
		"AND coalesce(o.from_on, '0000') <= coalesce(x.to_on, '9999') "
		"AND coalesce(x.from_on, '0000') <= coalesce(o.to_on, '9999') LIMIT 1", membership_id, err);
}

int store_task_supports_its_lead(struct store *st, int64_t task_id, struct err *err)
{
	return found_by_id(st,
		"SELECT 1 FROM task t JOIN task_unit tu ON tu.task_id = t.id AND tu.unit_id = t.lead_unit_id "
		"WHERE t.id = ? LIMIT 1", task_id, err);
}

int store_row_count(struct store *st, const struct entity *e, int64_t org_id, int64_t *n, struct err *err)
{
	char sql[256];
	struct db_stmt *s;
	int rc;

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s WHERE org_id = ?", e->table);
	s = db_prepare(store_db(st), sql, err);
	if (s == NULL)
		return -1;
	db_bind_int(s, 1, org_id);
	rc = db_step(s, err);
	*n = rc == DB_ROW ? db_col_int(s, 0) : 0;
	db_done(s);
	return rc < 0 ? -1 : 0;
}

int store_org_keys(struct store *st, struct arena *a, const char **keys, size_t max, size_t *n, struct err *err)
{
	struct db_stmt *s = db_prepare(store_db(st), "SELECT key FROM org ORDER BY id", err);
	int rc;

	*n = 0;
	if (s == NULL)
		return -1;
	while ((rc = db_step(s, err)) == DB_ROW && *n < max)
		keys[(*n)++] = arena_strdup(a, db_col_text(s, 0));
	db_done(s);
	return rc < 0 ? -1 : 0;
}
