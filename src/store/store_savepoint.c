/*
 * store_savepoint.c -- one write among several in a transaction: a
 * savepoint the write's own changes can be rolled back to, leaving those of
 * the writes before it in place. Used by service/tx.c's group commit, where
 * the requests that arrive while a commit is in progress are applied in the
 * next transaction together, each in its own savepoint, so that a refused
 * one (409/422) is undone alone.
 *
 * NOT nested: one savepoint at a time per connection (the group applies its
 * writes one after the other), and NOT a transaction of its own: call
 * between store_begin() and store_commit().
 */
#include <string.h>

#include "store.h"
#include "store_int.h"
#include "db.h"
#include "../core/banned.h"

int store_savepoint(struct store *st, struct err *err)
{
	return db_exec(store_db(st), "SAVEPOINT plenum_write", err);
}

int store_savepoint_release(struct store *st, struct err *err)
{
	return db_exec(store_db(st), "RELEASE SAVEPOINT plenum_write", err);
}

int store_savepoint_rollback(struct store *st, struct err *err)
{
	/* ROLLBACK TO keeps the savepoint open: release it too. On PostgreSQL
	 * this also clears a failed statement's aborted state. */
	return db_exec(store_db(st), "ROLLBACK TO SAVEPOINT plenum_write; RELEASE SAVEPOINT plenum_write", err);
}

int store_savepoint_setup(struct store *st, struct err *err)
{
	/* SQLite keeps the pages a savepoint may restore in a sub-journal that
	 * spills to a temporary file past 64 KiB (an open, write and unlink per
	 * group commit): in memory instead. Nothing to do on PostgreSQL. */
	if (strncmp(db_driver_of(store_db(st)), "sqlite", 6) != 0)
		return 0;
	return db_exec(store_db(st), "PRAGMA temp_store=MEMORY", err);
}
