/*
 * dialect.c -- the SQLite and PostgreSQL texts of dialect.h.
 *
 * Only the texts that differ live here; see dialect.h. Nothing here runs a
 * query.
 */
#include <string.h>

#include "dialect.h"
#include "db.h"
#include "../core/buf.h"
#include "../core/banned.h"

extern const char *const store_migrations[];
extern const char *const store_migrations_pg[];

static void sqlite_drop_trigger(struct buf *b, const char *name, const char *table)
{
	(void)table;
	buf_printf(b, "DROP TRIGGER \"%s\"", name);
}

static void pg_drop_trigger(struct buf *b, const char *name, const char *table)
{
	buf_printf(b, "DROP TRIGGER \"%s\" ON \"%s\"", name, table);
}

static const struct dialect sqlite_dialect = {
	.name = "sqlite",
	.engine = ENGINE_SQLITE,
	.migrations = store_migrations,
	.count_tables = "SELECT count(*), count(CASE WHEN name = 'schema_version' THEN 1 END) "
			"FROM sqlite_master WHERE type = 'table'",
	.like = "LIKE",
	.throttle_hold = "UPDATE login_throttle SET next_at = max(next_at, ?3) WHERE login = ?1 AND addr = ?2",
	.json_ids = "SELECT value FROM json_each(?2)",
	.tables = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
		  "AND sql NOT LIKE 'CREATE VIRTUAL%' AND name NOT IN "
		  "(SELECT m.name FROM sqlite_master v, sqlite_master m WHERE v.sql LIKE 'CREATE VIRTUAL%' "
		  "AND m.name LIKE v.name || '_%') ORDER BY name",
	.table_columns = "SELECT name, pk FROM pragma_table_info(?1) ORDER BY cid",
	.table_refs = "SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?1)",
	.audit_triggers = "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger' "
			  "AND name LIKE 'audit\\_%' ESCAPE '\\'",
	.drop_trigger = sqlite_drop_trigger,
	.fts = 1,
	.search_order = "s.rowid DESC",        /* rowid = id * 8 + kind (migration 0002) */
};

/* search_index is a plain table there (pg/0002): not left out. */
static const struct dialect pg_dialect = {
	.name = "postgresql",
	.engine = ENGINE_PG,
	.migrations = store_migrations_pg,
	/* pg_class, not information_schema.tables: this runs on every
	 * connection's open, and planning that view's joins cost more than
	 * 10 ms of a new backend's time (EXPLAIN, scale 0.02). */
	.count_tables = "SELECT count(*), count(CASE WHEN c.relname = 'schema_version' THEN 1 END) "
			"FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace "
			"AND c.relkind IN ('r', 'p')",
	.like = "ILIKE",
	.throttle_hold = "UPDATE login_throttle SET next_at = GREATEST(next_at, ?3) WHERE login = ?1 AND addr = ?2",
	.json_ids = "SELECT CAST(value AS BIGINT) FROM json_array_elements_text(CAST(?2 AS TEXT)::json)",
	.tables = "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() "
		  "AND table_type = 'BASE TABLE' ORDER BY table_name",
	.table_columns = "SELECT a.attname::text, coalesce((SELECT k.n FROM pg_index i, unnest(i.indkey) "
			 "WITH ORDINALITY k(att, n) WHERE i.indrelid = a.attrelid AND i.indisprimary "
			 "AND k.att = a.attnum), 0) FROM pg_attribute a WHERE a.attrelid = CAST(?1 AS TEXT)::regclass "
			 "AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
	.table_refs = "SELECT DISTINCT confrelid::regclass::text FROM pg_constraint "
		      "WHERE conrelid = CAST(?1 AS TEXT)::regclass AND contype = 'f'",
	.audit_triggers = "SELECT t.tgname::text, c.relname::text FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
			  "WHERE t.tgname LIKE 'audit\\_%' AND NOT t.tgisinternal "
			  "AND c.relnamespace = current_schema()::regnamespace",
	.drop_trigger = pg_drop_trigger,
	.fts = 0,
	.search_order = "s.ref_id DESC, array_position(ARRAY['meeting', 'speech', 'decision', 'task', 'report', "
			"'person'], s.kind) DESC",
	.dml_with = 1,
};

const struct dialect *dialect_of(struct db *db)
{
	return strncmp(db_driver_of(db), "postgresql", 10) == 0 ? &pg_dialect : &sqlite_dialect;
}
