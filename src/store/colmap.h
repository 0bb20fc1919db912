/*
 * colmap.h -- a row struct described once as a table of columns: the SQL
 * expression that gives each field and where it goes in the struct.
 *
 * The select list and the reader are both generated from the one table, so
 * adding a field is one line (plus the struct member) and no two lists can
 * drift apart by position. A "lean" select names a shape (a bit) and keeps
 * only the columns whose lean mask has that bit; the reader, told the same
 * shape, leaves the others' fields as a NULL would (0, NULL). Selecting
 * NULL in their place cost a list a column read per absent field and row
 * (27 of 51 for a list's row).
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

/* Appends "e1, e2, ..." (lean != 0: only the columns whose mask has one of those bits). */
void colmap_select(const struct col_map *m, size_t n, int lean, struct buf *out);
/* Reads the current row of s, selected by colmap_select() with the same
 * lean, into row by the map: the selected entries from columns 0, 1, ... in
 * the map's order; the others 0 or NULL. */
void colmap_read(const struct col_map *m, size_t n, int lean, struct db_stmt *s, struct arena *a, void *row);

#endif
