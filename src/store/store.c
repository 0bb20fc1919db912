/*
 * store.c -- all of plenum's SQL (see store.h).
 *
 * Statements are static strings prepared once per connection by db.h's
 * cache. Generic statements for the data dictionary are built once per
 * entity into a per-store cache. Every list is one statement; the indexes
 * that serve each one are in the migrations.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_int.h"
#include "colmap.h"
#include "db.h"
#include "dialect.h"
#include "../core/arena.h"
#include "../core/text.h"
#include "../core/buf.h"
#include "../core/limits.h"
#include "../core/err.h"
#include "../core/xalloc.h"
#include "../domain/model.h"
#include "../core/banned.h"

extern const char *const store_migrations[];
extern const int store_nmigrations;

#define SQL_MAX 8192
/* LIMIT bound for "no limit": PostgreSQL refuses SQLite's -1. */
#define NO_LIMIT INT64_MAX
#define PARAMS_MAX 48          /* a generated query's parameters: 32 filters (h_rows.c) and the rest */

struct gen_sql {
	const struct entity *e;
	char *insert;
};

struct store {
	struct db *db;
	const struct dialect *dl;  /* the texts that differ between engines */
	struct gen_sql gen[64];
	int ngen;
	int migrated;            /* this open upgraded an existing database */
};

struct db *store_db(struct store *st)
{
	return st->db;
}

const struct dialect *store_dialect(struct store *st)
{
	return st->dl;
}

int store_migrated(const struct store *st)
{
	return st->migrated;
}

int store_schema_version(void)
{
	return store_nmigrations;
}

/* ---- opening and migrations ---- */

/* The stored schema version, read without any lock: 0 for a database with
 * no table at all (a new file); ST_INVALID for an SQLite file of some other
 * program. */
static int read_version(struct store *st, const char *path, int *version, struct err *err)
{
	struct db_stmt *s;
	int rc, tables = 0, has_version = 0;

	s = db_prepare(st->db, st->dl->count_tables, err);
	if (s == NULL)
		return -1;
	rc = db_step(s, err);
	if (rc == DB_ROW) {
		tables = (int)db_col_int(s, 0);
		has_version = (int)db_col_int(s, 1);
	}
	db_done(s);
	if (rc < 0)
		return -1;
	*version = 0;
	if (!has_version) {
		if (tables > 0)
			return err_set(err, ST_INVALID, "\"%s\" holds the tables of another program, not a plenum "
				       "database: check --db or $PLENUM_DB", path);
		return 0;
	}
	s = db_prepare(st->db, "SELECT coalesce(max(version), 0) FROM schema_version", err);
	if (s == NULL)
		return -1;
	rc = db_step(s, err);
	*version = rc == DB_ROW ? (int)db_col_int(s, 0) : 0;
	db_done(s);
	return rc < 0 ? -1 : 0;
}

static int version_ok(const char *path, int version, int readonly, struct err *err)
{
	if (version > store_nmigrations)
		return err_set(err, ST_FAIL, "\"%s\" has schema version %d, newer than this plenum understands (%d): "
			       "use a newer plenum", path, version, store_nmigrations);
	if (version < store_nmigrations && readonly)
		return err_set(err, ST_FAIL, "\"%s\" has schema version %d, older than this plenum's (%d): run a "
			       "command that writes (such as 'plenum init') once, with write access, to upgrade it",
			       path, version, store_nmigrations);
	return 0;
}

static int sqlite_store(const struct store *st)
{
	return strncmp(db_driver_of(st->db), "sqlite", 6) == 0;
}

static int foreign_keys_on(struct store *st, struct err *err)
{
	return sqlite_store(st) ? db_exec(st->db, "PRAGMA foreign_keys = ON", err) : 0;
}

/* After migrating with foreign keys off: every reference still resolves. */
static int foreign_keys_hold(struct store *st, struct err *err)
{
	struct db_stmt *s;
	int rc;

	if (!sqlite_store(st))
		return 0;
	s = db_prepare(st->db, "PRAGMA foreign_key_check", err);
	if (s == NULL)
		return -1;
	rc = db_step(s, err);
	if (rc == DB_ROW)
		err_set(err, ST_FAIL, "migrating left a row of %s referring to a missing row (PRAGMA foreign_key_check)",
			db_col_text(s, 0));
	db_done(s);
	return rc == DB_DONE ? 0 : -1;
}

/* Brings the schema up to date. The version is read first with no lock, so
 * an up-to-date database (every open but the first after an upgrade) never
 * waits for a writer; only an older one takes the write lock, and reads the
 * version again under it (another process may have migrated meanwhile). */
static int migrate(struct store *st, const char *path, int readonly, int create, struct err *err)
{
	int version = 0;
	struct db_stmt *s;

	if (read_version(st, path, &version, err) != 0)
		return -1;
	/* A database server's database exists before plenum does: empty, it
	 * is made a plenum database only when asked to (as a missing file). */
	if (version == 0 && !create)
		return err_set(err, ST_NOTFOUND, "no database: it holds no plenum data yet (create it with 'plenum init')");
	if (version_ok(path, version, readonly, err) != 0)
		return -1;
	if (version == store_nmigrations)
		return 0;
	/* A migration may rebuild a table (0011: SQLite drops NOT NULL only so),
	 * which needs foreign keys off; the pragma is a no-op inside a
	 * transaction, so it is set around it, and the keys are checked before
	 * the commit instead. */
	if (sqlite_store(st) && db_exec(st->db, "PRAGMA foreign_keys = OFF", err) != 0)
		return -1;
	if (db_begin(st->db, err) != 0)
		goto fk_on;
	if (db_exec(st->db, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)", err) != 0 ||
	    read_version(st, path, &version, err) != 0 || version_ok(path, version, readonly, err) != 0)
		goto fail;
	for (int v = version; v < store_nmigrations; v++) {
		if (db_exec(st->db, st->dl->migrations[v], err) != 0)
			goto fail;
		s = db_prepare(st->db, "INSERT INTO schema_version (version) VALUES (?1)", err);
		if (s == NULL)
			goto fail;
		db_bind_int(s, 1, v + 1);
		if (db_step(s, err) < 0) {
			db_done(s);
			goto fail;
		}
		db_done(s);
	}
	/* The audit triggers follow the schema: made anew whenever it changed.
	 * An upgraded database's rows may have new columns, so their images are
	 * taken again, to be sealed by the services (svc_open) as the org's
	 * "migrate" entry. */
	if (version < store_nmigrations && store_audit_triggers(st, err) != 0)
		goto fail;
	if (version > 0 && version < store_nmigrations) {
		if (store_audit_rebaseline(st, err) != 0)
			goto fail;
		st->migrated = 1;
	}
	if (foreign_keys_hold(st, err) != 0 || db_commit(st->db, err) != 0)
		goto fail;
	return foreign_keys_on(st, err);
fail:
	db_rollback(st->db);
fk_on:
	foreign_keys_on(st, NULL);
	return -1;
}

struct store *store_open(const char *path, int flags, struct err *err)
{
	struct store *st = xcalloc(1, sizeof(*st));
	int dflags = DB_OPEN_EXISTING;

	if (flags & STORE_CREATE)
		dflags |= DB_OPEN_CREATE;
	if (flags & STORE_INIT)
		dflags |= DB_OPEN_CREATE | DB_OPEN_EMPTY_OK;
	if (flags & STORE_READONLY)
		dflags = DB_OPEN_READONLY;
	st->db = db_open(path, dflags, err);
	if (st->db != NULL)
		st->dl = dialect_of(st->db);
	if (st->db == NULL || migrate(st, path, (flags & STORE_READONLY) != 0,
				      (flags & (STORE_CREATE | STORE_INIT)) != 0, err) != 0) {
		store_close(st);
		return NULL;
	}
	return st;
}

void store_set_lock_wait(struct store *st, int ms)
{
	db_set_busy_wait(st->db, ms);
}

int store_read_begin(struct store *st, struct err *err)
{
	return db_begin_read(st->db, err);
}

void store_read_end(struct store *st)
{
	db_rollback(st->db);
}

void store_close(struct store *st)
{
	if (st == NULL)
		return;
	for (int i = 0; i < st->ngen; i++) {
		free(st->gen[i].insert);
	}
	db_close(st->db);
	free(st);
}

int store_begin(struct store *st, struct err *err)
{
	return db_begin(st->db, err);
}

int store_lock_org(struct store *st, int64_t org_id, struct err *err)
{
	return db_lock_org(st->db, org_id, err);
}

static _Atomic int64_t g_commits;

int store_commit(struct store *st, struct err *err)
{
	if (db_commit(st->db, err) != 0)
		return -1;
	atomic_fetch_add(&g_commits, 1);
	return 0;
}

struct store_version store_version(struct store *st)
{
	struct store_version v = { db_data_version(st->db), atomic_load(&g_commits) };

	return v;
}

int64_t store_round_trips(struct store *st)
{
	return db_round_trips(st->db);
}

void store_version_mark(struct store *st)
{
	db_version_mark(st->db);
}

void store_rollback(struct store *st)
{
	db_rollback(st->db);
}

/* ---- helpers ---- */

/* A text column: copied into the arena, or borrowed (valid until the next
 * step) when a is NULL. */
static const char *col_s(struct db_stmt *s, int i, struct arena *a)
{
	return a ? arena_strdup(a, db_col_text(s, i)) : db_col_text(s, i);
}

/* Returns a zeroed slot at the end of *items, growing it in the arena. */
static void *grow(struct arena *a, void *items_p, size_t *n, size_t *cap, size_t size)
{
	void **items = items_p;

	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		void *bigger = arena_calloc(a, ncap, size);

		if (*n)
			memcpy(bigger, *items, *n * size);
		*items = bigger;
		*cap = ncap;
	}
	return (char *)*items + (*n)++ * size;
}

static int step_done(struct db_stmt *s, struct err *err)
{
	int rc = db_step(s, err);

	db_done(s);
	return rc < 0 ? -1 : 0;
}

/* Runs an INSERT ... RETURNING id and gives the new id in *id (when id is
 * not NULL): the one way to learn a new id on both engines (db.h). */
static int step_id(struct db_stmt *s, int64_t *id, struct err *err)
{
	int rc = db_step(s, err);

	if (rc == DB_ROW && id)
		*id = db_col_int(s, 0);
	db_done(s);
	if (rc == DB_DONE)
		return err_set(err, ST_FAIL, "database: an insert returned no id");
	return rc < 0 ? -1 : 0;
}

/* Reads the one row that sql (binding org_id and key) finds into out with
 * read; ST_NOTFOUND naming `what` when there is none. */
typedef void (*row_reader)(struct db_stmt *s, struct arena *a, void *out);

static int get_by_key(struct store *st, const char *sql, int64_t org_id, const char *key,
		      row_reader read, void *out, struct arena *a, const char *what, struct err *err)
{
	struct db_stmt *s = db_prepare(st->db, sql, err);
	int rc;

	if (s == NULL)
		return -1;
	db_bind_int(s, 1, org_id);
	db_bind_text(s, 2, key);
	rc = db_step(s, err);
	if (rc == DB_ROW)
		read(s, a, out);
	db_done(s);
	if (rc < 0)
		return -1;
	if (rc == DB_DONE)
		return err_field(err, ST_NOTFOUND, what, "no %s \"%s\"", what, key);
	return 0;
}

/* ---- generic rows ---- */

static struct gen_sql *gen_for(struct store *st, const struct entity *e)
{
	struct buf ins = BUF_INIT(SQL_MAX), vals = BUF_INIT(SQL_MAX);
	int is_org = strcmp(e->name, "org") == 0;
	char col[96];
	struct gen_sql *g;

	for (int i = 0; i < st->ngen; i++)
		if (st->gen[i].e == e)
			return &st->gen[i];
	if (st->ngen == (int)(sizeof(st->gen) / sizeof(st->gen[0])))
		fatal("too many entities for the statement cache");
	buf_printf(&ins, "INSERT INTO %s (", e->table);
	if (!is_org) {
		buf_adds(&ins, "org_id");
		buf_adds(&vals, "?");
	}
	if (e->parent_col) {
		buf_printf(&ins, ", %s", e->parent_col);
		buf_adds(&vals, ", ?");
	}
	for (size_t i = 0; i < e->nfields; i++) {
		const struct field *f = &e->fields[i];

		if (!model_is_column(f))
			continue;
		model_column(f, col, sizeof(col));
		buf_printf(&ins, "%s%s", ins.data[ins.len - 1] == '(' ? "" : ", ", col);
		buf_adds(&vals, vals.len ? ", ?" : "?");
	}
	buf_printf(&ins, ") VALUES (%s) RETURNING id", buf_str(&vals));
	if (ins.err || vals.err)
		fatal("generated SQL for %s is too long", e->name);
	g = &st->gen[st->ngen++];
	g->e = e;
	g->insert = buf_detach(&ins, NULL);
	buf_release(&vals);
	return g;
}

static void bind_value(struct db_stmt *s, int i, const struct value *v)
{
	switch (v->kind) {
	case V_INT: db_bind_int(s, i, v->i); break;
	case V_REAL: db_bind_double(s, i, v->d); break;
	case V_TEXT: db_bind_text(s, i, v->s); break;
	default: db_bind_null(s, i); break;
	}
}

int store_row_insert(struct store *st, const struct entity *e, int64_t org_id,
		     int64_t parent_id, const struct value *vals, int64_t *id, struct err *err)
{
	struct gen_sql *g = gen_for(st, e);
	struct db_stmt *s = db_prepare(st->db, g->insert, err);
	int p = 1;

	if (s == NULL)
		return -1;
	if (strcmp(e->name, "org") != 0)
		db_bind_int(s, p++, org_id);
	if (e->parent_col)
		db_bind_int(s, p++, parent_id);
	for (size_t i = 0; i < e->nfields; i++)
		if (model_is_column(&e->fields[i]))
			bind_value(s, p++, &vals[i]);
	return step_id(s, id, err);
}

int store_row_set_ref(struct store *st, const struct entity *e, const struct field *f,
		      int64_t row_id, int64_t ref_id, struct err *err)
{
	char sql[256], col[96];
	struct db_stmt *s;

	snprintf(sql, sizeof(sql), "UPDATE %s SET %s = ? WHERE id = ?", e->table,
		 model_column(f, col, sizeof(col)));
	s = db_prepare(st->db, sql, err);
	if (s == NULL)
		return -1;
	db_bind_int(s, 1, ref_id);
	db_bind_int(s, 2, row_id);
	return step_done(s, err);
}

int store_link_insert(struct store *st, const struct field *f, int64_t org_id,
		      int64_t owner_id, int64_t ref_id, struct err *err)
{
	char sql[256];
	struct db_stmt *s;

	/* seq: the order links were given in (the export keeps it). Writers of
	 * an org are serialised (db_lock_org), so max + 1 is never taken twice. */
	snprintf(sql, sizeof(sql), "INSERT INTO %s (org_id, %s, %s, seq) VALUES (?1, ?2, ?3, "
		 "(SELECT coalesce(max(seq), 0) + 1 FROM %s WHERE org_id = ?1))",
		 f->link_table, f->link_owner, f->link_ref, f->link_table);
	s = db_prepare(st->db, sql, err);
	if (s == NULL)
		return -1;
	db_bind_int(s, 1, org_id);
	db_bind_int(s, 2, owner_id);
	db_bind_int(s, 3, ref_id);
	return step_done(s, err);
}

int store_key_exists(struct store *st, const struct entity *e, int64_t org_id, const char *key,
		     struct err *err)
{
	int64_t id;

	return store_key_id(st, e, org_id, key, &id, err);
}

int store_key_id(struct store *st, const struct entity *e, int64_t org_id, const char *key,
		 int64_t *id, struct err *err)
{
	char sql[256];
	struct db_stmt *s;
	int rc;

	snprintf(sql, sizeof(sql), "SELECT id FROM %s WHERE org_id = ? AND %s = ?", e->table, e->key_field);
	s = db_prepare(st->db, sql, err);
	if (s == NULL)
		return -1;
	db_bind_int(s, 1, org_id);
	db_bind_text(s, 2, key);
	rc = db_step(s, err);
	if (rc == DB_ROW)
		*id = db_col_int(s, 0);
	db_done(s);
	if (rc < 0)
		return -1;
	if (rc == DB_DONE)
		return err_field(err, ST_NOTFOUND, e->name, "no %s \"%s\"", e->name, key);
	return 0;
}

static int has_version(const struct entity *e)
{
	return !(e->flags & EF_APPEND_ONLY);
}

/* The parameters of a generated query, numbered densely in the order they
 * are written (db.h: PostgreSQL cannot type a number it never sees). */
struct params {
	int n;
	struct { char kind; int64_t i; const char *s; } v[PARAMS_MAX];
	struct buf like;               /* the one LIKE pattern, when there is one */
};

static int param_int(struct params *p, int64_t i)
{
	if (p->n == (int)(sizeof(p->v) / sizeof(p->v[0])))
		fatal("too many parameters in a generated query");
	p->v[p->n].kind = 'i';
	p->v[p->n].i = i;
	return ++p->n;
}

