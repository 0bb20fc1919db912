/*
 * buf.h -- a growable byte string with a hard cap and a sticky error.
 *
 * After SQLite's StrAccum and curl's dynbuf: buf_init() sets the cap and
 * cannot fail; appends check the cap before allocating; the first failure
 * (over the cap) sets b->err and every later append does nothing, so callers
 * check once at the end. The data is always NUL-terminated (an empty buf's
 * buf_str() is ""). Do not touch the fields; use the functions.
 *
 * It is NOT a general string library: no search, no split.
 */
#ifndef PLENUM_BUF_H
#define PLENUM_BUF_H

#include <stddef.h>

struct buf {
	char *data;
	size_t len, cap, max;
	int err;          /* 0, or -1 once an append went over max */
};

#define BUF_INIT(max) { NULL, 0, 0, (max), 0 }

void buf_init(struct buf *b, size_t max);
void buf_release(struct buf *b);            /* frees the data; b may be reused after buf_init */
void buf_reset(struct buf *b);              /* empties, keeps capacity and clears err */

int buf_add(struct buf *b, const void *data, size_t n);
int buf_adds(struct buf *b, const char *s);
int buf_addc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s with &, <, >, " and ' escaped for HTML. */
int buf_add_html_escaped(struct buf *b, const char *s);
/* Appends s with JSON string escaping, without the surrounding quotes. */
int buf_add_json_escaped(struct buf *b, const char *s);

/* For writers that know an upper bound of what they append (a list's JSON,
 * thousands of small fields): buf_space() makes room for n more bytes and
 * returns where they go (borrowed, valid until the next append on b), or
 * NULL -- without setting b->err -- when b has failed already or n more
 * bytes would pass the cap; the caller then appends the ordinary way, which
 * sets the error if the text really does not fit. buf_advance(b, k) makes
 * the k <= n bytes written there part of b (and NUL-terminates it). */
char *buf_space(struct buf *b, size_t n);
void buf_advance(struct buf *b, size_t k);

const char *buf_str(const struct buf *b);   /* borrowed, valid until the next append */
size_t buf_len(const struct buf *b);
/* Hands the data over: the caller frees it; b is left empty. */
char *buf_detach(struct buf *b, size_t *len);

#endif
