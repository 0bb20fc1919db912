/*
 * colmap.h -- a row struct described once as a table of columns: the SQL
 * expression that gives each field and where it goes in the struct.
 *
 * The select list and the reader are both generated from the one table, so
 * adding a field is one line (plus the struct member) and no two lists can
 * drift apart by position. A "lean" select names a shape (a bit) and keeps
 * the columns whose lean mask has that bit, selecting NULL in the place of
 * the others, so one reader serves every shape.
 * Store-internal: not for use outside src/store/.
 */
#ifndef PLENUM_COLMAP_H
#define PLENUM_COLMAP_H

#include <stddef.h>

struct arena;
struct buf;
struct db_stmt;

enum col_type {
	COL_I64,       /* int64_t */
	COL_INT,       /* int */
	COL_REAL,      /* double */
	COL_TEXT,      /* const char *, copied into the arena (or borrowed without one) */
	COL_PRESENT,   /* int: 1 when the expression is not NULL */
};

struct col_map {
	const char *expr;     /* SQL over the statement's aliases */
	enum col_type type;
	size_t off;           /* offsetof(struct ..., field) */
	int lean;             /* the lean shapes (bits) that select it too */
};

/* Appends "e1, e2, ..." (lean != 0: NULL for the columns whose mask lacks those bits). */
void colmap_select(const struct col_map *m, size_t n, int lean, struct buf *out);
/* Reads the current row of s into row by the map, column i from map entry i. */
void colmap_read(const struct col_map *m, size_t n, struct db_stmt *s, struct arena *a, void *row);

#endif
