/* fuzz_req.c -- libFuzzer target: the request input that plenum parses
 * itself (http/req.c), without a socket: query arguments through
 * req_only_params, req_param_int, req_param_date and req_cursor; the If-Match
 * header; the JSON body through req_body_json.
 *
 * The input is lines "name=value" (query arguments, as libmicrohttpd hands
 * them over: already split and decoded) and "Name: value" (headers), then an
 * empty line, then the body. This file stands in for server.c's three
 * lookups and req_json, so the target links req.c without libmicrohttpd's
 * connection: if req.c starts to call more of server.c, the link fails
 * with a duplicate symbol, and this file must grow to match.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "core/limits.h"
#include "http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PAIRS 16

struct fake {
	const char *qname[MAX_PAIRS], *qvalue[MAX_PAIRS];
	const char *hname[MAX_PAIRS], *hvalue[MAX_PAIRS];
	int nq, nh;
};

static struct fake *fake_of(struct req *r)
{
	return r->conn;
}

const char *req_query(struct req *r, const char *name)
{
	struct fake *f = fake_of(r);

	for (int i = 0; i < f->nq; i++)
		if (strcmp(f->qname[i], name) == 0)
			return f->qvalue[i];
	return NULL;
}

const char *req_header(struct req *r, const char *name)
{
	struct fake *f = fake_of(r);

	for (int i = 0; i < f->nh; i++)
		if (strcasecmp(f->hname[i], name) == 0)
			return f->hvalue[i];
	return NULL;
}

int req_query_each(struct req *r, int (*cb)(void *ctx, const char *name, const char *value), void *ctx)
{
	struct fake *f = fake_of(r);

	for (int i = 0; i < f->nq; i++)
		if (cb(ctx, f->qname[i], f->qvalue[i]))
			return 1;
	return 0;
}

int req_json(struct req *r, int status, json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT);

	if (s == NULL || status < 400 || status > 599)
		abort();           /* every reply of these helpers is an error with a body */
	r->status = status;
	free(s);
	json_decref(j);
	return 0;
}

static int depth(json_t *j)
{
	size_t i;
	const char *k;
	json_t *v;
	int d = 0, c;

	if (json_is_array(j))
		json_array_foreach(j, i, v) {
			c = depth(v);
			d = c > d ? c : d;
		}
	else if (json_is_object(j))
		json_object_foreach(j, k, v) {
			c = depth(v);
			d = c > d ? c : d;
		}
	else
		return 0;
	return d + 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const allowed[] = { "limit", "cursor", "due_from", "q", NULL };
	struct fake f;
	struct req r;
	char *text, *p, *end;
	long long limit;
	int64_t after, version;
	const char *date;
	json_t *body = NULL;

	if (size > LIM_BODY_BYTES)
		return 0;
	memset(&f, 0, sizeof(f));
	memset(&r, 0, sizeof(r));
	text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	end = text + size;
	/* the lines before the first empty one */
	for (p = text; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p)), *sep;

		if (nl == NULL)
			nl = end;
		*nl = '\0';
		if (p == nl) {
			p = nl + 1;
			break;
		}
		if ((sep = strstr(p, ": ")) != NULL && f.nh < MAX_PAIRS) {
			*sep = '\0';
			f.hname[f.nh] = p;
			f.hvalue[f.nh++] = sep + 2;
		} else if ((sep = strchr(p, '=')) != NULL && f.nq < MAX_PAIRS) {
			*sep = '\0';
			f.qname[f.nq] = p;
			f.qvalue[f.nq++] = sep + 1;
		}
		p = nl + 1;
	}
	r.conn = &f;
	r.method = "POST";
	r.path = "/api/v1/units";
	arena_init(&r.a);
	buf_init(&r.body, LIM_BODY_BYTES);
	buf_init(&r.out, 1 << 20);
	if (p < end)
		buf_add(&r.body, p, (size_t)(end - p));

	req_only_params(&r, allowed);
	if (req_param_int(&r, "limit", 1, LIM_PAGE_ITEMS, LIM_PAGE_DEFAULT, &limit) == 0 &&
	    (limit < 1 || limit > LIM_PAGE_ITEMS))
		abort();
	req_param_date(&r, "due_from", &date);
	if (req_cursor(&r, &after) == 0 && after < 0)
		abort();
	if (req_if_match(&r, &version) == 0 && version < 1)
		abort();
	if (req_body_json(&r, &body) == 0) {
		if (!json_is_object(body) || depth(body) > LIM_JSON_DEPTH)
			abort();
		json_decref(body);
	}
	buf_release(&r.body);
	buf_release(&r.out);
	arena_release(&r.a);
	free(text);
	return 0;
}
