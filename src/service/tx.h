/*
 * tx.h -- the one owner of every write: its transaction and its audit entry.
 *
 * Every change to the record is made between svc_tx_begin() and
 * svc_tx_end(), and only service functions call them (scripts/lint refuses
 * store_begin, store_commit and audit_append outside src/service/). The
 * outermost pair opens the store's write transaction; at its end the audit
 * entry is appended -- sealing every row change the transaction made, as
 * the store's triggers recorded them -- and the transaction commits. Nested
 * pairs (a service calling another, an import writing many rows) join the
 * outer transaction and leave the entry to it.
 *
 * In a server, svc_tx_group() makes the writes of all threads share
 * commits (group commit): the writes that arrive while one is applied or
 * committed are applied in the next transaction together, on one writer's
 * connection, each in its own savepoint (a refused one is rolled back
 * alone) with its own audit entry, and each caller returns from
 * svc_tx_end() only once the commit holding its write is durable.
 *
 * It is NOT a lock manager and does not retry: a busy database is an error
 * for the caller to report.
 */
#ifndef PLENUM_TX_H
#define PLENUM_TX_H

#include <stddef.h>
#include <stdint.h>

struct svc;
struct err;

/* Opens the write (or joins the open one). 0, or -1 with *err. */
int svc_tx_begin(struct svc *svc, struct err *err);

/* Ends the write begun by the matching svc_tx_begin(). rc is the caller's
 * result so far: when it is 0 and this is the outermost write, appends the
 * audit entry (action on entity row_id; before and after are optional JSON
 * summaries, the row images are added by the trail itself), records the
 * request's Idempotency-Key, and commits; when rc != 0 (here or in a nested
 * write) the outermost rolls everything back. Returns 0 when committed (or
 * joined), -1 otherwise, with *err filled when the failure happened here. */
int svc_tx_end(struct svc *svc, int rc, const char *action, const char *entity, int64_t row_id,
	       const char *before, const char *after, struct err *err);

/* Ends, without an audit entry, the outermost write: only for an org's
 * deletion, whose chain ends with the org. 0 when committed. */
int svc_tx_end_unaudited(struct svc *svc, int rc, struct err *err);

/* A write that is not a change of the record (the login throttle,
 * sessions, tokens, the light counts' recount): opens the store's write
 * transaction under org_id's lock (-1: the installation's) -- in a server,
 * the group commit's, like every other write, so that no thread of the
 * server waits for SQLite's lock in its busy handler. No audit entry is
 * appended here (the caller appends one when it wants it), and it cannot
 * be nested. svc_tx_plain_end() commits when rc == 0 and returns 0 once
 * that is durable; otherwise it rolls the write back and returns -1. */
int svc_tx_plain_begin(struct svc *svc, int64_t org_id, struct err *err);
int svc_tx_plain_end(struct svc *svc, int rc, struct err *err);

/* Group commit for a server (see above): opens the writer's connection to
 * db (waiting wait_ms for another process's lock, then ST_BUSY). Call once
 * before the threads write; svc_tx_group_close() after the last write. The
 * CLI does not call it: each write is then its own transaction on the
 * svc's connection. svc_tx_group_stats(): commits and writes committed so
 * far (writes per commit: how much grouping saves). */
int svc_tx_group(const char *db, int wait_ms, struct err *err);
void svc_tx_group_close(void);
void svc_tx_group_stats(int64_t *commits, int64_t *writes);

/* The org's record token: a new random value after every write except a
 * task's progress (a task, a report, an extension: those are what the
 * light counts follow), 0 before the first. An answer computed from the rest
 * of the record (meetings, attendance, members, plans: the supervision
 * check) stays right while the token stays the same. */
int svc_record_token(struct svc *svc, int64_t *token, struct err *err);

/* Idempotent requests. svc_idem_lookup() looks the caller's key up: when
 * out->found, the caller replays the stored reply (out->status != 0), or
 * answers that the first request is still being applied (status 0), or
 * refuses a different request under the same key (request_hash differs);
 * otherwise the next write records the key with its own commit (key and
 * request_hash are borrowed until svc_idem_finish). svc_idem_finish()
 * stores the reply of that write, when it committed, and forgets the key. */
struct idem_row;
struct arena;
int svc_idem_lookup(struct svc *svc, const char *key, const char *request_hash, struct arena *a,
		    struct idem_row *out, struct err *err);
int svc_idem_finish(struct svc *svc, int status, const char *location, const char *body, struct err *err);
/* A fingerprint of a request given as parts (NULL parts allowed). */
void svc_idem_hash(const char *const *parts, size_t n, char out[65]);

#endif
