/*
 * rows.c -- checking, converting and writing back one record (see rows.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rows.h"
#include "../core/buf.h"
#include "../core/date.h"
#include "../core/limits.h"
#include "../core/text.h"
#include "../core/xalloc.h"
#include "../domain/deadline.h"
#include "../domain/model.h"
#include "../store/store.h"
#include "../core/banned.h"

/* JSON paths in messages are cut at ROWS_PATH_MAX on purpose. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

void rows_problem(struct rows *r, const char *path, const char *fmt, ...)
{
	va_list ap;
	char msg[512];

	r->nproblems++;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (r->problem)
		r->problem(r->ctx, path, msg);
	err_reason(&r->why, "");
}

void rows_why(struct rows *r, const char *reason, const char *p1, const char *v1, const char *p2, const char *v2)
{
	err_reason(&r->why, reason);
	if (p1)
		err_param(&r->why, p1, "%s", v1 ? v1 : "");
	if (p2)
		err_param(&r->why, p2, "%s", v2 ? v2 : "");
}

/* As rows_why with whole-number parameters min and max. */
static void why_range(struct rows *r, const char *reason, long long min, long long max)
{
	char a[24], b[24];

	snprintf(a, sizeof(a), "%lld", min);
	snprintf(b, sizeof(b), "%lld", max);
	rows_why(r, reason, "min", a, "max", b);
}

const char *rows_path(char *out, const char *path, const char *name)
{
	snprintf(out, ROWS_PATH_MAX, "%s%s%s", path, *path ? "." : "", name);
	return out;
}

const char *rows_str(json_t *obj, const char *name)
{
	json_t *v = json_object_get(obj, name);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int key_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > LIM_KEY_CHARS)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '-' || *s == '_' || *s == '.' || *s == ':' || *s == '@'))
			return 0;
	return 1;
}

static void enum_list(const struct field *f, char *out, size_t size)
{
	size_t len = 0;

	out[0] = '\0';
	for (int i = 0; f->values[i] && len < size; i++)
		len += (size_t)snprintf(out + len, size - len, "%s%s", i ? ", " : "", f->values[i]);
}

static void check_text(struct rows *r, const struct field *f, json_t *v, const char *path)
{
	const char *s;

	if (!json_is_string(v)) {
		rows_problem(r, path, "expected text");
		return;
	}
	s = json_string_value(v);
	if (json_string_length(v) != strlen(s) || !text_utf8_valid(s, strlen(s)))
		rows_problem(r, path, "text is not valid UTF-8");
	else if ((f->flags & FF_REQUIRED) && text_is_blank(s))
		rows_why(r, "required", NULL, NULL, NULL, NULL), rows_problem(r, path, "must not be empty");
	else if (f->max > 0 && text_utf8_chars(s) > (size_t)f->max)
		why_range(r, "too_long", 0, f->max), rows_problem(r, path, "text of %zu characters is longer than the limit of %lld",
			     text_utf8_chars(s), f->max);
}

static void check_ref(struct rows *r, const struct field *f, json_t *v, const char *path)
{
	int64_t id;

	if (!json_is_string(v)) {
		rows_problem(r, path, "expected the key of a %s", f->ref);
		return;
	}
	if (r->resolve(r->ctx, model_entity(f->ref), json_string_value(v), &id) != 0) {
		rows_why(r, "unknown_reference", "entity", f->ref, "value", json_string_value(v));
		rows_problem(r, path, "no %s \"%s\"", f->ref, json_string_value(v));
	}
}