static int param_text(struct params *p, const char *s)
{
	if (p->n == (int)(sizeof(p->v) / sizeof(p->v[0])))
		fatal("too many parameters in a generated query");
	p->v[p->n].kind = 't';
	p->v[p->n].s = s;
	return ++p->n;
}

static void params_bind(struct db_stmt *s, const struct params *p)
{
	for (int k = 0; k < p->n; k++) {
		if (p->v[k].kind == 'i')
			db_bind_int(s, k + 1, p->v[k].i);
		else
			db_bind_text(s, k + 1, p->v[k].s);
	}
}

/* A LIKE pattern finding q anywhere, with % _ and \ escaped. */
static const char *like_pattern(struct buf *like, const char *q)
{
	buf_addc(like, '%');
	for (const char *c = q; *c; c++) {
		if (*c == '%' || *c == '_' || *c == '\\')
			buf_addc(like, '\\');
		buf_addc(like, *c);
	}
	buf_addc(like, '%');
	return buf_str(like);
}

/* SELECT for store_rows_view: every reference joined to its row for the key.
 * The parameters go to p, in the order written. */
static void view_sql(const struct dialect *dl, const struct entity *e, const struct row_query *q, struct buf *b,
		     struct params *p)
{
	char col[96];
	int is_org = strcmp(e->name, "org") == 0;

	if (e->parent_col)
		buf_printf(b, "SELECT t.id, t.%s", e->parent_col);
	else
		buf_adds(b, "SELECT t.id, 0");
	buf_printf(b, ", %s", has_version(e) ? "t.version" : "0");
	for (size_t i = 0; i < e->nfields; i++) {
		const struct field *f = &e->fields[i];

		if (!model_is_column(f))
			continue;
		if (f->type == F_REF)
			buf_printf(b, ", r%zu.%s", i, model_entity(f->ref)->key_field);
		else
			buf_printf(b, ", t.%s", model_column(f, col, sizeof(col)));
	}
	buf_printf(b, " FROM %s t", e->table);
	for (size_t i = 0; i < e->nfields; i++) {
		const struct field *f = &e->fields[i];

		if (f->type == F_REF)
			buf_printf(b, " LEFT JOIN %s r%zu ON r%zu.id = t.%s", model_entity(f->ref)->table, i, i,
				   model_column(f, col, sizeof(col)));
	}
	buf_printf(b, " WHERE t.%s = ?%d", is_org ? "id" : "org_id", param_int(p, q->org_id));
	if (q->id)
		buf_printf(b, " AND t.id = ?%d", param_int(p, q->id));
	if (q->parent_id && e->parent_col)
		buf_printf(b, " AND t.%s = ?%d", e->parent_col, param_int(p, q->parent_id));
	if (q->after_id)
		buf_printf(b, " AND t.id > ?%d", param_int(p, q->after_id));
	for (int k = 0; k < q->neq; k++) {
		const struct field *f = model_field(e, q->eq_fields[k]);

		if (f == NULL || !model_is_column(f))
			continue;
		if (f->type == F_REF)
			buf_printf(b, " AND r%zu.%s = ?%d", (size_t)(f - e->fields), model_entity(f->ref)->key_field,
				   param_text(p, q->eq_values[k]));
		else
			buf_printf(b, " AND t.%s = ?%d", f->name, param_text(p, q->eq_values[k]));
	}
	if (q->observer_person_id && strcmp(e->name, "meeting") == 0)
		buf_printf(b, " AND EXISTS (SELECT 1 FROM attendance a WHERE a.meeting_id = t.id AND a.person_id = ?%d "
			   "AND a.capacity = 'observer')", param_int(p, q->observer_person_id));
	if (q->q && *q->q) {
		static const char *const text_fields[] = { "name", "name_en", "title", "title_en", NULL };
		int n = param_text(p, like_pattern(&p->like, q->q));

		buf_printf(b, " AND (t.%s %s ?%d ESCAPE '\\'", e->key_field ? e->key_field : "id", dl->like, n);
		for (int k = 0; text_fields[k]; k++) {
			const struct field *f = model_field(e, text_fields[k]);

			if (f && model_is_column(f))
				buf_printf(b, " OR t.%s %s ?%d ESCAPE '\\'", f->name, dl->like, n);
		}
		buf_adds(b, ")");
	}
	if (q->range_field && q->from)
		buf_printf(b, " AND t.%s >= ?%d", q->range_field, param_text(p, q->from));
	if (q->range_field && q->to)
		buf_printf(b, " AND t.%s < ?%d", q->range_field, param_text(p, q->to));
	buf_adds(b, " ORDER BY t.id");
	if (q->limit > 0)
		buf_printf(b, " LIMIT ?%d", param_int(p, q->limit));
}

int store_rows_count(struct store *st, const struct entity *e, const struct row_query *q, long long *n,
		     struct err *err)
{
	struct buf sql = BUF_INIT(SQL_MAX);
	struct params p = { .like = BUF_INIT(LIM_QUERY_CHARS * 8 + 8) };
	struct row_query all = *q;
	struct db_stmt *s;
	int rc;

	all.after_id = 0;
	all.limit = 0;
	buf_adds(&sql, "SELECT count(*) FROM (");
	view_sql(st->dl, e, &all, &sql, &p);
	buf_adds(&sql, ") v");
	if (sql.err) {
		buf_release(&p.like);
		return err_set(err, ST_FAIL, "query for %s is too long", e->name);
	}
	s = db_prepare(st->db, buf_str(&sql), err);
	buf_release(&sql);
	if (s == NULL) {
		buf_release(&p.like);
		return -1;
	}
	params_bind(s, &p);
	buf_release(&p.like);
	rc = db_step(s, err);
	*n = rc == DB_ROW ? db_col_int(s, 0) : 0;
	db_done(s);
	return rc == DB_ROW ? 0 : -1;
}

int store_rows_view(struct store *st, const struct entity *e, const struct row_query *q,
		    store_view_cb cb, void *ctx, struct err *err)
{
	struct buf sql = BUF_INIT(SQL_MAX);
	struct db_stmt *s;
	struct value *vals = NULL;
	struct row_meta m;
	struct params p = { .like = BUF_INIT(LIM_QUERY_CHARS * 8 + 8) };
	int rc = -1;

	view_sql(st->dl, e, q, &sql, &p);
	if (sql.err) {
		buf_release(&p.like);
		return err_set(err, ST_FAIL, "query for %s is too long", e->name);
	}
	s = db_prepare(st->db, buf_str(&sql), err);
	buf_release(&sql);
	if (s == NULL) {
		buf_release(&p.like);
		return -1;
	}
	params_bind(s, &p);
	buf_release(&p.like);
	vals = xcalloc(e->nfields, sizeof(*vals));
	while ((rc = db_step(s, err)) == DB_ROW) {
		int c = 3;

		m.id = db_col_int(s, 0);
		m.parent_id = db_col_int(s, 1);
		m.version = db_col_int(s, 2);
		for (size_t i = 0; i < e->nfields; i++) {
			struct value *v = &vals[i];

			memset(v, 0, sizeof(*v));
			if (!model_is_column(&e->fields[i]))
				continue;
			switch (db_col_kind(s, c)) {
			case 1: v->kind = V_INT; v->i = db_col_int(s, c); v->d = (double)v->i; break;
			case 2: v->kind = V_REAL; v->d = db_col_double(s, c); break;
			case 3: v->kind = V_TEXT; v->s = db_col_text(s, c); break;
			default: v->kind = V_NULL; break;
			}
			c++;
		}
		rc = cb(ctx, &m, vals);
		if (rc != 0)
			break;
	}
	db_done(s);
	free(vals);
	return rc < 0 ? -1 : rc;
}

int store_link_keys(struct store *st, const struct field *f, int64_t org_id, int64_t owner_id,
		    store_link_key_cb cb, void *ctx, struct err *err)
{
	const struct entity *re = model_entity(f->ref);
	char sql[512];
	struct db_stmt *s;
	int rc;

	snprintf(sql, sizeof(sql), "SELECT l.%s, r.%s FROM %s l JOIN %s r ON r.id = l.%s "
		 "WHERE l.org_id = ?1 AND (?2 = 0 OR l.%s = ?2) ORDER BY l.seq",
		 f->link_owner, re->key_field, f->link_table, re->table, f->link_ref, f->link_owner);
	s = db_prepare(st->db, sql, err);
	if (s == NULL)
		return -1;
	db_bind_int(s, 1, org_id);
	db_bind_int(s, 2, owner_id);
	while ((rc = db_step(s, err)) == DB_ROW) {
		rc = cb(ctx, db_col_int(s, 0), db_col_text(s, 1));
		if (rc != 0)
			break;
	}
	db_done(s);
	return rc < 0 ? -1 : rc;
}

