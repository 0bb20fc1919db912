/*
 * tx.c -- the one owner of every write (see tx.h).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sodium.h>

#include "tx.h"
#include "audit.h"
#include "service.h"
#include "lights.h"
#include "../core/date.h"
#include "../core/limits.h"
#include "../core/banned.h"

/* ---- group commit (tx.h svc_tx_group) ----
 *
 * One connection, the writer's, carries every write of the server. A
 * thread that writes waits until the connection is free, opens a
 * transaction on it unless one is open, and applies its write in a
 * savepoint of that transaction, on the writer's connection lent to its
 * svc. When it is done and no other thread waits to write, it commits; when
 * others wait, it leaves the commit to the last of them, so that the writes
 * that arrived while one was applied or committed share the next commit
 * (one fsync). Either way it answers only once the commit that holds its
 * write is durable. A refused write was rolled back to its savepoint and
 * does not wait. A transaction holds the writes of one org (its lock on
 * PostgreSQL) and at most LIM_WRITE_BATCH of them.
 *
 * The fields of g are read and written under mu; busy says which thread
 * uses the writer's connection (only that thread touches st, open, org). */
struct member {
	struct member *next;
	int done, rc;                 /* set by the commit: 0, or -1 with err */
	struct err err;
};

static struct group {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct store *st;             /* the writer's connection; NULL: no group commit (the CLI) */
	int busy;                     /* a thread applies a write or commits */
	enum { UNDO_NONE, UNDO_SAVEPOINT, UNDO_ALL } undo;  /* how the busy thread's write is undone */
	int open;                     /* a transaction is open on st */
	int wanting;                  /* threads waiting to write */
	int n;                        /* writes in the open transaction, waiting for its commit */
	int64_t org;                  /* the org whose lock the open transaction holds */
	struct member *members;
	_Atomic int64_t commits, writes;
} g = { .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER };

int svc_tx_group(const char *db, int wait_ms, struct err *err)
{
	struct store *st;

	if (g.st)
		return 0;
	st = store_open(db, STORE_EXISTING, err);
	if (st == NULL)
		return -1;
	store_set_lock_wait(st, wait_ms);
	if (store_wal_manual(st, err) != 0 || store_savepoint_setup(st, err) != 0 ||
	    store_cache_kb(st, LIM_DB_SERVER_CACHE_KB, err) != 0) {
		store_close(st);
		return -1;
	}
	g.st = st;
	return 0;
}

void svc_tx_group_close(void)
{
	pthread_mutex_lock(&g.mu);
	while (g.busy || g.open)
		pthread_cond_wait(&g.cv, &g.mu);
	store_close(g.st);
	g.st = NULL;
	pthread_mutex_unlock(&g.mu);
}

void svc_tx_group_stats(int64_t *commits, int64_t *writes)
{
	*commits = atomic_load(&g.commits);
	*writes = atomic_load(&g.writes);
}

/* Commits the open transaction for every write waiting in it. Called by the
 * thread that holds busy, without mu. */
static void group_commit(void)
{
	struct err err = ERR_INIT;
	struct member *m;
	int rc = 0, n;

	if (!g.open)
		return;
	/* Only refused writes (each rolled back to its savepoint): nothing to
	 * make durable. */
	if (g.n == 0)
		store_rollback(g.st);
	else if (store_commit(g.st, &err) != 0) {
		store_rollback(g.st);
		rc = -1;
	}
	pthread_mutex_lock(&g.mu);
	n = g.n;
	for (m = g.members; m; m = m->next) {
		m->rc = rc;
		if (rc != 0)
			m->err = err;
		m->done = 1;
	}
	g.members = NULL;
	g.open = 0;
	g.n = 0;
	pthread_cond_broadcast(&g.cv);
	pthread_mutex_unlock(&g.mu);
	if (n > 0 && rc == 0) {
		atomic_fetch_add(&g.commits, 1);
		atomic_fetch_add(&g.writes, n);
	}
}

/* Waits for the writer's connection and opens this write's savepoint on it,
 * in the open transaction or a new one; lends the connection to svc. */
static int group_enter(struct svc *svc, int64_t org, struct err *err)
{

	pthread_mutex_lock(&g.mu);
	g.wanting++;
	for (;;) {
		if (g.busy) {
			pthread_cond_wait(&g.cv, &g.mu);
			continue;
		}
		if (g.open && (g.org != org || g.n >= LIM_WRITE_BATCH)) {
			/* Another org's writes, or a full one: commit it first. */
			g.busy = 1;
			pthread_mutex_unlock(&g.mu);
			group_commit();
			pthread_mutex_lock(&g.mu);
			g.busy = 0;
			continue;
		}
		break;
	}
	g.wanting--;
	g.busy = 1;
	g.undo = UNDO_NONE;
	pthread_mutex_unlock(&g.mu);
	if (!g.open) {
		if (store_begin(g.st, err) != 0)
			return -1;
		/* One lock per write transaction of the org: under PostgreSQL's
		 * READ COMMITTED two writers would otherwise both read the chain's
		 * last hash and fork it (SQLite's BEGIN IMMEDIATE already
		 * serialises). */
		if (store_lock_org(g.st, org, err) != 0) {
			store_rollback(g.st);
			return -1;
		}
		g.open = 1;
		g.org = org;
		/* The first write of a transaction needs no savepoint: refused, it
		 * rolls the transaction back (two statements fewer for a write
		 * that shares its commit with no other). */
		g.undo = UNDO_ALL;
	} else {
		if (store_savepoint(g.st, err) != 0)
			return -1;
		g.undo = UNDO_SAVEPOINT;
	}
	svc->own_st = svc->st;
	svc->st = g.st;
	return 0;
}

