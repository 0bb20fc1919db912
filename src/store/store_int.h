/*
 * store_int.h -- what the files of src/store/ share and nobody else sees.
 *
 * store.c owns struct store; the other store files reach its connection
 * through store_db(). Not for use outside src/store/.
 */
#ifndef PLENUM_STORE_INT_H
#define PLENUM_STORE_INT_H

struct db;
struct dialect;
struct store;
struct err;

/* The store's connection: borrowed, valid as long as the store. */
struct db *store_db(struct store *st);
/* The store's dialect (dialect.h): borrowed, static. */
const struct dialect *store_dialect(struct store *st);

/* (Re)creates the triggers that copy every changed row of the record into
 * audit_change, from the schema as it is now. Runs inside migrate()'s
 * transaction. */
int store_audit_triggers(struct store *st, struct err *err);

/* Takes a fresh image of every audited row (op "baseline") into
 * audit_change, after a migration changed the schema. */
int store_audit_rebaseline(struct store *st, struct err *err);

/* Writes the image of every audited row of one org into audit_change as a
 * pending insert (set-based: one statement per table), as the triggers
 * would have had the rows been inserted one by one; the next audit entry
 * seals them. For a copy made with the audit triggers off (store_copy.c). */
int store_audit_image_org(struct store *st, int64_t org_id, struct err *err);

#endif