int store_link_set(struct store *st, const struct field *f, int64_t org_id, int64_t owner_id,
		   const int64_t *ref_ids, size_t n, struct err *err)
{
	char sql[256];
	struct db_stmt *s;

	snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE %s = ?", f->link_table, f->link_owner);
	s = db_prepare(st->db, sql, err);
	if (s == NULL)
		return -1;
	db_bind_int(s, 1, owner_id);
	if (step_done(s, err) != 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (store_link_insert(st, f, org_id, owner_id, ref_ids[i], err) != 0)
			return -1;
	return 0;
}

int store_row_update(struct store *st, const struct entity *e, int64_t id, int64_t version,
		     const struct value *vals, const unsigned char *present, struct err *err)
{
	struct buf sql = BUF_INIT(SQL_MAX);
	struct db_stmt *s;
	char col[96];
	int p = 1;

	if (!has_version(e))
		return err_set(err, ST_CONFLICT, "%s records cannot be changed", e->name);
	buf_printf(&sql, "UPDATE %s SET version = version + 1", e->table);
	for (size_t i = 0; i < e->nfields; i++)
		if (present[i] && model_is_column(&e->fields[i]))
			buf_printf(&sql, ", %s = ?", model_column(&e->fields[i], col, sizeof(col)));
	buf_adds(&sql, " WHERE id = ? AND version = ?");
	if (sql.err)
		return err_set(err, ST_FAIL, "update of %s is too long", e->name);
	s = db_prepare(st->db, buf_str(&sql), err);
	buf_release(&sql);
	if (s == NULL)
		return -1;
	for (size_t i = 0; i < e->nfields; i++)
		if (present[i] && model_is_column(&e->fields[i]))
			bind_value(s, p++, &vals[i]);
	db_bind_int(s, p++, id);
	db_bind_int(s, p, version);
	if (step_done(s, err) != 0)
		return -1;
	if (db_changes(st->db) == 1)
		return 0;
	return err_set(err, ST_STALE, "the %s was changed by someone else since version %lld: reload it and try again",
		       e->name, (long long)version);
}

int store_row_delete(struct store *st, const struct entity *e, int64_t id, struct err *err)
{
	char sql[128];
	struct db_stmt *s;
	struct err local = ERR_INIT;

	if (!has_version(e))
		return err_set(err, ST_CONFLICT, "%s records are kept for good and cannot be deleted", e->name);
	snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE id = ?", e->table);
	s = db_prepare(st->db, sql, err);
	if (s == NULL)
		return -1;
	db_bind_int(s, 1, id);
	if (step_done(s, &local) != 0) {
		if (local.code == ST_CONFLICT)
			return err_set(err, ST_CONFLICT, "this %s is still referred to by other records; remove those first",
				       e->name);
		if (err)
			*err = local;
		return -1;
	}
	return 0;
}

/* ---- org and settings ---- */

int store_org_get(struct store *st, const char *key, struct arena *a,
		  struct org_row *out, struct err *err)
{
	struct db_stmt *s;
	int rc, count = 0;

	s = db_prepare(st->db, key ? "SELECT id, key, name, name_en, timezone, utc_offset FROM org WHERE key = ?"
				   : "SELECT id, key, name, name_en, timezone, utc_offset FROM org ORDER BY id LIMIT 2", err);
	if (s == NULL)
		return -1;
	if (key)
		db_bind_text(s, 1, key);
	while ((rc = db_step(s, err)) == DB_ROW) {
		if (count++ == 0) {
			out->id = db_col_int(s, 0);
			out->key = col_s(s, 1, a);
			out->name = col_s(s, 2, a);
			out->name_en = col_s(s, 3, a);
			out->timezone = col_s(s, 4, a);
			out->utc_offset = (int)db_col_int(s, 5);
		}
	}
	db_done(s);
	if (rc < 0)
		return -1;
	if (count == 0)
		return key ? err_field(err, ST_NOTFOUND, "org", "no org \"%s\"", key)
			   : err_set(err, ST_NOTFOUND, "the database holds no org yet (load one with 'plenum import' or 'plenum demo')");
	if (count > 1)
		return err_field(err, ST_INVALID, "org", "the database holds several orgs: name one with --org");
	return 0;
}

int store_settings(struct store *st, int64_t org_id, store_setting_cb cb, void *ctx,
		   struct err *err)
{
	struct db_stmt *s = db_prepare(st->db, "SELECT name, value FROM setting WHERE org_id = ? ORDER BY name", err);
	int rc;

	if (s == NULL)
		return -1;
	db_bind_int(s, 1, org_id);
	while ((rc = db_step(s, err)) == DB_ROW) {
		rc = cb(ctx, db_col_text(s, 0), db_col_text(s, 1));
		if (rc != 0)
			break;
	}
	db_done(s);
	return rc < 0 ? -1 : rc;
}

int store_setting_set(struct store *st, int64_t org_id, const char *name,
		      const char *value, struct err *err)
{
	struct db_stmt *s = db_prepare(st->db,
		"INSERT INTO setting (org_id, name, value) VALUES (?, ?, ?) "
		"ON CONFLICT (org_id, name) DO UPDATE SET value = excluded.value", err);

	if (s == NULL)
		return -1;
	db_bind_int(s, 1, org_id);
	db_bind_text(s, 2, name);
	db_bind_text(s, 3, value);
	return step_done(s, err);
}

/* ---- audit ---- */

int store_audit_last_hash(struct store *st, int64_t org_id, char *out, size_t size,
			  struct err *err)
{
	struct db_stmt *s = db_prepare(st->db, "SELECT hash FROM audit WHERE org_id = ? ORDER BY id DESC LIMIT 1", err);
	int rc;

	if (s == NULL)
		return -1;
	db_bind_int(s, 1, org_id);
	rc = db_step(s, err);
	snprintf(out, size, "%s", rc == DB_ROW ? db_col_text(s, 0) : "");
	db_done(s);
	return rc < 0 ? -1 : 0;
}

/* The twelve columns of an audit row, bound as ?1..?12 in the order of
 * store_audit_insert's column list. */
static void bind_audit_row(struct db_stmt *s, const struct audit_row *r)
{
	db_bind_int(s, 1, r->org_id);
	db_bind_text(s, 2, r->at);
	db_bind_text(s, 3, r->actor);
	db_bind_text(s, 4, r->action);
	db_bind_text(s, 5, r->entity);
	if (r->row_id)
		db_bind_int(s, 6, r->row_id);
	else
		db_bind_null(s, 6);
	db_bind_text(s, 7, r->before);
	db_bind_text(s, 8, r->after);
	db_bind_text(s, 9, r->prev_hash);
	db_bind_text(s, 10, r->hash);
	db_bind_text(s, 11, r->changes_hash);
	db_bind_int(s, 12, r->nchanges);
}

int store_audit_insert(struct store *st, const struct audit_row *r, int64_t *id, struct err *err)
{
	struct db_stmt *s = db_prepare(st->db,
		"INSERT INTO audit (org_id, at, actor, action, entity, row_id, before, after, prev_hash, hash, "
		"changes_hash, nchanges) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id", err);

	if (s == NULL)
		return -1;
	bind_audit_row(s, r);
	return step_id(s, id, err);
}

int store_audit_insert_sealed(struct store *st, const struct audit_row *r, int64_t *id, struct err *err)
{
	struct db_stmt *s;
	int64_t new_id = 0;

	if (!st->dl->dml_with) {
		if (store_audit_insert(st, r, &new_id, err) != 0 || store_audit_seal(st, r->org_id, new_id, err) != 0)
			return -1;
		if (id)
			*id = new_id;
		return 0;
	}
	s = db_prepare(st->db,
		"WITH a AS (INSERT INTO audit (org_id, at, actor, action, entity, row_id, before, after, prev_hash, "
		"hash, changes_hash, nchanges) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) RETURNING id), "
		"sealed AS (UPDATE audit_change SET audit_id = (SELECT id FROM a) WHERE org_id = ?1 AND audit_id IS NULL) "
		"SELECT id FROM a", err);
	if (s == NULL)
		return -1;
	bind_audit_row(s, r);
	return step_id(s, id, err);
}

int store_audit_pending(struct store *st, int64_t org_id, char *out, size_t size, store_change_cb cb, void *ctx,
			struct err *err)
{
	/* One row at least (the hash, with no change when none is pending). */
	struct db_stmt *s = db_prepare(st->db,
		"SELECT (SELECT hash FROM audit WHERE org_id = ?1 ORDER BY id DESC LIMIT 1), "
		"c.id, c.tbl, c.row_key, c.old_key, c.op, c.before, c.after "
		"FROM (SELECT 1 AS one) x LEFT JOIN audit_change c ON c.org_id = ?1 AND c.audit_id IS NULL "
		"ORDER BY c.id", err);
	struct audit_change c;
	int rc, first = 1;

	if (s == NULL)
		return -1;
	db_bind_int(s, 1, org_id);
	while ((rc = db_step(s, err)) == DB_ROW) {
		if (first) {
			snprintf(out, size, "%s", db_col_is_null(s, 0) ? "" : db_col_text(s, 0));
			first = 0;
		}
		if (db_col_is_null(s, 1))
			continue;
		c.id = db_col_int(s, 1);
		c.tbl = db_col_text(s, 2);
		c.row_key = db_col_text(s, 3);
		c.old_key = db_col_text(s, 4);
		c.op = db_col_text(s, 5);
		c.before = db_col_text(s, 6);
		c.after = db_col_text(s, 7);
		rc = cb(ctx, &c);
		if (rc != 0)
			break;
	}
	db_done(s);
	if (first && rc == DB_DONE)
		snprintf(out, size, "%s", "");
	return rc < 0 ? -1 : rc;
}

int store_audit_scan(struct store *st, int64_t org_id, int64_t after_id, int limit, store_audit_cb cb,
		     void *ctx, struct err *err)
{
	struct db_stmt *s = db_prepare(st->db,
		"SELECT id, org_id, at, actor, action, entity, coalesce(row_id, 0), before, after, prev_hash, hash, "
		"changes_hash, nchanges FROM audit WHERE org_id = ? AND id > ? ORDER BY id LIMIT ?", err);
	struct audit_row r;
	int rc;

	if (s == NULL)
		return -1;
	db_bind_int(s, 1, org_id);
	db_bind_int(s, 2, after_id);
	db_bind_int(s, 3, limit > 0 ? limit : NO_LIMIT);
	while ((rc = db_step(s, err)) == DB_ROW) {
		r.id = db_col_int(s, 0);
		r.org_id = db_col_int(s, 1);
		r.at = db_col_text(s, 2);
		r.actor = db_col_text(s, 3);
		r.action = db_col_text(s, 4);
		r.entity = db_col_text(s, 5);
		r.row_id = db_col_int(s, 6);
		r.before = db_col_text(s, 7);
		r.after = db_col_text(s, 8);
		r.prev_hash = db_col_text(s, 9);
		r.hash = db_col_text(s, 10);
		r.changes_hash = db_col_is_null(s, 11) ? NULL : db_col_text(s, 11);
		r.nchanges = db_col_int(s, 12);
		rc = cb(ctx, &r);
		if (rc != 0)
			break;
	}
	db_done(s);
	return rc < 0 ? -1 : rc;
}

/* ---- meetings ---- */

/* A group's meetings: those it held, and those it held jointly as a host
 * (meeting_host). Binds ?1 to the group's id. */
#define MEETING_OF_GROUP \
	"(m.group_id = ?1 OR EXISTS (SELECT 1 FROM meeting_host h WHERE h.meeting_id = m.id AND h.group_id = ?1))"

#define MEETING_COLS \
	"m.id, m.key, m.title, m.title_en, m.kind, m.status, m.starts_at, m.ends_at, m.place, " \
	"g.key, g.name, g.name_en, c.key, c.name, c.name_en, r.name, r.name_en, t.key, t.title, " \
	"m.summary, m.summary_en, m.minutes, m.illustrative, " \
	"(SELECT count(*) FROM attendance a WHERE a.meeting_id = m.id), " \
	"(SELECT count(*) FROM attendance a WHERE a.meeting_id = m.id AND a.status = 'present'), " \
	"(SELECT count(*) FROM speech s WHERE s.meeting_id = m.id), " \
	"(SELECT count(*) FROM decision d WHERE d.meeting_id = m.id), m.version, " \
	"m.time_precision, m.part_of_day, m.ends_on, m.duration_days, coalesce(m.ordinal, 0), m.chair_title, " \
	"m.chair_title_en, m.inferred, m.source_title, m.source_url, m.outlet, m.reporters, m.published_on, " \
	"m.source_extent "
#define MEETING_FROM \
	"FROM meeting m JOIN study_group g ON g.id = m.group_id " \
	"LEFT JOIN person c ON c.id = m.chair_id LEFT JOIN person r ON r.id = m.recorder_id " \
	"LEFT JOIN plan_topic t ON t.id = m.topic_id "

static void read_meeting(struct db_stmt *s, struct arena *a, struct meeting_row *m)
{
	m->id = db_col_int(s, 0);
	m->key = col_s(s, 1, a);
	m->title = col_s(s, 2, a);
	m->title_en = col_s(s, 3, a);
	m->kind = col_s(s, 4, a);
	m->status = col_s(s, 5, a);
	m->starts_at = col_s(s, 6, a);
	m->ends_at = col_s(s, 7, a);
	m->place = col_s(s, 8, a);
	m->group_key = col_s(s, 9, a);
	m->group_name = col_s(s, 10, a);
	m->group_name_en = col_s(s, 11, a);
	m->chair_key = col_s(s, 12, a);
	m->chair_name = col_s(s, 13, a);
	m->chair_name_en = col_s(s, 14, a);
	m->recorder_name = col_s(s, 15, a);
	m->recorder_name_en = col_s(s, 16, a);
	m->topic_key = col_s(s, 17, a);
	m->topic_title = col_s(s, 18, a);
	m->summary = col_s(s, 19, a);
	m->summary_en = col_s(s, 20, a);
	m->minutes = col_s(s, 21, a);
	m->illustrative = col_s(s, 22, a);
	m->n_attendance = (int)db_col_int(s, 23);
	m->n_present = (int)db_col_int(s, 24);
	m->n_speeches = (int)db_col_int(s, 25);
	m->n_decisions = (int)db_col_int(s, 26);
	m->version = db_col_int(s, 27);
	m->time_precision = col_s(s, 28, a);
	m->part_of_day = col_s(s, 29, a);
	m->ends_on = col_s(s, 30, a);
	m->duration_days = col_s(s, 31, a);
	m->ordinal = (int)db_col_int(s, 32);
	m->chair_title = col_s(s, 33, a);
	m->chair_title_en = col_s(s, 34, a);
	m->inferred = col_s(s, 35, a);
	m->source_title = col_s(s, 36, a);
	m->source_url = col_s(s, 37, a);
	m->outlet = col_s(s, 38, a);
	m->reporters = col_s(s, 39, a);
	m->published_on = col_s(s, 40, a);
	m->source_extent = col_s(s, 41, a);
}

int store_meeting_list(struct store *st, int64_t org_id, const struct meeting_filter *f,
		       struct arena *a, struct meeting_row **rows, size_t *n, struct err *err)
{
	struct db_stmt *s = db_prepare(st->db, "SELECT " MEETING_COLS MEETING_FROM
		"WHERE m.org_id = ? AND (?2 IS NULL OR g.key = ?2 OR EXISTS (SELECT 1 FROM meeting_host h "
		"JOIN study_group hg ON hg.id = h.group_id WHERE h.meeting_id = m.id AND hg.key = ?2)) "
		"AND (?3 IS NULL OR m.status = ?3) "
		"AND (?4 IS NULL OR m.starts_at >= ?4) AND (?5 IS NULL OR m.starts_at < ?5) "
		"ORDER BY m.starts_at, m.id", err);
	size_t cap = 0;
	int rc;

	*rows = NULL;
	*n = 0;
	if (s == NULL)
		return -1;
	db_bind_int(s, 1, org_id);
	db_bind_text(s, 2, f ? f->group_key : NULL);
	db_bind_text(s, 3, f ? f->status : NULL);
	db_bind_text(s, 4, f ? f->from_at : NULL);
	db_bind_text(s, 5, f ? f->to_at : NULL);
	while ((rc = db_step(s, err)) == DB_ROW)
		read_meeting(s, a, grow(a, rows, n, &cap, sizeof(**rows)));
	db_done(s);
	return rc < 0 ? -1 : 0;
}

int store_meeting_upcoming(struct store *st, int64_t org_id, const char *from_at, int limit, struct arena *a,
			   struct meeting_row **rows, size_t *n, struct err *err)
{
	/* A range of the meeting_org index, stopped at the limit: the
	 * dashboard's few next meetings whatever the org's history. */
	struct db_stmt *s = db_prepare(st->db, "SELECT " MEETING_COLS MEETING_FROM
		"WHERE m.org_id = ? AND m.starts_at >= ? AND m.status = 'planned' ORDER BY m.starts_at, m.id LIMIT ?", err);
	size_t cap = 0;
	int rc;

	*rows = NULL;
	*n = 0;
	if (s == NULL)
		return -1;
	db_bind_int(s, 1, org_id);
	db_bind_text(s, 2, from_at);
	db_bind_int(s, 3, limit);
	while ((rc = db_step(s, err)) == DB_ROW)
		read_meeting(s, a, grow(a, rows, n, &cap, sizeof(**rows)));
	db_done(s);
	return rc < 0 ? -1 : 0;
}

static void read_meeting_v(struct db_stmt *s, struct arena *a, void *out)
{
	read_meeting(s, a, out);
}

int store_meeting_get(struct store *st, int64_t org_id, const char *key, struct arena *a,
		      struct meeting_row *out, struct err *err)
{
	return get_by_key(st, "SELECT " MEETING_COLS MEETING_FROM "WHERE m.org_id = ? AND m.key = ?",
			  org_id, key, read_meeting_v, out, a, "meeting", err);
}

int store_meeting_changed(struct store *st, int64_t org_id, struct arena *a, int64_t **ids, const char ***ats,
			  size_t *n, struct err *err)
{
	struct db_stmt *s = db_prepare(st->db, "SELECT row_id, max(at) FROM audit "
				       "WHERE org_id = ? AND entity = 'meeting' AND row_id IS NOT NULL GROUP BY row_id", err);
	size_t cap = 0, cap2 = 0, n2 = 0;
	int rc;

	*ids = NULL;
	*ats = NULL;
	*n = 0;
	if (s == NULL)
		return -1;
	db_bind_int(s, 1, org_id);
	while ((rc = db_step(s, err)) == DB_ROW) {
		*(int64_t *)grow(a, ids, n, &cap, sizeof(**ids)) = db_col_int(s, 0);
		*(const char **)grow(a, ats, &n2, &cap2, sizeof(**ats)) = col_s(s, 1, a);
	}
	db_done(s);
	return rc < 0 ? -1 : 0;
}

#define RECORD_MATERIALS_SQL \
	"SELECT kind, title, title_en, source, note FROM material " \
	"WHERE meeting_id = ? ORDER BY id"

static int record_materials(struct store *st, int64_t mid, struct arena *a,
			    struct meeting_record *out, struct err *err)
{
	struct db_stmt *s = db_prepare(st->db, RECORD_MATERIALS_SQL, err);
	size_t cap = 0;
	int rc;

	if (s == NULL)
		return -1;
	db_bind_int(s, 1, mid);
	while ((rc = db_step(s, err)) == DB_ROW) {
		struct material_row *m = grow(a, &out->materials, &out->nmaterials, &cap, sizeof(*m));

		m->kind = col_s(s, 0, a);
		m->title = col_s(s, 1, a);
		m->title_en = col_s(s, 2, a);
		m->source = col_s(s, 3, a);
		m->note = col_s(s, 4, a);
	}
	db_done(s);
	return rc < 0 ? -1 : 0;
}

#define RECORD_ATTENDANCE_SQL \
	"SELECT p.id, p.key, p.name, p.name_en, a.title, a.title_en, u.name, u.name_en, " \
	"a.capacity, a.status, a.leave_reason, ap.name, ap.name_en, a.makeup_due, a.makeup_done, " \
	"a.makeup_note, a.note, a.illustrative, a.inferred " \
	"FROM attendance a JOIN person p ON p.id = a.person_id LEFT JOIN unit u ON u.id = p.unit_id " \
	"LEFT JOIN person ap ON ap.id = a.leave_approver_id WHERE a.meeting_id = ? " \
	"ORDER BY CASE a.capacity WHEN 'member' THEN 0 WHEN 'attendee' THEN 1 ELSE 2 END, a.id"

static int record_attendance(struct store *st, int64_t mid, struct arena *a,
			     struct meeting_record *out, struct err *err)
{
	struct db_stmt *s = db_prepare(st->db, RECORD_ATTENDANCE_SQL, err);
	size_t cap = 0;
	int rc;

	if (s == NULL)
		return -1;
	db_bind_int(s, 1, mid);
	while ((rc = db_step(s, err)) == DB_ROW) {
		struct attendance_row *r = grow(a, &out->attendance, &out->nattendance, &cap, sizeof(*r));

		r->person_id = db_col_int(s, 0);
		r->person_key = col_s(s, 1, a);
		r->name = col_s(s, 2, a);
		r->name_en = col_s(s, 3, a);
		r->title = col_s(s, 4, a);
		r->title_en = col_s(s, 5, a);
		r->unit_name = col_s(s, 6, a);
		r->unit_name_en = col_s(s, 7, a);
		r->capacity = col_s(s, 8, a);
		r->status = col_s(s, 9, a);
		r->leave_reason = col_s(s, 10, a);
		r->approver_name = col_s(s, 11, a);
		r->approver_name_en = col_s(s, 12, a);
		r->makeup_due = col_s(s, 13, a);
		r->makeup_done = col_s(s, 14, a);
		r->makeup_note = col_s(s, 15, a);
		r->note = col_s(s, 16, a);
		r->illustrative = col_s(s, 17, a);
		r->inferred = col_s(s, 18, a);
	}
	db_done(s);
	return rc < 0 ? -1 : 0;
}

#define RECORD_UNITS_SQL \
	"SELECT u.key, u.name, u.name_en, mu.description, mu.description_en, mu.represented_by, " \
	"mu.represented_by_en, mu.capacity, g.key, g.name, g.name_en, mu.all_members, coalesce(mu.count, 0), " \
	"mu.inferred FROM meeting_unit mu LEFT JOIN unit u ON u.id = mu.unit_id " \
	"LEFT JOIN study_group g ON g.id = mu.group_id WHERE mu.meeting_id = ? ORDER BY mu.id"

static int record_units(struct store *st, int64_t mid, struct arena *a,
			struct meeting_record *out, struct err *err)
{
	struct db_stmt *s = db_prepare(st->db, RECORD_UNITS_SQL, err);
	size_t cap = 0;
	int rc;

	if (s == NULL)
		return -1;
	db_bind_int(s, 1, mid);
	while ((rc = db_step(s, err)) == DB_ROW) {
		struct meeting_unit_row *r = grow(a, &out->units, &out->nunits, &cap, sizeof(*r));

		r->unit_key = col_s(s, 0, a);
		r->unit_name = col_s(s, 1, a);
		r->unit_name_en = col_s(s, 2, a);
		r->description = col_s(s, 3, a);
		r->description_en = col_s(s, 4, a);
		r->represented_by = col_s(s, 5, a);
		r->represented_by_en = col_s(s, 6, a);
		r->capacity = col_s(s, 7, a);
		r->group_key = col_s(s, 8, a);
		r->group_name = col_s(s, 9, a);
		r->group_name_en = col_s(s, 10, a);
		r->all_members = (int)db_col_int(s, 11);
		r->count = (int)db_col_int(s, 12);
		r->inferred = col_s(s, 13, a);
	}
	db_done(s);
	return rc < 0 ? -1 : 0;
}

#define RECORD_SPEECHES_SQL \
	"SELECT s.id, s.key, s.kind, s.seq, p.key, coalesce(p.name, s.speaker_name), p.name_en, " \
	"s.speaker_title, s.speaker_title_en, s.title, s.title_en, s.key_points, s.key_points_en, s.text, " \
	"su.key, su.name, su.name_en, s.speaker_category, s.speaker_category_en, s.inferred, s.unattributed " \
	"FROM speech s LEFT JOIN person p ON p.id = s.speaker_id LEFT JOIN unit su ON su.id = s.speaker_unit_id " \
	"WHERE s.meeting_id = ? " \
	"ORDER BY s.seq, s.id"

static int record_speeches(struct store *st, int64_t mid, struct arena *a,
			   struct meeting_record *out, struct err *err)
{
	struct db_stmt *s = db_prepare(st->db, RECORD_SPEECHES_SQL, err);
	size_t cap = 0;
	int rc;

	if (s == NULL)
		return -1;
	db_bind_int(s, 1, mid);
	while ((rc = db_step(s, err)) == DB_ROW) {
		struct speech_row *r = grow(a, &out->speeches, &out->nspeeches, &cap, sizeof(*r));

		r->id = db_col_int(s, 0);
		r->key = col_s(s, 1, a);
		r->kind = col_s(s, 2, a);
		r->seq = (int)db_col_int(s, 3);
		r->speaker_key = col_s(s, 4, a);
		r->speaker_name = col_s(s, 5, a);
		r->speaker_name_en = col_s(s, 6, a);
		r->speaker_title = col_s(s, 7, a);
		r->speaker_title_en = col_s(s, 8, a);
		r->title = col_s(s, 9, a);
		r->title_en = col_s(s, 10, a);
		r->key_points = col_s(s, 11, a);
		r->key_points_en = col_s(s, 12, a);
		r->text = col_s(s, 13, a);
		r->speaker_unit_key = col_s(s, 14, a);
		r->speaker_unit_name = col_s(s, 15, a);
		r->speaker_unit_name_en = col_s(s, 16, a);
		r->speaker_category = col_s(s, 17, a);
		r->speaker_category_en = col_s(s, 18, a);
		r->inferred = col_s(s, 19, a);
		r->unattributed = (int)db_col_int(s, 20);
	}
	db_done(s);
	return rc < 0 ? -1 : 0;
}

#define RECORD_DECISIONS_SQL \
	"SELECT d.id, d.key, d.number, d.text, d.text_en, s.key, d.kind, b.key, b.name, b.name_en, d.inferred " \
	"FROM decision d LEFT JOIN speech s ON s.id = d.speech_id LEFT JOIN unit b ON b.id = d.body_id " \
	"WHERE d.meeting_id = ? ORDER BY d.number, d.id"

static int record_decisions(struct store *st, int64_t mid, struct arena *a,
			    struct meeting_record *out, struct err *err)
{
	struct db_stmt *s = db_prepare(st->db, RECORD_DECISIONS_SQL, err);
	size_t cap = 0;
	int rc;

	if (s == NULL)
		return -1;
	db_bind_int(s, 1, mid);
	while ((rc = db_step(s, err)) == DB_ROW) {
		struct decision_row *r = grow(a, &out->decisions, &out->ndecisions, &cap, sizeof(*r));

		r->id = db_col_int(s, 0);
		r->key = col_s(s, 1, a);
		r->number = (int)db_col_int(s, 2);
		r->text = col_s(s, 3, a);
		r->text_en = col_s(s, 4, a);
		r->speech_key = col_s(s, 5, a);
		r->kind = col_s(s, 6, a);
		r->body_key = col_s(s, 7, a);
		r->body_name = col_s(s, 8, a);
		r->body_name_en = col_s(s, 9, a);
		r->inferred = col_s(s, 10, a);
	}
	db_done(s);
	return rc < 0 ? -1 : 0;
}

/* Feedback notes with the author's name (the filing user's person, when
 * linked) and the meeting they are about. */
#define FEEDBACK_SELECT \
	"SELECT f.written_on, f.text, f.filed_by, p.name, p.name_en, m.title, m.title_en, m.starts_at " \
	"FROM meeting_feedback f JOIN meeting m ON m.id = f.meeting_id " \
	"LEFT JOIN app_user u ON u.org_id = f.org_id AND 'user:' || u.login = f.filed_by " \
	"LEFT JOIN person p ON p.id = u.person_id "

static int read_feedback(struct db_stmt *s, struct arena *a, struct feedback_row **rows, size_t *n,
			 struct err *err)
{
	size_t cap = 0;
	int rc;

	while ((rc = db_step(s, err)) == DB_ROW) {
		struct feedback_row *r = grow(a, rows, n, &cap, sizeof(*r));

		r->written_on = col_s(s, 0, a);
		r->text = col_s(s, 1, a);
		r->filed_by = col_s(s, 2, a);
		r->author_name = col_s(s, 3, a);
		r->author_name_en = col_s(s, 4, a);
		r->meeting_title = col_s(s, 5, a);
		r->meeting_title_en = col_s(s, 6, a);
		r->meeting_starts_at = col_s(s, 7, a);
	}
	db_done(s);
	return rc < 0 ? -1 : 0;
}

#define RECORD_FEEDBACK_SQL \
	FEEDBACK_SELECT "WHERE f.meeting_id = ? ORDER BY f.id"

static int record_feedback(struct store *st, int64_t mid, struct arena *a,
			   struct meeting_record *out, struct err *err)
{
	struct db_stmt *s = db_prepare(st->db, RECORD_FEEDBACK_SQL, err);

	if (s == NULL)
		return -1;
	db_bind_int(s, 1, mid);
	return read_feedback(s, a, &out->feedback, &out->nfeedback, err);
}

int store_group_feedback(struct store *st, int64_t group_id, const char *from_at, const char *to_at,
			 struct arena *a, struct feedback_row **out, size_t *n, struct err *err)
{
	struct db_stmt *s = db_prepare(st->db, FEEDBACK_SELECT
		"WHERE m.group_id = ? AND m.starts_at >= ? AND m.starts_at < ? ORDER BY m.starts_at, f.id", err);

	*out = NULL;
	*n = 0;
	if (s == NULL)
		return -1;
	db_bind_int(s, 1, group_id);
	db_bind_text(s, 2, from_at);
	db_bind_text(s, 3, to_at);
	return read_feedback(s, a, out, n, err);
}

/* The six provenance columns of a table alias, and "it has a source". */
#define SRC_COLS(t) t ".source_title, " t ".source_url, " t ".outlet, " t ".reporters, " t ".published_on, " \
	t ".source_extent "
#define HAS_SRC(t) "(" t ".source_title IS NOT NULL OR " t ".source_url IS NOT NULL OR " t ".outlet IS NOT NULL) "
#define IN_YEAR "m.group_id = ?1 AND m.starts_at >= ?2 AND m.starts_at < ?3 "

int store_group_sources(struct store *st, int64_t group_id, const char *from_at, const char *to_at,
			const char *from_day, const char *to_day, struct arena *a, struct source_row **out,
			size_t *n, struct err *err)
{
	struct db_stmt *s = db_prepare(st->db,
		"SELECT m.starts_at AS o1, m.id, 1 AS o2, s.seq AS o3, 'speech', "
		"  coalesce(sp.name, s.speaker_name, su.name, s.speaker_category, '') || coalesce('《' || s.title || '》', ''), "
		"  coalesce(sp.name_en, sp.name, s.speaker_name, su.name_en, su.name, s.speaker_category_en, s.speaker_category, '') "
		"  || coalesce(', \"' || coalesce(s.title_en, s.title) || '\"', ''), " SRC_COLS("s")
		"FROM speech s JOIN meeting m ON m.id = s.meeting_id LEFT JOIN person sp ON sp.id = s.speaker_id "
		"LEFT JOIN unit su ON su.id = s.speaker_unit_id WHERE " IN_YEAR "AND " HAS_SRC("s")
		"UNION ALL SELECT m.starts_at, m.id, 2, d.number, 'decision', '第' || d.number || '项 ' || d.text, "
		"  'no. ' || d.number || ', ' || coalesce(d.text_en, d.text), " SRC_COLS("d")
		"FROM decision d JOIN meeting m ON m.id = d.meeting_id WHERE " IN_YEAR "AND " HAS_SRC("d")
		"UNION ALL SELECT m.starts_at, m.id, 3, i.id, 'initiative', i.code || ' ' || i.title, "
		"  i.code || ' ' || coalesce(i.title_en, i.title), " SRC_COLS("i")
		"FROM initiative i JOIN meeting m ON m.id = (SELECT min(d.meeting_id) FROM initiative_decision x "
		"  JOIN decision d ON d.id = x.decision_id WHERE x.initiative_id = i.id) WHERE " IN_YEAR "AND " HAS_SRC("i")
		"UNION ALL SELECT m.starts_at, m.id, 4, t.id, 'task', t.key || ' ' || t.title, "
		"  t.key || ' ' || coalesce(t.title_en, t.title), " SRC_COLS("t")
		"FROM task t JOIN decision d ON d.id = t.decision_id JOIN meeting m ON m.id = d.meeting_id "
		"WHERE " IN_YEAR "AND " HAS_SRC("t")
		"UNION ALL SELECT '9999', 0, 5, p.id, 'person', p.name, coalesce(p.name_en, p.name), " SRC_COLS("p")
		"FROM person p WHERE " HAS_SRC("p") "AND EXISTS (SELECT 1 FROM membership mb WHERE mb.person_id = p.id "
		"  AND mb.group_id = ?1 AND (mb.from_on IS NULL OR mb.from_on < ?5) AND (mb.to_on IS NULL OR mb.to_on >= ?4)) "
		"UNION ALL SELECT '9999', 0, 6, po.id, 'post', p.name || '：' || po.title, "
		"  coalesce(p.name_en, p.name) || ': ' || coalesce(po.title_en, po.title), " SRC_COLS("po")
		"FROM post po JOIN person p ON p.id = po.person_id WHERE " HAS_SRC("po")
		"AND (po.from_on IS NULL OR po.from_on < ?5) AND (po.to_on IS NULL OR po.to_on >= ?4) "
		"AND EXISTS (SELECT 1 FROM membership mb WHERE mb.person_id = p.id "
		"  AND mb.group_id = ?1 AND (mb.from_on IS NULL OR mb.from_on < ?5) AND (mb.to_on IS NULL OR mb.to_on >= ?4)) "
		"ORDER BY 1, 2, 3, 4", err);
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (s == NULL)
		return -1;
	db_bind_int(s, 1, group_id);
	db_bind_text(s, 2, from_at);
	db_bind_text(s, 3, to_at);
	db_bind_text(s, 4, from_day);
	db_bind_text(s, 5, to_day);
	while ((rc = db_step(s, err)) == DB_ROW) {
		struct source_row *r = grow(a, out, n, &cap, sizeof(*r));
		const char **f[] = { &r->kind, &r->label, &r->label_en, &r->source_title, &r->source_url, &r->outlet,
				     &r->reporters, &r->published_on, &r->source_extent };

		r->meeting_id = db_col_int(s, 1);
		for (int i = 0; i < (int)(sizeof(f) / sizeof(f[0])); i++)
			*f[i] = col_s(s, i + 4, a);
	}
	db_done(s);
	return rc < 0 ? -1 : 0;
}
#undef SRC_COLS
#undef HAS_SRC
#undef IN_YEAR

#define RECORD_HOSTS_SQL \
	"SELECT g.key, g.name, g.name_en, u.key, u.name, u.name_en, h.description, h.description_en, " \
	"c.key, c.name, c.name_en, h.chair_title, h.chair_title_en, h.inferred FROM meeting_host h " \
	"LEFT JOIN study_group g ON g.id = h.group_id LEFT JOIN unit u ON u.id = h.unit_id " \
	"LEFT JOIN person c ON c.id = h.chair_id WHERE h.meeting_id = ? ORDER BY h.id"

static int record_hosts(struct store *st, int64_t mid, struct arena *a,
			struct meeting_record *out, struct err *err)
{
	struct db_stmt *s = db_prepare(st->db, RECORD_HOSTS_SQL, err);
	size_t cap = 0;
	int rc;

	if (s == NULL)
		return -1;
	db_bind_int(s, 1, mid);
	while ((rc = db_step(s, err)) == DB_ROW) {
		struct host_row *r = grow(a, &out->hosts, &out->nhosts, &cap, sizeof(*r));
		const char **f[] = { &r->group_key, &r->group_name, &r->group_name_en, &r->unit_key, &r->unit_name,
				     &r->unit_name_en, &r->description, &r->description_en, &r->chair_key,
				     &r->chair_name, &r->chair_name_en, &r->chair_title, &r->chair_title_en,
				     &r->inferred };

		for (int i = 0; i < (int)(sizeof(f) / sizeof(f[0])); i++)
			*f[i] = col_s(s, i, a);
	}
	db_done(s);
	return rc < 0 ? -1 : 0;
}

#define RECORD_SESSIONS_SQL \
	"SELECT x.seq, x.title, x.title_en, x.held_on, x.part_of_day, c.key, c.name, c.name_en, x.chair_title, " \
	"x.chair_title_en, x.inferred FROM meeting_session x LEFT JOIN person c ON c.id = x.chair_id " \
	"WHERE x.meeting_id = ? ORDER BY x.seq, x.id"

static int record_sessions(struct store *st, int64_t mid, struct arena *a,
			   struct meeting_record *out, struct err *err)
{
	struct db_stmt *s = db_prepare(st->db, RECORD_SESSIONS_SQL, err);
	size_t cap = 0;
	int rc;

	if (s == NULL)
		return -1;
	db_bind_int(s, 1, mid);
	while ((rc = db_step(s, err)) == DB_ROW) {
		struct session_row *r = grow(a, &out->sessions, &out->nsessions, &cap, sizeof(*r));
		const char **f[] = { &r->title, &r->title_en, &r->held_on, &r->part_of_day, &r->chair_key,
				     &r->chair_name, &r->chair_name_en, &r->chair_title, &r->chair_title_en,
				     &r->inferred };

		r->seq = (int)db_col_int(s, 0);
		for (int i = 0; i < (int)(sizeof(f) / sizeof(f[0])); i++)
			*f[i] = col_s(s, i + 1, a);
	}
	db_done(s);
	return rc < 0 ? -1 : 0;
}

/* The record's eight reads bind the meeting's id alone and do not depend
 * on each other: they are sent at once (one round trip on PostgreSQL,
 * db_send) and then read in turn by the record_* functions, which bind the
 * same id again (a no-op) and step them. */
int store_meeting_record(struct store *st, int64_t meeting_id, struct arena *a,
			 struct meeting_record *out, struct err *err)
{
	static const char *const sql[] = { RECORD_MATERIALS_SQL, RECORD_ATTENDANCE_SQL, RECORD_UNITS_SQL,
					   RECORD_SPEECHES_SQL, RECORD_DECISIONS_SQL, RECORD_FEEDBACK_SQL,
					   RECORD_HOSTS_SQL, RECORD_SESSIONS_SQL };
	struct db_stmt *sent[sizeof(sql) / sizeof(sql[0])] = { NULL };
	int rc = -1;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
		sent[i] = db_prepare(st->db, sql[i], err);
		if (sent[i] == NULL || db_bind_int(sent[i], 1, meeting_id) != 0 || db_send(sent[i], err) != 0)
			goto out;
	}
	if (record_materials(st, meeting_id, a, out, err) || record_attendance(st, meeting_id, a, out, err) ||
	    record_units(st, meeting_id, a, out, err) || record_speeches(st, meeting_id, a, out, err) ||
	    record_decisions(st, meeting_id, a, out, err) || record_feedback(st, meeting_id, a, out, err) ||
	    record_hosts(st, meeting_id, a, out, err) || record_sessions(st, meeting_id, a, out, err))
		goto out;
	rc = 0;
out:
	for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++)
		db_done(sent[i]);
	return rc;
}