/* Ends this write's part: releases its savepoint (rc == 0) or rolls back to
 * it (or rolls back the transaction it was the first of), gives the
 * connection back, commits when no other write waits (or the transaction is
 * full), and waits for the commit that holds this write. 0 when the write
 * is durable, -1 when it was refused (rc != 0) or its commit failed (*err). */
static int group_leave(struct svc *svc, int rc, struct err *err)
{
	struct member m;

	memset(&m, 0, sizeof(m));
	if (svc->own_st) {
		svc->st = svc->own_st;
		svc->own_st = NULL;
	}
	if (g.undo == UNDO_SAVEPOINT && rc == 0 && store_savepoint_release(g.st, err) != 0)
		rc = -1;
	if (g.undo == UNDO_ALL && rc != 0) {
		store_rollback(g.st);
		pthread_mutex_lock(&g.mu);
		g.open = 0;
		pthread_mutex_unlock(&g.mu);
	}
	if (g.undo == UNDO_SAVEPOINT && rc != 0 && store_savepoint_rollback(g.st, NULL) != 0) {
		/* The transaction is in an unknown state: none of it commits. */
		store_rollback(g.st);
		pthread_mutex_lock(&g.mu);
		for (struct member *o = g.members; o; o = o->next) {
			o->rc = err_set(&o->err, ST_FAIL, "the write could not be undone alone: try again");
			o->done = 1;
		}
		g.members = NULL;
		g.open = 0;
		g.n = 0;
		pthread_mutex_unlock(&g.mu);
	}
	pthread_mutex_lock(&g.mu);
	if (rc == 0) {
		m.next = g.members;
		g.members = &m;
		g.n++;
	}
	if (g.open && (g.wanting == 0 || g.n >= LIM_WRITE_BATCH)) {
		pthread_mutex_unlock(&g.mu);
		group_commit();
		pthread_mutex_lock(&g.mu);
	}
	g.busy = 0;
	pthread_cond_broadcast(&g.cv);
	while (rc == 0 && !m.done)
		pthread_cond_wait(&g.cv, &g.mu);
	pthread_mutex_unlock(&g.mu);
	if (rc != 0)
		return -1;
	if (m.rc != 0) {
		if (err)
			*err = m.err;
		return -1;
	}
	return 0;
}

/* The store transaction of a write: the group's when there is one, else
 * the svc's own connection's. */
static int tx_open(struct svc *svc, int64_t org, struct err *err)
{
	if (g.st) {
		if (group_enter(svc, org, err) == 0)
			return 0;
		group_leave(svc, -1, NULL);
		return -1;
	}
	if (store_begin(svc->st, err) != 0)
		return -1;
	if (store_lock_org(svc->st, org, err) != 0) {
		store_rollback(svc->st);
		return -1;
	}
	return 0;
}

/* Commits (rc == 0) or rolls back the write tx_open() opened: 0 when
 * committed and durable, -1 otherwise. */
static int tx_close(struct svc *svc, int rc, struct err *err)
{
	if (g.st)
		return group_leave(svc, rc, err);
	if (rc == 0 && store_commit(svc->st, err) == 0)
		return 0;
	store_rollback(svc->st);
	return -1;
}

int svc_tx_begin(struct svc *svc, struct err *err)
{
	if (svc->tx_depth > 0) {
		svc->tx_depth++;
		return 0;
	}
	if (tx_open(svc, svc->org.id, err) != 0)
		return -1;
	lights_forget(svc);
	svc->tx_depth = 1;
	svc->tx_failed = 0;
	return 0;
}

static int claim_idempotency_key(struct svc *svc, struct err *err)
{
	char now[32];

	if (svc->idem.key == NULL || svc->idem.claimed)
		return 0;
	if (store_idem_claim(svc->st, svc->org.id, svc->actor, svc->idem.key, svc->idem.request_hash,
			     svc_now(now), err) != 0)
		return -1;
	svc->idem.claimed = 1;
	return 0;
}

/* Every write but the tasks' progress gives the org's record a new token
 * (tx.h svc_record_token). */
