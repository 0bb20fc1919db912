/*
 * req.c -- reading input and writing errors for handlers (see http.h): the
 * req_ helpers that reply before they return -1.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "../core/date.h"
#include "../core/limits.h"
#include "../core/text.h"
#include "../core/banned.h"

/* Replaces, in place, each byte of s that does not start a well-formed UTF-8
 * sequence by '?': request input is echoed in errors, and a JSON string must
 * be UTF-8 (a cut message may also end inside a sequence). */
static char *utf8_scrub(char *s)
{
	for (size_t i = 0; s[i];) {
		unsigned char c = (unsigned char)s[i];
		size_t len = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;

		if (len > 1 && strnlen(s + i, len) == len && text_utf8_valid(s + i, len)) {
			i += len;
		} else {
			if (len != 1)
				s[i] = '?';
			i++;
		}
	}
	return s;
}

int req_error(struct req *r, int status, const char *code, const char *field, const char *fmt, ...)
{
	va_list ap;
	char msg[1024], name[128];
	json_t *e;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	e = json_pack("{s:{s:s, s:s}}", "error", "code", code, "message", utf8_scrub(msg));
	if (field && *field) {
		snprintf(name, sizeof(name), "%s", field);
		json_object_set_new(json_object_get(e, "error"), "field", json_string(utf8_scrub(name)));
	}
	req_json(r, status, e);
	return -1;
}

json_t *req_problem(const char *field, const char *msg, const struct err *why)
{
	json_t *p = json_pack("{s:s, s:s}", "field", field ? field : "", "message", msg ? msg : "");

	if (why == NULL || why->reason[0] == '\0')
		return p;
	json_object_set_new(p, "code", json_string(why->reason));
	for (int i = 0; i < why->nparams && i < ERR_PARAMS; i++) {
		const char *v = why->params[i].value;
		char *end = NULL;
		long long n = strtoll(v, &end, 10);

		if (*v && end && *end == '\0' && strlen(v) < 16)
			json_object_set_new(p, why->params[i].name, json_integer(n));
		else
			json_object_set_new(p, why->params[i].name, json_string(v));
	}
	return p;
}

/* As req_error, with the reason of err as the only entry of "problems". */
static int fail_with_reason(struct req *r, int status, const char *code, const struct err *err)
{
	json_t *e = json_pack("{s:{s:s, s:s}}", "error", "code", code, "message", err->msg);
	json_t *inner = json_object_get(e, "error");

	if (err->field[0])
		json_object_set_new(inner, "field", json_string(err->field));
	json_object_set_new(inner, "problems", json_pack("[o]", req_problem(err->field, err->msg, err)));
	req_json(r, status, e);
	return -1;
}

int req_fail(struct req *r, const struct err *err)
{
	static const struct {
		enum status code;
		int http;
		const char *name;
	} map[] = {
		{ ST_INVALID, 400, "invalid_field" },
		{ ST_NOTFOUND, 404, "not_found" },
		{ ST_CONFLICT, 409, "conflict" },
		{ ST_STALE, 412, "precondition_failed" },
		{ ST_FORBIDDEN, 403, "forbidden" },
		{ ST_TOOBIG, 413, "too_large" },
		{ ST_UNAUTH, 401, "unauthorized" },
		{ ST_THROTTLED, 429, "too_many_requests" },
		{ ST_REFUSED, 422, "invalid_field" },
		{ ST_BUSY, 503, "busy" },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (map[i].code != err->code)
			continue;
		if (err->code == ST_THROTTLED)
			r->retry_after = 15 * 60;
		if (err->code == ST_BUSY)
			r->retry_after = LIM_DB_RETRY_AFTER_S;
		if (err->reason[0])
			return fail_with_reason(r, map[i].http, map[i].name, err);
		return req_error(r, map[i].http, map[i].name, err->field, "%s", err->msg);
	}
	return req_error(r, 500, "internal", NULL, "%s", err->msg[0] ? err->msg : "internal error");
}

static int depth_of(json_t *j, int limit)
{
	size_t i;
	const char *k;
	json_t *v;
	int d = 0, c;

	if (limit <= 0)
		return 1;
	if (json_is_array(j)) {
		json_array_foreach(j, i, v) {
			c = depth_of(v, limit - 1);
			d = c > d ? c : d;
		}
		return d + 1;
	}
	if (json_is_object(j)) {
		json_object_foreach(j, k, v) {
			c = depth_of(v, limit - 1);
			d = c > d ? c : d;
		}
		return d + 1;
	}
	return 0;
}