void rows_check_field(struct rows *r, const struct entity *e, const struct field *f, json_t *v,
		      const char *path)
{
	char values[512], p[ROWS_PATH_MAX];
	int32_t day;
	int64_t t;
	size_t i;
	json_t *item;

	if (v == NULL || json_is_null(v)) {
		if (f->flags & FF_REQUIRED)
			rows_why(r, "required", NULL, NULL, NULL, NULL), rows_problem(r, path, "required");
		return;
	}
	switch (f->type) {
	case F_KEY:
		if (!json_is_string(v) || !key_ok(json_string_value(v)))
			rows_problem(r, path, "a key is 1 to %d letters, digits or - _ . : @", LIM_KEY_CHARS);
		break;
	case F_TEXT:
		check_text(r, f, v, path);
		break;
	case F_INT:
		if (!json_is_integer(v))
			rows_problem(r, path, "expected a whole number");
		else if (json_integer_value(v) < f->min || json_integer_value(v) > f->max)
			why_range(r, "out_of_range", f->min, f->max), rows_problem(r, path, "%lld is out of range %lld..%lld", (long long)json_integer_value(v),
				     f->min, f->max);
		break;
	case F_REAL:
		if (!json_is_number(v))
			rows_problem(r, path, "expected a number");
		else if (json_number_value(v) < (double)f->min || json_number_value(v) > (double)f->max)
			why_range(r, "out_of_range", f->min, f->max), rows_problem(r, path, "%g is out of range %lld..%lld", json_number_value(v), f->min, f->max);
		break;
	case F_BOOL:
		if (!json_is_boolean(v))
			rows_problem(r, path, "expected true or false");
		break;
	case F_DATE:
		if (!json_is_string(v) || date_parse(json_string_value(v), &day) != 0)
			rows_why(r, "not_a_date", NULL, NULL, NULL, NULL), rows_problem(r, path, "expected a real date YYYY-MM-DD between %d and %d, got %s",
				     LIM_YEAR_MIN, LIM_YEAR_MAX, json_is_string(v) ? json_string_value(v) : "a non-string");
		break;
	case F_DATETIME:
		if (!json_is_string(v) || datetime_parse(json_string_value(v), r->offset, &t) != 0)
			rows_why(r, "not_a_date", NULL, NULL, NULL, NULL), rows_problem(r, path, "expected a real date and time YYYY-MM-DDTHH:MM[:SS][Z|+08:00], got %s",
				     json_is_string(v) ? json_string_value(v) : "a non-string");
		break;
	case F_ENUM:
		if (!json_is_string(v) || model_enum_index(f, json_string_value(v)) < 0) {
			enum_list(f, values, sizeof(values));
			rows_why(r, "invalid_choice", NULL, NULL, NULL, NULL);
			rows_problem(r, path, "expected one of: %s", values);
		}
		break;
	case F_REF:
		check_ref(r, f, v, path);
		break;
	case F_REFS:
		if (!json_is_array(v) || json_array_size(v) > (size_t)f->max) {
			rows_problem(r, path, "expected a list of %s keys", f->ref);
			break;
		}
		json_array_foreach(v, i, item) {
			snprintf(p, sizeof(p), "%s[%zu]", path, i);
			check_ref(r, f, item, p);
			for (size_t k = 0; k < i; k++)
				if (json_equal(json_array_get(v, k), item))
					rows_why(r, "duplicate", NULL, NULL, NULL, NULL), rows_problem(r, p, "\"%s\" is listed twice", json_string_value(item));
		}
		break;
	case F_STRLIST:
		if (!json_is_array(v) || json_array_size(v) > LIM_LIST_ITEMS) {
			rows_problem(r, path, "expected a list of texts");
			break;
		}
		json_array_foreach(v, i, item) {
			snprintf(p, sizeof(p), "%s[%zu]", path, i);
			check_text(r, f, item, p);
		}
		break;
	case F_ILLUS:
		if (json_is_boolean(v))
			break;
		if (!json_is_array(v)) {
			rows_problem(r, path, "expected true, false or a list of field names");
			break;
		}
		json_array_foreach(v, i, item) {
			if (!json_is_string(item) || model_field(e, json_string_value(item)) == NULL)
				rows_problem(r, path, "\"%s\" is not a field of a %s",
					     json_is_string(item) ? json_string_value(item) : "?", e->name);
		}
		break;
	}
}

static int32_t get_date(json_t *obj, const char *name)
{
	int32_t d;
	const char *s = rows_str(obj, name);

	return s && date_parse(s, &d) == 0 ? d : DATE_NONE;
}

