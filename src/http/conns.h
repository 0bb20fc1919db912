/*
 * conns.h -- the server's open connections and their deadlines.
 *
 * libmicrohttpd 0.9.75 has a connection cap, a cap per address and an idle
 * timeout that every byte restarts; it has no deadline for the request line
 * and headers, nor for a body, so a client trickling a byte every few
 * seconds holds a connection forever. This module keeps a deadline per
 * connection and a reaper thread that shuts down the socket of one past it
 * (the HTTP library then sees the peer gone and closes it); while more than
 * the cap are open, connections that have waited LIM_BUSY_WAIT_S for a
 * request go too. It is NOT the HTTP library's connection: it knows a
 * socket and times, never requests, and never closes a descriptor itself.
 *
 * Threads: conns_open/conns_close/conns_phase for one connection are called
 * from the thread that serves it; the reaper runs on its own thread. All
 * share one mutex. conns_close() must run before the socket is closed, so
 * that the reaper never shuts down a descriptor already reused.
 */
#ifndef PLENUM_CONNS_H
#define PLENUM_CONNS_H

#include <stdint.h>

struct conn;

enum conn_phase {
	CONN_WAITING,     /* for a request: line and headers (after the idle time when kept alive) */
	CONN_BODY,        /* headers in, reading the body */
	CONN_ANSWERING,   /* a handler is answering: no deadline */
};

/* The cap over which new connections are answered 503, and the deadlines,
 * in microseconds. Call once before the server starts. */
void conns_setup(unsigned max_conn, int64_t header_us, int64_t body_us, int64_t idle_us);
/* Registers a new connection on socket fd (waiting for its first request). */
struct conn *conns_open(int fd);
/* 1 when it was accepted with the cap already reached: answer it 503. */
int conns_over_cap(const struct conn *k);
/* The connection moves to phase; its deadline restarts. After an answer,
 * CONN_WAITING gives it the idle time plus the header time. k may be NULL. */
void conns_phase(struct conn *k, enum conn_phase phase, int after_answer);
/* Forgets and frees k (NULL is fine). */
void conns_close(struct conn *k);
/* Starts and stops the reaper thread. */
void conns_reaper_start(void);
void conns_reaper_stop(void);

#endif