/* ---- initiatives and tasks ---- */

int store_initiative_list(struct store *st, int64_t org_id, struct arena *a,
			  struct initiative_row **rows, size_t *n, struct err *err)
{
	struct db_stmt *s = db_prepare(st->db,
		"SELECT i.id, coalesce(i.parent_id, 0), i.key, i.code, i.title, i.title_en, i.goal, i.goal_en, "
		"u.name, u.name_en, i.starts_on, i.due_on, i.weight FROM initiative i "
		"LEFT JOIN unit u ON u.id = i.lead_unit_id WHERE i.org_id = ? ORDER BY i.code, i.id", err);
	size_t cap = 0;
	int rc;

	*rows = NULL;
	*n = 0;
	if (s == NULL)
		return -1;
	db_bind_int(s, 1, org_id);
	while ((rc = db_step(s, err)) == DB_ROW) {
		struct initiative_row *r = grow(a, rows, n, &cap, sizeof(*r));

		r->id = db_col_int(s, 0);
		r->parent_id = db_col_int(s, 1);
		r->key = col_s(s, 2, a);
		r->code = col_s(s, 3, a);
		r->title = col_s(s, 4, a);
		r->title_en = col_s(s, 5, a);
		r->goal = col_s(s, 6, a);
		r->goal_en = col_s(s, 7, a);
		r->lead_unit_name = col_s(s, 8, a);
		r->lead_unit_name_en = col_s(s, 9, a);
		r->starts_on = col_s(s, 10, a);
		r->due_on = col_s(s, 11, a);
		r->weight = db_col_double(s, 12);
	}
	db_done(s);
	return rc < 0 ? -1 : 0;
}

/* The latest report's fields are on the task row (migration 0014: a trigger
 * keeps them as reports are inserted), so no shape reads progress_report.
 * Three shapes of one row: the whole record (TASK_FULL), the list's
 * (TASK_LIST: what a list of tasks shows, plain joins by primary key and no
 * correlated subquery per row) and the light's (TASK_LIGHT: what the light
 * and the roll-up read, no join). */
enum { TASK_FULL = 0, TASK_LIGHT = 1, TASK_LIST = 2, TASK_BOTH = TASK_LIGHT | TASK_LIST };
#define TASK_FROM \
	"FROM task t JOIN initiative i ON i.id = t.initiative_id " \
	"LEFT JOIN decision d ON d.id = t.decision_id LEFT JOIN speech s ON s.id = d.speech_id " \
	"LEFT JOIN person sp ON sp.id = s.speaker_id LEFT JOIN meeting m ON m.id = d.meeting_id " \
	"JOIN unit lu ON lu.id = t.lead_unit_id LEFT JOIN person rp ON rp.id = t.responsible_id "