static void check_order(struct rows *r, json_t *obj, const char *path, const char *a, const char *b)
{
	int32_t da = get_date(obj, a), db = get_date(obj, b);
	char p[ROWS_PATH_MAX];

	if (da != DATE_NONE && db != DATE_NONE && db < da)
		rows_why(r, "before", "other", a, NULL, NULL), rows_problem(r, rows_path(p, path, b), "is before %s", a);
}

/* A whole task (create, import): its deadline has the fields its kind needs,
 * reported at the field's path. A PATCH is judged on the row as written
 * (service/record.c), where the fields it leaves out are known. Fields that
 * are already wrong on their own (a bad date, an unknown kind) are not judged
 * twice. */
static void check_deadline(struct rows *r, json_t *obj, const char *path)
{
	static const char *const dates[] = { "due_on", "due_from" };
	const char *field = NULL, *kind = rows_str(obj, "due_kind"), *prec = rows_str(obj, "due_precision");
	char msg[256], p[ROWS_PATH_MAX];
	struct deadline d;
	size_t n;

	for (size_t i = 0; i < 2; i++)
		if (rows_str(obj, dates[i]) && get_date(obj, dates[i]) == DATE_NONE)
			return;
	if ((kind && model_enum_index(model_field(model_entity("task"), "due_kind"), kind) < 0) ||
	    (prec && model_enum_index(model_field(model_entity("task"), "due_precision"), prec) < 0))
		return;
	deadline_from_fields(&d, kind, rows_str(obj, "due_from"), rows_str(obj, "due_on"), prec);
	if (deadline_check(&d, &field, msg, sizeof(msg)) == 0)
		return;
	n = strlen(field);
	rows_why(r, "deadline", NULL, NULL, NULL, NULL);
	rows_problem(r, rows_path(p, path, field), "%s",
		     strncmp(msg, field, n) == 0 && msg[n] == ':' ? msg + n + 2 : msg);
}

static int is_child_list(const struct entity *e, const char *name)
{
	for (size_t c = 0; c < model_nentities; c++)
		if (model_entities[c].parent && strcmp(model_entities[c].parent, e->name) == 0 &&
		    strcmp(model_entities[c].list, name) == 0)
			return 1;
	return 0;
}

/* Rules across the fields of the faithful record (migration 0007): a part of
 * day with its precision, an end not before the start, one attribution per
 * clause, a host or category that says who, inferred marks naming fields. */
static void check_faithful_record(struct rows *r, const struct entity *e, json_t *obj, const char *path,
				  enum rows_mode mode)
{
	char p[ROWS_PATH_MAX];
	const char *name = e->name;
	json_t *v;
	size_t i;

	json_array_foreach(json_object_get(obj, "inferred"), i, v) {
		const char *s = json_string_value(v), *colon = s ? strchr(s, ':') : NULL;
		char field[64];
		size_t n = colon ? (size_t)(colon - s) : (s ? strlen(s) : 0);

		if (s == NULL || n == 0 || n >= sizeof(field))
			continue;
		memcpy(field, s, n);
		field[n] = '\0';
		if (model_field(e, field) == NULL) {
			char item[ROWS_PATH_MAX];

			snprintf(item, sizeof(item), "%s[%zu]", rows_path(p, path, "inferred"), i);
			rows_problem(r, item, "names no field of a %s: \"%s\" (write \"field\" or \"field: note\")", name, field);
		}
	}
	if (strcmp(name, "meeting") == 0 || strcmp(name, "session") == 0) {
		const char *prec = rows_str(obj, "time_precision");

		if (prec && strcmp(prec, "part_of_day") == 0 && !rows_str(obj, "part_of_day") && mode == ROWS_CREATE)
			rows_problem(r, rows_path(p, path, "part_of_day"),
				     "required when time_precision is \"part_of_day\": morning, afternoon or evening");
		if (rows_str(obj, "starts_at") && rows_str(obj, "ends_on") &&
		    strncmp(rows_str(obj, "ends_on"), rows_str(obj, "starts_at"), 10) < 0)
			rows_problem(r, rows_path(p, path, "ends_on"), "is before the day of starts_at");
	} else if (strcmp(name, "decision") == 0) {
		if (rows_str(obj, "speech") && rows_str(obj, "body"))
			rows_problem(r, rows_path(p, path, "body"),
				     "a clause is attributed to a speech or to a body, not both");
	} else if (strcmp(name, "host") == 0 && mode == ROWS_CREATE) {
		if (!rows_str(obj, "group") && !rows_str(obj, "unit") && !rows_str(obj, "description"))
			rows_problem(r, rows_path(p, path, "group"),
				     "required: a group key, a unit key (a body such as the Standing Committee) or a description");
	} else if (strcmp(name, "meeting_unit") == 0) {
		if (json_is_true(json_object_get(obj, "all_members")) && !rows_str(obj, "unit"))
			rows_problem(r, rows_path(p, path, "all_members"), "needs the unit (the body) whose members attended");
	}
}

