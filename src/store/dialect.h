/*
 * dialect.h -- the few SQL texts that cannot be one text for SQLite and
 * PostgreSQL, side by side, chosen once per store from db_driver_of().
 *
 * Everything else in src/store/ is one text for both engines (the rules are
 * in docs/PORTING-STORE.md). A query builder never asks which engine it
 * runs on: it takes the text or the generator it needs from the store's
 * dialect. Not for use outside src/store/, and NOT a query builder.
 */
#ifndef PLENUM_DIALECT_H
#define PLENUM_DIALECT_H

struct buf;
struct db;

enum dialect_engine { ENGINE_SQLITE = 0, ENGINE_PG = 1 };

struct dialect {
	const char *name;                  /* "sqlite" or "postgresql" */
	enum dialect_engine engine;        /* index of per-engine generators (store_audit.c) */
	const char *const *migrations;     /* store_migrations or store_migrations_pg */
	/* One row: the number of plain tables, and 1 when schema_version is one. */
	const char *count_tables;
	/* Case-insensitive LIKE for ASCII as SQLite's LIKE is ("LIKE"/"ILIKE"). */
	const char *like;
	/* Holds the login throttle (?1 login, ?2 addr) until the later of
	 * next_at and ?3 (two-argument max() / GREATEST()). */
	const char *throttle_hold;
	/* A subquery giving the ids in the JSON array of integers bound to ?2. */
	const char *json_ids;
	/* store_audit.c's catalogue: plain tables (one column, by name); a
	 * table's columns (name, primary key position or 0, in order; ?1 the
	 * table); the tables it refers to (?1); the generated audit triggers
	 * (name, table). */
	const char *tables;
	const char *table_columns;
	const char *table_refs;
	const char *audit_triggers;
	/* Appends the statement dropping trigger name on table. */
	void (*drop_trigger)(struct buf *b, const char *name, const char *table);
	/* Search: 1 when the engine has a full-text index for words of three
	 * characters or more (SQLite's FTS5: MATCH, bm25); else words are
	 * matched with LIKE from pg_trgm's indexes. */
	int fts;
	/* The order of substring hits: newest record first, then kind. */
	const char *search_order;
	/* 1 when a WITH clause may hold INSERT and UPDATE (PostgreSQL), so that
	 * writes that go together are one statement (one round trip). */
	int dml_with;
};

/* The dialect of an open connection. */
const struct dialect *dialect_of(struct db *db);

#endif
