/*
 * replica.h -- heavy reads served by a read replica (plenum serve --read-db).
 *
 * With --read-db URL, the GETs of reports and dashboards (the routes tagged
 * "reports" or "dashboard" that need a login) run on a second connection
 * per worker thread, opened read-only on the replica -- a PostgreSQL hot
 * standby fed by streaming replication, or any read-only copy of the
 * database. Everything else (every write, the session and permission
 * checks, records, lists) stays on the primary (--db).
 *
 * Staleness: a replica answer is as old as the replica's replay lag. A
 * browser that wrote reads from the primary for LIM_REPLICA_PRIMARY_S
 * seconds after each write (a cookie, plenum_primary, set on the write's
 * answer: it works whichever instance behind the balancer answers next), so
 * a user sees their own writes at once. Replica answers are never kept in
 * the answer cache (cache.h): a standby hears no change notification. Each
 * answer says where it came from in X-Plenum-Store (primary or replica).
 *
 * When the replica cannot be reached, or a request on it fails, the
 * connection is dropped and reads go to the primary until a new one opens
 * (tried again at most once a second per thread). It is NOT a load
 * balancer over several replicas (put one in front of them) and does not
 * measure the lag (docs/SCALING.md: monitor pg_last_xact_replay_timestamp).
 */
#ifndef PLENUM_REPLICA_H
#define PLENUM_REPLICA_H

struct req;
struct err;

/* Checks that url opens read-only (at start, so a wrong --read-db fails
 * then) and remembers it. NULL: no replica. 0, or -1 with *err. */
int replica_setup(const char *url, struct err *err);

/* Called after authentication, permission and enter_org: when the request
 * may be answered by the replica, switches r->svc to this thread's replica
 * context (the same org, settings, caller and day) and returns 1; else 0. */
int replica_enter(struct req *r);

/* Called after the handler: on a replica answer that failed, drops this
 * thread's replica connection; on a write that succeeded, sets the
 * plenum_primary cookie (when the answer sets no other cookie). */
void replica_leave(struct req *r);

#endif
