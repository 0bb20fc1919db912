/*
 * rows.h -- one record of the data dictionary in JSON: checking it field by
 * field, turning it into store values, and writing a stored row back as JSON.
 *
 * Shared by the whole-org import (orgjson.c) and the HTTP API, so that a
 * record is judged by the same rules and the same messages wherever it comes
 * from. References are resolved through a callback: the importer resolves
 * keys inside its document, the API resolves them in the store.
 *
 * It is NOT a document walker (orgjson.c is) and it does not write: callers
 * take the values to the store.
 */
#ifndef PLENUM_ROWS_H
#define PLENUM_ROWS_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "../core/err.h"

struct buf;
struct entity;
struct field;
struct value;
struct row_meta;

#define ROWS_PATH_MAX 256

struct rows {
	int offset;      /* minutes east of UTC for datetimes without a zone */
	/* Resolves a key of entity e: 0 and *id (which may be 0 while only
	 * checking), or -1 when there is no such row. */
	int (*resolve)(void *ctx, const struct entity *e, const char *key, int64_t *id);
	/* Receives one problem: the JSON path and the message. */
	void (*problem)(void *ctx, const char *path, const char *msg);
	void *ctx;
	int nproblems;
	/* The reason and parameters of the problem being reported (set by
	 * rows_why() just before rows_problem(), cleared after it): callbacks
	 * that answer clients read them here. */
	struct err why;
};

/* Names the reason of the next rows_problem() (see struct err), with up to
 * two parameters (name, value; NULL names are skipped). */
void rows_why(struct rows *r, const char *reason, const char *p1, const char *v1, const char *p2, const char *v2);

void rows_problem(struct rows *r, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
const char *rows_path(char *out, const char *path, const char *name);   /* "a.b" into out[ROWS_PATH_MAX] */

/* Checks one field's value (NULL when absent). */
void rows_check_field(struct rows *r, const struct entity *e, const struct field *f, json_t *v,
		      const char *path);

enum rows_mode {
	ROWS_CREATE,         /* required fields must be present */
	ROWS_UPDATE,         /* only the fields present are checked */
};

/* Checks a whole record: unknown fields (child lists of e are allowed when
 * children != 0), each field, and the rules across fields (dates in order,
 * a speaker or a name, a unit or a description...). */
void rows_check_object(struct rows *r, const struct entity *e, json_t *obj, const char *path,
		       enum rows_mode mode, int children);

/* Converts a checked record into values for the store: vals[nfields] and
 * present[nfields] (fields absent from obj are left out in ROWS_UPDATE and
 * take their default in ROWS_CREATE). Strings made here live in scratch,
 * which must not be touched until the values are used. F_REFS fields are
 * not converted; self references are converted too. */
int rows_values(struct rows *r, const struct entity *e, json_t *obj, enum rows_mode mode,
		struct value *vals, unsigned char *present, struct buf *scratch);

/* The JSON object of a stored row as store_rows_view() gives it (references
 * as keys). FF_NOEXPORT fields (secrets such as a password hash) are left out. */
json_t *rows_to_json(const struct entity *e, const struct value *vals);
/* The same with the FF_NOEXPORT fields, for a copy between two stores that
 * never leaves the process (io/orgcopy.c): nothing else may call it. */
json_t *rows_to_json_secrets(const struct entity *e, const struct value *vals);

/* obj[name] when it is a string, else NULL. */
const char *rows_str(json_t *obj, const char *name);

#endif