void rows_check_object(struct rows *r, const struct entity *e, json_t *obj, const char *path,
		       enum rows_mode mode, int children)
{
	char p[ROWS_PATH_MAX];
	const char *k, *name = e->name;
	json_t *v;

	json_object_foreach(obj, k, v) {
		if (model_field(e, k) == NULL && !(children && is_child_list(e, k)))
			rows_problem(r, rows_path(p, path, k), "unknown field");
	}
	for (size_t i = 0; i < e->nfields; i++) {
		const struct field *f = &e->fields[i];

		v = json_object_get(obj, f->name);
		if (mode == ROWS_UPDATE && v == NULL)
			continue;
		rows_check_field(r, e, f, v, rows_path(p, path, f->name));
	}
	check_order(r, obj, path, "starts_on", "due_on");
	check_order(r, obj, path, "from_on", "to_on");
	check_order(r, obj, path, "old_due_on", "new_due_on");
	if (strcmp(name, "task") == 0 && mode == ROWS_CREATE)
		check_deadline(r, obj, path);
	if (strcmp(name, "meeting") == 0) {
		int64_t s, t;

		if (rows_str(obj, "starts_at") && rows_str(obj, "ends_at") &&
		    datetime_parse(rows_str(obj, "starts_at"), r->offset, &s) == 0 &&
		    datetime_parse(rows_str(obj, "ends_at"), r->offset, &t) == 0 && t < s)
			rows_why(r, "before", "other", "starts_at", NULL, NULL), rows_problem(r, rows_path(p, path, "ends_at"), "is before starts_at");
	} else if (strcmp(name, "speech") == 0 && mode == ROWS_CREATE) {
		if (!rows_str(obj, "speaker") && !rows_str(obj, "speaker_name") && !rows_str(obj, "speaker_unit") &&
		    !rows_str(obj, "speaker_category") && !json_is_true(json_object_get(obj, "unattributed")))
			rows_why(r, "required", NULL, NULL, NULL, NULL), rows_problem(r, rows_path(p, path, "speaker"),
				     "required: a person key, speaker_name for a speaker with no person record, "
				     "speaker_unit, speaker_category, or \"unattributed\": true");
	} else if (strcmp(name, "meeting_unit") == 0 && mode == ROWS_CREATE) {
		if (!rows_str(obj, "unit") && !rows_str(obj, "description") && !rows_str(obj, "group"))
			rows_why(r, "required", NULL, NULL, NULL, NULL), rows_problem(r, rows_path(p, path, "unit"),
				     "required: a unit key, a group key (its members, unnamed), or a description such as "
				     "\"relevant municipal units\"");
	} else if (strcmp(name, "user") == 0 && rows_str(obj, "role") && strcmp(rows_str(obj, "role"), "reporter") == 0 &&
		   !rows_str(obj, "unit") && mode == ROWS_CREATE) {
		rows_why(r, "required", NULL, NULL, NULL, NULL);
		rows_problem(r, rows_path(p, path, "unit"), "required for a reporter: the unit whose tasks the user reports on");
	}
	check_faithful_record(r, e, obj, path, mode);
}

