/*
 * replica.c -- reads routed to --read-db (replica.h). Not for writes, and
 * not a pool: one read-only connection per worker thread.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http.h"
#include "replica.h"
#include "../core/date.h"
#include "../core/err.h"
#include "../core/limits.h"
#include "../core/xalloc.h"
#include "../service/service.h"
#include "../store/store.h"
#include "../core/banned.h"

#define PRIMARY_COOKIE "plenum_primary"

static const char *g_url;            /* NULL: no replica */
static pthread_key_t g_key;

struct replica {
	struct svc svc;
	int open;
	time_t next_try;                 /* after a failure: not before this */
};

static void replica_free(void *p)
{
	struct replica *rp = p;

	if (rp->open)
		svc_close(&rp->svc);
	free(rp);
}

int replica_setup(const char *url, struct err *err)
{
	struct svc probe;
	struct err why = ERR_INIT;
	int rc;

	if (url == NULL)
		return 0;
	memset(&probe, 0, sizeof(probe));
	rc = svc_open(&probe, url, STORE_READONLY, NULL, 0, &why);
	svc_close(&probe);
	if (rc != 0)
		return err_field(err, why.code, "read-db", "--read-db: %s", why.msg);
	g_url = url;
	return pthread_key_create(&g_key, replica_free) == 0 ? 0 : err_set(err, ST_FAIL, "--read-db: no thread key");
}

/* The request carries the cookie set after a write by this browser. */
static int wrote_lately(struct req *r)
{
	const char *c = req_header(r, "Cookie");
	size_t n = strlen(PRIMARY_COOKIE);

	while (c && *c) {
		while (*c == ' ' || *c == ';')
			c++;
		if (strncmp(c, PRIMARY_COOKIE, n) == 0 && c[n] == '=')
			return 1;
		c = strchr(c, ';');
	}
	return 0;
}

static int wanted(struct req *r)
{
	const char *tag = r->route->tag;

	if (g_url == NULL || strcmp(r->method, "GET") != 0 || (r->route->flags & (RF_PUBLIC | RF_OWN_SNAPSHOT)))
		return 0;
	if (tag == NULL || (strcmp(tag, "reports") != 0 && strcmp(tag, "dashboard") != 0))
		return 0;
	return !wrote_lately(r);
}

/* This thread's replica context, opened when missing; NULL when it cannot be. */
static struct replica *mine(void)
{
	struct replica *rp = pthread_getspecific(g_key);
	struct err err = ERR_INIT;

	if (rp == NULL) {
		rp = xcalloc(1, sizeof(*rp));
		pthread_setspecific(g_key, rp);
	}
	if (rp->open)
		return rp;
	if (time(NULL) < rp->next_try)
		return NULL;
	if (svc_open(&rp->svc, g_url, STORE_READONLY, NULL, 0, &err) != 0) {
		svc_close(&rp->svc);
		rp->next_try = time(NULL) + 1;
		fprintf(stderr, "plenum: --read-db: %s (reading from the primary meanwhile)\n", err.msg);
		return NULL;
	}
	rp->open = 1;
	return rp;
}

static void drop(struct replica *rp)
{
	svc_close(&rp->svc);
	memset(&rp->svc, 0, sizeof(rp->svc));
	rp->open = 0;
	rp->next_try = time(NULL) + 1;
}

int replica_enter(struct req *r)
{
	struct svc *primary = r->svc;
	struct replica *rp;
	struct err err = ERR_INIT;
	int rc;

	if (!wanted(r) || (rp = mine()) == NULL)
		return 0;
	/* The settings are read again for every request (one small read beside
	 * a report): a standby hears no change notification, so the store's
	 * version cannot tell when they moved. Forgetting the version seen
	 * makes svc_refresh_settings() read them; svc_select_org(), which
	 * copies the org into the context's arena, runs only when the org
	 * changes, so that the arena does not grow per request. */
	if (!rp->svc.has_org || rp->svc.org.id != primary->org.id) {
		rc = svc_select_org(&rp->svc, primary->org.key, &err);
	} else {
		rp->svc.settings_seen.ours = -1;
		rc = svc_refresh_settings(&rp->svc, &err);
	}
	if (rc != 0) {
		/* The org may not have reached the replica yet: the primary answers. */
		if (err.code != ST_NOTFOUND) {
			fprintf(stderr, "plenum: --read-db: %s (reading from the primary meanwhile)\n", err.msg);
			drop(rp);
		}
		return 0;
	}
	rp->svc.today = primary->today;
	rp->svc.actor = primary->actor;
	rp->svc.who = primary->who;
	r->svc = &rp->svc;
	r->on_replica = 1;
	return 1;
}

void replica_leave(struct req *r)
{
	int writes = strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0;

	if (g_url == NULL)
		return;
	if (r->on_replica && r->status >= 500) {
		struct replica *rp = pthread_getspecific(g_key);

		if (rp && rp->open)
			drop(rp);
		return;
	}
	if (writes && r->status >= 200 && r->status < 300 && r->cookie[0] == '\0')
		snprintf(r->cookie, sizeof(r->cookie), PRIMARY_COOKIE "=1; Max-Age=%d%s", LIM_REPLICA_PRIMARY_S,
			 http_cookie_attrs());
}