static int new_record_token(struct svc *svc, const char *action, const char *entity, int64_t row_id,
			    struct err *err)
{
	int progress = entity && (strcmp(entity, "task") == 0 || strcmp(entity, "report") == 0 ||
				  strcmp(entity, "extension") == 0);
	int is_org = entity && strcmp(entity, "org") == 0;
	int64_t org_id = svc->has_org ? svc->org.id : is_org ? row_id : 0, token;

	/* an import of tasks may bring units and people along; an org's
	 * creation or import (no org selected yet) names the org */
	if (org_id == 0 || (progress && !(action && strncmp(action, "import", 6) == 0)) ||
	    (is_org && action && strcmp(action, "delete") == 0))
		return 0;
	randombytes_buf(&token, sizeof(token));
	token = (token & INT64_MAX) | 1;     /* positive, never 0 ("none yet") */
	return store_record_token_set(svc->st, org_id, token, err);
}

int svc_record_token(struct svc *svc, int64_t *token, struct err *err)
{
	return store_record_token(svc->st, svc->org.id, token, err);
}

int svc_tx_end(struct svc *svc, int rc, const char *action, const char *entity, int64_t row_id,
	       const char *before, const char *after, struct err *err)
{
	if (svc->tx_depth <= 0)
		return err_set(err, ST_FAIL, "svc_tx_end without svc_tx_begin");
	if (rc != 0)
		svc->tx_failed = 1;
	if (--svc->tx_depth > 0)
		return rc != 0 ? -1 : 0;
	rc = svc->tx_failed ? -1 : 0;
	/* An import or an org's whole data: the light counts are recounted. */
	if (rc == 0 && action && (strncmp(action, "import", 6) == 0 || (entity && strcmp(entity, "org") == 0)))
		lights_touch_all(svc);
	if (rc == 0 &&
	    (lights_apply(svc, err) != 0 || new_record_token(svc, action, entity, row_id, err) != 0 ||
	     claim_idempotency_key(svc, err) != 0 || audit_append(svc, action, entity, row_id, before, after, err) != 0))
		rc = -1;
	svc->tx_failed = 0;
	if (tx_close(svc, rc, err) != 0) {
		lights_forget(svc);
		svc->idem.claimed = 0;
		return -1;
	}
	audit_checkpoint_maybe(svc);
	return 0;
}

int svc_tx_end_unaudited(struct svc *svc, int rc, struct err *err)
{
	if (svc->tx_depth != 1)
		return err_set(err, ST_FAIL, "svc_tx_end_unaudited inside another write");
	svc->tx_depth = 0;
	svc->tx_failed = 0;
	lights_forget(svc);
	return tx_close(svc, rc, err);
}

int svc_tx_plain_begin(struct svc *svc, int64_t org_id, struct err *err)
{
	if (svc->tx_depth > 0)
		return err_set(err, ST_FAIL, "svc_tx_plain_begin inside another write");
	return tx_open(svc, org_id, err);
}

int svc_tx_plain_end(struct svc *svc, int rc, struct err *err)
{
	return tx_close(svc, rc, err);
}

int svc_idem_lookup(struct svc *svc, const char *key, const char *request_hash, struct arena *a,
		    struct idem_row *out, struct err *err)
{
	memset(&svc->idem, 0, sizeof(svc->idem));
	if (store_idem_get(svc->st, svc->org.id, svc->actor, key, a, out, err) != 0)
		return -1;
	if (!out->found) {
		svc->idem.key = key;
		svc->idem.request_hash = request_hash;
	}
	return 0;
}

int svc_idem_finish(struct svc *svc, int status, const char *location, const char *body, struct err *err)
{
	static _Atomic unsigned finished;
	char cutoff[DATETIME_LEN];
	int rc = 0;

	if (svc->idem.key && svc->idem.claimed) {
		/* Its own small write: the write it answers has committed. */
		if (tx_open(svc, svc->org.id, err) != 0)
			rc = -1;
		else {
			if (store_idem_finish(svc->st, svc->org.id, svc->actor, svc->idem.key, status, location, body,
					      err) != 0)
				rc = -1;
			/* Keys are kept for at least 24 hours; older ones go now and then. */
			if (rc == 0 && (atomic_fetch_add(&finished, 1) & 255) == 0) {
				datetime_format_utc(datetime_now() - 2 * 86400, cutoff);
				rc = store_idem_purge(svc->st, cutoff, err);
			}
			rc = tx_close(svc, rc, err);
		}
	}
	memset(&svc->idem, 0, sizeof(svc->idem));
	return rc;
}

void svc_idem_hash(const char *const *parts, size_t n, char out[65])
{
	crypto_generichash_state h;
	unsigned char d[32];

	crypto_generichash_init(&h, NULL, 0, sizeof(d));
	for (size_t i = 0; i < n; i++)
		crypto_generichash_update(&h, (const unsigned char *)(parts[i] ? parts[i] : ""),
					  parts[i] ? strlen(parts[i]) + 1 : 0);
	crypto_generichash_final(&h, d, sizeof(d));
	sodium_bin2hex(out, 65, d, sizeof(d));
}
