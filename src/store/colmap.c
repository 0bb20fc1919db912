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

/* Whether entry i of a map is a column of the shape (0: every entry). */
static int in_shape(const struct col_map *m, int lean)
{
	return lean == 0 || (m->lean & lean) != 0;
}

void colmap_select(const struct col_map *m, size_t n, int lean, struct buf *out)
{
	int k = 0;

	for (size_t i = 0; i < n; i++)
		if (in_shape(&m[i], lean))
			buf_printf(out, "%s%s", k++ ? ", " : "", m[i].expr);
	buf_addc(out, ' ');
}

void colmap_read(const struct col_map *m, size_t n, int lean, struct db_stmt *s, struct arena *a, void *row)
{
	char *base = row;
	int col = 0;

	for (size_t i = 0; i < n; i++) {
		void *p = base + m[i].off;

		if (!in_shape(&m[i], lean)) {    /* not selected: what a NULL would read */
			switch (m[i].type) {
			case COL_I64: *(int64_t *)p = 0; break;
			case COL_INT: case COL_PRESENT: *(int *)p = 0; break;
			case COL_REAL: *(double *)p = 0; break;
			case COL_TEXT: *(const char **)p = NULL; break;
			}
			continue;
		}
		switch (m[i].type) {
		case COL_I64: *(int64_t *)p = db_col_int(s, col); break;
		case COL_INT: *(int *)p = (int)db_col_int(s, col); break;
		case COL_REAL: *(double *)p = db_col_double(s, col); break;
		case COL_PRESENT: *(int *)p = !db_col_is_null(s, col); break;
		case COL_TEXT:
			*(const char **)p = a ? arena_strdup(a, db_col_text(s, col)) : db_col_text(s, col);
			break;
		}
		col++;
	}
}
