/*
 * store_wal.c -- SQLite's write-ahead log checkpoints, taken off the
 * request path. By default the connection whose commit makes the WAL pass
 * 1,000 pages copies it back into the database file inside that commit
 * (with synchronous=FULL, an fsync of the database too): one request in a
 * thousand pages waits for it, the write p99's spikes. The server turns that
 * off on its request connections (store_wal_manual) and a background thread
 * of its own calls store_wal_checkpoint() every LIM_CHECKPOINT_MS. Also the
 * size of a connection's page cache (store_cache_kb), which the server
 * bounds per thread.
 *
 * For the server only; other processes (the CLI) keep SQLite's default.
 * NOT for PostgreSQL, whose checkpoints are the server's (both calls do
 * nothing on a database URL). synchronous=FULL stays: durability is the
 * commit's, the checkpoint only moves committed pages.
 */
#include <stdio.h>
#include <string.h>

#include "store.h"
#include "store_int.h"
#include "db.h"
#include "../core/banned.h"

static int is_sqlite(struct store *st)
{
	return strncmp(db_driver_of(store_db(st)), "sqlite", 6) == 0;
}

int store_wal_manual(struct store *st, struct err *err)
{
	return is_sqlite(st) ? db_exec(store_db(st), "PRAGMA wal_autocheckpoint=0", err) : 0;
}

int store_wal_checkpoint(struct store *st, int *copied, struct err *err)
{
	/* PASSIVE: copies what no reader still needs, waits for nobody; a
	 * writer is never blocked by it. */
	struct db_stmt *s;
	int rc;

	*copied = 0;
	if (!is_sqlite(st))
		return 0;
	s = db_prepare(store_db(st), "PRAGMA wal_checkpoint(PASSIVE)", err);
	if (s == NULL)
		return -1;
	rc = db_step(s, err);
	if (rc == DB_ROW)
		*copied = (int)db_col_int(s, 2);
	db_done(s);
	return rc < 0 ? -1 : 0;
}

int store_cache_kb(struct store *st, int kb, struct err *err)
{
	char sql[64];

	if (!is_sqlite(st))
		return 0;
	snprintf(sql, sizeof(sql), "PRAGMA cache_size=-%d", kb);
	return db_exec(store_db(st), sql, err);
}
