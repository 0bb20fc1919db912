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
 * It is NOT a lock manager and does not retry: a busy database is an error
 * for the caller to report.
 */
#ifndef PLENUM_TX_H
#define PLENUM_TX_H

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

#endif