/* Copies s into scratch and remembers its offset: scratch may move while it grows. */
static void scratch_text(struct value *out, struct buf *scratch, const char *s)
{
	out->kind = V_TEXT;
	out->i = -1;
	out->s = (const char *)(uintptr_t)buf_len(scratch);
	buf_add(scratch, s, strlen(s) + 1);
}

static void to_value(struct rows *r, const struct field *f, json_t *v, struct value *out, struct buf *scratch)
{
	int64_t t;
	char dt[DATETIME_LEN];

	memset(out, 0, sizeof(*out));
	if (v == NULL || json_is_null(v))
		return;
	switch (f->type) {
	case F_INT:
		out->kind = V_INT;
		out->i = json_integer_value(v);
		break;
	case F_REAL:
		out->kind = V_REAL;
		out->d = json_number_value(v);
		break;
	case F_BOOL:
		out->kind = V_INT;
		out->i = json_is_true(v);
		break;
	case F_DATETIME:
		datetime_parse(json_string_value(v), r->offset, &t);
		scratch_text(out, scratch, datetime_format_utc(t, dt));
		break;
	case F_REF:
		out->kind = V_INT;
		if (r->resolve(r->ctx, model_entity(f->ref), json_string_value(v), &out->i) != 0)
			out->kind = V_NULL;
		break;
	case F_STRLIST:
	case F_ILLUS: {
		char *text;

		if (json_is_false(v))
			return;
		text = json_is_true(v) ? xstrdup("*") : json_dumps(v, JSON_COMPACT);
		if (text)
			scratch_text(out, scratch, text);
		free(text);
		break;
	}
	case F_REFS:
		break;
	default:
		scratch_text(out, scratch, json_string_value(v));
		break;
	}
}

int rows_values(struct rows *r, const struct entity *e, json_t *obj, enum rows_mode mode,
		struct value *vals, unsigned char *present, struct buf *scratch)
{
	for (size_t i = 0; i < e->nfields; i++) {
		const struct field *f = &e->fields[i];
		json_t *v = json_object_get(obj, f->name);

		present[i] = v != NULL && f->type != F_REFS;
		if (v == NULL && mode == ROWS_CREATE && f->def) {
			json_t *d = json_loads(f->def, JSON_DECODE_ANY, NULL);

			to_value(r, f, d, &vals[i], scratch);
			json_decref(d);
			present[i] = 1;
		} else {
			to_value(r, f, v, &vals[i], scratch);
		}
		if (mode == ROWS_CREATE && f->type != F_REFS)
			present[i] = 1;
	}
	if (scratch->err)
		return -1;
	for (size_t i = 0; i < e->nfields; i++)
		if (vals[i].kind == V_TEXT && vals[i].i == -1)
			vals[i].s = buf_str(scratch) + (uintptr_t)vals[i].s;
	return 0;
}

static json_t *to_json(const struct entity *e, const struct value *vals, int secrets)
{
	json_t *obj = json_object();

	for (size_t i = 0; i < e->nfields; i++) {
		const struct field *f = &e->fields[i];
		const struct value *v = &vals[i];
		json_t *jv = NULL;

		if (v->kind == V_NULL || f->type == F_REFS)
			continue;
		if ((f->flags & FF_NOEXPORT) && !secrets)
			continue;                 /* secrets: taken in, never given out */
		switch (f->type) {
		case F_INT: jv = json_integer(v->i); break;
		case F_REAL: jv = json_real(v->kind == V_REAL ? v->d : (double)v->i); break;
		case F_BOOL: jv = json_boolean(v->i); break;
		case F_STRLIST:
		case F_ILLUS:
			jv = strcmp(v->s, "*") == 0 ? json_true() : json_loads(v->s, 0, NULL);
			break;
		default: jv = v->kind == V_TEXT ? json_string(v->s) : NULL; break;
		}
		if (jv)
			json_object_set_new(obj, f->name, jv);
	}
	return obj;
}

json_t *rows_to_json(const struct entity *e, const struct value *vals)
{
	return to_json(e, vals, 0);
}

json_t *rows_to_json_secrets(const struct entity *e, const struct value *vals)
{
	return to_json(e, vals, 1);
}