#define TASK_LIST_FROM \
	"FROM task t JOIN initiative i ON i.id = t.initiative_id " \
	"LEFT JOIN decision d ON d.id = t.decision_id LEFT JOIN meeting m ON m.id = d.meeting_id " \
	"JOIN unit lu ON lu.id = t.lead_unit_id "
#define TASK_LEAN_FROM "FROM task t "

/* A task row, column by column, with the shapes (TASK_LIGHT, TASK_LIST) that
 * select it besides the whole record. */
#define T(expr, type, field, shapes) { expr, type, offsetof(struct task_row, field), shapes }
static const struct col_map task_cols[] = {
	T("t.id", COL_I64, id, TASK_BOTH),
	T("t.initiative_id", COL_I64, initiative_id, TASK_BOTH),
	T("t.version", COL_I64, version, TASK_BOTH),
	T("t.key", COL_TEXT, key, TASK_BOTH),
	T("t.code", COL_TEXT, code, TASK_LIST),
	T("t.title", COL_TEXT, title, TASK_LIST),
	T("t.title_en", COL_TEXT, title_en, TASK_LIST),
	T("t.state", COL_TEXT, state, TASK_BOTH),
	T("t.cadence", COL_TEXT, cadence, TASK_BOTH),
	T("i.key", COL_TEXT, initiative_key, TASK_LIST),
	T("i.code", COL_TEXT, initiative_code, 0),
	T("i.title", COL_TEXT, initiative_title, TASK_LIST),
	T("i.title_en", COL_TEXT, initiative_title_en, 0),
	T("d.key", COL_TEXT, decision_key, TASK_LIST),
	T("d.text", COL_TEXT, decision_text, 0),
	T("d.text_en", COL_TEXT, decision_text_en, 0),
	T("d.number", COL_INT, decision_number, 0),
	T("s.key", COL_TEXT, speech_key, 0),
	T("s.title", COL_TEXT, speech_title, 0),
	T("coalesce(sp.name, s.speaker_name)", COL_TEXT, speaker_name, 0),
	T("sp.name_en", COL_TEXT, speaker_name_en, 0),
	T("m.key", COL_TEXT, meeting_key, TASK_LIST),
	T("m.title", COL_TEXT, meeting_title, TASK_LIST),
	T("m.title_en", COL_TEXT, meeting_title_en, 0),
	T("lu.key", COL_TEXT, lead_unit_key, TASK_LIST),
	T("lu.name", COL_TEXT, lead_unit_name, TASK_LIST),
	T("lu.name_en", COL_TEXT, lead_unit_name_en, TASK_LIST),
	T("(SELECT group_concat(x.n, '、') FROM (SELECT su.name AS n FROM task_unit tu JOIN unit su "
	  "ON su.id = tu.unit_id WHERE tu.task_id = t.id ORDER BY tu.seq) x)", COL_TEXT, supporting, 0),
	T("(SELECT group_concat(x.n, ', ') FROM (SELECT coalesce(su.name_en, su.name) AS n FROM task_unit tu "
	  "JOIN unit su ON su.id = tu.unit_id WHERE tu.task_id = t.id ORDER BY tu.seq) x)", COL_TEXT, supporting_en, 0),
	T("rp.name", COL_TEXT, responsible_name, 0),
	T("rp.name_en", COL_TEXT, responsible_name_en, 0),
	T("rp.key", COL_TEXT, responsible_key, 0),
	T("(SELECT group_concat(x.k, ';') FROM (SELECT su.key AS k FROM task_unit tu JOIN unit su "
	  "ON su.id = tu.unit_id WHERE tu.task_id = t.id ORDER BY tu.seq) x)", COL_TEXT, supporting_keys, 0),
	T("t.starts_on", COL_TEXT, starts_on, TASK_BOTH),
	T("t.due_on", COL_TEXT, due_on, TASK_BOTH),
	T("t.due_kind", COL_TEXT, due_kind, TASK_BOTH),
	T("t.due_from", COL_TEXT, due_from, TASK_BOTH),
	T("t.due_precision", COL_TEXT, due_precision, TASK_BOTH),
	T("t.source_title", COL_TEXT, source_title, 0),
	T("t.source_url", COL_TEXT, source_url, 0),
	T("t.outlet", COL_TEXT, outlet, 0),
	T("t.reporters", COL_TEXT, reporters, 0),
	T("t.published_on", COL_TEXT, published_on, 0),
	T("t.source_extent", COL_TEXT, source_extent, 0),
	T("t.inferred", COL_TEXT, inferred, 0),
	T("t.weight", COL_REAL, weight, TASK_BOTH),
	T("t.last_percent", COL_PRESENT, has_report, TASK_BOTH),
	T("t.last_percent", COL_INT, percent, TASK_BOTH),
	T("t.last_report_on", COL_TEXT, last_report_on, TASK_BOTH),
	T("t.illustrative", COL_TEXT, illustrative, 0),
	T("t.last_report_done", COL_TEXT, last_report_done, 0),
};
#undef T
#define NTASK_COLS (sizeof(task_cols) / sizeof(task_cols[0]))

/* "SELECT <task columns> FROM ... " of each shape (TASK_FULL, TASK_LIGHT,
 * TASK_LIST; bare or not), written once per process: every page of a list
 * starts with one, and writing the column list cost 3% of a page. */
static char *task_select[3][2];
static pthread_once_t task_select_once = PTHREAD_ONCE_INIT;

static void task_select_write(void)
{
	for (int shape = 0; shape < 3; shape++) {
		for (int bare = 0; bare < 2; bare++) {
			struct buf b = BUF_INIT(SQL_MAX);

			buf_adds(&b, "SELECT ");
			colmap_select(task_cols, NTASK_COLS, shape, &b);
			buf_adds(&b, shape == TASK_FULL ? TASK_FROM
				     : bare && shape == TASK_LIGHT ? TASK_LEAN_FROM : TASK_LIST_FROM);
			task_select[shape][bare] = buf_detach(&b, NULL);
		}
	}
}

/* "SELECT <task columns> FROM ... <tail>" into b (one text per shape, so the
 * statement cache reuses it). bare: TASK_LIGHT from the task table alone. */
static const char *task_sql(struct buf *b, int shape, int bare, const char *tail)
{
	pthread_once(&task_select_once, task_select_write);
	buf_adds(b, task_select[shape][bare != 0]);
	buf_adds(b, tail);
	return buf_str(b);
}

/* The row of a statement from task_sql() of that shape. */
static void read_task(struct db_stmt *s, int shape, struct arena *a, struct task_row *t)
{
	colmap_read(task_cols, NTASK_COLS, shape, s, a, t);
}

/* The shape a filter asks for. */
static int task_shape(const struct task_filter *f)
{
	return f && f->lean ? TASK_LIGHT : f && f->list ? TASK_LIST : TASK_FULL;
}

/* A task list's statement, built for the filters given: only their clauses,
 * their parameters numbered ?1, ?2, ... without a gap. One catch-all text
 * with "?n IS NULL OR ..." for every filter cost the list dearly: SQLite
 * evaluated ten such tests per row, and PostgreSQL planned the whole
 * statement, subqueries and recursive CTE included, for every page (a
 * custom plan each time: ~1.5-3 ms of planning per page, more than the
 * rows' own work). Each combination of filters is its own text, cached by
 * the driver like any statement. Every clause reads the task row alone or a
 * subquery by key, so a count and a lean pass need no join.
 *
 * What a list may be narrowed to: a unit (lead or supporting), an
 * initiative and those below it, a meeting, a state, due dates, words
 * (LIKE on the titles, code and key), a group (tasks from the decisions of
 * its meetings: meeting_group, decision_meeting and task_decision serve it),
 * a year (tasks running that year). Shared by the list and its count, so
 * that "of N" counts what the pages show. */
struct task_sel {
	struct buf sql;
	struct params p;
	char from[16], to[16];        /* the year's first and last days */
};

/* "WHERE ..." for the org and the filters of f (f may be NULL) into q->sql. */
static void task_where(struct task_sel *q, int64_t org_id, const struct task_filter *f)
{
	int org = param_int(&q->p, org_id), k, k2;

	buf_printf(&q->sql, "WHERE t.org_id = ?%d ", org);
	if (f == NULL)
		return;
	if (f->unit_key) {
		k = param_text(&q->p, f->unit_key);
		buf_printf(&q->sql, "AND (EXISTS (SELECT 1 FROM unit lk WHERE lk.id = t.lead_unit_id AND lk.key = ?%d) "
			   "OR EXISTS (SELECT 1 FROM task_unit tu JOIN unit su ON su.id = tu.unit_id "
			   "WHERE tu.task_id = t.id AND su.key = ?%d)) ", k, k);
	}
	if (f->initiative_key) {
		k = param_text(&q->p, f->initiative_key);
		buf_printf(&q->sql, "AND t.initiative_id IN (WITH RECURSIVE sub(id) AS ("
			   "SELECT id FROM initiative WHERE org_id = ?%d AND key = ?%d "
			   "UNION ALL SELECT c.id FROM initiative c JOIN sub ON c.parent_id = sub.id) SELECT id FROM sub) ",
			   org, k);
	}
	if (f->meeting_key) {
		k = param_text(&q->p, f->meeting_key);
		buf_printf(&q->sql, "AND EXISTS (SELECT 1 FROM decision md JOIN meeting mm ON mm.id = md.meeting_id "
			   "WHERE md.id = t.decision_id AND mm.key = ?%d) ", k);
	}
	if (f->state)
		buf_printf(&q->sql, "AND t.state = ?%d ", param_text(&q->p, f->state));
	if (f->due_from)
		buf_printf(&q->sql, "AND t.due_on >= ?%d ", param_text(&q->p, f->due_from));
	if (f->due_to)
		buf_printf(&q->sql, "AND t.due_on <= ?%d ", param_text(&q->p, f->due_to));
	if (f->q && *f->q) {
		k = param_text(&q->p, like_pattern(&q->p.like, f->q));
		buf_printf(&q->sql, "AND (lower(t.title) LIKE lower(?%d) ESCAPE '\\' OR lower(t.title_en) LIKE lower(?%d) "
			   "ESCAPE '\\' OR lower(t.code) LIKE lower(?%d) ESCAPE '\\' OR lower(t.key) LIKE lower(?%d) "
			   "ESCAPE '\\') ", k, k, k, k);
	}
	if (f->group_key) {
		k = param_text(&q->p, f->group_key);
		buf_printf(&q->sql, "AND t.decision_id IN (SELECT gd.id FROM decision gd JOIN meeting gm ON gm.id = gd.meeting_id "
			   "WHERE gm.group_id = (SELECT id FROM study_group WHERE org_id = ?%d AND key = ?%d)) ", org, k);
	}
	if (f->year) {
		snprintf(q->from, sizeof(q->from), "%04d-01-01", f->year);
		snprintf(q->to, sizeof(q->to), "%04d-12-31", f->year);
		k = param_text(&q->p, q->from);
		k2 = param_text(&q->p, q->to);
		buf_printf(&q->sql, "AND t.due_on >= ?%d AND t.starts_on <= ?%d ", k, k2);
	}
}

static void task_sel_init(struct task_sel *q)
{
	memset(q, 0, sizeof(*q));
	buf_init(&q->sql, SQL_MAX);
	buf_init(&q->p.like, LIM_QUERY_CHARS * 8 + 8);
}

static void task_sel_release(struct task_sel *q)
{
	buf_release(&q->sql);
	buf_release(&q->p.like);
}

/* Prepares q's text and binds its parameters; NULL on error. */
static struct db_stmt *task_sel_prepare(struct store *st, struct task_sel *q, struct err *err)
{
	struct db_stmt *s;

	if (q->sql.err || q->p.like.err) {
		err_set(err, ST_FAIL, "task list statement too long");
		return NULL;
	}
	s = db_prepare(st->db, buf_str(&q->sql), err);
	if (s != NULL)
		params_bind(s, &q->p);
	return s;
}

/* The task list statement, bound to the org and filter: the lean shape
 * reads the task table alone; the list's and the record's join what they
 * show. The page is a range of the primary key. */
static struct db_stmt *task_query(struct store *st, int64_t org_id, const struct task_filter *f, struct err *err)
{
	struct task_sel q;
	struct db_stmt *s;
	int shape = task_shape(f);
	int after;

	task_sel_init(&q);
	task_sql(&q.sql, shape, 1, "");
	task_where(&q, org_id, f);
	after = param_int(&q.p, f ? f->after_id : 0);
	buf_printf(&q.sql, "AND t.id > ?%d ORDER BY t.id", after);
	/* A page's limit is written into the text, not bound: with "LIMIT $n"
	 * PostgreSQL never trusts its generic plan (it cannot know the limit
	 * is small) and plans anew for every page, 2-3 ms of a page's ~3 ms.
	 * Page sizes are few, so the texts stay few; a limit past one page
	 * (the page after an offset) is bound, or every offset would be a
	 * statement of its own. No limit: the whole filtered list, in id order. */
	if (f && f->limit > 0 && f->limit <= LIM_PAGE_ITEMS + 1)
		buf_printf(&q.sql, " LIMIT %d", f->limit);
	else if (f && f->limit > 0)
		buf_printf(&q.sql, " LIMIT ?%d", param_int(&q.p, f->limit));
	s = task_sel_prepare(st, &q, err);
	task_sel_release(&q);
	return s;
}

int store_task_count(struct store *st, int64_t org_id, const struct task_filter *f, long long *n,
		     struct err *err)
{
	struct task_sel q;
	struct db_stmt *s;
	int rc;

	*n = 0;
	task_sel_init(&q);
	buf_adds(&q.sql, "SELECT count(*) FROM task t ");
	task_where(&q, org_id, f);
	s = task_sel_prepare(st, &q, err);
	task_sel_release(&q);
	if (s == NULL)
		return -1;
	rc = db_step(s, err);
	if (rc == DB_ROW)
		*n = db_col_int(s, 0);
	db_done(s);
	return rc == DB_ROW ? 0 : -1;
}

int store_task_list(struct store *st, int64_t org_id, const struct task_filter *f,
		    struct arena *a, struct task_row **rows, size_t *n, struct err *err)
{
	struct db_stmt *s = task_query(st, org_id, f, err);
	size_t cap = 0;
	int rc;

	*rows = NULL;
	*n = 0;
	if (s == NULL)
		return -1;
	while ((rc = db_step(s, err)) == DB_ROW)
		read_task(s, task_shape(f), a, grow(a, rows, n, &cap, sizeof(**rows)));
	db_done(s);
	return rc < 0 ? -1 : 0;
}

/* Steps s, handing each task to cb (its strings borrowed for the call);
 * a non-zero return from cb stops. Returns -1, 0, or cb's positive stop. */
static int scan_tasks(struct db_stmt *s, int shape, store_task_cb cb, void *ctx, struct err *err)
{
	struct task_row row;
	int rc;

	while ((rc = db_step(s, err)) == DB_ROW) {
		read_task(s, shape, NULL, &row);
		rc = cb(ctx, &row);
		if (rc != 0)
			break;
	}
	db_done(s);
	return rc < 0 ? -1 : rc;
}

int store_task_scan(struct store *st, int64_t org_id, const struct task_filter *f, store_task_cb cb,
		    void *ctx, struct err *err)
{
	struct db_stmt *s = task_query(st, org_id, f, err);

	if (s == NULL)
		return -1;
	return scan_tasks(s, task_shape(f), cb, ctx, err);
}

int store_attendance_facts(struct store *st, int64_t attendance_id, struct attendance_facts *out,
			   struct err *err)
{
	struct db_stmt *s = db_prepare(st->db,
		"SELECT a.status, coalesce(a.leave_reason, ''), a.leave_approver_id IS NOT NULL, "
		"coalesce(a.makeup_due, ''), coalesce(a.makeup_done, ''), m.starts_at "
		"FROM attendance a JOIN meeting m ON m.id = a.meeting_id WHERE a.id = ?1", err);
	int rc;

	memset(out, 0, sizeof(*out));
	if (s == NULL)
		return -1;
	db_bind_int(s, 1, attendance_id);
	rc = db_step(s, err);
	if (rc == DB_ROW) {
		snprintf(out->status, sizeof(out->status), "%s", db_col_text(s, 0) ? db_col_text(s, 0) : "");
		out->has_reason = db_col_text(s, 1) && !text_is_blank(db_col_text(s, 1));
		out->has_approver = (int)db_col_int(s, 2);
		snprintf(out->makeup_due, sizeof(out->makeup_due), "%s", db_col_text(s, 3) ? db_col_text(s, 3) : "");
		snprintf(out->makeup_done, sizeof(out->makeup_done), "%s", db_col_text(s, 4) ? db_col_text(s, 4) : "");
		snprintf(out->meeting_starts_at, sizeof(out->meeting_starts_at), "%s",
			 db_col_text(s, 5) ? db_col_text(s, 5) : "");
	}
	db_done(s);
	if (rc < 0)
		return -1;
	if (rc != DB_ROW)
		return err_set(err, ST_NOTFOUND, "no attendance row %lld", (long long)attendance_id);
	return 0;
}

