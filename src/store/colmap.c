/*
 * colmap.c -- rows read by a table of columns (see colmap.h).
 */
#include <stdint.h>
#include <string.h>

#include "colmap.h"
#include "db.h"
#include "../core/arena.h"
#include "../core/buf.h"
#include "../core/banned.h"

void colmap_select(const struct col_map *m, size_t n, int lean, struct buf *out)
{
	for (size_t i = 0; i < n; i++)
		buf_printf(out, "%s%s", i ? ", " : "", lean && !(m[i].lean & lean) ? "NULL" : m[i].expr);
	buf_addc(out, ' ');
}

void colmap_read(const struct col_map *m, size_t n, struct db_stmt *s, struct arena *a, void *row)
{
	char *base = row;

	for (size_t i = 0; i < n; i++) {
		void *p = base + m[i].off;
		int col = (int)i;

		switch (m[i].type) {
		case COL_I64: *(int64_t *)p = db_col_int(s, col); break;
		case COL_INT: *(int *)p = (int)db_col_int(s, col); break;
		case COL_REAL: *(double *)p = db_col_double(s, col); break;
		case COL_PRESENT: *(int *)p = !db_col_is_null(s, col); break;
		case COL_TEXT:
			*(const char **)p = a ? arena_strdup(a, db_col_text(s, col)) : db_col_text(s, col);
			break;
		}
	}
}
