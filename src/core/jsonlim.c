/*
 * jsonlim.c -- the input limits of a JSON text, checked in one pass before
 * parsing (see jsonlim.h).
 */
#include <stddef.h>

#include "jsonlim.h"
#include "err.h"
#include "limits.h"
#include "banned.h"

int jsonlim_check(const char *s, size_t n, struct err *err)
{
	size_t items[LIM_JSON_DEPTH + 1];   /* commas seen at each open level */
	size_t line = 1, start = 0;         /* start: of the string being read */
	int depth = 0, in_string = 0;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == '\n')
			line++;
		if (in_string) {
			if (c == '\\')
				i++;                /* the escaped byte cannot end the string */
			else if (c == '"')
				in_string = 0;
			if (in_string && i + 1 - start > LIM_JSON_STRING_BYTES)
				return err_set(err, ST_TOOBIG, "line %zu: a string longer than the limit of %u bytes", line,
					       LIM_JSON_STRING_BYTES);
			continue;
		}
		if (c == '"') {
			in_string = 1;
			start = i + 1;
		} else if (c == '[' || c == '{') {
			if (depth == LIM_JSON_DEPTH)
				return err_set(err, ST_TOOBIG, "line %zu: the JSON is nested deeper than the limit of %d levels",
					       line, LIM_JSON_DEPTH);
			items[++depth] = 0;
		} else if (c == ']' || c == '}') {
			if (depth > 0)
				depth--;
		} else if (c == ',' && depth > 0) {
			if (++items[depth] >= LIM_JSON_ITEMS)
				return err_set(err, ST_TOOBIG, "line %zu: an array or object with more than the limit of %d items",
					       line, LIM_JSON_ITEMS);
		}
	}
	return 0;
}