int store_task_unit_pairs(struct store *st, int64_t org_id, store_task_unit_cb cb, void *ctx, struct err *err)
{
	struct db_stmt *s = db_prepare(st->db,
		"SELECT x.task_id, x.lead, u.key, u.name, u.name_en FROM ("
		"  SELECT id AS task_id, lead_unit_id AS unit_id, 1 AS lead FROM task WHERE org_id = ?1"
		"  UNION ALL SELECT tu.task_id, tu.unit_id, 0 FROM task_unit tu JOIN task t ON t.id = tu.task_id "
		"  WHERE t.org_id = ?1) x JOIN unit u ON u.id = x.unit_id ORDER BY u.id, x.task_id", err);
	int rc;

	if (s == NULL)
		return -1;
	db_bind_int(s, 1, org_id);
	while ((rc = db_step(s, err)) == DB_ROW) {
		rc = cb(ctx, db_col_int(s, 0), (int)db_col_int(s, 1), db_col_text(s, 2), db_col_text(s, 3),
			db_col_text(s, 4));
		if (rc != 0)
			break;
	}
	db_done(s);
	return rc < 0 ? -1 : 0;
}

int store_task_scan_ids(struct store *st, int64_t org_id, const int64_t *ids, size_t n, store_task_cb cb,
			void *ctx, struct err *err)
{
	struct buf list = BUF_INIT(32 * (LIM_PAGE_ITEMS * 4) + 16);
	struct db_stmt *s;
	int rc;

	if (n == 0)
		return 0;
	buf_addc(&list, '[');
	for (size_t i = 0; i < n; i++)
		buf_printf(&list, "%s%lld", i ? "," : "", (long long)ids[i]);
	buf_addc(&list, ']');
	if (list.err) {
		buf_release(&list);
		return err_set(err, ST_FAIL, "too many tasks asked for at once");
	}
	{
		struct buf sql = BUF_INIT(SQL_MAX);
		char where[256];

		snprintf(where, sizeof(where), "WHERE t.org_id = ?1 AND t.id IN (%s) ORDER BY t.id", st->dl->json_ids);
		s = db_prepare(st->db, task_sql(&sql, TASK_LIST, 0, where), err);
		buf_release(&sql);
	}
	if (s == NULL) {
		buf_release(&list);
		return -1;
	}
	db_bind_int(s, 1, org_id);
	db_bind_text(s, 2, buf_str(&list));
	rc = scan_tasks(s, TASK_LIST, cb, ctx, err);
	buf_release(&list);
	return rc < 0 ? -1 : 0;
}

int store_task_light_row(struct store *st, int64_t org_id, int64_t task_id, struct arena *a, struct task_row *out,
			 int *found, struct err *err)
{
	struct buf sql = BUF_INIT(SQL_MAX);
	struct db_stmt *s = db_prepare(st->db, task_sql(&sql, TASK_LIGHT, 1, "WHERE t.org_id = ? AND t.id = ?"), err);
	int rc;

	buf_release(&sql);
	*found = 0;
	if (s == NULL)
		return -1;
	db_bind_int(s, 1, org_id);
	db_bind_int(s, 2, task_id);
	rc = db_step(s, err);
	if (rc == DB_ROW) {
		read_task(s, TASK_LIGHT, a, out);
		*found = 1;
	}
	db_done(s);
	return rc < 0 ? -1 : 0;
}

static void read_task_v(struct db_stmt *s, struct arena *a, void *out)
{
	read_task(s, TASK_FULL, a, out);
}

int store_task_get(struct store *st, int64_t org_id, const char *key, struct arena *a,
		   struct task_row *out, struct err *err)
{
	struct buf sql = BUF_INIT(SQL_MAX);
	int rc = get_by_key(st, task_sql(&sql, TASK_FULL, 0, "WHERE t.org_id = ? AND t.key = ?"), org_id, key, read_task_v, out,
			    a, "task", err);

	buf_release(&sql);
	return rc;
}

#define REPORT_COLS "r.id, r.reported_on, r.done, r.problems, r.next_steps, p.name, r.filed_by, r.percent, " \
	"p.key, r.period_from, r.period_to"

static void read_report(struct db_stmt *s, struct arena *a, struct report_row *r)
{
	r->id = db_col_int(s, 0);
	r->reported_on = col_s(s, 1, a);
	r->done = col_s(s, 2, a);
	r->problems = col_s(s, 3, a);
	r->next_steps = col_s(s, 4, a);
	r->reporter_name = col_s(s, 5, a);
	r->filed_by = col_s(s, 6, a);
	r->percent = (int)db_col_int(s, 7);
	r->reporter_key = col_s(s, 8, a);
	r->period_from = col_s(s, 9, a);
	r->period_to = col_s(s, 10, a);
}

/* The three reads bind the task's id alone and do not depend on each
 * other: sent at once (one round trip on PostgreSQL, db_send), then read in
 * turn. */
int store_task_history(struct store *st, int64_t task_id, struct arena *a,
		       struct task_history *out, struct err *err)
{
	struct db_stmt *tr = NULL, *ex = NULL, *rp = NULL;
	size_t cap;
	int rc = -1, step;

	memset(out, 0, sizeof(*out));
	tr = db_prepare(st->db, "SELECT action, from_state, to_state, at, actor, note FROM task_transition "
			"WHERE task_id = ? ORDER BY at, id", err);
	if (tr == NULL || db_bind_int(tr, 1, task_id) != 0 || db_send(tr, err) != 0)
		goto out;
	ex = db_prepare(st->db, "SELECT id, requested_at, requested_by, old_due_on, new_due_on, reason, status, "
			"decided_at, decided_by, decision_note FROM extension WHERE task_id = ? ORDER BY id", err);
	if (ex == NULL || db_bind_int(ex, 1, task_id) != 0 || db_send(ex, err) != 0)
		goto out;
	/* The latest LIM_TASK_REPORTS reports, oldest first; the rest are paged
	 * by store_task_reports(). */
	rp = db_prepare(st->db, "SELECT * FROM (SELECT " REPORT_COLS " FROM progress_report r LEFT JOIN person p "
			"ON p.id = r.reporter_id WHERE r.task_id = ? ORDER BY r.reported_on DESC, r.id DESC LIMIT ?) "
			"AS latest ORDER BY reported_on, id", err);
	if (rp == NULL || db_bind_int(rp, 1, task_id) != 0 || db_bind_int(rp, 2, LIM_TASK_REPORTS) != 0 ||
	    db_send(rp, err) != 0)
		goto out;
	cap = 0;
	while ((step = db_step(tr, err)) == DB_ROW) {
		struct transition_row *r = grow(a, &out->transitions, &out->ntransitions, &cap, sizeof(*r));

		r->action = col_s(tr, 0, a);
		r->from_state = col_s(tr, 1, a);
		r->to_state = col_s(tr, 2, a);
		r->at = col_s(tr, 3, a);
		r->actor = col_s(tr, 4, a);
		r->note = col_s(tr, 5, a);
	}
	if (step < 0)
		goto out;
	cap = 0;
	while ((step = db_step(ex, err)) == DB_ROW) {
		struct extension_row *r = grow(a, &out->extensions, &out->nextensions, &cap, sizeof(*r));

		r->id = db_col_int(ex, 0);
		r->requested_at = col_s(ex, 1, a);
		r->requested_by = col_s(ex, 2, a);
		r->old_due_on = col_s(ex, 3, a);
		r->new_due_on = col_s(ex, 4, a);
		r->reason = col_s(ex, 5, a);
		r->status = col_s(ex, 6, a);
		r->decided_at = col_s(ex, 7, a);
		r->decided_by = col_s(ex, 8, a);
		r->decision_note = col_s(ex, 9, a);
	}
	if (step < 0)
		goto out;
	cap = 0;
	while ((step = db_step(rp, err)) == DB_ROW)
		read_report(rp, a, grow(a, &out->reports, &out->nreports, &cap, sizeof(struct report_row)));
	if (step < 0)
		goto out;
	db_done(tr);
	db_done(ex);
	db_done(rp);
	tr = ex = rp = NULL;
	if (out->nreports < LIM_TASK_REPORTS)
		out->reports_total = (long)out->nreports;
	else if (store_task_report_count(st, task_id, &out->reports_total, err) != 0)
		goto out;
	rc = 0;
out:
	db_done(tr);
	db_done(ex);
	db_done(rp);
	return rc;
}

int store_task_report_count(struct store *st, int64_t task_id, long *n, struct err *err)
{
	struct db_stmt *s = db_prepare(st->db, "SELECT count(*) FROM progress_report WHERE task_id = ?", err);
	int rc;

	*n = 0;
	if (s == NULL)
		return -1;
	db_bind_int(s, 1, task_id);
	rc = db_step(s, err);
	if (rc == DB_ROW)
		*n = (long)db_col_int(s, 0);
	db_done(s);
	return rc < 0 ? -1 : 0;
}

int store_report_get(struct store *st, int64_t report_id, struct arena *a, struct report_row *out, struct err *err)
{
	struct db_stmt *s = db_prepare(st->db, "SELECT " REPORT_COLS " FROM progress_report r LEFT JOIN person p "
				       "ON p.id = r.reporter_id WHERE r.id = ?", err);
	int rc;

	if (s == NULL)
		return -1;
	db_bind_int(s, 1, report_id);
	rc = db_step(s, err);
	if (rc == DB_ROW)
		read_report(s, a, out);
	db_done(s);
	if (rc < 0)
		return -1;
	return rc == DB_ROW ? 0 : err_set(err, ST_NOTFOUND, "no progress report %lld", (long long)report_id);
}

int store_task_set_state(struct store *st, int64_t task_id, int64_t version,
			 const char *state, struct err *err)
{
	struct db_stmt *s = db_prepare(st->db, "UPDATE task SET state = ?, version = version + 1 "
				       "WHERE id = ? AND version = ?", err);

	if (s == NULL)
		return -1;
	db_bind_text(s, 1, state);
	db_bind_int(s, 2, task_id);
	db_bind_int(s, 3, version);
	if (step_done(s, err) != 0)
		return -1;
	if (db_changes(st->db) != 1)
		return err_set(err, ST_STALE, "the task was changed by someone else: reload it and try again");
	return 0;
}

int store_task_set_due(struct store *st, int64_t task_id, const char *due_on, struct err *err)
{
	struct db_stmt *s = db_prepare(st->db, "UPDATE task SET due_on = ?, due_kind = 'date', due_from = NULL, due_precision = NULL, "
					 "version = version + 1 WHERE id = ?", err);

	if (s == NULL)
		return -1;
	db_bind_text(s, 1, due_on);
	db_bind_int(s, 2, task_id);
	return step_done(s, err);
}

int store_transition_insert(struct store *st, int64_t org_id, int64_t task_id,
			    const struct transition_row *t, struct err *err)
{
	struct db_stmt *s = db_prepare(st->db,
		"INSERT INTO task_transition (org_id, task_id, action, from_state, to_state, at, actor, note) "
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?)", err);

	if (s == NULL)
		return -1;
	db_bind_int(s, 1, org_id);
	db_bind_int(s, 2, task_id);
	db_bind_text(s, 3, t->action);
	db_bind_text(s, 4, t->from_state);
	db_bind_text(s, 5, t->to_state);
	db_bind_text(s, 6, t->at);
	db_bind_text(s, 7, t->actor);
	db_bind_text(s, 8, t->note);
	return step_done(s, err);
}

int store_report_insert(struct store *st, int64_t org_id, int64_t task_id,
			const struct report_row *r, int64_t reporter_id, int64_t *id,
			struct err *err)
{
	struct db_stmt *s = db_prepare(st->db,
		"INSERT INTO progress_report (org_id, task_id, reported_on, percent, done, problems, next_steps, "
		"reporter_id, filed_by, period_from, period_to) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id", err);

	if (s == NULL)
		return -1;
	db_bind_int(s, 1, org_id);
	db_bind_int(s, 2, task_id);
	db_bind_text(s, 3, r->reported_on);
	db_bind_int(s, 4, r->percent);
	db_bind_text(s, 5, r->done);
	db_bind_text(s, 6, r->problems);
	db_bind_text(s, 7, r->next_steps);
	if (reporter_id)
		db_bind_int(s, 8, reporter_id);
	db_bind_text(s, 9, r->filed_by);
	db_bind_text(s, 10, r->period_from);
	db_bind_text(s, 11, r->period_to);
	return step_id(s, id, err);
}

int store_extension_insert(struct store *st, int64_t org_id, int64_t task_id,
			   const struct extension_row *x, int64_t *id, struct err *err)
{
	struct db_stmt *s = db_prepare(st->db,
		"INSERT INTO extension (org_id, task_id, requested_at, requested_by, old_due_on, new_due_on, "
		"reason, status) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending') RETURNING id", err);

	if (s == NULL)
		return -1;
	db_bind_int(s, 1, org_id);
	db_bind_int(s, 2, task_id);
	db_bind_text(s, 3, x->requested_at);
	db_bind_text(s, 4, x->requested_by);
	db_bind_text(s, 5, x->old_due_on);
	db_bind_text(s, 6, x->new_due_on);
	db_bind_text(s, 7, x->reason);
	return step_id(s, id, err);
}

int store_extension_decide(struct store *st, int64_t extension_id, const char *status,
			   const char *at, const char *by, const char *note, struct err *err)
{
	struct db_stmt *s = db_prepare(st->db,
		"UPDATE extension SET status = ?, decided_at = ?, decided_by = ?, decision_note = ?, "
		"version = version + 1 WHERE id = ? AND status = 'pending'", err);

	if (s == NULL)
		return -1;
	db_bind_text(s, 1, status);
	db_bind_text(s, 2, at);
	db_bind_text(s, 3, by);
	db_bind_text(s, 4, note);
	db_bind_int(s, 5, extension_id);
	if (step_done(s, err) != 0)
		return -1;
	if (db_changes(st->db) != 1)
		return err_set(err, ST_CONFLICT, "the extension request was already decided");
	return 0;
}

/* ---- accounts ---- */

#define USER_FROM \
	"FROM app_user u JOIN org o ON o.id = u.org_id LEFT JOIN unit un ON un.id = u.unit_id " \
	"LEFT JOIN person p ON p.id = u.person_id "

#define U(expr, type, field) { expr, type, offsetof(struct user_row, field), 1 }
static const struct col_map user_cols[] = {
	U("u.id", COL_I64, id),
	U("u.org_id", COL_I64, org_id),
	U("coalesce(u.person_id, 0)", COL_I64, person_id),
	U("coalesce(u.unit_id, 0)", COL_I64, unit_id),
	U("u.login", COL_TEXT, login),
	U("u.role", COL_TEXT, role),
	U("u.password_hash", COL_TEXT, password_hash),
	U("o.key", COL_TEXT, org_key),
	U("un.key", COL_TEXT, unit_key),
	U("p.key", COL_TEXT, person_key),
	U("p.name", COL_TEXT, person_name),
	U("u.disabled", COL_INT, disabled),
	U("p.name_en", COL_TEXT, person_name_en),
	U("u.instance_admin", COL_INT, instance_admin),
};
#undef U
#define NUSER_COLS (sizeof(user_cols) / sizeof(user_cols[0]))

/* "SELECT <user columns>[, extra] FROM ... <tail>" into b. */
static const char *user_sql(struct buf *b, const char *extra, const char *tail)
{
	buf_adds(b, "SELECT ");
	colmap_select(user_cols, NUSER_COLS, 0, b);
	if (extra)
		buf_printf(b, ", %s ", extra);
	buf_adds(b, USER_FROM);
	buf_adds(b, tail);
	return buf_str(b);
}

static void read_user(struct db_stmt *s, struct arena *a, struct user_row *u)
{
	colmap_read(user_cols, NUSER_COLS, 0, s, a, u);
}

static int user_query(struct store *st, const char *extra_col, const char *tail, const char *p1, const char *p2,
		      struct arena *a, struct user_row *out, const char **extra, struct err *err)
{
	struct buf sql = BUF_INIT(SQL_MAX);
	struct db_stmt *s = db_prepare(st->db, user_sql(&sql, extra_col, tail), err);
	int rc;

	buf_release(&sql);
	if (s == NULL)
		return -1;
	db_bind_text(s, 1, p1);
	if (p2)
		db_bind_text(s, 2, p2);
	rc = db_step(s, err);
	if (rc == DB_ROW) {
		read_user(s, a, out);
		if (extra)
			*extra = col_s(s, (int)NUSER_COLS, a);
	}
	db_done(s);
	if (rc < 0)
		return -1;
	if (rc == DB_DONE)
		return err_set(err, ST_NOTFOUND, "no such user or session");
	return 0;
}

