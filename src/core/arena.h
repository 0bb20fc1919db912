/*
 * arena.h -- a bump allocator for the strings and records of one request.
 *
 * A service call that reads a meeting or a task list copies every string it
 * returns into an arena the caller owns; the caller frees the whole result
 * with one arena_release(). This keeps ownership simple at every boundary:
 * anything a service returns through an arena lives exactly as long as the
 * arena. Allocation never fails (xalloc policy). Not thread-safe: one arena
 * belongs to one thread.
 */
#ifndef PLENUM_ARENA_H
#define PLENUM_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *head;
};

#define ARENA_INIT { NULL }

void arena_init(struct arena *a);
void arena_release(struct arena *a);
void *arena_alloc(struct arena *a, size_t n);          /* zeroed, aligned */
void *arena_calloc(struct arena *a, size_t nmemb, size_t size);
char *arena_strdup(struct arena *a, const char *s);    /* NULL gives NULL */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