int req_body_json(struct req *r, json_t **out)
{
	json_error_t jerr;
	json_t *j;

	*out = NULL;
	if (buf_len(&r->body) == 0)
		return req_error(r, 400, "invalid_json", NULL, "the request needs a JSON object as its body");
	if (!text_utf8_valid(buf_str(&r->body), buf_len(&r->body)))
		return req_error(r, 400, "invalid_json", NULL, "the body is not valid UTF-8");
	j = json_loadb(buf_str(&r->body), buf_len(&r->body), JSON_REJECT_DUPLICATES, &jerr);
	if (j == NULL)
		return req_error(r, 400, "invalid_json", NULL, "malformed JSON at line %d, column %d: %s", jerr.line,
				 jerr.column, jerr.text);
	if (!json_is_object(j)) {
		json_decref(j);
		return req_error(r, 400, "invalid_json", NULL, "the body must be a JSON object");
	}
	if (depth_of(j, LIM_JSON_DEPTH + 1) > LIM_JSON_DEPTH) {
		json_decref(j);
		return req_error(r, 400, "invalid_json", NULL, "the JSON is nested deeper than %d levels", LIM_JSON_DEPTH);
	}
	*out = j;
	return 0;
}

int req_param_int(struct req *r, const char *name, long long min, long long max, long long def,
		  long long *out)
{
	const char *v = req_query(r, name);
	struct err err = ERR_INIT;

	*out = def;
	if (v == NULL)
		return 0;
	if (parse_int(v, min, max, out, name, &err) != 0)
		return req_fail(r, &err);
	return 0;
}

int req_param_date(struct req *r, const char *name, const char **out)
{
	const char *v = req_query(r, name);
	int32_t d;

	*out = NULL;
	if (v == NULL)
		return 0;
	if (date_parse(v, &d) != 0)
		return req_error(r, 400, "invalid_field", name, "%s: \"%s\" is not a real date YYYY-MM-DD", name, v);
	*out = v;
	return 0;
}

int req_need(struct req *r, enum auth_action action, const char *entity)
{
	if (auth_can(&r->who, action, entity))
		return 0;
	return req_error(r, 403, "forbidden", NULL, "a %s may not %s %s records", r->who.user.role,
			 action == CAN_READ ? "read" : action == CAN_ADMIN ? "administer" : "change", entity);
}

int req_if_match(struct req *r, int64_t *version)
{
	const char *v = req_header(r, "If-Match");
	char digits[24];
	size_t n = 0;
	long long out;

	if (v == NULL)
		return req_error(r, 412, "precondition_failed", "If-Match",
				 "send If-Match with the version you read (the ETag), so no one else's change is lost");
	if (strncmp(v, "W/", 2) == 0)
		v += 2;
	for (; *v && n + 1 < sizeof(digits); v++)
		if (*v != '"' && *v != ' ')
			digits[n++] = *v;
	digits[n] = '\0';
	if (parse_int(digits, 1, INT64_MAX, &out, "If-Match", NULL) != 0)
		return req_error(r, 412, "precondition_failed", "If-Match", "If-Match must be the version number you read");
	*version = out;
	return 0;
}

struct only_ctx {
	const char *const *allowed;
	const char *bad;
};

static int check_param(void *ctx, const char *name, const char *value)
{
	struct only_ctx *o = ctx;

	(void)value;
	for (int i = 0; o->allowed[i]; i++)
		if (strcmp(o->allowed[i], name) == 0)
			return 0;
	o->bad = name;
	return 1;
}

int req_only_params(struct req *r, const char *const *allowed)
{
	struct only_ctx o = { allowed, NULL };

	if (req_query_each(r, check_param, &o) == 0)
		return 0;
	return req_error(r, 400, "invalid_field", o.bad, "%s: not a parameter of this request", o.bad);
}

const char *req_cursor_make(struct req *r, int64_t last_id)
{
	char digits[32];
	int n = 0;
	uint64_t v = (uint64_t)last_id;

	do {
		digits[n++] = "0123456789abcdefghijklmnopqrstuvwxyz"[v % 36];
		v /= 36;
	} while (v && n < 30);
	digits[n] = '\0';
	for (int i = 0; i < n / 2; i++) {
		char t = digits[i];

		digits[i] = digits[n - 1 - i];
		digits[n - 1 - i] = t;
	}
	return arena_printf(&r->a, "c%s", digits);
}

int req_cursor(struct req *r, int64_t *after_id)
{
	const char *c = req_query(r, "cursor");
	char *end = NULL;
	long long v;

	*after_id = 0;
	if (c == NULL)
		return 0;
	if (c[0] != 'c' || c[1] == '\0')
		return req_error(r, 400, "invalid_field", "cursor", "cursor: not one this server gave out");
	v = strtoll(c + 1, &end, 36);
	if (*end != '\0' || v < 0)
		return req_error(r, 400, "invalid_field", "cursor", "cursor: not one this server gave out");
	*after_id = v;
	return 0;
}