int store_user_by_login(struct store *st, const char *login, struct arena *a, struct user_row *out,
			struct err *err)
{
	return user_query(st, NULL, "WHERE u.login = ?", login, NULL, a, out, NULL, err);
}

int store_user_by_session(struct store *st, const char *token_hash, const char *now, struct arena *a,
			  struct user_row *out, const char **csrf, struct err *err)
{
	return user_query(st, "se.csrf",
			  "JOIN session se ON se.user_id = u.id WHERE se.token_hash = ? AND se.expires_at > ?",
			  token_hash, now, a, out, csrf, err);
}

int store_user_by_token(struct store *st, const char *token_hash, struct arena *a, struct user_row *out,
			struct err *err)
{
	return user_query(st, NULL,
			  "JOIN api_token tk ON tk.user_id = u.id WHERE tk.token_hash = ? AND tk.revoked = 0",
			  token_hash, NULL, a, out, NULL, err);
}

static int exec_id_text(struct store *st, const char *sql, int64_t id, const char *text, struct err *err)
{
	struct db_stmt *s = db_prepare(st->db, sql, err);

	if (s == NULL)
		return -1;
	db_bind_text(s, 1, text);
	db_bind_int(s, 2, id);
	return step_done(s, err);
}

int store_user_set_password(struct store *st, int64_t user_id, const char *hash, struct err *err)
{
	return exec_id_text(st, "UPDATE app_user SET password_hash = ?, version = version + 1 WHERE id = ?",
			    user_id, hash, err);
}

int store_user_set_disabled(struct store *st, int64_t user_id, int disabled, struct err *err)
{
	return exec_id_text(st, "UPDATE app_user SET disabled = ?, version = version + 1 WHERE id = ?",
			    user_id, disabled ? "1" : "0", err);
}

int store_session_insert(struct store *st, int64_t org_id, int64_t user_id, const char *token_hash,
			 const char *csrf, const char *created_at, const char *expires_at, struct err *err)
{
	struct db_stmt *s = db_prepare(st->db, "INSERT INTO session (org_id, user_id, token_hash, csrf, created_at, "
				       "expires_at) VALUES (?, ?, ?, ?, ?, ?)", err);

	if (s == NULL)
		return -1;
	db_bind_int(s, 1, org_id);
	db_bind_int(s, 2, user_id);
	db_bind_text(s, 3, token_hash);
	db_bind_text(s, 4, csrf);
	db_bind_text(s, 5, created_at);
	db_bind_text(s, 6, expires_at);
	return step_done(s, err);
}

/* Runs a statement with one text parameter. */
static int exec_text(struct store *st, const char *sql, const char *text, struct err *err)
{
	struct db_stmt *s = db_prepare(st->db, sql, err);

	if (s == NULL)
		return -1;
	db_bind_text(s, 1, text);
	return step_done(s, err);
}

int store_session_delete(struct store *st, const char *token_hash, struct err *err)
{
	return exec_text(st, "DELETE FROM session WHERE token_hash = ?", token_hash, err);
}

int store_user_logout_all(struct store *st, int64_t user_id, struct err *err)
{
	struct db_stmt *s = db_prepare(st->db, "DELETE FROM session WHERE user_id = ?", err);

	if (s == NULL)
		return -1;
	db_bind_int(s, 1, user_id);
	if (step_done(s, err) != 0)
		return -1;
	s = db_prepare(st->db, "UPDATE api_token SET revoked = 1 WHERE user_id = ?", err);
	if (s == NULL)
		return -1;
	db_bind_int(s, 1, user_id);
	return step_done(s, err);
}

int store_calendar_token_set(struct store *st, int64_t org_id, int64_t user_id, const char *token_hash,
			     const char *created_at, struct err *err)
{
	struct db_stmt *s = db_prepare(st->db, "INSERT INTO calendar_token (user_id, org_id, token_hash, created_at) "
				       "VALUES (?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash, "
				       "created_at = excluded.created_at", err);

	if (s == NULL)
		return -1;
	db_bind_int(s, 1, user_id);
	db_bind_int(s, 2, org_id);
	db_bind_text(s, 3, token_hash);
	db_bind_text(s, 4, created_at);
	return step_done(s, err);
}

int store_user_by_calendar_token(struct store *st, const char *token_hash, struct arena *a,
				 struct user_row *out, struct err *err)
{
	return user_query(st, NULL,
			  "JOIN calendar_token ct ON ct.user_id = u.id WHERE ct.token_hash = ?",
			  token_hash, NULL, a, out, NULL, err);
}

int store_token_insert(struct store *st, int64_t org_id, int64_t user_id, const char *name,
		       const char *token_hash, const char *created_at, struct err *err)
{
	struct db_stmt *s = db_prepare(st->db, "INSERT INTO api_token (org_id, user_id, name, token_hash, created_at) "
				       "VALUES (?, ?, ?, ?, ?)", err);

	if (s == NULL)
		return -1;
	db_bind_int(s, 1, org_id);
	db_bind_int(s, 2, user_id);
	db_bind_text(s, 3, name);
	db_bind_text(s, 4, token_hash);
	db_bind_text(s, 5, created_at);
	return step_done(s, err);
}

int store_throttle_get(struct store *st, const char *login, const char *addr, int *failures, int64_t *next_ms,
		       struct err *err)
{
	struct db_stmt *s = db_prepare(st->db, "SELECT failures, next_at FROM login_throttle WHERE login = ? AND addr = ?", err);
	int rc;

	*failures = 0;
	*next_ms = 0;
	if (s == NULL)
		return -1;
	db_bind_text(s, 1, login);
	db_bind_text(s, 2, addr);
	rc = db_step(s, err);
	if (rc == DB_ROW) {
		*failures = (int)db_col_int(s, 0);
		*next_ms = db_col_int(s, 1);
	}
	db_done(s);
	return rc < 0 ? -1 : 0;
}

int store_throttle_addr_failures(struct store *st, const char *addr, const char *since, int *failures,
				 struct err *err)
{
	struct db_stmt *s = db_prepare(st->db, "SELECT coalesce(sum(failures), 0) FROM login_throttle "
				       "WHERE addr = ? AND last_at >= ?", err);
	int rc;

	*failures = 0;
	if (s == NULL)
		return -1;
	db_bind_text(s, 1, addr);
	db_bind_text(s, 2, since);
	rc = db_step(s, err);
	if (rc == DB_ROW)
		*failures = (int)db_col_int(s, 0);
	db_done(s);
	return rc < 0 ? -1 : 0;
}

int store_throttle_set(struct store *st, const char *login, const char *addr, int failures, int64_t next_ms,
		       const char *now, struct err *err)
{
	struct db_stmt *s = db_prepare(st->db, "INSERT INTO login_throttle (login, addr, failures, next_at, last_at) "
				       "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (login, addr) DO UPDATE SET "
				       "failures = excluded.failures, next_at = excluded.next_at, last_at = excluded.last_at", err);

	if (s == NULL)
		return -1;
	db_bind_text(s, 1, login);
	db_bind_text(s, 2, addr);
	db_bind_int(s, 3, failures);
	db_bind_int(s, 4, next_ms);
	db_bind_text(s, 5, now);
	return step_done(s, err);
}

int store_throttle_hold(struct store *st, const char *login, const char *addr, int64_t next_ms, struct err *err)
{
	struct db_stmt *s = db_prepare(st->db, st->dl->throttle_hold, err);

	if (s == NULL)
		return -1;
	db_bind_text(s, 1, login);
	db_bind_text(s, 2, addr);
	db_bind_int(s, 3, next_ms);
	return step_done(s, err);
}

int store_throttle_clear(struct store *st, const char *login, const char *addr, struct err *err)
{
	struct db_stmt *s = db_prepare(st->db, "DELETE FROM login_throttle WHERE login = ? AND addr = ?", err);

	if (s == NULL)
		return -1;
	db_bind_text(s, 1, login);
	db_bind_text(s, 2, addr);
	return step_done(s, err);
}

int store_auth_purge(struct store *st, const char *now, int64_t now_ms, const char *since, struct err *err)
{
	struct db_stmt *s = db_prepare(st->db, "DELETE FROM session WHERE expires_at <= ?", err);

	if (s == NULL)
		return -1;
	db_bind_text(s, 1, now);
	if (step_done(s, err) != 0)
		return -1;
	s = db_prepare(st->db, "DELETE FROM login_throttle WHERE last_at < ? AND next_at <= ?", err);
	if (s == NULL)
		return -1;
	db_bind_text(s, 1, since);
	db_bind_int(s, 2, now_ms);
	return step_done(s, err);
}

int store_token_list(struct store *st, int64_t user_id, struct arena *a, struct token_row **out, size_t *n,
		     struct err *err)
{
	struct db_stmt *s = db_prepare(st->db, "SELECT id, name, created_at FROM api_token WHERE user_id = ? AND revoked = 0 "
				       "ORDER BY id LIMIT ?", err);
	size_t cap = 16;
	int rc;

	*out = NULL;
	*n = 0;
	if (s == NULL)
		return -1;
	db_bind_int(s, 1, user_id);
	db_bind_int(s, 2, LIM_PAGE_ITEMS);
	*out = arena_calloc(a, cap, sizeof(**out));
	while ((rc = db_step(s, err)) == DB_ROW) {
		if (*n == cap) {
			struct token_row *more = arena_calloc(a, cap * 2, sizeof(**out));

			memcpy(more, *out, cap * sizeof(**out));
			*out = more;
			cap *= 2;
		}
		(*out)[*n].id = db_col_int(s, 0);
		(*out)[*n].name = col_s(s, 1, a);
		(*out)[*n].created_at = col_s(s, 2, a);
		(*n)++;
	}
	db_done(s);
	return rc < 0 ? -1 : 0;
}

int store_token_revoke(struct store *st, int64_t user_id, int64_t token_id, struct err *err)
{
	struct db_stmt *s = db_prepare(st->db, "UPDATE api_token SET revoked = 1 WHERE user_id = ? AND id = ? AND revoked = 0", err);

	if (s == NULL)
		return -1;
	db_bind_int(s, 1, user_id);
	db_bind_int(s, 2, token_id);
	if (step_done(s, err) != 0)
		return -1;
	if (db_changes(st->db) == 0)
		return err_set(err, ST_NOTFOUND, "no API token %lld", (long long)token_id);
	return 0;
}

int store_task_involves(struct store *st, int64_t org_id, const char *task_key, const char *unit_key)
{
	struct db_stmt *s = db_prepare(st->db,
		"SELECT 1 FROM task t JOIN unit u ON u.key = ?3 AND u.org_id = ?1 WHERE t.org_id = ?1 AND t.key = ?2 "
		"AND (t.lead_unit_id = u.id OR EXISTS (SELECT 1 FROM task_unit tu WHERE tu.task_id = t.id AND tu.unit_id = u.id))",
		NULL);
	int rc;

	if (s == NULL)
		return -1;
	db_bind_int(s, 1, org_id);
	db_bind_text(s, 2, task_key);
	db_bind_text(s, 3, unit_key);
	rc = db_step(s, NULL);
	db_done(s);
	return rc < 0 ? -1 : rc == DB_ROW;
}

/* 1 when sql (two integer parameters) finds a row, 0 when not, -1 on error. */
static int exists_ii(struct store *st, const char *sql, int64_t p1, int64_t p2)
{
	struct db_stmt *s = db_prepare(st->db, sql, NULL);
	int rc;

	if (s == NULL)
		return -1;
	db_bind_int(s, 1, p1);
	db_bind_int(s, 2, p2);
	rc = db_step(s, NULL);
	db_done(s);
	return rc < 0 ? -1 : rc == DB_ROW;
}

int store_meeting_involves(struct store *st, int64_t meeting_id, int64_t person_id)
{
	return exists_ii(st, "SELECT 1 FROM meeting m WHERE m.id = ?1 AND (EXISTS (SELECT 1 FROM attendance a "
			 "WHERE a.meeting_id = m.id AND a.person_id = ?2) OR EXISTS (SELECT 1 FROM membership ms "
			 "WHERE ms.group_id = m.group_id AND ms.person_id = ?2))", meeting_id, person_id);
}

int store_observed(struct store *st, int64_t meeting_id, int64_t person_id)
{
	return exists_ii(st, "SELECT 1 FROM attendance WHERE meeting_id = ? AND person_id = ? AND capacity = 'observer'",
			 meeting_id, person_id);
}


/* ---- search ---- */

#define SEARCH_COLS \
	"s.kind, s.ref_id, coalesce(m.id, sp.meeting_id, d.meeting_id, 0), " \
	"coalesce(m.key, ms.key, md.key, t.key, tr.key, pe.key), s.title, s.body "
#define SEARCH_FROM \
	"FROM search_index s " \
	"LEFT JOIN meeting m ON s.kind = 'meeting' AND m.id = s.ref_id " \
	"LEFT JOIN speech sp ON s.kind = 'speech' AND sp.id = s.ref_id LEFT JOIN meeting ms ON ms.id = sp.meeting_id " \
	"LEFT JOIN decision d ON s.kind = 'decision' AND d.id = s.ref_id LEFT JOIN meeting md ON md.id = d.meeting_id " \
	"LEFT JOIN task t ON s.kind = 'task' AND t.id = s.ref_id " \
	"LEFT JOIN progress_report pr ON s.kind = 'report' AND pr.id = s.ref_id LEFT JOIN task tr ON tr.id = pr.task_id " \
	"LEFT JOIN person pe ON s.kind = 'person' AND pe.id = s.ref_id "

/* The words of a search, split on spaces. */
struct words {
	int n;
	int shortest;                  /* characters in the shortest word */
	struct { const char *p; size_t len; } w[LIM_QUERY_CHARS];
};

static void split_words(const char *q, struct words *ws)
{
	const char *p = q;

	ws->n = 0;
	ws->shortest = 0;
	while (*p && ws->n < (int)(sizeof(ws->w) / sizeof(ws->w[0]))) {
		const char *start;
		int chars = 0;

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		start = p;
		while (*p && *p != ' ') {
			if (((unsigned char)*p & 0xc0) != 0x80)
				chars++;
			p++;
		}
		ws->w[ws->n].p = start;
		ws->w[ws->n].len = (size_t)(p - start);
		if (ws->n == 0 || chars < ws->shortest)
			ws->shortest = chars;
		ws->n++;
	}
}

/* Quotes every word of the query as an FTS5 string, AND-ed. */
static void fts_query(const struct words *ws, struct buf *out)
{
	for (int k = 0; k < ws->n; k++) {
		buf_adds(out, k ? " AND \"" : "\"");
		for (size_t i = 0; i < ws->w[k].len; i++) {
			if (ws->w[k].p[i] == '"')
				buf_addc(out, '"');
			buf_addc(out, ws->w[k].p[i]);
		}
		buf_addc(out, '"');
	}
}

static int ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* The first occurrence of word in text[from..], ASCII letters in either
 * case (as the trigram index and LIKE match them); NULL when none. */
static const char *find_word(const char *text, const char *w, size_t len)
{
	for (const char *t = text; *t; t++) {
		size_t i = 0;

		while (i < len && t[i] && ascii_lower((unsigned char)t[i]) == ascii_lower((unsigned char)w[i]))
			i++;
		if (i == len)
			return t;
	}
	return NULL;
}

/* The match of any word starting first at or after text, its length in *len. */
static const char *first_match(const char *text, const struct words *ws, size_t *len)
{
	const char *best = NULL;

	for (int k = 0; k < ws->n; k++) {
		const char *m = find_word(text, ws->w[k].p, ws->w[k].len);

		if (m && (best == NULL || m < best || (m == best && ws->w[k].len > *len))) {
			best = m;
			*len = ws->w[k].len;
		}
	}
	return best;
}

static int words_in(const char *text, const struct words *ws)
{
	int n = 0;

	for (int k = 0; k < ws->n; k++)
		n += find_word(text, ws->w[k].p, ws->w[k].len) != NULL;
	return n;
}

static const char *back_chars(const char *text, const char *p, int n)
{
	while (p > text && n > 0) {
		p--;
		if (((unsigned char)*p & 0xc0) != 0x80)
			n--;
	}
	return p;
}

static const char *ahead_chars(const char *p, int n)
{
	while (*p && n > 0) {
		p++;
		while (((unsigned char)*p & 0xc0) == 0x80)
			p++;
		n--;
	}
	return p;
}

/* The snippet of a hit, the same bytes on both engines: from the column
 * holding more of the words (the title on a tie), SNIPPET_CONTEXT characters
 * before the first match to SNIPPET_CHARS after it, every match inside
 * between \x01 and \x02, "…" where the text was cut. */
