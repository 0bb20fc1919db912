/*
 * cache.h -- answers to GET requests kept until the data changes.
 *
 * Reads like the dashboard compute lights and roll-ups over every task; they
 * are asked for far more often than anything is written. Each worker thread
 * keeps its own small cache (no locks), keyed by what decides the answer:
 * the org, the caller's role and scope (unit, person), the address with its
 * decoded query (parameters sorted; a request with more than CACHE_KEY_ARGS
 * is not cached), today's date, and the store's version (store.h), which moves on
 * every commit by any thread or process. Bounded: CACHE_ENTRIES answers and
 * CACHE_BYTES in all per thread, least recently used out first.
 */
#ifndef PLENUM_CACHE_H
#define PLENUM_CACHE_H

struct req;

#define CACHE_ENTRIES 32
#define CACHE_BYTES (2048u * 1024)
#define CACHE_ENTRY_MAX (1024u * 1024)   /* a province dashboard is ~300 kB */
#define CACHE_KEY_ARGS 32                /* query parameters in a key */

/* Fills the reply from the cache: 1 on a hit, 0 on a miss. */
int cache_lookup(struct req *r);
/* Keeps the reply (a 200 to a GET) for the next request with the same key,
 * under the store version cache_lookup() read before the handler ran (so a
 * commit during the handler leaves no stale answer behind). Call only after
 * cache_lookup() on the same thread. */
void cache_store(struct req *r);

#endif
