/*
 * xalloc.h -- allocation that never returns NULL.
 *
 * plenum's policy on out-of-memory (STYLE.md habit 13): allocations whose size
 * plenum chooses abort the process with a message, which removes a class of
 * untested branches. Sizes chosen by outside input never come here unchecked:
 * they go through struct buf, which has a cap and fails softly.
 */
#ifndef PLENUM_XALLOC_H
#define PLENUM_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);   /* checks nmemb * size */
void *xrealloc(void *p, size_t n);
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);               /* NULL gives NULL */
char *xstrndup(const char *s, size_t n);

/* Prints "plenum: fatal: ..." to stderr and exits with status 1. */
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