#define SNIPPET_CONTEXT 8
#define SNIPPET_CHARS 24
static const char *make_snippet(struct arena *a, const char *title, const char *body, const struct words *ws)
{
	const char *text = words_in(body, ws) > words_in(title, ws) ? body : title;
	struct buf b = BUF_INIT(4096);
	const char *start, *end, *p, *m;
	size_t len = 0;
	char *out;

	m = first_match(text, ws, &len);
	if (m == NULL)
		return arena_strdup(a, "");
	start = back_chars(text, m, SNIPPET_CONTEXT);
	end = ahead_chars(m + len, SNIPPET_CHARS);
	if (start > text)
		buf_adds(&b, "…");
	for (p = start; p < end;) {
		m = first_match(p, ws, &len);
		if (m == NULL || m >= end) {
			buf_add(&b, p, (size_t)(end - p));
			break;
		}
		buf_add(&b, p, (size_t)(m - p));
		buf_addc(&b, '\x01');
		buf_add(&b, m, len);
		buf_addc(&b, '\x02');
		p = m + len;
		if (p > end)
			end = p;
	}
	if (*end)
		buf_adds(&b, "…");
	out = arena_strdup(a, buf_str(&b));
	buf_release(&b);
	return out;
}

/* The query for words of three characters or more: SQLite's FTS5 trigram
 * index, or (no full-text index) one case-blind LIKE per word over title
 * and body, answered from the pg_trgm indexes. Both stores rank alike: the
 * hits with more of the words in their title first, then newest first (the
 * dialect's search_order, as for short words), so the same records come in
 * the same order (bm25 and pg_trgm's similarity never agreed). ?1 org, ?2
 * limit, then on SQLite ?3 the FTS5 query; one pattern per word after. */
static const char *full_query(const struct dialect *dl, const struct words *ws, struct params *p, struct buf *sql)
{
	struct buf where = BUF_INIT(SQL_MAX);
	int first;

	param_int(p, 0);               /* ?1 and ?2 are bound by the caller */
	param_int(p, 0);
	if (dl->fts) {
		fts_query(ws, &p->like);
		buf_addc(&p->like, '\0');
		param_text(p, NULL);
		p->v[2].i = 0;
		buf_adds(&where, " AND search_index MATCH ?3");
	}
	first = p->n;
	buf_adds(sql, "SELECT " SEARCH_COLS ", 0");
	for (int k = 0; k < ws->n; k++) {
		struct buf *w = &p->like;
		size_t at = w->len;
		int n;

		buf_addc(w, '%');
		for (size_t i = 0; i < ws->w[k].len; i++) {
			char c = ws->w[k].p[i];

			if (c == '%' || c == '_' || c == '\\')
				buf_addc(w, '\\');
			buf_addc(w, c);
		}
		buf_addc(w, '%');
		buf_addc(w, '\0');     /* each pattern is its own string inside p->like */
		n = param_text(p, NULL);
		p->v[n - 1].i = (int64_t)at;   /* made a pointer below: the buffer may still move */
		buf_printf(sql, " + CASE WHEN s.title %s ?%d ESCAPE '\\' THEN 1 ELSE 0 END", dl->like, n);
		if (!dl->fts)
			buf_printf(&where, " AND (s.title %s ?%d ESCAPE '\\' OR s.body %s ?%d ESCAPE '\\')", dl->like, n,
				   dl->like, n);
	}
	for (int k = dl->fts ? 2 : first; k < p->n; k++)
		p->v[k].s = p->like.err ? "" : p->like.data + p->v[k].i;
	buf_printf(sql, " " SEARCH_FROM "WHERE s.org_id = ?1%s ORDER BY 7 DESC, %s LIMIT ?2", buf_str(&where),
		   dl->search_order);
	if (where.err)
		sql->err = where.err;
	buf_release(&where);
	return buf_str(sql);
}

int store_search(struct store *st, int64_t org_id, const char *query, int limit, struct arena *a,
		 struct search_hit **hits, size_t *n, struct err *err)
{
	struct buf like = BUF_INIT(4096), sql = BUF_INIT(SQL_MAX);
	struct params p = { .like = BUF_INIT(LIM_QUERY_CHARS * 16 + 64) };
	struct words ws;
	struct db_stmt *s;
	size_t cap = 0;
	int rc = -1, full;

	*hits = NULL;
	*n = 0;
	split_words(query, &ws);
	full = ws.n > 0 && ws.shortest >= 3;
	if (full) {
		full_query(st->dl, &ws, &p, &sql);
	} else {
		buf_printf(&sql, "SELECT " SEARCH_COLS ", 0 " SEARCH_FROM
			   "WHERE (s.title %s ?3 ESCAPE '\\' OR s.body %s ?3 ESCAPE '\\') AND s.org_id = ?1 "
			   "ORDER BY %s LIMIT ?2", st->dl->like, st->dl->like, st->dl->search_order);
		param_int(&p, 0);
		param_int(&p, 0);
		param_text(&p, like_pattern(&like, query));
	}
	if (sql.err || p.like.err) {
		err_set(err, ST_FAIL, "search query too long");
		goto out;
	}
	s = db_prepare(st->db, buf_str(&sql), err);
	if (s == NULL)
		goto out;
	p.v[0].i = org_id;
	p.v[1].i = limit;
	params_bind(s, &p);
	while ((rc = db_step(s, err)) == DB_ROW) {
		struct search_hit *h = grow(a, hits, n, &cap, sizeof(*h));

		h->kind = col_s(s, 0, a);
		h->ref_id = db_col_int(s, 1);
		h->meeting_id = db_col_int(s, 2);
		h->link_key = col_s(s, 3, a);
		h->title = col_s(s, 4, a);
		h->body = col_s(s, 5, a);
		h->snippet = full ? make_snippet(a, h->title ? h->title : "", h->body ? h->body : "", &ws) : NULL;
		h->rank = db_col_double(s, 6);
	}
	db_done(s);
	rc = rc < 0 ? -1 : 0;
out:
	buf_release(&like);
	buf_release(&sql);
	buf_release(&p.like);
	return rc;
}

int store_extensions_all(struct store *st, int64_t org_id, store_extension_cb cb, void *ctx, struct err *err)
{
	struct db_stmt *s = db_prepare(st->db, "SELECT task_id, id, requested_at, requested_by, old_due_on, new_due_on, "
				       "reason, status, decided_at, decided_by, decision_note FROM extension WHERE org_id = ? "
				       "ORDER BY id", err);
	struct extension_row x;
	int rc;

	if (s == NULL)
		return -1;
	db_bind_int(s, 1, org_id);
	while ((rc = db_step(s, err)) == DB_ROW) {
		x.id = db_col_int(s, 1);
		x.requested_at = db_col_text(s, 2);
		x.requested_by = db_col_text(s, 3);
		x.old_due_on = db_col_text(s, 4);
		x.new_due_on = db_col_text(s, 5);
		x.reason = db_col_text(s, 6);
		x.status = db_col_text(s, 7);
		x.decided_at = db_col_text(s, 8);
		x.decided_by = db_col_text(s, 9);
		x.decision_note = db_col_text(s, 10);
		rc = cb(ctx, db_col_int(s, 0), &x);
		if (rc != 0)
			break;
	}
	db_done(s);
	return rc < 0 ? -1 : rc;
}

/* ---- people and groups ---- */

int store_person_find(struct store *st, int64_t org_id, const char *key, int64_t *id,
		      struct err *err)
{
	struct db_stmt *s = db_prepare(st->db, "SELECT id FROM person WHERE org_id = ? AND key = ?", err);
	int rc;

	if (s == NULL)
		return -1;
	db_bind_int(s, 1, org_id);
	db_bind_text(s, 2, key);
	rc = db_step(s, err);
	if (rc == DB_ROW)
		*id = db_col_int(s, 0);
	db_done(s);
	if (rc < 0)
		return -1;
	if (rc == DB_DONE)
		return err_field(err, ST_NOTFOUND, "person", "no person \"%s\"", key);
	return 0;
}

int store_group_get(struct store *st, int64_t org_id, const char *key, struct arena *a,
		    struct group_row *out, struct err *err)
{
	struct db_stmt *s = db_prepare(st->db, key
		? "SELECT id, key, name, name_en FROM study_group WHERE org_id = ?1 AND key = ?2"
		: "SELECT id, key, name, name_en FROM study_group WHERE org_id = ?1 ORDER BY id LIMIT 1", err);
	int rc;

	if (s == NULL)
		return -1;
	db_bind_int(s, 1, org_id);
	if (key)
		db_bind_text(s, 2, key);
	rc = db_step(s, err);
	if (rc == DB_ROW) {
		out->id = db_col_int(s, 0);
		out->key = col_s(s, 1, a);
		out->name = col_s(s, 2, a);
		out->name_en = col_s(s, 3, a);
	}
	db_done(s);
	if (rc < 0)
		return -1;
	if (rc == DB_DONE)
		return key ? err_field(err, ST_NOTFOUND, "group", "no group \"%s\"", key)
			   : err_field(err, ST_NOTFOUND, "group", "the org has no group");
	return 0;
}

int store_group_members(struct store *st, int64_t group_id, struct arena *a,
			struct member_row **rows, size_t *n, struct err *err)
{
	struct db_stmt *s = db_prepare(st->db,
		"SELECT p.id, p.key, p.name, p.name_en, m.role, m.from_on, m.to_on FROM membership m "
		"JOIN person p ON p.id = m.person_id WHERE m.group_id = ? "
		"ORDER BY CASE m.role WHEN 'leader' THEN 0 WHEN 'deputy' THEN 1 WHEN 'member' THEN 2 ELSE 3 END, m.id", err);
	size_t cap = 0;
	int rc;

	*rows = NULL;
	*n = 0;
	if (s == NULL)
		return -1;
	db_bind_int(s, 1, group_id);
	while ((rc = db_step(s, err)) == DB_ROW) {
		struct member_row *r = grow(a, rows, n, &cap, sizeof(*r));

		r->person_id = db_col_int(s, 0);
		r->person_key = col_s(s, 1, a);
		r->name = col_s(s, 2, a);
		r->name_en = col_s(s, 3, a);
		r->role = col_s(s, 4, a);
		r->from_on = col_s(s, 5, a);
		r->to_on = col_s(s, 6, a);
	}
	db_done(s);
	return rc < 0 ? -1 : 0;
}

int store_group_attendance(struct store *st, int64_t group_id, const char *from_at,
			   const char *to_at, struct arena *a, struct attendance_fact **rows,
			   size_t *n, struct err *err)
{
	struct db_stmt *s = db_prepare(st->db,
		"SELECT a.meeting_id, a.person_id, a.capacity, a.status, a.makeup_done, "
		"CASE WHEN a.leave_reason IS NOT NULL AND a.leave_reason <> '' THEN 1 ELSE 0 END, "
		"CASE WHEN a.leave_approver_id IS NOT NULL THEN 1 ELSE 0 END "
		"FROM attendance a JOIN meeting m ON m.id = a.meeting_id "
		"WHERE " MEETING_OF_GROUP " AND m.starts_at >= ? AND m.starts_at < ? ORDER BY m.starts_at, a.id", err);
	size_t cap = 0;
	int rc;

	*rows = NULL;
	*n = 0;
	if (s == NULL)
		return -1;
	db_bind_int(s, 1, group_id);
	db_bind_text(s, 2, from_at);
	db_bind_text(s, 3, to_at);
	while ((rc = db_step(s, err)) == DB_ROW) {
		struct attendance_fact *r = grow(a, rows, n, &cap, sizeof(*r));

		r->meeting_id = db_col_int(s, 0);
		r->person_id = db_col_int(s, 1);
		r->capacity = col_s(s, 2, a);
		r->status = col_s(s, 3, a);
		r->makeup_done = col_s(s, 4, a);
		r->has_reason = (int)db_col_int(s, 5);
		r->has_approver = (int)db_col_int(s, 6);
	}
	db_done(s);
	return rc < 0 ? -1 : 0;
}

int store_group_speeches(struct store *st, int64_t group_id, const char *from_at,
			 const char *to_at, struct arena *a, struct speech_fact **rows,
			 size_t *n, struct err *err)
{
	struct db_stmt *s = db_prepare(st->db,
		"SELECT s.speaker_id, s.kind FROM speech s JOIN meeting m ON m.id = s.meeting_id "
		"WHERE " MEETING_OF_GROUP " AND m.status = 'held' AND m.starts_at >= ? AND m.starts_at < ? "
		"AND s.speaker_id IS NOT NULL ORDER BY s.id", err);
	size_t cap = 0;
	int rc;

	*rows = NULL;
	*n = 0;
	if (s == NULL)
		return -1;
	db_bind_int(s, 1, group_id);
	db_bind_text(s, 2, from_at);
	db_bind_text(s, 3, to_at);
	while ((rc = db_step(s, err)) == DB_ROW) {
		struct speech_fact *r = grow(a, rows, n, &cap, sizeof(*r));

		r->person_id = db_col_int(s, 0);
		r->kind = col_s(s, 1, a);
	}
	db_done(s);
	return rc < 0 ? -1 : 0;
}

int store_group_presence(struct store *st, int64_t group_id, const char *from_at, const char *to_at,
			 struct arena *a, struct presence_fact **rows, size_t *n, struct err *err)
{
	struct db_stmt *s = db_prepare(st->db,
		"WITH mm AS (SELECT m.id, m.chair_id FROM meeting m WHERE " MEETING_OF_GROUP
		" AND m.status = 'held' AND m.starts_at >= ?2 AND m.starts_at < ?3) "
		"SELECT id, chair_id, 0 FROM mm WHERE chair_id IS NOT NULL "
		"UNION SELECT h.meeting_id, h.chair_id, 0 FROM meeting_host h JOIN mm ON mm.id = h.meeting_id "
		"WHERE h.chair_id IS NOT NULL "
		"UNION SELECT x.meeting_id, x.chair_id, 0 FROM meeting_session x JOIN mm ON mm.id = x.meeting_id "
		"WHERE x.chair_id IS NOT NULL "
		"UNION SELECT s.meeting_id, s.speaker_id, 0 FROM speech s JOIN mm ON mm.id = s.meeting_id "
		"WHERE s.speaker_id IS NOT NULL "
		"UNION SELECT mu.meeting_id, 0, 1 FROM meeting_unit mu JOIN mm ON mm.id = mu.meeting_id "
		"WHERE mu.group_id = ?1 AND mu.capacity = 'member' "
		"UNION SELECT m.id, 0, 1 FROM meeting m JOIN mm ON mm.id = m.id WHERE m.source_extent = 'excerpt' "
		"ORDER BY 1, 2", err);
	size_t cap = 0;
	int rc;

	*rows = NULL;
	*n = 0;
	if (s == NULL)
		return -1;
	db_bind_int(s, 1, group_id);
	db_bind_text(s, 2, from_at);
	db_bind_text(s, 3, to_at);
	while ((rc = db_step(s, err)) == DB_ROW) {
		struct presence_fact *r = grow(a, rows, n, &cap, sizeof(*r));

		r->meeting_id = db_col_int(s, 0);
		r->person_id = db_col_int(s, 1);
		r->members_category = (int)db_col_int(s, 2);
	}
	db_done(s);
	return rc < 0 ? -1 : 0;
}

int store_group_papers(struct store *st, int64_t group_id, const char *from_on,
		       const char *to_on, struct arena *a, int64_t **person_ids, size_t *n,
		       struct err *err)
{
	struct db_stmt *s = db_prepare(st->db,
		"SELECT person_id FROM paper WHERE group_id = ? AND submitted_on >= ? AND submitted_on <= ? "
		"ORDER BY id", err);
	size_t cap = 0;
	int rc;

	*person_ids = NULL;
	*n = 0;
	if (s == NULL)
		return -1;
	db_bind_int(s, 1, group_id);
	db_bind_text(s, 2, from_on);
	db_bind_text(s, 3, to_on);
	while ((rc = db_step(s, err)) == DB_ROW)
		*(int64_t *)grow(a, person_ids, n, &cap, sizeof(int64_t)) = db_col_int(s, 0);
	db_done(s);
	return rc < 0 ? -1 : 0;
}

int store_plan_get(struct store *st, int64_t group_id, int year, struct arena *a,
		   struct plan_row *out, struct err *err)
{
	struct db_stmt *s = db_prepare(st->db,
		"SELECT id, key, status, approved_on, filed_on, title, year FROM plan WHERE group_id = ? AND year = ?", err);
	int rc;

	if (s == NULL)
		return -1;
	db_bind_int(s, 1, group_id);
	db_bind_int(s, 2, year);
	rc = db_step(s, err);
	if (rc == DB_ROW) {
		out->id = db_col_int(s, 0);
		out->key = col_s(s, 1, a);
		out->status = col_s(s, 2, a);
		out->approved_on = col_s(s, 3, a);
		out->filed_on = col_s(s, 4, a);
		out->title = col_s(s, 5, a);
		out->year = (int)db_col_int(s, 6);
	}
	db_done(s);
	if (rc < 0)
		return -1;
	if (rc == DB_DONE)
		return err_set(err, ST_NOTFOUND, "no plan for %d", year);
	return 0;
}

int store_user_set_instance_admin(struct store *st, int64_t user_id, int on, struct err *err)
{
	struct db_stmt *s = db_prepare(st->db, "UPDATE app_user SET instance_admin = ? WHERE id = ?", err);

	if (s == NULL)
		return -1;
	db_bind_int(s, 1, on != 0);
	db_bind_int(s, 2, user_id);
	return step_done(s, err);
}
