/*
 * cache.c -- per-thread cache of GET answers (see cache.h).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "http.h"
#include "../core/xalloc.h"
#include "../store/store.h"
#include "../core/banned.h"

struct entry {
	char *key;
	struct store_version v;
	int32_t today;
	int status;
	const char *content_type;      /* static strings only */
	char etag[32];
	char disposition[320];
	char *body;
	size_t len;
	uint64_t used;
};

struct cache {
	struct entry e[CACHE_ENTRIES];
	size_t bytes;
	uint64_t tick;
	struct store_version before;   /* read by cache_lookup(), before the handler ran */
};

static pthread_key_t g_key;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void cache_free(void *p)
{
	struct cache *c = p;

	for (int i = 0; i < CACHE_ENTRIES; i++) {
		free(c->e[i].key);
		free(c->e[i].body);
	}
	free(c);
}

static void make_key(void)
{
	pthread_key_create(&g_key, cache_free);
}

static struct cache *mine(void)
{
	struct cache *c;

	pthread_once(&g_once, make_key);
	c = pthread_getspecific(g_key);
	if (c == NULL) {
		c = xcalloc(1, sizeof(*c));
		pthread_setspecific(g_key, c);
	}
	return c;
}

/* The query as the handler sees it: decoded names and values, each
 * percent-encoded again where it could be taken for a separator, sorted,
 * so that "?q=a%26limit%3D1" and "?q=a&limit=1" differ and the order of
 * parameters does not matter. */
struct args {
	char *item[CACHE_KEY_ARGS];
	int n, over;
};

static void add_escaped(struct buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '%' || ch == '&' || ch == '=' || ch == '|' || ch < 0x20)
			buf_printf(b, "%%%02X", ch);
		else
			buf_addc(b, (char)ch);
	}
}

static int add_arg(void *ctx, const char *name, const char *value)
{
	struct args *a = ctx;
	struct buf b = BUF_INIT(4096);

	if (a->n == CACHE_KEY_ARGS) {
		a->over = 1;
		return 1;
	}
	add_escaped(&b, name);
	buf_addc(&b, '=');
	add_escaped(&b, value);
	if (b.err) {
		buf_release(&b);
		a->over = 1;
		return 1;
	}
	a->item[a->n++] = buf_detach(&b, NULL);
	return 0;
}

static int by_text(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* What decides the answer; NULL when this request is not cached. */
static char *key_of(struct req *r)
{
	struct buf b = BUF_INIT(4096);
	struct args a = { { NULL }, 0, 0 };

	if (strcmp(r->method, "GET") != 0 || r->route == NULL || (r->route->flags & (RF_PUBLIC | RF_NOCACHE)) || !r->authed)
		return NULL;
	buf_printf(&b, "%lld|%s|%s|%lld|%s?", (long long)r->who.user.org_id, r->who.user.role,
		   r->who.user.unit_key ? r->who.user.unit_key : "", (long long)r->who.user.person_id, r->path);
	req_query_each(r, add_arg, &a);
	qsort(a.item, (size_t)a.n, sizeof(a.item[0]), by_text);
	for (int i = 0; i < a.n; i++) {
		buf_addc(&b, '&');
		buf_adds(&b, a.item[i]);
		free(a.item[i]);
	}
	if (b.err || a.over) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

int cache_lookup(struct req *r)
{
	struct cache *c = mine();
	struct store_version v;
	char *key = key_of(r);

	/* A request whose answer is not cached (public ones: the health check,
	 * login) needs no version: reading it may cost a round trip to the
	 * database (PostgreSQL). cache_store() skips it alike. */
	if (key == NULL)
		return 0;
	/* An authenticated request read the version once in enter_org()
	 * (svc_refresh_settings). An answer is stored under the version read
	 * before it was computed: a commit landing meanwhile makes it stale at
	 * once, never fresh. */
	v = r->has_version ? r->version : store_version(r->svc->st);
	c->before = v;
	for (int i = 0; i < CACHE_ENTRIES; i++) {
		struct entry *e = &c->e[i];

		if (e->key == NULL || strcmp(e->key, key) != 0)
			continue;
		free(key);
		if (e->v.others != v.others || e->v.ours != v.ours || e->today != r->svc->today)
			return 0;
		buf_reset(&r->out);
		buf_add(&r->out, e->body, e->len);
		r->status = e->status;
		r->content_type = e->content_type;
		snprintf(r->etag, sizeof(r->etag), "%s", e->etag);
		snprintf(r->disposition, sizeof(r->disposition), "%s", e->disposition);
		e->used = ++c->tick;
		return 1;
	}
	free(key);
	return 0;
}

static void drop(struct cache *c, struct entry *e)
{
	c->bytes -= e->len;
	free(e->key);
	free(e->body);
	memset(e, 0, sizeof(*e));
}

void cache_store(struct req *r)
{
	struct cache *c;
	struct entry *slot = NULL;
	char *key;

	if (r->status != 200 || buf_len(&r->out) > CACHE_ENTRY_MAX || r->out.err)
		return;
	key = key_of(r);
	if (key == NULL)
		return;
	c = mine();
	for (int i = 0; i < CACHE_ENTRIES; i++)
		if (c->e[i].key && strcmp(c->e[i].key, key) == 0)
			drop(c, &c->e[i]);
	/* Room: the least recently used go first. */
	for (;;) {
		struct entry *old = NULL;

		slot = NULL;
		for (int i = 0; i < CACHE_ENTRIES; i++) {
			if (c->e[i].key == NULL && slot == NULL)
				slot = &c->e[i];
			else if (c->e[i].key && (old == NULL || c->e[i].used < old->used))
				old = &c->e[i];
		}
		if (slot && c->bytes + buf_len(&r->out) <= CACHE_BYTES)
			break;
		if (old == NULL) {
			free(key);
			return;
		}
		drop(c, old);
	}
	slot->key = key;
	slot->v = c->before;
	slot->today = r->svc->today;
	slot->status = r->status;
	slot->content_type = r->content_type;
	snprintf(slot->etag, sizeof(slot->etag), "%s", r->etag);
	snprintf(slot->disposition, sizeof(slot->disposition), "%s", r->disposition);
	slot->len = buf_len(&r->out);
	slot->body = xmalloc(slot->len + 1);
	memcpy(slot->body, buf_str(&r->out), slot->len);
	slot->used = ++c->tick;
	c->bytes += slot->len;
}
